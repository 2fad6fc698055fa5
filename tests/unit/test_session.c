/* The session without a screen: a replay source feeds its model through the
 * one sink, every change moves the counter, commands are the viewer's keys
 * (their outcomes come back as messages), and what a session cannot do is
 * said, not dropped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "hooks_fixture.h"
#include "file_fixture.h"
#include "core/pbjson.h"
#include "session/session.h"

static char path[64] = "/tmp/skview-test-session-XXXXXX";

#define E(ts, ev) "{\"timestamp\":\"2021-01-01T00:00:" ts "Z\",\"event\":{" ev "}}\n"
static const char text[] =
    E("00.000", "\"metaEvent\":{\"entry\":\"Starting Skaffold\"}")
    E("00.010", "\"devLoopEvent\":{\"iteration\":0,\"status\":\"In Progress\"}")
    E("00.020", "\"buildEvent\":{\"artifact\":\"a\",\"status\":\"Failed\",\"err\":\"boom\"}")
    E("00.030", "\"devLoopEvent\":{\"iteration\":0,\"status\":\"Failed\"}")
    E("00.040", "\"devLoopEvent\":{\"iteration\":1,\"status\":\"In Progress\"}")
    E("00.050", "\"buildEvent\":{\"artifact\":\"a\",\"status\":\"Complete\"}");

static void done(void *arg) { *(bool *)arg = true; }

static void finish(uv_loop_t *loop, session_t *s)
{
    bool stopped = false;
    session_stop(s, done, &stopped);
    assert_true(stopped); /* no client: at once */
    session_close(s);
    uv_run(loop, UV_RUN_DEFAULT);
    session_fini(s);
    assert_int_equal(uv_loop_close(loop), 0);
}

static void test_replay_commands(void **state)
{
    uv_loop_t loop;
    session_t s;
    seen_t seen = {0};
    char err[256];
    uv_loop_init(&loop);
    session_init(&s, &loop, &(model_opts_t){0}, &(session_hooks_t){.ctx = &seen, .on_change = on_change, .on_message = on_message});
    assert_non_null(session_replay_open(&s, path, 1, err, sizeof err));

    uint64_t c0 = session_changes(&s);
    assert_int_equal(session_command(&s, SESSION_CMD_STEP), 0);
    assert_true(session_changes(&s) > c0);
    assert_int_equal(seen.changes, (int)session_changes(&s));
    assert_int_equal(model_seq(s.model), 1);

    assert_int_equal(session_command(&s, SESSION_CMD_NEXT_ERROR), 0);
    assert_string_equal(seen.last, "paused at an error");
    assert_int_equal(model_error_count(s.model), 1);      /* the build failure */
    assert_int_equal(session_command(&s, SESSION_CMD_NEXT_ERROR), 0);
    assert_int_equal(model_error_count(s.model), 2);      /* the dev loop's */
    assert_int_equal(session_command(&s, SESSION_CMD_NEXT_ERROR), -1);
    assert_string_equal(seen.last, "no later error");

    assert_int_equal(session_command(&s, SESSION_CMD_BUILD), -1);
    assert_string_equal(seen.last, "replay is read-only");
    assert_true(seen.last_error);
    finish(&loop, &s);
}

static void test_no_source(void **state)
{
    uv_loop_t loop;
    session_t s;
    seen_t seen = {0};
    uv_loop_init(&loop);
    session_init(&s, &loop, NULL, &(session_hooks_t){.ctx = &seen, .on_change = on_change, .on_message = on_message});
    assert_int_equal(session_command(&s, SESSION_CMD_AUTO_SYNC), -1);
    assert_string_equal(seen.last, "not connected");
    assert_int_equal(session_command(&s, SESSION_CMD_PAUSE), -1);
    assert_string_equal(seen.last, "pause works in a replay (skview replay FILE)");
    assert_int_equal(session_changes(&s), 0);
    finish(&loop, &s);
}

/* The one-shot's end: the mirror agrees with GetState where events decide;
 * the autoTrigger flags, the metadata and never-built artifacts are the
 * server's alone, a phase or a resource is not. */
static Proto__State *state_of(const char *json, arena_t *arena)
{
    pbjson_parser_t *p = pbjson_parser_new();
    pbjson_err_t err;
    Proto__State *st = (Proto__State *)pbjson_parse(p, json, strlen(json), &proto__state__descriptor, arena, NULL, NULL, &err);
    pbjson_parser_free(p);
    assert_non_null(st);
    return st;
}

static void test_history_agrees(void **unused)
{
    arena_t arena;
    arena_init(&arena);
    Proto__State *mirror = state_of("{\"buildState\":{\"artifacts\":{\"a\":\"Complete\"}},"
                                    "\"deployState\":{\"status\":\"Complete\"},"
                                    "\"statusCheckState\":{\"resources\":{\"deployment/web\":\"Succeeded\"}}}", &arena);
    Proto__State *server = state_of("{\"buildState\":{\"artifacts\":{\"b\":\"Not Started\",\"a\":\"Complete\"},"
                                    "\"autoTrigger\":true},\"deployState\":{\"status\":\"Complete\",\"autoTrigger\":true},"
                                    "\"statusCheckState\":{\"resources\":{\"deployment/web\":\"Succeeded\"}},"
                                    "\"metadata\":{\"build\":{\"numberOfArtifacts\":2}}}", &arena);
    assert_true(session_history_agrees(mirror, server));
    Proto__State *behind = state_of("{\"buildState\":{\"artifacts\":{\"a\":\"In Progress\"}},"
                                    "\"deployState\":{\"status\":\"Complete\"},"
                                    "\"statusCheckState\":{\"resources\":{\"deployment/web\":\"Succeeded\"}}}", &arena);
    assert_false(session_history_agrees(behind, server));
    Proto__State *no_res = state_of("{\"buildState\":{\"artifacts\":{\"a\":\"Complete\"}},"
                                    "\"deployState\":{\"status\":\"Complete\"}}", &arena);
    assert_false(session_history_agrees(no_res, server));
    arena_free(&arena);
}

static int setup(void **state)
{
    fixture_write(path, text, sizeof text - 1);
    return 0;
}

static int teardown(void **state)
{
    unlink(path);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_commands),
        cmocka_unit_test(test_no_source),
        cmocka_unit_test(test_history_agrees),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
