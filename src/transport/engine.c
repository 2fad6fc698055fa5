/* The gRPC engine: channel, completion-queue thread, hand-over queue,
 * calls, connection backoff; see engine.h.
 *
 * Two threads. The completion-queue thread (cq_main) only decodes, re-arms
 * RECV_MESSAGE and appends results to a locked queue, then wakes the loop
 * with uv_async_send, once per burst of results. The loop thread owns everything else: the channel,
 * starting and cancelling calls, timers and every callback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <grpc/grpc.h>
#include <grpc/grpc_posix.h>
#include <grpc/grpc_security.h>
#include <grpc/support/log.h>
#include <grpc/support/time.h>
#include <stdatomic.h>
#include "core/textsafe.h"
#include "core/xalloc.h"
#include "transport/engine.h"
#include "transport/rpc_int.h"

typedef enum eng_tag_kind { ENG_TAG_MD, ENG_TAG_RECV, ENG_TAG_STATUS } eng_tag_kind_t;

/* Every batch's tag points at one of these, embedded in its call. */
typedef struct eng_tag {
    eng_tag_kind_t kind;
    eng_call_t *call;
} eng_tag_t;

typedef enum eng_ev_kind { ENG_EV_MD, ENG_EV_MSG, ENG_EV_END, ENG_EV_EXIT } eng_ev_kind_t;

/* Memory of one decoded answer: its event node, its bytes as they came
 * and every part of the message, bump-allocated in one malloc'd chunk (more
 * only for big ones), so a handed-over answer costs one malloc on one thread
 * and one free on the other instead of a pair per string and sub-message. */
typedef struct eng_chunk {
    struct eng_chunk *next;
    size_t used, cap;
    max_align_t data[];
} eng_chunk_t;

typedef struct eng_ev {
    struct eng_ev *next;
    eng_ev_kind_t kind;
    eng_call_t *call;
    ProtobufCMessage *msg;   /* ENG_EV_MSG */
    eng_chunk_t *chunks;     /* ENG_EV_MSG: where it, msg and wire live */
    const uint8_t *wire;     /* ENG_EV_MSG: the packed message as received */
    size_t wire_len;
} eng_ev_t;

struct eng_call {
    eng_t *e;
    eng_call_t *next;                /* in e->calls, loop thread only */
    eng_req_t req;
    grpc_call *call;                 /* NULL while the descriptor is being dialled */
    gpr_timespec deadline;
    bool cancel_pending;             /* cancelled before it started (a dial was running) */
    eng_tag_t tag_md, tag_recv, tag_status;
    grpc_metadata_array md_initial, md_trailing;
    grpc_byte_buffer *send_buf, *recv_buf;
    grpc_status_code status;
    grpc_slice details;
    eng_ev_t *reply;                 /* unary: the answer, kept for on_end */
    size_t recv_bytes;               /* completion-queue thread until the end */
    unsigned bad;                    /* mu: undecodable answers */
    bool recv_ended, status_done, md_done, stalled, end_pushed; /* mu */
};

struct eng {
    uv_loop_t *loop;
    const char *who;
    grpc_channel *ch;
    char *target;                    /* the channel's name */
    eng_dial_fn dial;                /* NULL: gRPC connects to target itself */
    void *dial_arg;
    bool redial;                     /* dialled: the connection is gone, dial before the next call */
    bool dialing, cq_shut;           /* a dial runs on libuv's pool; the queue was shut down */
    uv_work_t dial_work;
    int dial_fd;                     /* the dial's result, and its sentence when -1 */
    char dial_err[768];
    grpc_completion_queue *cq;
    uv_thread_t thread;
    bool thread_running, stopping;
    uv_async_t async;
    uv_timer_t retry;
    int closed_handles;
    uv_mutex_t mu;
    eng_ev_t *q_head, *q_tail;       /* mu */
    size_t q_len;                    /* mu */
    eng_chunk_t *spare;              /* mu: decode chunks the loop handed back */
    size_t n_spare;                  /* mu */
    eng_chunk_t *cq_spare;           /* completion-queue thread's own */
    eng_chunk_t *loop_spare;         /* loop thread's, handed back per batch */
    eng_ev_t *pend;                  /* loop thread: taken, left for its next turn */
    size_t n_loop_spare;
    eng_call_t *calls;
    void (*drained)(void *);
    void *drained_arg;
    /* connection supervision */
    eng_conn_cb on_conn;
    void (*on_retry)(void *);
    void *conn_arg;
    live_conn_t conn;
    unsigned attempt;                /* failed attempts since the last stable connection */
    uint64_t connected_ms;           /* uv_now() when it last connected */
    unsigned seed;                   /* for the jitter */
    void (*stop_done)(void *);
    void *stop_arg;
};

/* ---- the hand-over queue (completion-queue thread -> loop thread) ------- */

/* Decode chunks of this size go back to the completion-queue thread for
 * reuse (at most ENG_SPARE_MAX wait there): a flood's answers then cost no
 * malloc on one thread and free on the other each. As many as a full queue
 * and a turn hold: fewer, and a flood freed and malloc'd chunks all along,
 * glibc trimming and growing the thread's heap under it (5% of events -a in
 * mprotect and page faults). A Skaffold entry of ~120 bytes takes ~640
 * bytes decoded (with its bytes), an application line of ~200 ~740. */
#define ENG_CHUNK_STD 1024
#define ENG_TURN_MAX 512
#define ENG_SPARE_MAX (ENG_QUEUE_CAP + ENG_TURN_MAX)
#define ENG_WAKE_BATCH 64

static eng_chunk_t *chunk_new(size_t cap, eng_chunk_t *next)
{
    eng_chunk_t *ch = xmalloc(sizeof *ch + cap);
    ch->next = next;
    ch->used = 0;
    ch->cap = cap;
    return ch;
}

/* ProtobufCAllocator over a chain of chunks; ctx is the chain's head. */
static void *chunk_alloc(void *ctx, size_t n)
{
    eng_chunk_t **head = ctx, *ch = *head;
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

/* A chunk for an answer of packed bytes: a spare one when it fits
 * (completion-queue thread). */
static eng_chunk_t *chunk_for(eng_t *e, size_t packed)
{
    /* The bytes, their strings again, the structs; a guess: a bigger
     * message chains one more chunk. */
    size_t cap = sizeof(eng_ev_t) + 2 * packed + 512;
    if (cap > ENG_CHUNK_STD)
        return chunk_new(cap, NULL);
    eng_chunk_t *ch = e->cq_spare;
    if (!ch)
        return chunk_new(ENG_CHUNK_STD, NULL);
    e->cq_spare = ch->next;
    ch->next = NULL;
    ch->used = 0;
    return ch;
}

/* Loop thread: ev's chunks of the standard size are kept for
 * spare_hand_back, the others freed. */
static void ev_recycle(eng_t *e, eng_ev_t *ev)
{
    eng_chunk_t *ch = ev->chunks;
    if (!ch) {
        free(ev);
        return;
    }
    while (ch) { /* ev itself lives in the last chunk */
        eng_chunk_t *next = ch->next;
        if (ch->cap == ENG_CHUNK_STD && e->n_loop_spare < ENG_SPARE_MAX) {
            ch->next = e->loop_spare;
            e->loop_spare = ch;
            e->n_loop_spare++;
        } else {
            free(ch);
        }
        ch = next;
    }
}

static void chunks_free(eng_chunk_t *ch)
{
    while (ch) {
        eng_chunk_t *next = ch->next;
        free(ch);
        ch = next;
    }
}

static void ev_free(eng_ev_t *ev)
{
    if (ev->chunks)
        chunks_free(ev->chunks); /* ev itself lives in the last chunk */
    else
        free(ev);
}

/* Loop thread: the queue's lock, or false when another holds it and wait
 * is false. Only the completion-queue thread holds it meanwhile, handing a
 * result over, and it wakes the loop at the end of that burst (cq_main), so
 * what on_async skips now it does in that turn: the loop never sleeps on
 * that thread (preempted with the lock held on two busy cores, it kept the
 * viewer's loop for up to 28 ms). */
static bool loop_lock(eng_t *e, bool wait)
{
    if (!wait)
        return uv_mutex_trylock(&e->mu) == 0;
    uv_mutex_lock(&e->mu);
    return true;
}

/* Loop thread, once per batch: the kept chunks go to the completion-queue
 * thread's side (what would pass ENG_SPARE_MAX is freed); kept for the
 * next batch while the lock is taken. */
static void spare_hand_back(eng_t *e)
{
    eng_chunk_t *list = e->loop_spare, *extra = NULL;
    size_t n = e->n_loop_spare;
    if (!list || !loop_lock(e, false))
        return;
    e->loop_spare = NULL;
    e->n_loop_spare = 0;
    if (e->n_spare + n <= ENG_SPARE_MAX) {
        eng_chunk_t *tail = list;
        while (tail->next)
            tail = tail->next;
        tail->next = e->spare;
        e->spare = list;
        e->n_spare += n;
    } else {
        extra = list;
    }
    uv_mutex_unlock(&e->mu);
    chunks_free(extra);
}

/* Decodes one answer into an event node that owns all its memory, the
 * answer's bytes with it (consumers keep those rather than pack the message
 * again); NULL if the bytes are not a `response`. */
static eng_ev_t *ev_decode(eng_call_t *c, grpc_byte_buffer *bb)
{
    grpc_slice s;
    if (!rpc_flat(bb, &s))
        return NULL;
    size_t n = GRPC_SLICE_LENGTH(s);
    eng_chunk_t *head = chunk_for(c->e, n);
    ProtobufCAllocator a = {chunk_alloc, chunk_free, &head};
    eng_ev_t *ev = chunk_alloc(&head, sizeof *ev);
    uint8_t *wire = chunk_alloc(&head, n);
    memcpy(wire, GRPC_SLICE_START_PTR(s), n);
    grpc_slice_unref(s);
    ProtobufCMessage *m = protobuf_c_message_unpack(c->req.response, &a, n, wire);
    *ev = (eng_ev_t){NULL, ENG_EV_MSG, c, m, head, wire, n};
    if (!m) {
        ev_free(ev);
        return NULL;
    }
    return ev;
}

/* Appends under e->mu. */
static void ev_append_locked(eng_t *e, eng_ev_t *ev)
{
    if (e->q_tail)
        e->q_tail->next = ev;
    else
        e->q_head = ev;
    e->q_tail = ev;
    e->q_len++;
}

static void ev_push_locked(eng_t *e, eng_ev_kind_t kind, eng_call_t *c)
{
    eng_ev_t *ev = xmalloc(sizeof *ev);
    *ev = (eng_ev_t){.kind = kind, .call = c};
    ev_append_locked(e, ev);
}

/* ---- completion-queue thread ---------------------------------------------- */

/* Starts one RECV_MESSAGE; false when the call is already over. */
static bool arm(eng_call_t *c)
{
    grpc_op op = {0};
    op.op = GRPC_OP_RECV_MESSAGE;
    op.data.recv_message.recv_message = &c->recv_buf;
    return grpc_call_start_batch(c->call, &op, 1, &c->tag_recv, NULL) == GRPC_CALL_OK;
}

/* The loop thread's arm (a new call, a stalled one), with mu held: the
 * completion-queue thread sees it armed or stalled, never in between. */
static void arm_locked(eng_call_t *c)
{
    if (!arm(c))
        c->recv_ended = true; /* only when the call is already over */
    c->stalled = false;
}

/* The call is over once its three batches have all completed. */
static void maybe_end_locked(eng_t *e, eng_call_t *c)
{
    if (c->recv_ended && c->status_done && c->md_done && !c->end_pushed) {
        c->end_pushed = true;
        ev_push_locked(e, ENG_EV_END, c);
    }
}

/* gRPC's own log lines (gpr_log, from any of its threads; ERROR and up
 * unless GRPC_VERBOSITY says more): one line on stderr, made inert like
 * every text from the wire, or nothing while the viewer owns the terminal
 * (a line there would be drawn over the screen). */
static atomic_bool log_quiet;

static void eng_log(gpr_log_func_args *a)
{
    if (atomic_load(&log_quiet) || !a->message)
        return;
    strbuf_t safe;
    sb_init(&safe);
    textsafe(&safe, a->message, strlen(a->message), 0, 0);
    fprintf(stderr, "skview: grpc: %s\n", safe.data ? safe.data : "");
    sb_free(&safe);
}

void eng_log_quiet(bool quiet)
{
    atomic_store(&log_quiet, quiet);
}

/* Wakes the loop thread. libuv fails it only for a handle that is not an
 * open async, which the engine closes after joining this thread: a failure
 * here is our bug, and losing a wake-up would hang the stream. */
static void wake_loop(eng_t *e)
{
    int rc = uv_async_send(&e->async);
    if (rc < 0) {
        fprintf(stderr, "skview: %s: uv_async_send: %s\n", e->who, uv_strerror(rc));
        abort();
    }
}

static void cq_recv(eng_t *e, eng_call_t *c, int success)
{
    eng_ev_t *ev = NULL;
    bool ended = !success || !c->recv_buf, again = false;
    if (!ended) {
        c->recv_bytes += grpc_byte_buffer_length(c->recv_buf);
        ev = ev_decode(c, c->recv_buf);
        grpc_byte_buffer_destroy(c->recv_buf);
        c->recv_buf = NULL;
    }
    uv_mutex_lock(&e->mu);
    if (!e->cq_spare) { /* the loop's spare chunks, all at once */
        e->cq_spare = e->spare;
        e->spare = NULL;
        e->n_spare = 0;
    }
    if (ended) {
        c->recv_ended = true;
    } else {
        if (ev)
            ev_append_locked(e, ev);
        else
            c->bad++;
        /* Re-arm at once (the fast path); when the loop is behind, stop and
         * let HTTP/2 flow control hold the server until it drains. */
        again = e->q_len < ENG_QUEUE_CAP;
        c->stalled = !again;
    }
    maybe_end_locked(e, c);
    uv_mutex_unlock(&e->mu);
    /* Armed without mu: gRPC reads what follows in there, which the loop
     * thread must not wait for to take its queue. Only this thread arms a
     * call that is not stalled, and the call lives on (its receiving has
     * not ended). */
    if (again && !arm(c)) {
        uv_mutex_lock(&e->mu);
        c->recv_ended = true;
        maybe_end_locked(e, c);
        uv_mutex_unlock(&e->mu);
    }
}

static void cq_flag(eng_t *e, eng_call_t *c, eng_tag_kind_t kind, int success)
{
    uv_mutex_lock(&e->mu);
    if (kind == ENG_TAG_MD) {
        c->md_done = true;
        if (success)
            ev_push_locked(e, ENG_EV_MD, c);
    } else {
        c->status_done = true;
    }
    maybe_end_locked(e, c);
    uv_mutex_unlock(&e->mu);
}

/* A burst's results are handed over with one wake-up: while more
 * completions are ready at once the loop is not woken (a wake per answer
 * made both threads pay a syscall per answer when the loop kept up), but
 * at the latest after ENG_WAKE_BATCH of them, and as soon as none is
 * ready. */
static void cq_main(void *arg)
{
    eng_t *e = arg;
    unsigned held = 0; /* completions handed over since the last wake-up */
    for (;;) {
        gpr_timespec until = held ? gpr_inf_past(GPR_CLOCK_MONOTONIC) : gpr_inf_future(GPR_CLOCK_REALTIME);
        grpc_event ev = grpc_completion_queue_next(e->cq, until, NULL);
        if (ev.type == GRPC_QUEUE_SHUTDOWN)
            break;
        if (ev.type == GRPC_OP_COMPLETE) {
            eng_tag_t *t = ev.tag;
            if (t->kind == ENG_TAG_RECV)
                cq_recv(e, t->call, ev.success);
            else
                cq_flag(e, t->call, t->kind, ev.success);
            held++;
        }
        if (held && (ev.type == GRPC_QUEUE_TIMEOUT || held >= ENG_WAKE_BATCH)) {
            wake_loop(e);
            held = 0;
        }
    }
    uv_mutex_lock(&e->mu);
    ev_push_locked(e, ENG_EV_EXIT, NULL);
    uv_mutex_unlock(&e->mu);
    wake_loop(e);
}

/* ---- loop thread: calls ------------------------------------------------------ */

static void channel_redial(eng_t *e);

static void call_free(eng_call_t *c)
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
    if (c->reply)
        ev_free(c->reply);
    free(c);
}

/* Once no call is left: destroy the channel and shut the queue down; the
 * completion-queue thread then drains it and posts ENG_EV_EXIT. */
static void check_stopped(eng_t *e)
{
    if (!e->stopping || e->calls || e->dialing || e->cq_shut)
        return;
    if (e->ch)
        grpc_channel_destroy(e->ch);
    e->ch = NULL;
    e->cq_shut = true;
    grpc_completion_queue_shutdown(e->cq);
}

static void call_ended(eng_t *e, eng_call_t *c)
{
    for (eng_call_t **p = &e->calls; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    if (e->dial && c->status == GRPC_STATUS_UNAVAILABLE)
        e->redial = true; /* a channel over one descriptor never reconnects */
    char *details = rpc_slice_strdup(c->details);
    eng_end_t end = {
        .code = c->status, .details = details, .reply = c->reply ? c->reply->msg : NULL,
        .bad = c->bad, .sent_bytes = grpc_byte_buffer_length(c->send_buf),
        .recv_bytes = c->recv_bytes,
    };
    if (c->req.on_end)
        c->req.on_end(c->req.arg, &end);
    free(details);
    call_free(c);
    check_stopped(e);
}

static void on_handle_closed(uv_handle_t *h)
{
    eng_t *e = h->data;
    if (++e->closed_handles < 2)
        return;
    e->conn = LIVE_STOPPED;
    if (e->stop_done)
        e->stop_done(e->stop_arg);
}

static void thread_exited(eng_t *e)
{
    int rc = uv_thread_join(&e->thread);
    if (rc < 0)
        fprintf(stderr, "skview: %s: uv_thread_join: %s\n", e->who, uv_strerror(rc));
    grpc_completion_queue_destroy(e->cq);
    e->cq = NULL;
    e->thread_running = false;
    uv_close((uv_handle_t *)&e->async, on_handle_closed);
    uv_close((uv_handle_t *)&e->retry, on_handle_closed);
}

/* Delivers one result; returns whether ev is now owned elsewhere. */
static bool dispatch(eng_t *e, eng_ev_t *ev)
{
    eng_call_t *c = ev->call;
    switch (ev->kind) {
    case ENG_EV_MD:
        if (c->req.on_md)
            c->req.on_md(c->req.arg);
        break;
    case ENG_EV_MSG:
        if (c->req.unary) {
            if (c->reply) /* a second answer to a unary call: keep the last */
                ev_free(c->reply);
            c->reply = ev;
            return true;
        }
        if (c->req.on_msg && !(e->stopping && c->req.quiet_when_stopping))
            c->req.on_msg(c->req.arg, ev->msg, ev->wire, ev->wire_len);
        break;
    case ENG_EV_END:
        call_ended(e, c);
        break;
    case ENG_EV_EXIT:
        thread_exited(e);
        break;
    }
    return false;
}

/* Re-arms calls the completion-queue thread left stalled on a full queue. */
static void resume_stalled(eng_t *e)
{
    uv_mutex_lock(&e->mu);
    for (eng_call_t *c = e->calls; c && e->q_len < ENG_QUEUE_CAP; c = c->next)
        if (c->stalled && !c->recv_ended) {
            arm_locked(c);
            maybe_end_locked(e, c);
        }
    uv_mutex_unlock(&e->mu);
}

/* Takes what the completion-queue thread handed over: at most
 * ENG_QUEUE_CAP answers, as it stops re-arming at that. */
static eng_ev_t *take_queue(eng_t *e)
{
    if (e->pend) {
        eng_ev_t *ev = e->pend;
        e->pend = NULL;
        return ev;
    }
    uv_mutex_lock(&e->mu);
    eng_ev_t *ev = e->q_head;
    e->q_head = e->q_tail = NULL;
    e->q_len = 0;
    uv_mutex_unlock(&e->mu);
    return ev;
}

/* Whether the loop must wake itself for more: not while the lock is taken
 * (its holder wakes it). */
static bool queue_empty(eng_t *e)
{
    if (!loop_lock(e, false))
        return true;
    bool empty = e->q_head == NULL;
    uv_mutex_unlock(&e->mu);
    return empty;
}

/* At most ENG_TURN_MAX answers per turn of the loop, and what arrives
 * meanwhile waits for a later turn: the terminal's input and the timers run
 * between two slices of a flood, not after the whole of it. */
static void on_async(uv_async_t *h)
{
    eng_t *e = h->data;
    eng_ev_t *ev = take_queue(e);
    for (unsigned n = 0; ev; n++) {
        if (n == ENG_TURN_MAX) {
            e->pend = ev;
            break;
        }
        eng_ev_t *next = ev->next;
        bool exit = ev->kind == ENG_EV_EXIT;
        if (!dispatch(e, ev))
            ev_recycle(e, ev);
        ev = next;
        if (exit)
            return; /* the handles are closing; nothing follows EXIT */
    }
    spare_hand_back(e);
    resume_stalled(e);
    if (e->pend || !queue_empty(e))
        wake_loop(e); /* the rest in the loop's next turn */
    if (e->drained)
        e->drained(e->drained_arg);
}

/* Batch 1 (request, headers), batch 2 (status), then the first RECV_MESSAGE. */
static int start_batches(eng_call_t *c)
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

/* Starts c on the channel: 0, or -1 with nothing pending. */
static int call_start(eng_t *e, eng_call_t *c)
{
    grpc_slice m = grpc_slice_from_static_string(c->req.method);
    c->call = grpc_channel_create_call(e->ch, NULL, GRPC_PROPAGATE_DEFAULTS, e->cq, m, NULL, c->deadline, NULL);
    uv_mutex_lock(&e->mu);
    int rc = c->call ? start_batches(c) : -1;
    uv_mutex_unlock(&e->mu);
    return rc;
}

eng_call_t *eng_call(eng_t *e, const eng_req_t *req)
{
    if (e->stopping || (!e->ch && !e->dialing))
        return NULL;
    if (e->dial && e->redial && !e->dialing)
        channel_redial(e);
    eng_call_t *c = xcalloc(1, sizeof *c);
    c->e = e;
    c->req = *req;
    c->tag_md = (eng_tag_t){ENG_TAG_MD, c};
    c->tag_recv = (eng_tag_t){ENG_TAG_RECV, c};
    c->tag_status = (eng_tag_t){ENG_TAG_STATUS, c};
    grpc_metadata_array_init(&c->md_initial);
    grpc_metadata_array_init(&c->md_trailing);
    c->details = grpc_empty_slice();
    c->send_buf = rpc_pack(req->request);
    c->deadline = req->deadline_ms
        ? gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis(req->deadline_ms, GPR_TIMESPAN))
        : gpr_inf_future(GPR_CLOCK_REALTIME);
    if (!e->dialing && call_start(e, c) != 0) {
        call_free(c); /* nothing is pending when the first batch failed */
        return NULL;
    }
    c->next = e->calls; /* while dialing: started once the descriptor is there */
    e->calls = c;
    return c;
}

void eng_cancel(eng_call_t *c)
{
    if (c && c->call)
        grpc_call_cancel(c->call, NULL);
    else if (c)
        c->cancel_pending = true;
}

/* ---- connection supervision ------------------------------------------------- */

void eng_conn_watch(eng_t *e, eng_conn_cb on_conn, void (*retry)(void *), void *arg)
{
    e->on_conn = on_conn;
    e->on_retry = retry;
    e->conn_arg = arg;
}

live_conn_t eng_conn(const eng_t *e) { return e->conn; }

void eng_conn_set(eng_t *e, live_conn_t conn, const char *detail, uint64_t retry_ms)
{
    e->conn = conn;
    if (e->on_conn)
        e->on_conn(e->conn_arg, conn, detail, retry_ms);
}

void eng_conn_up(eng_t *e)
{
    if (e->conn == LIVE_CONNECTED || e->stopping)
        return;
    e->connected_ms = uv_now(e->loop);
    eng_conn_set(e, LIVE_CONNECTED, NULL, 0);
}

uint64_t eng_backoff_delay(eng_t *e, unsigned attempt)
{
    double base = ENG_BACKOFF_INITIAL_MS;
    for (unsigned i = 0; i < attempt && base < ENG_BACKOFF_MAX_MS; i++)
        base *= ENG_BACKOFF_FACTOR;
    if (base > ENG_BACKOFF_MAX_MS)
        base = ENG_BACKOFF_MAX_MS;
    /* +-20% jitter so that many clients do not retry in lock step. */
    double j = 1.0 - ENG_BACKOFF_JITTER + 2 * ENG_BACKOFF_JITTER * ((double)rand_r(&e->seed) / RAND_MAX);
    return (uint64_t)(base * j);
}

uint64_t eng_backoff_next(eng_t *e)
{
    return eng_backoff_delay(e, e->attempt++);
}

static void on_retry(uv_timer_t *t)
{
    eng_t *e = t->data;
    if (e->stopping)
        return;
    eng_conn_set(e, LIVE_CONNECTING, NULL, 0);
    if (e->on_retry)
        e->on_retry(e->conn_arg);
}

void eng_conn_lost(eng_t *e, const char *detail)
{
    if (e->stopping)
        return;
    /* Only a connection that lasted starts the backoff again from 1 s: a
     * server that fails every call soon after it opens (a message over our
     * limit, a crash on connect) is retried ever more slowly instead of
     * replaying its history to us every second. */
    if (e->conn == LIVE_CONNECTED && uv_now(e->loop) - e->connected_ms >= ENG_STABLE_MS)
        e->attempt = 0;
    uint64_t ms = eng_backoff_next(e);
    int rc = uv_timer_start(&e->retry, on_retry, ms, 0);
    if (rc < 0) {
        fprintf(stderr, "skview: %s: uv_timer_start: %s\n", e->who, uv_strerror(rc));
        eng_conn_set(e, LIVE_STOPPED, detail, 0);
        return;
    }
    eng_conn_set(e, LIVE_RECONNECTING, detail, ms);
}

/* ---- life cycle ------------------------------------------------------------------ */

int eng_keepalive_ms(void)
{
    const char *env = getenv("SKVIEW_KEEPALIVE_MS");
    long ms = env && *env ? strtol(env, NULL, 10) : 0;
    return ms > 0 && ms < 3600000 ? (int)ms : 360000;
}

/* ---- the dial, off the loop thread ------------------------------------------------ */

/* The channel over the dialled descriptor, or, when the dial failed, a lame
 * channel whose calls end UNAVAILABLE with the dial's sentence (the client
 * then retries as for any lost server, and the next call dials again). */
static grpc_channel *channel_dialled(eng_t *e, grpc_channel_credentials *creds, const grpc_channel_args *ca)
{
    e->redial = e->dial_fd < 0;
    if (e->dial_fd < 0)
        return grpc_lame_client_channel_create(e->target, GRPC_STATUS_UNAVAILABLE, e->dial_err);
    int fd = e->dial_fd;
    e->dial_fd = -1;
    return grpc_channel_create_from_fd(e->target, fd, creds, ca);
}

static grpc_channel *channel_new(eng_t *e);

/* A pool thread: the dial may wait (a socket that accepts and never
 * answers) without holding the loop. */
static void dial_run(uv_work_t *w)
{
    eng_t *e = w->data;
    e->dial_fd = e->dial(e->dial_arg, e->dial_err, sizeof e->dial_err);
}

/* Ends a call that never started (stopped or cancelled while dialling). */
static void pending_end(eng_t *e, eng_call_t *c, grpc_status_code code, const char *msg)
{
    c->status = code;
    grpc_slice_unref(c->details);
    c->details = grpc_slice_from_copied_string(msg);
    call_ended(e, c);
}

/* Back on the loop: the channel, then the calls that waited for it. */
static void dial_done(uv_work_t *w, int status)
{
    eng_t *e = w->data;
    e->dialing = false;
    if (e->stopping && e->dial_fd >= 0)
        close(e->dial_fd), e->dial_fd = -1;
    if (!e->stopping && status == 0)
        e->ch = channel_new(e);
    eng_call_t *next;
    for (eng_call_t *c = e->calls; c; c = next) {
        next = c->next;
        if (c->call)
            continue;
        if (e->stopping || c->cancel_pending || !e->ch)
            pending_end(e, c, GRPC_STATUS_CANCELLED, "cancelled while dialling");
        else if (call_start(e, c) != 0)
            pending_end(e, c, GRPC_STATUS_INTERNAL, "cannot start the call");
    }
    check_stopped(e);
}

static void dial_start(eng_t *e)
{
    e->dial_work.data = e;
    e->dial_fd = -1;
    e->dialing = uv_queue_work(e->loop, &e->dial_work, dial_run, dial_done) == 0;
    if (!e->dialing) { /* cannot fail on Linux: dial here, as before */
        dial_run(&e->dial_work);
        e->ch = channel_new(e);
    }
}

static grpc_channel *channel_new(eng_t *e)
{
    int keepalive = eng_keepalive_ms();
    grpc_arg args[] = {
        {GRPC_ARG_INTEGER, (char *)GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, {.integer = RPC_MAX_MESSAGE}},
        {GRPC_ARG_INTEGER, (char *)GRPC_ARG_MAX_SEND_MESSAGE_LENGTH, {.integer = RPC_MAX_MESSAGE}},
        /* gRPC's own backoff (1 s, up to 120 s) would make calls fail fast
         * long after the server is back: keep it short, our timer paces.
         * GRPC_ARG_MIN_RECONNECT_BACKOFF_MS stays at its default: it is also
         * the connect timeout (20 s), which a slow peer needs. */
        {GRPC_ARG_INTEGER, (char *)GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, {.integer = 100}},
        {GRPC_ARG_INTEGER, (char *)GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, {.integer = 1000}},
        /* A server that hangs after the handshake would leave a stream open
         * and silent for ever: ping during calls. Go servers (Skaffold,
         * buildkitd) answer pings more often than every 5 minutes with a
         * too_many_pings GOAWAY, so 6 minutes is as often as is safe; pings
         * continue on a quiet stream (no limit of pings without data). */
        {GRPC_ARG_INTEGER, (char *)GRPC_ARG_KEEPALIVE_TIME_MS, {.integer = keepalive}},
        {GRPC_ARG_INTEGER, (char *)GRPC_ARG_KEEPALIVE_TIMEOUT_MS, {.integer = keepalive < 20000 ? keepalive : 20000}},
        {GRPC_ARG_INTEGER, (char *)GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, {.integer = 0}},
    };
    grpc_channel_args ca = {sizeof args / sizeof args[0], args};
    grpc_channel_credentials *creds = grpc_insecure_credentials_create();
    grpc_channel *ch = e->dial ? channel_dialled(e, creds, &ca) : grpc_channel_create(e->target, creds, &ca);
    grpc_channel_credentials_release(creds);
    return ch;
}

/* Calls still running on the old channel keep it alive until they end;
 * the new one comes when the dial is done (dial_done). */
static void channel_redial(eng_t *e)
{
    if (e->ch)
        grpc_channel_destroy(e->ch);
    e->ch = NULL;
    dial_start(e);
}

static int handles_init(eng_t *e)
{
    int rc = uv_async_init(e->loop, &e->async, on_async);
    if (rc < 0) {
        fprintf(stderr, "skview: %s: uv_async_init: %s\n", e->who, uv_strerror(rc));
        return -1;
    }
    e->async.data = e;
    if ((rc = uv_timer_init(e->loop, &e->retry)) < 0) {
        /* Cannot fail on Linux; the async handle is then leaked on purpose
         * rather than freed while libuv may still reference it. */
        fprintf(stderr, "skview: %s: uv_timer_init: %s\n", e->who, uv_strerror(rc));
        return -1;
    }
    e->retry.data = e;
    return 0;
}

eng_t *eng_new(uv_loop_t *loop, const char *target, const char *who)
{
    return eng_new_dialled(loop, target, NULL, NULL, who);
}

eng_t *eng_new_dialled(uv_loop_t *loop, const char *target, eng_dial_fn dial, void *dial_arg, const char *who)
{
    eng_t *e = xcalloc(1, sizeof *e);
    e->loop = loop;
    e->who = who;
    e->conn = LIVE_STOPPED;
    e->seed = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)e;
    if (uv_mutex_init(&e->mu) < 0) {
        free(e);
        return NULL;
    }
    if (handles_init(e) != 0) {
        uv_mutex_destroy(&e->mu);
        free(e);
        return NULL;
    }
    e->target = xstrdup(target);
    e->dial = dial;
    e->dial_arg = dial_arg;
    gpr_set_log_function(eng_log);
    grpc_init();
    e->cq = grpc_completion_queue_create_for_next(NULL);
    if (dial)
        dial_start(e); /* calls wait for the descriptor */
    else
        e->ch = channel_new(e);
    int rc = uv_thread_create(&e->thread, cq_main, e);
    if (rc < 0) {
        fprintf(stderr, "skview: %s: uv_thread_create: %s\n", who, uv_strerror(rc));
        abort();
    }
    e->thread_running = true;
    return e;
}

void eng_on_drained(eng_t *e, void (*cb)(void *), void *arg)
{
    e->drained = cb;
    e->drained_arg = arg;
}

void eng_stop(eng_t *e, void (*done)(void *), void *arg)
{
    if (e->stopping)
        return;
    e->stopping = true;
    e->stop_done = done;
    e->stop_arg = arg;
    uv_timer_stop(&e->retry);
    for (eng_call_t *c = e->calls; c; c = c->next)
        eng_cancel(c); /* those waiting for a dial end when it is done */
    resume_stalled(e); /* a stalled stream must see its end */
    check_stopped(e);
}

bool eng_stopping(const eng_t *e) { return e->stopping; }

uv_loop_t *eng_loop(const eng_t *e) { return e->loop; }

void eng_free(eng_t *e)
{
    if (!e)
        return;
    /* Freeing a running engine would leave the thread and handles behind. */
    if (e->thread_running || e->closed_handles < 2) {
        fprintf(stderr, "skview: %s: freed before stop completed\n", e->who);
        abort();
    }
    uv_mutex_destroy(&e->mu);
    chunks_free(e->spare);
    chunks_free(e->cq_spare);
    chunks_free(e->loop_spare);
    free(e->target);
    free(e);
    grpc_shutdown();
}

char *eng_status_text(int code, const char *details)
{
    if (code == 0) {
        char *s = xstrdup("");
        return s;
    }
    const char *name = rpc_status_name(code);
    size_t n = strlen(name) + strlen(details) + 3;
    char *out = xmalloc(n);
    snprintf(out, n, *details ? "%s: %s" : "%s%s", name, details);
    return out;
}
