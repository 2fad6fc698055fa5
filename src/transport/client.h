/* A live connection to a Skaffold process (or skview-sim) over gRPC C core,
 * driven from a libuv loop.
 *
 * Threads: the calls run on the shared gRPC engine (engine.h: channel,
 * completion-queue thread, bounded hand-over queue, backoff). Every callback
 * below runs on the loop thread, and the model/UI are only touched there.
 *
 * Life cycle: sk_client_new() -> sk_client_start() -> (callbacks) ->
 * sk_client_stop(done) -> done runs on the loop thread once every call,
 * the channel and the thread are gone -> sk_client_free().
 *
 * Connection: plaintext HTTP/2 to addr ("HOST:PORT" or "unix:///path").
 * On connect the client subscribes to Events. The stream replays the whole
 * history, so the consumer must start from scratch: the client calls
 * on_reset just before the first entry of each new stream (not when the
 * connection is lost, so the consumer can keep showing its last state until
 * a new history actually arrives). When the server is absent or goes away it reports
 * LIVE_RECONNECTING with the delay, retrying with exponential backoff (1 s
 * initial, x1.6, 20% jitter, capped at 30 s; back to 1 s only after a
 * connection that lasted 5 s); the consumer keeps its last state and shows
 * it as stale.
 *
 * Reconciling: events cannot carry everything (auto triggers changed by any
 * client, artifacts never built, cache-hit rebuilds), so when on_state is
 * set the client calls GetState by itself while the stream is connected:
 * once the stream has been quiet for 250 ms after activity (this covers the
 * replayed history and each control call's effects), at most 1 s after a
 * DevLoopEvent ended an iteration (Succeeded/Failed) however busy the
 * stream, after every successful control call, and every 1.5 s while the
 * stream stays idle (another client may toggle an auto trigger; no event
 * tells). At most one of these is in flight. A GetState sent before an
 * on_reset is not delivered (its tag belongs to the forgotten mirror), nor
 * one of the client's own answered after more than 4096 entries arrived
 * (another follows once the stream is quiet).
 *
 * Skaffold 2.x (v2): when the consumer sets on_v2, the client also opens
 * the v2 Events and ApplicationLogs streams (/proto.v2.SkaffoldV2Service/)
 * on the same channel, each time it (re)subscribes to Events, with the
 * same decoding on the completion-queue thread and the same flow control.
 * Each delivers through on_v2(ev, V2_EVENTS or V2_APPLOGS), after
 * on_v2_reset(stream) just before the first event of each new call (both
 * replay: Events everything since start, ApplicationLogs the current dev
 * loop's lines). on_v2_avail(V2_AVAILABLE) comes with the first event of
 * any v2 stream (a Go server sends a stream's headers with its first
 * message, and a trailers-only UNIMPLEMENTED also completes the headers,
 * so they prove nothing); on_v2_avail(V2_UNAVAILABLE, "v1 only: server has
 * no v2 API") once when a v2 stream ends UNIMPLEMENTED (a Skaffold before
 * 2.x): the other v2 stream is cancelled and neither is asked again until
 * the next reconnect of the whole connection, while v1 goes on. A v2
 * stream that fails while Events stays connected is opened again after
 * a delay on the connection's schedule (engine.h), counted apart from the
 * connection's attempts; one the server ends cleanly
 * (status OK) is not, until the next reconnect; when the connection is
 * lost, the reconnect opens all three. Each such failure is said through
 * on_error (where "v2 Events" or "v2 ApplicationLogs", the status; not
 * fatal: the retry follows, and a header can show a stream that keeps
 * failing). Without reconnect, such a failure goes to on_error (fatal). Control
 * calls stay on v1: Skaffold 2.x wires no runner to the v2 ones.
 *
 * The control calls also work on a client that was never started (headless
 * commands use it so: new -> call -> stop in its done callback). */
#ifndef SKVIEW_CLIENT_H
#define SKVIEW_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>
#include "skaffold.pb-c.h"
#include "sources/source.h"


typedef enum sk_trigger {
    SK_TRIGGER_BUILD,
    SK_TRIGGER_SYNC,
    SK_TRIGGER_DEPLOY,
} sk_trigger_t;

/* The outcome of a call: code is a grpc_status_code (0 = OK); message is
 * "NAME: server message" for a failure (e.g. "ALREADY_EXISTS: auto build is
 * already set to true"), "" for success. */
typedef struct sk_result {
    int code;
    const char *message;
} sk_result_t;

/* The callbacks of a live source: the one sink every source takes (see
 * sources/source.h). The client calls on_reset, on_entry, on_state_request,
 * on_state and on_conn. Without reconnect, on_conn(LIVE_STOPPED) comes with
 * detail NULL when the server ended the stream cleanly (status OK), with the
 * failure otherwise. */
typedef source_sink_t sk_client_callbacks_t;

typedef struct sk_client sk_client_t;

/* What the client's own GetState calls cost (sk_client_stats). */
typedef struct sk_client_stats {
    uint64_t state_calls;        /* GetState calls completed (any origin) */
    uint64_t state_bytes;        /* their request + answer payload bytes */
    uint64_t auto_calls;         /* of those, sent by the client to reconcile */
    uint64_t entries;            /* Events entries delivered */
    uint64_t v2_events;          /* v2 Events events delivered */
    uint64_t v2_applogs;         /* v2 ApplicationLogs events delivered */
    uint64_t v2_applogs_first_ns, v2_applogs_last_ns; /* uv_hrtime() of the first and the last batch */
} sk_client_stats_t;
typedef void (*sk_done_cb)(void *arg, const sk_result_t *result);

typedef struct sk_client_opts {
    const char *addr;          /* required */
    bool reconnect;            /* false: report the first failure and stop (ctl, events) */
    uint32_t deadline_ms;      /* unary calls; 0 = 5000 */
    bool manual_state;         /* no GetState of the client's own: only the consumer's (one-shot commands) */
    /* v2 only (logs -a): no v1 Events stream; v2 Events stands for it (its
     * first event is the connection up, its end the connection's, said as
     * "Events"), and a server without v2 ends the run through on_v2_avail. */
    bool no_v1;
} sk_client_opts_t;

sk_client_t *sk_client_new(uv_loop_t *loop, const sk_client_opts_t *opts, const sk_client_callbacks_t *cb);
int sk_client_start(sk_client_t *c);
/* Cancels everything; done(arg, NULL) runs on the loop thread when all is
 * released. */
void sk_client_stop(sk_client_t *c, sk_done_cb done, void *arg);
void sk_client_free(sk_client_t *c);

/* Control calls (5 s deadline each). done runs on the loop thread with the
 * outcome; after a successful control call the client calls GetState again.
 * Each returns 0, or -1 when the call could not be sent (client stopping):
 * then done is not called. */
int sk_client_execute(sk_client_t *c, bool build, bool sync, bool deploy, sk_done_cb done, void *arg);
int sk_client_auto(sk_client_t *c, sk_trigger_t which, bool enabled, sk_done_cb done, void *arg);
int sk_client_handle(sk_client_t *c, const Proto__Event *event, sk_done_cb done, void *arg);
int sk_client_get_state(sk_client_t *c, sk_done_cb done, void *arg);

void sk_client_stats(const sk_client_t *c, sk_client_stats_t *out);
/* During on_entry and on_v2: the delivered message's bytes as the server
 * sent them (a consumer keeps these instead of packing it again); NULL
 * elsewhere. */
const uint8_t *sk_client_wire(const sk_client_t *c, size_t *len);

/* True when addr is plaintext and not loopback (the header warns). */
bool sk_addr_is_remote(const char *addr);

#endif
