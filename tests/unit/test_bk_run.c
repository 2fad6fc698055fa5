/* `skview buildkit` on the session (session/bk_run.h), without the CLI: a
 * saved build (a recording of skview-sim's daemon, a real rawjson file with
 * a torn line planted) read through bk_run_file folds into the BuildKit
 * model and reaches the hook message by message, as the file holds them;
 * a call that cannot be made says why through the message hook and ends with
 * the CLI's exit status (a bad address 2, no daemon 1, an unwritable
 * --record 1 before any call). The daemon's side is bk_cli.sh's, on
 * skview-sim and dockerd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "hooks_fixture.h"
#include "core/common.h"
#include "session/bk_run.h"
#include "sources/bk_reader.h"

#define REC "tests/data/bk-session.rec"
#define RAWJSON "tests/data/bk-failed-build.rawjson"

typedef struct got {
    seen_t seen;
    unsigned messages, answers, ends;
    int end_code;
} got_t;

static void got_message(void *ctx, bool error, const char *text)
{
    got_t *g = ctx;
    g->messages++;
    on_message(&g->seen, error, text);
}

static void got_answer(void *ctx, const bk_model_t *model, const ProtobufCMessage *m)
{
    got_t *g = ctx;
    assert_ptr_equal(m->descriptor, &moby__buildkit__v1__status_response__descriptor);
    assert_true(bk_progress_count(model->progress) > 0); /* the model has it before the hook */
    g->answers++;
}

static int got_end(void *ctx, const bk_model_t *model, int code, bool interrupted)
{
    got_t *g = ctx;
    (void)model;
    assert_false(interrupted);
    g->ends++;
    g->end_code = code;
    return EXIT_OK;
}

/* Each test: the hooks above and a fresh model. */
typedef struct fx {
    got_t g;
    bk_run_hooks_t h;
    bk_model_t m;
} fx_t;

static int setup(void **state)
{
    fx_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->h = (bk_run_hooks_t){.ctx = &f->g, .on_message = got_message, .on_answer = got_answer, .on_end = got_end};
    bk_model_init(&f->m, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    bk_model_fini(&f->m);
    free(f);
    return 0;
}

/* The Status messages of path, counted by the reader alone. */
static unsigned status_messages(const char *path)
{
    char err[512];
    bk_reader_t *r = bk_reader_open(path, err, sizeof err);
    if (!r)
        fail_msg("%s", err);
    const Moby__Buildkit__V1__StatusResponse *m;
    unsigned n = 0;
    int rc;
    while ((rc = bk_reader_next(r, &m, err, sizeof err)) != BK_READ_END && rc != BK_READ_FAIL)
        n += rc == BK_READ_MSG;
    bk_reader_close(r);
    return n;
}

/* A recording: every Status message through the hook, the build folded to
 * its end (the recorded build succeeded). */
static void test_recording(void **state)
{
    fx_t *f = *state;
    char err[512];
    assert_int_equal(bk_run_file(REC, &f->m, &f->h, err, sizeof err), EXIT_OK);
    unsigned expect = status_messages(REC);
    assert_true(expect > 10);
    assert_int_equal(f->g.answers, expect);
    assert_int_equal(f->g.messages, 0);
    assert_int_equal(f->g.ends, 0); /* a file has no call to end */
    unsigned done, total;
    bk_progress_counts(f->m.progress, &done, &total);
    assert_true(total > 0);
    assert_int_equal(done, total);
    assert_null(bk_progress_failed(f->m.progress));
}

/* A torn line in the middle of a rawjson file: said with its file and line,
 * passed; the lines after it are still folded (the failed step found). */
static void test_rawjson_torn_line(void **state)
{
    char path[] = "/tmp/skview-bk-run-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *in = fopen(RAWJSON, "r"), *out = fdopen(fd, "w");
    assert_non_null(in);
    char line[1 << 16];
    for (int n = 1; fgets(line, sizeof line, in); n++) {
        if (n == 3)
            fputs("{\"vertexes\":[\n", out);
        fputs(line, out);
    }
    fclose(in);
    fclose(out);

    fx_t *f = *state;
    char err[512], want[600];
    assert_int_equal(bk_run_file(path, &f->m, &f->h, err, sizeof err), EXIT_OK);
    assert_int_equal(f->g.messages, 1);
    assert_true(f->g.seen.last_error);
    snprintf(want, sizeof want, "%s:3: ", path);
    assert_memory_equal(f->g.seen.last, want, strlen(want));
    assert_int_equal(f->g.answers, status_messages(RAWJSON));
    const bk_vertex_t *failed = bk_progress_failed(f->m.progress);
    assert_non_null(failed);
    assert_non_null(strstr(failed->error, "did not complete successfully"));
    unlink(path);
}

/* A file that cannot be opened: -1 and the reason, nothing said or folded. */
static void test_no_file(void **state)
{
    fx_t *f = *state;
    char err[512];
    assert_int_equal(bk_run_file("tests/data/no-such.rec", &f->m, &f->h, err, sizeof err), -1);
    assert_non_null(strstr(err, "tests/data/no-such.rec: No such file or directory"));
    assert_int_equal(f->g.messages + f->g.answers, 0);
}

/* An address no client can use: 2 (a usage error) and the sentence why,
 * before any call (on_end not called). */
static void test_bad_address(void **state)
{
    fx_t *f = *state;
    bk_run_opts_t o = {.addr = "ssh://builder.example", .call = BK_RUN_INFO};
    assert_int_equal(bk_run(&o, &f->m, &f->h), EXIT_USAGE);
    assert_int_equal(f->g.messages, 1);
    assert_non_null(strstr(f->g.seen.last, "ssh://"));
    assert_int_equal(f->g.ends, 0);
}

/* No daemon on the socket: the call ends UNAVAILABLE, on_end sees it, the
 * failure is said once, exit 1; a recording asked for is still created
 * (opened before the call) and holds no answer. */
static void test_no_daemon(void **state)
{
    char dir[] = "/tmp/skview-bk-run-XXXXXX", addr[600], rec[600];
    assert_non_null(mkdtemp(dir));
    snprintf(addr, sizeof addr, "unix://%s/buildkitd.sock", dir);
    snprintf(rec, sizeof rec, "%s/du.rec", dir);
    fx_t *f = *state;
    bk_run_opts_t o = {.addr = addr, .call = BK_RUN_DU, .record = rec};
    assert_int_equal(bk_run(&o, &f->m, &f->h), EXIT_RUNTIME);
    assert_int_equal(f->g.ends, 1);
    assert_int_equal(f->g.end_code, 14); /* GRPC_STATUS_UNAVAILABLE */
    assert_int_equal(f->g.messages, 1);
    assert_non_null(strstr(f->g.seen.last, "UNAVAILABLE"));
    assert_false(f->m.du_loaded);
    assert_int_equal(access(rec, F_OK), 0);
    unlink(rec);
    rmdir(dir);
}

/* A recording that cannot be written: said with its path, exit 1, no call. */
static void test_record_unwritable(void **state)
{
    fx_t *f = *state;
    bk_run_opts_t o = {.addr = "unix:///nonexistent/buildkitd.sock", .call = BK_RUN_WORKERS,
                       .record = "/nonexistent/dir/w.rec"};
    assert_int_equal(bk_run(&o, &f->m, &f->h), EXIT_RUNTIME);
    assert_int_equal(f->g.messages, 1);
    assert_non_null(strstr(f->g.seen.last, "/nonexistent/dir/w.rec"));
    assert_int_equal(f->g.ends, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_recording, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rawjson_torn_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_address, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_daemon, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_unwritable, setup, teardown),
    };
    return cmocka_run_group_tests_name("bk_run", tests, NULL, NULL);
}
