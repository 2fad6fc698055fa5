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
    loopstat_frame(&ls, 5000, 2000000);
    loopstat_frame(&ls, 6000, 4000000);     /* a second later: one frame a second */
    ls.blocked = 2;
    char buf[256] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    loopstat_print(&ls, f);
    fclose(f);
    assert_string_equal(buf, "turns 7 turn_max_ms 12.5 turn_cpu_max_ms 3.0 frame_max_ms 4.0 frame_avg_ms 3.00 "
                             "key_max_ms 0.0 blocked 2 fps_max 1\n");
}

/* The most frames in any one second, wherever that second is: 20 frames
 * 50 ms apart, then 40 frames 25 ms apart (a ring of 64 holds them), then
 * after a quiet second 100 frames 40 ms apart (the ring wraps). */
static void the_busiest_second(void **state)
{
    (void)state;
    loopstat_t ls = {0};
    uint64_t t = 10000;
    for (int i = 0; i < 20; i++, t += 50)
        loopstat_frame(&ls, t, 1000);
    assert_int_equal(ls.fps_max, 20);
    for (int i = 0; i < 40; i++, t += 25)
        loopstat_frame(&ls, t, 1000);
    assert_int_equal(ls.fps_max, 40);
    ls.fps_max = 0;
    t += 1000;                               /* a quiet second between */
    for (int i = 0; i < 100; i++, t += 40)
        loopstat_frame(&ls, t, 1000);
    assert_int_equal(ls.fps_max, 25);
}

/* The frames' times as the viewer's pacing reads them: the k-th last one,
 * none before the first, and only as far back as the ring reaches. */
static void frames_ago(void **state)
{
    (void)state;
    loopstat_t ls = {0};
    assert_int_equal(loopstat_frame_ago(&ls, 1), 0);
    for (uint64_t t = 1000; t < 1000 + 100 * 10; t += 10)   /* 100 frames, 10 ms apart */
        loopstat_frame(&ls, t, 1000);
    assert_int_equal(loopstat_frame_ago(&ls, 1), 1990);
    assert_int_equal(loopstat_frame_ago(&ls, 26), 1740);
    assert_int_equal(loopstat_frame_ago(&ls, LOOPSTAT_FPS_RING), 1990 - 10 * (LOOPSTAT_FPS_RING - 1));
    assert_int_equal(loopstat_frame_ago(&ls, LOOPSTAT_FPS_RING + 1), 0);
    assert_int_equal(loopstat_frame_ago(&ls, 0), 0);
    loopstat_t two = {0};
    loopstat_frame(&two, 500, 1000);
    loopstat_frame(&two, 600, 1000);
    assert_int_equal(loopstat_frame_ago(&two, 2), 500);
    assert_int_equal(loopstat_frame_ago(&two, 3), 0);
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
        cmocka_unit_test(the_busiest_second),
        cmocka_unit_test(frames_ago),
    };
    return cmocka_run_group_tests_name("ui_loopstat", tests, NULL, NULL);
}
