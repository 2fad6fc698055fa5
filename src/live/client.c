/* The live client: gRPC C core calls driven from a libuv loop; see client.h.
 *
 * Two threads. The completion-queue thread (cq_main) only decodes, re-arms
 * the Events stream and appends results to a locked queue, then wakes the
 * loop with uv_async_send. The loop thread owns everything else: the channel,
 * starting and cancelling calls, timers and every user callback.
 *
 * Every batch's tag is an rpc_tag_t embedded in the object it belongs to, so
 * the completion-queue thread can tell a stream completion from a unary one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>
#include "live/client.h"
#include "live/client_int.h"
#include "live/rpc_int.h"
#include "model/status.h"

/* --- the hand-over queue (completion-queue thread -> loop thread) -------- */

static live_ev_t *ev_new(live_ev_kind_t kind, void *ptr)
{
    live_ev_t *ev = malloc(sizeof *ev);
    if (!ev)
        abort();
    ev->next = NULL;
    ev->kind = kind;
    ev->ptr = ptr;
    ev->chunks = NULL;
    return ev;
}

static void ev_free(live_ev_t *ev)
{
    live_chunk_t *ch = ev->chunks;
    if (!ch) {
        free(ev);
        return;
    }
    while (ch) { /* ev itself lives in the last chunk */
        live_chunk_t *next = ch->next;
        free(ch);
        ch = next;
    }
}

static live_chunk_t *chunk_new(size_t cap, live_chunk_t *next)
{
    live_chunk_t *ch = malloc(sizeof *ch + cap);
    if (!ch)
        abort();
    ch->next = next;
    ch->used = 0;
    ch->cap = cap;
    return ch;
}

/* ProtobufCAllocator over a chain of chunks; ctx is the chain's head. */
static void *chunk_alloc(void *ctx, size_t n)
{
    live_chunk_t **head = ctx, *ch = *head;
    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    if (ch->used + n > ch->cap) {
        ch = chunk_new(n > ch->cap ? n : ch->cap, ch);
        *head = ch;
    }
    void *p = (char *)ch->data + ch->used;
    ch->used += n;
    return p;
}

static void chunk_free(void *ctx, void *p)
{
    (void)ctx;
    (void)p; /* released all at once by ev_free */
}

/* Decodes one stream message into an event node that owns all its memory;
 * NULL if the bytes are not a LogEntry. */
static live_ev_t *ev_decode_entry(grpc_byte_buffer *bb)
{
    size_t packed = grpc_byte_buffer_length(bb);
    live_chunk_t *head = chunk_new(sizeof(live_ev_t) + 4 * packed + 512, NULL);
    ProtobufCAllocator a = {chunk_alloc, chunk_free, &head};
    live_ev_t *ev = chunk_alloc(&head, sizeof *ev);
    Proto__LogEntry *e = (Proto__LogEntry *)rpc_unpack(bb, &proto__log_entry__descriptor, &a);
    ev->next = NULL;
    ev->kind = LIVE_EV_ENTRY;
    ev->ptr = e;
    ev->chunks = head;
    if (!e) {
        ev_free(ev);
        return NULL;
    }
    return ev;
}

/* Appends under c->mu. */
static void ev_append_locked(live_client_t *c, live_ev_t *ev)
{
    if (c->q_tail)
        c->q_tail->next = ev;
    else
        c->q_head = ev;
    c->q_tail = ev;
    c->q_len++;
}

static void ev_push_locked(live_client_t *c, live_ev_kind_t kind, void *ptr)
{
    ev_append_locked(c, ev_new(kind, ptr));
}

static void ev_push(live_client_t *c, live_ev_kind_t kind, void *ptr)
{
    uv_mutex_lock(&c->mu);
    ev_push_locked(c, kind, ptr);
    uv_mutex_unlock(&c->mu);
    uv_async_send(&c->async);
}

/* --- the Events stream, completion-queue side ----------------------------- */

/* Starts one RECV_MESSAGE on the stream. Called with c->mu held, which
 * serialises grpc_call_start_batch between the two threads. */
static void stream_arm_locked(live_stream_t *s)
{
    grpc_op op = {0};
    op.op = GRPC_OP_RECV_MESSAGE;
    op.data.recv_message.recv_message = &s->recv_buf;
    grpc_call_error err = grpc_call_start_batch(s->call, &op, 1, &s->tag_recv, NULL);
    if (err == GRPC_CALL_OK) {
        s->recv_armed = true;
    } else {
        /* Only possible if the call is already finished: treat as the end. */
        s->recv_armed = false;
        s->recv_ended = true;
    }
    s->stalled = false;
}

/* The stream is over once its three batches have all completed. */
static void stream_maybe_end_locked(live_client_t *c, live_stream_t *s)
{
    if (s->recv_ended && s->status_done && s->md_done && !s->end_pushed) {
        s->end_pushed = true;
        ev_push_locked(c, LIVE_EV_STREAM_END, s);
    }
}

static void cq_stream_recv(live_client_t *c, live_stream_t *s, int success)
{
    live_ev_t *e = NULL;
    bool ended = !success || !s->recv_buf;
    if (!ended) {
        e = ev_decode_entry(s->recv_buf);
        grpc_byte_buffer_destroy(s->recv_buf);
        s->recv_buf = NULL;
    }
    uv_mutex_lock(&c->mu);
    if (ended) {
        s->recv_armed = false;
        s->recv_ended = true;
        stream_maybe_end_locked(c, s);
    } else {
        if (e)
            ev_append_locked(c, e);
        else
            c->bad_messages++;
        /* Re-arm at once (the fast path); when the loop is behind, stop and
         * let HTTP/2 flow control hold the server until it drains. */
        if (c->q_len < LIVE_QUEUE_CAP) {
            stream_arm_locked(s);
        } else {
            s->recv_armed = false;
            s->stalled = true;
        }
    }
    uv_mutex_unlock(&c->mu);
    uv_async_send(&c->async);
}

static void cq_stream_md(live_client_t *c, live_stream_t *s, int success)
{
    uv_mutex_lock(&c->mu);
    s->md_done = true;
    s->md_ok = success != 0;
    if (success)
        ev_push_locked(c, LIVE_EV_STREAM_MD, s);
    stream_maybe_end_locked(c, s);
    uv_mutex_unlock(&c->mu);
    uv_async_send(&c->async);
}

static void cq_stream_status(live_client_t *c, live_stream_t *s)
{
    uv_mutex_lock(&c->mu);
    s->status_done = true;
    stream_maybe_end_locked(c, s);
    uv_mutex_unlock(&c->mu);
    uv_async_send(&c->async);
}

static void cq_main(void *arg)
{
    live_client_t *c = arg;
    for (;;) {
        grpc_event ev = grpc_completion_queue_next(c->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        if (ev.type == GRPC_QUEUE_SHUTDOWN)
            break;
        if (ev.type != GRPC_OP_COMPLETE)
            continue;
        live_tag_t *t = ev.tag;
        switch (t->kind) {
        case LIVE_TAG_STREAM_MD:
            cq_stream_md(c, t->owner, ev.success);
            break;
        case LIVE_TAG_STREAM_RECV:
            cq_stream_recv(c, t->owner, ev.success);
            break;
        case LIVE_TAG_STREAM_STATUS:
            cq_stream_status(c, t->owner);
            break;
        case LIVE_TAG_UNARY:
            ev_push(c, LIVE_EV_UNARY, t->owner);
            break;
        }
    }
    ev_push(c, LIVE_EV_EXIT, NULL);
}

/* --- results --------------------------------------------------------------- */

/* "NAME: details" into a malloc'd string ("" for OK). */
static char *status_text(int code, grpc_slice details)
{
    if (code == GRPC_STATUS_OK)
        return rpc_slice_strdup(grpc_empty_slice());
    char *d = rpc_slice_strdup(details);
    const char *name = rpc_status_name(code);
    size_t n = strlen(name) + strlen(d) + 3;
    char *out = malloc(n);
    if (!out)
        abort();
    snprintf(out, n, *d ? "%s: %s" : "%s%s", name, d);
    free(d);
    return out;
}

static gpr_timespec deadline_in(uint32_t ms)
{
    return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis(ms, GPR_TIMESPAN));
}

/* --- the Events stream, loop side ----------------------------------------- */

static void sync_arm(live_client_t *c, uint64_t ms);

static void conn_set(live_client_t *c, live_conn_t conn, const char *detail, uint64_t retry_ms)
{
    c->conn = conn;
    if (c->cb.on_conn)
        c->cb.on_conn(c->cb.ctx, conn, detail, retry_ms);
}

static void stream_free(live_stream_t *s)
{
    if (s->call)
        grpc_call_unref(s->call);
    grpc_metadata_array_destroy(&s->md_initial);
    grpc_metadata_array_destroy(&s->md_trailing);
    grpc_slice_unref(s->details);
    if (s->send_buf)
        grpc_byte_buffer_destroy(s->send_buf);
    if (s->recv_buf)
        grpc_byte_buffer_destroy(s->recv_buf);
    free(s);
}

static live_stream_t *stream_new(live_client_t *c)
{
    live_stream_t *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->c = c;
    s->tag_md = (live_tag_t){LIVE_TAG_STREAM_MD, s};
    s->tag_recv = (live_tag_t){LIVE_TAG_STREAM_RECV, s};
    s->tag_status = (live_tag_t){LIVE_TAG_STREAM_STATUS, s};
    grpc_metadata_array_init(&s->md_initial);
    grpc_metadata_array_init(&s->md_trailing);
    s->details = grpc_empty_slice();
    Google__Protobuf__Empty empty = GOOGLE__PROTOBUF__EMPTY__INIT;
    s->send_buf = rpc_pack(&empty.base);
    return s;
}

/* Starts the three batches of an Events call: the request with the initial
 * metadata, the status, and the first RECV_MESSAGE. */
static int stream_start_batches(live_stream_t *s)
{
    rpc_recv_t recv = {&s->md_initial, &s->md_trailing, &s->status, &s->details};
    if (rpc_start_call(s->call, s->send_buf, &recv, &s->tag_md, &s->tag_status) != 0)
        return -1; /* cannot happen on a fresh call; the caller gives up */
    stream_arm_locked(s);
    return 0;
}

static void retry_schedule(live_client_t *c, const char *detail);

static void stream_open(live_client_t *c)
{
    c->reset_pending = true;
    live_stream_t *s = stream_new(c);
    grpc_slice method = grpc_slice_from_static_string(RPC_METHOD_EVENTS);
    s->call = grpc_channel_create_call(c->ch, NULL, GRPC_PROPAGATE_DEFAULTS, c->cq, method, NULL,
                                       gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
    uv_mutex_lock(&c->mu);
    int rc = s->call ? stream_start_batches(s) : -1;
    uv_mutex_unlock(&c->mu);
    if (rc != 0) {
        /* Nothing is pending on the call when its first batch fails. */
        if (s->call)
            grpc_call_cancel(s->call, NULL);
        stream_free(s);
        retry_schedule(c, "INTERNAL: Events: cannot start the call");
        return;
    }
    c->stream = s;
}

static uint64_t backoff_next(live_client_t *c)
{
    double base = LIVE_BACKOFF_INITIAL_MS;
    for (unsigned i = 0; i < c->attempt && base < LIVE_BACKOFF_MAX_MS; i++)
        base *= LIVE_BACKOFF_FACTOR;
    if (base > LIVE_BACKOFF_MAX_MS)
        base = LIVE_BACKOFF_MAX_MS;
    c->attempt++;
    /* +-20% jitter so that many clients do not retry in lock step. */
    double j = 1.0 - LIVE_BACKOFF_JITTER + 2 * LIVE_BACKOFF_JITTER * ((double)rand_r(&c->seed) / RAND_MAX);
    return (uint64_t)(base * j);
}

static void on_retry(uv_timer_t *t)
{
    live_client_t *c = t->data;
    if (c->stopping)
        return;
    conn_set(c, LIVE_CONNECTING, NULL, 0);
    stream_open(c);
}

static void retry_schedule(live_client_t *c, const char *detail)
{
    if (!c->opts.reconnect) {
        conn_set(c, LIVE_STOPPED, detail, 0);
        return;
    }
    uint64_t ms = backoff_next(c);
    int rc = uv_timer_start(&c->retry, on_retry, ms, 0);
    if (rc < 0) {
        fprintf(stderr, "skview: live: uv_timer_start: %s\n", uv_strerror(rc));
        conn_set(c, LIVE_STOPPED, detail, 0);
        return;
    }
    conn_set(c, LIVE_RECONNECTING, detail, ms);
}

static void check_stopped(live_client_t *c);

static void stream_ended(live_client_t *c, live_stream_t *s)
{
    char *detail = status_text(s->status, s->details);
    bool clean = s->status == GRPC_STATUS_OK;
    if (c->stream == s)
        c->stream = NULL;
    stream_free(s);
    uv_timer_stop(&c->sync);
    if (c->stopping) {
        free(detail);
        check_stopped(c);
        return;
    }
    /* Only a connection that lasted starts the backoff again from 1 s: a
     * server that fails every stream soon after it opens (a message over
     * our limit, a crash on connect) is retried ever more slowly instead of
     * replaying its history to us every second. */
    if (c->conn == LIVE_CONNECTED && uv_now(c->loop) - c->connected_ms >= LIVE_STABLE_MS)
        c->attempt = 0;
    /* A server that ends the stream cleanly has gone away too (Skaffold only
     * closes it when it exits): headless users get NULL, the TUI retries. */
    if (clean && !c->opts.reconnect)
        conn_set(c, LIVE_STOPPED, NULL, 0);
    else
        retry_schedule(c, clean ? "stream closed by the server" : detail);
    free(detail);
}

static void stream_connected(live_client_t *c, live_stream_t *s)
{
    if (c->stream != s || c->conn == LIVE_CONNECTED || c->stopping)
        return;
    c->connected_ms = uv_now(c->loop);
    conn_set(c, LIVE_CONNECTED, NULL, 0);
    sync_arm(c, LIVE_QUIET_MS);
}

/* --- unary calls ----------------------------------------------------------- */

static void unary_free(live_unary_t *u)
{
    if (u->call)
        grpc_call_unref(u->call);
    grpc_metadata_array_destroy(&u->md_initial);
    grpc_metadata_array_destroy(&u->md_trailing);
    grpc_slice_unref(u->details);
    if (u->send_buf)
        grpc_byte_buffer_destroy(u->send_buf);
    if (u->recv_buf)
        grpc_byte_buffer_destroy(u->recv_buf);
    free(u);
}

static void unary_unlink(live_client_t *c, live_unary_t *u)
{
    for (live_unary_t **p = &c->unary; *p; p = &(*p)->next)
        if (*p == u) {
            *p = u->next;
            return;
        }
}

static int unary_start_batch(live_unary_t *u)
{
    grpc_op ops[6] = {{0}};
    ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
    ops[1].op = GRPC_OP_SEND_MESSAGE;
    ops[1].data.send_message.send_message = u->send_buf;
    ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
    ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
    ops[3].data.recv_initial_metadata.recv_initial_metadata = &u->md_initial;
    ops[4].op = GRPC_OP_RECV_MESSAGE;
    ops[4].data.recv_message.recv_message = &u->recv_buf;
    ops[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
    ops[5].data.recv_status_on_client.trailing_metadata = &u->md_trailing;
    ops[5].data.recv_status_on_client.status = &u->status;
    ops[5].data.recv_status_on_client.status_details = &u->details;
    return grpc_call_start_batch(u->call, ops, 6, &u->tag, NULL) == GRPC_CALL_OK ? 0 : -1;
}

/* Sends one unary call; its completion comes back through unary_done.
 * automatic: a GetState of the client's own (counted in auto_inflight). */
static int unary_send(live_client_t *c, live_unary_kind_t kind, const char *method,
                      const ProtobufCMessage *req, live_done_cb done, void *arg, bool automatic)
{
    if (c->stopping || !c->ch)
        return -1;
    live_unary_t *u = calloc(1, sizeof *u);
    if (!u)
        abort();
    u->tag = (live_tag_t){LIVE_TAG_UNARY, u};
    u->kind = kind;
    u->method = method;
    u->done = done;
    u->arg = arg;
    u->automatic = automatic;
    u->epoch = c->epoch;
    u->entries_at_send = c->stats.entries;
    grpc_metadata_array_init(&u->md_initial);
    grpc_metadata_array_init(&u->md_trailing);
    u->details = grpc_empty_slice();
    u->send_buf = rpc_pack(req);
    if (kind == LIVE_UNARY_STATE && c->cb.on_state_request)
        u->state_tag = c->cb.on_state_request(c->cb.ctx);
    grpc_slice m = grpc_slice_from_static_string(method);
    u->call = grpc_channel_create_call(c->ch, NULL, GRPC_PROPAGATE_DEFAULTS, c->cq, m, NULL,
                                       deadline_in(c->opts.deadline_ms), NULL);
    if (!u->call || unary_start_batch(u) != 0) {
        unary_free(u);
        return -1;
    }
    u->next = c->unary;
    c->unary = u;
    if (automatic)
        c->auto_inflight++;
    return 0;
}

static int unary_call(live_client_t *c, live_unary_kind_t kind, const char *method,
                      const ProtobufCMessage *req, live_done_cb done, void *arg)
{
    return unary_send(c, kind, method, req, done, arg, false);
}

/* The consumer forgets its mirror: the new stream's history is arriving. */
static void reset_now(live_client_t *c)
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
static bool state_deliverable(live_client_t *c, live_unary_t *u)
{
    if (u->epoch != c->epoch)
        return false;
    if (u->automatic && c->stats.entries - u->entries_at_send > LIVE_REFOLD_MAX) {
        sync_arm(c, LIVE_QUIET_MS);
        return false;
    }
    if (!c->reset_pending)
        return true;
    if (!c->stream || c->conn != LIVE_CONNECTED)
        return false;
    reset_now(c);
    u->state_tag = c->cb.on_state_request ? c->cb.on_state_request(c->cb.ctx) : 0;
    return true;
}

/* Delivers a GetState answer; returns the status to report. */
static int unary_deliver_state(live_client_t *c, live_unary_t *u)
{
    Proto__State *st = NULL;
    if (u->recv_buf)
        st = (Proto__State *)rpc_unpack(u->recv_buf, &proto__state__descriptor, NULL);
    if (!st)
        return GRPC_STATUS_INTERNAL;
    if (c->stream)
        stream_connected(c, c->stream);
    if (c->cb.on_state && state_deliverable(c, u))
        c->cb.on_state(c->cb.ctx, st, u->state_tag);
    protobuf_c_message_free_unpacked(&st->base, NULL);
    return GRPC_STATUS_OK;
}

static void unary_count(live_client_t *c, live_unary_t *u)
{
    if (u->automatic)
        c->auto_inflight--;
    if (u->kind != LIVE_UNARY_STATE)
        return;
    c->stats.state_calls++;
    c->stats.auto_calls += u->automatic;
    c->stats.state_bytes += grpc_byte_buffer_length(u->send_buf);
    if (u->recv_buf)
        c->stats.state_bytes += grpc_byte_buffer_length(u->recv_buf);
}

static int sync_send(live_client_t *c);

static void unary_done(live_client_t *c, live_unary_t *u)
{
    unary_unlink(c, u);
    unary_count(c, u);
    int code = u->status;
    char *msg;
    if (code == GRPC_STATUS_OK && u->kind == LIVE_UNARY_STATE && !c->stopping)
        code = unary_deliver_state(c, u);
    if (code == GRPC_STATUS_INTERNAL && u->status == GRPC_STATUS_OK) {
        msg = strdup("INTERNAL: GetState: the answer is not a State");
        if (!msg)
            abort();
    } else {
        msg = status_text(code, u->details);
    }
    live_result_t r = {code, msg};
    if (u->done)
        u->done(u->arg, &r);
    /* Control calls change server-only fields (auto triggers, resets). */
    if (code == GRPC_STATUS_OK && u->kind == LIVE_UNARY_CONTROL && !c->stopping)
        sync_send(c);
    free(msg);
    unary_free(u);
    check_stopped(c);
}

/* --- keeping the mirror reconciled ----------------------------------------- */

/* Sends a GetState of the client's own; the answer goes to on_state. */
static int sync_send(live_client_t *c)
{
    Google__Protobuf__Empty empty = GOOGLE__PROTOBUF__EMPTY__INIT;
    c->iter_end_pending = false;
    return unary_send(c, LIVE_UNARY_STATE, RPC_METHOD_GETSTATE, &empty.base, NULL, NULL, true);
}

static void on_sync(uv_timer_t *t)
{
    live_client_t *c = t->data;
    if (c->stopping || !c->stream || c->conn != LIVE_CONNECTED)
        return;
    if (c->auto_inflight) { /* one at a time: look again shortly */
        sync_arm(c, LIVE_QUIET_MS);
        return;
    }
    sync_send(c);
    sync_arm(c, LIVE_POLL_MS);
}

/* (Re)starts the timer; only consumers of on_state get GetStates. */
static void sync_arm(live_client_t *c, uint64_t ms)
{
    if (!c->cb.on_state || c->stopping)
        return;
    int rc = uv_timer_start(&c->sync, on_sync, ms, 0);
    if (rc < 0)
        fprintf(stderr, "skview: live: uv_timer_start: %s\n", uv_strerror(rc));
}

/* Entries arrived: wait for the quiet, but not more than LIVE_ITER_CAP_MS
 * past the end of an iteration. */
static void sync_after_entries(live_client_t *c)
{
    /* on_async may have run for long (a burst): the loop's cached time would
     * make the timer due at once, and GetState would be sent mid-burst. */
    uv_update_time(c->loop);
    uint64_t now = uv_now(c->loop), due = LIVE_QUIET_MS;
    if (c->iter_end_pending) {
        uint64_t cap = c->iter_end_ms + LIVE_ITER_CAP_MS;
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

static void deliver_entry(live_client_t *c, const Proto__LogEntry *e)
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

/* --- the loop side of the queue --------------------------------------------- */

static void on_handle_closed(uv_handle_t *h)
{
    live_client_t *c = h->data;
    if (++c->closed_handles < 3)
        return;
    c->conn = LIVE_STOPPED;
    if (c->stop_done)
        c->stop_done(c->stop_arg, NULL);
}

static void client_exited(live_client_t *c)
{
    int rc = uv_thread_join(&c->thread);
    if (rc < 0)
        fprintf(stderr, "skview: live: uv_thread_join: %s\n", uv_strerror(rc));
    grpc_completion_queue_destroy(c->cq);
    c->cq = NULL;
    c->thread_running = false;
    uv_close((uv_handle_t *)&c->async, on_handle_closed);
    uv_close((uv_handle_t *)&c->retry, on_handle_closed);
    uv_close((uv_handle_t *)&c->sync, on_handle_closed);
}

static void ev_dispatch(live_client_t *c, live_ev_t *ev)
{
    switch (ev->kind) {
    case LIVE_EV_ENTRY:
        deliver_entry(c, ev->ptr);
        break;
    case LIVE_EV_STREAM_MD:
        stream_connected(c, ev->ptr);
        break;
    case LIVE_EV_STREAM_END:
        stream_ended(c, ev->ptr);
        break;
    case LIVE_EV_UNARY:
        unary_done(c, ev->ptr);
        break;
    case LIVE_EV_EXIT:
        client_exited(c);
        break;
    }
}

/* Re-arms a stream the completion-queue thread left stalled on a full queue. */
static void stream_resume(live_client_t *c)
{
    uv_mutex_lock(&c->mu);
    live_stream_t *s = c->stream;
    if (s && s->stalled && c->q_len < LIVE_QUEUE_CAP)
        stream_arm_locked(s);
    if (s)
        stream_maybe_end_locked(c, s);
    uv_mutex_unlock(&c->mu);
}

static void on_async(uv_async_t *h)
{
    live_client_t *c = h->data;
    uint64_t entries = c->stats.entries;
    for (;;) {
        uv_mutex_lock(&c->mu);
        live_ev_t *ev = c->q_head;
        c->q_head = c->q_tail = NULL;
        c->q_len = 0;
        uv_mutex_unlock(&c->mu);
        if (!ev)
            break;
        while (ev) {
            live_ev_t *next = ev->next;
            ev_dispatch(c, ev);
            ev_free(ev);
            ev = next;
        }
        if (c->thread_running)
            stream_resume(c);
        else
            break; /* EXIT was the last event */
    }
    if (c->stats.entries != entries && c->stream && c->conn == LIVE_CONNECTED)
        sync_after_entries(c);
}

/* --- life cycle --------------------------------------------------------------- */

int live_keepalive_ms(void)
{
    const char *env = getenv("SKVIEW_KEEPALIVE_MS");
    long ms = env && *env ? strtol(env, NULL, 10) : 0;
    return ms > 0 && ms < 3600000 ? (int)ms : 360000;
}

static grpc_channel *channel_new(const char *addr)
{
    grpc_arg args[] = {
        {GRPC_ARG_INTEGER, (char *)GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, {.integer = RPC_MAX_MESSAGE}},
        /* gRPC's own backoff (1 s, up to 120 s) would make calls fail fast
         * long after the server is back: keep it short, our timer paces.
         * GRPC_ARG_MIN_RECONNECT_BACKOFF_MS stays at its default: it is also
         * the connect timeout (20 s), which a slow peer needs. */
        {GRPC_ARG_INTEGER, (char *)GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, {.integer = 100}},
        {GRPC_ARG_INTEGER, (char *)GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, {.integer = 1000}},
        /* A server that hangs after the handshake would leave the stream
         * open and silent for ever: ping during the Events call. Skaffold's
         * Go server answers pings more often than every 5 minutes with a
         * too_many_pings GOAWAY, so 6 minutes is as often as is safe; pings
         * continue on a quiet stream (no limit of pings without data). */
        {GRPC_ARG_INTEGER, (char *)GRPC_ARG_KEEPALIVE_TIME_MS, {.integer = LIVE_KEEPALIVE_MS}},
        {GRPC_ARG_INTEGER, (char *)GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
         {.integer = LIVE_KEEPALIVE_MS < 20000 ? LIVE_KEEPALIVE_MS : 20000}},
        {GRPC_ARG_INTEGER, (char *)GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, {.integer = 0}},
    };
    grpc_channel_args ca = {sizeof args / sizeof args[0], args};
    grpc_channel_credentials *creds = grpc_insecure_credentials_create();
    grpc_channel *ch = grpc_channel_create(addr, creds, &ca);
    grpc_channel_credentials_release(creds);
    return ch;
}

static int client_handles_init(live_client_t *c, uv_loop_t *loop)
{
    int rc = uv_async_init(loop, &c->async, on_async);
    if (rc < 0) {
        fprintf(stderr, "skview: live: uv_async_init: %s\n", uv_strerror(rc));
        return -1;
    }
    c->async.data = c;
    rc = uv_timer_init(loop, &c->retry);
    if (rc < 0) {
        /* Cannot fail on Linux; the async handle is then leaked on purpose
         * rather than freed while libuv may still reference it. */
        fprintf(stderr, "skview: live: uv_timer_init: %s\n", uv_strerror(rc));
        return -1;
    }
    c->retry.data = c;
    if ((rc = uv_timer_init(loop, &c->sync)) < 0) {
        fprintf(stderr, "skview: live: uv_timer_init: %s\n", uv_strerror(rc));
        return -1;
    }
    c->sync.data = c;
    return 0;
}

live_client_t *live_client_new(uv_loop_t *loop, const live_opts_t *opts, const live_callbacks_t *cb)
{
    if (!opts || !opts->addr)
        return NULL;
    live_client_t *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->loop = loop;
    c->opts = *opts;
    c->addr = strdup(opts->addr);
    c->opts.addr = c->addr;
    if (!c->opts.deadline_ms)
        c->opts.deadline_ms = LIVE_DEADLINE_DEFAULT_MS;
    if (cb)
        c->cb = *cb;
    c->seed = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)c;
    c->conn = LIVE_STOPPED;
    if (uv_mutex_init(&c->mu) < 0 || client_handles_init(c, loop) != 0) {
        free(c->addr);
        free(c);
        return NULL;
    }
    grpc_init();
    c->ch = channel_new(c->addr);
    c->cq = grpc_completion_queue_create_for_next(NULL);
    int rc = uv_thread_create(&c->thread, cq_main, c);
    if (rc < 0) {
        fprintf(stderr, "skview: live: uv_thread_create: %s\n", uv_strerror(rc));
        abort();
    }
    c->thread_running = true;
    return c;
}

int live_client_start(live_client_t *c)
{
    if (c->started || c->stopping)
        return -1;
    c->started = true;
    conn_set(c, LIVE_CONNECTING, NULL, 0);
    stream_open(c);
    return 0;
}

/* Once no call is left: destroy the channel and shut the queue down; the
 * completion-queue thread then drains it and posts LIVE_EV_EXIT. */
static void check_stopped(live_client_t *c)
{
    if (!c->stopping || c->stream || c->unary || !c->ch)
        return;
    grpc_channel_destroy(c->ch);
    c->ch = NULL;
    grpc_completion_queue_shutdown(c->cq);
}

void live_client_stop(live_client_t *c, live_done_cb done, void *arg)
{
    if (c->stopping)
        return;
    c->stopping = true;
    c->stop_done = done;
    c->stop_arg = arg;
    int rc = uv_timer_stop(&c->retry);
    if (rc < 0)
        fprintf(stderr, "skview: live: uv_timer_stop: %s\n", uv_strerror(rc));
    uv_timer_stop(&c->sync);
    if (c->stream) {
        grpc_call_cancel(c->stream->call, NULL);
        stream_resume(c); /* a stalled stream must see its end */
    }
    for (live_unary_t *u = c->unary; u; u = u->next)
        grpc_call_cancel(u->call, NULL);
    check_stopped(c);
}

void live_client_free(live_client_t *c)
{
    if (!c)
        return;
    /* Freeing a running client would leave the thread and handles behind. */
    if (c->thread_running || c->closed_handles < 2) {
        fprintf(stderr, "skview: live: live_client_free before stop completed\n");
        abort();
    }
    uv_mutex_destroy(&c->mu);
    free(c->addr);
    free(c);
    grpc_shutdown();
}

/* --- control calls ----------------------------------------------------------- */

int live_execute(live_client_t *c, bool build, bool sync, bool deploy, live_done_cb done, void *arg)
{
    Proto__Intent intent = PROTO__INTENT__INIT;
    intent.build = build;
    intent.sync = sync;
    intent.deploy = deploy;
    Proto__UserIntentRequest req = PROTO__USER_INTENT_REQUEST__INIT;
    req.intent = &intent;
    return unary_call(c, LIVE_UNARY_CONTROL, RPC_METHOD_EXECUTE, &req.base, done, arg);
}

int live_auto(live_client_t *c, live_trigger_t which, bool enabled, live_done_cb done, void *arg)
{
    static const char *const methods[] = {RPC_METHOD_AUTOBUILD, RPC_METHOD_AUTOSYNC,
                                          RPC_METHOD_AUTODEPLOY};
    if ((unsigned)which > LIVE_TRIGGER_DEPLOY)
        return -1;
    /* enabled sits in a oneof, so setting the case puts it on the wire even
     * when false; without it the server answers INVALID_ARGUMENT. */
    Proto__TriggerState st = PROTO__TRIGGER_STATE__INIT;
    st.val_case = PROTO__TRIGGER_STATE__VAL_ENABLED;
    st.enabled = enabled;
    Proto__TriggerRequest req = PROTO__TRIGGER_REQUEST__INIT;
    req.state = &st;
    return unary_call(c, LIVE_UNARY_CONTROL, methods[which], &req.base, done, arg);
}

int live_handle(live_client_t *c, const Proto__Event *event, live_done_cb done, void *arg)
{
    return unary_call(c, LIVE_UNARY_CONTROL, RPC_METHOD_HANDLE, &event->base, done, arg);
}

int live_get_state(live_client_t *c, live_done_cb done, void *arg)
{
    Google__Protobuf__Empty empty = GOOGLE__PROTOBUF__EMPTY__INIT;
    return unary_call(c, LIVE_UNARY_STATE, RPC_METHOD_GETSTATE, &empty.base, done, arg);
}

/* --- small helpers ------------------------------------------------------------- */

void live_client_stats(const live_client_t *c, live_stats_t *out)
{
    *out = c->stats;
}

const char *live_conn_name(live_conn_t conn)
{
    switch (conn) {
    case LIVE_CONNECTING:
        return "connecting";
    case LIVE_CONNECTED:
        return "connected";
    case LIVE_RECONNECTING:
        return "reconnecting";
    case LIVE_STOPPED:
        return "stopped";
    }
    return "?";
}
