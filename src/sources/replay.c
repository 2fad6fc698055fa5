/* The replay source; see replay.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "sources/logset.h"
#include "sources/pacer.h"
#include "sources/replay.h"
#include "skaffold/model.h"
#include "core/status.h"


static const logreader_opts_t ropts = {.strict = false};

typedef struct marks {
    uint64_t *at;
    size_t n, cap;
} marks_t;

struct replay {
    uv_loop_t *loop;
    pacer_t pacer;                 /* the timer, the speed, paused */
    source_sink_t cb;
    char *path;
    logset_t *reader;              /* the file, and its F.v2 beside a v1 log */
    log_item_t next;               /* peeked, valid until the next pull */
    bool has_next;
    uint64_t pos, total;
    marks_t iters, errors;         /* entry numbers of iteration starts, errors */
    bool ended, playing;
};

static void marks_add(marks_t *m, uint64_t at)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->at = xrealloc(m->at, m->cap * sizeof *m->at);
    }
    m->at[m->n++] = at;
}

/* The Errors pane's rule (model_entry_error). */
bool replay_entry_is_error(const Proto__LogEntry *e)
{
    return model_entry_error(e, NULL);
}

static bool starts_iteration(const Proto__LogEntry *e)
{
    const Proto__Event *ev = e->event;
    return ev && ev->event_type_case == PROTO__EVENT__EVENT_TYPE_DEV_LOOP_EVENT &&
           status_kind(ev->devloopevent->status) == STATUS_IN_PROGRESS;
}

/* A v2 DevLoop task starting: where an iteration starts when the file has
 * no v1 entries. */
static bool v2_starts_iteration(const Proto__V2__Event *ev)
{
    return ev->event_type_case == PROTO__V2__EVENT__EVENT_TYPE_TASK_EVENT &&
           status_kind(ev->taskevent->status) == STATUS_IN_PROGRESS && ev->taskevent->task &&
           !strcmp(ev->taskevent->task, "DevLoop");
}

/* The Errors pane's rule for v2 events (model_v2_error). */
bool replay_v2_is_error(const Proto__V2__Event *ev)
{
    return model_v2_error(ev);
}

static int64_t item_ns(const log_item_t *it)
{
    return pacer_ts_ns(it->entry ? it->entry->timestamp : it->v2->timestamp);
}

static void sink_error(void *ctx, const char *where, const char *msg, bool fatal)
{
    replay_t *r = ctx;
    if (r->cb.on_error)
        r->cb.on_error(r->cb.ctx, where, msg, fatal);
}

/* Pulls the next item into r->next; marks the end. */
static void pull(replay_t *r)
{
    source_sink_t sink = {.ctx = r, .on_error = sink_error};
    int rc = r->reader ? logset_next(r->reader, &sink, &r->next) : 0;
    r->has_next = rc == 1;
    r->ended = rc != 1;
}

static void on_tick(pacer_t *p);

/* F with its F.v2: an iteration starts with v1's DevLoopEvent and v2's
 * DevLoop task, which may come in either order; seeking to it must deliver
 * both (once a session has tasks, the timeline moves with the task). When
 * both count the same iterations, each starts at the later of the two; when
 * they differ (a file cut short), the tasks' marks win, as the timeline's. */
static void merge_iteration_marks(marks_t *v1, const marks_t *v2)
{
    if (v2->n == 0)
        return;
    if (v1->n != v2->n) {
        v1->n = 0;
        for (size_t i = 0; i < v2->n; i++)
            marks_add(v1, v2->at[i]);
        return;
    }
    for (size_t i = 0; i < v1->n; i++)
        if (v2->at[i] > v1->at[i])
            v1->at[i] = v2->at[i];
}

/* Reads the whole file once: its length, iteration starts and errors. The
 * v1 entries mark them; a file without v1 entries (F.v2 alone, a v2 capture)
 * has them from its tasks. */
static int scan(replay_t *r, char *err, size_t errlen)
{
    logset_t *ls = logset_open(r->path, &ropts, true, err, errlen);
    if (!ls)
        return -1;
    marks_t v2iters = {0}, v2errors = {0};
    log_item_t it;
    uint64_t n = 0, v1 = 0;
    while (logset_next(ls, NULL, &it) == 1) {
        if (it.entry) {
            v1++;
            if (starts_iteration(it.entry))
                marks_add(&r->iters, n);
            if (replay_entry_is_error(it.entry))
                marks_add(&r->errors, n);
        } else {
            if (v2_starts_iteration(it.v2))
                marks_add(&v2iters, n);
            if (replay_v2_is_error(it.v2))
                marks_add(&v2errors, n);
        }
        n++;
    }
    logset_close(ls);
    if (v1 == 0) {
        free(r->iters.at);
        free(r->errors.at);
        r->iters = v2iters;
        r->errors = v2errors;
    } else {
        merge_iteration_marks(&r->iters, &v2iters);
        free(v2iters.at);
        free(v2errors.at);
    }
    if (r->iters.n == 0 && n > 0)
        marks_add(&r->iters, 0); /* no DevLoopEvent (old Skaffold): one iteration */
    r->total = n;
    return 0;
}

/* Back to the start: a fresh reader, the consumer forgets everything. */
static int rewind_reader(replay_t *r)
{
    char err[256];
    if (r->reader)
        logset_close(r->reader);
    r->reader = logset_open(r->path, &ropts, true, err, sizeof err);
    r->pos = 0;
    pacer_rewind(&r->pacer);
    if (!r->reader && r->cb.on_error)
        r->cb.on_error(r->cb.ctx, r->path, err, true);
    if (r->cb.on_reset)
        r->cb.on_reset(r->cb.ctx);
    if (r->cb.on_v2_reset) {
        r->cb.on_v2_reset(r->cb.ctx, V2_EVENTS);
        r->cb.on_v2_reset(r->cb.ctx, V2_APPLOGS);
    }
    pull(r);
    return r->reader ? 0 : -1;
}

replay_t *replay_open(uv_loop_t *loop, const char *path, double speed,
                      const source_sink_t *cb, char *err, size_t errlen)
{
    replay_t *r = xcalloc(1, sizeof *r);
    r->loop = loop;
    r->cb = *cb;
    r->path = xstrdup(path);
    if (scan(r, err, errlen) || !(r->reader = logset_open(path, &ropts, true, err, errlen))) {
        free(r->iters.at);
        free(r->errors.at);
        free(r->path);
        free(r);
        return NULL;
    }
    int rc = pacer_init(&r->pacer, loop, speed, false, on_tick, r);
    if (rc < 0) {
        snprintf(err, errlen, "%s: replay timer: %s", path, uv_strerror(rc));
        logset_close(r->reader);
        free(r->iters.at);
        free(r->errors.at);
        free(r->path);
        free(r);
        return NULL;
    }
    pull(r);
    return r;
}

static void on_closed(uv_handle_t *h)
{
    replay_t *r = h->data;
    free(r->iters.at);
    free(r->errors.at);
    free(r->path);
    free(r);
}

void replay_close(replay_t *r)
{
    if (r->reader)
        logset_close(r->reader);
    r->reader = NULL;
    pacer_close(&r->pacer, on_closed);
}

/* Delivers the peeked item and peeks the next one. */
static void deliver(replay_t *r)
{
    if (!r->has_next)
        return;
    pacer_delivered(&r->pacer, item_ns(&r->next));
    if (r->next.entry && r->cb.on_entry)
        r->cb.on_entry(r->cb.ctx, r->next.entry);
    else if (r->next.v2 && r->cb.on_v2)
        r->cb.on_v2(r->cb.ctx, r->next.v2, r->next.stream);
    r->pos++;
    pull(r);
}

static void changed(replay_t *r)
{
    if (r->cb.on_change)
        r->cb.on_change(r->cb.ctx);
}

static void schedule(replay_t *r);

static void on_tick(pacer_t *p)
{
    replay_t *r = pacer_data(p);
    if (pacer_at_max(p)) {
        for (int i = 0; i < PACER_MAX_BATCH && r->has_next; i++)
            deliver(r);
    } else {
        deliver(r);
    }
    changed(r);
    schedule(r);
}

/* Arms the timer for the next entry, scaled by the speed. */
static void schedule(replay_t *r)
{
    int rc;
    if (!r->playing || !r->has_next)
        pacer_stop(&r->pacer);
    else if ((rc = pacer_arm(&r->pacer, item_ns(&r->next))) < 0) {
        r->playing = false;
        if (r->cb.on_error)
            r->cb.on_error(r->cb.ctx, "replay timer", uv_strerror(rc), false);
    }
}

void replay_start(replay_t *r)
{
    r->playing = true;
    schedule(r);
}

void replay_set_paused(replay_t *r, bool paused)
{
    pacer_set_paused(&r->pacer, paused);
    schedule(r);
    changed(r);
}

bool replay_paused(const replay_t *r)
{
    return pacer_paused(&r->pacer);
}

double replay_speed(const replay_t *r)
{
    return pacer_speed(&r->pacer);
}

void replay_faster(replay_t *r)
{
    pacer_faster(&r->pacer);
    schedule(r);
    changed(r);
}

void replay_slower(replay_t *r)
{
    pacer_slower(&r->pacer);
    schedule(r);
    changed(r);
}

int replay_step(replay_t *r)
{
    pacer_set_paused(&r->pacer, true);
    if (!r->has_next)
        return -1;
    deliver(r);
    changed(r);
    return 0;
}

void replay_seek(replay_t *r, uint64_t pos)
{
    if (pos < r->pos)
        rewind_reader(r);
    while (r->pos < pos && r->has_next)
        deliver(r);
    schedule(r);
    changed(r);
}

void replay_seek_end(replay_t *r)
{
    replay_seek(r, UINT64_MAX);
}

/* The index in m of the last mark at or before pos, or -1. */
static long mark_before(const marks_t *m, uint64_t pos)
{
    long k = -1;
    for (size_t i = 0; i < m->n && m->at[i] <= pos; i++)
        k = (long)i;
    return k;
}

/* Seeking to an iteration start delivers the DevLoopEvent that opens it, so
 * the viewer already shows the new iteration as in progress. */
int replay_next_iteration(replay_t *r)
{
    for (size_t i = 0; i < r->iters.n; i++) {
        if (r->iters.at[i] >= r->pos) {
            replay_seek(r, r->iters.at[i] + 1);
            return 0;
        }
    }
    return -1;
}

int replay_prev_iteration(replay_t *r)
{
    /* The iteration we are in started at mark k (delivered when pos > at). */
    long k = r->pos ? mark_before(&r->iters, r->pos - 1) : -1;
    if (k <= 0)
        return -1;
    replay_seek(r, r->iters.at[k - 1] + 1);
    return 0;
}

int replay_next_error(replay_t *r)
{
    for (size_t i = 0; i < r->errors.n; i++) {
        if (r->errors.at[i] >= r->pos) {
            replay_seek(r, r->errors.at[i] + 1);
            pacer_set_paused(&r->pacer, true);
            return 0;
        }
    }
    return -1;
}

uint64_t replay_pos(const replay_t *r) { return r->pos; }
uint64_t replay_total(const replay_t *r) { return r->total; }
bool replay_ended(const replay_t *r) { return !r->has_next; }

size_t replay_iteration(const replay_t *r)
{
    return r->pos ? (size_t)(mark_before(&r->iters, r->pos - 1) + 1) : 0;
}

size_t replay_iterations(const replay_t *r)
{
    return r->iters.n;
}

