/* The / prompts' history: newest first, no repeats, bounded, and Up/Down
 * walking it with the edited line kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include "ui/prompt_hist.h"

static void test_up_down_walk(void **state)
{
    prompt_hist_t h;
    prompt_hist_init(&h);
    prompt_hist_push(&h, "deploy");
    prompt_hist_push(&h, "kind:build");
    prompt_hist_begin(&h);
    char line[PROMPT_HIST_LEN] = "fro";
    assert_true(prompt_hist_move(&h, 1, line, sizeof line));
    assert_string_equal(line, "kind:build");
    assert_true(prompt_hist_move(&h, 1, line, sizeof line));
    assert_string_equal(line, "deploy");
    assert_false(prompt_hist_move(&h, 1, line, sizeof line)); /* the oldest */
    assert_string_equal(line, "deploy");
    assert_true(prompt_hist_move(&h, -1, line, sizeof line));
    assert_string_equal(line, "kind:build");
    assert_true(prompt_hist_move(&h, -1, line, sizeof line));
    assert_string_equal(line, "fro"); /* the draft back */
    assert_false(prompt_hist_move(&h, -1, line, sizeof line));
    assert_string_equal(line, "fro");
}

static void test_no_repeats_no_empty(void **state)
{
    prompt_hist_t h;
    prompt_hist_init(&h);
    prompt_hist_push(&h, "a");
    prompt_hist_push(&h, "b");
    prompt_hist_push(&h, "");
    prompt_hist_push(&h, "a"); /* moves to the front, not kept twice */
    assert_int_equal(h.n, 2);
    assert_string_equal(h.item[0], "a");
    assert_string_equal(h.item[1], "b");
}

static void test_bounded(void **state)
{
    prompt_hist_t h;
    prompt_hist_init(&h);
    char t[16];
    for (int i = 0; i < PROMPT_HIST_MAX + 5; i++) {
        snprintf(t, sizeof t, "t%d", i);
        prompt_hist_push(&h, t);
    }
    assert_int_equal(h.n, PROMPT_HIST_MAX);
    snprintf(t, sizeof t, "t%d", PROMPT_HIST_MAX + 4);
    assert_string_equal(h.item[0], t);
    assert_string_equal(h.item[PROMPT_HIST_MAX - 1], "t5"); /* the oldest kept */
    prompt_hist_push(&h, "t20"); /* one in the middle comes to the front */
    assert_int_equal(h.n, PROMPT_HIST_MAX);
    assert_string_equal(h.item[0], "t20");
    assert_string_equal(h.item[PROMPT_HIST_MAX - 1], "t5");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_up_down_walk),
        cmocka_unit_test(test_no_repeats_no_empty),
        cmocka_unit_test(test_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
