/* The dev-loop timeline: explicit iterations (DevLoopEvents), implicit ones
 * (Skaffold v0.x sends none), per-artifact build spans, phase spans, the error
 * that ended an iteration, and the cap. */
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

static void devloop_in_progress_opens_and_succeeded_closes_an_iteration(void **state)
{
    model_t *m = *state;
    const iteration_t *it;

    fold_at(m, 1 * SEC, ev_devloop(0, "In Progress", NULL));
    it = model_current_iteration(m);
    assert_non_null(it);
    assert_int_equal(it->number, 0);
    assert_false(it->implicit);
    assert_int_equal(it->span.start_ns, 1 * SEC);
    assert_int_equal(it->span.end_ns, 0);
    assert_int_equal(it->span.status, STATUS_IN_PROGRESS);
    fold_at(m, 9 * SEC, ev_devloop(0, "Succeeded", NULL));
    it = model_current_iteration(m);
    assert_int_equal(it->span.end_ns, 9 * SEC);
    assert_int_equal(it->span.status, STATUS_SUCCEEDED);
    assert_int_equal(it->error_id, 0);
    assert_int_equal(model_iteration_count(m), 1);
}

static void phases_fill_the_spans_of_the_open_iteration(void **state)
{
    model_t *m = *state;
    const iteration_t *it;

    fold_at(m, 1 * SEC, ev_devloop(3, "In Progress", NULL));
    fold_at(m, 2 * SEC, ev_build("app", "In Progress"));
    fold_at(m, 3 * SEC, ev_build("web", "In Progress"));
    fold_at(m, 4 * SEC, ev_build("app", "Complete"));
    fold_at(m, 5 * SEC, ev_build("web", "Failed"));
    fold_at(m, 6 * SEC, ev_deploy("In Progress", NULL));
    fold_at(m, 7 * SEC, ev_deploy("Information", NULL));
    fold_at(m, 8 * SEC, ev_deploy("Complete", NULL));
    fold_at(m, 9 * SEC, ev_check("Started", NULL));
    fold_at(m, 10 * SEC, ev_resource("deployment/app", "Succeeded", "", 200, NULL));
    fold_at(m, 11 * SEC, ev_check("Succeeded", NULL));
    it = model_current_iteration(m);
    assert_int_equal(model_iteration_count(m), 1);
    assert_int_equal(it->number, 3);
    assert_int_equal(it->n_builds, 2);
    assert_string_equal(it->builds[0].artifact, "app");
    assert_int_equal(it->builds[0].span.start_ns, 2 * SEC);
    assert_int_equal(it->builds[0].span.end_ns, 4 * SEC);
    assert_int_equal(it->builds[0].span.status, STATUS_SUCCEEDED);
    assert_string_equal(it->builds[1].artifact, "web");
    assert_int_equal(it->builds[1].span.start_ns, 3 * SEC);
    assert_int_equal(it->builds[1].span.end_ns, 5 * SEC);
    assert_int_equal(it->builds[1].span.status, STATUS_FAILED);
    assert_int_equal(it->deploy.start_ns, 6 * SEC);
    assert_int_equal(it->deploy.end_ns, 8 * SEC);
    assert_int_equal(it->deploy.status, STATUS_SUCCEEDED);
    assert_int_equal(it->statuscheck.start_ns, 9 * SEC);
    assert_int_equal(it->statuscheck.end_ns, 11 * SEC);
    assert_int_equal(it->statuscheck.status, STATUS_SUCCEEDED);
    assert_int_equal(it->sync.status, STATUS_NONE);
    /* Phases do not end an explicit iteration: only its DevLoopEvent does. */
    assert_int_equal(it->span.status, STATUS_IN_PROGRESS);
    assert_int_equal(it->span.end_ns, 0);
}

static void sync_iteration_has_a_sync_span(void **state)
{
    model_t *m = *state;
    const iteration_t *it;

    fold_at(m, 1 * SEC, ev_devloop(2, "In Progress", NULL));
    fold_at(m, 2 * SEC, ev_sync("app", "In Progress", NULL));
    fold_at(m, 3 * SEC, ev_sync("app", "Succeeded", NULL));
    fold_at(m, 4 * SEC, ev_devloop(2, "Succeeded", NULL));
    it = model_current_iteration(m);
    assert_int_equal(it->sync.start_ns, 2 * SEC);
    assert_int_equal(it->sync.end_ns, 3 * SEC);
    assert_int_equal(it->sync.status, STATUS_SUCCEEDED);
    assert_int_equal(it->n_builds, 0);
}

static void consecutive_devloops_make_consecutive_iterations(void **state)
{
    model_t *m = *state;

    fold_at(m, 1 * SEC, ev_devloop(0, "In Progress", NULL));
    fold_at(m, 2 * SEC, ev_build("app", "In Progress"));
    fold_at(m, 3 * SEC, ev_devloop(0, "Succeeded", NULL));
    fold_at(m, 4 * SEC, ev_devloop(1, "In Progress", NULL));
    fold_at(m, 5 * SEC, ev_build("app", "In Progress"));
    fold_at(m, 6 * SEC, ev_build("app", "Complete"));
    assert_int_equal(model_iteration_count(m), 2);
    assert_int_equal(model_iteration(m, 0)->number, 0);
    assert_int_equal(model_iteration(m, 0)->builds[0].span.end_ns, 0);
    assert_int_equal(model_iteration(m, 1)->number, 1);
    assert_int_equal(model_iteration(m, 1)->builds[0].span.start_ns, 5 * SEC);
    assert_ptr_equal(model_current_iteration(m), model_iteration(m, 1));
    assert_null(model_iteration(m, 2));
}

static void devloop_start_while_one_is_open_ends_the_open_one(void **state)
{
    model_t *m = *state;

    fold_at(m, 1 * SEC, ev_devloop(0, "In Progress", NULL));
    fold_at(m, 2 * SEC, ev_devloop(0, "In Progress", NULL)); /* a duplicate */
    assert_int_equal(model_iteration_count(m), 1);
    fold_at(m, 5 * SEC, ev_devloop(1, "In Progress", NULL)); /* lost its end */
    assert_int_equal(model_iteration_count(m), 2);
    assert_int_equal(model_iteration(m, 0)->span.end_ns, 5 * SEC);
    assert_int_equal(model_iteration(m, 0)->span.start_ns, 1 * SEC);
}

static void devloop_end_without_a_start_opens_and_closes_one(void **state)
{
    model_t *m = *state;

    fold_at(m, 4 * SEC, ev_devloop(7, "Failed", NULL));
    assert_int_equal(model_iteration_count(m), 1);
    assert_int_equal(model_current_iteration(m)->number, 7);
    assert_int_equal(model_current_iteration(m)->span.status, STATUS_FAILED);
    assert_int_equal(model_current_iteration(m)->span.end_ns, 4 * SEC);
}

static void failed_devloop_records_the_error_that_ended_it(void **state)
{
    model_t *m = *state;
    const iteration_t *it;
    const model_error_t *e;

    fold_at(m, 1 * SEC, ev_devloop(0, "In Progress", NULL));
    fold_at(m, 2 * SEC, ev_build_ae("app", "Failed", fx_ae(104, "compile error", 0)));
    fold_at(m, 3 * SEC, ev_devloop(0, "Failed", fx_ae(506, "build failed", 0)));
    it = model_current_iteration(m);
    assert_int_equal(it->span.status, STATUS_FAILED);
    e = model_error_by_id(m, it->error_id);
    assert_non_null(e);
    assert_int_equal(e->phase, PHASE_DEVLOOP);
    assert_string_equal(e->message, "build failed");
    assert_int_equal(e->iteration, 0);
}

/* A failed iteration is an error of its own, even without an
 * ActionableErr; the build error that caused it stays listed beside it. */
static void failed_devloop_without_error_is_the_error_that_ended_it(void **state)
{
    model_t *m = *state;
    const model_error_t *e;

    fold_at(m, 1 * SEC, ev_devloop(0, "In Progress", NULL));
    fold_at(m, 2 * SEC, ev_build_ae("app", "Failed", fx_ae(104, "compile error", 0)));
    fold_at(m, 3 * SEC, ev_devloop(0, "Failed", NULL));
    e = model_error_by_id(m, model_current_iteration(m)->error_id);
    assert_non_null(e);
    assert_int_equal(e->phase, PHASE_DEVLOOP);
    assert_int_equal(model_error_count(m), 2);
    assert_int_equal(model_error_at(m, 1)->phase, PHASE_BUILD);
    assert_string_equal(model_error_at(m, 1)->message, "compile error");
}

/* Errors are failures: a succeeded iteration is none, whatever code it
 * carries. */
static void succeeded_devloop_with_a_code_is_no_error(void **state)
{
    model_t *m = *state;

    fold_at(m, 1 * SEC, ev_devloop(0, "In Progress", NULL));
    fold_at(m, 2 * SEC, ev_devloop(0, "Succeeded", fx_ae(0, "", 0)));
    assert_int_equal(model_current_iteration(m)->error_id, 0);
    fold_at(m, 3 * SEC, ev_devloop(1, "In Progress", NULL));
    fold_at(m, 4 * SEC, ev_devloop(1, "Succeeded", fx_ae(801, "deadline", 0)));
    assert_int_equal(model_current_iteration(m)->error_id, 0);
    assert_int_equal(model_error_count(m), 0);
}

static void phase_events_without_devloop_open_an_implicit_iteration(void **state)
{
    model_t *m = *state;
    const iteration_t *it;

    /* data/http-gateway-getting-started.jsonl: Skaffold v0.39, no DevLoopEvents. */
    fold_at(m, 1 * SEC, ev_meta("Starting Skaffold v0.39", false));
    assert_int_equal(model_iteration_count(m), 0);
    fold_at(m, 2 * SEC, ev_build("gcr.io/k8s-skaffold/skaffold-example", "In Progress"));
    fold_at(m, 3 * SEC, ev_build("gcr.io/k8s-skaffold/skaffold-example", "Complete"));
    it = model_current_iteration(m);
    assert_true(it->implicit);
    assert_int_equal(it->number, 0);
    assert_int_equal(it->span.start_ns, 2 * SEC);
    assert_int_equal(it->span.status, STATUS_IN_PROGRESS);
    fold_at(m, 4 * SEC, ev_deploy("In Progress", NULL));
    fold_at(m, 5 * SEC, ev_deploy("Complete", NULL));
    it = model_current_iteration(m);
    assert_int_equal(model_iteration_count(m), 1);
    assert_int_equal(it->n_builds, 1);
    assert_int_equal(it->builds[0].span.end_ns, 3 * SEC);
    assert_int_equal(it->deploy.start_ns, 4 * SEC);
    assert_int_equal(it->span.status, STATUS_SUCCEEDED);
    assert_int_equal(it->span.end_ns, 5 * SEC);
}

static void implicit_iteration_gives_way_when_the_loop_goes_round(void **state)
{
    model_t *m = *state;

    fold_at(m, 1 * SEC, ev_build("app", "In Progress"));
    fold_at(m, 2 * SEC, ev_build("app", "Complete"));
    fold_at(m, 3 * SEC, ev_deploy("In Progress", NULL));
    fold_at(m, 4 * SEC, ev_deploy("Complete", NULL));
    fold_at(m, 5 * SEC, ev_check("Started", NULL));    /* still the first */
    fold_at(m, 6 * SEC, ev_check("Succeeded", NULL));
    assert_int_equal(model_iteration_count(m), 1);
    assert_int_equal(model_iteration(m, 0)->span.end_ns, 6 * SEC);
    fold_at(m, 7 * SEC, ev_build("app", "In Progress")); /* a rebuild: the second */
    assert_int_equal(model_iteration_count(m), 2);
    assert_int_equal(model_iteration(m, 1)->number, 1);
    assert_true(model_iteration(m, 1)->implicit);
    assert_int_equal(model_iteration(m, 1)->span.start_ns, 7 * SEC);
    fold_at(m, 8 * SEC, ev_deploy("In Progress", NULL));
    fold_at(m, 9 * SEC, ev_deploy("Complete", NULL));
    fold_at(m, 10 * SEC, ev_deploy("In Progress", NULL)); /* a redeploy: the third */
    assert_int_equal(model_iteration_count(m), 3);
    assert_int_equal(model_iteration(m, 2)->n_builds, 0);
    fold_at(m, 11 * SEC, ev_deploy("Complete", NULL));
    fold_at(m, 12 * SEC, ev_sync("app", "In Progress", NULL)); /* a sync after it */
    assert_int_equal(model_iteration_count(m), 4);
    fold_at(m, 13 * SEC, ev_sync("app", "Succeeded", NULL));
    assert_int_equal(model_iteration_count(m), 4);
    assert_int_equal(model_iteration(m, 3)->span.status, STATUS_SUCCEEDED);
    fold_at(m, 14 * SEC, ev_sync("app", "In Progress", NULL)); /* a second sync */
    assert_int_equal(model_iteration_count(m), 5);
}

static void implicit_iteration_fails_with_its_first_failed_step(void **state)
{
    model_t *m = *state;
    const iteration_t *it;
    const model_error_t *e;

    fold_at(m, 1 * SEC, ev_build("app", "In Progress"));
    fold_at(m, 2 * SEC, ev_build_full("app", "Failed", "exit status 1", 104, NULL));
    it = model_current_iteration(m);
    assert_int_equal(it->span.status, STATUS_FAILED);
    assert_int_equal(it->span.end_ns, 2 * SEC);
    e = model_error_by_id(m, it->error_id);
    assert_non_null(e);
    assert_string_equal(e->message, "exit status 1");
    fold_at(m, 3 * SEC, ev_deploy("Complete", NULL)); /* does not undo the failure */
    assert_int_equal(model_current_iteration(m)->span.status, STATUS_FAILED);
}

static void phase_events_after_a_closed_devloop_open_an_implicit_one(void **state)
{
    model_t *m = *state;

    fold_at(m, 1 * SEC, ev_devloop(4, "In Progress", NULL));
    fold_at(m, 2 * SEC, ev_devloop(4, "Succeeded", NULL));
    fold_at(m, 3 * SEC, ev_deploy("In Progress", NULL));
    assert_int_equal(model_iteration_count(m), 2);
    assert_true(model_current_iteration(m)->implicit);
    assert_int_equal(model_current_iteration(m)->number, 5);
    fold_at(m, 4 * SEC, ev_devloop(5, "In Progress", NULL));
    assert_int_equal(model_iteration_count(m), 3);
    assert_false(model_current_iteration(m)->implicit);
    assert_int_equal(model_iteration(m, 1)->span.end_ns, 4 * SEC);
}

static void non_phase_events_open_no_iteration(void **state)
{
    model_t *m = *state;

    fold(m, ev_port(9000, 8080, "pod"));
    fold(m, ev_debug("Started", "ns", "pod", "app"));
    fold(m, ev_term("Completed", NULL));
    assert_int_equal(model_iteration_count(m), 0);
    assert_null(model_current_iteration(m));
    assert_null(model_iteration(m, 0));
}

static void timeline_cap_drops_the_oldest_iterations(void **state)
{
    model_t *m = fx_model(0, 3, 0);

    /* 8 iterations through a cap of 3: the kept ones (a ring) wrap past the
     * start of their array twice. */
    for (int i = 0; i < 8; i++) {
        fold_at(m, (2 * i + 1) * SEC, ev_devloop(i, "In Progress", NULL));
        fold_at(m, (2 * i + 1) * SEC, ev_build("app", "In Progress"));
        fold_at(m, (2 * i + 2) * SEC, ev_devloop(i, "Succeeded", NULL));
    }
    assert_int_equal(model_iteration_count(m), 3);
    assert_int_equal(model_iteration(m, 0)->number, 5);
    assert_int_equal(model_iteration(m, 1)->number, 6);
    assert_int_equal(model_iteration(m, 2)->number, 7);
    assert_null(model_iteration(m, 3));
    assert_string_equal(model_iteration(m, 0)->builds[0].artifact, "app");
    assert_int_equal(model_iteration(m, 0)->span.start_ns, 11 * SEC);
    assert_int_equal(model_current_iteration(m)->number, 7);
    model_free(m);
}

/* Up to 8 artifacts an iteration are found by a scan, more through an index
 * made at the ninth: every build lands on its own artifact either way, in
 * iterations opened anew and in ones that reuse a dropped iteration's room. */
static void builds_beyond_the_scan_find_their_artifacts(void **state)
{
    model_t *m = fx_model(0, 2, 0);
    char name[32];

    for (int it = 0; it < 4; it++) {
        int n = it % 2 ? 20 : 5;
        fold(m, ev_devloop(it, "In Progress", NULL));
        for (int i = 0; i < n; i++) {
            snprintf(name, sizeof name, "art-%d", i);
            fold(m, ev_build(name, "In Progress"));
        }
        for (int i = n - 1; i >= 0; i -= 2) {
            snprintf(name, sizeof name, "art-%d", i);
            fold(m, ev_build(name, "Complete"));
        }
        const iteration_t *cur = model_current_iteration(m);
        assert_int_equal(cur->number, it);
        assert_int_equal(cur->n_builds, n);
        for (int i = 0; i < n; i++) {
            snprintf(name, sizeof name, "art-%d", i);
            assert_string_equal(cur->builds[i].artifact, name);
            assert_int_equal(cur->builds[i].span.status,
                             (n - 1 - i) % 2 == 0 ? STATUS_SUCCEEDED : STATUS_IN_PROGRESS);
        }
    }
    assert_int_equal(model_iteration_count(m), 2);
    assert_int_equal(model_iteration(m, 0)->number, 2);
    assert_int_equal(model_iteration(m, 0)->n_builds, 5);
    assert_int_equal(model_iteration(m, 1)->n_builds, 20);
    model_free(m);
}

static void timeline_cap_of_one_keeps_the_current_iteration(void **state)
{
    model_t *m = fx_model(0, 1, 0);

    fold(m, ev_devloop(0, "In Progress", NULL));
    fold(m, ev_devloop(1, "In Progress", NULL));
    fold(m, ev_build_ae("app", "Failed", fx_ae(104, "x", 0)));
    fold(m, ev_devloop(1, "Failed", NULL));
    assert_int_equal(model_iteration_count(m), 1);
    assert_int_equal(model_current_iteration(m)->number, 1);
    assert_int_equal(model_current_iteration(m)->n_builds, 1);
    assert_int_not_equal(model_current_iteration(m)->error_id, 0);
    model_free(m);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, fx_teardown_model)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(devloop_in_progress_opens_and_succeeded_closes_an_iteration),
        T(phases_fill_the_spans_of_the_open_iteration),
        T(sync_iteration_has_a_sync_span),
        T(consecutive_devloops_make_consecutive_iterations),
        T(devloop_start_while_one_is_open_ends_the_open_one),
        T(devloop_end_without_a_start_opens_and_closes_one),
        T(failed_devloop_records_the_error_that_ended_it),
        T(failed_devloop_without_error_is_the_error_that_ended_it),
        T(succeeded_devloop_with_a_code_is_no_error),
        T(phase_events_without_devloop_open_an_implicit_iteration),
        T(implicit_iteration_gives_way_when_the_loop_goes_round),
        T(implicit_iteration_fails_with_its_first_failed_step),
        T(phase_events_after_a_closed_devloop_open_an_implicit_one),
        T(non_phase_events_open_no_iteration),
        cmocka_unit_test(timeline_cap_drops_the_oldest_iterations),
        cmocka_unit_test(timeline_cap_of_one_keeps_the_current_iteration),
        cmocka_unit_test(builds_beyond_the_scan_find_their_artifacts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
