/* One log line laid out for the screen (ui/logs_line.h): what reaches the
 * terminal holds no escape or control sequence from the line, SGR colours
 * become attributes, matches are marked, long lines wrap under the text's
 * column or are cut, and the saved form is `skview logs`'s. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <locale.h>
#include <string.h>
#include <curses.h>
#include <cmocka.h>
#include "ui/logs_line.h"
#include "ui/theme.h"

static logs_t *ring;

static int setup(void **state)
{
    setlocale(LC_ALL, "C.UTF-8");
    theme_t t;
    theme_defaults(&t);
    theme_apply(&t, THEME_MONO); /* attributes only: no terminal needed */
    ring = logs_new(0);
    return 0;
}

static int teardown(void **state)
{
    logs_free(ring);
    return 0;
}

/* Adds a Skaffold line and returns it. */
static const log_line_t *add(const char *msg)
{
    logs_add_skaffold(ring, 1, "Build-1", "web", 7, msg, strlen(msg), 1);
    return logs_get(ring, logs_last(ring));
}

/* The layout's text of row r, its segments joined. */
static void row_text(const lv_layout_t *lay, int r, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; i < lay->n; i++)
        if (lay->seg[i].row == r && o + lay->seg[i].len < len) {
            memcpy(buf + o, lay->text.data + lay->seg[i].off, lay->seg[i].len);
            o += lay->seg[i].len;
            buf[o] = 0;
        }
}

static void test_escapes_inert_colours_kept(void **state)
{
    const log_line_t *l = add("a\033]0;PWNED\007b\033[2J\033[Hc \033[1;31mred\033[0m\x9b" "6n!\n");
    lv_layout_t lay;
    lv_layout_init(&lay);
    lv_opts_t o = {.w = 80};
    lv_layout_line(&lay, l, &o);
    char row[256];
    row_text(&lay, 0, row, sizeof row);
    assert_null(strchr(lay.text.data, '\033'));
    assert_null(strchr(lay.text.data, '\007'));
    assert_null(strstr(lay.text.data, "PWNED"));
    assert_null(strstr(lay.text.data, "\xc2\x9b")); /* no C1 CSI either */
    assert_non_null(strstr(row, "abc red"));
    bool bold_red = false;
    for (size_t i = 0; i < lay.n; i++)
        if (!strncmp(lay.text.data + lay.seg[i].off, "red", 3))
            bold_red = (lay.seg[i].attr & A_BOLD) != 0;
    assert_true(bold_red); /* monochrome: SGR bold stays, the colour goes */
    lv_layout_free(&lay);
}

static void test_wrap_and_cut(void **state)
{
    const log_line_t *l = add("0123456789abcdefghijKLMNO\n");
    lv_layout_t lay;
    lv_layout_init(&lay);
    lv_opts_t o = {.w = 10, .wrap = true};
    lv_layout_line(&lay, l, &o);
    assert_int_equal(lay.rows, (25 + 9) / 10);
    char row[64];
    row_text(&lay, 1, row, sizeof row);
    assert_string_equal(row, "abcdefghij");
    o.wrap = false;
    lv_layout_line(&lay, l, &o);
    assert_int_equal(lay.rows, 1);
    row_text(&lay, 0, row, sizeof row);
    assert_string_equal(row, "0123456789");
    /* With a tag, continuation rows start under the text. */
    o = (lv_opts_t){.w = 20, .wrap = true, .tag_w = 6};
    lv_layout_line(&lay, l, &o);
    for (size_t i = 0; i < lay.n; i++)
        if (lay.seg[i].row > 0)
            assert_int_equal(lay.seg[i].col, 6);
    lv_layout_free(&lay);
}

static void test_matches_marked(void **state)
{
    const log_line_t *l = add("GET /a then \033[32mget /b\033[0m\n");
    log_filter_t hl;
    log_filter_init(&hl);
    char err[64];
    assert_int_equal(log_filter_set_text(&hl, "get /", false, err, sizeof err), 0);
    lv_layout_t lay;
    lv_layout_init(&lay);
    lv_opts_t o = {.w = 80, .hl = &hl};
    lv_layout_line(&lay, l, &o);
    int marked = 0;
    for (size_t i = 0; i < lay.n; i++)
        if (lay.seg[i].attr == theme_attr(ROLE_LOG_MATCH)) {
            assert_int_equal(lay.seg[i].len, 5);
            assert_true(!strncasecmp(lay.text.data + lay.seg[i].off, "get /", 5));
            marked++;
        }
    assert_int_equal(marked, 2);
    lv_layout_free(&lay);
    log_filter_free(&hl);
}

static void test_plain_as_skview_logs(void **state)
{
    const log_line_t *l = add("\033[31mfailed\033[0m\ttab\033]0;x\007\n");
    strbuf_t sb;
    sb_init(&sb);
    lv_plain(l, false, &sb);
    sb_addc(&sb, 0);
    assert_string_equal(sb.data, "[Build web] failed tab");
    sb_free(&sb);
    logs_add_app(ring, 2, "web-1", "app", "[app]", "hi\n", 3, 0, 1);
    sb_init(&sb);
    lv_plain(logs_get(ring, logs_last(ring)), false, &sb);
    sb_addc(&sb, 0);
    assert_string_equal(sb.data, "[web-1 app] hi");
    sb_free(&sb);
}

/* The source column keeps what tells lines apart: a pod's name goes as its
 * workload's (a rollout changes the hash), a long tag is cut in the middle
 * so its end (the resource, the container) stays. */
static void test_tag_keeps_the_end(void **state)
{
    lv_layout_t lay;
    lv_layout_init(&lay);
    lv_opts_t o = {.w = 80, .tag_w = 24};
    char row[256]; /* the segments joined: the tag's padding is not text */
    logs_add_skaffold(ring, 1, "Deploy-1", "deployment/frontend-canary", 7, "ok\n", 3, 1);
    lv_layout_line(&lay, logs_get(ring, logs_last(ring)), &o);
    row_text(&lay, 0, row, sizeof row);
    assert_string_equal(row, "Deploy depl\u2026tend-canary" "ok");
    logs_add_app(ring, 1, "api-0969517f-x2x4z", "api", "[api-0969517f-x2x4z api]", "up\n", 3, 0, 1);
    lv_layout_line(&lay, logs_get(ring, logs_last(ring)), &o);
    row_text(&lay, 0, row, sizeof row);
    assert_string_equal(row, "[api api]" "up");
    logs_add_app(ring, 1, "checkout-service-5c4b7d9f8-m2n3p", "istio-proxy", "", "up\n", 3, 0, 1);
    lv_layout_line(&lay, logs_get(ring, logs_last(ring)), &o);
    row_text(&lay, 0, row, sizeof row);
    assert_string_equal(row, "checkout-se\u2026istio-proxy" "up");
    lv_layout_free(&lay);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes_inert_colours_kept),
        cmocka_unit_test(test_wrap_and_cut),
        cmocka_unit_test(test_matches_marked),
        cmocka_unit_test(test_plain_as_skview_logs),
        cmocka_unit_test(test_tag_keeps_the_end),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
