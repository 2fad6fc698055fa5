/* Bounded regular expressions (core/bre.h): what a hostile pattern gets is a
 * refusal or a pattern given up, with the reason; never a hang. No timing
 * here: the limits are checked by what they return (the viewer's memory
 * and q under hostile patterns are checked in ui_keystorm.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/bre.h"
#include "skaffold/logs.h"

/* A line of n columns like an application's. */
static char *line_of(size_t n)
{
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        s[i] = "abcdefgh xyz"[i % 12];
    s[n] = 0;
    return s;
}

static void finds_caseless_utf8_from_an_offset(void **state)
{
    (void)state;
    char err[160];
    bre_t *re = bre_compile("h[ée]llo|^start", err, sizeof err);
    assert_non_null(re);
    const char *s = "start: HÉLLO, then hello";
    size_t a, b;
    assert_int_equal(bre_find(re, s, strlen(s), 0, &a, &b), 1);
    assert_int_equal(a, 0);
    assert_int_equal(b, 5);
    assert_int_equal(bre_find(re, s, strlen(s), 1, &a, &b), 1);   /* ^ not at an offset */
    assert_int_equal(a, 7);
    assert_int_equal(b, 13);                                       /* É is two bytes */
    assert_int_equal(bre_find(re, s, strlen(s), 13, &a, &b), 1);
    assert_int_equal(a, strlen(s) - 5);
    assert_int_equal(bre_find(re, s, strlen(s), a + 1, &a, &b), 0);
    assert_string_equal(bre_error(re), "");
    bre_free(re);
}

/* Invalid UTF-8 (Latin-1, binary) in the text is no error. */
static void invalid_utf8_text_matches_around(void **state)
{
    (void)state;
    bre_t *re = bre_compile("b.c", NULL, 0);
    const char s[] = "a\xe9\xff b\x90" "c";
    size_t a = 0, b = 0;
    assert_int_equal(bre_find(re, s, sizeof s - 1, 0, &a, &b), 0);   /* \x90 is no character */
    assert_false(bre_spent(re));
    bre_free(re);
    re = bre_compile("a.*c", NULL, 0);
    assert_int_equal(bre_find(re, s, sizeof s - 1, 0, &a, &b), 0);   /* nor is \xe9 */
    bre_free(re);
    re = bre_compile("b", NULL, 0);
    assert_int_equal(bre_find(re, s, sizeof s - 1, 0, &a, &b), 1);
    assert_int_equal(a, 4);
    bre_free(re);
}

static void bad_and_long_patterns_are_refused_with_where(void **state)
{
    (void)state;
    char err[160] = "";
    assert_null(bre_compile("(unclosed", err, sizeof err));
    assert_non_null(strstr(err, "at byte 9"));
    char *long_pat = line_of(BRE_MAX_PATTERN + 1);
    assert_null(bre_compile(long_pat, err, sizeof err));
    assert_non_null(strstr(err, "longer than 255 bytes"));
    long_pat[BRE_MAX_PATTERN] = 0;                   /* 255 bytes: fine */
    bre_t *re = bre_compile(long_pat, err, sizeof err);
    assert_non_null(re);
    bre_free(re);
    free(long_pat);
}

/* glibc's regcomp of these grew to gigabytes: here each either compiles
 * small or is refused as too large, and matches within its limits. */
static void huge_repetitions_are_bounded(void **state)
{
    (void)state;
    static const char *const pats[] = {"a{1,32767}", "(a{1,65535}){1,65535}",
                                       "((((.{1,65535}){1,65535}){1,65535}){1,65535})z",
                                       "[[:alpha:]]{65535}"};
    char *s = line_of(LOGS_MAX_LINE);
    for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++) {
        char err[160] = "";
        bre_t *re = bre_compile(pats[i], err, sizeof err);
        if (!re) {
            assert_true(strlen(err) > 0);
            continue;
        }
        size_t a, b;
        int rc = bre_find(re, s, LOGS_MAX_LINE, 0, &a, &b);
        assert_true(rc == 1 || rc == 0 || (rc == -1 && bre_spent(re)));
        bre_free(re);
    }
    free(s);
}

/* Back-references and nested stars on long lines hit the match limit: the
 * pattern is spent, says why, and every later find fails at once. */
static void backtracking_spends_the_pattern(void **state)
{
    (void)state;
    char *s = line_of(4000);
    bre_t *re = bre_compile("(.*)(.*)\\2\\1z", NULL, 0);
    size_t a, b;
    assert_int_equal(bre_find(re, s, 4000, 0, &a, &b), -1);
    assert_true(bre_spent(re));
    assert_non_null(strstr(bre_error(re), "too costly"));
    assert_non_null(strstr(bre_error(re), "limit"));
    assert_int_equal(bre_find(re, "z", 1, 0, &a, &b), -1);   /* stays spent */
    bre_free(re);
    free(s);
}

/* A pass's time budget: once over, the pattern is given up as too slow. */
static void an_exhausted_budget_gives_up(void **state)
{
    (void)state;
    bre_t *re = bre_compile("x", NULL, 0);
    size_t a, b;
    bre_budget(re, 1000000);
    assert_int_equal(bre_find(re, "axb", 3, 0, &a, &b), 1);
    bre_budget(re, 0);
    assert_int_equal(bre_find(re, "axb", 3, 0, &a, &b), -1);
    assert_non_null(strstr(bre_error(re), "too slow"));
    bre_free(re);
}

/* The log filter over it: a spent regex matches nothing, says why, and a
 * new text works again. */
static void log_filter_reports_a_spent_pattern(void **state)
{
    (void)state;
    logs_t *l = logs_new(16);
    char *s = line_of(4000);
    s[3999] = '\n';
    logs_add_app(l, 1, "p", "c", "", s, 4000, 0, 1);
    log_filter_t f;
    log_filter_init(&f);
    assert_int_equal(log_filter_set_text(&f, "(.*)(.*)\\2\\1z", true, NULL, 0), 0);
    assert_null(log_filter_error(&f));
    log_filter_pass(&f, BRE_BUDGET_MS);
    assert_false(log_filter_match(&f, logs_get(l, logs_last(l))));
    assert_non_null(log_filter_error(&f));
    size_t spans[4][2];
    assert_int_equal(log_filter_spans(&f, logs_get(l, logs_last(l)), spans, 4), 0);
    assert_int_equal(log_filter_set_text(&f, "GH X", true, NULL, 0), 0);
    assert_null(log_filter_error(&f));
    assert_true(log_filter_match(&f, logs_get(l, logs_last(l))));
    log_filter_free(&f);
    logs_free(l);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_caseless_utf8_from_an_offset),
        cmocka_unit_test(invalid_utf8_text_matches_around),
        cmocka_unit_test(bad_and_long_patterns_are_refused_with_where),
        cmocka_unit_test(huge_repetitions_are_bounded),
        cmocka_unit_test(backtracking_spends_the_pattern),
        cmocka_unit_test(an_exhausted_budget_gives_up),
        cmocka_unit_test(log_filter_reports_a_spent_pattern),
    };
    return cmocka_run_group_tests_name("bre", tests, NULL, NULL);
}
