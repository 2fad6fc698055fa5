/* The dev-loop timeline. Skaffold v1 brackets each iteration with
 * DevLoopEvents; Skaffold v0.x sends none, so phase events that find no open
 * iteration open an implicit one, and an implicit iteration gives way to the
 * next when a phase starts over (a build after the deploy, a second deploy). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "skaffold/model_int.h"
#include "skaffold/timeline_int.h"

void tl_init(tl_t *tl, size_t cap)
{
    memset(tl, 0, sizeof *tl);
    tl->cap = cap;
}

/* The i-th iteration, oldest first. Once the cap is reached the array is
 * a ring whose oldest is at head: dropping the oldest was a memmove of the
 * whole array at every dev loop (8 KB each of a million-entry log's 58,000). */
static tl_iter_t *tl_iter(const tl_t *tl, size_t i)
{
    size_t at = tl->head + i; /* below 2 * cap: no division (several a fold) */
    return tl->iters[at >= tl->n ? at - tl->n : at];
}

static void tl_builds_free(tl_iter_t *ti)
{
    for (size_t i = 0; i < ti->it.n_builds; i++) {
        free(ti->it.builds[i].artifact);
        free(ti->it.builds[i].platforms);
    }
    ti->it.n_builds = 0;
}

static void tl_iter_free(tl_iter_t *ti)
{
    tl_builds_free(ti);
    free(ti->it.builds);
    keyidx_free(&ti->builds_ix);
    free(ti);
}

/* The oldest iteration emptied for the newest, keeping its builds array
 * and index: freeing them, long cold, cost more than the fold of its
 * entries (5% of skview state in cache misses). */
static tl_iter_t *tl_iter_reuse(tl_iter_t *ti)
{
    tl_builds_free(ti);
    keyidx_clear(&ti->builds_ix);
    artifact_span_t *builds = ti->it.builds;
    size_t alloc = ti->builds_alloc;
    keyidx_t ix = ti->builds_ix;
    memset(ti, 0, sizeof *ti);
    ti->it.builds = builds;
    ti->builds_alloc = alloc;
    ti->builds_ix = ix;
    return ti;
}

void tl_free(tl_t *tl)
{
    for (size_t i = 0; i < tl->n; i++)
        tl_iter_free(tl->iters[i]);
    free(tl->iters);
    tl_init(tl, tl->cap);
}

static void tl_close(tl_iter_t *ti, int64_t t);

void tl_set_session(tl_t *tl, uint32_t session, int64_t t)
{
    if (tl->n)
        tl_close(tl_iter(tl, tl->n - 1), t);
    tl->session = session;
}

static tl_iter_t *tl_cur(const tl_t *tl)
{
    return tl->n ? tl_iter(tl, tl->n - 1) : NULL;
}

int32_t tl_current_number(const tl_t *tl)
{
    const tl_iter_t *cur = tl_cur(tl);
    return cur ? cur->it.number : 0;
}

const iteration_t *tl_at(const tl_t *tl, size_t i)
{
    return i < tl->n ? &tl_iter(tl, i)->it : NULL;
}

/* Appends a new open iteration, dropping the oldest beyond the cap. */
static tl_iter_t *tl_open(tl_t *tl, int32_t number, bool implicit, int64_t t)
{
    bool full = tl->n == tl->cap;
    tl_iter_t *ti = full ? tl_iter_reuse(tl->iters[tl->head]) : xcalloc(1, sizeof *ti);

    ti->it.number = number;
    ti->it.implicit = implicit;
    ti->it.session = tl->session;
    ti->it.span.start_ns = t;
    ti->it.span.status = STATUS_IN_PROGRESS;
    ti->open = true;
    if (full) { /* the newest in the oldest's place */
        tl->head = (tl->head + 1) % tl->cap;
        return ti;
    }
    tl->iters = model_grow(tl->iters, &tl->alloc, tl->n + 1, sizeof *tl->iters, tl->cap);
    tl->iters[tl->n++] = ti;
    return ti;
}

/* An iteration that never saw its end (a lost DevLoopEvent, or an implicit one
 * superseded) ends where the next begins; its status stays the last seen. */
static void tl_close(tl_iter_t *ti, int64_t t)
{
    if (ti == NULL || !ti->open)
        return;
    ti->open = false;
    if (ti->it.span.end_ns == 0)
        ti->it.span.end_ns = t;
}

static void span_update(span_t *s, status_kind_t k, int64_t t)
{
    /* "Information" is a notice beside the step, not a step status. */
    if (k == STATUS_NONE || k == STATUS_INFO)
        return;
    if (k == STATUS_IN_PROGRESS || k == STATUS_STARTED) {
        if (s->start_ns == 0 || s->end_ns != 0) {
            s->start_ns = t;
            s->end_ns = 0;
        }
    } else if (status_is_final(k)) {
        s->end_ns = t;
    }
    s->status = k;
}

static bool span_started(const span_t *s)
{
    return s->status != STATUS_NONE && s->status != STATUS_NOT_STARTED;
}

/* An iteration's few artifacts are compared directly (cheaper than hashing,
 * and no index to allocate and free with each of its 58,000 iterations);
 * the index exists only beyond that. */
#define TL_SCAN_MAX 8

static long tl_build_pos(const tl_iter_t *ti, const char *artifact)
{
    const iteration_t *it = &ti->it;
    if (it->n_builds <= TL_SCAN_MAX) {
        for (size_t i = 0; i < it->n_builds; i++)
            if (strcmp(it->builds[i].artifact, artifact) == 0)
                return (long)i;
        return -1;
    }
    keyidx_str_key_t k = {it->builds, sizeof *it->builds, offsetof(artifact_span_t, artifact), artifact};
    return keyidx_find(&ti->builds_ix, keyidx_hash_str(artifact), keyidx_str_eq, &k);
}

/* The artifact's span in ti (an index: 40,000 artifacts once made the fold
 * quadratic), made when create. */
static artifact_span_t *tl_build_span(tl_iter_t *ti, const char *artifact, bool create)
{
    iteration_t *it = &ti->it;
    long pos = tl_build_pos(ti, artifact);
    if (pos >= 0)
        return &it->builds[pos];
    if (!create)
        return NULL;
    it->builds = model_grow(it->builds, &ti->builds_alloc, it->n_builds + 1,
                            sizeof *it->builds, 0);
    artifact_span_t *b = &it->builds[it->n_builds++];
    memset(b, 0, sizeof *b);
    b->artifact = xstrdup(artifact);
    if (it->n_builds == TL_SCAN_MAX + 1) /* the first past the scan: index them all */
        for (size_t i = 0; i < it->n_builds; i++)
            keyidx_add(&ti->builds_ix, keyidx_hash_str(it->builds[i].artifact), i);
    else if (it->n_builds > TL_SCAN_MAX + 1)
        keyidx_add(&ti->builds_ix, keyidx_hash_str(artifact), it->n_builds - 1);
    return b;
}

/* True when a phase starting now in implicit iteration ti means the dev loop
 * went round again: the step already ran, or a later step already started. */
static bool tl_new_cycle(tl_iter_t *ti, phase_t p, const char *artifact, status_kind_t k)
{
    const iteration_t *it = &ti->it;
    bool after_build = span_started(&it->test) || span_started(&it->deploy) ||
                       span_started(&it->sync) || span_started(&it->statuscheck);
    const artifact_span_t *b;

    if (k != STATUS_IN_PROGRESS && k != STATUS_STARTED)
        return false;
    switch (p) {
    case PHASE_BUILD:
        b = tl_build_span(ti, artifact, false);
        return after_build || (b && status_is_final(b->span.status));
    case PHASE_TEST:
        return span_started(&it->test);
    case PHASE_DEPLOY:
        return span_started(&it->deploy);
    case PHASE_STATUSCHECK:
        return span_started(&it->statuscheck);
    case PHASE_SYNC:
        return after_build || it->n_builds > 0;
    default:
        return false;
    }
}

/* The iteration a phase event belongs to, opening an implicit one if none is
 * open or the open implicit one went round. */
static tl_iter_t *tl_for_phase(tl_t *tl, phase_t p, const char *artifact,
                               status_kind_t k, int64_t t)
{
    tl_iter_t *cur = tl_cur(tl);

    if (cur && cur->open && !(cur->it.implicit && tl_new_cycle(cur, p, artifact, k)))
        return cur;
    tl_close(cur, t);
    return tl_open(tl, cur ? cur->it.number + 1 : 0, true, t);
}

/* An implicit iteration has no DevLoopEvent to end it: it fails with its first
 * failed step and succeeds with each successful deploy, status check or sync. */
static void tl_implicit_outcome(tl_t *tl, tl_iter_t *ti, phase_t p, status_kind_t k,
                                int64_t t)
{
    span_t *s = &ti->it.span;
    bool failed = s->status == STATUS_FAILED || s->status == STATUS_CANCELED;

    if (!ti->it.implicit || p == PHASE_RESOURCE || failed)
        return;
    if (k == STATUS_FAILED || k == STATUS_CANCELED) {
        s->status = k;
        s->end_ns = t;
        tl->ended = true;
    } else if (k == STATUS_SUCCEEDED && p != PHASE_BUILD) {
        s->status = k;
        s->end_ns = t;
    }
}

static span_t *tl_phase_span(tl_iter_t *ti, phase_t p, const char *artifact)
{
    switch (p) {
    case PHASE_BUILD:
        return &tl_build_span(ti, artifact, true)->span;
    case PHASE_TEST:
        return &ti->it.test;
    case PHASE_DEPLOY:
        return &ti->it.deploy;
    case PHASE_STATUSCHECK:
        return &ti->it.statuscheck;
    case PHASE_SYNC:
        return &ti->it.sync;
    default:
        return NULL; /* resources have no span of their own */
    }
}

static void tl_phase(tl_t *tl, phase_t p, const char *artifact, const char *status,
                     int64_t t)
{
    status_kind_t k = status_kind(status);
    tl_iter_t *ti = tl_for_phase(tl, p, artifact, k, t);
    span_t *s = tl_phase_span(ti, p, artifact);

    if (s != NULL)
        span_update(s, k, t);
    tl_implicit_outcome(tl, ti, p, k, t);
    tl->touched = ti;
}

/* A dev loop's start or end (v1 DevLoopEvent, v2 DevLoop task). */
static void tl_devloop_k(tl_t *tl, int32_t number, status_kind_t k, int64_t t)
{
    tl_iter_t *cur = tl_cur(tl);

    if (k == STATUS_IN_PROGRESS || k == STATUS_STARTED) {
        bool same = cur && cur->open && !cur->it.implicit && cur->it.number == number;
        if (!same) {
            tl_close(cur, t);
            cur = tl_open(tl, number, false, t);
        }
        tl->touched = cur;
        return;
    }
    if (!status_is_final(k))
        return;
    /* An end without its start (the start fell out of a bounded replay). */
    if (cur == NULL || !cur->open)
        cur = tl_open(tl, number, false, t);
    cur->open = false;
    cur->it.span.end_ns = t;
    cur->it.span.status = k;
    tl->touched = cur;
    tl->ended = true;
}

static void tl_devloop(tl_t *tl, const Proto__DevLoopEvent *d, int64_t t)
{
    tl_devloop_k(tl, d->iteration, status_kind(d->status), t);
}

void tl_fold(tl_t *tl, const Proto__Event *ev, int64_t t)
{
    tl->touched = NULL;
    tl->ended = false;
    switch (ev->event_type_case) {
    case PROTO__EVENT__EVENT_TYPE_DEV_LOOP_EVENT:
        tl_devloop(tl, ev->devloopevent, t);
        break;
    case PROTO__EVENT__EVENT_TYPE_BUILD_EVENT:
        tl_phase(tl, PHASE_BUILD, ev->buildevent->artifact ? ev->buildevent->artifact : "",
                 ev->buildevent->status, t);
        break;
    case PROTO__EVENT__EVENT_TYPE_TEST_EVENT:
        tl_phase(tl, PHASE_TEST, NULL, ev->testevent->status, t);
        break;
    case PROTO__EVENT__EVENT_TYPE_DEPLOY_EVENT:
        tl_phase(tl, PHASE_DEPLOY, NULL, ev->deployevent->status, t);
        break;
    case PROTO__EVENT__EVENT_TYPE_STATUS_CHECK_EVENT:
        tl_phase(tl, PHASE_STATUSCHECK, NULL, ev->statuscheckevent->status, t);
        break;
    case PROTO__EVENT__EVENT_TYPE_RESOURCE_STATUS_CHECK_EVENT:
        tl_phase(tl, PHASE_RESOURCE, NULL, ev->resourcestatuscheckevent->status, t);
        break;
    case PROTO__EVENT__EVENT_TYPE_FILE_SYNC_EVENT:
        tl_phase(tl, PHASE_SYNC, NULL, ev->filesyncevent->status, t);
        break;
    default:
        break; /* meta, port, debugging, termination: not steps of an iteration */
    }
}

void tl_note_error(tl_t *tl, uint64_t error_id)
{
    tl_iter_t *ti = tl->touched;

    if (ti == NULL)
        return;
    if (error_id != 0)
        ti->last_error = error_id;
    if (!tl->ended || ti->it.error_id != 0)
        return;
    /* A failed end without an error of its own points at the newest error
     * raised in the iteration: that is what failed it. */
    if (error_id != 0)
        ti->it.error_id = error_id;
    else if (ti->it.span.status != STATUS_SUCCEEDED)
        ti->it.error_id = ti->last_error;
}

/* ---- v2 tasks ------------------------------------------------------------------ */

void tl_begin(tl_t *tl)
{
    tl->touched = NULL;
    tl->ended = false;
}

void tl_task_devloop(tl_t *tl, int32_t number, status_kind_t k, int64_t t)
{
    tl_devloop_k(tl, number, k, t);
}

/* The iteration a task of iteration `number` belongs to: the open one (as
 * v1 phase events go to the open iteration), the closed one of that number
 * (a late event), or a new implicit one (tasks without a DevLoop task:
 * `skaffold run`, `build`, `deploy`). */
static tl_iter_t *tl_for_task(tl_t *tl, int32_t number, int64_t t)
{
    tl_iter_t *cur = tl_cur(tl);

    if (cur && cur->open && (!cur->it.implicit || cur->it.number == number))
        return cur;
    if (cur && !cur->open && !cur->it.implicit && cur->it.number == number)
        return cur;
    tl_close(cur, t);
    return tl_open(tl, number, true, t);
}

static span_t *tl_task_span(tl_iter_t *ti, tl_span_id_t id)
{
    switch (id) {
    case TL_SPAN_TEST:
        return &ti->it.test;
    case TL_SPAN_DEPLOY:
        return &ti->it.deploy;
    case TL_SPAN_STATUSCHECK:
        return &ti->it.statuscheck;
    case TL_SPAN_SYNC:
        return &ti->it.sync;
    case TL_SPAN_RENDER:
        return &ti->it.render;
    case TL_SPAN_VERIFY:
        return &ti->it.verify;
    default:
        return &ti->it.exec;
    }
}

/* The phase whose rule an implicit iteration's outcome follows. */
static phase_t tl_span_phase(tl_span_id_t id)
{
    switch (id) {
    case TL_SPAN_TEST:
    case TL_SPAN_VERIFY:
        return PHASE_TEST;
    case TL_SPAN_STATUSCHECK:
        return PHASE_STATUSCHECK;
    case TL_SPAN_SYNC:
        return PHASE_SYNC;
    default:
        return PHASE_DEPLOY;
    }
}

void tl_task_phase(tl_t *tl, tl_span_id_t id, int32_t number, status_kind_t k, int64_t t)
{
    tl_iter_t *ti = tl_for_task(tl, number, t);

    span_update(tl_task_span(ti, id), k, t);
    tl_implicit_outcome(tl, ti, tl_span_phase(id), k, t);
    tl->touched = ti;
}

static cache_result_t tl_cache_result(cache_result_t was, status_kind_t k)
{
    switch (k) {
    case STATUS_IN_PROGRESS:
    case STATUS_STARTED:
        return CACHE_CHECKING;
    case STATUS_SUCCEEDED:
        return CACHE_HIT;
    case STATUS_FAILED:
        return CACHE_MISS;
    default:
        return was;
    }
}

void tl_task_build(tl_t *tl, int32_t number, const char *artifact, bool cache_step,
                   status_kind_t k, const char *platforms, int64_t t)
{
    tl_iter_t *ti = tl_for_task(tl, number, t);
    artifact_span_t *b = tl_build_span(ti, artifact, true);

    if (platforms != NULL && *platforms != '\0' &&
        (b->platforms == NULL || strcmp(b->platforms, platforms) != 0)) {
        free(b->platforms);
        b->platforms = xstrdup(platforms);
    }
    if (cache_step) {
        /* A miss is the cache's answer, not a failure of the build. */
        b->cache = tl_cache_result(b->cache, k);
    } else {
        span_update(&b->span, k, t);
        tl_implicit_outcome(tl, ti, PHASE_BUILD, k, t);
    }
    tl->touched = ti;
}

void tl_close_open(tl_t *tl, int64_t t)
{
    tl_close(tl_cur(tl), t);
}

void tl_forget_errors(tl_t *tl)
{
    for (size_t i = 0; i < tl->n; i++) {
        tl->iters[i]->it.error_id = 0; /* all of them: their order does not matter */
        tl->iters[i]->last_error = 0;
    }
}

/* ---- the view: v1's iterations or the tasks', session by session ------------------ */

void tl_view_free(tl_view_t *vw)
{
    free(vw->v);
    memset(vw, 0, sizeof *vw);
}

static bool tl_has_tasks(const uint8_t *tasks, size_t n, uint32_t session)
{
    return session >= 1 && session <= n && tasks[session - 1];
}

static void tl_view_push(tl_view_t *vw, const iteration_t *it)
{
    vw->v = model_grow(vw->v, &vw->alloc, vw->n + 1, sizeof *vw->v, 0);
    vw->v[vw->n++] = it;
}

/* (session, number) order, for matching a tasks iteration to v1's. */
static int tl_cmp(const iteration_t *a, uint32_t session, int32_t number)
{
    if (a->session != session)
        return a->session < session ? -1 : 1;
    return a->number < number ? -1 : a->number > number;
}

/* The error that ended a tasks iteration is the one v1 raised for the
 * same iteration, when v1 keeps the errors. */
static void tl_view_relink(const tl_t *v1, tl_t *v2)
{
    size_t k = 0;
    for (size_t i = 0; i < v2->n; i++) {
        iteration_t *it = &tl_iter(v2, i)->it;
        while (k < v1->n && tl_cmp(&tl_iter(v1, k)->it, it->session, it->number) < 0)
            k++;
        bool match = k < v1->n && tl_cmp(&tl_iter(v1, k)->it, it->session, it->number) == 0;
        it->error_id = match ? tl_iter(v1, k)->it.error_id : 0;
    }
}

void tl_view_build(tl_view_t *vw, const tl_t *v1, tl_t *v2, const uint8_t *tasks, size_t n_tasks,
                   bool relink, size_t cap)
{
    size_t i = 0, j = 0;

    if (relink)
        tl_view_relink(v1, v2);
    vw->n = 0;
    for (;;) {
        while (i < v1->n && tl_has_tasks(tasks, n_tasks, tl_iter(v1, i)->it.session))
            i++;
        while (j < v2->n && !tl_has_tasks(tasks, n_tasks, tl_iter(v2, j)->it.session))
            j++;
        if (i == v1->n && j == v2->n)
            break;
        bool from_v1 = j == v2->n ||
                       (i < v1->n && tl_iter(v1, i)->it.session < tl_iter(v2, j)->it.session);
        tl_view_push(vw, from_v1 ? &tl_iter(v1, i++)->it : &tl_iter(v2, j++)->it);
    }
    if (vw->n > cap) {
        memmove(vw->v, vw->v + (vw->n - cap), cap * sizeof *vw->v);
        vw->n = cap;
    }
    vw->valid = true;
}
