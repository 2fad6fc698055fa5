/* The prune prompt's options (buildkit/bk_pruneopts.h): every word form
 * skview buildkit prune takes, the sentence the y/N question shows, and a
 * word that is none or a text too long refused with what is wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "buildkit/bk_pruneopts.h"

static void test_every_form(void **state)
{
    bk_prune_opts_t o;
    char err[300];
    strbuf_t d;
    assert_true(bk_prune_parse("all filter=type==regular id~=abc keep-duration=24h keep-bytes=10GB", &o, err,
                               sizeof err));
    assert_true(o.all);
    assert_int_equal(o.n_filter, 2);
    assert_string_equal(o.filter[0], "type==regular");
    assert_string_equal(o.filter[1], "id~=abc");
    assert_int_equal(o.keep_duration, 24 * 3600 * 1000000000LL);
    assert_int_equal(o.keep_bytes, 10000000000LL);
    sb_init(&d);
    bk_prune_describe(&o, &d);
    assert_string_equal(d.data, "all records where type==regular, id~=abc, keep those used in 24h0m0s, keep 10.00GB");
    sb_free(&d);
}

static void test_none_is_unused_records(void **state)
{
    bk_prune_opts_t o;
    char err[300];
    strbuf_t d;
    assert_true(bk_prune_parse("", &o, err, sizeof err));
    assert_false(o.all);
    assert_int_equal(o.n_filter, 0);
    sb_init(&d);
    bk_prune_describe(&o, &d);
    assert_string_equal(d.data, "unused records");
    sb_free(&d);
}

static void test_refusals(void **state)
{
    bk_prune_opts_t o;
    char err[300], longer[200];
    assert_false(bk_prune_parse("all everything", &o, err, sizeof err));
    assert_string_equal(err, "prune: 'everything' is not an option (all, filter=F, keep-duration=24h, keep-bytes=10GB)");
    assert_false(bk_prune_parse("keep-duration=soon", &o, err, sizeof err));
    assert_non_null(strstr(err, "'keep-duration=soon' is not an option"));
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = 0;
    assert_false(bk_prune_parse(longer, &o, err, sizeof err));
    assert_string_equal(err, "prune: the options are longer than 127 bytes");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_form),
        cmocka_unit_test(test_none_is_unused_records),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
