/* The replay source: scanning, seeking by iteration and error, stepping,
 * speeds, pacing on a real loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "file_fixture.h"
#include "sources/replay.h"

static char path[64] = "/tmp/skview-test-replay-XXXXXX";

#define E(ts, ev) "{\"timestamp\":\"2021-01-01T00:00:" ts "Z\",\"event\":{" ev "}}\n"
static const char text[] =
    E("00.000", "\"metaEvent\":{\"entry\":\"Starting Skaffold\"}")
    E("00.010", "\"devLoopEvent\":{\"iteration\":0,\"status\":\"In Progress\"}")
    E("00.020", "\"buildEvent\":{\"artifact\":\"a\",\"status\":\"Complete\"}")
    E("00.030", "\"devLoopEvent\":{\"iteration\":0,\"status\":\"Succeeded\"}")
    E("00.040", "\"devLoopEvent\":{\"iteration\":1,\"status\":\"In Progress\"}")
    E("00.050", "\"buildEvent\":{\"artifact\":\"a\",\"status\":\"Failed\",\"err\":\"boom\"}")
    E("00.060", "\"devLoopEvent\":{\"iteration\":1,\"status\":\"Failed\"}")
    E("00.070", "\"devLoopEvent\":{\"iteration\":2,\"status\":\"In Progress\"}")
    E("00.080", "\"buildEvent\":{\"artifact\":\"a\",\"status\":\"Complete\"}");

typedef struct counts {
    int resets, entries, changes;
} counts_t;

static void on_reset(void *ctx) { ((counts_t *)ctx)->resets++; }
static int on_entry(void *ctx, const Proto__LogEntry *e) { ((counts_t *)ctx)->entries++; return 0; }
static void on_change(void *ctx) { ((counts_t *)ctx)->changes++; }

static replay_t *open_replay(uv_loop_t *loop, counts_t *c, double speed)
{
    source_sink_t cb = {.ctx = c, .on_reset = on_reset, .on_entry = on_entry, .on_change = on_change};
    char err[256];
    replay_t *r = replay_open(loop, path, speed, &cb, err, sizeof err);
    if (!r)
        fail_msg("%s", err);
    return r;
}

static void close_replay(uv_loop_t *loop, replay_t *r)
{
    replay_close(r);
    uv_run(loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(loop), 0);
}

static void test_seeks(void **state)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    counts_t c = {0};
    replay_t *r = open_replay(&loop, &c, 1);
    assert_int_equal(replay_total(r), 9);
    assert_int_equal(replay_iterations(r), 3);
    assert_int_equal(replay_next_iteration(r), 0);
    assert_int_equal(replay_pos(r), 2);
    assert_int_equal(replay_iteration(r), 1);
    assert_int_equal(replay_next_iteration(r), 0);
    assert_int_equal(replay_pos(r), 5);
    assert_int_equal(replay_iteration(r), 2);
    assert_int_equal(replay_next_error(r), 0);
    assert_int_equal(replay_pos(r), 6);
    assert_true(replay_paused(r));
    assert_int_equal(replay_prev_iteration(r), 0); /* back to iteration 1: a re-fold */
    assert_int_equal(replay_pos(r), 2);
    assert_int_equal(c.resets, 1);
    assert_int_equal(c.entries, 6 + 2);
    assert_int_equal(replay_prev_iteration(r), -1);
    replay_seek_end(r);
    assert_true(replay_ended(r));
    assert_int_equal(replay_step(r), -1);
    assert_int_equal(replay_next_error(r), -1);
    assert_int_equal(replay_next_iteration(r), -1);
    close_replay(&loop, r);
}

static void test_speeds(void **state)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    counts_t c = {0};
    replay_t *r = open_replay(&loop, &c, 64);
    assert_true(replay_speed(r) == 64);
    replay_faster(r);
    assert_true(replay_speed(r) == 0); /* max */
    replay_faster(r);
    assert_true(replay_speed(r) == 0);
    for (int i = 0; i < 20; i++)
        replay_slower(r);
    assert_true(replay_speed(r) == 0.5);
    close_replay(&loop, r);
}

/* Played on a loop, every entry arrives once, paced (80 ms of log at 4x). */
static void test_paced_play(void **state)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    counts_t c = {0};
    replay_t *r = open_replay(&loop, &c, 4);
    uint64_t t0 = uv_hrtime();
    replay_start(r);
    while (!replay_ended(r))
        uv_run(&loop, UV_RUN_ONCE);
    uint64_t ms = (uv_hrtime() - t0) / 1000000;
    assert_int_equal(c.entries, 9);
    assert_true(ms >= 15 && ms < 1000);
    close_replay(&loop, r);
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
        cmocka_unit_test(test_seeks),
        cmocka_unit_test(test_speeds),
        cmocka_unit_test(test_paced_play),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
