/* Private structures of the Skaffold client (src/transport/client.c). */
#ifndef SKVIEW_CLIENT_INT_H
#define SKVIEW_CLIENT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "transport/client.h"
#include "transport/engine.h"

#define SK_CLIENT_DEADLINE_DEFAULT_MS 5000
/* Keeping the mirror reconciled (see client.h): GetState once the stream has
 * been this quiet after activity, at most this long after an iteration ended
 * however busy the stream, and every SK_CLIENT_POLL_MS while it stays idle. */
#define SK_CLIENT_QUIET_MS 250
#define SK_CLIENT_ITER_CAP_MS 1000
/* An automatic GetState answered after more entries than this arrived is
 * dropped (another follows at the next quiet): reconciling it would re-fold
 * them all, which in a burst only slows the consumer down. */
#define SK_CLIENT_REFOLD_MAX 4096
#ifndef SK_CLIENT_POLL_MS /* -D for measuring the polling's cost */
#define SK_CLIENT_POLL_MS 1500
#endif

typedef enum sk_unary_kind {
    SK_UNARY_STATE,    /* GetState */
    SK_UNARY_CONTROL,  /* Execute, Auto*, Handle: GetState follows success */
} sk_unary_kind_t;

/* One unary call in flight (the engine's on_end argument). */
typedef struct sk_unary {
    struct sk_client *c;
    sk_unary_kind_t kind;
    sk_done_cb done;
    void *arg;
    uint64_t state_tag;          /* on_state_request() when sent */
    uint64_t epoch;              /* sk_client.epoch when sent */
    bool automatic;              /* sent by the client itself to reconcile */
    uint64_t entries_at_send;    /* sk_client.stats.entries when sent */
} sk_unary_t;

/* One v2 stream (client.h): Events or ApplicationLogs. */
typedef struct sk_v2 {
    struct sk_client *c;
    v2_stream_t which;
    eng_call_t *call;            /* the current call, or NULL */
    bool reset_pending;          /* on_v2_reset before its first event */
    bool unimplemented;          /* answered UNIMPLEMENTED (until the next reconnect) */
    bool told;                   /* ... and on_error said so */
    char *why;                   /* that status, said once the other stream answers */
} sk_v2_t;

/* Everything here is touched on the loop thread only; the engine owns the
 * channel, the completion-queue thread and the connection's backoff. */
struct sk_client {
    uv_loop_t *loop;
    sk_client_opts_t opts;
    char *addr;
    sk_client_callbacks_t cb;
    eng_t *eng;
    uv_timer_t sync;             /* the next reconciling GetState */
    eng_call_t *stream;          /* the current Events call, or NULL */
    bool started, stopping;
    /* The consumer's on_reset waits until the new stream delivers its first
     * entry, so that a lost connection leaves the last mirror on screen. */
    bool reset_pending;
    uint64_t epoch;              /* on_reset calls so far */
    bool iter_end_pending;       /* a DevLoopEvent ended an iteration since the last GetState */
    uint64_t iter_end_ms;
    unsigned auto_inflight;      /* automatic GetStates in flight */
    uint64_t entries_drained;    /* stats.entries when the engine last drained */
    uint64_t applogs_drained;    /* stats.v2_applogs then */
    /* Skaffold 2.x's v2 streams, opened beside Events when cb.on_v2 is set. */
    sk_v2_t v2[2];             /* by v2_stream_t */
    v2_avail_t v2_avail;         /* what on_v2_avail said last */
    /* UNIMPLEMENTED: no v2 until the next reconnect of the whole connection. */
    bool v2_off;
    uv_timer_t v2_retry;         /* a v2 stream failed alone: open it again */
    unsigned v2_attempt;         /* its failures since a v2 event or a reconnect */
    unsigned closed_timers;      /* sync and v2_retry, once stopped */
    sk_client_stats_t stats;
    const uint8_t *wire;         /* the bytes of the message being delivered (sk_client_wire) */
    size_t wire_len;
    sk_done_cb stop_done;
    void *stop_arg;
};

#endif
