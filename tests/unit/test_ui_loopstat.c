/* The viewer's loop turns timed (ui/loopstat.h): a callback that holds the
 * loop is the longest turn, in wall time and in the thread's CPU; the
 * measuring handle keeps no loop alive; a key until its frame; the line
 * SKVIEW_STATS gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "ui/loopstat.h"

#define HOLD_NS 20000000u        /* CPU the busy callback burns */

static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Burns HOLD_NS of this thread's CPU (however long the machine makes it). */
static void on_busy(uv_timer_t *t)
{
    uint64_t t0 = cpu_ns();
    volatile uint64_t spin = 0;
    while (cpu_ns() - t0 < HOLD_NS)
        spin++;
}

static void on_later(uv_timer_t *t)
{
}

static void a_busy_callback_is_the_longest_turn(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_timer_t busy, later;
    loopstat_t ls = {0};
    uv_loop_init(&loop);
    assert_int_equal(loopstat_start(&ls, &loop), 0);
    uv_timer_init(&loop, &busy);
    uv_timer_init(&loop, &later);
    uv_timer_start(&later, on_later, 30, 0); /* keeps the loop alive: a turn after the busy one */
    uv_run(&loop, UV_RUN_NOWAIT);            /* the first turn: where the next ones are timed from */
    assert_int_equal(ls.turns, 0);
    uv_timer_start(&busy, on_busy, 0, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_true(ls.turns >= 1);
    assert_true(ls.turn_cpu_max_ns >= HOLD_NS);
    assert_true(ls.turn_max_ns >= ls.turn_cpu_max_ns - ls.turn_cpu_max_ns / 100);
    uv_close((uv_handle_t *)&busy, NULL);
    uv_close((uv_handle_t *)&later, NULL);
    loopstat_close(&ls);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

static void it_keeps_no_loop_alive(void **state)
{
    (void)state;
    uv_loop_t loop;
    loopstat_t ls = {0};
    uv_loop_init(&loop);
    assert_int_equal(loopstat_start(&ls, &loop), 0);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0); /* returns: nothing else is active */
    loopstat_close(&ls);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

static void the_stats_line(void **state)
{
    (void)state;
    loopstat_t ls = {.turns = 7, .turn_max_ns = 12500000, .turn_cpu_max_ns = 3000000};
    loopstat_frame(&ls, 2000000);
    loopstat_frame(&ls, 4000000);
    ls.blocked = 2;
    char buf[256] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    loopstat_print(&ls, f);
    fclose(f);
    assert_string_equal(buf, "turns 7 turn_max_ms 12.5 turn_cpu_max_ms 3.0 frame_max_ms 4.0 frame_avg_ms 3.00 "
                             "key_max_ms 0.0 blocked 2\n");
}

/* A key is timed from its read to the next frame drawn, however many keys
 * came meanwhile; a frame with no key waiting times none. */
static void a_key_until_its_frame(void **state)
{
    (void)state;
    loopstat_t ls = {0};
    loopstat_key_drawn(&ls);
    assert_int_equal(ls.keys, 0);
    loopstat_key_read(&ls);
    uint64_t first = ls.key_read_ns;
    assert_true(first > 0);
    loopstat_key_read(&ls);                  /* a second key before the frame */
    assert_int_equal(ls.key_read_ns, first);
    uint64_t t0 = cpu_ns();
    while (cpu_ns() - t0 < HOLD_NS / 4)      /* the frame comes after 5 ms of work */
        ;
    loopstat_key_drawn(&ls);
    assert_int_equal(ls.keys, 1);
    assert_true(ls.key_max_ns >= HOLD_NS / 4);
    assert_int_equal(ls.key_read_ns, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_busy_callback_is_the_longest_turn),
        cmocka_unit_test(it_keeps_no_loop_alive),
        cmocka_unit_test(the_stats_line),
        cmocka_unit_test(a_key_until_its_frame),
    };
    return cmocka_run_group_tests_name("ui_loopstat", tests, NULL, NULL);
}
