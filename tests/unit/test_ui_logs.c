/* The Logs view's index (ui/logs_index.h) against a real log ring: after
 * any sequence of adds, drops, partial lines, clears and filter changes it
 * holds exactly the seqs a full scan of the ring with the same filter
 * passes, and an update tests only the lines added since the last one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "ui/logs_index.h"

/* Every held seq passing f, by a scan of the whole ring. */
static size_t brute(const logs_t *l, const log_filter_t *f, uint64_t *out, size_t max)
{
    size_t n = 0;
    for (uint64_t s = logs_first(l); s <= logs_last(l) && logs_first(l) <= logs_last(l); s++) {
        const log_line_t *line = logs_get(l, s);
        if (line && log_filter_match(f, line) && n < max)
            out[n++] = s;
    }
    return n;
}

static void check_equal(const logs_index_t *x, const logs_t *l, const log_filter_t *f)
{
    static uint64_t want[4096];
    size_t n = brute(l, f, want, 4096);
    if (logs_index_count(x) != n)
        fail_msg("index holds %zu lines, a scan of the ring passes %zu", logs_index_count(x), n);
    for (size_t i = 0; i < n; i++)
        if (logs_index_at(x, i) != want[i])
            fail_msg("line %zu: index seq %llu, scan seq %llu", i,
                     (unsigned long long)logs_index_at(x, i), (unsigned long long)want[i]);
}

static void add_app(logs_t *l, int i, const char *pod, const char *text)
{
    char msg[128];
    int n = snprintf(msg, sizeof msg, "%s %d\n", text, i);
    logs_add_app(l, 1000 + i, pod, "c", "", msg, (size_t)n, 0, 1);
}

/* Lines arrive and the ring drops the oldest: each update keeps up. */
static void test_incremental_with_drops(void **state)
{
    logs_t *l = logs_new(50);
    log_filter_t f;
    log_filter_init(&f);
    log_filter_solo(&f, LOG_KEY_POD, "web");
    logs_index_t x;
    logs_index_init(&x);
    for (int i = 0; i < 400; i++) {
        add_app(l, i, i % 3 ? "web" : "db", "GET /");
        if (i % 7 == 0) {
            logs_index_update(&x, l, &f, 1);
            check_equal(&x, l, &f);
        }
    }
    logs_index_update(&x, l, &f, 1);
    check_equal(&x, l, &f);
    assert_true(logs_dropped(l) > 0);
    /* Adding k lines costs k tests, not the ring. */
    uint64_t tested = x.tested;
    for (int i = 0; i < 5; i++)
        add_app(l, 1000 + i, "web", "more");
    logs_index_update(&x, l, &f, 1);
    assert_int_equal(x.tested - tested, 5);
    check_equal(&x, l, &f);
    logs_index_free(&x);
    log_filter_free(&f);
    logs_free(l);
}

/* A new filter generation rebuilds from the whole ring. */
static void test_filter_change_rebuilds(void **state)
{
    logs_t *l = logs_new(0);
    log_filter_t f;
    log_filter_init(&f);
    logs_index_t x;
    logs_index_init(&x);
    for (int i = 0; i < 100; i++)
        add_app(l, i, i % 2 ? "web" : "db", i % 10 ? "ok" : "panic: boom");
    logs_index_update(&x, l, &f, 1);
    check_equal(&x, l, &f);
    char err[128];
    assert_int_equal(log_filter_set_text(&f, "PANIC", false, err, sizeof err), 0);
    logs_index_update(&x, l, &f, 2);
    check_equal(&x, l, &f);
    assert_int_equal(logs_index_count(&x), 10);
    assert_int_equal(log_filter_set_text(&f, "^panic: [a-z]+ (0|50)$", true, err, sizeof err), 0);
    logs_index_update(&x, l, &f, 3);
    check_equal(&x, l, &f);
    assert_int_equal(logs_index_count(&x), 2);
    logs_index_free(&x);
    log_filter_free(&f);
    logs_free(l);
}

/* A partial line that grows into a match joins the index in its place. */
static void test_partial_line_grows_into_match(void **state)
{
    logs_t *l = logs_new(0);
    log_filter_t f;
    log_filter_init(&f);
    char err[128];
    assert_int_equal(log_filter_set_text(&f, "error", false, err, sizeof err), 0);
    logs_index_t x;
    logs_index_init(&x);
    logs_add_app(l, 1, "web", "c", "", "starting ", 9, 0, 1);
    add_app(l, 2, "db", "an error");
    logs_index_update(&x, l, &f, 1);
    check_equal(&x, l, &f);
    assert_int_equal(logs_index_count(&x), 1);
    logs_add_app(l, 3, "web", "c", "", "failed: error\n", 14, 0, 1);
    logs_index_update(&x, l, &f, 1);
    check_equal(&x, l, &f);
    assert_int_equal(logs_index_count(&x), 2);
    logs_index_free(&x);
    log_filter_free(&f);
    logs_free(l);
}

/* A clear of one source (a stream replaying) rebuilds, even when as many
 * lines came back. */
static void test_clear_rebuilds(void **state)
{
    logs_t *l = logs_new(0);
    log_filter_t f;
    log_filter_init(&f);
    logs_index_t x;
    logs_index_init(&x);
    for (int i = 0; i < 30; i++)
        add_app(l, i, "web", "a");
    logs_add_skaffold(l, 5, "Build-1", "web", 7, "step 1\n", 7, 1);
    logs_index_update(&x, l, &f, 1);
    check_equal(&x, l, &f);
    logs_clear(l, LOG_APP);
    for (int i = 0; i < 30; i++)
        add_app(l, i, "web", "b");
    logs_index_update(&x, l, &f, 1);
    check_equal(&x, l, &f);
    assert_int_equal(logs_index_count(&x), 31);
    logs_index_free(&x);
    log_filter_free(&f);
    logs_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_incremental_with_drops),
        cmocka_unit_test(test_filter_change_rebuilds),
        cmocka_unit_test(test_partial_line_grows_into_match),
        cmocka_unit_test(test_clear_rebuilds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
