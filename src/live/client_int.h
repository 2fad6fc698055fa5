/* Private structures of the live client (src/live/client.c). */
#ifndef SKVIEW_CLIENT_INT_H
#define SKVIEW_CLIENT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <grpc/grpc.h>
#include <uv.h>
#include "live/client.h"

#define LIVE_QUEUE_CAP 4096          /* entries handed over but not yet consumed */
#define LIVE_DEADLINE_DEFAULT_MS 5000
#define LIVE_BACKOFF_INITIAL_MS 1000.0
#define LIVE_BACKOFF_FACTOR 1.6
#define LIVE_BACKOFF_JITTER 0.2
#define LIVE_BACKOFF_MAX_MS 30000.0
/* Keepalive ping period on a channel (see channel_new); SKVIEW_KEEPALIVE_MS
 * overrides it for tests. */
#define LIVE_KEEPALIVE_MS live_keepalive_ms()
int live_keepalive_ms(void);
#define LIVE_STABLE_MS 5000          /* a connection this old resets the backoff */
/* Keeping the mirror reconciled (see client.h): GetState once the stream has
 * been this quiet after activity, at most this long after an iteration ended
 * however busy the stream, and every LIVE_POLL_MS while it stays idle. */
#define LIVE_QUIET_MS 250
#define LIVE_ITER_CAP_MS 1000
/* An automatic GetState answered after more entries than this arrived is
 * dropped (another follows at the next quiet): reconciling it would re-fold
 * them all, which in a burst only slows the consumer down. */
#define LIVE_REFOLD_MAX 4096
#ifndef LIVE_POLL_MS /* -D for measuring the polling's cost */
#define LIVE_POLL_MS 1500
#endif

/* What a completion belongs to; every batch's tag points at one of these. */
typedef enum live_tag_kind {
    LIVE_TAG_STREAM_MD,      /* Events: request sent, initial metadata received */
    LIVE_TAG_STREAM_RECV,    /* Events: one RECV_MESSAGE */
    LIVE_TAG_STREAM_STATUS,  /* Events: RECV_STATUS_ON_CLIENT */
    LIVE_TAG_UNARY,          /* a whole unary call (one batch) */
} live_tag_kind_t;

typedef struct live_tag {
    live_tag_kind_t kind;
    void *owner;
} live_tag_t;

/* One Events call. The flags marked "mu" are shared with the completion-queue
 * thread and only touched under live_client.mu. */
typedef struct live_stream {
    struct live_client *c;
    grpc_call *call;
    live_tag_t tag_md, tag_recv, tag_status;
    grpc_metadata_array md_initial, md_trailing;
    grpc_byte_buffer *send_buf, *recv_buf;
    grpc_status_code status;
    grpc_slice details;
    bool recv_armed, recv_ended, status_done, md_done, md_ok, stalled, end_pushed; /* mu */
} live_stream_t;

typedef enum live_unary_kind {
    LIVE_UNARY_STATE,    /* GetState */
    LIVE_UNARY_CONTROL,  /* Execute, Auto*, Handle: GetState follows success */
} live_unary_kind_t;

typedef struct live_unary {
    live_tag_t tag;
    struct live_unary *next;     /* in live_client.unary, loop thread only */
    live_unary_kind_t kind;
    const char *method;
    grpc_call *call;
    grpc_metadata_array md_initial, md_trailing;
    grpc_byte_buffer *send_buf, *recv_buf;
    grpc_status_code status;
    grpc_slice details;
    live_done_cb done;
    void *arg;
    uint64_t state_tag;          /* on_state_request() when sent */
    uint64_t epoch;              /* live_client.epoch when sent */
    bool automatic;              /* sent by the client itself to reconcile */
    uint64_t entries_at_send;    /* live_client.stats.entries when sent */
} live_unary_t;

/* Completion-queue thread -> loop thread. */
typedef enum live_ev_kind {
    LIVE_EV_ENTRY,       /* ptr: a decoded Proto__LogEntry (malloc) */
    LIVE_EV_STREAM_MD,   /* ptr: the stream whose headers arrived */
    LIVE_EV_STREAM_END,  /* ptr: a stream whose batches have all completed */
    LIVE_EV_UNARY,       /* ptr: a completed live_unary_t */
    LIVE_EV_EXIT,        /* the completion-queue thread is leaving */
} live_ev_kind_t;

/* Memory of one decoded entry: its event node and every part of the
 * message, bump-allocated in one malloc'd chunk (more only for big entries),
 * so a handed-over entry costs one malloc on one thread and one free on the
 * other instead of a pair per string and sub-message. */
typedef struct live_chunk {
    struct live_chunk *next;
    size_t used, cap;
    max_align_t data[];
} live_chunk_t;

typedef struct live_ev {
    struct live_ev *next;
    live_ev_kind_t kind;
    void *ptr;
    live_chunk_t *chunks;   /* LIVE_EV_ENTRY: where it and ptr live */
} live_ev_t;

struct live_client {
    uv_loop_t *loop;
    live_opts_t opts;
    char *addr;
    live_callbacks_t cb;
    grpc_channel *ch;
    grpc_completion_queue *cq;
    uv_thread_t thread;
    bool thread_running;
    uv_async_t async;
    uv_timer_t retry;
    uv_timer_t sync;             /* the next reconciling GetState */
    int closed_handles;
    uv_mutex_t mu;
    live_ev_t *q_head, *q_tail;  /* mu */
    size_t q_len;                /* mu */
    uint64_t bad_messages;       /* mu: undecodable stream messages skipped */
    live_stream_t *stream;       /* the current Events call, or NULL */
    live_unary_t *unary;         /* unary calls in flight */
    live_conn_t conn;
    unsigned attempt;            /* failed attempts since the last stable connection */
    uint64_t connected_ms;       /* uv_now() when the stream last connected */
    unsigned seed;               /* for the jitter */
    bool started, stopping;
    /* The consumer's on_reset waits until the new stream delivers its first
     * entry, so that a lost connection leaves the last mirror on screen. */
    bool reset_pending;
    uint64_t epoch;              /* on_reset calls so far */
    bool iter_end_pending;       /* a DevLoopEvent ended an iteration since the last GetState */
    uint64_t iter_end_ms;
    unsigned auto_inflight;      /* automatic GetStates in flight */
    live_stats_t stats;
    live_done_cb stop_done;
    void *stop_arg;
};

#endif
