/* The resets Skaffold's server applies beside the events, inferred from the
 * stream (model.h): ResetStateOnBuild, ResetStateOnTest, ResetStateOnDeploy,
 * InitializeState for each session; the statusCodes set beside the events;
 * errors are failures only; resources follow the State's map. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "model_fixture.h"

static int setup(void **state)
{
    *state = fx_model(0, 0, 0);
    return 0;
}

/* One rollout: deploy, a deployment and its pod, a port, a debugger. */
static void rollout(model_t *m, const char *pod)
{
    char name[96];
    fold(m, ev_deploy("In Progress", NULL));
    fold(m, ev_deploy("Complete", NULL));
    fold(m, ev_check("Started", NULL));
    fold(m, ev_resource("deployment/app", "In Progress", "waiting", 0,
                        fx_ae(PROTO__STATUS_CODE__STATUSCHECK_DEPLOYMENT_ROLLOUT_PENDING, "waiting", 0)));
    snprintf(name, sizeof name, "pod/%s", pod);
    fold(m, ev_resource(name, "In Progress", "creating", 0,
                        fx_ae(PROTO__STATUS_CODE__STATUSCHECK_CONTAINER_CREATING, "creating", 0)));
    fold(m, ev_debug("Started", "default", pod, "app"));
    fold(m, ev_resource(name, "Succeeded", "Succeeded", PROTO__STATUS_CODE__STATUSCHECK_SUCCESS, NULL));
    fold(m, ev_resource("deployment/app", "Succeeded", "Succeeded", PROTO__STATUS_CODE__STATUSCHECK_SUCCESS, NULL));
    fold(m, ev_check("Succeeded", NULL));
    fold(m, ev_port(9000, 8080, pod));
}

static void build_iteration(model_t *m, int it, const char *pod)
{
    fold(m, ev_devloop(it, "In Progress", NULL));
    fold(m, ev_build("app", "In Progress"));
    fold(m, ev_build("app", "Complete"));
    fold(m, ev_test("In Progress", NULL));
    fold(m, ev_test("Complete", NULL));
    rollout(m, pod);
    fold(m, ev_devloop(it, "Succeeded", NULL));
}

static void statuscodes_are_set_beside_the_events(void **state)
{
    model_t *m = *state;
    const Proto__State *s = model_state(m);

    build_iteration(m, 0, "app-5f9c7b8d4-q2m8w");
    s = model_state(m);
    assert_int_equal(s->deploystate->statuscode, PROTO__STATUS_CODE__DEPLOY_SUCCESS);
    assert_int_equal(s->statuscheckstate->statuscode, PROTO__STATUS_CODE__STATUSCHECK_SUCCESS);
    assert_int_equal(s->buildstate->statuscode, 0); /* no success code for builds */
    assert_string_equal(s->teststate->status, "Complete");
    fold(m, ev_devloop(1, "In Progress", NULL));
    fold(m, ev_build_ae("app", "Failed", fx_ae(PROTO__STATUS_CODE__BUILD_USER_ERROR, "boom", 0)));
    s = model_state(m);
    assert_int_equal(s->buildstate->statuscode, PROTO__STATUS_CODE__BUILD_USER_ERROR);
    /* The build reset before it set the others back to OK. */
    assert_int_equal(s->deploystate->statuscode, 0);
    assert_int_equal(s->statuscheckstate->statuscode, 0);
    fold(m, ev_devloop(2, "In Progress", NULL));
    fold(m, ev_build("app", "In Progress"));
    fold(m, ev_build("app", "Complete"));
    fold(m, ev_test("In Progress", NULL));
    fold(m, ev_test("Failed", fx_ae(PROTO__STATUS_CODE__TEST_USER_CONFIG_ERR, "no tests", 0)));
    s = model_state(m);
    assert_int_equal(s->buildstate->statuscode, 0);
    assert_int_equal(s->teststate->statuscode, PROTO__STATUS_CODE__TEST_USER_CONFIG_ERR);
    fold(m, ev_devloop(3, "In Progress", NULL));
    fold(m, ev_build("app", "In Progress"));
    assert_int_equal(model_state(m)->teststate->statuscode, 0);
    fold(m, ev_build("app", "Complete"));
    fold(m, ev_deploy("In Progress", NULL));
    fold(m, ev_deploy("Failed", fx_ae(PROTO__STATUS_CODE__DEPLOY_HELM_USER_ERR, "helm", 0)));
    assert_int_equal(model_state(m)->deploystate->statuscode, PROTO__STATUS_CODE__DEPLOY_HELM_USER_ERR);
}

static void build_reset_before_the_first_build_of_a_later_iteration(void **state)
{
    model_t *m = *state;

    fold(m, ev_devloop(0, "In Progress", NULL));
    fold(m, ev_build("web", "In Progress"));
    fold(m, ev_build("web", "Complete"));
    fold(m, ev_build("app", "In Progress"));
    fold(m, ev_build("app", "Complete"));
    rollout(m, "app-1111111111-aaaaa");
    fold(m, ev_devloop(0, "Succeeded", NULL));
    fold(m, ev_devloop(1, "In Progress", NULL));
    fold(m, ev_sync("web", "In Progress", NULL));
    fold(m, ev_sync("web", "Succeeded", NULL));
    /* Iteration 1 rebuilds app only (web is a cache hit). */
    fold(m, ev_build("app", "In Progress"));
    const Proto__State *s = model_state(m);
    assert_string_equal(st_artifact(m, "web"), "Not Started");
    assert_string_equal(st_artifact(m, "app"), "In Progress");
    assert_string_equal(s->filesyncstate->status, "Not Started");
    assert_string_equal(s->deploystate->status, "Not Started");
    assert_string_equal(s->statuscheckstate->status, "Not Started");
    assert_string_equal(s->teststate->status, "Not Started");
    assert_int_equal(s->statuscheckstate->n_resources, 0);
    assert_int_equal(s->n_forwardedports, 0);
    assert_int_equal(s->n_debuggingcontainers, 0);
    assert_int_equal(model_resource_count(m), 0);
    /* Only the first build event of the iteration resets. */
    fold(m, ev_build("app", "Complete"));
    fold(m, ev_build("lib", "In Progress"));
    assert_string_equal(st_artifact(m, "app"), "Complete");
}

static void deploy_reset_keeps_only_the_current_rollout(void **state)
{
    model_t *m = *state;

    build_iteration(m, 0, "app-1111111111-aaaaa");
    fold(m, ev_devloop(1, "In Progress", NULL));
    /* A manifest change (or a rebuild of cache hits): no build event. */
    rollout(m, "app-2222222222-bbbbb");
    fold(m, ev_devloop(1, "Succeeded", NULL));
    const Proto__State *s = model_state(m);
    assert_int_equal(s->statuscheckstate->n_resources, 2);
    assert_null(st_resource(m, "pod/app-1111111111-aaaaa"));
    assert_string_equal(st_resource(m, "pod/app-2222222222-bbbbb"), "Succeeded");
    assert_int_equal(s->n_debuggingcontainers, 1);
    assert_string_equal(s->debuggingcontainers[0]->podname, "app-2222222222-bbbbb");
    assert_string_equal(st_port(m, 9000)->podname, "app-2222222222-bbbbb");
    /* The artifacts keep their status: no reset the stream shows. */
    assert_string_equal(st_artifact(m, "app"), "Complete");
    /* The details follow the map, in its order; the pod under its deployment. */
    assert_int_equal(model_resource_count(m), s->statuscheckstate->n_resources);
    for (size_t i = 0; i < model_resource_count(m); i++)
        assert_string_equal(model_resource_at(m, i)->name, s->statuscheckstate->resources[i]->key);
    const model_resource_t *pod = model_resource_find(m, "pod/app-2222222222-bbbbb");
    assert_ptr_equal(model_resource_owner(m, pod), model_resource_find(m, "deployment/app"));
    assert_null(model_resource_owner(m, model_resource_find(m, "deployment/app")));
}

/* A deploy reset keeps the emptied entries to write the next rollout's over
 * (mirror.c): what the State shows is only the new rollout, whether it has
 * fewer entries, more, or other names and fields. */
static void a_rollout_after_a_reset_shows_only_its_own_entries(void **state)
{
    model_t *m = *state;

    fold(m, ev_deploy("In Progress", NULL));
    fold(m, ev_resource("pod/a-pod-with-a-long-name-0123456789abcdef", "In Progress", "", 0, NULL));
    fold(m, ev_resource("deployment/app", "In Progress", "", 0, NULL));
    Proto__Event *port = ev_port(9000, 8080, "a-pod-with-a-long-name-0123456789abcdef");
    port->portevent->targetport = fx_new(&proto__int_or_string__descriptor);
    port->portevent->targetport->intval = 8080;
    fold(m, port);
    fold(m, ev_deploy("In Progress", NULL));
    fold(m, ev_resource("pod/b", "Succeeded", "", 0, NULL));
    fold(m, ev_port(9001, 8081, "b"));
    const Proto__State *s = model_state(m);
    assert_int_equal(s->statuscheckstate->n_resources, 1);
    assert_string_equal(s->statuscheckstate->resources[0]->key, "pod/b");
    assert_string_equal(st_resource(m, "pod/b"), "Succeeded");
    assert_null(st_resource(m, "deployment/app"));
    assert_int_equal(s->n_forwardedports, 1);
    assert_null(st_port(m, 9000));
    assert_string_equal(st_port(m, 9001)->podname, "b");
    assert_null(st_port(m, 9001)->targetport);
    fold(m, ev_deploy("In Progress", NULL));
    const char *names[] = { "pod/c", "deployment/c", "service/c" };
    for (int i = 0; i < 3; i++)
        fold(m, ev_resource(names[i], "In Progress", "", 0, NULL));
    assert_int_equal(model_state(m)->statuscheckstate->n_resources, 3);
    for (int i = 0; i < 3; i++)
        assert_string_equal(st_resource(m, names[i]), "In Progress");
    assert_int_equal(model_resource_count(m), 3);
}

/* The Resources pane's order: each deployment followed by its pods, the rest
 * in first-seen order, whatever order the events came in. */
static void pods_sit_under_their_deployment(void **state)
{
    model_t *m = *state;
    static const char *const seen[] = {"pod/web-6d4cf56db6-x7kq2", "pod/standalone", "deployment/api",
                                       "deployment/web", "pod/api-5f9c7b8d4-q2m8w", "pod/web-6d4cf56db6-zz9k1",
                                       "deployment/web-admin", "pod/web-admin-7c9d8b5f6-h4jzp"};
    static const char *const want[] = {"pod/standalone", "deployment/api", "pod/api-5f9c7b8d4-q2m8w",
                                       "deployment/web", "pod/web-6d4cf56db6-x7kq2", "pod/web-6d4cf56db6-zz9k1",
                                       "deployment/web-admin", "pod/web-admin-7c9d8b5f6-h4jzp"};
    static const int depth[] = {0, 0, 1, 0, 1, 1, 0, 1};
    for (size_t i = 0; i < 8; i++)
        fold(m, ev_resource(seen[i], "In Progress", "", 0, NULL));
    assert_int_equal(model_resource_count(m), 8);
    for (size_t i = 0; i < 8; i++) {
        int d = -1;
        assert_string_equal(model_resource_tree_at(m, i, &d)->name, want[i]);
        assert_int_equal(d, depth[i]);
    }
    assert_null(model_resource_tree_at(m, 8, NULL));
    fold(m, ev_deploy("In Progress", NULL));
    assert_null(model_resource_tree_at(m, 0, NULL));
}

static void sync_only_iteration_resets_nothing(void **state)
{
    model_t *m = *state;

    build_iteration(m, 0, "app-1111111111-aaaaa");
    fold(m, ev_devloop(1, "In Progress", NULL));
    fold(m, ev_sync("app", "In Progress", NULL));
    fold(m, ev_sync("app", "Succeeded", NULL));
    fold(m, ev_devloop(1, "Succeeded", NULL));
    const Proto__State *s = model_state(m);
    assert_string_equal(st_artifact(m, "app"), "Complete");
    assert_string_equal(s->filesyncstate->status, "Succeeded");
    assert_int_equal(s->statuscheckstate->n_resources, 2);
    assert_int_equal(s->deploystate->statuscode, PROTO__STATUS_CODE__DEPLOY_SUCCESS);
    assert_int_equal(s->n_debuggingcontainers, 1);
}

static void test_reset_before_the_tests_of_each_iteration(void **state)
{
    model_t *m = *state;

    fold(m, ev_devloop(0, "In Progress", NULL));
    fold(m, ev_test("In Progress", NULL));
    fold(m, ev_test("Failed", fx_ae(PROTO__STATUS_CODE__TEST_USER_CONFIG_ERR, "bad", 0)));
    fold(m, ev_devloop(0, "Failed", NULL));
    /* Execute(deploy) after a failure: tests again, without a build. */
    rollout(m, "app-1111111111-aaaaa");
    fold(m, ev_devloop(1, "In Progress", NULL));
    fold(m, ev_test("In Progress", NULL));
    assert_int_equal(model_state(m)->teststate->statuscode, 0);
    assert_string_equal(model_state(m)->teststate->status, "In Progress");
    /* The test reset touches nothing else. */
    assert_int_equal(model_state(m)->statuscheckstate->n_resources, 2);
    assert_int_equal(model_resource_count(m), 2);
}

static void new_session_starts_a_fresh_state_and_keeps_the_history(void **state)
{
    model_t *m = *state;

    fold(m, ev_meta("Starting Skaffold: v2.13.2", true));
    build_iteration(m, 0, "app-1111111111-aaaaa");
    fold(m, ev_devloop(1, "In Progress", NULL));
    fold(m, ev_build_ae("app", "Failed", fx_ae(104, "boom", 0)));
    uint64_t second = model_seq(m);
    fold(m, ev_meta("Starting Skaffold: v2.13.2", true));
    const Proto__State *s = model_state(m);
    assert_int_equal(model_session(m), 2);
    assert_int_equal(s->buildstate->n_artifacts, 0);
    assert_int_equal(s->statuscheckstate->n_resources, 0);
    assert_int_equal(s->buildstate->statuscode, 0);
    assert_int_equal(s->deploystate->statuscode, 0);
    assert_non_null(s->metadata);
    assert_int_equal(model_resource_count(m), 0);
    /* Its first iteration is iteration 0 again: no build reset. */
    fold(m, ev_devloop(0, "In Progress", NULL));
    fold(m, ev_build("web", "Complete"));
    fold(m, ev_build("app", "Complete"));
    assert_string_equal(st_artifact(m, "web"), "Complete");
    /* History, timeline and errors keep the first session, marked. */
    assert_int_equal(model_session_of(m, 0), 1);
    assert_int_equal(model_session_of(m, second - 1), 1);
    assert_int_equal(model_session_of(m, second), 2);
    assert_int_equal(model_session_of(m, model_seq(m) - 1), 2);
    assert_int_equal(model_iteration_count(m), 3);
    assert_int_equal(model_iteration(m, 1)->session, 1);
    assert_int_equal(model_iteration(m, 2)->session, 2);
    assert_int_equal(model_iteration(m, 2)->number, 0);
    assert_int_equal(model_error_count(m), 1);
    assert_int_equal(model_error_at(m, 0)->session, 1);
}

static void reconcile_reapplies_the_resets_inferred_at_fold(void **state)
{
    model_t *m = *state;

    build_iteration(m, 0, "app-1111111111-aaaaa");
    Proto__State *srv = (Proto__State *)pb_dup(&model_state(m)->base);
    uint64_t since = model_seq(m);
    fold(m, ev_devloop(1, "In Progress", NULL));
    fold(m, ev_build("app", "In Progress"));   /* the build reset before it */
    model_reconcile(m, srv, since);
    protobuf_c_message_free_unpacked(&srv->base, NULL);
    assert_string_equal(st_artifact(m, "app"), "In Progress");
    assert_int_equal(model_state(m)->statuscheckstate->n_resources, 0);
    assert_int_equal(model_state(m)->n_forwardedports, 0);
    assert_int_equal(model_resource_count(m), 0);
}

static void without_devloop_a_build_after_a_deploy_resets(void **state)
{
    model_t *m = *state;

    fold(m, ev_build("app", "In Progress"));
    fold(m, ev_build("app", "Complete"));
    fold(m, ev_build("web", "Complete"));
    rollout(m, "app-1111111111-aaaaa");
    fold(m, ev_build("app", "In Progress"));
    assert_string_equal(st_artifact(m, "web"), "Not Started");
    assert_int_equal(model_state(m)->statuscheckstate->n_resources, 0);
}

/* A session with cache hits, syncs, tests, restarts that clear and
 * debugging containers, but no failure, has no error. */
static void session_without_failures_has_no_errors(void **state)
{
    model_t *m = *state;
    char pod[64];

    fold(m, ev_meta("Starting Skaffold: v2.13.2", true));
    for (int it = 0; it < 12; it++) {
        snprintf(pod, sizeof pod, "app-%010d-x%04d", it, it);
        if (it % 3 == 2) {
            fold(m, ev_devloop(it, "In Progress", NULL));
            fold(m, ev_sync("app", "In Progress", NULL));
            fold(m, ev_sync("app", "Succeeded", NULL));
            fold(m, ev_devloop(it, "Succeeded", NULL));
            continue;
        }
        build_iteration(m, it, pod);
        char name[96];
        snprintf(name, sizeof name, "pod/%s", pod);
        fold(m, ev_resource(name, "In Progress", "", 0,
                            fx_ae(PROTO__STATUS_CODE__STATUSCHECK_CONTAINER_RESTARTING, "restarting", 1,
                                  PROTO__SUGGESTION_CODE__CHECK_CONTAINER_LOGS, "logs")));
        fold(m, ev_resource(name, "Succeeded", "Succeeded", PROTO__STATUS_CODE__STATUSCHECK_SUCCESS, NULL));
    }
    fold(m, ev_term("Completed", NULL));
    assert_int_equal(model_error_count(m), 0);
    assert_int_equal(model_unresolved_errors(m), 0);
    assert_int_equal(model_state(m)->statuscheckstate->n_resources, 2);
}

/* Many distinct keys: every one is found, every value right (the maps are
 * hashed; the timing lives in `make bench`). */
static void many_distinct_resources_fold_exactly(void **state)
{
    model_t *m = *state;
    enum { N = 20000 };
    char name[64];

    fold(m, ev_deploy("In Progress", NULL));
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "pod/app-%d", i);
        fold(m, ev_resource(name, "In Progress", "", 0, NULL));
    }
    for (int i = 0; i < N; i += 3) {
        snprintf(name, sizeof name, "pod/app-%d", i);
        fold(m, ev_resource(name, "Succeeded", "", 0, NULL));
    }
    const Proto__StatusCheckState *sc = model_state(m)->statuscheckstate;
    assert_int_equal(sc->n_resources, N);
    assert_int_equal(model_resource_count(m), N);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "pod/app-%d", i);
        assert_string_equal(sc->resources[i]->key, name);
        assert_string_equal(sc->resources[i]->value, i % 3 ? "In Progress" : "Succeeded");
        assert_string_equal(model_resource_find(m, name)->status, sc->resources[i]->value);
    }
    fold(m, ev_deploy("In Progress", NULL));
    assert_int_equal(model_state(m)->statuscheckstate->n_resources, 0);
    assert_null(model_resource_find(m, "pod/app-7"));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, fx_teardown_model)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(statuscodes_are_set_beside_the_events),
        T(build_reset_before_the_first_build_of_a_later_iteration),
        T(deploy_reset_keeps_only_the_current_rollout),
        T(a_rollout_after_a_reset_shows_only_its_own_entries),
        T(pods_sit_under_their_deployment),
        T(sync_only_iteration_resets_nothing),
        T(test_reset_before_the_tests_of_each_iteration),
        T(new_session_starts_a_fresh_state_and_keeps_the_history),
        T(reconcile_reapplies_the_resets_inferred_at_fold),
        T(without_devloop_a_build_after_a_deploy_resets),
        T(session_without_failures_has_no_errors),
        T(many_distinct_resources_fold_exactly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
