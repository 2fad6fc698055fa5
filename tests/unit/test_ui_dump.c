/* The headless screen dump (`skview replay FILE --dump-screen`), driven
 * through the real command with size, time zone and locale pinned. */
#include <fcntl.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "ui_fixture.h"
#include "ui/actions.h"
#include "ui/ui.h"

static char log_path[64] = "/tmp/skview-test-dump-XXXXXX";

static const char log_text[] =
    "{\"timestamp\":\"2021-08-11T19:19:41.711Z\",\"event\":{\"metaEvent\":{\"entry\":\"Starting Skaffold: &{Version:v1.29.0 ConfigVersion:skaffold/v2beta20}\"}}}\n"
    "{\"timestamp\":\"2021-08-11T19:19:41.756Z\",\"event\":{\"devLoopEvent\":{\"status\":\"In Progress\"}},\"entry\":\"Update initiated\"}\n"
    "{\"timestamp\":\"2021-08-11T19:19:41.763Z\",\"event\":{\"buildEvent\":{\"artifact\":\"leeroy-web\",\"status\":\"In Progress\"}},\"entry\":\"Build started for artifact leeroy-web\"}\n"
    "{\"timestamp\":\"2021-08-11T19:19:45.685Z\",\"event\":{\"buildEvent\":{\"artifact\":\"leeroy-web\",\"status\":\"Failed\",\"err\":\"exit status 1\",\"errCode\":\"BUILD_USER_ERROR\",\"actionableErr\":{\"errCode\":\"BUILD_USER_ERROR\",\"message\":\"step 3/7: RUN go build: undefined: handler \\u001b]0;pwned\\u0007\\u001b[2J\",\"suggestions\":[{\"suggestionCode\":\"FIX_USER_BUILD_ERR\",\"action\":\"Fix the compile error in main.go\"}]}}},\"entry\":\"Build failed for artifact leeroy-web \\u001b[31mred\\u001b[0m\"}\n"
    "{\"timestamp\":\"2021-08-11T19:19:45.700Z\",\"event\":{\"devLoopEvent\":{\"iteration\":0,\"status\":\"Failed\",\"err\":{\"errCode\":\"BUILD_USER_ERROR\",\"message\":\"build failed\"}}},\"entry\":\"Update failed\"}\n";

/* Runs `skview replay LOG --dump-screen --size SIZE --at END [--keys K]`. */
static char *run(const char *size, const char *keys)
{
    return ui_dump(log_path, size, "END", keys);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_panes_show_the_log(void **state)
{
    char *s = run("100x30", NULL);
    assert_int_equal(count_lines(s), 30);
    assert_non_null(strstr(s, "Skaffold v1.29.0"));
    assert_non_null(strstr(s, "leeroy-web"));
    assert_non_null(strstr(s, "BUILD_USER_ERROR"));
    assert_non_null(strstr(s, "Fix the compile error in main.go"));
    assert_non_null(strstr(s, "replay ended 5/5"));
    free(s);
}

/* Escape sequences from the log become visible placeholders. */
static void test_untrusted_text_is_inert(void **state)
{
    char *s = run("100x30", "4 G Enter");
    assert_null(strchr(s, '\033'));
    assert_null(strchr(s, '\a'));
    assert_non_null(strstr(s, "\xE2\x90\x9B]0;pwned\xE2\x90\x87")); /* ␛]0;pwned␇ */
    assert_non_null(strstr(s, "(FIX_USER_BUILD_ERR"));
    free(s);
}

static void test_help_lists_every_action(void **state)
{
    char *s = run("100x80", "?");
    for (int a = 1; a < ACT__COUNT; a++)
        if (!strstr(s, action_table[a].name))
            fail_msg("help lacks %s", action_table[a].name);
    free(s);
}

/* Still readable at small sizes: every row fits, nothing is lost off-screen. */
static void test_small_sizes(void **state)
{
    static const char *const sizes[] = {"80x24", "60x15", "40x10", "20x5"};
    for (size_t i = 0; i < 4; i++) {
        char *s = run(sizes[i], NULL);
        int w, h;
        sscanf(sizes[i], "%dx%d", &w, &h);
        assert_int_equal(count_lines(s), h);
        free(s);
    }
}

static int setup(void **state)
{
    int fd = mkstemp(log_path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, log_text, sizeof log_text - 1), (ssize_t)(sizeof log_text - 1));
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    unlink(log_path);
    return 0;
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_panes_show_the_log),
        cmocka_unit_test(test_untrusted_text_is_inert),
        cmocka_unit_test(test_help_lists_every_action),
        cmocka_unit_test(test_small_sizes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
