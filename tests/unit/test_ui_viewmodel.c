/* The view models (skaffold/viewmodel.h) the panes read instead of wire
 * structs, and the view engine's private blocks and row cache (ui/view.h).
 * Expected values come from the events folded and from the model's own
 * accessors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "skaffold/viewmodel.h"
#include "model_fixture.h"
#include "ui/app.h"

static void test_artifacts(void **state)
{
    model_t *m = model_new(NULL);
    fold(m, ev_build("app", "In Progress"));
    fold(m, ev_build("web", "Failed"));
    assert_int_equal(vm_artifact_count(m), 2);
    vm_artifact_t a;
    assert_true(vm_artifact_at(m, 1, &a));
    assert_string_equal(a.name, "web");
    assert_string_equal(a.status, "Failed");
    assert_int_equal(a.kind, status_kind("Failed"));
    assert_true(vm_phase_running(m)); /* app builds */
    assert_false(vm_artifact_at(m, 2, &a));
    model_free(m);
}

/* The target port: a named port by its name, else its number, else the
 * remote port. */
static void test_ports(void **state)
{
    model_t *m = model_new(NULL);
    Proto__Event *ev = ev_port(4503, 8080, "web-1");
    fold(m, ev);
    Proto__Event *named = ev_port(4504, 9090, "web-2");
    Proto__IntOrString *t = fx_new(&proto__int_or_string__descriptor);
    t->type = 1;
    t->strval = fx_str("http");
    named->portevent->targetport = t;
    fold(m, named);
    assert_int_equal(vm_port_count(m), 2);
    vm_port_t p;
    assert_true(vm_port_at(m, 0, &p));
    assert_int_equal(p.local_port, 4503);
    assert_string_equal(p.pod, "web-1");
    assert_null(p.target_name);
    assert_int_equal(p.target_port, p.remote_port);
    assert_true(vm_port_at(m, 1, &p));
    assert_string_equal(p.target_name, "http");
    model_free(m);
}

static void test_debug_containers(void **state)
{
    model_t *m = model_new(NULL);
    Proto__Event *ev = ev_debug("Started", "default", "web-1", "app");
    Proto__DebuggingContainerEvent *d = ev->debuggingcontainerevent;
    d->n_debugports = 1;
    d->debugports = calloc(1, sizeof *d->debugports);
    d->debugports[0] = fx_new(&proto__debugging_container_event__debug_ports_entry__descriptor);
    d->debugports[0]->key = fx_str("dlv");
    d->debugports[0]->value = 56268;
    fold(m, ev);
    assert_int_equal(vm_debug_count(m), 1);
    vm_debug_t dc;
    assert_true(vm_debug_at(m, 0, &dc));
    assert_string_equal(dc.pod, "web-1");
    assert_int_equal(dc.n_ports, 1);
    strbuf_t b;
    sb_init(&b);
    vm_debug_ports(m, 0, &b);
    sb_addc(&b, 0);
    assert_string_equal(b.data, "dlv=56268");
    sb_free(&b);
    model_free(m);
}

/* An event row is classified by the model's one rule (model_entry_error). */
static void test_event_rows(void **state)
{
    model_t *m = model_new(NULL);
    fold_at(m, 5 * SEC + 7, ev_build("app", "In Progress"));
    fold_at(m, 6 * SEC, ev_build_ae("app", "Failed", fx_ae(101, "no docker", 0)));
    strbuf_t text;
    sb_init(&text);
    for (uint64_t seq = model_history_first(m); seq < model_seq(m); seq++) {
        vm_event_t ev;
        sb_reset(&text);
        assert_true(vm_event_get(m, seq, &ev, &text));
        Proto__LogEntry *e = model_history_get(m, seq, NULL);
        assert_int_equal(ev.error, model_entry_error(e, NULL));
        assert_int_equal(ev.sec, e->timestamp->seconds);
        assert_int_equal(ev.nanos, e->timestamp->nanos);
        assert_string_equal(ev.kind, "build");
        protobuf_c_message_free_unpacked(&e->base, NULL);
        ProtobufCMessage *msg = vm_event_message(m, seq);
        assert_non_null(msg);
        protobuf_c_message_free_unpacked(msg, NULL);
    }
    vm_event_t ev;
    assert_false(vm_event_get(m, model_seq(m), &ev, &text));
    sb_free(&text);
    model_free(m);
}

/* The Errors pane's rows live in the engine's cache: one per error line
 * (head, message, each suggestion), rebuilt when the model changes. */
static void test_engine_row_cache(void **state)
{
    ui_t ui;
    memset(&ui, 0, sizeof ui);
    ui.model = model_new(NULL);
    view_t v;
    view_init(&v, PANE_ERRORS);
    assert_int_equal(view_rows(ui_ctx(&ui), &v), 0);
    fold(ui.model, ev_build_ae("app", "Failed", fx_ae(101, "no docker", 2, 1, "start docker", 2, "retry")));
    size_t want = 0;
    for (size_t i = 0; i < model_error_count(ui.model); i++)
        want += 2 + model_error_at(ui.model, i)->n_suggestions;
    assert_true(want > 0);
    assert_int_equal(view_rows(ui_ctx(&ui), &v), want);
    fold(ui.model, ev_deploy("Failed", fx_ae(102, "kubectl failed", 0)));
    want = 0;
    for (size_t i = 0; i < model_error_count(ui.model); i++)
        want += 2 + model_error_at(ui.model, i)->n_suggestions;
    assert_int_equal(view_rows(ui_ctx(&ui), &v), want);
    assert_int_equal(v.cache.gen, view_generation(ui_ctx(&ui)));
    view_free(&v);
    model_free(ui.model);
}

/* Each view of the Events pane has its own private block. */
static void test_private_blocks(void **state)
{
    ui_t ui;
    memset(&ui, 0, sizeof ui);
    ui.model = model_new(NULL);
    fold(ui.model, ev_build("app", "In Progress"));
    view_t a, b;
    view_init(&a, PANE_EVENTS);
    view_init(&b, PANE_EVENTS);
    assert_non_null(a.priv);
    assert_ptr_not_equal(a.priv, b.priv);
    size_t n = (size_t)(model_seq(ui.model) - model_history_first(ui.model));
    assert_int_equal(view_rows(ui_ctx(&ui), &a), n);
    fold(ui.model, ev_build("app", "Complete"));
    assert_int_equal(view_rows(ui_ctx(&ui), &b), n + 1);
    assert_int_equal(view_rows(ui_ctx(&ui), &a), n + 1);
    view_free(&a);
    view_free(&b);
    model_free(ui.model);
}

/* The Debugging pane exists while the model has debugging containers. */
static void test_debug_pane_present(void **state)
{
    ui_t ui;
    memset(&ui, 0, sizeof ui);
    ui.model = model_new(NULL);
    assert_false(ui_pane_present(&ui, PANE_DEBUG));
    assert_true(ui_pane_present(&ui, PANE_EVENTS));
    fold(ui.model, ev_debug("Started", "default", "web-1", "app"));
    assert_true(ui_pane_present(&ui, PANE_DEBUG));
    model_free(ui.model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_artifacts),
        cmocka_unit_test(test_ports),
        cmocka_unit_test(test_debug_containers),
        cmocka_unit_test(test_event_rows),
        cmocka_unit_test(test_engine_row_cache),
        cmocka_unit_test(test_private_blocks),
        cmocka_unit_test(test_debug_pane_present),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
