/* The model's mirror of Skaffold's State: one test per fold rule, then
 * reconcile, clear, per-resource detail and the small helpers. The timeline,
 * the error list and the history have their own files. */
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

static void new_model_is_skaffolds_empty_state(void **state)
{
    model_t *m = *state;
    const Proto__State *s = model_state(m);
    const char *term = "x";

    assert_non_null(s->buildstate);
    assert_int_equal(s->buildstate->n_artifacts, 0);
    assert_false(s->buildstate->autotrigger);
    assert_string_equal(s->deploystate->status, "Not Started");
    assert_string_equal(s->statuscheckstate->status, "Not Started");
    assert_int_equal(s->statuscheckstate->n_resources, 0);
    assert_string_equal(s->filesyncstate->status, "Not Started");
    assert_int_equal(s->n_forwardedports, 0);
    assert_int_equal(s->n_debuggingcontainers, 0);
    assert_null(s->metadata);
    assert_int_equal(model_seq(m), 0);
    assert_string_equal(model_version(m), "");
    assert_false(model_terminated(m, &term));
    assert_string_equal(term, "");
    assert_int_equal(model_last_time(m), 0);
    assert_null(model_current_iteration(m));
    assert_int_equal(model_error_count(m), 0);
    assert_int_equal(model_resource_count(m), 0);
}

static void new_model_with_null_options_uses_defaults(void **state)
{
    model_t *m = model_new(NULL);
    assert_non_null(m);
    fold(m, ev_build("app", "In Progress"));
    assert_string_equal(st_artifact(m, "app"), "In Progress");
    model_free(m);
    model_free(NULL);
}

/* The same State bytes as a full model's after the same events (the resets
 * included); the timeline, errors and resources' details stay empty. */
static void state_only_folds_the_mirror_alone(void **state)
{
    (void)state;
    model_t *full = model_new(&(model_opts_t){.no_history = true});
    model_t *only = model_new(&(model_opts_t){.no_history = true, .state_only = true});
    for (int round = 0; round < 2; round++)
        for (model_t *m = full; m; m = m == full ? only : NULL) {
            fold(m, ev_devloop(round, "In Progress", NULL));
            fold(m, ev_build("app", "In Progress"));
            fold(m, ev_build_ae("app", "Failed", fx_ae(PROTO__STATUS_CODE__BUILD_PUSH_ACCESS_DENIED, "denied", 0)));
            fold(m, ev_deploy("In Progress", NULL));
            fold(m, ev_port(8080, 80, "app-1"));
            fold(m, ev_resource("deployment/app", "Pending", "waiting", 304, NULL));
        }
    const ProtobufCMessage *a = &model_state(full)->base, *b = &model_state(only)->base;
    size_t na = protobuf_c_message_get_packed_size(a), nb = protobuf_c_message_get_packed_size(b);
    assert_int_equal(na, nb);
    uint8_t *pa = malloc(na), *pb = malloc(nb);
    protobuf_c_message_pack(a, pa);
    protobuf_c_message_pack(b, pb);
    assert_memory_equal(pa, pb, na);
    assert_true(model_error_count(full) > 0 && model_iteration_count(full) > 0 && model_resource_count(full) > 0);
    assert_int_equal(model_error_count(only), 0);
    assert_int_equal(model_iteration_count(only), 0);
    assert_int_equal(model_resource_count(only), 0);
    assert_int_equal(model_seq(only), model_seq(full));
    free(pa);
    free(pb);
    model_free(full);
    model_free(only);
}

static void build_event_sets_artifact_status(void **state)
{
    model_t *m = *state;

    fold(m, ev_build("app", "In Progress"));
    fold(m, ev_build("web", "InProgress"));
    fold(m, ev_build("app", "Complete"));
    assert_int_equal(model_state(m)->buildstate->n_artifacts, 2);
    assert_string_equal(st_artifact(m, "app"), "Complete");
    assert_string_equal(st_artifact(m, "web"), "InProgress");
}

static void deploy_event_sets_deploy_status(void **state)
{
    model_t *m = *state;

    fold(m, ev_deploy("In Progress", NULL));
    assert_string_equal(model_state(m)->deploystate->status, "In Progress");
    fold(m, ev_deploy("Complete", NULL));
    assert_string_equal(model_state(m)->deploystate->status, "Complete");
}

static void port_event_is_keyed_by_local_port_and_overwritten(void **state)
{
    model_t *m = *state;

    fold(m, ev_port(9000, 8080, "pod-a"));
    fold(m, ev_port(9001, 8081, "pod-b"));
    fold(m, ev_port(9000, 8090, "pod-c"));
    assert_int_equal(model_state(m)->n_forwardedports, 2);
    assert_int_equal(st_port(m, 9000)->remoteport, 8090);
    assert_string_equal(st_port(m, 9000)->podname, "pod-c");
    assert_int_equal(st_port(m, 9001)->remoteport, 8081);
    assert_string_equal(st_port(m, 9001)->address, "127.0.0.1");
}

/* A port forwarded again is rewritten in place, its strings into the old
 * blocks where they fit: every field must still come out as sent (longer,
 * shorter, emptied), and a target port sent before and not now is gone. */
static void port_forwarded_again_keeps_only_the_new_fields(void **state)
{
    model_t *m = *state;
    Proto__Event *a = ev_port(9000, 8080, "p");
    a->portevent->targetport = fx_new(&proto__int_or_string__descriptor);
    a->portevent->targetport->intval = 8080;
    fold(m, a);
    assert_int_equal(st_port(m, 9000)->targetport->intval, 8080);
    Proto__Event *b = ev_port(9000, 8081, "a-pod-name-much-longer-than-the-first-one-was-0123456789");
    free(b->portevent->address);
    b->portevent->address = fx_str("");
    fold(m, b);
    const Proto__PortEvent *p = st_port(m, 9000);
    assert_string_equal(p->podname, "a-pod-name-much-longer-than-the-first-one-was-0123456789");
    assert_string_equal(p->address, "");
    assert_null(p->targetport);
    fold(m, ev_port(9000, 8082, "q"));
    p = st_port(m, 9000);
    assert_string_equal(p->podname, "q");
    assert_string_equal(p->address, "127.0.0.1");
    assert_int_equal(p->remoteport, 8082);
    assert_int_equal(model_state(m)->n_forwardedports, 1);
}

static void status_check_event_sets_status_check_status(void **state)
{
    model_t *m = *state;

    fold(m, ev_check("Started", NULL));
    assert_string_equal(model_state(m)->statuscheckstate->status, "Started");
    fold(m, ev_check("Succeeded", NULL));
    assert_string_equal(model_state(m)->statuscheckstate->status, "Succeeded");
}

static void resource_event_sets_resource_status(void **state)
{
    model_t *m = *state;

    fold(m, ev_resource("deployment/app", "Pending", "waiting", 304, NULL));
    fold(m, ev_resource("deployment/db", "Pending", "", 0, NULL));
    fold(m, ev_resource("deployment/app", "Succeeded", "Succeeded", 200, NULL));
    assert_int_equal(model_state(m)->statuscheckstate->n_resources, 2);
    assert_string_equal(st_resource(m, "deployment/app"), "Succeeded");
    assert_string_equal(st_resource(m, "deployment/db"), "Pending");
}

static void file_sync_event_sets_sync_status(void **state)
{
    model_t *m = *state;

    fold(m, ev_sync("app", "In Progress", NULL));
    assert_string_equal(model_state(m)->filesyncstate->status, "In Progress");
    fold(m, ev_sync("app", "Succeeded", NULL));
    assert_string_equal(model_state(m)->filesyncstate->status, "Succeeded");
}

static void debugging_container_started_then_terminated_removes_only_it(void **state)
{
    model_t *m = *state;
    const Proto__State *s;

    fold(m, ev_debug("Started", "default", "pod-1", "app"));
    fold(m, ev_debug("Started", "default", "pod-1", "sidecar"));
    fold(m, ev_debug("Started", "other", "pod-1", "app"));
    fold(m, ev_debug("Started", "default", "pod-2", "app"));
    assert_int_equal(model_state(m)->n_debuggingcontainers, 4);
    fold(m, ev_debug("Terminated", "default", "pod-1", "app"));
    s = model_state(m);
    assert_int_equal(s->n_debuggingcontainers, 3);
    assert_string_equal(s->debuggingcontainers[0]->containername, "sidecar");
    assert_string_equal(s->debuggingcontainers[1]->namespace_, "other");
    assert_string_equal(s->debuggingcontainers[2]->podname, "pod-2");
    assert_string_equal(s->debuggingcontainers[2]->runtime, "go");
}

static void debugging_container_terminated_removes_every_duplicate(void **state)
{
    model_t *m = *state;

    fold(m, ev_debug("Started", "default", "pod-1", "app"));
    fold(m, ev_debug("Started", "default", "pod-1", "app"));
    fold(m, ev_debug("terminated", "default", "pod-1", "app"));
    assert_int_equal(model_state(m)->n_debuggingcontainers, 0);
}

/* The containers' index (mirror.c): past a few hundred, a Started finds
 * its container again, a Terminated removes only it and keeps the order,
 * and the index follows the moved positions. */
static void debugging_containers_index_follows_starts_and_stops(void **state)
{
    model_t *m = *state;
    char pod[32];
    for (int i = 0; i < 300; i++) {
        snprintf(pod, sizeof pod, "pod-%d", i);
        fold(m, ev_debug("Started", "default", pod, "app"));
    }
    fold(m, ev_debug("Started", "default", "pod-7", "app"));          /* again: replaced */
    const Proto__State *s = model_state(m);
    assert_int_equal(s->n_debuggingcontainers, 300);
    assert_string_equal(s->debuggingcontainers[7]->podname, "pod-7");
    fold(m, ev_debug("Terminated", "default", "pod-3", "app"));
    fold(m, ev_debug("Terminated", "default", "pod-1000", "app"));    /* not there */
    s = model_state(m);
    assert_int_equal(s->n_debuggingcontainers, 299);
    assert_string_equal(s->debuggingcontainers[3]->podname, "pod-4");  /* order kept */
    fold(m, ev_debug("Started", "default", "pod-250", "app"));        /* found at its new place */
    s = model_state(m);
    assert_int_equal(s->n_debuggingcontainers, 299);
    assert_string_equal(s->debuggingcontainers[249]->podname, "pod-250");
    fold(m, ev_debug("Started", "default", "pod-3", "app"));          /* back: at the end */
    s = model_state(m);
    assert_int_equal(s->n_debuggingcontainers, 300);
    assert_string_equal(s->debuggingcontainers[299]->podname, "pod-3");
    for (size_t i = 0; i < s->n_debuggingcontainers; i++)
        for (size_t j = i + 1; j < s->n_debuggingcontainers; j++)
            assert_string_not_equal(s->debuggingcontainers[i]->podname, s->debuggingcontainers[j]->podname);
}

/* The iteration's builds by artifact (timeline.c's index): each artifact
 * once, in the order first built, its span moved by its own events. */
static void iteration_builds_index_keeps_one_span_per_artifact(void **state)
{
    model_t *m = *state;
    char art[32];
    fold(m, ev_devloop(0, "In Progress", NULL));
    for (int i = 0; i < 200; i++) {
        snprintf(art, sizeof art, "art-%d", i);
        fold(m, ev_build(art, "In Progress"));
    }
    fold(m, ev_build("art-150", "Complete"));
    const iteration_t *it = model_current_iteration(m);
    assert_non_null(it);
    assert_int_equal(it->n_builds, 200);
    for (size_t i = 0; i < it->n_builds; i++) {
        snprintf(art, sizeof art, "art-%zu", i);
        assert_string_equal(it->builds[i].artifact, art);
        assert_int_equal(it->builds[i].span.status, i == 150 ? STATUS_SUCCEEDED : STATUS_IN_PROGRESS);
    }
}

static void meta_event_sets_metadata_and_version(void **state)
{
    model_t *m = *state;
    const Proto__Metadata *md;

    fold(m, ev_meta("Starting Skaffold: v1.29.0", true));
    md = model_state(m)->metadata;
    assert_non_null(md);
    assert_int_equal(md->build->numberofartifacts, 1);
    assert_int_equal(md->build->type, PROTO__BUILD_TYPE__LOCAL);
    assert_int_equal(md->deploy->cluster, PROTO__CLUSTER_TYPE__MINIKUBE);
    assert_string_equal(model_version(m), "Starting Skaffold: v1.29.0");
}

/* A v0.x MetaEvent has no metadata: the first one of a stream keeps the
 * metadata a reconcile brought; a later one is a new session (a new
 * process), which starts from a fresh State. */
static void meta_event_without_metadata_keeps_the_metadata(void **state)
{
    model_t *m = *state;
    Proto__State *srv = fx_new(&proto__state__descriptor);

    srv->metadata = fx_new(&proto__metadata__descriptor);
    srv->metadata->build = fx_new(&proto__build_metadata__descriptor);
    srv->metadata->build->numberofartifacts = 2;
    model_reconcile(m, srv, 0);
    protobuf_c_message_free_unpacked(&srv->base, NULL);
    fold(m, ev_meta("Starting Skaffold: v0.39.0", false));
    assert_non_null(model_state(m)->metadata);
    assert_int_equal(model_state(m)->metadata->build->numberofartifacts, 2);
    assert_string_equal(model_version(m), "Starting Skaffold: v0.39.0");
    assert_int_equal(model_session(m), 1);

    fold(m, ev_build("app", "Complete"));
    fold(m, ev_meta("Starting Skaffold: v0.40.0", false));
    assert_int_equal(model_session(m), 2);
    assert_null(model_state(m)->metadata);
    assert_null(st_artifact(m, "app"));
}

static void devloop_and_termination_change_no_state_field(void **state)
{
    model_t *m = *state;
    const char *status = NULL;

    fold(m, ev_devloop(0, "In Progress", NULL));
    fold(m, ev_term("Completed", NULL));
    assert_string_equal(model_state(m)->deploystate->status, "Not Started");
    assert_int_equal(model_state(m)->buildstate->n_artifacts, 0);
    assert_true(model_terminated(m, &status));
    assert_string_equal(status, "Completed");
    assert_true(model_terminated(m, NULL));
}

static void entry_without_event_is_counted_and_rejected(void **state)
{
    model_t *m = *state;
    Proto__LogEntry *e = fx_entry(5 * SEC, NULL, "no event");
    uint64_t gen = model_generation(m);

    assert_int_equal(model_fold(m, e), -1);
    e->event = fx_new(&proto__event__descriptor); /* present but empty */
    assert_int_equal(model_fold(m, e), -1);
    protobuf_c_message_free_unpacked(&e->base, NULL);
    assert_int_equal(model_seq(m), 2);
    assert_true(model_generation(m) >= gen + 2);
    assert_int_equal(model_last_time(m), 5 * SEC);
    assert_int_equal(model_history_first(m), 0);
}

/* Found by fuzzing: protobuf-c keeps an unknown field number 0 that it then
 * packs into bytes it cannot decode; the history entry is lost but reconcile
 * goes on and counts it. */
static void undecodable_history_entry_is_skipped(void **state)
{
    model_t *m = *state;
    static const uint8_t wire[] = {0x0a, 0x0c, 0x08, 0xcd, 0xc5, 0xd0, 0x88, 0x06, 0x10, 0x83, 0x87, 0xe7, 0xe8, 0x02, 0x12, 0x0f, 0x42, 0x0d, 0x12, 0x0b, 0x00, 0x31, 0x00, 0x00, 0x00, 0x6f, 0x67, 0x8c, 0xe5, 0xef, 0xaa, 0x85, 0x00, 0x00, 0x00, 0x05, 0x20, 0x69, 0x6e, 0x69, 0x74, 0x69, 0x61, 0x74, 0x2c, 0x64};
    Proto__LogEntry *e = proto__log_entry__unpack(NULL, sizeof wire, wire);
    assert_non_null(e);
    model_fold(m, e);
    assert_null(model_history_get(m, 0, NULL));
    model_reconcile(m, model_state(m), 0);
    assert_int_equal(model_undecodable(m), 1);
    proto__log_entry__free_unpacked(e, NULL);
}

/* Found by fuzzing: a timestamp past 2262 must not overflow nanoseconds. */
static void far_timestamps_saturate(void **state)
{
    model_t *m = *state;
    Proto__LogEntry *e = fx_entry(SEC, ev_check("Started", NULL), "far");
    e->timestamp->seconds = 10218644178; /* the year 2293 */
    model_fold(m, e);
    assert_int_equal(model_last_time(m), INT64_MAX);
    e->timestamp->seconds = -10218644178;
    model_fold(m, e);
    assert_int_equal(model_last_time(m), INT64_MIN + 1);
    proto__log_entry__free_unpacked(e, NULL);
}

static void seq_generation_and_last_time_advance_with_each_fold(void **state)
{
    model_t *m = *state;
    uint64_t g0 = model_generation(m);

    fold_at(m, 10 * SEC + 5, ev_build("app", "In Progress"));
    assert_int_equal(model_seq(m), 1);
    assert_true(model_generation(m) > g0);
    assert_int_equal(model_last_time(m), 10 * SEC + 5);
    uint64_t g1 = model_generation(m);
    fold(m, ev_build("app", "Complete")); /* no timestamp: last time kept */
    assert_int_equal(model_seq(m), 2);
    assert_true(model_generation(m) > g1);
    assert_int_equal(model_last_time(m), 10 * SEC + 5);
}

/* A server State as GetState returns it, after a reset by Execute. */
static Proto__State *server_state(void)
{
    Proto__State *s = fx_new(&proto__state__descriptor);
    Proto__BuildState__ArtifactsEntry *a = fx_new(&proto__build_state__artifacts_entry__descriptor);

    s->buildstate = fx_new(&proto__build_state__descriptor);
    s->buildstate->autotrigger = true;
    s->buildstate->statuscode = PROTO__STATUS_CODE__BUILD_SUCCESS;
    a->key = fx_str("app");
    a->value = fx_str("Not Started");
    s->buildstate->n_artifacts = 1;
    s->buildstate->artifacts = malloc(sizeof *s->buildstate->artifacts);
    s->buildstate->artifacts[0] = a;
    s->deploystate = fx_new(&proto__deploy_state__descriptor);
    s->deploystate->status = fx_str("Not Started");
    s->deploystate->autotrigger = true;
    s->deploystate->statuscode = PROTO__STATUS_CODE__DEPLOY_SUCCESS;
    s->statuscheckstate = fx_new(&proto__status_check_state__descriptor);
    s->statuscheckstate->status = fx_str("Not Started");
    s->statuscheckstate->statuscode = PROTO__STATUS_CODE__STATUSCHECK_SUCCESS;
    s->filesyncstate = fx_new(&proto__file_sync_state__descriptor);
    s->filesyncstate->status = fx_str("Not Started");
    return s;
}

static void reconcile_takes_the_servers_flags_codes_and_resets(void **state)
{
    model_t *m = *state;
    Proto__State *srv = server_state();

    fold(m, ev_build("app", "Complete"));
    fold(m, ev_deploy("Complete", NULL));
    fold(m, ev_port(9000, 8080, "pod"));
    fold(m, ev_resource("deployment/app", "Succeeded", "", 0, NULL));
    fold(m, ev_debug("Started", "default", "pod", "app"));
    uint64_t gen = model_generation(m);
    model_reconcile(m, srv, model_seq(m));
    protobuf_c_message_free_unpacked(&srv->base, NULL);

    const Proto__State *s = model_state(m);
    assert_true(model_generation(m) > gen);
    assert_true(s->buildstate->autotrigger);
    assert_true(s->deploystate->autotrigger);
    assert_false(s->filesyncstate->autotrigger);
    assert_int_equal(s->buildstate->statuscode, PROTO__STATUS_CODE__BUILD_SUCCESS);
    assert_int_equal(s->deploystate->statuscode, PROTO__STATUS_CODE__DEPLOY_SUCCESS);
    assert_int_equal(s->statuscheckstate->statuscode, PROTO__STATUS_CODE__STATUSCHECK_SUCCESS);
    assert_string_equal(st_artifact(m, "app"), "Not Started");
    assert_string_equal(s->deploystate->status, "Not Started");
    assert_int_equal(s->n_forwardedports, 0);
    assert_int_equal(s->statuscheckstate->n_resources, 0);
    assert_int_equal(s->n_debuggingcontainers, 0);
    /* The resource details follow the server's resources map. */
    assert_int_equal(model_resource_count(m), 0);
    assert_int_equal(model_seq(m), 5);
}

static void reconcile_refolds_entries_since_seq_only(void **state)
{
    model_t *m = *state;
    Proto__State *srv = server_state();

    fold(m, ev_deploy("Failed", NULL));           /* seq 0: before GetState */
    uint64_t since = model_seq(m);
    fold(m, ev_build("app", "In Progress"));      /* seq 1: while in flight */
    fold(m, ev_port(9000, 8080, "pod"));          /* seq 2 */
    model_reconcile(m, srv, since);
    protobuf_c_message_free_unpacked(&srv->base, NULL);

    assert_string_equal(model_state(m)->deploystate->status, "Not Started");
    assert_string_equal(st_artifact(m, "app"), "In Progress");
    assert_int_equal(st_port(m, 9000)->remoteport, 8080);
    assert_true(model_state(m)->buildstate->autotrigger);
    /* The mirror keeps folding normally afterwards. */
    fold(m, ev_deploy("In Progress", NULL));
    assert_string_equal(model_state(m)->deploystate->status, "In Progress");
    assert_true(model_state(m)->deploystate->autotrigger);
}

/* A reconnect: GetState already lists the container whose "Started" the
 * replayed history brings again, before and after the answer. */
static void reconcile_then_replayed_debug_start_lists_it_once(void **state)
{
    model_t *m = *state;

    fold(m, ev_debug("Started", "default", "pod", "app"));
    fold(m, ev_debug("Started", "default", "pod", "sidecar"));
    Proto__State *srv = (Proto__State *)pb_dup(&model_state(m)->base);
    model_clear(m);
    fold(m, ev_debug("Started", "default", "pod", "app"));  /* before the answer */
    model_reconcile(m, srv, 0);
    protobuf_c_message_free_unpacked(&srv->base, NULL);
    fold(m, ev_debug("Started", "default", "pod", "sidecar")); /* after it */
    const Proto__State *s = model_state(m);
    assert_int_equal(s->n_debuggingcontainers, 2);
    assert_string_equal(s->debuggingcontainers[0]->containername, "app");
    assert_string_equal(s->debuggingcontainers[1]->containername, "sidecar");
}

static void reconcile_with_a_sparse_server_state_keeps_the_four_parts(void **state)
{
    model_t *m = *state;
    Proto__State *srv = fx_new(&proto__state__descriptor);

    fold(m, ev_meta("v", true));
    model_reconcile(m, srv, model_seq(m));
    protobuf_c_message_free_unpacked(&srv->base, NULL);
    const Proto__State *s = model_state(m);
    assert_non_null(s->buildstate);
    assert_string_equal(s->deploystate->status, "Not Started");
    assert_string_equal(s->statuscheckstate->status, "Not Started");
    assert_string_equal(s->filesyncstate->status, "Not Started");
    assert_null(s->metadata); /* the server wins, even when it has none */
}

static void reconcile_since_a_future_seq_refolds_nothing(void **state)
{
    model_t *m = *state;
    Proto__State *srv = server_state();

    fold(m, ev_build("app", "Complete"));
    model_reconcile(m, srv, 1000);
    protobuf_c_message_free_unpacked(&srv->base, NULL);
    assert_string_equal(st_artifact(m, "app"), "Not Started");
}

static void reconcile_since_evicted_entries_refolds_what_is_retained(void **state)
{
    model_t *m = fx_model(2, 0, 0);
    Proto__State *srv = server_state();

    fold(m, ev_deploy("Failed", NULL));        /* seq 0: evicted */
    fold(m, ev_build("app", "Failed"));        /* seq 1 */
    fold(m, ev_sync("app", "Succeeded", NULL)); /* seq 2 */
    model_reconcile(m, srv, 0);
    protobuf_c_message_free_unpacked(&srv->base, NULL);
    assert_string_equal(model_state(m)->deploystate->status, "Not Started");
    assert_string_equal(st_artifact(m, "app"), "Failed");
    assert_string_equal(model_state(m)->filesyncstate->status, "Succeeded");
    model_free(m);
}

static void clear_forgets_everything_but_the_options(void **state)
{
    model_t *m = fx_model(3, 0, 0);

    fold(m, ev_meta("v1", true));
    fold_at(m, 7 * SEC, ev_devloop(0, "In Progress", NULL));
    fold(m, ev_build_ae("app", "Failed", fx_ae(104, "boom", 0)));
    fold(m, ev_resource("deployment/app", "Pending", "", 0, NULL));
    fold(m, ev_term("Failed", NULL));
    uint64_t gen = model_generation(m);
    model_clear(m);

    const Proto__State *s = model_state(m);
    assert_true(model_generation(m) > gen);
    assert_int_equal(model_seq(m), 0);
    assert_int_equal(model_history_first(m), 0);
    assert_null(model_history_get(m, 0, NULL));
    assert_int_equal(s->buildstate->n_artifacts, 0);
    assert_string_equal(s->deploystate->status, "Not Started");
    assert_null(s->metadata);
    assert_string_equal(model_version(m), "");
    assert_false(model_terminated(m, NULL));
    assert_int_equal(model_last_time(m), 0);
    assert_int_equal(model_iteration_count(m), 0);
    assert_int_equal(model_error_count(m), 0);
    assert_int_equal(model_resource_count(m), 0);
    /* The history cap survives: three entries fit, the fourth evicts one. */
    for (int i = 0; i < 4; i++)
        fold(m, ev_build("app", "In Progress"));
    assert_int_equal(model_history_first(m), 1);
    model_free(m);
}

static void resource_detail_keeps_latest_status_message_code_in_first_seen_order(void **state)
{
    model_t *m = *state;
    const model_resource_t *r;

    fold_at(m, 1 * SEC, ev_resource("deployment/web", "Pending", "waiting for rollout", 304, NULL));
    fold_at(m, 2 * SEC, ev_resource("deployment/db", "Pending", "", 0, NULL));
    fold_at(m, 3 * SEC, ev_resource("deployment/web", "Succeeded", "Succeeded", 200, NULL));
    assert_int_equal(model_resource_count(m), 2);
    r = model_resource_at(m, 0);
    assert_string_equal(r->name, "deployment/web");
    assert_string_equal(r->status, "Succeeded");
    assert_string_equal(r->message, "Succeeded");
    assert_int_equal(r->code, 200);
    assert_int_equal(r->time_ns, 3 * SEC);
    assert_string_equal(model_resource_at(m, 1)->name, "deployment/db");
    assert_null(model_resource_at(m, 2));
    r = model_resource_find(m, "deployment/db");
    assert_non_null(r);
    assert_string_equal(r->status, "Pending");
    assert_int_equal(r->time_ns, 2 * SEC);
    assert_null(model_resource_find(m, "deployment/none"));
}

static void resource_detail_falls_back_to_the_actionable_error(void **state)
{
    model_t *m = *state;
    const model_resource_t *r;

    fold(m, ev_resource("pod/a", "Failed", "", 0, fx_ae(302, "container crashed", 0)));
    r = model_resource_find(m, "pod/a");
    assert_string_equal(r->message, "container crashed");
    assert_int_equal(r->code, 302);
    fold(m, ev_resource_full("pod/b", "Failed", "", "legacy text", 303, NULL));
    r = model_resource_find(m, "pod/b");
    assert_string_equal(r->message, "legacy text");
    assert_int_equal(r->code, 303);
}

static void real_v1_29_log_folds_to_the_final_state(void **state)
{
    model_t *m = *state;

    /* The shape of data/skaffold-v1.29-helm-events.jsonl, iteration 1. */
    fold(m, ev_meta("Starting Skaffold", true));
    fold(m, ev_devloop(1, "In Progress", NULL));
    fold(m, ev_build("skaffold-helm", "In Progress"));
    fold(m, ev_build("skaffold-helm", "Complete"));
    fold(m, ev_deploy("In Progress", NULL));
    fold(m, ev_deploy("Complete", NULL));
    fold(m, ev_check("Started", NULL));
    fold(m, ev_resource("deployment/skaffold-helm", "Succeeded", "Succeeded", 200, NULL));
    fold(m, ev_check("Succeeded", NULL));
    fold(m, ev_devloop(1, "Succeeded", NULL));
    assert_string_equal(st_artifact(m, "skaffold-helm"), "Complete");
    assert_string_equal(model_state(m)->deploystate->status, "Complete");
    assert_string_equal(model_state(m)->statuscheckstate->status, "Succeeded");
    assert_string_equal(st_resource(m, "deployment/skaffold-helm"), "Succeeded");
    assert_int_equal(model_error_count(m), 0); /* success codes are not errors */
    assert_int_equal(model_current_iteration(m)->span.status, STATUS_SUCCEEDED);
}

static void pb_dup_copies_deeply(void **state)
{
    Proto__Event *ev = ev_build_ae("app", "Failed", fx_ae(104, "boom", 1, 107, "fix it"));
    Proto__Event *copy = (Proto__Event *)pb_dup(&ev->base);

    assert_non_null(copy);
    assert_ptr_not_equal(copy, ev);
    assert_int_equal(copy->event_type_case, PROTO__EVENT__EVENT_TYPE_BUILD_EVENT);
    assert_ptr_not_equal(copy->buildevent, ev->buildevent);
    assert_string_equal(copy->buildevent->artifact, "app");
    assert_int_equal(copy->buildevent->actionableerr->errcode, 104);
    assert_string_equal(copy->buildevent->actionableerr->suggestions[0]->action, "fix it");
    protobuf_c_message_free_unpacked(&ev->base, NULL);
    assert_string_equal(copy->buildevent->status, "Failed"); /* independent of ev */
    protobuf_c_message_free_unpacked(&copy->base, NULL);
    assert_null(pb_dup(NULL));
}

static void pb_dup_copies_an_empty_message(void **state)
{
    Proto__State *s = fx_new(&proto__state__descriptor);
    Proto__State *copy = (Proto__State *)pb_dup(&s->base);

    assert_non_null(copy);
    assert_null(copy->buildstate);
    protobuf_c_message_free_unpacked(&s->base, NULL);
    protobuf_c_message_free_unpacked(&copy->base, NULL);
}

static void phase_name_names_every_phase(void **state)
{
    assert_string_equal(phase_name(PHASE_BUILD), "build");
    assert_string_equal(phase_name(PHASE_DEPLOY), "deploy");
    assert_string_equal(phase_name(PHASE_STATUSCHECK), "status check");
    assert_string_equal(phase_name(PHASE_RESOURCE), "resource");
    assert_string_equal(phase_name(PHASE_SYNC), "sync");
    assert_string_equal(phase_name(PHASE_DEVLOOP), "dev loop");
    assert_string_equal(phase_name(PHASE_TERMINATION), "termination");
    assert_string_equal(phase_name(PHASE__COUNT), "unknown");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, fx_teardown_model)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(new_model_is_skaffolds_empty_state),
        cmocka_unit_test(new_model_with_null_options_uses_defaults),
        cmocka_unit_test(state_only_folds_the_mirror_alone),
        T(build_event_sets_artifact_status),
        T(deploy_event_sets_deploy_status),
        T(port_event_is_keyed_by_local_port_and_overwritten),
        T(port_forwarded_again_keeps_only_the_new_fields),
        T(status_check_event_sets_status_check_status),
        T(resource_event_sets_resource_status),
        T(file_sync_event_sets_sync_status),
        T(debugging_container_started_then_terminated_removes_only_it),
        T(debugging_container_terminated_removes_every_duplicate),
        T(debugging_containers_index_follows_starts_and_stops),
        T(iteration_builds_index_keeps_one_span_per_artifact),
        T(meta_event_sets_metadata_and_version),
        T(meta_event_without_metadata_keeps_the_metadata),
        T(devloop_and_termination_change_no_state_field),
        T(entry_without_event_is_counted_and_rejected),
        T(undecodable_history_entry_is_skipped),
        T(far_timestamps_saturate),
        T(seq_generation_and_last_time_advance_with_each_fold),
        T(reconcile_takes_the_servers_flags_codes_and_resets),
        T(reconcile_refolds_entries_since_seq_only),
        T(reconcile_then_replayed_debug_start_lists_it_once),
        T(reconcile_with_a_sparse_server_state_keeps_the_four_parts),
        T(reconcile_since_a_future_seq_refolds_nothing),
        cmocka_unit_test(reconcile_since_evicted_entries_refolds_what_is_retained),
        cmocka_unit_test(clear_forgets_everything_but_the_options),
        T(resource_detail_keeps_latest_status_message_code_in_first_seen_order),
        T(resource_detail_falls_back_to_the_actionable_error),
        T(real_v1_29_log_folds_to_the_final_state),
        cmocka_unit_test(pb_dup_copies_deeply),
        cmocka_unit_test(pb_dup_copies_an_empty_message),
        cmocka_unit_test(phase_name_names_every_phase),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
