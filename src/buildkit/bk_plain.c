/* BuildKit's plain progress; see bk_plain.h. */
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "buildkit/bk_plain.h"
#include "buildkit/bk_progress.h"
#include "core/textsafe.h"

typedef struct pstatus {
    char *id;
    bool completed_printed;
} pstatus_t;

/* What plain mode printed of a vertex; its state is the model's. */
typedef struct pvertex {
    char *digest;
    int index;                   /* #N; 0 until first printed */
    bool done, touched;
    bool end_due;                /* ended: its end line waits for the next message */
    strbuf_t partial;            /* a log line still waiting for its newline */
    strbuf_t pending;            /* lines to print (without the "#N " prefix) */
    char *tail[BK_PLAIN_ERROR_LINES];   /* the last log lines, for the error block */
    size_t n_tail, tail_at;
    pstatus_t *st;
    size_t n_st;
} pvertex_t;

struct bk_plain {
    int tflags;
    const bk_progress_t *model;  /* the one vertex model, folded by the caller */
    pvertex_t **v;
    size_t n, cap;
    pvertex_t *current;          /* the step whose lines were printed last */
    int next_index;
    bool printed;                /* anything yet: groups after the first get a blank line */
};

bk_plain_t *bk_plain_new(int tflags, const bk_progress_t *model)
{
    bk_plain_t *p = xcalloc(1, sizeof *p);
    p->tflags = tflags;
    p->model = model;
    return p;
}

static void vertex_free(pvertex_t *v)
{
    free(v->digest);
    sb_free(&v->partial);
    sb_free(&v->pending);
    for (size_t i = 0; i < BK_PLAIN_ERROR_LINES; i++)
        free(v->tail[i]);
    for (size_t i = 0; i < v->n_st; i++)
        free(v->st[i].id);
    free(v->st);
    free(v);
}

void bk_plain_free(bk_plain_t *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        vertex_free(p->v[i]);
    free(p->v);
    free(p);
}

static pvertex_t *vertex(bk_plain_t *p, const char *digest)
{
    for (size_t i = p->n; i-- > 0;)
        if (!strcmp(p->v[i]->digest, digest))
            return p->v[i];
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 32;
        p->v = xrealloc(p->v, p->cap * sizeof *p->v);
    }
    pvertex_t *v = xcalloc(1, sizeof *v);
    v->digest = xstrdup(digest);
    sb_init(&v->partial);
    sb_init(&v->pending);
    p->v[p->n++] = v;
    return v;
}

/* The model's vertex (NULL while the model has not seen it). */
static const bk_vertex_t *model_of(const bk_plain_t *p, const pvertex_t *v)
{
    return bk_progress_vertex(p->model, (size_t)bk_progress_find(p->model, v->digest));
}

/* Ended: done, cached, failed or canceled, as every display says. */
static bool ended(const bk_vertex_t *mv)
{
    bk_state_t st = mv ? bk_vertex_state(mv) : BK_PENDING;
    return st != BK_PENDING && st != BK_RUNNING;
}

static void fold_vertex(bk_plain_t *p, const Moby__Buildkit__V1__Vertex *m)
{
    vertex(p, m->digest)->touched = true;
}

static void add_pending(bk_plain_t *p, pvertex_t *v, const char *s, size_t n)
{
    textsafe(&v->pending, s, n, 0, p->tflags);
    sb_addc(&v->pending, '\n');
}

/* A status line: first seen, and once more when it completes. */
static void fold_status(bk_plain_t *p, const Moby__Buildkit__V1__VertexStatus *s)
{
    pvertex_t *v = vertex(p, s->vertex);
    pstatus_t *st = NULL;
    for (size_t i = 0; i < v->n_st && !st; i++)
        if (!strcmp(v->st[i].id, s->id))
            st = &v->st[i];
    bool completed = bk_time_from_ts(s->completed) != 0;
    if (st && (!completed || st->completed_printed))
        return;
    if (!st) {
        v->st = xrealloc(v->st, (v->n_st + 1) * sizeof *v->st);
        st = &v->st[v->n_st++];
        st->id = xstrdup(s->id);
        st->completed_printed = false;
    }
    st->completed_printed = completed;
    strbuf_t b;
    sb_init(&b);
    sb_adds(&b, s->id);
    if (s->total) {
        sb_addc(&b, ' ');
        bk_format_bytes(&b, s->current);
        sb_adds(&b, " / ");
        bk_format_bytes(&b, s->total);
    } else if (s->current) {
        sb_addc(&b, ' ');
        bk_format_bytes(&b, s->current);
    }
    bk_time_t start = bk_time_from_ts(s->started);
    bk_time_t end = completed ? bk_time_from_ts(s->completed) : bk_time_from_ts(s->timestamp);
    if (start && end - start > 10000000)
        sb_printf(&b, " %.1fs", (double)(end - start) / 1e9);
    if (completed)
        sb_adds(&b, " done");
    add_pending(p, v, b.data, b.len);
    sb_free(&b);
    v->touched = true;
}

/* One whole log line: "SECONDS TEXT", seconds since the step started with
 * progressui's precision (3 digits under 10 s, 2 under 100 s, else 1). */
static void log_line(bk_plain_t *p, pvertex_t *v, bk_time_t t, const char *s, size_t n)
{
    const bk_vertex_t *mv = model_of(p, v);
    bk_time_t started = mv && mv->n_iv ? mv->iv[0].start : 0;
    double sec = started && t > started ? (double)(t - started) / 1e9 : 0;
    int prec = sec < 10 ? 3 : sec < 100 ? 2 : 1;
    strbuf_t b;
    sb_init(&b);
    sb_printf(&b, "%.*f ", prec, sec);
    sb_add(&b, s, n);
    add_pending(p, v, b.data, b.len);
    free(v->tail[v->tail_at]);
    v->tail[v->tail_at] = strndup(b.data, b.len);
    v->tail_at = (v->tail_at + 1) % BK_PLAIN_ERROR_LINES;
    if (v->n_tail < BK_PLAIN_ERROR_LINES)
        v->n_tail++;
    sb_free(&b);
}

static void fold_log(bk_plain_t *p, const Moby__Buildkit__V1__VertexLog *l)
{
    pvertex_t *v = vertex(p, l->vertex);
    const char *s = (const char *)l->msg.data;
    size_t n = l->msg.len;
    bk_time_t t = bk_time_from_ts(l->timestamp);
    while (n > 0) {
        const char *nl = memchr(s, '\n', n);
        size_t len = nl ? (size_t)(nl - s) : n;
        sb_add(&v->partial, s, len);
        if (!nl)
            break;
        log_line(p, v, t, v->partial.data ? v->partial.data : "", v->partial.len);
        sb_reset(&v->partial);
        s += len + 1;
        n -= len + 1;
    }
    v->touched = true;
}

static void fold_warning(bk_plain_t *p, const Moby__Buildkit__V1__VertexWarning *w)
{
    pvertex_t *v = vertex(p, w->vertex);
    strbuf_t b;
    sb_init(&b);
    sb_adds(&b, "WARN: ");
    sb_add(&b, (const char *)w->short_.data, w->short_.len);
    add_pending(p, v, b.data, b.len);
    sb_free(&b);
    v->touched = true;
}

static void print_end(const bk_vertex_t *mv, int index, int tflags, strbuf_t *out)
{
    switch (bk_vertex_state(mv)) {
    case BK_CANCELED: sb_printf(out, "#%d CANCELED\n", index); break;
    case BK_ERROR:
        sb_printf(out, "#%d ERROR: ", index);
        textsafe(out, mv->error, strlen(mv->error), 0, tflags);
        sb_addc(out, '\n');
        break;
    case BK_CACHED: sb_printf(out, "#%d CACHED\n", index); break;
    default: sb_printf(out, "#%d DONE %.1fs\n", index, (double)bk_vertex_duration_ns(mv, mv->completed) / 1e9);
    }
}

static void end_now(bk_plain_t *p, pvertex_t *v, strbuf_t *out);

static void print_head(bk_plain_t *p, pvertex_t *v, const bk_vertex_t *mv, strbuf_t *out)
{
    if (p->current && p->current->end_due)
        end_now(p, p->current, out);
    if (p->current && !p->current->done)
        sb_printf(out, "#%d ...\n", p->current->index);
    if (!v->index)
        v->index = ++p->next_index;
    sb_printf(out, "%s#%d ", p->printed ? "\n" : "", v->index);
    p->printed = true;
    const char *name = mv && mv->name ? mv->name : v->digest;
    textsafe(out, name, strlen(name), 0, p->tflags);
    sb_addc(out, '\n');
    p->current = v;
}

/* Prints what v has to say, switching to it first (progressui prints the
 * step's header again when another step's lines came in between). */
static void print_vertex(bk_plain_t *p, pvertex_t *v, strbuf_t *out)
{
    v->touched = false;
    const bk_vertex_t *mv = model_of(p, v);
    bool ends = !v->done && !v->end_due && ended(mv);
    if (!mv || (!v->pending.len && !ends))
        return;
    if (p->current != v)
        print_head(p, v, mv, out);
    for (const char *s = v->pending.data, *end = s + v->pending.len; s && s < end;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        sb_printf(out, "#%d ", v->index);
        sb_add(out, s, (size_t)(nl - s) + 1);
        s = nl + 1;
    }
    sb_reset(&v->pending);
    v->end_due |= ends;
}

/* The end line of a step that ended, as the model says now. A step that
 * started again has not ended: its end comes later. */
static void end_now(bk_plain_t *p, pvertex_t *v, strbuf_t *out)
{
    const bk_vertex_t *mv = model_of(p, v);
    v->end_due = false;
    if (!ended(mv))
        return;
    if (p->current != v)
        print_head(p, v, mv, out);
    print_end(mv, v->index, p->tflags, out);
    v->done = true;
    p->current = NULL;
}

/* BuildKit v0.8 reports a step completed and, in the very next message,
 * again as cached: a step's end line waits until other lines are printed or
 * the next message came, so that plain says CACHED where the tty display
 * does (the model has folded the whole message by then). */
static void flush_ends(bk_plain_t *p, strbuf_t *out)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i]->end_due)
            end_now(p, p->v[i], out);
}

void bk_plain_feed(bk_plain_t *p, const Moby__Buildkit__V1__StatusResponse *m, strbuf_t *out)
{
    flush_ends(p, out);
    for (size_t i = 0; i < m->n_vertexes; i++)
        fold_vertex(p, m->vertexes[i]);
    for (size_t i = 0; i < m->n_statuses; i++)
        fold_status(p, m->statuses[i]);
    for (size_t i = 0; i < m->n_logs; i++)
        fold_log(p, m->logs[i]);
    for (size_t i = 0; i < m->n_warnings; i++)
        fold_warning(p, m->warnings[i]);
    /* The current step first (its lines continue), then the ending ones, then the rest. */
    if (p->current && p->current->touched)
        print_vertex(p, p->current, out);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < p->n; i++) {
            pvertex_t *v = p->v[i];
            bool ending = ended(model_of(p, v));
            if (v->touched && ending == (pass == 0))
                print_vertex(p, v, out);
        }
}

void bk_plain_finish(bk_plain_t *p, strbuf_t *out)
{
    flush_ends(p, out);
    for (size_t i = 0; i < p->n; i++) {
        pvertex_t *v = p->v[i];
        if (v->partial.len) {
            log_line(p, v, 0, v->partial.data, v->partial.len);
            sb_reset(&v->partial);
            v->touched = true;
            print_vertex(p, v, out);
        }
    }
    flush_ends(p, out);
    for (size_t i = 0; i < p->n; i++) {
        pvertex_t *v = p->v[i];
        const bk_vertex_t *mv = model_of(p, v);
        if (!mv || bk_vertex_state(mv) != BK_ERROR)
            continue;
        sb_adds(out, "------\n > ");
        const char *name = mv->name ? mv->name : v->digest;
        textsafe(out, name, strlen(name), 0, p->tflags);
        sb_adds(out, ":\n");
        for (size_t k = 0; k < v->n_tail; k++) {
            size_t at = (v->tail_at + BK_PLAIN_ERROR_LINES - v->n_tail + k) % BK_PLAIN_ERROR_LINES;
            textsafe(out, v->tail[at], strlen(v->tail[at]), 0, p->tflags);
            sb_addc(out, '\n');
        }
        sb_adds(out, "------\n");
    }
}
