/* The build-history fold: STARTED, COMPLETE (with an error), DELETED, and
 * the order (running first, then newest). Hand-made refs in BuildKit's
 * 25-character base36 form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "buildkit/bk_history.h"
#include "bk_fixture.h"

static Moby__Buildkit__V1__BuildHistoryEvent *ev(int type, const char *ref, double created, const char *error)
{
    Moby__Buildkit__V1__BuildHistoryRecord *r = arena_alloc(&fx_arena, sizeof *r);
    moby__buildkit__v1__build_history_record__init(r);
    r->ref = (char *)ref;
    r->createdat = fx_ts(created);
    r->numtotalsteps = 12;
    if (error) {
        r->error = arena_alloc(&fx_arena, sizeof *r->error);
        moby__buildkit__v1__rpc_status__init(r->error);
        r->error->code = 2;
        r->error->message = (char *)error;
    }
    Moby__Buildkit__V1__BuildHistoryEvent *e = arena_alloc(&fx_arena, sizeof *e);
    moby__buildkit__v1__build_history_event__init(e);
    e->type = type;
    e->record = r;
    return e;
}

enum { STARTED, COMPLETE, DELETED };

static void test_fold(void **state)
{
    (void)state;
    arena_init(&fx_arena);
    bk_builds_t h;
    bk_builds_init(&h);
    bk_builds_fold(&h, ev(COMPLETE, "m38a1hxgttgm2qcyrjs14yf3j", 10, NULL));
    bk_builds_fold(&h, ev(COMPLETE, "t1kfp0e8x0q3wby2d5v7h9n4c", 20, "exit code: 1"));
    bk_builds_fold(&h, ev(STARTED, "w9z4c6b1n7v2x5m8q3k0j6h4g", 5, NULL));
    assert_int_equal(h.n, 3);
    assert_string_equal(h.b[0].ref, "w9z4c6b1n7v2x5m8q3k0j6h4g"); /* running first */
    assert_string_equal(bk_build_state(&h.b[0]), "running");
    assert_string_equal(h.b[1].ref, "t1kfp0e8x0q3wby2d5v7h9n4c"); /* then newest */
    assert_string_equal(bk_build_state(&h.b[1]), "failed");
    assert_string_equal(h.b[1].error, "exit code: 1");
    assert_string_equal(bk_build_state(&h.b[2]), "completed");
    bk_builds_fold(&h, ev(COMPLETE, "w9z4c6b1n7v2x5m8q3k0j6h4g", 5, NULL)); /* it finished */
    assert_int_equal(h.n, 3);
    assert_string_equal(h.b[2].ref, "w9z4c6b1n7v2x5m8q3k0j6h4g");
    assert_false(h.b[2].active);
    bk_builds_fold(&h, ev(DELETED, "t1kfp0e8x0q3wby2d5v7h9n4c", 20, NULL));
    assert_int_equal(h.n, 2);
    assert_string_equal(h.b[0].ref, "m38a1hxgttgm2qcyrjs14yf3j");
    bk_builds_fold(&h, ev(DELETED, "nosuchref0000000000000000", 1, NULL)); /* unknown: ignored */
    assert_int_equal(h.n, 2);
    bk_builds_free(&h);
    arena_free(&fx_arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
