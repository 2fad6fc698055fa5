/* Generic gRPC calls on a completion-queue thread; see bk_rpc.h. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/support/time.h>
#include "live/bk_rpc.h"
#include "live/rpc_int.h"

#define BK_QUEUE_CAP 4096

typedef enum bk_tag_kind { BK_TAG_MD, BK_TAG_RECV, BK_TAG_STATUS } bk_tag_kind_t;

typedef struct bk_tag {
    bk_tag_kind_t kind;
    bk_call_t *call;
} bk_tag_t;

typedef enum bk_ev_kind { BK_EV_MSG, BK_EV_END, BK_EV_EXIT } bk_ev_kind_t;

typedef struct bk_ev {
    struct bk_ev *next;
    bk_ev_kind_t kind;
    bk_call_t *call;
    ProtobufCMessage *msg;   /* BK_EV_MSG, malloc'd by protobuf-c */
} bk_ev_t;

struct bk_call {
    bk_rpc_t *r;
    bk_call_t *next;                 /* in r->calls, loop thread only */
    bk_rpc_req_t req;
    char *unimplemented;
    grpc_call *call;
    bk_tag_t tag_md, tag_recv, tag_status;
    grpc_metadata_array md_initial, md_trailing;
    grpc_byte_buffer *send_buf, *recv_buf;
    grpc_status_code status;
    grpc_slice details;
    unsigned bad;                    /* mu: undecodable messages */
    bool recv_ended, status_done, md_done, stalled, end_pushed; /* mu */
};

struct bk_rpc {
    uv_loop_t *loop;
    grpc_channel *ch;
    grpc_completion_queue *cq;
    uv_thread_t thread;
    bool thread_running, stopping;
    uv_async_t async;
    uv_mutex_t mu;
    bk_ev_t *q_head, *q_tail;        /* mu */
    size_t q_len;                    /* mu */
    bk_call_t *calls;
    void (*stop_done)(void *);
    void *stop_arg;
};

/* ---- completion-queue thread ------------------------------------------- */

static void push_locked(bk_rpc_t *r, bk_ev_kind_t kind, bk_call_t *call, ProtobufCMessage *msg)
{
    bk_ev_t *ev = malloc(sizeof *ev);
    if (!ev)
        abort();
    *ev = (bk_ev_t){NULL, kind, call, msg};
    if (r->q_tail)
        r->q_tail->next = ev;
    else
        r->q_head = ev;
    r->q_tail = ev;
    r->q_len++;
}

/* Called with mu held, which serialises start_batch between the threads. */
static void arm_locked(bk_call_t *c)
{
    grpc_op op = {0};
    op.op = GRPC_OP_RECV_MESSAGE;
    op.data.recv_message.recv_message = &c->recv_buf;
    if (grpc_call_start_batch(c->call, &op, 1, &c->tag_recv, NULL) != GRPC_CALL_OK)
        c->recv_ended = true; /* only when the call is already over */
    c->stalled = false;
}

static void maybe_end_locked(bk_rpc_t *r, bk_call_t *c)
{
    if (c->recv_ended && c->status_done && c->md_done && !c->end_pushed) {
        c->end_pushed = true;
        push_locked(r, BK_EV_END, c, NULL);
    }
}

static void on_recv(bk_rpc_t *r, bk_call_t *c, int success)
{
    ProtobufCMessage *m = NULL;
    bool ended = !success || !c->recv_buf;
    if (!ended) {
        m = rpc_unpack(c->recv_buf, c->req.response, NULL);
        grpc_byte_buffer_destroy(c->recv_buf);
        c->recv_buf = NULL;
    }
    uv_mutex_lock(&r->mu);
    if (ended) {
        c->recv_ended = true;
        maybe_end_locked(r, c);
    } else {
        if (m)
            push_locked(r, BK_EV_MSG, c, m);
        else
            c->bad++;
        /* Behind: stop reading and let HTTP/2 flow control hold the server. */
        if (r->q_len < BK_QUEUE_CAP)
            arm_locked(c);
        else
            c->stalled = true;
        maybe_end_locked(r, c);
    }
    uv_mutex_unlock(&r->mu);
    uv_async_send(&r->async);
}

static void on_done_flag(bk_rpc_t *r, bk_call_t *c, bool *flag)
{
    uv_mutex_lock(&r->mu);
    *flag = true;
    maybe_end_locked(r, c);
    uv_mutex_unlock(&r->mu);
    uv_async_send(&r->async);
}

static void cq_main(void *arg)
{
    bk_rpc_t *r = arg;
    for (;;) {
        grpc_event ev = grpc_completion_queue_next(r->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        if (ev.type == GRPC_QUEUE_SHUTDOWN)
            break;
        if (ev.type != GRPC_OP_COMPLETE)
            continue;
        bk_tag_t *t = ev.tag;
        if (t->kind == BK_TAG_RECV)
            on_recv(r, t->call, ev.success);
        else
            on_done_flag(r, t->call, t->kind == BK_TAG_MD ? &t->call->md_done : &t->call->status_done);
    }
    uv_mutex_lock(&r->mu);
    push_locked(r, BK_EV_EXIT, NULL, NULL);
    uv_mutex_unlock(&r->mu);
    uv_async_send(&r->async);
}

/* ---- loop thread --------------------------------------------------------- */

static void call_free(bk_call_t *c)
{
    if (c->call)
        grpc_call_unref(c->call);
    grpc_metadata_array_destroy(&c->md_initial);
    grpc_metadata_array_destroy(&c->md_trailing);
    grpc_slice_unref(c->details);
    if (c->send_buf)
        grpc_byte_buffer_destroy(c->send_buf);
    if (c->recv_buf)
        grpc_byte_buffer_destroy(c->recv_buf);
    free(c->unimplemented);
    free(c);
}

static void check_stopped(bk_rpc_t *r)
{
    if (!r->stopping || r->calls || !r->ch)
        return;
    grpc_channel_destroy(r->ch);
    r->ch = NULL;
    grpc_completion_queue_shutdown(r->cq);
}

static char *end_message(bk_call_t *c, int *code)
{
    char buf[512];
    char *d = rpc_slice_strdup(c->details);
    if (*code == GRPC_STATUS_OK && c->bad) {
        *code = GRPC_STATUS_INTERNAL;
        snprintf(buf, sizeof buf, "INTERNAL: %u answer(s) are not a %s", c->bad, c->req.response->name);
    } else if (*code == GRPC_STATUS_UNIMPLEMENTED && c->unimplemented) {
        snprintf(buf, sizeof buf, "UNIMPLEMENTED: %s", c->unimplemented);
    } else if (*code == GRPC_STATUS_OK) {
        buf[0] = '\0';
    } else {
        snprintf(buf, sizeof buf, *d ? "%s: %s" : "%s%s", rpc_status_name(*code), d);
    }
    free(d);
    char *out = strdup(buf);
    if (!out)
        abort();
    return out;
}

static void call_ended(bk_rpc_t *r, bk_call_t *c)
{
    for (bk_call_t **p = &r->calls; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    int code = c->status;
    char *msg = end_message(c, &code);
    if (c->req.on_end)
        c->req.on_end(c->req.arg, code, msg);
    free(msg);
    call_free(c);
    check_stopped(r);
}

static void on_closed(uv_handle_t *h)
{
    bk_rpc_t *r = h->data;
    if (r->stop_done)
        r->stop_done(r->stop_arg);
}

static void thread_exited(bk_rpc_t *r)
{
    int rc = uv_thread_join(&r->thread);
    if (rc < 0)
        fprintf(stderr, "skview: buildkit: uv_thread_join: %s\n", uv_strerror(rc));
    grpc_completion_queue_destroy(r->cq);
    r->cq = NULL;
    r->thread_running = false;
    uv_close((uv_handle_t *)&r->async, on_closed);
}

static void dispatch(bk_rpc_t *r, bk_ev_t *ev)
{
    switch (ev->kind) {
    case BK_EV_MSG:
        if (ev->call->req.on_msg && !r->stopping)
            ev->call->req.on_msg(ev->call->req.arg, ev->msg);
        protobuf_c_message_free_unpacked(ev->msg, NULL);
        break;
    case BK_EV_END:
        call_ended(r, ev->call);
        break;
    case BK_EV_EXIT:
        thread_exited(r);
        break;
    }
}

/* Re-arms streams the completion-queue thread left stalled on a full queue. */
static void resume_stalled(bk_rpc_t *r)
{
    uv_mutex_lock(&r->mu);
    for (bk_call_t *c = r->calls; c && r->q_len < BK_QUEUE_CAP; c = c->next)
        if (c->stalled && !c->recv_ended)
            arm_locked(c);
    uv_mutex_unlock(&r->mu);
}

static void on_async(uv_async_t *h)
{
    bk_rpc_t *r = h->data;
    for (;;) {
        uv_mutex_lock(&r->mu);
        bk_ev_t *ev = r->q_head;
        r->q_head = r->q_tail = NULL;
        r->q_len = 0;
        uv_mutex_unlock(&r->mu);
        if (!ev)
            return;
        while (ev) {
            bk_ev_t *next = ev->next;
            bool exit = ev->kind == BK_EV_EXIT;
            dispatch(r, ev);
            free(ev);
            ev = next;
            if (exit)
                return; /* the handle is closing; nothing follows EXIT */
        }
        resume_stalled(r);
    }
}

bk_rpc_t *bk_rpc_new(uv_loop_t *loop, const char *target, uint32_t max_message)
{
    bk_rpc_t *r = calloc(1, sizeof *r);
    if (!r)
        abort();
    r->loop = loop;
    int rc = uv_mutex_init(&r->mu);
    if (rc == 0 && (rc = uv_async_init(loop, &r->async, on_async)) < 0)
        uv_mutex_destroy(&r->mu);
    if (rc < 0) {
        fprintf(stderr, "skview: buildkit: %s\n", uv_strerror(rc));
        free(r);
        return NULL;
    }
    r->async.data = r;
    grpc_init();
    grpc_arg args[] = {
        {GRPC_ARG_INTEGER, (char *)GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, {.integer = (int)max_message}},
        {GRPC_ARG_INTEGER, (char *)GRPC_ARG_MAX_SEND_MESSAGE_LENGTH, {.integer = (int)max_message}},
    };
    grpc_channel_args ca = {sizeof args / sizeof args[0], args};
    grpc_channel_credentials *creds = grpc_insecure_credentials_create();
    r->ch = grpc_channel_create(target, creds, &ca);
    grpc_channel_credentials_release(creds);
    r->cq = grpc_completion_queue_create_for_next(NULL);
    if ((rc = uv_thread_create(&r->thread, cq_main, r)) < 0) {
        fprintf(stderr, "skview: buildkit: uv_thread_create: %s\n", uv_strerror(rc));
        abort();
    }
    r->thread_running = true;
    return r;
}

static int start_batches(bk_call_t *c)
{
    rpc_recv_t recv = {&c->md_initial, &c->md_trailing, &c->status, &c->details};
    int rc = rpc_start_call(c->call, c->send_buf, &recv, &c->tag_md, &c->tag_status);
    if (rc == -1)
        return -1;
    if (rc == -2) {
        /* The first batch is pending: cancel, and let it end the normal way. */
        grpc_call_cancel(c->call, NULL);
        c->status_done = true;
        c->status = GRPC_STATUS_INTERNAL;
    }
    arm_locked(c);
    return 0;
}

bk_call_t *bk_rpc_call(bk_rpc_t *r, const bk_rpc_req_t *req)
{
    if (r->stopping || !r->ch)
        return NULL;
    bk_call_t *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->r = r;
    c->req = *req;
    if (req->unimplemented && !(c->unimplemented = strdup(req->unimplemented)))
        abort();
    c->tag_md = (bk_tag_t){BK_TAG_MD, c};
    c->tag_recv = (bk_tag_t){BK_TAG_RECV, c};
    c->tag_status = (bk_tag_t){BK_TAG_STATUS, c};
    grpc_metadata_array_init(&c->md_initial);
    grpc_metadata_array_init(&c->md_trailing);
    c->details = grpc_empty_slice();
    c->send_buf = rpc_pack(req->request);
    gpr_timespec deadline = req->deadline_ms
        ? gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis(req->deadline_ms, GPR_TIMESPAN))
        : gpr_inf_future(GPR_CLOCK_REALTIME);
    grpc_slice m = grpc_slice_from_static_string(req->method);
    c->call = grpc_channel_create_call(r->ch, NULL, GRPC_PROPAGATE_DEFAULTS, r->cq, m, NULL, deadline, NULL);
    uv_mutex_lock(&r->mu);
    int rc = c->call ? start_batches(c) : -1;
    uv_mutex_unlock(&r->mu);
    if (rc != 0) {
        call_free(c); /* nothing is pending when the first batch failed */
        return NULL;
    }
    c->next = r->calls;
    r->calls = c;
    return c;
}

void bk_rpc_cancel(bk_call_t *c)
{
    if (c && c->call)
        grpc_call_cancel(c->call, NULL);
}

void bk_rpc_stop(bk_rpc_t *r, void (*done)(void *), void *arg)
{
    if (r->stopping)
        return;
    r->stopping = true;
    r->stop_done = done;
    r->stop_arg = arg;
    for (bk_call_t *c = r->calls; c; c = c->next)
        grpc_call_cancel(c->call, NULL);
    resume_stalled(r); /* a stalled stream must see its end */
    check_stopped(r);
}

void bk_rpc_free(bk_rpc_t *r)
{
    if (!r)
        return;
    if (r->thread_running) {
        fprintf(stderr, "skview: buildkit: bk_rpc_free before stop completed\n");
        abort();
    }
    uv_mutex_destroy(&r->mu);
    free(r);
    grpc_shutdown();
}
