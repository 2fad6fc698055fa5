/* The replay source; see replay.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sources/logreader.h"
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
    logreader_t *reader;
    const Proto__LogEntry *next;   /* peeked, valid until the next pull */
    uint64_t pos, total;
    marks_t iters, errors;         /* entry numbers of iteration starts, errors */
    bool ended, playing;
};

static void marks_add(marks_t *m, uint64_t at)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->at = realloc(m->at, m->cap * sizeof *m->at);
        if (!m->at)
            abort();
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

static void sink_error(void *ctx, const char *where, const char *msg, bool fatal)
{
    replay_t *r = ctx;
    if (r->cb.on_error)
        r->cb.on_error(r->cb.ctx, where, msg, fatal);
}

/* Pulls the next entry into r->next; marks the end. */
static void pull(replay_t *r)
{
    source_sink_t sink = {.ctx = r, .on_error = sink_error};
    const Proto__LogEntry *e = NULL;
    int rc = r->reader ? logreader_next(r->reader, &sink, &e) : 0;
    r->next = rc == 1 ? e : NULL;
    r->ended = rc != 1;
}

static void on_tick(pacer_t *p);

/* Reads the whole file once: its length, iteration starts and errors. */
static int scan(replay_t *r, char *err, size_t errlen)
{
    logreader_t *lr = logreader_open(r->path, &ropts, err, errlen);
    if (!lr)
        return -1;
    const Proto__LogEntry *e;
    uint64_t n = 0;
    while (logreader_next(lr, NULL, &e) == 1) {
        if (starts_iteration(e))
            marks_add(&r->iters, n);
        if (replay_entry_is_error(e))
            marks_add(&r->errors, n);
        n++;
    }
    logreader_close(lr);
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
        logreader_close(r->reader);
    r->reader = logreader_open(r->path, &ropts, err, sizeof err);
    r->pos = 0;
    pacer_rewind(&r->pacer);
    if (!r->reader && r->cb.on_error)
        r->cb.on_error(r->cb.ctx, r->path, err, true);
    if (r->cb.on_reset)
        r->cb.on_reset(r->cb.ctx);
    pull(r);
    return r->reader ? 0 : -1;
}

replay_t *replay_open(uv_loop_t *loop, const char *path, double speed,
                      const source_sink_t *cb, char *err, size_t errlen)
{
    replay_t *r = calloc(1, sizeof *r);
    if (!r)
        abort();
    r->loop = loop;
    r->cb = *cb;
    r->path = strdup(path);
    if (scan(r, err, errlen) || !(r->reader = logreader_open(path, &ropts, err, errlen))) {
        free(r->iters.at);
        free(r->errors.at);
        free(r->path);
        free(r);
        return NULL;
    }
    int rc = pacer_init(&r->pacer, loop, speed, false, on_tick, r);
    if (rc < 0) {
        snprintf(err, errlen, "%s: replay timer: %s", path, uv_strerror(rc));
        logreader_close(r->reader);
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
        logreader_close(r->reader);
    r->reader = NULL;
    pacer_close(&r->pacer, on_closed);
}

/* Delivers the peeked entry and peeks the next one. */
static void deliver(replay_t *r)
{
    if (!r->next)
        return;
    pacer_delivered(&r->pacer, pacer_ts_ns(r->next->timestamp));
    if (r->cb.on_entry)
        r->cb.on_entry(r->cb.ctx, r->next);
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
        for (int i = 0; i < PACER_MAX_BATCH && r->next; i++)
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
    if (!r->playing || !r->next)
        pacer_stop(&r->pacer);
    else if ((rc = pacer_arm(&r->pacer, pacer_ts_ns(r->next->timestamp))) < 0) {
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
    if (!r->next)
        return -1;
    deliver(r);
    changed(r);
    return 0;
}

void replay_seek(replay_t *r, uint64_t pos)
{
    if (pos < r->pos)
        rewind_reader(r);
    while (r->pos < pos && r->next)
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
bool replay_ended(const replay_t *r) { return !r->next; }

size_t replay_iteration(const replay_t *r)
{
    return r->pos ? (size_t)(mark_before(&r->iters, r->pos - 1) + 1) : 0;
}

size_t replay_iterations(const replay_t *r)
{
    return r->iters.n;
}

