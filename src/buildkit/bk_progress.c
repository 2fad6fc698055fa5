/* The fold of StatusResponse messages into one build's progress; see
 * bk_progress.h. Vertexes are found by digest through a small open-addressing
 * table, since every log chunk and status names its vertex. */
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "buildkit/bk_progress_int.h"

struct bk_progress {
    bk_progress_opts_t opts;
    bk_vertex_t *v;
    size_t n, cap;
    long *slots;               /* index+1 into v, 0 = empty */
    size_t n_slots;
    bk_warning_t *w;
    size_t n_w, cap_w;
    size_t log_bytes;          /* kept log bytes of all vertexes */
    uint64_t seq;
    bk_time_t last;            /* the newest time seen in any message */
};


static char *bytes_dup(ProtobufCBinaryData b)
{
    char *d = xrealloc(NULL, b.len + 1);
    if (b.len)
        memcpy(d, b.data, b.len);
    d[b.len] = '\0';
    return d;
}

bk_time_t bk_time_from_ts(const Google__Protobuf__Timestamp *t)
{
    /* A Go zero time (year 1) and an absent one both mean "not set"; times
     * past year 2255 are clamped so nanoseconds fit in 64 bits. */
    if (!t || t->seconds <= 0)
        return 0;
    int64_t s = t->seconds < BK_TIME_MAX_S ? t->seconds : BK_TIME_MAX_S;
    int32_t ns = t->nanos < 0 ? 0 : t->nanos > 999999999 ? 999999999 : t->nanos;
    return s * 1000000000LL + ns;
}

#define ts_ns bk_time_from_ts

static void note_time(bk_progress_t *p, bk_time_t t)
{
    if (t > p->last)
        p->last = t;
}

bk_progress_t *bk_progress_new(const bk_progress_opts_t *opts)
{
    bk_progress_t *p = xrealloc(NULL, sizeof *p);
    memset(p, 0, sizeof *p);
    if (opts)
        p->opts = *opts;
    if (!p->opts.tail_lines)
        p->opts.tail_lines = BK_TAIL_DEFAULT;
    if (!p->opts.log_max)
        p->opts.log_max = BK_LOG_MAX_DEFAULT;
    if (!p->opts.logs_total_max)
        p->opts.logs_total_max = BK_LOGS_TOTAL_DEFAULT;
    return p;
}

static void vertex_clear_fields(bk_vertex_t *v)
{
    free(v->name);
    free(v->error);
    free(v->group_id);
    free(v->group_name);
    for (size_t i = 0; i < v->n_inputs; i++)
        free(v->inputs[i]);
    free(v->inputs);
    v->name = v->error = v->group_id = v->group_name = NULL;
    v->inputs = NULL;
    v->n_inputs = 0;
}

static void vertex_free(bk_vertex_t *v)
{
    vertex_clear_fields(v);
    free(v->digest);
    free(v->iv);
    for (size_t i = 0; i < v->n_statuses; i++) {
        free(v->statuses[i].id);
        free(v->statuses[i].name);
    }
    free(v->statuses);
    bk_log_free(&v->log);
}

static void warning_free(bk_warning_t *w)
{
    free(w->vertex);
    free(w->short_);
    for (size_t i = 0; i < w->n_detail; i++)
        free(w->detail[i]);
    free(w->detail);
    free(w->url);
}

void bk_progress_reset(bk_progress_t *p)
{
    for (size_t i = 0; i < p->n; i++)
        vertex_free(&p->v[i]);
    for (size_t i = 0; i < p->n_w; i++)
        warning_free(&p->w[i]);
    free(p->v);
    free(p->slots);
    free(p->w);
    bk_progress_opts_t o = p->opts;
    memset(p, 0, sizeof *p);
    p->opts = o;
}

void bk_progress_free(bk_progress_t *p)
{
    if (!p)
        return;
    bk_progress_reset(p);
    free(p);
}

/* ---- the digest table ---------------------------------------------------- */

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603ULL;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return h;
}

static void slots_put(bk_progress_t *p, size_t idx)
{
    size_t m = p->n_slots - 1, i = hash(p->v[idx].digest) & m;
    while (p->slots[i])
        i = (i + 1) & m;
    p->slots[i] = (long)idx + 1;
}

static void slots_grow(bk_progress_t *p)
{
    free(p->slots);
    p->n_slots = p->n_slots ? p->n_slots * 2 : 64;
    p->slots = xrealloc(NULL, p->n_slots * sizeof *p->slots);
    memset(p->slots, 0, p->n_slots * sizeof *p->slots);
    for (size_t i = 0; i < p->n; i++)
        slots_put(p, i);
}

long bk_progress_find(const bk_progress_t *p, const char *digest)
{
    if (!p->n_slots || !digest)
        return -1;
    size_t m = p->n_slots - 1, i = hash(digest) & m;
    for (; p->slots[i]; i = (i + 1) & m)
        if (!strcmp(p->v[p->slots[i] - 1].digest, digest))
            return p->slots[i] - 1;
    return -1;
}

static bk_vertex_t *vertex_get(bk_progress_t *p, const char *digest)
{
    long i = bk_progress_find(p, digest);
    if (i >= 0)
        return &p->v[i];
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 32;
        p->v = xrealloc(p->v, p->cap * sizeof *p->v);
    }
    bk_vertex_t *v = &p->v[p->n++];
    memset(v, 0, sizeof *v);
    v->digest = xstrdup(digest);
    bk_log_init(&v->log);
    if (2 * p->n > p->n_slots)
        slots_grow(p);
    else
        slots_put(p, p->n - 1);
    return v;
}

/* ---- folding ------------------------------------------------------------- */

/* progressui keys intervals by their start: a known start gets its stop
 * updated, a new one is a restart. */
static void interval_note(bk_vertex_t *v, bk_time_t start, bk_time_t stop)
{
    for (size_t i = 0; i < v->n_iv; i++)
        if (v->iv[i].start == start) {
            v->iv[i].stop = stop;
            return;
        }
    v->iv = xrealloc(v->iv, (v->n_iv + 1) * sizeof *v->iv);
    v->iv[v->n_iv++] = (bk_interval_t){start, stop};
}

/* Completed means done, whatever was reported before (buildx's semantics).
 * BuildKit v0.8 merges status updates: a step reported started may come
 * again as cached and completed with another start, which would leave the
 * first interval open for ever (a cached step "running" 10 s, a final frame
 * without FINISHED). Open intervals close at the completion, or for a cached
 * step at their own start: it did no work. */
static void intervals_close(bk_vertex_t *v)
{
    for (size_t i = 0; i < v->n_iv; i++) {
        bk_interval_t *iv = &v->iv[i];
        if (!iv->stop)
            iv->stop = v->cached || v->completed < iv->start ? iv->start : v->completed;
    }
}

static void fold_vertex(bk_progress_t *p, const Moby__Buildkit__V1__Vertex *m)
{
    bk_vertex_t *v = vertex_get(p, m->digest ? m->digest : "");
    bk_time_t started = ts_ns(m->started);
    /* A repeated initial vertex (no start) must not reset a started one. */
    if (v->started && !started)
        return;
    vertex_clear_fields(v);
    v->name = xstrdup(m->name);
    v->error = xstrdup_or_null(m->error);
    v->cached = m->cached;
    v->started = started;
    v->completed = ts_ns(m->completed);
    v->n_inputs = m->n_inputs;
    v->inputs = xrealloc(NULL, m->n_inputs * sizeof *v->inputs);
    for (size_t i = 0; i < m->n_inputs; i++)
        v->inputs[i] = xstrdup(m->inputs[i]);
    if (m->progressgroup && m->progressgroup->id && *m->progressgroup->id) {
        v->group_id = xstrdup(m->progressgroup->id);
        v->group_name = xstrdup(m->progressgroup->name);
        v->group_weak = m->progressgroup->weak;
    }
    if (started)
        interval_note(v, started, v->completed);
    if (v->completed)
        intervals_close(v);
    note_time(p, started);
    note_time(p, v->completed);
}

static void fold_status(bk_progress_t *p, const Moby__Buildkit__V1__VertexStatus *m)
{
    long vi = bk_progress_find(p, m->vertex);
    if (vi < 0)
        return; /* progressui ignores statuses of unknown vertexes too */
    bk_vertex_t *v = &p->v[vi];
    bk_status_t *s = NULL;
    for (size_t i = 0; i < v->n_statuses && !s; i++)
        if (!strcmp(v->statuses[i].id, m->id ? m->id : ""))
            s = &v->statuses[i];
    if (!s) {
        v->statuses = xrealloc(v->statuses, (v->n_statuses + 1) * sizeof *v->statuses);
        s = &v->statuses[v->n_statuses++];
        memset(s, 0, sizeof *s);
        s->id = xstrdup(m->id);
    }
    free(s->name);
    s->name = xstrdup_or_null(m->name);
    s->current = m->current;
    s->total = m->total;
    s->timestamp = ts_ns(m->timestamp);
    s->started = ts_ns(m->started);
    s->completed = ts_ns(m->completed);
    note_time(p, s->timestamp);
    note_time(p, s->completed);
}

/* Over the total budget, successful vertexes give up their whole logs (they
 * keep a tail), oldest first. */
static void logs_trim(bk_progress_t *p)
{
    for (size_t i = 0; i < p->n && p->log_bytes > p->opts.logs_total_max; i++) {
        bk_vertex_t *v = &p->v[i];
        bk_state_t st = bk_vertex_state(v);
        if (st != BK_DONE && st != BK_CACHED)
            continue;
        p->log_bytes -= bk_log_cut(&v->log, p->opts.tail_lines);
        v->log.whole_dropped = true;
    }
}

static void fold_log(bk_progress_t *p, const Moby__Buildkit__V1__VertexLog *m)
{
    long vi = bk_progress_find(p, m->vertex);
    if (vi < 0)
        return;
    bk_log_t *l = &p->v[vi].log;
    size_t before = l->bytes;
    note_time(p, ts_ns(m->timestamp));
    bk_log_write(l, m->msg.data, m->msg.len, p->opts.log_max);
    p->log_bytes = p->log_bytes - before + l->bytes;
    if (p->log_bytes > p->opts.logs_total_max)
        logs_trim(p);
}

static void fold_warning(bk_progress_t *p, const Moby__Buildkit__V1__VertexWarning *m)
{
    if (p->n_w == p->cap_w) {
        p->cap_w = p->cap_w ? p->cap_w * 2 : 8;
        p->w = xrealloc(p->w, p->cap_w * sizeof *p->w);
    }
    bk_warning_t *w = &p->w[p->n_w++];
    w->vertex = xstrdup(m->vertex);
    w->level = m->level;
    w->short_ = bytes_dup(m->short_);
    w->n_detail = m->n_detail;
    w->detail = xrealloc(NULL, m->n_detail * sizeof *w->detail);
    for (size_t i = 0; i < m->n_detail; i++)
        w->detail[i] = bytes_dup(m->detail[i]);
    w->url = xstrdup_or_null(m->url);
    long vi = bk_progress_find(p, m->vertex);
    if (vi >= 0)
        p->v[vi].warnings++;
}

void bk_progress_fold(bk_progress_t *p, const Moby__Buildkit__V1__StatusResponse *msg)
{
    for (size_t i = 0; i < msg->n_vertexes; i++)
        fold_vertex(p, msg->vertexes[i]);
    for (size_t i = 0; i < msg->n_statuses; i++)
        fold_status(p, msg->statuses[i]);
    for (size_t i = 0; i < msg->n_logs; i++)
        fold_log(p, msg->logs[i]);
    for (size_t i = 0; i < msg->n_warnings; i++)
        fold_warning(p, msg->warnings[i]);
    p->seq++;
}

/* ---- queries ------------------------------------------------------------- */

uint64_t bk_progress_seq(const bk_progress_t *p) { return p->seq; }
bk_time_t bk_progress_last_time(const bk_progress_t *p) { return p->last; }
size_t bk_progress_count(const bk_progress_t *p) { return p->n; }
const bk_vertex_t *bk_progress_vertex(const bk_progress_t *p, size_t i) { return i < p->n ? &p->v[i] : NULL; }
size_t bk_progress_warning_count(const bk_progress_t *p) { return p->n_w; }
const bk_warning_t *bk_progress_warning(const bk_progress_t *p, size_t i) { return i < p->n_w ? &p->w[i] : NULL; }
unsigned bk_progress_tail_lines(const bk_progress_t *p) { return p->opts.tail_lines; }

static bool vertex_running(const bk_vertex_t *v)
{
    for (size_t i = 0; i < v->n_iv; i++)
        if (!v->iv[i].stop)
            return true;
    return false;
}

bk_state_t bk_vertex_state(const bk_vertex_t *v)
{
    if (v->error) {
        size_t n = strlen(v->error), k = strlen("context canceled");
        return n >= k && !strcmp(v->error + n - k, "context canceled") ? BK_CANCELED : BK_ERROR;
    }
    if (v->cached)
        return BK_CACHED;
    if (vertex_running(v))
        return BK_RUNNING;
    return v->completed ? BK_DONE : BK_PENDING;
}

const char *bk_state_name(bk_state_t s)
{
    static const char *const names[] = {"PENDING", "RUNNING", "DONE", "CACHED", "ERROR", "CANCELED"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static int cmp_iv(const void *a, const void *b)
{
    const bk_interval_t *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* The length of the union of intervals (stop 0 = now). */
static int64_t merged_ns(bk_interval_t *iv, size_t n, bk_time_t now)
{
    qsort(iv, n, sizeof *iv, cmp_iv);
    int64_t sum = 0;
    bk_time_t cs = 0, ce = 0;
    for (size_t i = 0; i < n; i++) {
        bk_time_t s = iv[i].start, e = iv[i].stop ? iv[i].stop : now;
        if (e < s)
            e = s;
        if (i == 0 || s > ce) {
            sum += ce - cs;
            cs = s;
            ce = e;
        } else if (e > ce) {
            ce = e;
        }
    }
    return n ? sum + (ce - cs) : 0;
}

int64_t bk_vertex_duration_ns(const bk_vertex_t *v, bk_time_t now)
{
    if (!v->n_iv)
        return 0;
    bk_interval_t stack[8], *iv = v->n_iv <= 8 ? stack : xrealloc(NULL, v->n_iv * sizeof *iv);
    memcpy(iv, v->iv, v->n_iv * sizeof *iv);
    int64_t d = merged_ns(iv, v->n_iv, now);
    if (iv != stack)
        free(iv);
    return d;
}

int64_t bk_progress_line_duration_ns(const bk_progress_t *p, const bk_vertex_t *v, bk_time_t now)
{
    if (!v->group_id)
        return bk_vertex_duration_ns(v, now);
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].group_id && !strcmp(p->v[i].group_id, v->group_id))
            n += p->v[i].n_iv;
    bk_interval_t *iv = xrealloc(NULL, n * sizeof *iv);
    n = 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].group_id && !strcmp(p->v[i].group_id, v->group_id)) {
            memcpy(iv + n, p->v[i].iv, p->v[i].n_iv * sizeof *iv);
            n += p->v[i].n_iv;
        }
    int64_t d = merged_ns(iv, n, now);
    free(iv);
    return d;
}

int64_t bk_status_duration_ns(const bk_status_t *s, bk_time_t now)
{
    if (!s->started)
        return 0;
    bk_time_t end = s->completed ? s->completed : now;
    return end > s->started ? end - s->started : 0;
}

/* A group counts once, when one of its members is not weak. */
static bool group_seen_before(const bk_progress_t *p, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (p->v[k].group_id && !strcmp(p->v[k].group_id, p->v[i].group_id))
            return true;
    return false;
}

static void group_counts(const bk_progress_t *p, size_t i, unsigned *completed, unsigned *total)
{
    bool visible = false, all_done = true;
    for (size_t k = i; k < p->n; k++) {
        const bk_vertex_t *v = &p->v[k];
        if (!v->group_id || strcmp(v->group_id, p->v[i].group_id))
            continue;
        visible |= !v->group_weak;
        all_done &= v->completed != 0 && !vertex_running(v);
    }
    if (!visible)
        return;
    (*total)++;
    *completed += all_done;
}

void bk_progress_counts(const bk_progress_t *p, unsigned *completed, unsigned *total)
{
    *completed = *total = 0;
    for (size_t i = 0; i < p->n; i++) {
        const bk_vertex_t *v = &p->v[i];
        if (v->group_id) {
            if (!group_seen_before(p, i))
                group_counts(p, i, completed, total);
            continue;
        }
        (*total)++;
        if (v->n_iv && !vertex_running(v))
            (*completed)++;
    }
}

bool bk_progress_done(const bk_progress_t *p)
{
    bool any = false;
    for (size_t i = 0; i < p->n; i++) {
        if (vertex_running(&p->v[i]))
            return false;
        any |= p->v[i].n_iv > 0;
    }
    return any;
}

int64_t bk_progress_elapsed_ns(const bk_progress_t *p, bk_time_t now)
{
    bk_time_t first = 0, last = 0;
    for (size_t i = 0; i < p->n; i++)
        for (size_t k = 0; k < p->v[i].n_iv; k++) {
            const bk_interval_t *iv = &p->v[i].iv[k];
            if (!first || iv->start < first)
                first = iv->start;
            if (iv->stop > last)
                last = iv->stop;
        }
    if (!first)
        return 0;
    bk_time_t end = bk_progress_done(p) ? last : now;
    return end > first ? end - first : 0;
}

const bk_vertex_t *bk_progress_canceled(const bk_progress_t *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (bk_vertex_state(&p->v[i]) == BK_CANCELED)
            return &p->v[i];
    return NULL;
}

const bk_vertex_t *bk_progress_failed(const bk_progress_t *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (bk_vertex_state(&p->v[i]) == BK_ERROR)
            return &p->v[i];
    return NULL;
}
