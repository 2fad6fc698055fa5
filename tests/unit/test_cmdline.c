/* The command-line rules of core/common.h every command's parser shares:
 * which word is an option, an operand or the "--" that ends the options;
 * and that a message quoting a word makes it terminal-safe as a whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <locale.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "core/common.h"

static void words_before_and_after_dashdash(void **state)
{
    (void)state;
    char *argv[] = {"logs", "--json", "-", "x", "--", "--json", "-x", "--", NULL};
    int argc = 8;
    const arg_kind_t want[] = {ARG_OPERAND, ARG_OPTION, ARG_OPERAND, ARG_OPERAND, ARG_END,
                               ARG_OPERAND, ARG_OPERAND, ARG_OPERAND};
    for (int i = 1; i < argc; i++)
        assert_int_equal(arg_kind(argc, argv, i), want[i]);
}

static void no_dashdash(void **state)
{
    (void)state;
    char *argv[] = {"state", "-a", "addr", "--timeline", "-h", NULL};
    assert_int_equal(arg_kind(5, argv, 1), ARG_OPTION);
    assert_int_equal(arg_kind(5, argv, 2), ARG_OPERAND); /* a value: its option's parser takes it */
    assert_int_equal(arg_kind(5, argv, 3), ARG_OPTION);
    assert_int_equal(arg_kind(5, argv, 4), ARG_OPTION);
}

/* Runs fn with stderr going to a file; returns what it wrote. */
static char *captured(void (*fn)(void))
{
    char path[] = "/tmp/skview-test-cmdline.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    fn();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    static char buf[512];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    close(fd);
    unlink(path);
    return buf;
}

static void say_unknown(void)
{
    assert_int_equal(usage_error("unknown command '%s'", "x\033]0;t\007\033[2J"), EXIT_USAGE);
}

static void say_path(void)
{
    say_line("skview: %s: %s", "/tmp/a\033[31mb\x9b" "c", "No such file or directory");
}

static void quoted_words_are_inert(void **state)
{
    (void)state;
    assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
    assert_string_equal(captured(say_unknown),
                        "skview: unknown command 'x\xe2\x90\x9b]0;t\xe2\x90\x87\xe2\x90\x9b[2J' (see skview --help)\n");
    assert_string_equal(captured(say_path),
                        "skview: /tmp/a\xe2\x90\x9b[31mb\xef\xbf\xbd" "c: No such file or directory\n");
    /* Not UTF-8: ASCII only (a picture's bytes E2 90 9B hold a C1 CSI). */
    setlocale(LC_CTYPE, "C");
    assert_string_equal(captured(say_unknown), "skview: unknown command 'x^[]0;t^G^[[2J' (see skview --help)\n");
    assert_string_equal(captured(say_path), "skview: /tmp/a^[[31mb?c: No such file or directory\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words_before_and_after_dashdash),
        cmocka_unit_test(no_dashdash),
        cmocka_unit_test(quoted_words_are_inert),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
