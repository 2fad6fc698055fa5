/* Rows that hold still: Skaffold's GetState lists its maps (artifacts,
 * resources, forwardedPorts) in a random order every time, so the view
 * models order rows by when their key was first seen (those seen together
 * by name, ports by number), never by the mirror's order. Each test folds
 * events, then reconciles with the same State shuffled many times, then
 * goes through resets, reconnects and rollouts; the rows expected are
 * written once, from the order the events were folded in.
 * The view engine keeps the cursor on its item (ops->row_key) in every live
 * list: an error when a newer one lands above it, an event or an iteration
 * when the oldest are trimmed, a pod replaced in a rollout (to the new pod
 * of its deployment, or the deployment), whatever order GetState gave; in
 * BuildKit's panes a cache record, a step whose neighbour's log grows
 * above it, a worker's line when a refresh lists the workers anew. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "skaffold/modelstate_int.h"
#include "skaffold/viewmodel.h"
#include "model_fixture.h"
#include "bk_fixture.h"
#include "ui/app.h"
#include "ui/bk.h"
#include "ui/logs_view.h"

#define SHUFFLES 40

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static size_t pick(size_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (size_t)(rng % n);
}

static void shuffle(void **v, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = pick(i);
        void *t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

/* A copy of the model's State with every map in a new order, as GetState. */
static Proto__State *shuffled_state(const model_t *m)
{
    Proto__State *s = (Proto__State *)pb_dup(&model_state(m)->base);
    if (s->buildstate)
        shuffle((void **)s->buildstate->artifacts, s->buildstate->n_artifacts);
    if (s->statuscheckstate)
        shuffle((void **)s->statuscheckstate->resources, s->statuscheckstate->n_resources);
    shuffle((void **)s->forwardedports, s->n_forwardedports);
    return s;
}

static void reconcile_shuffled(model_t *m)
{
    Proto__State *s = shuffled_state(m);
    model_reconcile(m, s, model_seq(m));
    protobuf_c_message_free_unpacked(&s->base, NULL);
}

/* The artifact rows as "a b c". */
static char *artifact_rows(const model_t *m, char *buf, size_t len)
{
    vm_artifact_t a;
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; vm_artifact_at(m, i, &a); i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "", a.name);
    return buf;
}

static char *port_rows(const model_t *m, char *buf, size_t len)
{
    vm_port_t p;
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; vm_port_at(m, i, &p); i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%d", i ? " " : "", p.local_port);
    return buf;
}

/* The Resources tree as "name name ...", a pod as "  name". */
static char *resource_rows(const model_t *m, char *buf, size_t len)
{
    const model_resource_t *r;
    int depth;
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; (r = model_resource_tree_at(m, i, &depth)); i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s%s", i ? " " : "", depth ? "+" : "", r->name);
    return buf;
}

/* Adds an artifact to a State (as a GetState that knows more). */
static void add_artifact(Proto__State *s, const char *name)
{
    Proto__BuildState *b = s->buildstate;
    b->artifacts = realloc(b->artifacts, (b->n_artifacts + 1) * sizeof *b->artifacts);
    Proto__BuildState__ArtifactsEntry *e = fx_new(&proto__build_state__artifacts_entry__descriptor);
    e->key = fx_str(name);
    e->value = fx_str("Not Started");
    b->artifacts[b->n_artifacts++] = e;
}

static void artifacts_hold_their_rows(void **state)
{
    model_t *m = model_new(NULL);
    char buf[256];
    fold(m, ev_devloop(0, "In Progress", NULL));
    fold(m, ev_build("web", "In Progress"));
    fold(m, ev_build("api", "In Progress"));
    fold(m, ev_build("db", "In Progress"));
    assert_string_equal(artifact_rows(m, buf, sizeof buf), "web api db");
    for (int i = 0; i < SHUFFLES; i++) {
        reconcile_shuffled(m);
        assert_string_equal(artifact_rows(m, buf, sizeof buf), "web api db");
    }
    /* Two artifacts only GetState knows (configured, never built): after
     * the others, by name, and there to stay. */
    Proto__State *s = shuffled_state(m);
    add_artifact(s, "zeta");
    add_artifact(s, "alpha");
    model_reconcile(m, s, model_seq(m));
    protobuf_c_message_free_unpacked(&s->base, NULL);
    assert_string_equal(artifact_rows(m, buf, sizeof buf), "web api db alpha zeta");
    for (int i = 0; i < SHUFFLES; i++) {
        reconcile_shuffled(m);
        assert_string_equal(artifact_rows(m, buf, sizeof buf), "web api db alpha zeta");
    }
    /* The next iteration resets the build (ResetStateOnBuild). */
    fold(m, ev_devloop(1, "In Progress", NULL));
    fold(m, ev_build("db", "In Progress"));
    reconcile_shuffled(m);
    assert_string_equal(artifact_rows(m, buf, sizeof buf), "web api db alpha zeta");
    /* A reconnect replays the history into a cleared model. */
    model_clear(m);
    fold(m, ev_build("db", "Complete"));
    fold(m, ev_build("web", "Complete"));
    assert_string_equal(artifact_rows(m, buf, sizeof buf), "web db");
    model_free(m);
}

static void ports_hold_their_rows(void **state)
{
    model_t *m = model_new(NULL);
    char buf[256];
    fold(m, ev_port(9001, 8081, "api"));
    fold(m, ev_port(9000, 8080, "web"));
    assert_string_equal(port_rows(m, buf, sizeof buf), "9001 9000");
    for (int i = 0; i < SHUFFLES; i++) {
        reconcile_shuffled(m);
        assert_string_equal(port_rows(m, buf, sizeof buf), "9001 9000");
    }
    /* Two ports first seen together: by number (10000 after 9100). */
    model_t *other = model_new(NULL);
    fold(other, ev_port(10000, 80, "x"));
    fold(other, ev_port(9100, 80, "y"));
    fold(other, ev_port(9000, 8080, "web"));
    fold(other, ev_port(9001, 8081, "api"));
    Proto__State *s = shuffled_state(other);
    model_reconcile(m, s, model_seq(m));
    protobuf_c_message_free_unpacked(&s->base, NULL);
    assert_string_equal(port_rows(m, buf, sizeof buf), "9001 9000 9100 10000");
    /* A redeploy empties the ports (ResetStateOnDeploy); they come back. */
    fold(m, ev_deploy("In Progress", NULL));
    fold(m, ev_port(10000, 80, "x"));
    fold(m, ev_port(9000, 8080, "web"));
    assert_string_equal(port_rows(m, buf, sizeof buf), "9000 10000");
    model_free(other);
    model_free(m);
}

#define ROLLOUT1 "deployment/web +pod/web-5d4f9c7b8-aaaaa deployment/api +pod/api-7c9d8b5f6-bbbbb"
#define ROLLOUT2 "deployment/web +pod/web-6e5a0d8c9-ccccc deployment/api +pod/api-8d0e9c6a7-ddddd"

static void resources_hold_their_rows(void **state)
{
    model_t *m = model_new(NULL);
    char buf[512];
    fold(m, ev_deploy("In Progress", NULL));
    fold(m, ev_resource("pod/web-5d4f9c7b8-aaaaa", "In Progress", "", 0, NULL));
    fold(m, ev_resource("deployment/web", "In Progress", "", 0, NULL));
    fold(m, ev_resource("deployment/api", "In Progress", "", 0, NULL));
    fold(m, ev_resource("pod/api-7c9d8b5f6-bbbbb", "In Progress", "", 0, NULL));
    assert_string_equal(resource_rows(m, buf, sizeof buf), ROLLOUT1);
    for (int i = 0; i < SHUFFLES; i++) {
        reconcile_shuffled(m);
        assert_string_equal(resource_rows(m, buf, sizeof buf), ROLLOUT1);
    }
    /* A rollout: new pods, reported in another order; the deployments keep
     * their rows and the new pods sit where the old ones were. */
    fold(m, ev_deploy("In Progress", NULL));
    fold(m, ev_resource("deployment/api", "In Progress", "", 0, NULL));
    fold(m, ev_resource("pod/api-8d0e9c6a7-ddddd", "In Progress", "", 0, NULL));
    fold(m, ev_resource("pod/web-6e5a0d8c9-ccccc", "In Progress", "", 0, NULL));
    fold(m, ev_resource("deployment/web", "In Progress", "", 0, NULL));
    assert_string_equal(resource_rows(m, buf, sizeof buf), ROLLOUT2);
    for (int i = 0; i < SHUFFLES; i++) {
        reconcile_shuffled(m);
        assert_string_equal(resource_rows(m, buf, sizeof buf), ROLLOUT2);
    }
    model_free(m);
}

/* debugPorts is a map too: listed by name. */
static void debug_ports_by_name(void **state)
{
    model_t *m = model_new(NULL);
    Proto__Event *ev = ev_debug("Started", "default", "web-1", "app");
    Proto__DebuggingContainerEvent *d = ev->debuggingcontainerevent;
    static const char *const names[] = {"jdwp", "dap", "dlv"};
    d->n_debugports = 3;
    d->debugports = calloc(3, sizeof *d->debugports);
    for (int i = 0; i < 3; i++) {
        d->debugports[i] = fx_new(&proto__debugging_container_event__debug_ports_entry__descriptor);
        d->debugports[i]->key = fx_str(names[i]);
        d->debugports[i]->value = 5000 + i;
    }
    fold(m, ev);
    strbuf_t b;
    sb_init(&b);
    vm_debug_ports(m, 0, &b);
    sb_addc(&b, 0);
    assert_string_equal(b.data, "dap=5001 dlv=5002 jdwp=5000");
    sb_free(&b);
    model_free(m);
}

/* ---- the selection follows its item --------------------------------------- */

typedef struct fx_ui {
    ui_t ui;
    view_t *v;
} fx_ui_t;

static void ui_open(fx_ui_t *f, pane_id_t pane, const model_opts_t *opts)
{
    memset(&f->ui, 0, sizeof f->ui);
    f->ui.model = model_new(opts);
    f->v = &f->ui.views[pane];
    view_init(f->v, pane);
}

static void ui_close(fx_ui_t *f)
{
    view_free(f->v);
    model_free(f->ui.model);
}

/* A frame: the engine fits the cursor to the rows, as view_draw does. */
static void frame(fx_ui_t *f)
{
    view_clamp(ui_ctx(&f->ui), f->v, 10);
}

/* The key of the row under the cursor (ops->row_key). */
static const char *cursor_key(fx_ui_t *f, char *buf, size_t len)
{
    strbuf_t k, p;
    sb_init(&k);
    sb_init(&p);
    f->v->ops->row_key(ui_ctx(&f->ui), f->v, view_source_row(f->v, f->v->cursor), &k, &p);
    snprintf(buf, len, "%.*s", (int)k.len, k.data ? k.data : "");
    sb_free(&k);
    sb_free(&p);
    return buf;
}

/* Puts the cursor on the row whose key is want, as a user would (j). */
static void select_key(fx_ui_t *f, const char *want)
{
    char buf[256];
    frame(f);
    ui_pane_action(&f->ui, f->v, ACT_MOVE_FIRST); /* g: a row chosen, as a user does */
    for (size_t i = 0; i < view_rows(ui_ctx(&f->ui), f->v); i++) {
        if (!strcmp(cursor_key(f, buf, sizeof buf), want))
            return;
        ui_pane_action(&f->ui, f->v, ACT_MOVE_DOWN);
    }
    fail_msg("no row %s", want);
}

static void fold_error(model_t *m, int iteration, const char *artifact)
{
    fold(m, ev_devloop(iteration, "In Progress", NULL));
    fold(m, ev_build(artifact, "In Progress"));
    fold(m, ev_build_ae(artifact, "Failed", fx_ae(101, "no docker", 2, 1, "start docker", 2, "retry")));
    fold(m, ev_devloop(iteration, "Failed", NULL));
}

/* Select a build error, the next iteration fails too (its error lands
 * above): the cursor and J stay on the error selected. */
static void errors_selection_follows_its_error(void **state)
{
    fx_ui_t f;
    char buf[256];
    ui_open(&f, PANE_ERRORS, NULL);
    fold_error(f.ui.model, 0, "api");
    frame(&f);
    uint64_t first = model_error_at(f.ui.model, 0)->id;
    snprintf(buf, sizeof buf, "%llu/1", (unsigned long long)first);
    select_key(&f, buf); /* its message line */
    fold_error(f.ui.model, 1, "web");
    assert_true(model_error_at(f.ui.model, 0)->id != first);
    assert_int_equal(errors_pane_selected(ui_ctx(&f.ui))->id, first);
    char got[256];
    frame(&f);
    assert_string_equal(cursor_key(&f, got, sizeof got), buf);
    assert_true(f.v->cursor > 1);
    /* And a key pressed between two frames moves from there. */
    ui_pane_action(&f.ui, f.v, ACT_MOVE_UP);
    fold_error(f.ui.model, 2, "db");
    snprintf(buf, sizeof buf, "%llu/0", (unsigned long long)first);
    frame(&f);
    assert_string_equal(cursor_key(&f, got, sizeof got), buf);
    ui_close(&f);
}

/* A cursor nobody put anywhere stays on the first row: an unfocused Errors
 * pane shows the newest error, not the first one it ever held. */
static void errors_unchosen_cursor_keeps_the_newest(void **state)
{
    (void)state;
    fx_ui_t f;
    ui_open(&f, PANE_ERRORS, NULL);
    fold_error(f.ui.model, 0, "api");
    frame(&f);
    uint64_t first = model_error_at(f.ui.model, 0)->id;
    fold_error(f.ui.model, 1, "web");
    frame(&f);
    assert_int_equal(f.v->cursor, 0);
    assert_true(errors_pane_selected(ui_ctx(&f.ui))->id != first);
    assert_int_equal(errors_pane_selected(ui_ctx(&f.ui))->id, model_error_at(f.ui.model, 0)->id);
    ui_close(&f);
}

static void fold_rollout(model_t *m, const char *web_pod, const char *api_pod, bool with_web)
{
    fold(m, ev_deploy("In Progress", NULL));
    if (with_web)
        fold(m, ev_resource("deployment/web", "In Progress", "", 0, NULL));
    fold(m, ev_resource("deployment/api", "In Progress", "", 0, NULL));
    fold(m, ev_resource(api_pod, "In Progress", "", 0, NULL));
    if (web_pod)
        fold(m, ev_resource(web_pod, "In Progress", "", 0, NULL));
}

#define LONG_LOOP 10000
#define SETTLED 1000

/* The Resources rows after rollout i (a statefulset in every 50th). */
static const char *rollout_rows(int i, const char *web, const char *api, char *buf, size_t len)
{
    snprintf(buf, len, "%sdeployment/web +%s deployment/api +%s", i % 50 ? "" : "statefulset/db ",
             web, api);
    return buf;
}

/* A long dev loop: every rollout brings two new pod names, a statefulset
 * comes back every 50 rollouts, GetState now and then. The rows' order
 * forgets old pods: the keys it holds after 10,000 rollouts are no more
 * than after the first 1,000 (it would hold two more a rollout), and the
 * rows still hold still: the statefulset, first seen first, stays first. */
static void row_order_stays_bounded(void **state)
{
    model_t *m = model_new(NULL);
    char web[64], api[64], want[256], buf[256];
    size_t high = 0;
    for (int i = 0; i < LONG_LOOP; i++) {
        snprintf(web, sizeof web, "pod/web-%08x-aaaaa", (unsigned)i);
        snprintf(api, sizeof api, "pod/api-%08x-bbbbb", (unsigned)i);
        fold(m, ev_deploy("In Progress", NULL));
        if (i % 50 == 0)
            fold(m, ev_resource("statefulset/db", "In Progress", "", 0, NULL));
        fold(m, ev_resource("deployment/web", "In Progress", "", 0, NULL));
        fold(m, ev_resource("deployment/api", "In Progress", "", 0, NULL));
        fold(m, ev_resource(api, "In Progress", "", 0, NULL));
        fold(m, ev_resource(web, "In Progress", "", 0, NULL));
        if (i % 97 == 0)
            reconcile_shuffled(m);
        assert_string_equal(resource_rows(m, buf, sizeof buf), rollout_rows(i, web, api, want, sizeof want));
        size_t known = m->rows[ROWS_RES].rank.n;
        if (i < SETTLED && known > high)
            high = known;
        if (i >= SETTLED)
            assert_true(known <= high);
    }
    assert_true(high < SETTLED); /* not 2 a rollout */
    model_free(m);
}

/* A pod through shuffled reconciles, then replaced in a rollout: to the
 * new pod of its deployment; with no pod yet, to the deployment. A
 * deployment selected stays selected through a redeploy (not row 0). */
static void resources_selection_follows_rollouts(void **state)
{
    fx_ui_t f;
    char buf[256];
    ui_open(&f, PANE_RESOURCES, NULL);
    fold_rollout(f.ui.model, "pod/web-5d4f9c7b8-aaaaa", "pod/api-7c9d8b5f6-bbbbb", true);
    select_key(&f, "pod/web-5d4f9c7b8-aaaaa");
    for (int i = 0; i < SHUFFLES; i++) {
        reconcile_shuffled(f.ui.model);
        frame(&f);
        assert_string_equal(cursor_key(&f, buf, sizeof buf), "pod/web-5d4f9c7b8-aaaaa");
    }
    fold_rollout(f.ui.model, "pod/web-6e5a0d8c9-ccccc", "pod/api-8d0e9c6a7-ddddd", true);
    frame(&f);
    assert_string_equal(cursor_key(&f, buf, sizeof buf), "pod/web-6e5a0d8c9-ccccc");
    fold_rollout(f.ui.model, NULL, "pod/api-9e1f0d7b8-eeeee", true);
    frame(&f);
    assert_string_equal(cursor_key(&f, buf, sizeof buf), "deployment/web");
    /* Emptied by the reset (a frame in between), then back. */
    select_key(&f, "deployment/api");
    fold(f.ui.model, ev_deploy("In Progress", NULL));
    frame(&f);
    assert_int_equal(view_rows(ui_ctx(&f.ui), f.v), 0);
    fold_rollout(f.ui.model, "pod/web-7f6b1e9d0-fffff", "pod/api-0f2a1e8c9-ggggg", true);
    frame(&f);
    assert_string_equal(cursor_key(&f, buf, sizeof buf), "deployment/api");
    ui_close(&f);
}

/* Not following, the history trimmed under the cursor: still the same
 * entry. */
static void events_selection_follows_its_entry(void **state)
{
    fx_ui_t f;
    char buf[256];
    model_opts_t o = {.history_cap = 20};
    ui_open(&f, PANE_EVENTS, &o);
    for (int i = 0; i < 10; i++)
        fold(f.ui.model, ev_build("app", i % 2 ? "Complete" : "In Progress"));
    select_key(&f, "8");
    for (int i = 0; i < 15; i++)
        fold(f.ui.model, ev_build("app", i % 2 ? "Complete" : "In Progress"));
    frame(&f);
    assert_true(model_history_first(f.ui.model) > 0);
    assert_string_equal(cursor_key(&f, buf, sizeof buf), "8");
    assert_int_equal(f.v->cursor, 8 - model_history_first(f.ui.model));
    /* Filtered: the same, through the filter's index. */
    view_set_filter(ui_ctx(&f.ui), f.v, "kind:build");
    select_key(&f, "12");
    for (int i = 0; i < 6; i++)
        fold(f.ui.model, ev_build("app", i % 2 ? "Complete" : "In Progress"));
    frame(&f);
    assert_string_equal(cursor_key(&f, buf, sizeof buf), "12");
    assert_int_equal(f.v->cursor, 12 - model_history_first(f.ui.model));
    ui_close(&f);
}

/* The timeline keeps its newest iterations: the one selected stays (not
 * the newest: the cursor there follows the new ones, like tail -f). */
static void timeline_selection_follows_its_iteration(void **state)
{
    fx_ui_t f;
    char buf[256];
    model_opts_t o = {.timeline_cap = 3};
    ui_open(&f, PANE_TIMELINE, &o);
    for (int i = 0; i < 3; i++) {
        fold(f.ui.model, ev_devloop(i, "In Progress", NULL));
        fold(f.ui.model, ev_devloop(i, "Succeeded", NULL));
    }
    select_key(&f, "1/1");
    assert_int_equal(f.v->cursor, 1);
    fold(f.ui.model, ev_devloop(3, "In Progress", NULL));
    frame(&f);
    assert_string_equal(cursor_key(&f, buf, sizeof buf), "1/1");
    assert_int_equal(f.v->cursor, 0);
    ui_close(&f);
}

static Proto__Event *port_of(int local, int remote, const char *pod, const char *container)
{
    Proto__Event *e = ev_port(local, remote, pod);
    free(e->portevent->containername);
    e->portevent->containername = fx_str(container);
    return e;
}

/* A debugging container whose pod a rollout replaced: to the same
 * container in the new pod, not to whatever took its row. And a port
 * forwarded again on another local port: to that one. */
static void debug_and_port_selection_follow_a_rollout(void **state)
{
    fx_ui_t f;
    char buf[256];
    ui_open(&f, PANE_DEBUG, NULL);
    fold(f.ui.model, ev_debug("Started", "default", "web-1", "web"));
    fold(f.ui.model, ev_debug("Started", "default", "api-1", "api"));
    select_key(&f, "default/web-1/web");
    fold(f.ui.model, ev_debug("Terminated", "default", "web-1", "web"));
    fold(f.ui.model, ev_debug("Started", "default", "web-2", "web"));
    frame(&f);
    assert_string_equal(cursor_key(&f, buf, sizeof buf), "default/web-2/web");
    view_free(f.v);
    f.v = &f.ui.views[PANE_PORTS];
    view_init(f.v, PANE_PORTS);
    fold(f.ui.model, port_of(9000, 8080, "web-1", "web"));
    fold(f.ui.model, port_of(9001, 8081, "api-1", "api"));
    select_key(&f, "port 9000");
    fold(f.ui.model, ev_deploy("In Progress", NULL));
    fold(f.ui.model, port_of(9001, 8081, "api-2", "api"));
    fold(f.ui.model, port_of(9002, 8080, "web-2", "web"));
    frame(&f);
    assert_string_equal(cursor_key(&f, buf, sizeof buf), "port 9002");
    ui_close(&f);
}

/* BuildKit's cache records: a DiskUsage answer of records with sizes and
 * last uses (seconds). */
static void du(bk_model_t *m, const char *const *ids, const int64_t *sizes, const int64_t *used, size_t n)
{
    Moby__Buildkit__V1__DiskUsageResponse r = MOBY__BUILDKIT__V1__DISK_USAGE_RESPONSE__INIT;
    Moby__Buildkit__V1__UsageRecord rec[8], *recs[8];
    Google__Protobuf__Timestamp ts[8];
    for (size_t i = 0; i < n; i++) {
        moby__buildkit__v1__usage_record__init(&rec[i]);
        google__protobuf__timestamp__init(&ts[i]);
        ts[i].seconds = used[i];
        rec[i].id = (char *)ids[i];
        rec[i].size = sizes[i];
        rec[i].lastusedat = &ts[i];
        recs[i] = &rec[i];
    }
    r.n_record = n;
    r.record = recs;
    bk_model_du(m, &r);
}

/* A BuildKit pane over a model of its own. */
typedef struct fx_bk {
    fx_ui_t f;
    bk_model_t bm;
    ui_bk_t b;
} fx_bk_t;

static void bk_open(fx_bk_t *x, pane_id_t pane)
{
    x->b = (ui_bk_t){.m = &x->bm, .expanded = -1};
    bk_model_init(&x->bm, 10);
    ui_open(&x->f, pane, NULL);
    x->f.ui.bk = &x->b;
}

static void bk_close(fx_bk_t *x)
{
    view_free(x->f.v);
    model_free(x->f.ui.model);
    bk_model_fini(&x->bm);
    arena_free(&fx_arena);
}

/* BuildKit's state changed: a frame (the pane's rows are built again). */
static void bk_changed(fx_bk_t *x)
{
    x->f.ui.bk_gen++;
    frame(&x->f);
}

/* The Cache pane: a record selected stays selected when a refresh re-sorts
 * the records, when the sort changes and when a Prune lists what it
 * removed above the table. */
static void cache_selection_follows_its_record(void **state)
{
    fx_bk_t x;
    char buf[256];
    bk_open(&x, PANE_CACHE);
    static const char *const ids[] = {"aaa", "bbb", "ccc"};
    du(&x.bm, ids, (const int64_t[]){300, 200, 100}, (const int64_t[]){10, 20, 30}, 3);
    bk_changed(&x);
    select_key(&x.f, "record bbb");
    du(&x.bm, ids, (const int64_t[]){100, 200, 300}, (const int64_t[]){10, 20, 30}, 3);
    bk_changed(&x);
    assert_string_equal(cursor_key(&x.f, buf, sizeof buf), "record bbb");
    bk_model_sort(&x.bm, BK_SORT_LAST_USED);
    du(&x.bm, ids, (const int64_t[]){100, 200, 300}, (const int64_t[]){10, 50, 30}, 3);
    bk_changed(&x);
    assert_string_equal(cursor_key(&x.f, buf, sizeof buf), "record bbb");
    assert_int_equal(x.f.v->cursor, 1); /* the header, then bbb: used last */
    bk_model_prune_begin(&x.bm);
    Moby__Buildkit__V1__UsageRecord gone = MOBY__BUILDKIT__V1__USAGE_RECORD__INIT;
    gone.id = "ddd";
    bk_model_pruned(&x.bm, &gone);
    bk_changed(&x);
    assert_string_equal(cursor_key(&x.f, buf, sizeof buf), "record bbb");
    assert_int_equal(x.f.v->cursor, 3); /* the removed list's head and ddd above */
    bk_close(&x);
}

/* Workers a ListWorkers answer lists, in that order, each with one label. */
static void workers(bk_model_t *m, const char *const *ids, size_t n)
{
    Moby__Buildkit__V1__ListWorkersResponse r = MOBY__BUILDKIT__V1__LIST_WORKERS_RESPONSE__INIT;
    Moby__Buildkit__V1__Types__WorkerRecord rec[4], *recs[4];
    Moby__Buildkit__V1__Types__WorkerRecord__LabelsEntry lab[4], *labs[4];
    for (size_t i = 0; i < n; i++) {
        moby__buildkit__v1__types__worker_record__init(&rec[i]);
        moby__buildkit__v1__types__worker_record__labels_entry__init(&lab[i]);
        lab[i].key = "org.mobyproject.buildkit.worker.hostname";
        lab[i].value = (char *)ids[i];
        labs[i] = &lab[i];
        rec[i].id = (char *)ids[i];
        rec[i].n_labels = 1;
        rec[i].labels = &labs[i];
        recs[i] = &rec[i];
    }
    r.n_record = n;
    r.record = recs;
    bk_model_workers(m, &r);
}

/* The Workers pane: a worker's line selected stays selected when a
 * refresh lists the workers in another order. */
static void workers_selection_follows_its_worker(void **state)
{
    fx_bk_t x;
    char buf[256];
    bk_open(&x, PANE_WORKERS);
    workers(&x.bm, (const char *const[]){"w1", "w2"}, 2);
    bk_changed(&x);
    select_key(&x.f, "worker w2 1");                /* w2's label */
    size_t was = x.f.v->cursor;
    workers(&x.bm, (const char *const[]){"w2", "w1"}, 2);
    bk_changed(&x);
    assert_string_equal(cursor_key(&x.f, buf, sizeof buf), "worker w2 1");
    assert_true(x.f.v->cursor < was);               /* w2 first now */
    select_key(&x.f, "worker w1");
    workers(&x.bm, (const char *const[]){"w1", "w2"}, 2);
    bk_changed(&x);
    assert_string_equal(cursor_key(&x.f, buf, sizeof buf), "worker w1");
    assert_int_equal(x.f.v->cursor, 0);
    bk_close(&x);
}

/* The Build pane: a step selected stays selected while the step above it
 * logs more lines (its tail grows above the cursor), not following. */
static void build_selection_follows_its_step(void **state)
{
    fx_bk_t x;
    char buf[256];
    bk_open(&x, PANE_BUILD);
    bk_model_status_reset(&x.bm, "ref1");
    Moby__Buildkit__V1__Vertex *v[] = {fx_vertex(D1, "[1/2] RUN make", 0, -1, 0, NULL),
                                       fx_vertex(D2, "[2/2] COPY . .", 1, -1, 0, NULL)};
    bk_model_status(&x.bm, fx_resp(2, v, 0, NULL, 0, NULL));
    bk_changed(&x);
    select_key(&x.f, "step " D2);
    x.f.v->follow = false;
    size_t was = x.f.v->cursor;
    Moby__Buildkit__V1__VertexLog *l[] = {fx_log(D1, "one\ntwo\nthree\n", 14)};
    bk_model_status(&x.bm, fx_resp(0, NULL, 0, NULL, 1, l));
    bk_changed(&x);
    assert_string_equal(cursor_key(&x.f, buf, sizeof buf), "step " D2);
    assert_int_equal(x.f.v->cursor, was + 3);       /* below D1's three lines */
    bk_close(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(artifacts_hold_their_rows),
        cmocka_unit_test(ports_hold_their_rows),
        cmocka_unit_test(resources_hold_their_rows),
        cmocka_unit_test(debug_ports_by_name),
        cmocka_unit_test(row_order_stays_bounded),
        cmocka_unit_test(errors_selection_follows_its_error),
        cmocka_unit_test(errors_unchosen_cursor_keeps_the_newest),
        cmocka_unit_test(resources_selection_follows_rollouts),
        cmocka_unit_test(events_selection_follows_its_entry),
        cmocka_unit_test(timeline_selection_follows_its_iteration),
        cmocka_unit_test(debug_and_port_selection_follow_a_rollout),
        cmocka_unit_test(cache_selection_follows_its_record),
        cmocka_unit_test(workers_selection_follows_its_worker),
        cmocka_unit_test(build_selection_follows_its_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
