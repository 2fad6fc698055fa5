/* Skaffold 2.x's v2 events (tasks_int.h says who owns what): the timeline
 * from tasks, v2's sessions, and for a model without v1 entries the mirror
 * and the errors, through the same rules v1 events go through. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "skaffold/model_int.h"
#include "skaffold/modelstate_int.h"
#include "skaffold/v1view_int.h"

/* ---- life cycle ------------------------------------------------------------------ */

void tasks_init(tasks_t *tk, size_t timeline_cap)
{
    memset(tk, 0, sizeof *tk);
    tl_init(&tk->tl, timeline_cap);
    tk->run_id = xstrdup("");
}

static void tasks_endpoints_free(tasks_t *tk)
{
    for (size_t i = 0; i < tk->n_eps; i++) {
        free(tk->eps[i].resource);
        free(tk->eps[i].url);
        free(tk->eps[i].revision);
    }
    free(tk->eps);
    tk->eps = NULL;
    tk->n_eps = tk->eps_alloc = 0;
}

void tasks_free(tasks_t *tk)
{
    tl_free(&tk->tl);
    free(tk->run_id);
    free(tk->has_tasks);
    free(tk->errs);
    tasks_endpoints_free(tk);
    memset(tk, 0, sizeof *tk);
}

bool tasks_session_has(const tasks_t *tk, uint32_t session)
{
    return session >= 1 && session <= tk->n_has && tk->has_tasks[session - 1];
}

static void tasks_mark_session(tasks_t *tk, uint32_t session)
{
    if (session == 0 || tasks_session_has(tk, session))
        return;
    if (session > tk->n_has) {
        tk->has_tasks = model_grow(tk->has_tasks, &tk->has_alloc, session, 1, 0);
        memset(tk->has_tasks + tk->n_has, 0, session - tk->n_has);
        tk->n_has = session;
    }
    tk->has_tasks[session - 1] = 1;
    tk->sessions_with_tasks++;
}

/* The errors v2 raised go: v1 raises its own, or v2 replays. */
static void tasks_retract_errors(model_t *m)
{
    errlog_retract(&m->errs, m->tasks.errs, m->tasks.n_errs);
    m->tasks.n_errs = 0;
}

void tasks_v1_arrives(model_t *m)
{
    tasks_retract_errors(m);
    if (m->tasks.mirror_used)
        model_mirror_restart(m);
    m->tasks.mirror_used = false;
    m->v1_seen = true;
}

/* ---- names and numbers --------------------------------------------------------------- */

static int64_t v2_time_ns(const Proto__V2__Event *ev)
{
    Proto__LogEntry e = PROTO__LOG_ENTRY__INIT;
    e.timestamp = ev->timestamp;
    return model_time_ns(&e);
}

/* The model's iteration for v2's number n in the current session. */
static int32_t tasks_number(const tasks_t *tk, int32_t n)
{
    int64_t num = (int64_t)n - 1 - tk->offset;
    return num < 0 ? 0 : num > INT32_MAX ? INT32_MAX : (int32_t)num;
}

/* The iteration a subtask's task_id ("Build-3") names; without a number,
 * the current one. */
static int32_t tasks_number_of(const tasks_t *tk, const char *task_id)
{
    const char *dash = task_id ? strrchr(task_id, '-') : NULL;
    char *end;
    long n = dash ? strtol(dash + 1, &end, 10) : 0;

    if (dash == NULL || end == dash + 1 || *end != '\0' || n < 0 || n > INT32_MAX)
        return tl_current_number(&tk->tl);
    return tasks_number(tk, (int32_t)n);
}

static const struct {
    const char *name;
    task_kind_t kind;
    tl_span_id_t span;
} task_names[] = {
    { "DevLoop", TASK_DEVLOOP, 0 },
    { "Build", TASK_BUILD, 0 },
    { "Test", TASK_PHASE, TL_SPAN_TEST },
    { "Render", TASK_PHASE, TL_SPAN_RENDER },
    { "Deploy", TASK_PHASE, TL_SPAN_DEPLOY },
    { "StatusCheck", TASK_PHASE, TL_SPAN_STATUSCHECK },
    { "Verify", TASK_PHASE, TL_SPAN_VERIFY },
    { "Sync", TASK_PHASE, TL_SPAN_SYNC },
    { "Exec", TASK_PHASE, TL_SPAN_EXEC },
};

static task_kind_t task_kind(const char *task, tl_span_id_t *span)
{
    for (size_t i = 0; i < sizeof task_names / sizeof task_names[0]; i++)
        if (strcasecmp(model_nz(task), task_names[i].name) == 0) {
            *span = task_names[i].span;
            return task_names[i].kind;
        }
    return TASK_OTHER;
}

/* ---- sessions -------------------------------------------------------------------- */

static bool tasks_same_run(const tasks_t *tk, const Proto__V2__MetaEvent *me)
{
    const char *run = me->metadata ? model_nz(me->metadata->runid) : "";
    return *run == '\0' || *tk->run_id == '\0' || strcmp(run, tk->run_id) == 0;
}

static void tasks_keep_run(tasks_t *tk, const Proto__V2__MetaEvent *me)
{
    const char *run = me->metadata ? model_nz(me->metadata->runid) : "";
    if (*run != '\0') {
        free(tk->run_id);
        tk->run_id = xstrdup(run);
    }
}

static void tasks_new_session(model_t *m, int64_t t)
{
    tasks_t *tk = &m->tasks;

    tk->session = model_session_match(m, tk->session, t);
    tk->any = false;
    tk->loop_open = tk->loop_seen = false;
    tk->built = tk->tested = false;
    tk->offset = 0;
    free(tk->run_id);
    tk->run_id = xstrdup("");
    model_session_reach(m, tk->session, UINT64_MAX, t);
    tl_set_session(&tk->tl, tk->session, t);
}

/* Whether ev begins a new session; the MetaEvent of a dev loop does not. */
static bool tasks_session_begins(const tasks_t *tk, const Proto__V2__Event *ev)
{
    if (tk->session == 0)
        return true;
    if (ev->event_type_case != PROTO__V2__EVENT__EVENT_TYPE_META_EVENT || !tk->any)
        return false;
    return !(tk->loop_open && tasks_same_run(tk, ev->metaevent));
}

/* ---- resets (a mirror v2 builds) ------------------------------------------------------ */

/* The MIRROR_RESET_* bits the server applied before a TaskEvent, by v1's
 * rules: the Build task of a dev loop after the session's first
 * (ResetStateOnBuild), the first Test task of a dev loop, every Deploy task. */
static unsigned tasks_resets(tasks_t *tk, task_kind_t kind, tl_span_id_t span, int32_t number,
                             status_kind_t k)
{
    if (k != STATUS_IN_PROGRESS && k != STATUS_STARTED)
        return 0;
    if (kind == TASK_DEVLOOP) {
        tk->built = tk->tested = false;
        return 0;
    }
    if (kind == TASK_BUILD) {
        bool later = tk->loop_seen && number > 0 && !tk->built;
        tk->built = true;
        return later ? MIRROR_RESET_BUILD : 0;
    }
    if (kind == TASK_PHASE && span == TL_SPAN_TEST) {
        bool first = !tk->tested;
        tk->tested = true;
        return first ? MIRROR_RESET_TEST : 0;
    }
    if (kind == TASK_PHASE && span == TL_SPAN_DEPLOY)
        return MIRROR_RESET_DEPLOY;
    return 0;
}

/* ---- errors ------------------------------------------------------------------------ */

/* The ids the error list evicted need no retracting: when the list is
 * full, the oldest go, so memory stays flat however long the log. */
static void tasks_errs_trim(model_t *m)
{
    tasks_t *tk = &m->tasks;
    size_t count = errlog_count(&m->errs);
    if (tk->n_errs < m->opts.errors_cap || count == 0)
        return;
    uint64_t oldest = errlog_at(&m->errs, count - 1)->id;
    size_t drop = 0;
    while (drop < tk->n_errs && tk->errs[drop] < oldest)
        drop++;
    memmove(tk->errs, tk->errs + drop, (tk->n_errs - drop) * sizeof *tk->errs);
    tk->n_errs -= drop;
}

/* Raises or resolves through the v1 error list; remembers what it raised. */
static uint64_t tasks_raise(model_t *m, const v1view_t *v, int64_t t)
{
    tasks_t *tk = &m->tasks;
    uint64_t id = errlog_fold(&m->errs, &v->ev, v->entry, m->seq, t, tl_current_number(&tk->tl),
                              tk->session);
    if (id != 0 && (tk->n_errs == 0 || id > tk->errs[tk->n_errs - 1])) {
        tasks_errs_trim(m);
        tk->errs = model_grow(tk->errs, &tk->errs_alloc, tk->n_errs + 1, sizeof *tk->errs, 0);
        tk->errs[tk->n_errs++] = id;
    }
    return id;
}

/* ---- the fold ----------------------------------------------------------------------- */

typedef struct v2_step {
    model_t *m;
    const Proto__V2__Event *ev;
    int64_t t;
    bool own;                    /* v2 keeps the mirror and the errors */
    unsigned resets;
    v1view_t v1;
    bool has_v1;                 /* v1 holds an event for the error list */
} v2_step_t;

static void tasks_task(v2_step_t *st)
{
    tasks_t *tk = &st->m->tasks;
    const Proto__V2__TaskEvent *te = st->ev->taskevent;
    tl_span_id_t span = 0;
    task_kind_t kind = task_kind(te->task, &span);
    status_kind_t k = status_kind(te->status);

    tasks_mark_session(tk, tk->session);
    if (kind == TASK_DEVLOOP && (k == STATUS_IN_PROGRESS || k == STATUS_STARTED)) {
        if (!tk->loop_seen && tk->session > 1 && te->iteration > 1)
            tk->offset = te->iteration - 1;
        tk->loop_seen = true;
        tk->loop_open = true;
    } else if (kind == TASK_DEVLOOP && status_is_final(k)) {
        tk->loop_open = false;
    }
    int32_t number = tasks_number(tk, te->iteration);
    st->resets = tasks_resets(tk, kind, span, number, k);
    if (kind == TASK_DEVLOOP)
        tl_task_devloop(&tk->tl, number, k, st->t);
    else if (kind == TASK_PHASE)
        tl_task_phase(&tk->tl, span, number, k, st->t);
    st->has_v1 = v1view_task(&st->v1, te, kind, span, number);
}

static void tasks_build(v2_step_t *st)
{
    tasks_t *tk = &st->m->tasks;
    const Proto__V2__BuildSubtaskEvent *b = st->ev->buildsubtaskevent;
    bool cache = strcasecmp(model_nz(b->step), "Cache") == 0;

    tl_task_build(&tk->tl, tasks_number_of(tk, b->task_id), model_nz(b->artifact), cache,
                  status_kind(b->status), b->targetplatforms, st->t);
    if (!cache) {
        v1view_build(&st->v1, b);
        st->has_v1 = true;
    }
}

static void tasks_endpoint(model_t *m, const Proto__V2__CloudRunReadyEvent *c)
{
    tasks_t *tk = &m->tasks;
    model_endpoint_t *e = NULL;

    for (size_t i = 0; i < tk->n_eps && e == NULL; i++)
        if (tk->eps[i].session == tk->session &&
            strcmp(tk->eps[i].resource, model_nz(c->resource)) == 0)
            e = &tk->eps[i];
    if (e == NULL && tk->n_eps == MODEL_ENDPOINTS_MAX) {
        free(tk->eps[0].resource);
        free(tk->eps[0].url);
        free(tk->eps[0].revision);
        memmove(tk->eps, tk->eps + 1, --tk->n_eps * sizeof *tk->eps);
    }
    if (e == NULL) {
        tk->eps = model_grow(tk->eps, &tk->eps_alloc, tk->n_eps + 1, sizeof *tk->eps, 0);
        e = &tk->eps[tk->n_eps++];
        memset(e, 0, sizeof *e);
        e->resource = xstrdup(model_nz(c->resource));
        e->session = tk->session;
    }
    free(e->url);
    free(e->revision);
    e->url = xstrdup(model_nz(c->url));
    e->revision = xstrdup(model_nz(c->ready_revision));
}

/* The timeline, and the v1 event standing for ev in the error list. */
static void tasks_dispatch(v2_step_t *st)
{
    const Proto__V2__Event *ev = st->ev;
    model_t *m = st->m;

    switch (ev->event_type_case) {
    case PROTO__V2__EVENT__EVENT_TYPE_TASK_EVENT:
        tasks_task(st);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_BUILD_SUBTASK_EVENT:
        tasks_build(st);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_STATUS_CHECK_SUBTASK_EVENT:
        v1view_resource(&st->v1, ev->statuschecksubtaskevent);
        st->has_v1 = true;
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_FILE_SYNC_EVENT:
        /* As v1's FileSyncEvents do, whether or not a Sync task wraps them. */
        tl_task_phase(&m->tasks.tl, TL_SPAN_SYNC, tasks_number_of(&m->tasks, ev->filesyncevent->task_id),
                      status_kind(ev->filesyncevent->status), st->t);
        v1view_sync(&st->v1, ev->filesyncevent);
        st->has_v1 = true;
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_TERMINATION_EVENT:
        v1view_termination(&st->v1, ev->terminationevent);
        st->has_v1 = true;
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_CLOUD_RUN_READY_EVENT:
        tasks_endpoint(m, ev->cloudrunreadyevent);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_SKAFFOLD_LOG_EVENT: {
        const Proto__V2__SkaffoldLogEvent *l = ev->skaffoldlogevent;
        const char *msg = model_nz(l->message);
        logs_add_skaffold(m->logs, st->t, model_nz(l->task_id), model_nz(l->subtask_id),
                          (int)l->level, msg, strlen(msg), m->tasks.session);
        break;
    }
    default:
        break;
    }
}

/* What v2 keeps while v1 has not come: the mirror, the resources, the
 * session's facts. */
static void tasks_own(v2_step_t *st)
{
    model_t *m = st->m;
    const Proto__V2__Event *ev = st->ev;

    if (!m->tasks.mirror_used) {
        mirror_use_v2_strings(&m->mirror);
        m->tasks.mirror_used = true;
    }
    model_apply_resets(m, st->resets);
    mirror_fold_v2(&m->mirror, ev);
    model_rows_note(m, false);
    if (ev->event_type_case == PROTO__V2__EVENT__EVENT_TYPE_STATUS_CHECK_SUBTASK_EVENT)
        reslist_fold(&m->res, &st->v1.u.res, st->t);
    else if (ev->event_type_case == PROTO__V2__EVENT__EVENT_TYPE_META_EVENT)
        model_set_version(m, ev->metaevent->entry);
    else if (ev->event_type_case == PROTO__V2__EVENT__EVENT_TYPE_TERMINATION_EVENT)
        model_set_terminated(m, ev->terminationevent->status);
}

static void tasks_fold(model_t *m, const Proto__V2__Event *ev, int64_t t)
{
    tasks_t *tk = &m->tasks;
    v2_step_t st = { .m = m, .ev = ev, .t = t, .own = !m->v1_seen };
    unsigned session_reset = 0;

    if (tasks_session_begins(tk, ev)) {
        if (tk->session != 0)
            session_reset = MIRROR_RESET_SESSION;
        tasks_new_session(m, t);
    }
    if (ev->event_type_case == PROTO__V2__EVENT__EVENT_TYPE_META_EVENT)
        tasks_keep_run(tk, ev->metaevent);
    tk->any = true;
    tl_begin(&tk->tl);
    tasks_dispatch(&st);
    st.resets |= session_reset;
    if (st.own)
        tasks_own(&st);
    uint64_t eid = st.own && st.has_v1 ? tasks_raise(m, &st.v1, t) : 0;
    tl_note_error(&tk->tl, eid);
    if (st.has_v1)
        v1view_free(&st.v1);
    /* A flood of Skaffold's output lines leaves the timeline alone. */
    if (ev->event_type_case != PROTO__V2__EVENT__EVENT_TYPE_SKAFFOLD_LOG_EVENT)
        model_timeline_changed(m);
}

/* ---- the model's v2 entry points ----------------------------------------------------- */

/* The number of the dev loop in progress or last seen, -1 if none. */
static int32_t tasks_current_number(const model_t *m)
{
    uint32_t session = model_session(m);
    const tl_t *tl = tasks_session_has(&m->tasks, session) ? &m->tasks.tl : &m->tl;
    const iteration_t *it = tl->n ? tl_at(tl, tl->n - 1) : NULL;
    return it && it->session == session ? it->number : -1;
}

int model_fold_v2(model_t *m, const Proto__V2__Event *ev, int stream)
{
    m->generation++;
    if (ev == NULL || ev->event_type_case == PROTO__V2__EVENT__EVENT_TYPE__NOT_SET)
        return -1;
    int64_t t = v2_time_ns(ev);
    if (t > m->last_time)
        m->last_time = t;
    if (ev->event_type_case == PROTO__V2__EVENT__EVENT_TYPE_APPLICATION_LOG_EVENT) {
        const Proto__V2__ApplicationLogEvent *a = ev->applicationlogevent;
        const char *msg = model_nz(a->message);
        logs_add_app(m->logs, t, model_nz(a->podname), model_nz(a->containername),
                     model_nz(a->prefix), msg, strlen(msg), tasks_current_number(m),
                     model_session(m));
        return 0;
    }
    (void)stream; /* every other kind travels on Events */
    tasks_fold(m, ev, t);
    return 0;
}

void model_clear_v2(model_t *m, int stream)
{
    logs_clear(m->logs, stream != 0 ? LOG_APP : LOG_SKAFFOLD);
    if (stream == 0)
        model_clear_tasks(m);
    m->generation++;
}

void model_clear_tasks(model_t *m)
{
    tasks_t *tk = &m->tasks;

    m->generation++;
    tasks_retract_errors(m);
    if (tk->mirror_used && !m->v1_seen)
        model_mirror_restart(m);
    size_t cap = tk->tl.cap;
    tasks_free(tk);
    tasks_init(tk, cap);
    /* The sessions only v2 had reached go with it. */
    if (m->n_sessions > m->v1_session)
        m->n_sessions = m->v1_session;
    model_timeline_changed(m);
}

const logs_t *model_logs(const model_t *m)
{
    return m->logs;
}

bool model_has_tasks(const model_t *m)
{
    return tasks_session_has(&m->tasks, model_session(m));
}

size_t model_endpoint_count(const model_t *m)
{
    return m->tasks.n_eps;
}

const model_endpoint_t *model_endpoint_at(const model_t *m, size_t i)
{
    return i < m->tasks.n_eps ? &m->tasks.eps[i] : NULL;
}
