/* Layout math at common and awkward terminal sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "ui/layout.h"

/* Skaffold's panes (no Debugging); BuildKit's are absent, as without --buildkit. */
static layout_in_t input(int cols, int rows, int focus)
{
    layout_in_t in = {.cols = cols, .rows = rows, .focus = focus};
    for (int p = 0; p < PANE__COUNT; p++) {
        in.present[p] = p != PANE_DEBUG && !pane_is_buildkit(p);
        in.want[p] = 3;
    }
    in.want[PANE_EVENTS] = 1000;
    return in;
}

/* The same with BuildKit in use: a long build, a cache table, one worker. */
static layout_in_t input_bk(int cols, int rows, int focus)
{
    layout_in_t in = input(cols, rows, focus);
    in.present[PANE_BUILD] = in.present[PANE_CACHE] = in.present[PANE_WORKERS] = true;
    in.want[PANE_BUILD] = 60;
    in.want[PANE_CACHE] = 9;
    in.want[PANE_WORKERS] = 12;
    return in;
}

static bool is_bk(int p)
{
    return pane_is_buildkit(p);
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
        if (p == PANE_DEBUG || p == PANE_LOGS || is_bk(p)) {
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

/* Rows nobody wants go under the newest rows of the last history pane
 * (Events, at the bottom of the stack), not into the focused pane. */
static void test_rest_goes_to_the_history(void **state)
{
    layout_in_t in = input(80, 24, PANE_ERRORS);
    for (int p = 0; p < PANE__COUNT; p++)
        in.want[p] = 1;
    layout_t l;
    layout_compute(&in, &l);
    check_tiles(&in, &l);
    assert_int_equal(l.pane[PANE_ERRORS].h, 2);
    assert_int_equal(l.pane[PANE_EVENTS].h, 21 - 5 * 2);
}

/* The wants of the simulator's dev loop after a few iterations: three
 * artifacts, three deployments with a pod each, three ports, a debugging
 * container, five errors of three rows, nine iterations, many events. */
static layout_in_t input_live(int cols, int rows, int focus)
{
    layout_in_t in = input(cols, rows, focus);
    in.present[PANE_DEBUG] = true;
    size_t want[PANE__COUNT] = {[PANE_ARTIFACTS] = 3, [PANE_RESOURCES] = 6, [PANE_PORTS] = 3,
                                [PANE_DEBUG] = 1, [PANE_ERRORS] = 15, [PANE_TIMELINE] = 9,
                                [PANE_EVENTS] = 156, [PANE_LOGS] = 600};
    for (int p = 0; p < PANE__COUNT; p++)
        in.want[p] = want[p] ? want[p] : 1;
    return in;
}

/* Space goes where the content is: at 80x24 the state panes (Resources)
 * come before the histories, which keep a row each. */
static void test_80x24_state_first(void **state)
{
    layout_in_t in = input_live(80, 24, PANE_ARTIFACTS);
    layout_t l;
    layout_compute(&in, &l);
    check_tiles(&in, &l);
    assert_int_equal(l.pane[PANE_ARTIFACTS].h, 1 + 3);
    assert_int_equal(l.pane[PANE_RESOURCES].h, 1 + 4);
    assert_int_equal(l.pane[PANE_PORTS].h, 1 + 3);
    assert_int_equal(l.pane[PANE_DEBUG].h, 1 + 1);
    assert_int_equal(l.pane[PANE_EVENTS].h, 2);
    in.focus = PANE_RESOURCES; /* focused, it shows all six */
    layout_compute(&in, &l);
    assert_int_equal(l.pane[PANE_RESOURCES].h, 1 + 6);
}

/* At 160x48 and 200x60 Artifacts gets its three rows, not the column's
 * blank rest: that goes to Timeline, at the bottom of the left column. */
static void test_wide_no_blank_artifacts(void **state)
{
    static const int sizes[][2] = {{160, 48}, {200, 60}};
    for (size_t k = 0; k < 2; k++) {
        layout_in_t in = input_live(sizes[k][0], sizes[k][1], PANE_ARTIFACTS);
        layout_t l;
        layout_compute(&in, &l);
        check_tiles(&in, &l);
        assert_true(l.two_columns);
        assert_int_equal(l.pane[PANE_ARTIFACTS].h, 1 + 3);
        assert_int_equal(l.pane[PANE_RESOURCES].h, 1 + 6);
        assert_int_equal(l.pane[PANE_PORTS].h, 1 + 3);
        const rect_t *t = &l.pane[PANE_TIMELINE];
        assert_int_equal(t->y + t->h, l.status.y);
        assert_int_equal(t->h, sizes[k][1] - 3 - (1 + 3) - (1 + 6) - (1 + 3) - (1 + 1));
    }
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

/* Below 140 columns the focused pane's group fills the screen: BuildKit's
 * three panes share it, Skaffold's are hidden, and back. */
static void check_bk_groups(int cols, int rows)
{
    layout_in_t in = input_bk(cols, rows, PANE_BUILD);
    layout_t l;
    layout_compute(&in, &l);
    check_tiles(&in, &l);
    assert_false(l.two_columns);
    int used = 0;
    for (int p = 0; p < PANE__COUNT; p++) {
        if (!is_bk(p)) {
            assert_int_equal(l.pane[p].h, 0);
            continue;
        }
        assert_true(l.pane[p].h >= 2);
        assert_int_equal(l.pane[p].w, cols);
        used += l.pane[p].h;
    }
    assert_int_equal(used, rows - 3);
    assert_true(l.pane[PANE_BUILD].h > l.pane[PANE_CACHE].h);
    assert_int_equal(l.pane[PANE_BUILD].y, 2);
    /* Focus back on Skaffold: its layout as without BuildKit. */
    layout_in_t sk = input(cols, rows, PANE_ARTIFACTS);
    layout_t plain;
    layout_compute(&sk, &plain);
    in.focus = PANE_ARTIFACTS;
    layout_compute(&in, &l);
    for (int p = 0; p < PANE__COUNT; p++) {
        assert_int_equal(l.pane[p].h, plain.pane[p].h);
        assert_int_equal(l.pane[p].y, plain.pane[p].y);
    }
}

static void test_buildkit_80x24(void **state)
{
    check_bk_groups(80, 24);
    layout_in_t in = input_bk(80, 24, PANE_BUILD);
    layout_t l;
    layout_compute(&in, &l);
    /* 21 rows: Cache and Workers get what they ask for at most, Build the rest. */
    assert_int_equal(l.pane[PANE_BUILD].h + l.pane[PANE_CACHE].h + l.pane[PANE_WORKERS].h, 21);
    assert_true(l.pane[PANE_BUILD].h >= 9);
}

static void test_buildkit_120x40(void **state)
{
    check_bk_groups(120, 40);
    layout_in_t in = input_bk(120, 40, PANE_CACHE);
    layout_t l;
    layout_compute(&in, &l);
    check_tiles(&in, &l);
    assert_int_equal(l.pane[PANE_CACHE].h, 10); /* its 9 rows and the title */
    assert_int_equal(l.pane[PANE_ARTIFACTS].h, 0);
    assert_int_equal(l.split_x, -1);
}

/* From 160x48 on, Logs is in the right column under Errors and Events,
 * which get what they want up to half of it; below, it is not stacked. */
static void test_logs_in_wide_layout(void **state)
{
    layout_in_t in = input(160, 48, PANE_ARTIFACTS);
    in.want[PANE_LOGS] = 100000;
    layout_t l;
    layout_compute(&in, &l);
    check_tiles(&in, &l);
    const rect_t *lg = &l.pane[PANE_LOGS], *ev = &l.pane[PANE_EVENTS];
    int content = l.status.y - l.header.h;
    assert_int_equal(lg->x, ev->x);
    assert_int_equal(lg->w, ev->w);
    assert_int_equal(lg->y + lg->h, l.status.y);      /* down to the status line */
    assert_true(lg->h >= content / 2);
    assert_int_equal(ev->y + ev->h, lg->y);            /* right under Events */
    in = input(159, 48, PANE_ARTIFACTS);
    layout_compute(&in, &l);
    assert_int_equal(l.pane[PANE_LOGS].h, 0);
    in = input(160, 47, PANE_ARTIFACTS);
    layout_compute(&in, &l);
    assert_int_equal(l.pane[PANE_LOGS].h, 0);
}

/* Focused on a small screen, Logs takes the content area alone; zoom does
 * the same for any focused pane. */
static void test_logs_alone_and_zoom(void **state)
{
    layout_in_t in = input(100, 30, PANE_LOGS);
    layout_t l;
    layout_compute(&in, &l);
    check_tiles(&in, &l);
    int content = l.status.y - l.header.h;
    assert_int_equal(l.pane[PANE_LOGS].h, content);
    assert_int_equal(l.pane[PANE_LOGS].w, 100);
    for (int p = 0; p < PANE__COUNT; p++)
        if (p != PANE_LOGS)
            assert_int_equal(l.pane[p].h, 0);
    in = input(200, 60, PANE_EVENTS);
    in.zoom = true;
    layout_compute(&in, &l);
    check_tiles(&in, &l);
    assert_int_equal(l.pane[PANE_EVENTS].h, l.status.y - l.header.h);
    assert_int_equal(l.pane[PANE_EVENTS].w, 200);
    assert_int_equal(l.pane[PANE_LOGS].h, 0);
    assert_int_equal(l.split_x, -1);
}

/* Wide: Skaffold's panes on the left, BuildKit's on the right, all shown. */
static void test_buildkit_wide(void **state)
{
    layout_in_t in = input_bk(160, 50, PANE_EVENTS);
    layout_t l;
    layout_compute(&in, &l);
    check_tiles(&in, &l);
    assert_true(l.two_columns);
    assert_int_equal(l.split_x, 72);
    for (int p = 0; p < PANE__COUNT; p++) {
        if (p == PANE_DEBUG || p == PANE_LOGS) /* Logs: not beside BuildKit */
            continue;
        assert_true(l.pane[p].h >= 2);
        assert_true(is_bk(p) ? l.pane[p].x == 73 : l.pane[p].x == 0);
    }
    assert_int_equal(l.pane[PANE_LOGS].h, 0);
    assert_int_equal(layout_hit(&l, l.pane[PANE_BUILD].y + 1, 100), PANE_BUILD);
}

/* A BuildKit replay: Build alone, the whole content area. */
static void test_buildkit_replay_alone(void **state)
{
    layout_in_t in = input_bk(100, 30, PANE_BUILD);
    for (int p = 0; p < PANE__COUNT; p++)
        in.present[p] = p == PANE_BUILD;
    layout_t l;
    layout_compute(&in, &l);
    assert_false(l.two_columns);
    assert_int_equal(l.pane[PANE_BUILD].h, 27);
    assert_int_equal(l.pane[PANE_BUILD].w, 100);
    in.cols = 200;
    layout_compute(&in, &l);
    assert_int_equal(l.pane[PANE_BUILD].w, 200);
}

static void test_buildkit_degenerate_sizes(void **state)
{
    for (int rows = 0; rows < 30; rows++) {
        for (int cols = 0; cols < 200; cols += 7) {
            layout_in_t in = input_bk(cols, rows, rows % PANE__COUNT);
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
        cmocka_unit_test(test_rest_goes_to_the_history),
        cmocka_unit_test(test_80x24_state_first),
        cmocka_unit_test(test_wide_no_blank_artifacts),
        cmocka_unit_test(test_wide_two_columns),
        cmocka_unit_test(test_tiny_shows_focus_only),
        cmocka_unit_test(test_degenerate_sizes),
        cmocka_unit_test(test_buildkit_80x24),
        cmocka_unit_test(test_buildkit_120x40),
        cmocka_unit_test(test_buildkit_wide),
        cmocka_unit_test(test_logs_in_wide_layout),
        cmocka_unit_test(test_logs_alone_and_zoom),
        cmocka_unit_test(test_buildkit_replay_alone),
        cmocka_unit_test(test_buildkit_degenerate_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
