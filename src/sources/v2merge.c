/* The v2 replays merged by time (sources/v2merge.h).
 *
 * Each stream's held events wait in a ring, in arrival order. Releasing
 * is a two-way merge of the rings' fronts: with both non-empty the older
 * front goes; with one empty, its front goes once the other stream cannot
 * deliver anything older (it is live, or its replay, which comes in time
 * order, is already past that time). */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include "core/arena.h"
#include "core/xalloc.h"
#include "skaffold/model.h"
#include "sources/pacer.h"
#include "sources/v2merge.h"

typedef struct held {
    Proto__V2__Event *ev;        /* a decoded copy (pb_dup), or NULL: */
    uint8_t *wire;               /* the event's bytes as received */
    size_t len;
    int64_t t;
} held_t;

typedef struct queue {
    held_t *q;
    size_t head, n, cap;
} queue_t;

struct v2merge {
    uv_loop_t *loop;
    uv_timer_t timer;
    uv_idle_t drain;             /* runs while held events may go: a slice a turn */
    int closing;                 /* handles still to close */
    uint64_t quiet_ms;
    v2merge_out_fn out;
    void *ctx;
    queue_t q[2];
    arena_t arena;               /* a held event's bytes decoded, while delivered */
    unsigned depth;              /* deliveries under way: out may flush (a hook ending a run) */
    bool replaying[2];
    bool window;                 /* a replay under way, or events held */
    int64_t began_ns[2];         /* wall clock at the stream's reset */
    int64_t last_t[2];           /* newest event time of the stream's replay */
    uint64_t last_ms[2];         /* loop time of its last event (or reset) */
};

static int64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void held_free(const held_t *h)
{
    if (h->ev)
        protobuf_c_message_free_unpacked(&h->ev->base, NULL);
    free(h->wire);
}

static void q_push(queue_t *q, held_t h)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 256;
        held_t *n = xmalloc(cap * sizeof *n);
        for (size_t i = 0; i < q->n; i++)
            n[i] = q->q[(q->head + i) % q->cap];
        free(q->q);
        q->q = n, q->cap = cap, q->head = 0;
    }
    q->q[(q->head + q->n++) % q->cap] = h;
}

static const held_t *q_front(const queue_t *q)
{
    return q->n ? &q->q[q->head] : NULL;
}

static void q_free(queue_t *q)
{
    for (size_t i = 0; i < q->n; i++)
        held_free(&q->q[(q->head + i) % q->cap]);
    free(q->q);
    *q = (queue_t){0};
}

/* Hands the front of stream s's ring on. */
static void deliver(v2merge_t *m, int s)
{
    queue_t *q = &m->q[s];
    held_t h = q->q[q->head];
    q->head = (q->head + 1) % q->cap;
    q->n--;
    /* Bytes that decoded once (in the client) decode again. */
    const Proto__V2__Event *ev = h.ev ? h.ev : proto__v2__event__unpack(&m->arena.pb, h.len, h.wire);
    m->depth++;
    if (ev)
        m->out(m->ctx, ev, (v2_stream_t)s);
    if (!--m->depth)
        arena_reset(&m->arena); /* not under an outer delivery's event */
    held_free(&h);
}

/* The stream whose front may go now, or -1. force: the older front even
 * when the other stream may still deliver something older. */
static int next_stream(const v2merge_t *m, bool force)
{
    const held_t *a = q_front(&m->q[0]), *b = q_front(&m->q[1]);
    if (a && b)
        return b->t < a->t;
    int s = a ? 0 : b ? 1 : -1;
    if (s < 0 || force)
        return s;
    int o = !s;
    return !m->replaying[o] || q_front(&m->q[s])->t <= m->last_t[o] ? s : -1;
}

static void on_drain(uv_idle_t *h);

/* Hands on at most limit of the events that may go now (and the oldest
 * beyond V2MERGE_MAX_HELD); what else may go waits for the loop's next
 * turn (the drain), so that keys and frames run between two slices. */
static void release(v2merge_t *m, size_t limit)
{
    int s;
    for (size_t n = 0; n < limit && (s = next_stream(m, false)) >= 0; n++)
        deliver(m, s);
    while (m->q[0].n + m->q[1].n > V2MERGE_MAX_HELD)
        deliver(m, next_stream(m, true));
    if (next_stream(m, false) >= 0)
        (void)uv_idle_start(&m->drain, on_drain); /* refused only for a closing handle */
    else
        uv_idle_stop(&m->drain);
    if (m->window && !m->replaying[0] && !m->replaying[1] && !m->q[0].n && !m->q[1].n) {
        m->window = false;
        uv_timer_stop(&m->timer);
    }
}

static void on_drain(uv_idle_t *h)
{
    release(h->data, V2MERGE_SLICE);
}

static void on_tick(uv_timer_t *t)
{
    v2merge_t *m = t->data;
    uint64_t now = uv_now(m->loop);
    for (int s = 0; s < 2; s++)
        if (m->replaying[s] && now - m->last_ms[s] >= m->quiet_ms)
            m->replaying[s] = false;
    release(m, 0); /* what may go now goes in the drain's slices: one a turn */
}

/* Stream s (re)starts its replay now. */
static void replay_begins(v2merge_t *m, int s)
{
    m->replaying[s] = true;
    m->began_ns[s] = wall_ns();
    m->last_t[s] = INT64_MIN;
    m->last_ms[s] = uv_now(m->loop);
}

v2merge_t *v2merge_new(uv_loop_t *loop, uint64_t quiet_ms, v2merge_out_fn out, void *ctx)
{
    v2merge_t *m = xcalloc(1, sizeof *m);
    *m = (v2merge_t){.loop = loop, .quiet_ms = quiet_ms ? quiet_ms : V2MERGE_QUIET_MS, .out = out, .ctx = ctx};
    /* Both cannot fail on Linux (they only fill the handle in). */
    if (uv_timer_init(loop, &m->timer) < 0 || uv_idle_init(loop, &m->drain) < 0) {
        free(m);
        return NULL;
    }
    m->timer.data = m->drain.data = m;
    arena_init(&m->arena);
    return m;
}

void v2merge_reset(v2merge_t *m, v2_stream_t stream)
{
    while (m->q[stream].n)
        deliver(m, stream);
    if (!m->window) {
        /* The other stream is taken to replay too until it says otherwise
         * (it resets just before its first event) or stays quiet. */
        m->window = true;
        replay_begins(m, !stream);
        uint64_t tick = m->quiet_ms / 4 ? m->quiet_ms / 4 : 1;
        uv_timer_start(&m->timer, on_tick, tick, tick);
    }
    replay_begins(m, stream);
}

/* What to hold of ev: its bytes as received when given, else a copy. */
static held_t held_copy(const Proto__V2__Event *ev, int64_t t, const uint8_t *wire, size_t len)
{
    held_t h = {NULL, NULL, len, t};
    if (wire)
        h.wire = memcpy(xmalloc(len), wire, len);
    else
        h.ev = (Proto__V2__Event *)pb_dup(&ev->base);
    return h;
}

void v2merge_push(v2merge_t *m, const Proto__V2__Event *ev, v2_stream_t stream, const uint8_t *wire, size_t len)
{
    if (!m->window) {
        m->out(m->ctx, ev, stream);
        return;
    }
    int64_t t = ev->timestamp ? pacer_ts_ns(ev->timestamp) : m->last_t[stream];
    if (t > m->last_t[stream])
        m->last_t[stream] = t;
    m->last_ms[stream] = uv_now(m->loop);
    if (m->replaying[stream] && ev->timestamp && t >= m->began_ns[stream])
        m->replaying[stream] = false;            /* a live event: the replay is over */
    int o = !stream;
    if (!m->q[0].n && !m->q[1].n && (!m->replaying[o] || t <= m->last_t[o])) {
        m->out(m->ctx, ev, stream);              /* nothing to wait for: no copy */
        release(m, 0);
        return;
    }
    q_push(&m->q[stream], held_copy(ev, t, wire, len));
    release(m, V2MERGE_PUSH_SLICE);
}

void v2merge_flush(v2merge_t *m)
{
    m->replaying[0] = m->replaying[1] = false;
    release(m, SIZE_MAX);
}

size_t v2merge_held(const v2merge_t *m)
{
    return m->q[0].n + m->q[1].n;
}

static void on_closed(uv_handle_t *h)
{
    v2merge_t *m = h->data;
    if (--m->closing)
        return;
    q_free(&m->q[0]);
    q_free(&m->q[1]);
    arena_free(&m->arena);
    free(m);
}

void v2merge_close(v2merge_t *m)
{
    if (!m)
        return;
    m->closing = 2;
    uv_close((uv_handle_t *)&m->timer, on_closed);
    uv_close((uv_handle_t *)&m->drain, on_closed);
}
