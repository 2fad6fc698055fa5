/* The one replay pacer (sources/pacer.h): the delay rule both replays use, the
 * speed table, and time arithmetic at the ends of int64. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "sources/pacer.h"

#define NS_PER_MS 1000000LL

static void test_delay_scales_and_caps(void **state)
{
    int64_t t0 = 1700000000LL * 1000 * NS_PER_MS;
    int64_t gap_ms = 300;
    assert_int_equal(pacer_delay_ms(1, t0, t0 + gap_ms * NS_PER_MS), gap_ms);
    assert_int_equal(pacer_delay_ms(2, t0, t0 + gap_ms * NS_PER_MS), gap_ms / 2);
    assert_int_equal(pacer_delay_ms(0.5, t0, t0 + gap_ms * NS_PER_MS), gap_ms * 2);
    /* A gap one ms past the cap is cut to it; one under it is kept. */
    assert_int_equal(pacer_delay_ms(1, t0, t0 + (PACER_MAX_GAP_MS + 1) * NS_PER_MS), PACER_MAX_GAP_MS);
    assert_int_equal(pacer_delay_ms(1, t0, t0 + (PACER_MAX_GAP_MS - 1) * NS_PER_MS), PACER_MAX_GAP_MS - 1);
    /* Max speed, unknown times and going back in time: no wait. */
    assert_int_equal(pacer_delay_ms(0, t0, t0 + gap_ms * NS_PER_MS), 0);
    assert_int_equal(pacer_delay_ms(1, 0, t0), 0);
    assert_int_equal(pacer_delay_ms(1, t0, 0), 0);
    assert_int_equal(pacer_delay_ms(1, t0, t0 - gap_ms * NS_PER_MS), 0);
}

static void test_delay_at_int64_ends(void **state)
{
    /* The difference of the extremes does not fit in int64: still the cap. */
    assert_int_equal(pacer_delay_ms(1, INT64_MIN + 1, INT64_MAX), PACER_MAX_GAP_MS);
    assert_int_equal(pacer_delay_ms(64, INT64_MIN + 1, INT64_MAX), PACER_MAX_GAP_MS);
}

static void test_ts_saturates(void **state)
{
    Google__Protobuf__Timestamp t = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
    assert_int_equal(pacer_ts_ns(NULL), 0);
    t.seconds = 12;
    t.nanos = 345;
    assert_int_equal(pacer_ts_ns(&t), 12 * 1000 * NS_PER_MS + 345);
    t.seconds = INT64_MAX / 1000000000 + 1; /* past 2262 */
    assert_true(pacer_ts_ns(&t) == INT64_MAX);
    t.seconds = INT64_MIN / 1000000000 - 1; /* before 1678 */
    assert_true(pacer_ts_ns(&t) == INT64_MIN + 1);
}

static void test_speed_table(void **state)
{
    uv_loop_t loop;
    pacer_t p;
    char name[16];
    uv_loop_init(&loop);
    pacer_init(&p, &loop, 3, true, NULL, NULL); /* not a speed: 1x */
    assert_true(pacer_speed(&p) == 1);
    pacer_slower(&p);
    pacer_slower(&p);
    assert_true(pacer_speed(&p) == 0.5); /* the slowest stays */
    pacer_speed_name(&p, name, sizeof name);
    assert_string_equal(name, "0.5x");
    for (int i = 0; i < 20; i++)
        pacer_faster(&p);
    assert_true(pacer_at_max(&p));
    pacer_speed_name(&p, name, sizeof name);
    assert_string_equal(name, "max");
    pacer_slower(&p);
    assert_true(pacer_speed(&p) == 64);
    assert_true(pacer_paused(&p));
    pacer_close(&p, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delay_scales_and_caps),
        cmocka_unit_test(test_delay_at_int64_ends),
        cmocka_unit_test(test_ts_saturates),
        cmocka_unit_test(test_speed_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
