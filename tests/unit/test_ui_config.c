/* The config parser, theme syntax and every shipped theme. */
#include <dirent.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "ui/config.h"

typedef struct reports {
    char msg[8][256];
    int n;
} reports_t;

static void collect(void *ctx, const char *msg)
{
    reports_t *r = ctx;
    if (r->n < 8)
        snprintf(r->msg[r->n++], sizeof r->msg[0], "%s", msg);
}

static int parse(ui_config_t *c, const char *text, reports_t *r)
{
    memset(r, 0, sizeof *r);
    return config_parse(c, text, strlen(text), "cfg", 0, collect, r);
}

static void test_bad_line_reported_rest_applies(void **state)
{
    ui_config_t c;
    reports_t r;
    config_init(&c);
    int bad = parse(&c,
                    "# comment\n"
                    "\n"
                    "theme light\n"
                    "bind generic x quit\n"
                    "bind generic y teleport\n"
                    "frobnicate 3\n"
                    "history-size 5000\n"
                    "notify on\n"
                    "color failed bright-red default bold underline\n"
                    "color failed mauve default\n",
                    &r);
    assert_int_equal(bad, 3);
    assert_string_equal(r.msg[0], "cfg:5: unknown action 'teleport'");
    assert_string_equal(r.msg[1], "cfg:6: unknown directive 'frobnicate'");
    assert_string_equal(r.msg[2], "cfg:10: unknown colour 'mauve'");
    assert_string_equal(c.theme, "light");
    assert_int_equal(keys_lookup(c.keys, PANE_EVENTS, 'x'), ACT_QUIT);
    assert_int_equal(c.history, 5000);
    assert_true(c.notify);
    assert_true(c.overridden[ROLE_FAILED]);
    assert_int_equal(c.overrides.style[ROLE_FAILED].fg, 9);
    assert_int_equal(c.overrides.style[ROLE_FAILED].attrs, TA_BOLD | TA_UNDERLINE);
    config_free(&c);
}

static void test_arity_and_values(void **state)
{
    ui_config_t c;
    reports_t r;
    config_init(&c);
    assert_int_equal(parse(&c, "bind generic q\nhistory-size -4\nnotify maybe\ntheme\n", &r), 4);
    assert_string_equal(r.msg[0], "cfg:1: 'bind' takes 3 arguments");
    assert_string_equal(r.msg[1], "cfg:2: history-size must be a number from 100 to 100000000");
    assert_string_equal(r.msg[2], "cfg:3: notify must be on or off");
    assert_string_equal(r.msg[3], "cfg:4: 'theme' takes 1 argument");
    config_free(&c);
}

static void test_theme_file_only_colors(void **state)
{
    ui_config_t c;
    reports_t r = {0};
    config_init(&c);
    const char *t = "color ok blue default\nbind generic q help\n";
    assert_int_equal(config_parse(&c, t, strlen(t), "x.theme", CONFIG_THEME_FILE, collect, &r), 1);
    assert_string_equal(r.msg[0], "x.theme:2: 'bind' is not allowed in a theme");
    assert_int_equal(c.styles.style[ROLE_OK].fg, 4);
    config_free(&c);
}

static void test_color_names(void **state)
{
    assert_int_equal(theme_parse_color("default"), -1);
    assert_int_equal(theme_parse_color("red"), 1);
    assert_int_equal(theme_parse_color("bright-white"), 15);
    assert_int_equal(theme_parse_color("color208"), 208);
    assert_int_equal(theme_parse_color("17"), 17);
    assert_int_equal(theme_parse_color("256"), -2);
    assert_int_equal(theme_parse_color("reddish"), -2);
    assert_int_equal(theme_parse_attr("bold"), TA_BOLD);
    assert_int_equal(theme_parse_attr("blinky"), -1);
}

/* Every shipped theme parses cleanly and styles every role. */
static void test_shipped_themes(void **state)
{
    DIR *d = opendir("themes");
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 7 || strcmp(e->d_name + len - 6, ".theme"))
            continue;
        char path[512];
        snprintf(path, sizeof path, "themes/%s", e->d_name);
        ui_config_t c;
        reports_t r = {0};
        config_init(&c);
        int bad = config_load_file(&c, path, false, CONFIG_THEME_FILE, collect, &r);
        if (bad)
            fail_msg("%s", r.msg[0]);
        /* every role is named in the file */
        FILE *f = fopen(path, "r");
        char text[8192] = "";
        size_t got = fread(text, 1, sizeof text - 1, f);
        text[got] = 0;
        fclose(f);
        for (int role = 0; role < ROLE__COUNT; role++) {
            char needle[64];
            snprintf(needle, sizeof needle, "color %s ", theme_role_name((role_t)role));
            if (!strstr(text, needle))
                fail_msg("%s does not style %s", path, theme_role_name((role_t)role));
        }
        config_free(&c);
        n++;
    }
    closedir(d);
    assert_true(n >= 4);
}

static void test_theme_lookup(void **state)
{
    char path[1024];
    setenv("SKVIEW_THEME_DIR", "themes", 1);
    setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
    assert_int_equal(theme_find("light", path, sizeof path), 0);
    assert_string_equal(path, "themes/light.theme");
    assert_int_equal(theme_find("themes/monochrome.theme", path, sizeof path), 0);
    assert_int_equal(theme_find("no-such-theme", path, sizeof path), -1);
    ui_config_t c;
    reports_t r = {0};
    config_init(&c);
    snprintf(c.theme, sizeof c.theme, "no-such-theme");
    assert_int_equal(config_load_theme(&c, collect, &r), 1);
    assert_string_equal(r.msg[0], "theme 'no-such-theme' not found; using the default");
    config_free(&c);
}

/* A byte-order mark is not part of the first line. */
static void test_bom_ignored(void **state)
{
    ui_config_t c;
    reports_t r;
    config_init(&c);
    assert_int_equal(parse(&c, "\xEF\xBB\xBFnotify on\nbind generic x quit\n", &r), 0);
    assert_true(c.notify);
    assert_int_equal(keys_lookup(c.keys, PANE_EVENTS, 'x'), ACT_QUIT);
    /* in a theme file too */
    const char *t = "\xEF\xBB\xBF" "color ok blue default\n";
    assert_int_equal(config_parse(&c, t, strlen(t), "x.theme", CONFIG_THEME_FILE, collect, &r), 0);
    assert_int_equal(c.styles.style[ROLE_OK].fg, 4);
    /* only at the start: elsewhere it is a bad word */
    assert_int_equal(parse(&c, "notify off\n\xEF\xBB\xBFnotify on\n", &r), 1);
    assert_false(c.notify);
    config_free(&c);
}

/* A file that cannot be read is -1 and one report naming it, not an empty
 * config: a directory (fopen succeeds on one), a missing file. */
static void test_unreadable_file(void **state)
{
    ui_config_t c;
    reports_t r = {0};
    config_init(&c);
    assert_int_equal(config_load_file(&c, "themes", false, 0, collect, &r), -1);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.msg[0], "themes: Is a directory");
    assert_int_equal(config_load_file(&c, "no/such/file", false, 0, collect, &r), -1);
    assert_string_equal(r.msg[1], "no/such/file: No such file or directory");
    assert_int_equal(config_load_file(&c, "no/such/file", true, 0, collect, &r), 0);
    assert_int_equal(r.n, 2);
    /* a theme PATH that is a directory */
    snprintf(c.theme, sizeof c.theme, "themes/");
    assert_int_equal(config_load_theme(&c, collect, &r), -1);
    assert_string_equal(r.msg[2], "themes/: Is a directory");
    config_free(&c);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_line_reported_rest_applies),
        cmocka_unit_test(test_arity_and_values),
        cmocka_unit_test(test_theme_file_only_colors),
        cmocka_unit_test(test_color_names),
        cmocka_unit_test(test_shipped_themes),
        cmocka_unit_test(test_theme_lookup),
        cmocka_unit_test(test_bom_ignored),
        cmocka_unit_test(test_unreadable_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
