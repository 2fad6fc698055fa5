/* The error list: every source, suggestions, repeat folding, resolution,
 * newest-first order and the cap. */
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

static const model_error_t *newest(const model_t *m)
{
    const model_error_t *e = model_error_at(m, 0);
    assert_non_null(e);
    return e;
}

static void build_actionable_error_is_recorded_with_suggestions(void **state)
{
    model_t *m = *state;
    const model_error_t *e;

    fold_at(m, 1 * SEC, ev_devloop(2, "In Progress", NULL));
    fold_at(m, 3 * SEC, ev_build_ae("app", "Failed",
                                    fx_ae(PROTO__STATUS_CODE__BUILD_PUSH_ACCESS_DENIED, "denied", 2,
                                          PROTO__SUGGESTION_CODE__ADD_DEFAULT_REPO, "add a repo",
                                          PROTO__SUGGESTION_CODE__DOCKER_AUTH_CONFIGURE, "docker login")));
    assert_int_equal(model_error_count(m), 1);
    e = newest(m);
    assert_int_equal(e->id, 1);
    assert_int_equal(e->seq, 1);
    assert_int_equal(e->time_ns, 3 * SEC);
    assert_int_equal(e->phase, PHASE_BUILD);
    assert_string_equal(e->subject, "app");
    assert_int_equal(e->iteration, 2);
    assert_int_equal(e->code, PROTO__STATUS_CODE__BUILD_PUSH_ACCESS_DENIED);
    assert_string_equal(e->message, "denied");
    assert_int_equal(e->n_suggestions, 2);
    assert_int_equal(e->suggestions[0].code, PROTO__SUGGESTION_CODE__ADD_DEFAULT_REPO);
    assert_string_equal(e->suggestions[0].action, "add a repo");
    assert_int_equal(e->suggestions[1].code, PROTO__SUGGESTION_CODE__DOCKER_AUTH_CONFIGURE);
    assert_string_equal(e->suggestions[1].action, "docker login");
    assert_false(e->resolved);
    assert_int_equal(e->repeats, 0);
    assert_int_equal(model_unresolved_errors(m), 1);
}

/* One source per test row: the event, its phase and its subject. */
static void each_event_kind_raises_an_error_with_phase_and_subject(void **state)
{
    model_t *m = *state;
    const struct {
        Proto__Event *ev;
        phase_t phase;
        const char *subject;
    } rows[] = {
        { ev_deploy("Failed", fx_ae(1005, "helm", 0)), PHASE_DEPLOY, "" },
        { ev_check("Failed", fx_ae(801, "deadline", 0)), PHASE_STATUSCHECK, "" },
        { ev_resource("deployment/web", "Failed", "", 302, fx_ae(302, "crash", 0)),
          PHASE_RESOURCE, "deployment/web" },
        { ev_sync("gcr.io/app", "Failed", fx_ae(505, "sync", 0)), PHASE_SYNC, "gcr.io/app" },
        { ev_devloop(0, "Failed", fx_ae(506, "loop", 0)), PHASE_DEVLOOP, "" },
        { ev_term("Failed", fx_ae(510, "init", 0)), PHASE_TERMINATION, "" },
    };
    size_t n = sizeof rows / sizeof rows[0];

    for (size_t i = 0; i < n; i++) {
        fold(m, rows[i].ev);
        assert_int_equal(model_error_count(m), i + 1);
        assert_int_equal(newest(m)->phase, rows[i].phase);
        assert_string_equal(newest(m)->subject, rows[i].subject);
        assert_int_equal(newest(m)->id, i + 1);
    }
}

static void legacy_pair_of_a_failed_event_without_actionable_error(void **state)
{
    model_t *m = *state;
    const struct {
        Proto__Event *ev;
        phase_t phase;
    } rows[] = {
        { ev_build_full("app", "Failed", "exit 1", 104, NULL), PHASE_BUILD },
        { ev_deploy_full("Failed", "helm err", 1005, NULL), PHASE_DEPLOY },
        { ev_check_full("Failed", "deadline", 801, NULL), PHASE_STATUSCHECK },
        { ev_resource_full("pod/x", "Failed", "", "crashloop", 356, NULL), PHASE_RESOURCE },
        { ev_sync_full("app", "Failed", "copy failed", 505, NULL), PHASE_SYNC },
    };
    const char *msgs[] = { "exit 1", "helm err", "deadline", "crashloop", "copy failed" };
    const int codes[] = { 104, 1005, 801, 356, 505 };

    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        fold(m, rows[i].ev);
        assert_int_equal(newest(m)->phase, rows[i].phase);
        assert_string_equal(newest(m)->message, msgs[i]);
        assert_int_equal(newest(m)->code, codes[i]);
        assert_int_equal(newest(m)->n_suggestions, 0);
    }
    assert_int_equal(model_error_count(m), 5);
}

static void legacy_pair_of_an_event_in_progress_is_not_an_error(void **state)
{
    model_t *m = *state;

    fold(m, ev_resource_full("pod/x", "In Progress", "", "waiting", 304, NULL));
    fold(m, ev_build_full("app", "In Progress", "", 0, NULL));
    assert_int_equal(model_error_count(m), 0);
}

static void bare_failure_is_worded_by_its_log_entry(void **state)
{
    model_t *m = *state;
    Proto__LogEntry *e = fx_entry(0, ev_build("app", "Failed"), "Build failed for artifact app");

    model_fold(m, e);
    protobuf_c_message_free_unpacked(&e->base, NULL);
    assert_int_equal(model_error_count(m), 1);
    assert_string_equal(newest(m)->message, "Build failed for artifact app");
    /* A failed iteration or termination is an error even without an
     * ActionableErr: worded by its sentence too. */
    e = fx_entry(0, ev_devloop(0, "Failed", NULL), "Update failed");
    model_fold(m, e);
    protobuf_c_message_free_unpacked(&e->base, NULL);
    fold(m, ev_term("Failed", NULL));
    assert_int_equal(model_error_count(m), 3);
    assert_string_equal(model_error_at(m, 1)->message, "Update failed");
    assert_int_equal(model_error_at(m, 1)->phase, PHASE_DEVLOOP);
    assert_int_equal(newest(m)->phase, PHASE_TERMINATION);
}

static void success_codes_are_skipped_unless_the_event_failed(void **state)
{
    model_t *m = *state;

    fold(m, ev_resource("deployment/app", "Succeeded", "Succeeded", 200,
                        fx_ae(PROTO__STATUS_CODE__STATUSCHECK_SUCCESS, "ok", 0)));
    fold(m, ev_build_ae("app", "Complete", fx_ae(PROTO__STATUS_CODE__BUILD_SUCCESS, "", 0)));
    fold(m, ev_devloop(0, "Succeeded", fx_ae(0, "", 0)));
    fold(m, ev_term("Completed", fx_ae(0, "", 0)));
    assert_int_equal(model_error_count(m), 0);
    fold(m, ev_deploy("Failed", fx_ae(PROTO__STATUS_CODE__DEPLOY_SUCCESS, "odd", 0)));
    assert_int_equal(model_error_count(m), 1);
    assert_int_equal(newest(m)->code, PROTO__STATUS_CODE__DEPLOY_SUCCESS);
}

/* An "In Progress" resource event describes the resource's condition
 * (progress, or a warning that may still clear): kept on the resource, not
 * an error. */
static void actionable_error_of_an_event_in_progress_is_the_resources_condition(void **state)
{
    model_t *m = *state;

    fold(m, ev_resource("deployment/app", "In Progress", "waiting", 0,
                        fx_ae(PROTO__STATUS_CODE__STATUSCHECK_DEPLOYMENT_ROLLOUT_PENDING,
                              "waiting for rollout", 0)));
    fold(m, ev_resource("pod/app-6d4cf56db6-x7kq2", "In Progress", "", 0,
                        fx_ae(PROTO__STATUS_CODE__STATUSCHECK_CONTAINER_RESTARTING, "restarting", 1,
                              PROTO__SUGGESTION_CODE__CHECK_CONTAINER_LOGS, "kubectl logs")));
    assert_int_equal(model_error_count(m), 0);
    const model_resource_t *r = model_resource_find(m, "deployment/app");
    assert_int_equal(r->code, PROTO__STATUS_CODE__STATUSCHECK_DEPLOYMENT_ROLLOUT_PENDING);
    assert_string_equal(r->message, "waiting");
    r = model_resource_find(m, "pod/app-6d4cf56db6-x7kq2");
    assert_int_equal(r->code, PROTO__STATUS_CODE__STATUSCHECK_CONTAINER_RESTARTING);
    assert_int_equal(r->n_suggestions, 1);
    assert_string_equal(r->suggestions[0].action, "kubectl logs");
    assert_ptr_equal(model_resource_owner(m, r), model_resource_find(m, "deployment/app"));
    /* The warning clears: the condition goes with it. */
    fold(m, ev_resource("pod/app-6d4cf56db6-x7kq2", "Succeeded", "Succeeded",
                        PROTO__STATUS_CODE__STATUSCHECK_SUCCESS, NULL));
    assert_int_equal(r->n_suggestions, 0);
    assert_int_equal(r->code, PROTO__STATUS_CODE__STATUSCHECK_SUCCESS);
    assert_int_equal(model_error_count(m), 0);
}

static void identical_reports_fold_into_repeats(void **state)
{
    model_t *m = *state;

    for (int i = 0; i < 4; i++)
        fold_at(m, (i + 1) * SEC,
                ev_resource("pod/x", "Failed", "", 356, fx_ae(356, "restarting", 0)));
    assert_int_equal(model_error_count(m), 1);
    assert_int_equal(newest(m)->repeats, 3);
    assert_int_equal(newest(m)->time_ns, 1 * SEC); /* the first report */
    /* A different message is a new error; the same report for another
     * subject is too. */
    fold(m, ev_resource("pod/x", "Failed", "", 356, fx_ae(356, "restarting again", 0)));
    fold(m, ev_resource("pod/y", "Failed", "", 356, fx_ae(356, "restarting again", 0)));
    assert_int_equal(model_error_count(m), 3);
    /* Only the newest of pod/x is compared: the first report is new again. */
    fold(m, ev_resource("pod/x", "Failed", "", 356, fx_ae(356, "restarting", 0)));
    assert_int_equal(model_error_count(m), 4);
}

static void repeat_returns_the_folded_error_to_the_timeline(void **state)
{
    model_t *m = *state;

    fold(m, ev_devloop(0, "In Progress", NULL));
    fold(m, ev_devloop(0, "Failed", fx_ae(506, "build failed", 0)));
    fold(m, ev_devloop(1, "In Progress", NULL));
    fold(m, ev_devloop(1, "Failed", fx_ae(506, "build failed", 0)));
    assert_int_equal(model_error_count(m), 1);
    assert_int_equal(newest(m)->repeats, 1);
    assert_int_equal(model_iteration(m, 1)->error_id, newest(m)->id);
}

static void resolved_errors_are_not_repeated_into(void **state)
{
    model_t *m = *state;

    fold(m, ev_build_ae("app", "Failed", fx_ae(104, "boom", 0)));
    fold(m, ev_build("app", "Complete"));
    fold(m, ev_build_ae("app", "Failed", fx_ae(104, "boom", 0)));
    assert_int_equal(model_error_count(m), 2);
    assert_false(newest(m)->resolved);
    assert_true(model_error_at(m, 1)->resolved);
}

static void build_success_resolves_only_that_artifacts_build_errors(void **state)
{
    model_t *m = *state;

    fold(m, ev_build_ae("app", "Failed", fx_ae(104, "app broke", 0)));
    fold(m, ev_build_ae("web", "Failed", fx_ae(104, "web broke", 0)));
    fold(m, ev_sync("app", "Failed", fx_ae(505, "sync broke", 0)));
    fold(m, ev_build("app", "Complete"));
    assert_true(model_error_by_id(m, 1)->resolved);
    assert_false(model_error_by_id(m, 2)->resolved);
    assert_false(model_error_by_id(m, 3)->resolved);
    assert_int_equal(model_unresolved_errors(m), 2);
}

static void deploy_sync_and_devloop_success_resolve_their_phase(void **state)
{
    model_t *m = *state;

    fold(m, ev_deploy("Failed", fx_ae(1005, "helm", 0)));
    fold(m, ev_sync("a", "Failed", fx_ae(505, "sync a", 0)));
    fold(m, ev_sync("b", "Failed", fx_ae(505, "sync b", 0)));
    fold(m, ev_devloop(0, "Failed", fx_ae(506, "loop", 0)));
    fold(m, ev_term("Failed", fx_ae(510, "bye", 0)));
    fold(m, ev_deploy("Complete", NULL));
    assert_true(model_error_by_id(m, 1)->resolved);
    assert_false(model_error_by_id(m, 2)->resolved);
    fold(m, ev_sync("a", "Succeeded", NULL));
    assert_true(model_error_by_id(m, 2)->resolved);
    assert_true(model_error_by_id(m, 3)->resolved);
    assert_false(model_error_by_id(m, 4)->resolved);
    fold(m, ev_devloop(1, "Succeeded", NULL));
    assert_true(model_error_by_id(m, 4)->resolved);
    /* Nothing resolves a termination. */
    fold(m, ev_term("Completed", NULL));
    fold(m, ev_check("Succeeded", NULL));
    assert_false(model_error_by_id(m, 5)->resolved);
    assert_int_equal(model_unresolved_errors(m), 1);
}

static void resource_and_status_check_success_resolve_resource_errors(void **state)
{
    model_t *m = *state;

    fold(m, ev_resource("pod/a", "Failed", "", 356, fx_ae(356, "a restarting", 0)));
    fold(m, ev_resource("pod/b", "Failed", "", 356, fx_ae(356, "b restarting", 0)));
    fold(m, ev_check("Failed", fx_ae(801, "deadline", 0)));
    fold(m, ev_resource("pod/a", "Succeeded", "", 200, NULL));
    assert_true(model_error_by_id(m, 1)->resolved);
    assert_false(model_error_by_id(m, 2)->resolved);
    assert_false(model_error_by_id(m, 3)->resolved);
    fold(m, ev_check("Succeeded", NULL));
    assert_true(model_error_by_id(m, 2)->resolved);
    assert_true(model_error_by_id(m, 3)->resolved);
    assert_int_equal(model_unresolved_errors(m), 0);
}

static void errors_are_listed_newest_first(void **state)
{
    model_t *m = *state;

    fold(m, ev_build_ae("a", "Failed", fx_ae(104, "first", 0)));
    fold(m, ev_build_ae("b", "Failed", fx_ae(104, "second", 0)));
    fold(m, ev_build_ae("c", "Failed", fx_ae(104, "third", 0)));
    assert_string_equal(model_error_at(m, 0)->message, "third");
    assert_string_equal(model_error_at(m, 1)->message, "second");
    assert_string_equal(model_error_at(m, 2)->message, "first");
    assert_null(model_error_at(m, 3));
    assert_int_equal(model_error_at(m, 0)->id, 3);
    assert_true(model_error_at(m, 0)->seq > model_error_at(m, 1)->seq);
}

static void error_cap_keeps_the_newest_and_ids_stay_addressable(void **state)
{
    model_t *m = fx_model(0, 0, 3);
    char msg[32];

    for (int i = 1; i <= 7; i++) {
        snprintf(msg, sizeof msg, "error %d", i);
        fold(m, ev_build_ae("app", "Failed", fx_ae(104, msg, 1, 107, "fix")));
    }
    assert_int_equal(model_error_count(m), 3);
    assert_string_equal(model_error_at(m, 0)->message, "error 7");
    assert_string_equal(model_error_at(m, 2)->message, "error 5");
    assert_null(model_error_by_id(m, 4));
    assert_null(model_error_by_id(m, 0));
    assert_null(model_error_by_id(m, 8));
    assert_string_equal(model_error_by_id(m, 5)->message, "error 5");
    assert_string_equal(model_error_by_id(m, 7)->message, "error 7");
    assert_string_equal(model_error_by_id(m, 6)->suggestions[0].action, "fix");
    fold(m, ev_build("app", "Complete"));
    assert_int_equal(model_unresolved_errors(m), 0);
    model_free(m);
}

static void error_iteration_is_the_one_the_entry_went_to(void **state)
{
    model_t *m = *state;

    fold(m, ev_term("Failed", fx_ae(510, "before any loop", 0)));
    assert_int_equal(newest(m)->iteration, 0);
    fold(m, ev_devloop(3, "In Progress", NULL));
    fold(m, ev_deploy("Failed", fx_ae(1005, "helm", 0)));
    assert_int_equal(newest(m)->iteration, 3);
}

/* Skaffold ends a failed iteration with a DevLoopEvent that carries the
 * failed phase's error again: one failure, one row, and the iteration
 * points at it. A dev-loop error that says something else is its own row. */
static void devloop_failure_restating_the_phase_error_is_that_row(void **state)
{
    model_t *m = *state;

    fold(m, ev_devloop(1, "In Progress", NULL));
    fold(m, ev_build_ae("app", "Failed", fx_ae(PROTO__STATUS_CODE__BUILD_USER_ERROR, "go build: exit 2", 0)));
    uint64_t build_id = newest(m)->id;
    fold(m, ev_devloop(1, "Failed", fx_ae(PROTO__STATUS_CODE__BUILD_USER_ERROR, "go build: exit 2", 0)));
    assert_int_equal(model_error_count(m), 1);
    assert_int_equal(newest(m)->phase, PHASE_BUILD);
    assert_int_equal(newest(m)->repeats, 0);
    assert_int_equal(model_current_iteration(m)->error_id, build_id);
    /* Another iteration failing the same way restates its own build error. */
    fold(m, ev_devloop(2, "In Progress", NULL));
    fold(m, ev_build_ae("app", "Failed", fx_ae(PROTO__STATUS_CODE__BUILD_USER_ERROR, "go build: exit 2", 0)));
    fold(m, ev_devloop(2, "Failed", fx_ae(PROTO__STATUS_CODE__BUILD_USER_ERROR, "go build: exit 2", 0)));
    assert_int_equal(model_error_count(m), 1);
    assert_int_equal(newest(m)->repeats, 1);
    /* A dev-loop failure with words of its own is a row. */
    fold(m, ev_devloop(3, "In Progress", NULL));
    fold(m, ev_deploy("Failed", fx_ae(PROTO__STATUS_CODE__DEPLOY_UNKNOWN, "helm: timed out", 0)));
    fold(m, ev_devloop(3, "Failed", fx_ae(PROTO__STATUS_CODE__DEVINIT_UNKNOWN, "cancelled", 0)));
    assert_int_equal(model_error_count(m), 3);
    assert_int_equal(newest(m)->phase, PHASE_DEVLOOP);
}

/* The v2 rule beside the v1 rule: statuses by status_kind (either
 * spelling, any case), a failed task but DevLoop's, a failed status check. */
static bool v2_task_fails(const char *task, const char *status)
{
    Proto__V2__TaskEvent te = PROTO__V2__TASK_EVENT__INIT;
    Proto__V2__Event ev = PROTO__V2__EVENT__INIT;
    te.task = (char *)task;
    te.status = (char *)status;
    ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_TASK_EVENT;
    ev.taskevent = &te;
    return model_v2_error(&ev);
}

static bool v2_check_fails(const char *status)
{
    Proto__V2__StatusCheckSubtaskEvent sc = PROTO__V2__STATUS_CHECK_SUBTASK_EVENT__INIT;
    Proto__V2__Event ev = PROTO__V2__EVENT__INIT;
    sc.status = (char *)status;
    ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_STATUS_CHECK_SUBTASK_EVENT;
    ev.statuschecksubtaskevent = &sc;
    return model_v2_error(&ev);
}

static void v2_error_rule_is_the_status_kind_rule(void **state)
{
    assert_true(v2_task_fails("Build", "Failed"));
    assert_true(v2_task_fails("Deploy", "failed"));
    assert_true(v2_task_fails(NULL, "Error"));
    assert_false(v2_task_fails("DevLoop", "Failed"));
    assert_false(v2_task_fails("Build", "InProgress"));
    assert_false(v2_task_fails("Build", NULL));
    assert_true(v2_check_fails("Failed"));
    assert_false(v2_check_fails("Succeeded"));
    assert_false(v2_check_fails(NULL));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, fx_teardown_model)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(build_actionable_error_is_recorded_with_suggestions),
        T(each_event_kind_raises_an_error_with_phase_and_subject),
        T(legacy_pair_of_a_failed_event_without_actionable_error),
        T(legacy_pair_of_an_event_in_progress_is_not_an_error),
        T(bare_failure_is_worded_by_its_log_entry),
        T(success_codes_are_skipped_unless_the_event_failed),
        T(actionable_error_of_an_event_in_progress_is_the_resources_condition),
        T(identical_reports_fold_into_repeats),
        T(repeat_returns_the_folded_error_to_the_timeline),
        T(resolved_errors_are_not_repeated_into),
        T(build_success_resolves_only_that_artifacts_build_errors),
        T(deploy_sync_and_devloop_success_resolve_their_phase),
        T(resource_and_status_check_success_resolve_resource_errors),
        T(errors_are_listed_newest_first),
        cmocka_unit_test(error_cap_keeps_the_newest_and_ids_stay_addressable),
        T(error_iteration_is_the_one_the_entry_went_to),
        T(devloop_failure_restating_the_phase_error_is_that_row),
        cmocka_unit_test(v2_error_rule_is_the_status_kind_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
