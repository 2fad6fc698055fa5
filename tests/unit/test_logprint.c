/* `skview logs` line assembly (cli/logprint.h): a partial line is held per
 * origin and printed once old enough (logs -f), and only origins holding a
 * partial line are kept, at most LOGS_MAX_PENDING, however many pods log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "cli/logprint.h"

static int saved_stdout = -1;

/* stdout goes to a scratch file for the test (cmocka's own output is
 * written before and after). */
static void quiet_stdout(void)
{
    fflush(stdout);
    saved_stdout = dup(STDOUT_FILENO);
    assert_non_null(freopen("/dev/null", "w", stdout));
}

static void restore_stdout(void)
{
    fflush(stdout);
    dup2(saved_stdout, STDOUT_FILENO);
    close(saved_stdout);
}

static logprint_meta_t app(const char *pod)
{
    return (logprint_meta_t){.src = LOG_APP, .task = "", .task_id = "", .subject = "", .pod = pod,
                             .container = "c", .prefix = "", .level = LOG_LEVEL_STANDARD};
}

static void test_origins_bounded(void **unused)
{
    logprint_t p;
    logprint_init(&p, false, false);
    quiet_stdout();
    size_t most = 0;
    for (int i = 0; i < 200000; i++) {
        char pod[32];
        snprintf(pod, sizeof pod, "web-%d", i);
        logprint_meta_t m = app(pod);
        logprint_message(&p, &m, "progress 50%", 12);
        if (p.n_partial > most)
            most = p.n_partial;
    }
    uint64_t printed = p.lines;
    logprint_finish(&p);
    restore_stdout();
    assert_int_equal(most, LOGS_MAX_PENDING);
    assert_int_equal(printed, 200000 - LOGS_MAX_PENDING); /* the oldest partial lines, as they went */
    assert_int_equal(p.lines, 200000);
    assert_int_equal(p.n_partial, 0);
    logprint_free(&p);
}

static void test_partial_flushed_when_old(void **unused)
{
    logprint_t p;
    logprint_init(&p, false, false);
    quiet_stdout();
    logprint_meta_t m = app("web-1");
    logprint_message(&p, &m, "Password: ", 10);
    logprint_flush_partial(&p, 60ll * 1000000000); /* a minute: not yet */
    uint64_t young = p.lines;
    logprint_flush_partial(&p, 0);
    uint64_t old = p.lines;
    logprint_message(&p, &m, "hunter2\n", 8); /* the rest, a line of its own */
    logprint_finish(&p);
    restore_stdout();
    assert_int_equal(young, 0);
    assert_int_equal(old, 1);
    assert_int_equal(p.lines, 2);
    assert_int_equal(p.n_partial, 0);
    logprint_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_origins_bounded),
        cmocka_unit_test(test_partial_flushed_when_old),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
