/* The Skaffold client (sk_client_*): Skaffold's methods on the gRPC engine
 * (engine.h), the Events subscription with its reconnects, and the GetState
 * reconciling; see client.h. Everything here runs on the loop thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <grpc/status.h>
#include "core/xalloc.h"
#include "transport/client.h"
#include "transport/client_int.h"
#include "transport/rpc_int.h"
#include "core/status.h"

/* --- the Events stream, loop side ----------------------------------------- */

static void sync_arm(sk_client_t *c, uint64_t ms);

static void conn_set(sk_client_t *c, live_conn_t conn, const char *detail, uint64_t retry_ms)
{
    eng_conn_set(c->eng, conn, detail, retry_ms);
}

/* The engine reports connection changes here. */
static void conn_changed(void *arg, live_conn_t conn, const char *detail, uint64_t retry_ms)
{
    sk_client_t *c = arg;
    if (c->cb.on_conn)
        c->cb.on_conn(c->cb.ctx, conn, detail, retry_ms);
}

static void retry_schedule(sk_client_t *c, const char *detail)
{
    if (!c->opts.reconnect)
        conn_set(c, LIVE_STOPPED, detail, 0);
    else
        eng_conn_lost(c->eng, detail);
}

static void stream_connected(sk_client_t *c, eng_call_t *s)
{
    if (c->stream != s || eng_conn(c->eng) == LIVE_CONNECTED || c->stopping)
        return;
    eng_conn_up(c->eng);
    sync_arm(c, SK_CLIENT_QUIET_MS);
}

static void stream_md(void *arg)
{
    sk_client_t *c = arg;
    stream_connected(c, c->stream);
}

static void deliver_entry(sk_client_t *c, const Proto__LogEntry *e);
static void v2_open_all(sk_client_t *c);
static eng_call_t *anchor(const sk_client_t *c);

static void stream_msg(void *arg, const ProtobufCMessage *m, const uint8_t *wire, size_t wire_len)
{
    sk_client_t *c = arg;
    c->wire = wire, c->wire_len = wire_len;
    deliver_entry(c, (const Proto__LogEntry *)m);
    c->wire = NULL;
}

const uint8_t *sk_client_wire(const sk_client_t *c, size_t *len)
{
    *len = c->wire_len;
    return c->wire;
}

/* The call the connection stands on ended (not stopping): the connection
 * is lost, or over. */
static void conn_ended(sk_client_t *c, const eng_end_t *end)
{
    /* A server that ends the stream cleanly has gone away too (Skaffold only
     * closes it when it exits): headless users get NULL, the TUI retries. */
    bool clean = end->code == GRPC_STATUS_OK;
    if (clean && !c->opts.reconnect) {
        conn_set(c, LIVE_STOPPED, NULL, 0);
        return;
    }
    char *detail = eng_status_text(end->code, end->details);
    retry_schedule(c, clean ? "stream closed by the server" : detail);
    free(detail);
}

static void stream_ended(void *arg, const eng_end_t *end)
{
    sk_client_t *c = arg;
    c->stream = NULL; /* one Events call at a time: this one */
    uv_timer_stop(&c->sync);
    if (!c->stopping)
        conn_ended(c, end);
}

static void stream_open(sk_client_t *c)
{
    if (c->opts.no_v1) {
        v2_open_all(c);
        if (!anchor(c))
            retry_schedule(c, "INTERNAL: v2 Events: cannot start the call");
        return;
    }
    c->reset_pending = true;
    Google__Protobuf__Empty empty = GOOGLE__PROTOBUF__EMPTY__INIT;
    eng_req_t req = {
        .method = RPC_METHOD_EVENTS, .request = &empty.base,
        .response = &proto__log_entry__descriptor,
        .on_md = stream_md, .on_msg = stream_msg, .on_end = stream_ended, .arg = c,
    };
    c->stream = eng_call(c->eng, &req);
    if (!c->stream) {
        retry_schedule(c, "INTERNAL: Events: cannot start the call");
        return;
    }
    v2_open_all(c);
}

/* The engine's backoff timer fired: subscribe again. This is a reconnect
 * of the whole connection: a server that said UNIMPLEMENTED to v2 may have
 * been replaced, so v2 is asked again. */
static void v2_forget(sk_v2_t *v)
{
    free(v->why);
    v->why = NULL;
    v->unimplemented = v->told = false;
}

static void stream_retry(void *arg)
{
    sk_client_t *c = arg;
    for (int i = 0; i < 2; i++)
        v2_forget(&c->v2[i]);
    c->v2_off = false;
    c->v2_attempt = 0;
    stream_open(c);
}

/* --- the v2 streams (Skaffold 2.x) ------------------------------------------- */

static const char *const v2_methods[] = {RPC_METHOD_V2_EVENTS, RPC_METHOD_V2_APPLOGS};
static const char *const v2_names[] = {"v2 Events", "v2 ApplicationLogs"};

static void v2_retry_fire(uv_timer_t *t);

#define V2_UNAVAILABLE_TEXT "v1 only: server has no v2 API"

static void v2_avail_set(sk_client_t *c, v2_avail_t avail, const char *detail)
{
    if (c->v2_avail == avail)
        return;
    c->v2_avail = avail;
    if (c->cb.on_v2_avail)
        c->cb.on_v2_avail(c->cb.ctx, avail, detail);
}

/* One v2 stream is not served while the other answers (a server with one
 * of them): said once the other has delivered, as a non-fatal error. */
static void v2_tell_partial(sk_client_t *c)
{
    for (int i = 0; i < 2; i++) {
        sk_v2_t *v = &c->v2[i];
        if (!v->unimplemented || v->told || c->v2_avail != V2_AVAILABLE)
            continue;
        v->told = true;
        if (c->cb.on_error)
            c->cb.on_error(c->cb.ctx, v2_names[i], v->why ? v->why : "UNIMPLEMENTED", false);
    }
}

static void v2_msg(void *arg, const ProtobufCMessage *m, const uint8_t *wire, size_t wire_len)
{
    sk_v2_t *v = arg;
    sk_client_t *c = v->c;
    if (v->reset_pending) {
        v->reset_pending = false;
        if (c->cb.on_v2_reset)
            c->cb.on_v2_reset(c->cb.ctx, v->which);
    }
    if (c->opts.no_v1 && v->which == V2_EVENTS && eng_conn(c->eng) != LIVE_CONNECTED && !c->stopping)
        eng_conn_up(c->eng); /* v2 Events stands for the Events stream */
    v2_avail_set(c, V2_AVAILABLE, NULL);
    v2_tell_partial(c);
    c->v2_attempt = 0;
    if (v->which == V2_EVENTS) {
        c->stats.v2_events++;
    } else if (!c->stats.v2_applogs++) { /* the last one's time: on_drained, once per batch */
        c->stats.v2_applogs_first_ns = c->stats.v2_applogs_last_ns = uv_hrtime();
    }
    c->wire = wire, c->wire_len = wire_len;
    c->cb.on_v2(c->cb.ctx, (const Proto__V2__Event *)m, v->which);
    c->wire = NULL;
}

static void v2_unimplemented(sk_client_t *c)
{
    c->v2_off = true;
    for (int i = 0; i < 2; i++)
        eng_cancel(c->v2[i].call);
    v2_avail_set(c, V2_UNAVAILABLE, V2_UNAVAILABLE_TEXT);
}

static void v2_ended(void *arg, const eng_end_t *end)
{
    sk_v2_t *v = arg;
    sk_client_t *c = v->c;
    v->call = NULL;
    if (c->stopping || c->v2_off)
        return;
    if (c->opts.no_v1 && v->which == V2_EVENTS && end->code != GRPC_STATUS_UNIMPLEMENTED) {
        conn_ended(c, end); /* it stands for Events */
        return;
    }
    if (end->code == GRPC_STATUS_UNIMPLEMENTED) {
        v->unimplemented = true;
        free(v->why);
        v->why = eng_status_text(end->code, end->details);
        if (c->v2[!v->which].unimplemented)
            v2_unimplemented(c); /* neither: a Skaffold before 2.x */
        else
            v2_tell_partial(c);
        return;
    }
    if (!c->opts.reconnect) {
        /* The Events stream reports a connection that failed or ended (its
         * on_conn); a v2 stream that fails on a live connection is said
         * here. */
        bool connected = anchor(c) && eng_conn(c->eng) == LIVE_CONNECTED;
        if (end->code != GRPC_STATUS_OK && connected && c->cb.on_error) {
            char *detail = eng_status_text(end->code, end->details);
            c->cb.on_error(c->cb.ctx, v2_names[v->which], detail, true);
            free(detail);
        }
        return;
    }
    /* Lost with the connection: its reconnect opens the v2 streams again.
     * Failed alone (the Events call goes on): after a delay on the
     * connection's schedule, counted apart (when the connection is lost,
     * its calls end in any order: a v2 failure must not lengthen the
     * reconnect's delay). Ended cleanly alone: the server meant it
     * (Skaffold ends its streams only when it exits); the next reconnect
     * asks again. */
    if (end->code != GRPC_STATUS_OK && anchor(c) && eng_conn(c->eng) == LIVE_CONNECTED && c->cb.on_error) {
        char *detail = eng_status_text(end->code, end->details);  /* said; retried below */
        c->cb.on_error(c->cb.ctx, v2_names[v->which], detail, false);
        free(detail);
    }
    if (end->code != GRPC_STATUS_OK && anchor(c) && !uv_is_active((uv_handle_t *)&c->v2_retry)) {
        int rc = uv_timer_start(&c->v2_retry, v2_retry_fire, eng_backoff_delay(c->eng, c->v2_attempt++), 0);
        if (rc < 0)
            fprintf(stderr, "skview: live: uv_timer_start: %s\n", uv_strerror(rc));
    }
}

/* The call the connection stands on: Events, or v2 Events without v1. */
static eng_call_t *anchor(const sk_client_t *c)
{
    return c->opts.no_v1 ? c->v2[V2_EVENTS].call : c->stream;
}

/* Opens the v2 stream unless it is open, unwanted or known to be absent. */
static void v2_open(sk_client_t *c, v2_stream_t which)
{
    sk_v2_t *v = &c->v2[which];
    if (!c->cb.on_v2 || c->v2_off || v->call || c->stopping || v->unimplemented)
        return;
    v->reset_pending = true;
    Google__Protobuf__Empty empty = GOOGLE__PROTOBUF__EMPTY__INIT;
    eng_req_t req = {
        .method = v2_methods[which], .request = &empty.base,
        .response = &proto__v2__event__descriptor,
        .on_msg = v2_msg, .on_end = v2_ended, .arg = v,
    };
    v->call = eng_call(c->eng, &req);
    if (!v->call && c->cb.on_error)
        c->cb.on_error(c->cb.ctx, v2_names[which], "INTERNAL: cannot start the call", !c->opts.reconnect);
}

static void v2_open_all(sk_client_t *c)
{
    v2_open(c, V2_EVENTS);
    v2_open(c, V2_APPLOGS);
}

static void v2_retry_fire(uv_timer_t *t)
{
    sk_client_t *c = t->data;
    if (!c->stopping && anchor(c))
        v2_open_all(c);
}

/* --- unary calls ----------------------------------------------------------- */

static void unary_ended(void *arg, const eng_end_t *end);

/* Sends one unary call; its completion comes back through unary_ended.
 * automatic: a GetState of the client's own (counted in auto_inflight). */
static int unary_send(sk_client_t *c, sk_unary_kind_t kind, const char *method,
                      const ProtobufCMessage *req, sk_done_cb done, void *arg, bool automatic)
{
    if (c->stopping)
        return -1;
    sk_unary_t *u = xcalloc(1, sizeof *u);
    *u = (sk_unary_t){c, kind, done, arg, 0, c->epoch, automatic, c->stats.entries};
    if (kind == SK_UNARY_STATE && c->cb.on_state_request)
        u->state_tag = c->cb.on_state_request(c->cb.ctx);
    eng_req_t r = {
        .method = method, .request = req,
        .response = kind == SK_UNARY_STATE ? &proto__state__descriptor : &google__protobuf__empty__descriptor,
        .deadline_ms = c->opts.deadline_ms, .unary = true, .on_end = unary_ended, .arg = u,
    };
    if (!eng_call(c->eng, &r)) {
        free(u);
        return -1;
    }
    if (automatic)
        c->auto_inflight++;
    return 0;
}

static int unary_call(sk_client_t *c, sk_unary_kind_t kind, const char *method,
                      const ProtobufCMessage *req, sk_done_cb done, void *arg)
{
    return unary_send(c, kind, method, req, done, arg, false);
}

/* The consumer forgets its mirror: the new stream's history is arriving. */
static void reset_now(sk_client_t *c)
{
    c->reset_pending = false;
    c->epoch++;
    if (c->cb.on_reset)
        c->cb.on_reset(c->cb.ctx);
}

/* Whether a GetState answer may be reconciled into the consumer's mirror:
 * not if the mirror was reset since the request was sent (the tag is that
 * of the forgotten mirror), nor while the mirror is the last state of a
 * lost connection (it waits for the new history). On a connected stream
 * that has not sent its first entry yet, the reset happens now. */
static bool state_deliverable(sk_client_t *c, sk_unary_t *u)
{
    if (u->epoch != c->epoch)
        return false;
    if (u->automatic && c->stats.entries - u->entries_at_send > SK_CLIENT_REFOLD_MAX) {
        sync_arm(c, SK_CLIENT_QUIET_MS);
        return false;
    }
    if (!c->reset_pending)
        return true;
    if (!c->stream || eng_conn(c->eng) != LIVE_CONNECTED)
        return false;
    reset_now(c);
    u->state_tag = c->cb.on_state_request ? c->cb.on_state_request(c->cb.ctx) : 0;
    return true;
}

/* Delivers a GetState answer; returns the status to report. */
static int unary_deliver_state(sk_client_t *c, sk_unary_t *u, const eng_end_t *end)
{
    const Proto__State *st = (const Proto__State *)end->reply;
    if (!st)
        return GRPC_STATUS_INTERNAL;
    if (c->stream)
        stream_connected(c, c->stream);
    if (c->cb.on_state && state_deliverable(c, u))
        c->cb.on_state(c->cb.ctx, st, u->state_tag);
    return GRPC_STATUS_OK;
}

static void unary_count(sk_client_t *c, sk_unary_t *u, const eng_end_t *end)
{
    if (u->automatic)
        c->auto_inflight--;
    if (u->kind != SK_UNARY_STATE)
        return;
    c->stats.state_calls++;
    c->stats.auto_calls += u->automatic;
    c->stats.state_bytes += end->sent_bytes + end->recv_bytes;
}

static int sync_send(sk_client_t *c);

static void unary_ended(void *arg, const eng_end_t *end)
{
    sk_unary_t *u = arg;
    sk_client_t *c = u->c;
    unary_count(c, u, end);
    int code = end->code;
    char *msg;
    if (code == GRPC_STATUS_OK && u->kind == SK_UNARY_STATE && !c->stopping)
        code = unary_deliver_state(c, u, end);
    if (code == GRPC_STATUS_INTERNAL && end->code == GRPC_STATUS_OK) {
        msg = xstrdup("INTERNAL: GetState: the answer is not a State");
    } else {
        msg = eng_status_text(code, end->details);
    }
    sk_result_t r = {code, msg};
    if (u->done)
        u->done(u->arg, &r);
    /* Control calls change server-only fields (auto triggers, resets). */
    if (code == GRPC_STATUS_OK && u->kind == SK_UNARY_CONTROL && !c->stopping && !c->opts.manual_state)
        sync_send(c);
    free(msg);
    free(u);
}

/* --- keeping the mirror reconciled ----------------------------------------- */

/* Sends a GetState of the client's own; the answer goes to on_state. */
static int sync_send(sk_client_t *c)
{
    Google__Protobuf__Empty empty = GOOGLE__PROTOBUF__EMPTY__INIT;
    c->iter_end_pending = false;
    return unary_send(c, SK_UNARY_STATE, RPC_METHOD_GETSTATE, &empty.base, NULL, NULL, true);
}

static void on_sync(uv_timer_t *t)
{
    sk_client_t *c = t->data;
    if (c->stopping || !c->stream || eng_conn(c->eng) != LIVE_CONNECTED)
        return;
    if (c->auto_inflight) { /* one at a time: look again shortly */
        sync_arm(c, SK_CLIENT_QUIET_MS);
        return;
    }
    sync_send(c);
    sync_arm(c, SK_CLIENT_POLL_MS);
}

/* (Re)starts the timer; only consumers of on_state get GetStates. */
static void sync_arm(sk_client_t *c, uint64_t ms)
{
    if (!c->cb.on_state || c->stopping || c->opts.manual_state)
        return;
    int rc = uv_timer_start(&c->sync, on_sync, ms, 0);
    if (rc < 0)
        fprintf(stderr, "skview: live: uv_timer_start: %s\n", uv_strerror(rc));
}

/* Entries arrived: wait for the quiet, but not more than SK_CLIENT_ITER_CAP_MS
 * past the end of an iteration. */
static void sync_after_entries(sk_client_t *c)
{
    /* on_async may have run for long (a burst): the loop's cached time would
     * make the timer due at once, and GetState would be sent mid-burst. */
    uv_update_time(c->loop);
    uint64_t now = uv_now(c->loop), due = SK_CLIENT_QUIET_MS;
    if (c->iter_end_pending) {
        uint64_t cap = c->iter_end_ms + SK_CLIENT_ITER_CAP_MS;
        due = cap <= now ? 0 : cap - now < due ? cap - now : due;
    }
    sync_arm(c, due);
}

static bool entry_ends_iteration(const Proto__LogEntry *e)
{
    if (!e->event || e->event->event_type_case != PROTO__EVENT__EVENT_TYPE_DEV_LOOP_EVENT)
        return false;
    status_kind_t k = status_kind(e->event->devloopevent->status);
    return k == STATUS_SUCCEEDED || k == STATUS_FAILED;
}

static void deliver_entry(sk_client_t *c, const Proto__LogEntry *e)
{
    if (c->reset_pending)
        reset_now(c);
    if (entry_ends_iteration(e) && !c->iter_end_pending) {
        c->iter_end_pending = true;
        c->iter_end_ms = uv_now(c->loop);
    }
    c->stats.entries++;
    if (c->cb.on_entry)
        c->cb.on_entry(c->cb.ctx, e);
}

/* --- life cycle --------------------------------------------------------------- */

/* After each wake-up of the engine: entries arrived, wait for the quiet. */
static void on_drained(void *arg)
{
    sk_client_t *c = arg;
    if (c->stats.v2_applogs != c->applogs_drained) {
        c->applogs_drained = c->stats.v2_applogs;
        c->stats.v2_applogs_last_ns = uv_hrtime();
    }
    if (c->stats.entries == c->entries_drained)
        return;
    c->entries_drained = c->stats.entries;
    if (c->stream && eng_conn(c->eng) == LIVE_CONNECTED)
        sync_after_entries(c);
}

sk_client_t *sk_client_new(uv_loop_t *loop, const sk_client_opts_t *opts, const sk_client_callbacks_t *cb)
{
    if (!opts || !opts->addr)
        return NULL;
    sk_client_t *c = xcalloc(1, sizeof *c);
    c->loop = loop;
    c->opts = *opts;
    c->addr = xstrdup(opts->addr);
    c->opts.addr = c->addr;
    if (!c->opts.deadline_ms)
        c->opts.deadline_ms = SK_CLIENT_DEADLINE_DEFAULT_MS;
    if (cb)
        c->cb = *cb;
    int rc = uv_timer_init(loop, &c->sync);
    if (rc == 0)
        rc = uv_timer_init(loop, &c->v2_retry);
    if (rc < 0 || !(c->eng = eng_new(loop, c->addr, "live"))) {
        if (rc < 0)
            fprintf(stderr, "skview: live: uv_timer_init: %s\n", uv_strerror(rc));
        /* A timer that was set up is leaked on purpose rather than freed
         * while libuv may still reference it. */
        return NULL;
    }
    c->sync.data = c->v2_retry.data = c;
    for (int i = 0; i < 2; i++)
        c->v2[i] = (sk_v2_t){.c = c, .which = (v2_stream_t)i};
    eng_conn_watch(c->eng, conn_changed, stream_retry, c);
    eng_on_drained(c->eng, on_drained, c);
    return c;
}

int sk_client_start(sk_client_t *c)
{
    if (c->started || c->stopping)
        return -1;
    c->started = true;
    conn_set(c, LIVE_CONNECTING, NULL, 0);
    stream_open(c);
    return 0;
}

static void on_timer_closed(uv_handle_t *h)
{
    sk_client_t *c = h->data;
    if (++c->closed_timers < 2)
        return;
    if (c->stop_done)
        c->stop_done(c->stop_arg, NULL);
}

/* The engine is gone (calls, channel, thread): close our own timers. */
static void engine_stopped(void *arg)
{
    sk_client_t *c = arg;
    uv_close((uv_handle_t *)&c->sync, on_timer_closed);
    uv_close((uv_handle_t *)&c->v2_retry, on_timer_closed);
}

void sk_client_stop(sk_client_t *c, sk_done_cb done, void *arg)
{
    if (c->stopping)
        return;
    c->stopping = true;
    c->stop_done = done;
    c->stop_arg = arg;
    uv_timer_stop(&c->sync);
    uv_timer_stop(&c->v2_retry);
    eng_stop(c->eng, engine_stopped, c);
}

void sk_client_free(sk_client_t *c)
{
    if (!c)
        return;
    /* Freeing a running client would leave the thread and handles behind. */
    if (c->closed_timers < 2) {
        fprintf(stderr, "skview: live: sk_client_free before stop completed\n");
        abort();
    }
    eng_free(c->eng);
    for (int i = 0; i < 2; i++)
        v2_forget(&c->v2[i]);
    free(c->addr);
    free(c);
}

/* --- control calls ----------------------------------------------------------- */

int sk_client_execute(sk_client_t *c, bool build, bool sync, bool deploy, sk_done_cb done, void *arg)
{
    Proto__Intent intent = PROTO__INTENT__INIT;
    intent.build = build;
    intent.sync = sync;
    intent.deploy = deploy;
    Proto__UserIntentRequest req = PROTO__USER_INTENT_REQUEST__INIT;
    req.intent = &intent;
    return unary_call(c, SK_UNARY_CONTROL, RPC_METHOD_EXECUTE, &req.base, done, arg);
}

int sk_client_auto(sk_client_t *c, sk_trigger_t which, bool enabled, sk_done_cb done, void *arg)
{
    static const char *const methods[] = {RPC_METHOD_AUTOBUILD, RPC_METHOD_AUTOSYNC,
                                          RPC_METHOD_AUTODEPLOY};
    if ((unsigned)which > SK_TRIGGER_DEPLOY)
        return -1;
    /* enabled sits in a oneof, so setting the case puts it on the wire even
     * when false; without it the server answers INVALID_ARGUMENT. */
    Proto__TriggerState st = PROTO__TRIGGER_STATE__INIT;
    st.val_case = PROTO__TRIGGER_STATE__VAL_ENABLED;
    st.enabled = enabled;
    Proto__TriggerRequest req = PROTO__TRIGGER_REQUEST__INIT;
    req.state = &st;
    return unary_call(c, SK_UNARY_CONTROL, methods[which], &req.base, done, arg);
}

int sk_client_handle(sk_client_t *c, const Proto__Event *event, sk_done_cb done, void *arg)
{
    return unary_call(c, SK_UNARY_CONTROL, RPC_METHOD_HANDLE, &event->base, done, arg);
}

int sk_client_get_state(sk_client_t *c, sk_done_cb done, void *arg)
{
    Google__Protobuf__Empty empty = GOOGLE__PROTOBUF__EMPTY__INIT;
    return unary_call(c, SK_UNARY_STATE, RPC_METHOD_GETSTATE, &empty.base, done, arg);
}

/* --- small helpers ------------------------------------------------------------- */

void sk_client_stats(const sk_client_t *c, sk_client_stats_t *out)
{
    *out = c->stats;
}
