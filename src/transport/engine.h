/* The one gRPC engine under skview's clients (Skaffold's in client.c,
 * BuildKit's in bk_client.c): a channel, a completion-queue thread and the
 * calls on it, driven from a libuv loop. A client is a table of methods over
 * it (paths, message types, decoding of what the calls mean).
 *
 * Threads: a private thread blocks in grpc_completion_queue_next(); it only
 * decodes answers, re-arms RECV_MESSAGE and hands results over through a
 * bounded, mutex-protected queue and uv_async_send(). When ENG_QUEUE_CAP
 * results wait, it stops re-arming and HTTP/2 flow control holds the server
 * until the loop drained them. Every callback runs on the loop thread.
 *
 * Channel: plaintext HTTP/2 to target ("host:port", "unix:///path"), or over
 * a descriptor that a dialler connected (eng_new_dialled: Docker's /grpc
 * upgrade); answers
 * up to RPC_MAX_MESSAGE; a keepalive ping every 6 minutes (SKVIEW_KEEPALIVE_MS
 * overrides it) so that a server hung after the handshake is noticed; gRPC's
 * own reconnect backoff kept short, since the clients pace retries
 * themselves (eng_conn_*).
 *
 * Calls: one request, any number of answers (a unary call is a stream of
 * one with a deadline). on_md when the server's headers arrived, on_msg per
 * decoded answer with its bytes as received (both valid during the call: a
 * consumer that keeps the message keeps those bytes, it need not pack it
 * again), on_end exactly once and last.
 *
 * Connection: a client that keeps a subscription open reports its state
 * through eng_conn_*: eng_conn_lost() schedules the client's retry with
 * backoff (1 s initial, x1.6, 20% jitter, capped at 30 s; back to 1 s only
 * after a connection that lasted 5 s).
 *
 * Life cycle: eng_new -> calls -> eng_stop(done) -> done runs on the loop
 * thread once every call, the channel, the thread and the handles are gone
 * -> eng_free. */
#ifndef SKVIEW_ENGINE_H
#define SKVIEW_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include <uv.h>
#include "sources/source.h" /* live_conn_t */

#define ENG_QUEUE_CAP 4096             /* answers handed over but not yet consumed */
#define ENG_BACKOFF_INITIAL_MS 1000.0
#define ENG_BACKOFF_FACTOR 1.6
#define ENG_BACKOFF_JITTER 0.2
#define ENG_BACKOFF_MAX_MS 30000.0
#define ENG_STABLE_MS 5000             /* a connection this old resets the backoff */

/* A subscription's connection: live_conn_t, defined with the one source
 * sink (sources/source.h, on_conn). */
typedef struct eng eng_t;
typedef struct eng_call eng_call_t;

/* How a call ended. code is a grpc_status_code; details the server's text. */
typedef struct eng_end {
    int code;
    const char *details;
    const ProtobufCMessage *reply;   /* unary: the answer (NULL if none or bad) */
    unsigned bad;                    /* answers that were not a `response` */
    size_t sent_bytes, recv_bytes;   /* payload of the request and the answers */
} eng_end_t;

typedef struct eng_req {
    const char *method;                          /* "/pkg.Service/Method", static */
    const ProtobufCMessage *request;
    const ProtobufCMessageDescriptor *response;
    uint32_t deadline_ms;                        /* 0: none (streams) */
    bool unary;                                  /* the answer goes to on_end, not on_msg */
    bool quiet_when_stopping;                    /* no on_msg once eng_stop was called */
    void (*on_md)(void *arg);
    void (*on_msg)(void *arg, const ProtobufCMessage *msg, const uint8_t *wire, size_t wire_len);
    void (*on_end)(void *arg, const eng_end_t *end);
    void *arg;
} eng_req_t;

/* Connection state changes of eng_conn_*; retry_ms before the next try. */
typedef void (*eng_conn_cb)(void *arg, live_conn_t conn, const char *detail, uint64_t retry_ms);

/* who names the client in errors ("live", "buildkit"). Calls grpc_init.
 * NULL (a sentence on stderr) when libuv refuses a handle. */
eng_t *eng_new(uv_loop_t *loop, const char *target, const char *who);

/* Connects a descriptor that speaks HTTP/2 (prior knowledge): the fd, or -1
 * with err saying why. Runs on a libuv pool thread: it may block, and reads
 * only what does not change while the engine runs. */
typedef int (*eng_dial_fn)(void *arg, char *err, size_t errlen);
/* As eng_new, over descriptors from dial (target only names the channel).
 * dial runs on libuv's thread pool, never on the loop thread (it may wait on
 * a peer that does not answer); calls made meanwhile start once it is done.
 * A channel over one descriptor never reconnects by itself: once a call
 * ended UNAVAILABLE, or the dial failed, the next eng_call dials again and
 * puts a new channel in place. A failed dial makes that channel's calls end
 * UNAVAILABLE with dial's sentence, so consumers see it as a lost server. */
eng_t *eng_new_dialled(uv_loop_t *loop, const char *target, eng_dial_fn dial, void *dial_arg, const char *who);
/* NULL when the call cannot start (stopping, or gRPC refused). */
eng_call_t *eng_call(eng_t *e, const eng_req_t *req);
/* Asks the server to stop; on_end still follows (CANCELLED). */
void eng_cancel(eng_call_t *call);
/* Runs after each wake-up's results were all delivered. */
void eng_on_drained(eng_t *e, void (*cb)(void *arg), void *arg);
/* Cancels every call and the retry; done(arg) runs on the loop thread once
 * everything is gone. */
void eng_stop(eng_t *e, void (*done)(void *arg), void *arg);
bool eng_stopping(const eng_t *e);
/* After stop completed. Calls grpc_shutdown. */
void eng_free(eng_t *e);
uv_loop_t *eng_loop(const eng_t *e);

/* Connection supervision: on_conn reports every change, retry(arg) runs
 * when the backoff delay is over (the client opens its calls again). */
void eng_conn_watch(eng_t *e, eng_conn_cb on_conn, void (*retry)(void *arg), void *arg);
live_conn_t eng_conn(const eng_t *e);
void eng_conn_set(eng_t *e, live_conn_t conn, const char *detail, uint64_t retry_ms);
/* The subscription is open (its headers arrived). */
void eng_conn_up(eng_t *e);
/* It failed or ended: retry after the backoff (RECONNECTING). */
void eng_conn_lost(eng_t *e, const char *detail);
/* The next backoff delay in ms (counts an attempt). */
uint64_t eng_backoff_next(eng_t *e);
/* The delay after `attempt` failed attempts on the same schedule, for a
 * call that keeps its own count (it does not count one of the connection's). */
uint64_t eng_backoff_delay(eng_t *e, unsigned attempt);

/* The keepalive period: SKVIEW_KEEPALIVE_MS, else 6 minutes. */
int eng_keepalive_ms(void);
/* "NAME: details" ("NAME" alone when details is empty, "" for OK), malloc'd. */
char *eng_status_text(int code, const char *details);

/* gRPC's own log lines go to stderr (made inert), or nowhere while quiet
 * (the viewer sets it while it owns the terminal). Any thread. */
void eng_log_quiet(bool quiet);

#endif
