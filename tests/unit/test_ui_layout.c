/* Layout math at common and awkward terminal sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "ui/layout.h"

static layout_in_t input(int cols, int rows, int focus)
{
    layout_in_t in = {.cols = cols, .rows = rows, .focus = focus};
    for (int p = 0; p < PANE__COUNT; p++) {
        in.present[p] = p != PANE_DEBUG;
        in.want[p] = 3;
    }
    in.want[PANE_EVENTS] = 1000;
    return in;
}

/* Shown panes do not overlap and stay inside the content area. */
static void check_tiles(const layout_in_t *in, const layout_t *l)
{
    int top = l->header.h, bottom = l->status.h ? l->status.y : in->rows;
    for (int p = 0; p < PANE__COUNT; p++) {
        const rect_t *a = &l->pane[p];
        if (a->h == 0)
            continue;
        assert_true(a->y >= top);
        assert_true(a->y + a->h <= bottom);
        assert_true(a->x >= 0 && a->x + a->w <= in->cols);
        for (int q = p + 1; q < PANE__COUNT; q++) {
            const rect_t *b = &l->pane[q];
            if (b->h == 0)
                continue;
            bool apart = a->y + a->h <= b->y || b->y + b->h <= a->y || a->x + a->w <= b->x ||
                         b->x + b->w <= a->x;
            if (!apart)
                fail_msg("panes %d and %d overlap", p, q);
        }
    }
}

static void test_80x24_every_pane(void **state)
{
    layout_in_t in = input(80, 24, PANE_ARTIFACTS);
    layout_t l;
    layout_compute(&in, &l);
    check_tiles(&in, &l);
    assert_int_equal(l.header.h, 2);
    assert_int_equal(l.status.y, 23);
    assert_false(l.two_columns);
    int used = 0;
    for (int p = 0; p < PANE__COUNT; p++) {
        if (p == PANE_DEBUG) {
            assert_int_equal(l.pane[p].h, 0);
            continue;
        }
        assert_true(l.pane[p].h >= 2); /* title and at least one row */
        used += l.pane[p].h;
    }
    assert_int_equal(used, 21); /* the whole content area */
    assert_int_equal(l.pane[PANE_ARTIFACTS].h, 4);
    assert_int_equal(l.pane[PANE_EVENTS].y + l.pane[PANE_EVENTS].h, 23);
}

static void test_focus_gets_the_rest(void **state)
{
    layout_in_t in = input(80, 24, PANE_ERRORS);
    for (int p = 0; p < PANE__COUNT; p++)
        in.want[p] = 1;
    layout_t l;
    layout_compute(&in, &l);
    check_tiles(&in, &l);
    assert_int_equal(l.pane[PANE_ERRORS].h, 21 - 5 * 2);
}

static void test_wide_two_columns(void **state)
{
    layout_in_t in = input(160, 50, PANE_EVENTS);
    in.present[PANE_DEBUG] = true;
    layout_t l;
    layout_compute(&in, &l);
    check_tiles(&in, &l);
    assert_true(l.two_columns);
    assert_int_equal(l.pane[PANE_ARTIFACTS].x, 0);
    assert_true(l.pane[PANE_EVENTS].x > 60);
    assert_int_equal(layout_hit(&l, l.pane[PANE_EVENTS].y + 1, l.pane[PANE_EVENTS].x + 3), PANE_EVENTS);
    assert_int_equal(layout_hit(&l, 0, 0), -1);
}

static void test_tiny_shows_focus_only(void **state)
{
    layout_in_t in = input(40, 10, PANE_TIMELINE);
    layout_t l;
    layout_compute(&in, &l);
    check_tiles(&in, &l);
    assert_int_equal(l.header.h, 1);
    assert_int_equal(l.pane[PANE_TIMELINE].h, 8);
    for (int p = 0; p < PANE__COUNT; p++)
        if (p != PANE_TIMELINE)
            assert_int_equal(l.pane[p].h, 0);
}

static void test_degenerate_sizes(void **state)
{
    for (int rows = 0; rows < 30; rows++) {
        for (int cols = 0; cols < 200; cols += 7) {
            layout_in_t in = input(cols, rows, rows % PANE__COUNT);
            layout_t l;
            layout_compute(&in, &l);
            check_tiles(&in, &l);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_80x24_every_pane),
        cmocka_unit_test(test_focus_gets_the_rest),
        cmocka_unit_test(test_wide_two_columns),
        cmocka_unit_test(test_tiny_shows_focus_only),
        cmocka_unit_test(test_degenerate_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
