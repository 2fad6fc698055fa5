/* Skaffold 2.x's v2 events in the model: the timeline from tasks (the same
 * as v1 events give for the same dev loop, plus the cache, platforms and
 * render), sessions, errors once, the v1+v2 interleave, a FILE.v2 alone
 * (mirror and errors from v2), endpoints, and clearing.
 *
 * One scripted history (story_*) emits each step the way Skaffold 2.x's
 * runner does (runner/dev.go, event/v2): the v1 LogEntries AND the v2
 * Events, so v1's fold is the oracle the v2 fold is compared with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "model_fixture.h"

/* ---- v2 events, malloc'd field by field like decoded ones ---------------------------- */

static Proto__V2__Event *v2_event(Proto__V2__Event__EventTypeCase c, void *inner)
{
    Proto__V2__Event *ev = fx_new(&proto__v2__event__descriptor);
    ev->event_type_case = c;
    ev->metaevent = inner; /* every member of the oneof is a pointer */
    return ev;
}

static Proto__V2__ActionableErr *v2_ae(int code, const char *message, const char *action)
{
    Proto__V2__ActionableErr *ae = fx_new(&proto__v2__actionable_err__descriptor);
    ae->errcode = code;
    ae->message = fx_str(message);
    if (action != NULL) {
        ae->suggestions = calloc(1, sizeof *ae->suggestions);
        ae->suggestions[0] = fx_new(&proto__v2__suggestion__descriptor);
        ae->suggestions[0]->suggestioncode = PROTO__SUGGESTION_CODE__CHECK_DEFAULT_REPO;
        ae->suggestions[0]->action = fx_str(action);
        ae->n_suggestions = 1;
    }
    return ae;
}

static char *task_id(const char *task, int iteration)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s-%d", task, iteration);
    return fx_str(buf);
}

static Proto__V2__Event *v2_task(const char *task, int iteration, const char *status,
                                 Proto__V2__ActionableErr *ae)
{
    Proto__V2__TaskEvent *te = fx_new(&proto__v2__task_event__descriptor);
    te->id = task_id(task, iteration);
    te->task = fx_str(task);
    te->iteration = iteration;
    te->status = fx_str(status);
    te->actionableerr = ae;
    return v2_event(PROTO__V2__EVENT__EVENT_TYPE_TASK_EVENT, te);
}

static Proto__V2__Event *v2_build(const char *artifact, int iteration, const char *step,
                                  const char *status, const char *platforms,
                                  Proto__V2__ActionableErr *ae)
{
    Proto__V2__BuildSubtaskEvent *b = fx_new(&proto__v2__build_subtask_event__descriptor);
    b->id = fx_str(artifact);
    b->task_id = task_id("Build", iteration);
    b->artifact = fx_str(artifact);
    b->step = fx_str(step);
    b->status = fx_str(status);
    b->hostplatform = fx_str("linux/amd64");
    b->targetplatforms = fx_str(platforms);
    b->actionableerr = ae;
    return v2_event(PROTO__V2__EVENT__EVENT_TYPE_BUILD_SUBTASK_EVENT, b);
}

static Proto__V2__Event *v2_resource(const char *resource, int iteration, const char *status,
                                     int code, Proto__V2__ActionableErr *ae)
{
    Proto__V2__StatusCheckSubtaskEvent *r = fx_new(&proto__v2__status_check_subtask_event__descriptor);
    r->id = fx_str(resource);
    r->task_id = task_id("StatusCheck", iteration);
    r->resource = fx_str(resource);
    r->status = fx_str(status);
    r->message = fx_str(ae ? ae->message : status);
    r->statuscode = code;
    r->actionableerr = ae;
    return v2_event(PROTO__V2__EVENT__EVENT_TYPE_STATUS_CHECK_SUBTASK_EVENT, r);
}

static Proto__V2__Event *v2_sync(const char *image, int iteration, const char *status,
                                 Proto__V2__ActionableErr *ae)
{
    Proto__V2__FileSyncEvent *f = fx_new(&proto__v2__file_sync_event__descriptor);
    f->id = fx_str(image);
    f->task_id = task_id("Sync", iteration);
    f->filecount = 2;
    f->image = fx_str(image);
    f->status = fx_str(status);
    f->actionableerr = ae;
    return v2_event(PROTO__V2__EVENT__EVENT_TYPE_FILE_SYNC_EVENT, f);
}

/* Test, Deploy subtasks: id is the tester / deployer index. */
static Proto__V2__Event *v2_indexed(Proto__V2__Event__EventTypeCase c, const char *task,
                                    int iteration, const char *status)
{
    const ProtobufCMessageDescriptor *d = c == PROTO__V2__EVENT__EVENT_TYPE_TEST_EVENT
                                              ? &proto__v2__test_subtask_event__descriptor
                                              : &proto__v2__deploy_subtask_event__descriptor;
    Proto__V2__DeploySubtaskEvent *s = fx_new(d); /* same layout: id, task_id, status, ae */
    s->id = fx_str("0");
    s->task_id = task_id(task, iteration);
    s->status = fx_str(status);
    return v2_event(c, s);
}

static Proto__V2__Event *v2_meta(const char *entry, const char *run_id, int n_artifacts,
                                 const char *const *artifacts)
{
    Proto__V2__MetaEvent *me = fx_new(&proto__v2__meta_event__descriptor);
    Proto__V2__Metadata *md = fx_new(&proto__v2__metadata__descriptor);
    me->entry = fx_str(entry);
    md->runid = fx_str(run_id);
    md->build = fx_new(&proto__v2__build_metadata__descriptor);
    md->build->type = PROTO__BUILD_TYPE__LOCAL;
    md->build->artifacts = calloc((size_t)n_artifacts, sizeof *md->build->artifacts);
    for (int i = 0; i < n_artifacts; i++) {
        Proto__V2__BuildMetadata__Artifact *a = fx_new(&proto__v2__build_metadata__artifact__descriptor);
        a->name = fx_str(artifacts[i]);
        a->type = i == 0 ? PROTO__BUILDER_TYPE__DOCKER : PROTO__BUILDER_TYPE__KO;
        md->build->artifacts[i] = a;
    }
    md->build->n_artifacts = (size_t)n_artifacts;
    md->deploy = fx_new(&proto__v2__deploy_metadata__descriptor);
    md->deploy->cluster = PROTO__CLUSTER_TYPE__MINIKUBE;
    me->metadata = md;
    return v2_event(PROTO__V2__EVENT__EVENT_TYPE_META_EVENT, me);
}

static void v2_stamp(Proto__V2__Event *ev, int64_t t_ns)
{
    if (t_ns != 0 && ev->timestamp == NULL) {
        ev->timestamp = fx_new(&google__protobuf__timestamp__descriptor);
        ev->timestamp->seconds = t_ns / SEC;
        ev->timestamp->nanos = (int32_t)(t_ns % SEC);
    }
}

/* Folds ev at t_ns, checks that it was accepted, and frees it. */
static void fold2_at(model_t *m, int64_t t_ns, Proto__V2__Event *ev)
{
    v2_stamp(ev, t_ns);
    assert_int_equal(model_fold_v2(m, ev, 0), 0);
    protobuf_c_message_free_unpacked(&ev->base, NULL);
}

/* ---- the scripted history --------------------------------------------------------------- */

typedef enum st_kind {
    ST_META,     /* a new Skaffold process */
    ST_LOOP,     /* the dev loop starts (O_START) or ends */
    ST_BUILD,    /* the Build task (v2 only) */
    ST_CACHE,    /* an artifact's cache check (v2 only) */
    ST_ART,      /* an artifact's build */
    ST_TEST,
    ST_RENDER,   /* v2 only */
    ST_DEPLOY,
    ST_CHECK,    /* the status check as a whole */
    ST_RES,      /* one resource of the status check */
    ST_SYNC,
} st_kind_t;

typedef enum outcome { O_START, O_OK, O_FAIL, O_HIT, O_MISS } outcome_t;

typedef struct step {
    st_kind_t kind;
    outcome_t o;
    const char *subject;
    int code;    /* of a failure; a resource's progress code */
} step_t;

static const char *const story_artifacts[] = { "app", "web" };
#define STORY_PLATFORMS "linux/amd64,linux/arm64"

/* Two sessions: a first build with one cache hit, a sync-only loop, a
 * failed build, a failed status check, a repaired loop; then a new
 * process. */
static const step_t story_steps[] = {
    { ST_META, O_START, NULL, 0 },
    { ST_LOOP, O_START, NULL, 0 },
    { ST_BUILD, O_START, NULL, 0 },
    { ST_CACHE, O_START, "app", 0 },
    { ST_CACHE, O_START, "web", 0 },
    { ST_CACHE, O_MISS, "app", 0 },
    { ST_CACHE, O_HIT, "web", 0 },
    { ST_ART, O_START, "app", 0 },
    { ST_ART, O_OK, "app", 0 },
    { ST_BUILD, O_OK, NULL, 0 },
    { ST_TEST, O_START, NULL, 0 },
    { ST_TEST, O_OK, NULL, 0 },
    { ST_RENDER, O_START, NULL, 0 },
    { ST_RENDER, O_OK, NULL, 0 },
    { ST_DEPLOY, O_START, NULL, 0 },
    { ST_DEPLOY, O_OK, NULL, 0 },
    { ST_CHECK, O_START, NULL, 0 },
    { ST_RES, O_START, "deployment/app", PROTO__STATUS_CODE__STATUSCHECK_CONTAINER_CREATING },
    { ST_RES, O_OK, "deployment/app", PROTO__STATUS_CODE__STATUSCHECK_SUCCESS },
    { ST_CHECK, O_OK, NULL, 0 },
    { ST_LOOP, O_OK, NULL, 0 },
    { ST_LOOP, O_START, NULL, 0 },
    { ST_SYNC, O_START, "app", 0 },
    { ST_SYNC, O_OK, "app", 0 },
    { ST_LOOP, O_OK, NULL, 0 },
    { ST_LOOP, O_START, NULL, 0 },
    { ST_BUILD, O_START, NULL, 0 },
    { ST_CACHE, O_START, "app", 0 },
    { ST_CACHE, O_MISS, "app", 0 },
    { ST_ART, O_START, "app", 0 },
    { ST_ART, O_FAIL, "app", PROTO__STATUS_CODE__BUILD_DOCKER_DAEMON_NOT_RUNNING },
    { ST_BUILD, O_FAIL, NULL, PROTO__STATUS_CODE__BUILD_DOCKER_DAEMON_NOT_RUNNING },
    { ST_LOOP, O_FAIL, NULL, PROTO__STATUS_CODE__BUILD_DOCKER_DAEMON_NOT_RUNNING },
    { ST_LOOP, O_START, NULL, 0 },
    { ST_BUILD, O_START, NULL, 0 },
    { ST_CACHE, O_START, "app", 0 },
    { ST_CACHE, O_MISS, "app", 0 },
    { ST_ART, O_START, "app", 0 },
    { ST_ART, O_OK, "app", 0 },
    { ST_BUILD, O_OK, NULL, 0 },
    { ST_TEST, O_START, NULL, 0 },
    { ST_TEST, O_OK, NULL, 0 },
    { ST_DEPLOY, O_START, NULL, 0 },
    { ST_DEPLOY, O_OK, NULL, 0 },
    { ST_CHECK, O_START, NULL, 0 },
    { ST_RES, O_FAIL, "pod/app-6d4b-x2", PROTO__STATUS_CODE__STATUSCHECK_IMAGE_PULL_ERR },
    { ST_CHECK, O_FAIL, NULL, PROTO__STATUS_CODE__STATUSCHECK_IMAGE_PULL_ERR },
    { ST_LOOP, O_FAIL, NULL, PROTO__STATUS_CODE__STATUSCHECK_IMAGE_PULL_ERR },
    { ST_LOOP, O_START, NULL, 0 },
    { ST_BUILD, O_START, NULL, 0 },
    { ST_ART, O_START, "app", 0 },
    { ST_ART, O_OK, "app", 0 },
    { ST_BUILD, O_OK, NULL, 0 },
    { ST_DEPLOY, O_START, NULL, 0 },
    { ST_DEPLOY, O_OK, NULL, 0 },
    { ST_CHECK, O_START, NULL, 0 },
    { ST_RES, O_OK, "pod/app-7f9c-k1", PROTO__STATUS_CODE__STATUSCHECK_SUCCESS },
    { ST_CHECK, O_OK, NULL, 0 },
    { ST_LOOP, O_OK, NULL, 0 },
    { ST_META, O_START, NULL, 0 },
    { ST_LOOP, O_START, NULL, 0 },
    { ST_BUILD, O_START, NULL, 0 },
    { ST_ART, O_START, "web", 0 },
    { ST_ART, O_OK, "web", 0 },
    { ST_BUILD, O_OK, NULL, 0 },
    { ST_DEPLOY, O_START, NULL, 0 },
    { ST_DEPLOY, O_OK, NULL, 0 },
    { ST_LOOP, O_OK, NULL, 0 },
};
#define N_STEPS (sizeof story_steps / sizeof story_steps[0])

/* One record: a v1 entry or a v2 event, in the order Skaffold logs them. */
typedef struct rec {
    int64_t t;
    size_t step;
    Proto__LogEntry *v1;
    Proto__V2__Event *v2;
} rec_t;

typedef struct story {
    rec_t r[4 * N_STEPS];
    size_t n;
    int session, v1_iter, v2_iter;   /* the emitter's counters */
} story_t;

static void story_v1(story_t *s, size_t step, int64_t t, Proto__Event *ev)
{
    s->r[s->n++] = (rec_t){ .t = t, .step = step, .v1 = fx_entry(t, ev, "entry") };
}

static void story_v2(story_t *s, size_t step, int64_t t, Proto__V2__Event *ev)
{
    v2_stamp(ev, t);
    s->r[s->n++] = (rec_t){ .t = t, .step = step, .v2 = ev };
}

static const char *v1_status(st_kind_t k, outcome_t o)
{
    if (o == O_START)
        return k == ST_CHECK ? "Started" : "In Progress";
    if (o == O_FAIL)
        return "Failed";
    return k == ST_ART || k == ST_DEPLOY ? "Complete" : "Succeeded";
}

static const char *v2_status(outcome_t o)
{
    return o == O_START ? "InProgress" : o == O_FAIL || o == O_MISS ? "Failed" : "Succeeded";
}

static char *failure_text(const step_t *st)
{
    static char buf[96];
    snprintf(buf, sizeof buf, "%s failed (%d)", st->subject ? st->subject : "phase", st->code);
    return buf;
}

static Proto__ActionableErr *v1_fail(const step_t *st)
{
    return st->o == O_FAIL ? fx_ae(st->code, failure_text(st), 1,
                                   PROTO__SUGGESTION_CODE__CHECK_DEFAULT_REPO, "fix it")
                           : NULL;
}

static Proto__V2__ActionableErr *v2_fail(const step_t *st)
{
    return st->o == O_FAIL ? v2_ae(st->code, failure_text(st), "fix it") : NULL;
}

static void story_meta(story_t *s, size_t i, int64_t t)
{
    char run[32];
    s->session++;
    s->v1_iter = -1;
    s->v2_iter = 0;
    snprintf(run, sizeof run, "run-%d", s->session);
    story_v1(s, i, t, ev_meta("Starting Skaffold: v2.13.2", true));
    story_v2(s, i, t, v2_meta("Starting Skaffold: v2.13.2", run, 2, story_artifacts));
}

/* DevLoopInProgress, then eventV2's DevLoop task and its MetaEvent. */
static void story_loop(story_t *s, size_t i, int64_t t, const step_t *st)
{
    char run[32];
    snprintf(run, sizeof run, "run-%d", s->session);
    if (st->o == O_START) {
        s->v1_iter++;
        s->v2_iter++;
        story_v1(s, i, t, ev_devloop(s->v1_iter, "In Progress", NULL));
        story_v2(s, i, t, v2_task("DevLoop", s->v2_iter, "InProgress", NULL));
        story_v2(s, i, t, v2_meta("Starting Skaffold: v2.13.2", run, 2, story_artifacts));
        return;
    }
    story_v1(s, i, t, ev_devloop(s->v1_iter, v1_status(ST_LOOP, st->o), v1_fail(st)));
    story_v2(s, i, t, v2_task("DevLoop", s->v2_iter, v2_status(st->o), v2_fail(st)));
}

static void story_step(story_t *s, size_t i, int64_t t)
{
    const step_t *st = &story_steps[i];
    const char *s1 = v1_status(st->kind, st->o), *s2 = v2_status(st->o);
    int n = s->v2_iter;

    switch (st->kind) {
    case ST_META:
        story_meta(s, i, t);
        break;
    case ST_LOOP:
        story_loop(s, i, t, st);
        break;
    case ST_BUILD:
        story_v2(s, i, t, v2_task("Build", n, s2, v2_fail(st)));
        break;
    case ST_CACHE:
        story_v2(s, i, t, v2_build(st->subject, n, "Cache", s2, STORY_PLATFORMS, NULL));
        break;
    case ST_ART:
        story_v1(s, i, t, ev_build_ae(st->subject, s1, v1_fail(st)));
        story_v2(s, i, t, v2_build(st->subject, n, "Build", s2, STORY_PLATFORMS, v2_fail(st)));
        break;
    case ST_TEST:
        story_v1(s, i, t, ev_test(s1, v1_fail(st)));
        if (st->o == O_START)
            story_v2(s, i, t, v2_task("Test", n, s2, NULL));
        story_v2(s, i, t, v2_indexed(PROTO__V2__EVENT__EVENT_TYPE_TEST_EVENT, "Test", n, s2));
        if (st->o != O_START)
            story_v2(s, i, t, v2_task("Test", n, s2, v2_fail(st)));
        break;
    case ST_RENDER:
        story_v2(s, i, t, v2_task("Render", n, s2, v2_fail(st)));
        break;
    case ST_DEPLOY:
        story_v1(s, i, t, ev_deploy(s1, v1_fail(st)));
        if (st->o == O_START)
            story_v2(s, i, t, v2_task("Deploy", n, s2, NULL));
        story_v2(s, i, t, v2_indexed(PROTO__V2__EVENT__EVENT_TYPE_DEPLOY_SUBTASK_EVENT, "Deploy", n, s2));
        if (st->o != O_START)
            story_v2(s, i, t, v2_task("Deploy", n, s2, v2_fail(st)));
        break;
    case ST_CHECK:
        story_v1(s, i, t, ev_check(s1, v1_fail(st)));
        story_v2(s, i, t, v2_task("StatusCheck", n, s2, v2_fail(st)));
        break;
    case ST_RES:
        story_v1(s, i, t, ev_resource(st->subject, s1, failure_text(st), st->code, v1_fail(st)));
        story_v2(s, i, t, v2_resource(st->subject, n, s2, st->code, v2_fail(st)));
        break;
    case ST_SYNC:
        story_v1(s, i, t, ev_sync(st->subject, s1, v1_fail(st)));
        story_v2(s, i, t, v2_sync(st->subject, n, s2, v2_fail(st)));
        break;
    }
}

static story_t *story_new(void)
{
    story_t *s = calloc(1, sizeof *s);
    assert_non_null(s);
    for (size_t i = 0; i < N_STEPS; i++)
        story_step(s, i, (int64_t)(i + 1) * SEC);
    return s;
}

static void story_free(story_t *s)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->r[i].v1)
            protobuf_c_message_free_unpacked(&s->r[i].v1->base, NULL);
        if (s->r[i].v2)
            protobuf_c_message_free_unpacked(&s->r[i].v2->base, NULL);
    }
    free(s);
}

static void story_fold_rec(model_t *m, const rec_t *r)
{
    if (r->v1)
        assert_int_equal(model_fold(m, r->v1), 0);
    else
        assert_int_equal(model_fold_v2(m, r->v2, 0), 0);
}

enum { ONLY_V1 = 1, ONLY_V2 = 2 };

/* Folds the records of one kind (ONLY_V1, ONLY_V2) or both, in log order. */
static void story_fold(model_t *m, const story_t *s, int which)
{
    for (size_t i = 0; i < s->n; i++)
        if ((which & ONLY_V1 && s->r[i].v1) || (which & ONLY_V2 && s->r[i].v2))
            story_fold_rec(m, &s->r[i]);
}

/* Both streams, each in order, interleaved as two streams arrive: `lead`
 * records of one for each of the other. v2_first puts v2 ahead. */
static void story_fold_interleaved(model_t *m, const story_t *s, size_t lead, bool v2_first)
{
    size_t i1 = 0, i2 = 0;
    for (;;) {
        bool moved = false;
        for (int pass = 0; pass < 2; pass++) {
            bool v2 = (pass == 0) == v2_first;
            size_t *ip = v2 ? &i2 : &i1;
            for (size_t k = 0; k < (pass == 0 ? lead : 1); k++) {
                while (*ip < s->n && (v2 ? s->r[*ip].v2 == NULL : s->r[*ip].v1 == NULL))
                    (*ip)++;
                if (*ip < s->n) {
                    story_fold_rec(m, &s->r[(*ip)++]);
                    moved = true;
                }
            }
        }
        if (!moved)
            break;
    }
}

/* ---- comparing models -------------------------------------------------------------- */

static void assert_span_equal(const span_t *a, const span_t *b)
{
    assert_int_equal(a->start_ns, b->start_ns);
    assert_int_equal(a->end_ns, b->end_ns);
    assert_int_equal(a->status, b->status);
}

/* The builds that ran (a cache hit has an empty span and no v1 event). */
static size_t built(const iteration_t *it, size_t k, const artifact_span_t **out)
{
    size_t n = 0;
    for (size_t i = 0; i < it->n_builds; i++)
        if (it->builds[i].span.status != STATUS_NONE && n++ == k) {
            *out = &it->builds[i];
            return n;
        }
    return n;
}

static size_t n_built(const iteration_t *it)
{
    const artifact_span_t *b;
    return built(it, SIZE_MAX, &b);
}

static int error_code(const model_t *m, uint64_t id)
{
    const model_error_t *e = id ? model_error_by_id(m, id) : NULL;
    return e ? e->code : -1;
}

static void assert_iteration_equal(const model_t *ma, const iteration_t *a, const model_t *mb,
                                   const iteration_t *b)
{
    assert_int_equal(a->number, b->number);
    assert_int_equal(a->implicit, b->implicit);
    assert_int_equal(a->session, b->session);
    assert_span_equal(&a->span, &b->span);
    assert_span_equal(&a->test, &b->test);
    assert_span_equal(&a->deploy, &b->deploy);
    assert_span_equal(&a->statuscheck, &b->statuscheck);
    assert_span_equal(&a->sync, &b->sync);
    assert_int_equal(n_built(a), n_built(b));
    for (size_t k = 0; k < n_built(a); k++) {
        const artifact_span_t *x = NULL, *y = NULL;
        built(a, k, &x);
        built(b, k, &y);
        assert_string_equal(x->artifact, y->artifact);
        assert_span_equal(&x->span, &y->span);
    }
    assert_int_equal(error_code(ma, a->error_id), error_code(mb, b->error_id));
}

static void assert_timelines_equal(const model_t *a, const model_t *b)
{
    assert_int_equal(model_iteration_count(a), model_iteration_count(b));
    for (size_t i = 0; i < model_iteration_count(a); i++)
        assert_iteration_equal(a, model_iteration(a, i), b, model_iteration(b, i));
}

static void assert_errors_equal(const model_t *a, const model_t *b)
{
    assert_int_equal(model_error_count(a), model_error_count(b));
    assert_int_equal(model_unresolved_errors(a), model_unresolved_errors(b));
    for (size_t i = 0; i < model_error_count(a); i++) {
        const model_error_t *x = model_error_at(a, i), *y = model_error_at(b, i);
        assert_int_equal(x->phase, y->phase);
        assert_string_equal(x->subject, y->subject);
        assert_int_equal(x->code, y->code);
        assert_string_equal(x->message, y->message);
        assert_int_equal(x->iteration, y->iteration);
        assert_int_equal(x->session, y->session);
        assert_int_equal(x->resolved, y->resolved);
        assert_int_equal(x->n_suggestions, y->n_suggestions);
        for (size_t k = 0; k < x->n_suggestions; k++) {
            assert_int_equal(x->suggestions[k].code, y->suggestions[k].code);
            assert_string_equal(x->suggestions[k].action, y->suggestions[k].action);
        }
    }
}

/* How many steps of the story fail (of a given kind; ST__ANY for all). */
#define ST__ANY ((st_kind_t)-1)
static size_t story_failures(st_kind_t kind)
{
    size_t n = 0;
    for (size_t i = 0; i < N_STEPS; i++)
        n += story_steps[i].o == O_FAIL && (kind == ST__ANY || story_steps[i].kind == kind);
    return n;
}

/* The time of the nth (from 0) step of that kind and outcome. */
static int64_t story_time(st_kind_t kind, outcome_t o, size_t nth)
{
    for (size_t i = 0; i < N_STEPS; i++)
        if (story_steps[i].kind == kind && story_steps[i].o == o && nth-- == 0)
            return (int64_t)(i + 1) * SEC;
    fail_msg("the story has no such step");
    return 0;
}

/* Whether the failed dev loop of step i restates a failure of its loop
 * (same code and text): Skaffold's DevLoopEvent repeats the phase's error,
 * which the model keeps as that one error. */
static bool story_restates(size_t i)
{
    char text[96];
    int code = story_steps[i].code;
    snprintf(text, sizeof text, "%s", failure_text(&story_steps[i]));
    while (i-- > 0 && !(story_steps[i].kind == ST_LOOP && story_steps[i].o == O_START)) {
        const step_t *st = &story_steps[i];
        if (st->o == O_FAIL && st->kind != ST_BUILD && st->code == code &&
            strcmp(failure_text(st), text) == 0)
            return true;
    }
    return false;
}

/* The errors the story raises: every failure but the Build task's (its
 * artifact's stands for it) and the dev loops that restate one. */
static size_t story_errors(st_kind_t kind)
{
    size_t n = 0;
    for (size_t i = 0; i < N_STEPS; i++) {
        const step_t *st = &story_steps[i];
        if (st->o != O_FAIL || st->kind == ST_BUILD || (kind != ST__ANY && st->kind != kind))
            continue;
        n += !(st->kind == ST_LOOP && story_restates(i));
    }
    return n;
}

static size_t story_count(st_kind_t kind, outcome_t o)
{
    size_t n = 0;
    for (size_t i = 0; i < N_STEPS; i++)
        n += story_steps[i].kind == kind && story_steps[i].o == o;
    return n;
}

/* ---- fixtures ----------------------------------------------------------------------- */

typedef struct fx {
    story_t *story;
    model_t *v1, *v2, *both;
} fx_t;

static int setup(void **state)
{
    fx_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->story = story_new();
    f->v1 = fx_model(0, 0, 0);
    f->v2 = fx_model(0, 0, 0);
    f->both = fx_model(0, 0, 0);
    story_fold(f->v1, f->story, ONLY_V1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    story_free(f->story);
    model_free(f->v1);
    model_free(f->v2);
    model_free(f->both);
    free(f);
    return 0;
}

/* ---- the timeline ------------------------------------------------------------------- */

static void timeline_from_tasks_equals_timeline_from_v1(void **state)
{
    fx_t *f = *state;

    story_fold(f->v2, f->story, ONLY_V2);
    assert_true(model_has_tasks(f->v2));
    assert_false(model_has_tasks(f->v1));
    assert_int_equal(model_iteration_count(f->v1), story_count(ST_LOOP, O_START));
    assert_timelines_equal(f->v1, f->v2);
    /* A FILE.v2 alone raises the same errors. */
    assert_int_equal(model_error_count(f->v1), story_errors(ST__ANY));
    assert_errors_equal(f->v1, f->v2);
    assert_int_equal(model_session(f->v2), story_count(ST_META, O_START));
}

static void interleaved_streams_make_one_timeline_from_tasks(void **state)
{
    fx_t *f = *state;
    const size_t leads[] = { 1, 3, 1000 };

    for (size_t i = 0; i < sizeof leads / sizeof leads[0]; i++)
        for (int v2_first = 0; v2_first < 2; v2_first++) {
            model_clear(f->both);
            model_clear_v2(f->both, 0);
            story_fold_interleaved(f->both, f->story, leads[i], v2_first);
            assert_true(model_has_tasks(f->both));
            assert_int_equal(model_session(f->both), model_session(f->v1));
            assert_timelines_equal(f->v1, f->both);
            /* v1 keeps the errors: none twice, whichever stream came first. */
            assert_errors_equal(f->v1, f->both);
        }
}

static void v1_coming_after_v2_takes_the_mirror_and_errors_over(void **state)
{
    fx_t *f = *state;

    story_fold(f->both, f->story, ONLY_V2);
    assert_int_equal(model_error_count(f->both), model_error_count(f->v1));
    story_fold(f->both, f->story, ONLY_V1);
    assert_errors_equal(f->v1, f->both);
    assert_timelines_equal(f->v1, f->both);
    /* The mirror is v1's alone: byte for byte what v1 alone folds. */
    const Proto__State *a = model_state(f->v1), *b = model_state(f->both);
    size_t na = protobuf_c_message_get_packed_size(&a->base);
    assert_int_equal(na, protobuf_c_message_get_packed_size(&b->base));
    uint8_t *pa = malloc(na + 1), *pb = malloc(na + 1);
    protobuf_c_message_pack(&a->base, pa);
    protobuf_c_message_pack(&b->base, pb);
    assert_memory_equal(pa, pb, na);
    free(pa);
    free(pb);
}

static void cache_checks_platforms_and_render_come_from_v2_only(void **state)
{
    fx_t *f = *state;

    story_fold(f->v2, f->story, ONLY_V2);
    const iteration_t *it = model_iteration(f->v2, 0);
    assert_non_null(it);
    assert_int_equal(it->n_builds, 2);
    /* app: a miss, then built; web: a hit, no build span. */
    assert_string_equal(it->builds[0].artifact, "app");
    assert_int_equal(it->builds[0].cache, CACHE_MISS);
    assert_int_equal(it->builds[0].span.status, STATUS_SUCCEEDED);
    assert_string_equal(it->builds[0].platforms, STORY_PLATFORMS);
    assert_string_equal(it->builds[1].artifact, "web");
    assert_int_equal(it->builds[1].cache, CACHE_HIT);
    assert_int_equal(it->builds[1].span.status, STATUS_NONE);
    assert_int_equal(it->builds[1].span.start_ns, 0);
    /* v1 knows nothing of the cache. */
    const iteration_t *v1 = model_iteration(f->v1, 0);
    assert_int_equal(v1->n_builds, 1);
    assert_int_equal(v1->builds[0].cache, CACHE_UNKNOWN);
    assert_null(v1->builds[0].platforms);
    assert_int_equal(v1->render.status, STATUS_NONE);
    /* Render ran in the first loop only. */
    assert_int_equal(story_count(ST_RENDER, O_START), 1);
    assert_int_equal(it->render.status, STATUS_SUCCEEDED);
    assert_int_equal(it->render.start_ns, story_time(ST_RENDER, O_START, 0));
    assert_int_equal(it->render.end_ns, story_time(ST_RENDER, O_OK, 0));
    assert_int_equal(model_iteration(f->v2, 1)->render.status, STATUS_NONE);
}

static void a_cache_check_in_progress_is_checking(void **state)
{
    fx_t *f = *state;

    fold2_at(f->v2, 1 * SEC, v2_task("DevLoop", 1, "InProgress", NULL));
    fold2_at(f->v2, 2 * SEC, v2_build("app", 1, "Cache", "InProgress", "", NULL));
    const iteration_t *it = model_current_iteration(f->v2);
    assert_int_equal(it->n_builds, 1);
    assert_int_equal(it->builds[0].cache, CACHE_CHECKING);
    assert_null(it->builds[0].platforms);
    /* A miss is no failure: the iteration goes on. */
    fold2_at(f->v2, 3 * SEC, v2_build("app", 1, "Cache", "Failed", "", NULL));
    it = model_current_iteration(f->v2);
    assert_int_equal(it->builds[0].cache, CACHE_MISS);
    assert_int_equal(it->span.status, STATUS_IN_PROGRESS);
    assert_int_equal(model_error_count(f->v2), 0);
}

static void tasks_of_a_dev_loop_number_from_zero(void **state)
{
    fx_t *f = *state;

    fold2_at(f->v2, 1 * SEC, v2_task("DevLoop", 1, "InProgress", NULL));
    fold2_at(f->v2, 2 * SEC, v2_task("DevLoop", 1, "Succeeded", NULL));
    fold2_at(f->v2, 3 * SEC, v2_task("DevLoop", 2, "InProgress", NULL));
    fold2_at(f->v2, 4 * SEC, v2_task("Deploy", 2, "InProgress", NULL));
    assert_int_equal(model_iteration_count(f->v2), 2);
    assert_int_equal(model_iteration(f->v2, 0)->number, 0);
    assert_int_equal(model_iteration(f->v2, 1)->number, 1);
    assert_int_equal(model_current_iteration(f->v2)->deploy.start_ns, 4 * SEC);
    assert_false(model_current_iteration(f->v2)->implicit);
}

static void tasks_without_a_dev_loop_open_an_implicit_iteration(void **state)
{
    fx_t *f = *state;

    /* `skaffold run`: tasks of iteration 0, no DevLoop task. */
    fold2_at(f->v2, 1 * SEC, v2_task("Build", 0, "InProgress", NULL));
    fold2_at(f->v2, 2 * SEC, v2_build("app", 0, "Build", "InProgress", "", NULL));
    fold2_at(f->v2, 3 * SEC, v2_build("app", 0, "Build", "Succeeded", "", NULL));
    fold2_at(f->v2, 4 * SEC, v2_task("Build", 0, "Succeeded", NULL));
    fold2_at(f->v2, 5 * SEC, v2_task("Deploy", 0, "InProgress", NULL));
    fold2_at(f->v2, 6 * SEC, v2_task("Deploy", 0, "Succeeded", NULL));
    assert_int_equal(model_iteration_count(f->v2), 1);
    const iteration_t *it = model_current_iteration(f->v2);
    assert_true(it->implicit);
    assert_int_equal(it->number, 0);
    assert_int_equal(it->builds[0].span.end_ns, 3 * SEC);
    assert_int_equal(it->span.status, STATUS_SUCCEEDED);
    assert_int_equal(it->span.end_ns, 6 * SEC);
}

/* ---- sessions ----------------------------------------------------------------------- */

static void the_meta_event_of_each_dev_loop_starts_no_session(void **state)
{
    fx_t *f = *state;
    const char *const arts[] = { "app" };

    fold2_at(f->v2, 1 * SEC, v2_meta("Starting Skaffold", "run-a", 1, arts));
    fold2_at(f->v2, 2 * SEC, v2_task("DevLoop", 1, "InProgress", NULL));
    fold2_at(f->v2, 3 * SEC, v2_meta("Starting Skaffold", "run-a", 1, arts));
    fold2_at(f->v2, 4 * SEC, v2_task("DevLoop", 1, "Succeeded", NULL));
    assert_int_equal(model_session(f->v2), 1);
    /* A MetaEvent outside a dev loop is a new runner: a new session. */
    fold2_at(f->v2, 5 * SEC, v2_meta("Starting Skaffold", "run-b", 1, arts));
    assert_int_equal(model_session(f->v2), 2);
    /* So is one inside a dev loop of another run (the first process died). */
    fold2_at(f->v2, 6 * SEC, v2_task("DevLoop", 1, "InProgress", NULL));
    fold2_at(f->v2, 7 * SEC, v2_meta("Starting Skaffold", "run-c", 1, arts));
    assert_int_equal(model_session(f->v2), 3);
    assert_int_equal(model_iteration(f->v2, 1)->session, 2);
    assert_int_equal(model_iteration(f->v2, 1)->span.end_ns, 7 * SEC);
}

static void a_restarted_runner_numbers_its_loops_from_zero(void **state)
{
    fx_t *f = *state;
    const char *const arts[] = { "app" };

    fold2_at(f->v2, 1 * SEC, v2_meta("Starting Skaffold", "run-a", 1, arts));
    for (int i = 1; i <= 4; i++) {
        fold2_at(f->v2, (2 * i) * SEC, v2_task("DevLoop", i, "InProgress", NULL));
        fold2_at(f->v2, (2 * i + 1) * SEC, v2_task("DevLoop", i, "Succeeded", NULL));
    }
    /* skaffold.yaml changed: a new runner in the same process goes on
     * counting (DevLoop-5), v1 starts again at 0. */
    fold2_at(f->v2, 20 * SEC, v2_meta("Starting Skaffold", "run-a", 1, arts));
    fold2_at(f->v2, 21 * SEC, v2_task("DevLoop", 5, "InProgress", NULL));
    const iteration_t *it = model_current_iteration(f->v2);
    assert_int_equal(it->session, 2);
    assert_int_equal(it->number, 0);
}

static void v1_and_v2_of_one_process_share_a_session(void **state)
{
    fx_t *f = *state;
    const char *const arts[] = { "app" };

    /* v2 arrives first, then v1 of the same process. */
    fold2_at(f->both, 1 * SEC, v2_meta("Starting Skaffold", "run-a", 1, arts));
    fold2_at(f->both, 2 * SEC, v2_task("DevLoop", 1, "InProgress", NULL));
    fold_at(f->both, 1 * SEC, ev_meta("Starting Skaffold", true));
    fold_at(f->both, 2 * SEC, ev_devloop(0, "In Progress", NULL));
    assert_int_equal(model_session(f->both), 1);
    assert_int_equal(model_session_of(f->both, 0), 1);
    assert_int_equal(model_iteration_count(f->both), 1);
}

/* The step that begins the story's second session. */
static size_t story_second_session(void)
{
    size_t seen = 0;
    for (size_t i = 0; i < N_STEPS; i++)
        if (story_steps[i].kind == ST_META && seen++ == 1)
            return i;
    fail_msg("the story has one session");
    return 0;
}

static void a_log_whose_first_session_has_no_v2_keeps_it_v1s(void **state)
{
    fx_t *f = *state;
    size_t second = story_second_session();

    /* Skaffold 1.x wrote the first session (no FILE.v2 then), 2.x the
     * second: the v2 events join the second session by their time. */
    for (size_t i = 0; i < f->story->n; i++)
        if (f->story->r[i].v1 != NULL || f->story->r[i].step >= second)
            story_fold_rec(f->both, &f->story->r[i]);
    assert_int_equal(model_session(f->both), 2);
    assert_true(model_has_tasks(f->both));
    assert_timelines_equal(f->v1, f->both);
    assert_errors_equal(f->v1, f->both);
    /* Only the second session's iterations come from tasks: the render
     * step is v2's alone. */
    assert_int_equal(model_iteration(f->both, 0)->render.status, STATUS_NONE);
}

static void v2_joining_after_v1_passed_a_restart_finds_its_session(void **state)
{
    fx_t *f = *state;

    /* A live v1 stream replayed both runners before v2's first event. */
    story_fold(f->both, f->story, ONLY_V1);
    story_fold(f->both, f->story, ONLY_V2);
    assert_int_equal(model_session(f->both), model_session(f->v1));
    assert_timelines_equal(f->v1, f->both);
    assert_int_equal(model_iteration(f->both, 0)->render.status, STATUS_SUCCEEDED);
    assert_int_equal(model_iteration(f->both, 0)->session, 1);
}

/* ---- errors ------------------------------------------------------------------------- */

static void a_failed_task_raises_its_actionable_err_once(void **state)
{
    fx_t *f = *state;

    story_fold(f->v2, f->story, ONLY_V2);
    /* The failed build: its subtask (the artifact) and the dev loop; the
     * Build task's own failure is the same error again. */
    size_t builds = 0, loops = 0;
    for (size_t i = 0; i < model_error_count(f->v2); i++) {
        const model_error_t *e = model_error_at(f->v2, i);
        builds += e->phase == PHASE_BUILD;
        loops += e->phase == PHASE_DEVLOOP;
        if (e->phase == PHASE_BUILD) {
            assert_string_equal(e->subject, "app");
            assert_int_equal(e->code, PROTO__STATUS_CODE__BUILD_DOCKER_DAEMON_NOT_RUNNING);
            assert_int_equal(e->n_suggestions, 1);
            assert_string_equal(e->suggestions[0].action, "fix it");
            assert_true(e->resolved); /* app built again later */
        }
    }
    assert_int_equal(builds, story_errors(ST_ART));
    assert_int_equal(loops, story_errors(ST_LOOP));
    assert_true(story_errors(ST_LOOP) < story_failures(ST_LOOP)); /* one restates its phase's */
    /* The failed iteration points at the dev loop's error. */
    const iteration_t *it = model_iteration(f->v2, 2);
    assert_int_equal(it->span.status, STATUS_FAILED);
    assert_int_equal(error_code(f->v2, it->error_id), PROTO__STATUS_CODE__BUILD_DOCKER_DAEMON_NOT_RUNNING);
    assert_int_equal(model_error_by_id(f->v2, it->error_id)->phase, PHASE_DEVLOOP);
}

static void render_verify_exec_failures_are_errors(void **state)
{
    fx_t *f = *state;

    fold2_at(f->v2, 1 * SEC, v2_task("DevLoop", 1, "InProgress", NULL));
    fold2_at(f->v2, 2 * SEC, v2_task("Render", 1, "InProgress", NULL));
    fold2_at(f->v2, 3 * SEC, v2_task("Render", 1, "Failed",
                                     v2_ae(PROTO__STATUS_CODE__DEPLOY_CLEANUP_ERR, "bad manifest", NULL)));
    assert_int_equal(model_error_count(f->v2), 1);
    assert_int_equal(model_error_at(f->v2, 0)->phase, PHASE_DEPLOY);
    assert_string_equal(model_error_at(f->v2, 0)->message, "bad manifest");
    assert_int_equal(model_current_iteration(f->v2)->render.status, STATUS_FAILED);
    /* A render that succeeds resolves nothing by itself. */
    fold2_at(f->v2, 4 * SEC, v2_task("Render", 1, "Succeeded", NULL));
    assert_int_equal(model_unresolved_errors(f->v2), 1);
}

/* ---- a FILE.v2 alone: the mirror ------------------------------------------------------- */

static const char *st_test(const model_t *m)
{
    return model_state(m)->teststate->status;
}

static void v2_alone_folds_the_mirror_with_v2_strings(void **state)
{
    fx_t *f = *state;
    const char *const arts[] = { "app", "web" };

    fold2_at(f->v2, 1 * SEC, v2_meta("Starting Skaffold: v2", "run-a", 2, arts));
    /* InitializeState: the configured artifacts, not started. */
    assert_string_equal(st_artifact(f->v2, "app"), "NotStarted");
    assert_string_equal(st_artifact(f->v2, "web"), "NotStarted");
    assert_string_equal(model_state(f->v2)->deploystate->status, "NotStarted");
    assert_string_equal(model_version(f->v2), "Starting Skaffold: v2");
    const Proto__Metadata *md = model_state(f->v2)->metadata;
    assert_non_null(md);
    assert_int_equal(md->build->numberofartifacts, 2);
    assert_int_equal(md->build->n_builders, 2); /* docker and ko */
    assert_int_equal(md->deploy->cluster, PROTO__CLUSTER_TYPE__MINIKUBE);
    fold2_at(f->v2, 2 * SEC, v2_task("DevLoop", 1, "InProgress", NULL));
    fold2_at(f->v2, 3 * SEC, v2_task("Build", 1, "InProgress", NULL));
    fold2_at(f->v2, 4 * SEC, v2_build("app", 1, "Cache", "Failed", "", NULL));
    assert_string_equal(st_artifact(f->v2, "app"), "NotStarted"); /* a cache step is no build */
    fold2_at(f->v2, 5 * SEC, v2_build("app", 1, "Build", "InProgress", "", NULL));
    assert_string_equal(st_artifact(f->v2, "app"), "InProgress");
    fold2_at(f->v2, 6 * SEC, v2_build("app", 1, "Build", "Succeeded", "", NULL));
    assert_string_equal(st_artifact(f->v2, "app"), "Succeeded");
    fold2_at(f->v2, 7 * SEC, v2_indexed(PROTO__V2__EVENT__EVENT_TYPE_TEST_EVENT, "Test", 1, "Succeeded"));
    assert_string_equal(st_test(f->v2), "Succeeded");
    fold2_at(f->v2, 8 * SEC, v2_task("Deploy", 1, "InProgress", NULL));
    fold2_at(f->v2, 9 * SEC, v2_indexed(PROTO__V2__EVENT__EVENT_TYPE_DEPLOY_SUBTASK_EVENT, "Deploy", 1, "Succeeded"));
    assert_string_equal(model_state(f->v2)->deploystate->status, "Succeeded");
    /* The v2 server sets no statusCode. */
    assert_int_equal(model_state(f->v2)->deploystate->statuscode, 0);
    fold2_at(f->v2, 10 * SEC, v2_resource("deployment/app", 1, "InProgress",
                                          PROTO__STATUS_CODE__STATUSCHECK_CONTAINER_CREATING, NULL));
    assert_string_equal(st_resource(f->v2, "deployment/app"), "InProgress");
    const model_resource_t *r = model_resource_find(f->v2, "deployment/app");
    assert_non_null(r);
    assert_int_equal(r->code, PROTO__STATUS_CODE__STATUSCHECK_CONTAINER_CREATING);
    fold2_at(f->v2, 11 * SEC, v2_sync("app", 1, "Succeeded", NULL));
    assert_string_equal(model_state(f->v2)->filesyncstate->status, "Succeeded");
    fold2_at(f->v2, 12 * SEC, v2_task("DevLoop", 1, "Succeeded", NULL));
    /* The next loop's build resets the State as v1's server does. */
    fold2_at(f->v2, 13 * SEC, v2_task("DevLoop", 2, "InProgress", NULL));
    fold2_at(f->v2, 14 * SEC, v2_task("Build", 2, "InProgress", NULL));
    assert_string_equal(st_artifact(f->v2, "app"), "NotStarted");
    assert_string_equal(model_state(f->v2)->deploystate->status, "NotStarted");
    assert_string_equal(st_test(f->v2), "NotStarted");
    assert_int_equal(model_state(f->v2)->statuscheckstate->n_resources, 0);
    assert_int_equal(model_resource_count(f->v2), 0);
}

static void v2_ports_and_debugging_containers_fold_as_v1(void **state)
{
    fx_t *f = *state;
    Proto__V2__PortForwardEvent *p = fx_new(&proto__v2__port_forward_event__descriptor);
    p->localport = 4503;
    p->podname = fx_str("app-6d4b");
    p->containername = fx_str("app");
    p->namespace_ = fx_str("default");
    p->resourcetype = fx_str("service");
    p->resourcename = fx_str("app");
    p->address = fx_str("127.0.0.1");
    p->targetport = fx_new(&proto__v2__int_or_string__descriptor);
    p->targetport->intval = 8080;
    fold2_at(f->v2, 1 * SEC, v2_event(PROTO__V2__EVENT__EVENT_TYPE_PORT_EVENT, p));
    const Proto__PortEvent *pe = st_port(f->v2, 4503);
    assert_non_null(pe);
    assert_int_equal(pe->remoteport, 8080);
    assert_int_equal(pe->targetport->intval, 8080);
    assert_string_equal(pe->resourcename, "app");
    assert_string_equal(pe->address, "127.0.0.1");

    Proto__V2__DebuggingContainerEvent *d = fx_new(&proto__v2__debugging_container_event__descriptor);
    d->status = fx_str("Started");
    d->podname = fx_str("app-6d4b");
    d->containername = fx_str("app");
    d->namespace_ = fx_str("default");
    d->runtime = fx_str("go");
    d->debugports = calloc(1, sizeof *d->debugports);
    d->debugports[0] = fx_new(&proto__v2__debugging_container_event__debug_ports_entry__descriptor);
    d->debugports[0]->key = fx_str("dlv");
    d->debugports[0]->value = 56268;
    d->n_debugports = 1;
    fold2_at(f->v2, 2 * SEC, v2_event(PROTO__V2__EVENT__EVENT_TYPE_DEBUGGING_CONTAINER_EVENT, d));
    const Proto__State *s = model_state(f->v2);
    assert_int_equal(s->n_debuggingcontainers, 1);
    assert_string_equal(s->debuggingcontainers[0]->runtime, "go");
    assert_int_equal(s->debuggingcontainers[0]->n_debugports, 1);
    assert_int_equal(s->debuggingcontainers[0]->debugports[0]->value, 56268);
}

static void a_get_state_takes_the_mirror_over_from_v2(void **state)
{
    fx_t *f = *state;

    /* v2 came first on a live connection; v1's stream brings nothing yet,
     * but GetState answers: the mirror is the server's from then on. */
    story_fold(f->both, f->story, ONLY_V2);
    assert_int_not_equal(model_error_count(f->both), 0);
    model_reconcile(f->both, model_state(f->v1), model_seq(f->both));
    assert_int_equal(model_error_count(f->both), 0);
    size_t n = model_state(f->both)->buildstate->n_artifacts;
    assert_int_equal(n, model_state(f->v1)->buildstate->n_artifacts);
    fold2_at(f->both, 1000 * SEC, v2_build("brand-new", 9, "Build", "InProgress", "", NULL));
    assert_null(st_artifact(f->both, "brand-new"));
    assert_int_equal(model_state(f->both)->buildstate->n_artifacts, n);
    /* ... and through v1's reconnects (model_clear). */
    model_clear(f->both);
    fold2_at(f->both, 1001 * SEC, v2_build("app", 9, "Build", "Failed", "", v2_ae(1, "x", NULL)));
    assert_int_equal(model_state(f->both)->buildstate->n_artifacts, 0);
    assert_int_equal(model_error_count(f->both), 0);
}

/* ---- endpoints ---------------------------------------------------------------------- */

static Proto__V2__Event *v2_cloud_run(const char *resource, const char *url, const char *rev)
{
    Proto__V2__CloudRunReadyEvent *c = fx_new(&proto__v2__cloud_run_ready_event__descriptor);
    c->id = fx_str("0");
    c->task_id = task_id("Deploy", 1);
    c->resource = fx_str(resource);
    c->url = fx_str(url);
    c->ready_revision = fx_str(rev);
    return v2_event(PROTO__V2__EVENT__EVENT_TYPE_CLOUD_RUN_READY_EVENT, c);
}

static void cloud_run_ready_adds_an_endpoint(void **state)
{
    fx_t *f = *state;

    fold2_at(f->v2, 1 * SEC, v2_cloud_run("service/hello", "https://hello-x.a.run.app", "hello-001"));
    fold2_at(f->v2, 2 * SEC, v2_cloud_run("service/world", "https://world-x.a.run.app", "world-001"));
    /* A new revision of the same service replaces its endpoint. */
    fold2_at(f->v2, 3 * SEC, v2_cloud_run("service/hello", "https://hello-x.a.run.app", "hello-002"));
    assert_int_equal(model_endpoint_count(f->v2), 2);
    const model_endpoint_t *e = model_endpoint_at(f->v2, 0);
    assert_string_equal(e->resource, "service/hello");
    assert_string_equal(e->url, "https://hello-x.a.run.app");
    assert_string_equal(e->revision, "hello-002");
    assert_int_equal(e->session, 1);
    assert_null(model_endpoint_at(f->v2, 2));
}

static void endpoints_stay_bounded(void **state)
{
    fx_t *f = *state;
    char name[32];

    for (int i = 0; i <= MODEL_ENDPOINTS_MAX; i++) {
        snprintf(name, sizeof name, "service/s%d", i);
        fold2_at(f->v2, (i + 1) * SEC, v2_cloud_run(name, "https://x.a.run.app", "r"));
    }
    assert_int_equal(model_endpoint_count(f->v2), MODEL_ENDPOINTS_MAX);
    assert_string_equal(model_endpoint_at(f->v2, 0)->resource, "service/s1");
}

/* ---- Skaffold's output and the application's ------------------------------------------- */

static Proto__V2__Event *v2_skaffold_log(const char *task, const char *subtask, int level, const char *msg)
{
    Proto__V2__SkaffoldLogEvent *l = fx_new(&proto__v2__skaffold_log_event__descriptor);
    l->task_id = fx_str(task);
    l->subtask_id = fx_str(subtask);
    l->level = level;
    l->message = fx_str(msg);
    return v2_event(PROTO__V2__EVENT__EVENT_TYPE_SKAFFOLD_LOG_EVENT, l);
}

static Proto__V2__Event *v2_app_log(const char *pod, const char *container, const char *msg)
{
    Proto__V2__ApplicationLogEvent *a = fx_new(&proto__v2__application_log_event__descriptor);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "[%s]", container);
    a->podname = fx_str(pod);
    a->containername = fx_str(container);
    a->prefix = fx_str(prefix);
    a->message = fx_str(msg);
    return v2_event(PROTO__V2__EVENT__EVENT_TYPE_APPLICATION_LOG_EVENT, a);
}

/* The newest line held (a clear of one source leaves holes). */
static const log_line_t *newest_line(const model_t *m)
{
    const logs_t *l = model_logs(m);
    for (uint64_t seq = logs_last(l); seq >= logs_first(l) && seq > 0; seq--)
        if (logs_get(l, seq) != NULL)
            return logs_get(l, seq);
    return NULL;
}

/* A reconnect to the same address reaching another Skaffold (restarted):
 * both streams start again (model_clear, model_clear_tasks) and the lines
 * held stay; told so, the model numbers the new server's session after
 * them, whichever stream comes first, so the Logs view's lines of the two
 * servers do not share session 1. */
static void a_restarted_server_starts_the_next_session(void **state)
{
    fx_t *f = *state;
    const char *const arts[] = { "app" };
    for (int v1_first = 0; v1_first < 2; v1_first++) {
        model_t *m = model_new(NULL);
        fold2_at(m, 1 * SEC, v2_meta("Starting Skaffold", "run-a", 1, arts));
        fold_at(m, 1 * SEC, ev_meta("Starting Skaffold", true));
        fold2_at(m, 2 * SEC, v2_skaffold_log("Build-1", "app", PROTO__LOG_LEVEL__STANDARD, "old server\n"));
        assert_int_equal(newest_line(m)->session, 1);
        model_clear(m);
        model_clear_tasks(m);
        model_new_server(m);
        if (v1_first)
            fold_at(m, 10 * SEC, ev_meta("Starting Skaffold", true));
        fold2_at(m, 10 * SEC, v2_meta("Starting Skaffold", "run-b", 1, arts));
        if (!v1_first)
            fold_at(m, 10 * SEC, ev_meta("Starting Skaffold", true));
        fold2_at(m, 11 * SEC, v2_skaffold_log("Build-1", "app", PROTO__LOG_LEVEL__STANDARD, "new server\n"));
        const log_line_t *line = newest_line(m);
        assert_string_equal(line->text, "new server");
        assert_int_equal(line->session, 2);
        assert_int_equal(logs_get(model_logs(m), logs_first(model_logs(m)))->session, 1);
        assert_int_equal(model_session(m), 2);
        assert_int_equal(model_session_of(m, 0), 2); /* v1's first entry: the same session */
        model_free(m);
    }
    (void)f;
}

static void skaffold_output_goes_to_the_log_attributed(void **state)
{
    fx_t *f = *state;

    fold2_at(f->v2, 1 * SEC, v2_task("DevLoop", 1, "InProgress", NULL));
    fold2_at(f->v2, 2 * SEC, v2_skaffold_log("Build-1", "app", PROTO__LOG_LEVEL__STANDARD,
                                             "Building [app]...\nTarget platforms: [linux/amd64]\n"));
    assert_int_equal(logs_count(model_logs(f->v2)), 2);
    const log_line_t *line = newest_line(f->v2);
    assert_non_null(line);
    assert_int_equal(line->src, LOG_SKAFFOLD);
    assert_string_equal(line->text, "Target platforms: [linux/amd64]");
    assert_string_equal(line->task, "Build");
    assert_string_equal(line->subject, "app");
    assert_int_equal(line->iteration, model_current_iteration(f->v2)->number);
    assert_int_equal(line->session, model_session(f->v2));
    assert_int_equal(line->time_ns, 2 * SEC);
    /* Output lines leave the timeline as it was. */
    assert_int_equal(model_iteration_count(f->v2), 1);
    /* An application line belongs to the dev loop running when it came. */
    fold2_at(f->v2, 3 * SEC, v2_task("DevLoop", 1, "Succeeded", NULL));
    fold2_at(f->v2, 4 * SEC, v2_task("DevLoop", 2, "InProgress", NULL));
    Proto__V2__Event *ev = v2_app_log("app-1", "app", "ready\n");
    v2_stamp(ev, 5 * SEC);
    assert_int_equal(model_fold_v2(f->v2, ev, 1), 0);
    protobuf_c_message_free_unpacked(&ev->base, NULL);
    assert_int_equal(newest_line(f->v2)->iteration, 1);
    assert_int_equal(model_current_iteration(f->v2)->number, 1);
}

static void application_lines_belong_to_the_current_dev_loop(void **state)
{
    fx_t *f = *state;

    story_fold(f->both, f->story, ONLY_V1 | ONLY_V2);
    Proto__V2__Event *ev = v2_app_log("app-7f9c-k1", "app", "listening on :8080\n");
    v2_stamp(ev, 100 * SEC);
    assert_int_equal(model_fold_v2(f->both, ev, 1), 0);
    protobuf_c_message_free_unpacked(&ev->base, NULL);
    const log_line_t *line = newest_line(f->both);
    assert_non_null(line);
    assert_int_equal(line->src, LOG_APP);
    assert_string_equal(line->pod, "app-7f9c-k1");
    assert_string_equal(line->container, "app");
    assert_string_equal(line->prefix, "[app]");
    assert_string_equal(line->text, "listening on :8080");
    assert_int_equal(line->iteration, model_current_iteration(f->both)->number);
    assert_int_equal(line->session, model_session(f->both));
}

static void clearing_a_stream_forgets_its_lines_only(void **state)
{
    fx_t *f = *state;

    fold2_at(f->v2, 1 * SEC, v2_skaffold_log("Build-1", "-1", PROTO__LOG_LEVEL__INFO, "one\n"));
    Proto__V2__Event *ev = v2_app_log("p", "c", "two\n");
    v2_stamp(ev, 2 * SEC);
    assert_int_equal(model_fold_v2(f->v2, ev, 1), 0);
    protobuf_c_message_free_unpacked(&ev->base, NULL);
    assert_int_equal(logs_count(model_logs(f->v2)), 2);
    model_clear_v2(f->v2, 1);
    assert_int_equal(logs_count(model_logs(f->v2)), 1);
    assert_int_equal(newest_line(f->v2)->src, LOG_SKAFFOLD);
    model_clear_v2(f->v2, 0);
    assert_int_equal(logs_count(model_logs(f->v2)), 0);
    /* model_clear (v1's replay) keeps v2's lines. */
    fold2_at(f->v2, 3 * SEC, v2_skaffold_log("Build-1", "-1", PROTO__LOG_LEVEL__INFO, "three\n"));
    model_clear(f->v2);
    assert_int_equal(logs_count(model_logs(f->v2)), 1);
}

static void the_log_keeps_logs_cap_lines(void **state)
{
    model_opts_t o = { .logs_cap = 3 };
    model_t *m = model_new(&o);
    char msg[32];

    (void)state;
    for (int i = 0; i < 5; i++) {
        snprintf(msg, sizeof msg, "line %d\n", i);
        fold2_at(m, (i + 1) * SEC, v2_skaffold_log("Deploy-1", "0", PROTO__LOG_LEVEL__STANDARD, msg));
    }
    assert_int_equal(logs_count(model_logs(m)), o.logs_cap);
    assert_string_equal(newest_line(m)->text, "line 4");
    model_free(m);
}

/* ---- clearing ----------------------------------------------------------------------- */

static void clear_v2_gives_the_timeline_back_to_v1(void **state)
{
    fx_t *f = *state;

    story_fold(f->both, f->story, ONLY_V1 | ONLY_V2);
    assert_true(model_has_tasks(f->both));
    model_clear_v2(f->both, 0);
    assert_false(model_has_tasks(f->both));
    assert_timelines_equal(f->v1, f->both);
    assert_errors_equal(f->v1, f->both);
    /* ... and the replay brings the tasks back, once. */
    story_fold(f->both, f->story, ONLY_V2);
    assert_true(model_has_tasks(f->both));
    assert_timelines_equal(f->v1, f->both);
    assert_errors_equal(f->v1, f->both);
    assert_int_equal(model_session(f->both), model_session(f->v1));
}

static void clear_v2_of_a_v2_alone_model_forgets_what_it_raised(void **state)
{
    fx_t *f = *state;

    story_fold(f->v2, f->story, ONLY_V2);
    assert_int_not_equal(model_error_count(f->v2), 0);
    model_clear_v2(f->v2, 0);
    assert_int_equal(model_error_count(f->v2), 0);
    assert_int_equal(model_iteration_count(f->v2), 0);
    assert_int_equal(model_state(f->v2)->buildstate->n_artifacts, 0);
    assert_string_equal(model_version(f->v2), "");
    story_fold(f->v2, f->story, ONLY_V2);
    assert_errors_equal(f->v1, f->v2);
    assert_timelines_equal(f->v1, f->v2);
}

static void model_clear_keeps_the_tasks(void **state)
{
    fx_t *f = *state;

    story_fold(f->both, f->story, ONLY_V1 | ONLY_V2);
    model_clear(f->both); /* v1 reconnects; v2 goes on */
    assert_int_equal(model_error_count(f->both), 0);
    assert_int_equal(model_session(f->both), model_session(f->v1));
    assert_int_equal(model_iteration_count(f->both), model_iteration_count(f->v1));
    story_fold(f->both, f->story, ONLY_V1);
    assert_timelines_equal(f->v1, f->both);
    assert_errors_equal(f->v1, f->both);
}

static void v2_errors_beyond_the_cap_go_when_v1_arrives(void **state)
{
    fx_t *f = *state;
    size_t cap = story_failures(ST__ANY) / 2;
    model_t *a = fx_model(0, 0, cap), *b = fx_model(0, 0, cap);

    story_fold(a, f->story, ONLY_V1);
    story_fold(b, f->story, ONLY_V2);
    assert_int_equal(model_error_count(b), cap);
    story_fold(b, f->story, ONLY_V1);
    assert_errors_equal(a, b);
    model_free(a);
    model_free(b);
}

static void after_model_clear_no_iteration_points_at_a_stale_error(void **state)
{
    fx_t *f = *state;

    story_fold(f->both, f->story, ONLY_V1 | ONLY_V2);
    assert_timelines_equal(f->v1, f->both); /* the failed iterations point at v1's errors */
    model_clear(f->both);
    for (size_t i = 0; i < model_iteration_count(f->both); i++)
        assert_int_equal(model_iteration(f->both, i)->error_id, 0);
    /* The replay's first error takes id 1 again: only the iteration it
     * happened in may point at it. */
    for (size_t i = 0; i < f->story->n; i++) {
        if (f->story->r[i].v1 == NULL)
            continue;
        story_fold_rec(f->both, &f->story->r[i]);
        for (size_t k = 0; k < model_iteration_count(f->both); k++) {
            const iteration_t *it = model_iteration(f->both, k);
            const model_error_t *e = it->error_id ? model_error_by_id(f->both, it->error_id) : NULL;
            if (e != NULL) {
                assert_int_equal(e->session, it->session);
                assert_int_equal(e->iteration, it->number);
            }
        }
    }
    assert_timelines_equal(f->v1, f->both);
}

static void an_event_without_a_type_is_refused(void **state)
{
    fx_t *f = *state;
    Proto__V2__Event *ev = fx_new(&proto__v2__event__descriptor);
    uint64_t g = model_generation(f->v2);

    assert_int_equal(model_fold_v2(f->v2, ev, 0), -1);
    assert_int_equal(model_fold_v2(f->v2, NULL, 0), -1);
    assert_int_equal(model_iteration_count(f->v2), 0);
    assert_true(model_generation(f->v2) > g);
    protobuf_c_message_free_unpacked(&ev->base, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(timeline_from_tasks_equals_timeline_from_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(interleaved_streams_make_one_timeline_from_tasks, setup, teardown),
        cmocka_unit_test_setup_teardown(v1_coming_after_v2_takes_the_mirror_and_errors_over, setup, teardown),
        cmocka_unit_test_setup_teardown(cache_checks_platforms_and_render_come_from_v2_only, setup, teardown),
        cmocka_unit_test_setup_teardown(a_cache_check_in_progress_is_checking, setup, teardown),
        cmocka_unit_test_setup_teardown(tasks_of_a_dev_loop_number_from_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(tasks_without_a_dev_loop_open_an_implicit_iteration, setup, teardown),
        cmocka_unit_test_setup_teardown(the_meta_event_of_each_dev_loop_starts_no_session, setup, teardown),
        cmocka_unit_test_setup_teardown(a_restarted_runner_numbers_its_loops_from_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(v1_and_v2_of_one_process_share_a_session, setup, teardown),
        cmocka_unit_test_setup_teardown(a_log_whose_first_session_has_no_v2_keeps_it_v1s, setup, teardown),
        cmocka_unit_test_setup_teardown(v2_joining_after_v1_passed_a_restart_finds_its_session, setup, teardown),
        cmocka_unit_test_setup_teardown(a_restarted_server_starts_the_next_session, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_task_raises_its_actionable_err_once, setup, teardown),
        cmocka_unit_test_setup_teardown(render_verify_exec_failures_are_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(v2_alone_folds_the_mirror_with_v2_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(v2_ports_and_debugging_containers_fold_as_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(a_get_state_takes_the_mirror_over_from_v2, setup, teardown),
        cmocka_unit_test_setup_teardown(cloud_run_ready_adds_an_endpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(endpoints_stay_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(skaffold_output_goes_to_the_log_attributed, setup, teardown),
        cmocka_unit_test_setup_teardown(application_lines_belong_to_the_current_dev_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(clearing_a_stream_forgets_its_lines_only, setup, teardown),
        cmocka_unit_test_setup_teardown(the_log_keeps_logs_cap_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(clear_v2_gives_the_timeline_back_to_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(clear_v2_of_a_v2_alone_model_forgets_what_it_raised, setup, teardown),
        cmocka_unit_test_setup_teardown(model_clear_keeps_the_tasks, setup, teardown),
        cmocka_unit_test_setup_teardown(v2_errors_beyond_the_cap_go_when_v1_arrives, setup, teardown),
        cmocka_unit_test_setup_teardown(after_model_clear_no_iteration_points_at_a_stale_error, setup, teardown),
        cmocka_unit_test_setup_teardown(an_event_without_a_type_is_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
