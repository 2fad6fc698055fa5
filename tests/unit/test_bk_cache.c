/* The disk-usage table: sorting by size and by last use, the totals
 * (reclaimable = not in use), the flags column and relative times. The
 * records are hand-made, shaped like buildctl du's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "buildkit/bk_cache.h"
#include "bk_fixture.h"

static Moby__Buildkit__V1__UsageRecord *rec(const char *id, int64_t size, int in_use, int shared,
                                            double last_used, const char *type)
{
    Moby__Buildkit__V1__UsageRecord *r = arena_alloc(&fx_arena, sizeof *r);
    moby__buildkit__v1__usage_record__init(r);
    r->id = (char *)id;
    r->size = size;
    r->inuse = in_use;
    r->shared = shared;
    r->mutable_ = !shared;
    r->createdat = fx_ts(0);
    r->lastusedat = fx_ts(last_used);
    r->recordtype = (char *)type;
    r->description = "mount / from exec /bin/sh -c make";
    return r;
}

static void load(bk_cache_t *c)
{
    Moby__Buildkit__V1__UsageRecord *r[] = {
        rec("x7k2m9p4q1w8e5r3t6y0u2i4o", 5000, 0, 0, 30, "regular"),
        rec("a1b2c3d4e5f6g7h8i9j0k1l2m", 90000, 1, 0, 10, "exec.cachemount"),
        rec("zz9y8x7w6v5u4t3s2r1q0p9o8", 700, 0, 1, -1, "source.local"),
        rec("b1b2c3d4e5f6g7h8i9j0k1l2m", 5000, 0, 1, 20, "regular"),
    };
    Moby__Buildkit__V1__DiskUsageResponse resp = MOBY__BUILDKIT__V1__DISK_USAGE_RESPONSE__INIT;
    resp.n_record = 4;
    resp.record = r;
    bk_cache_load(c, &resp);
}

static void test_totals(void **state)
{
    (void)state;
    arena_init(&fx_arena);
    bk_cache_t c;
    bk_cache_init(&c);
    load(&c);
    assert_int_equal(c.n, 4);
    assert_int_equal(c.total, 100700);
    assert_int_equal(c.reclaimable, 10700);   /* all but the one in use */
    assert_int_equal(c.shared, 5700);
    load(&c);                                 /* a reload replaces */
    assert_int_equal(c.n, 4);
    assert_int_equal(c.total, 100700);
    bk_cache_free(&c);
    arena_free(&fx_arena);
}

static void test_sort(void **state)
{
    (void)state;
    arena_init(&fx_arena);
    bk_cache_t c;
    bk_cache_init(&c);
    load(&c);
    bk_cache_sort(&c, BK_SORT_SIZE);
    assert_string_equal(c.rec[0].id, "a1b2c3d4e5f6g7h8i9j0k1l2m");
    assert_string_equal(c.rec[1].id, "b1b2c3d4e5f6g7h8i9j0k1l2m"); /* tie on size: by ID */
    assert_string_equal(c.rec[2].id, "x7k2m9p4q1w8e5r3t6y0u2i4o");
    assert_string_equal(c.rec[3].id, "zz9y8x7w6v5u4t3s2r1q0p9o8");
    bk_cache_sort(&c, BK_SORT_LAST_USED);
    assert_string_equal(c.rec[0].id, "x7k2m9p4q1w8e5r3t6y0u2i4o");
    assert_string_equal(c.rec[1].id, "b1b2c3d4e5f6g7h8i9j0k1l2m");
    assert_string_equal(c.rec[2].id, "a1b2c3d4e5f6g7h8i9j0k1l2m");
    assert_string_equal(c.rec[3].id, "zz9y8x7w6v5u4t3s2r1q0p9o8"); /* never used: last */
    bk_cache_sort_t by;
    assert_true(bk_cache_sort_parse("last-used", &by));
    assert_int_equal(by, BK_SORT_LAST_USED);
    assert_false(bk_cache_sort_parse("age", &by));
    bk_cache_free(&c);
    arena_free(&fx_arena);
}

static void test_flags_and_ago(void **state)
{
    (void)state;
    bk_usage_t u = {.in_use = true, .shared = true, .typed = true};
    strbuf_t b;
    sb_init(&b);
    bk_usage_flags(&b, &u);
    assert_string_equal(b.data, "in use, shared");
    sb_reset(&b);
    u = (bk_usage_t){.typed = true};
    bk_usage_flags(&b, &u);
    assert_string_equal(b.data, "-");
    sb_reset(&b);
    /* A record without RecordType (v0.8's Prune) does not say whether it
     * was shared: not "-". */
    u = (bk_usage_t){.mutable_ = true};
    bk_usage_flags(&b, &u);
    assert_string_equal(b.data, "shared unknown, mutable");
    assert_string_equal(bk_usage_type(NULL), "unknown");
    assert_string_equal(bk_usage_type(""), "unknown");
    assert_string_equal(bk_usage_type("regular"), "regular");
    sb_reset(&b);
    bk_time_t now = (T0 + 7200) * 1000000000LL;
    bk_format_ago(&b, T0 * 1000000000LL, now);
    sb_addc(&b, '|');
    bk_format_ago(&b, now - 1000000000LL, now);
    sb_addc(&b, '|');
    bk_format_ago(&b, 0, now);
    assert_string_equal(b.data, "2 hours ago|1 second ago|never");
    sb_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_totals),
        cmocka_unit_test(test_sort),
        cmocka_unit_test(test_flags_and_ago),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
