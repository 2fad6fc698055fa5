/* BuildKit's side of the session without a screen: a recording of
 * skview-sim's daemon (tests/data/bk-session.rec: DiskUsage, ListWorkers,
 * then a build's Status stream) replays through the replay's sink into the
 * BuildKit model, every change reaches the hook, and the commands move it
 * (step, next error, sort) or say why they cannot (a replay has no daemon). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "hooks_fixture.h"
#include "session/bk_session.h"

#define REC "tests/data/bk-session.rec"

static bk_session_t *open_rec(uv_loop_t *loop, seen_t *seen)
{
    char err[512];
    session_hooks_t h = {.ctx = seen, .on_change = on_change, .on_message = on_message};
    assert_int_equal(uv_loop_init(loop), 0);
    bk_session_t *s = bk_session_replay(loop, REC, 1, 0, &h, err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    return s;
}

static void finish(uv_loop_t *loop, bk_session_t *s)
{
    bk_session_close(s);
    uv_run(loop, UV_RUN_DEFAULT);
    bk_session_free(s);
    assert_int_equal(uv_loop_close(loop), 0);
}

/* The answers recorded before the build are in the model once read; the
 * build itself only as far as the replay went. */
static void test_answers_then_the_build(void **state)
{
    uv_loop_t loop;
    seen_t seen = {0};
    bk_session_t *s = open_rec(&loop, &seen);
    const bk_model_t *m = &s->model;
    assert_true(bk_session_is_replay(s));
    assert_true(bk_session_is_file(REC));
    assert_true(m->du_loaded && m->workers_loaded);
    assert_int_equal(m->cache.n, 8);
    assert_int_equal(m->workers.n_workers, 1);
    assert_string_equal(m->workers.line[0].text, "qmd3uatakr1bzl5xsmg9ebkd4  linux/amd64,linux/amd64/v2,linux/386");
    assert_int_equal(bk_progress_count(m->progress), 0);
    assert_false(m->status_ended);

    uint64_t gen = m->gen;
    assert_int_equal(bk_session_command(s, BK_CMD_STEP, NULL), 0);
    assert_true(m->gen > gen);
    assert_true(seen.changes > 0);
    assert_true(bk_progress_count(m->progress) > 0); /* the first message names the steps */

    assert_int_equal(bk_session_replay_seek(s, "END"), 0);
    bk_replay_info_t info;
    assert_true(bk_session_replay_info(s, &info));
    assert_true(info.ended);
    assert_int_equal(info.pos, info.total);
    assert_true(m->status_ended);
    unsigned done, total;
    bk_progress_counts(m->progress, &done, &total);
    assert_int_equal(done, total);
    assert_int_equal(bk_session_command(s, BK_CMD_STEP, NULL), 0);
    assert_string_equal(seen.last, "end of the build");
    finish(&loop, s);
}

/* Sorting is a command on the model; a daemon's calls are refused with why. */
static void test_commands(void **state)
{
    uv_loop_t loop;
    seen_t seen = {0};
    bk_session_t *s = open_rec(&loop, &seen);
    const bk_model_t *m = &s->model;
    assert_int_equal(bk_session_command(s, BK_CMD_SORT, &(bk_cmd_arg_t){.sort = BK_SORT_SIZE}), 0);
    for (size_t i = 1; i < m->cache.n; i++)
        assert_true(m->cache.rec[i - 1].size >= m->cache.rec[i].size);
    assert_int_equal(bk_session_command(s, BK_CMD_SORT, &(bk_cmd_arg_t){.sort = BK_SORT_LAST_USED}), 0);
    assert_int_equal(m->sort, BK_SORT_LAST_USED);
    assert_true(m->cache.rec[0].last_used >= m->cache.rec[1].last_used);

    assert_int_equal(bk_session_command(s, BK_CMD_FOLLOW, &(bk_cmd_arg_t){.ref = "x"}), -1);
    assert_string_equal(seen.last, "a replay has no daemon to ask");
    assert_int_equal(bk_session_command(s, BK_CMD_PRUNE, &(bk_cmd_arg_t){0}), -1);
    assert_string_equal(seen.last, "a replay has no cache to prune");
    assert_int_equal(bk_session_command(s, BK_CMD_NEXT_ERROR, NULL), 0);
    assert_string_equal(seen.last, "no later error"); /* the recorded build succeeded */
    assert_int_equal(bk_session_command(s, BK_CMD_PAUSE, NULL), 0);
    assert_string_equal(seen.last, "playing");
    finish(&loop, s);
}

/* A file that is none: the reason, nothing opened. */
static void test_not_a_file(void **state)
{
    uv_loop_t loop;
    char err[512];
    session_hooks_t h = {0};
    assert_int_equal(uv_loop_init(&loop), 0);
    assert_null(bk_session_replay(&loop, "tests/data/no-such.rec", 1, 0, &h, err, sizeof err));
    assert_non_null(strstr(err, "tests/data/no-such.rec: No such file or directory"));
    assert_false(bk_session_is_file("tests/data/sim-session.jsonl"));
    assert_false(bk_session_is_replay(NULL));
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answers_then_the_build),
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_not_a_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
