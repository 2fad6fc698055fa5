/* The action table, key names, the key map and the default bindings. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <curses.h>
#include "ui/config.h"
#include "ui/keys.h"

static void test_action_names_unique(void **state)
{
    for (int a = 0; a < ACT__COUNT; a++) {
        assert_non_null(action_table[a].name);
        assert_non_null(action_table[a].help);
        for (int b = a + 1; b < ACT__COUNT; b++)
            if (!strcmp(action_table[a].name, action_table[b].name))
                fail_msg("duplicate action name %s", action_table[a].name);
        int found;
        assert_int_equal(action_by_name(action_table[a].name, &found), a);
        assert_true(found);
    }
}

static void test_key_names_round_trip(void **state)
{
    static const char *const names[] = {"j", "G", "/", "?", "+", "[", "Space", "Tab", "S-Tab",
                                        "Enter", "Esc", "Up", "Down", "PgUp", "PgDn", "Home",
                                        "End", "F1", "F12", "C-l", "Backspace", "é"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int k = keys_parse(names[i]);
        if (k < 0)
            fail_msg("cannot parse key %s", names[i]);
        char buf[32];
        assert_string_equal(keys_name(k, buf, sizeof buf), names[i]);
    }
    assert_int_equal(keys_parse("Tabby"), -1);
    assert_int_equal(keys_parse(""), -1);
    assert_int_equal(keys_parse("F13"), -1);
    assert_int_equal(keys_parse("C-1"), -1);
    assert_int_equal(keys_parse("jj"), -1);
}

/* Every action but "none" has a default key, so the help lists a key for each. */
static void test_defaults_bind_every_action(void **state)
{
    ui_config_t c;
    config_init(&c);
    for (int a = 1; a < ACT__COUNT; a++) {
        char buf[64];
        keys_for_action(c.keys, -1, (action_t)a, " ", 4, buf, sizeof buf);
        if (!buf[0])
            fail_msg("action %s has no default key", action_table[a].name);
    }
    assert_int_equal(keys_lookup(c.keys, PANE_EVENTS, 'q'), ACT_QUIT);
    assert_int_equal(keys_lookup(c.keys, PANE_EVENTS, 'b'), ACT_BUILD);
    assert_int_equal(keys_lookup(c.keys, PANE_EVENTS, 'B'), ACT_AUTO_BUILD);
    assert_int_equal(keys_lookup(c.keys, PANE_EVENTS, ' '), ACT_PAUSE);
    assert_int_equal(keys_lookup(c.keys, PANE_EVENTS, KEYS_FN | KEY_BTAB), ACT_FOCUS_PREV);
    assert_int_equal(keys_lookup(c.keys, PANE_PORTS, 'o'), ACT_COPY_URL);
    assert_int_equal(keys_lookup(c.keys, PANE_EVENTS, 'o'), ACT_NONE);
    config_free(&c);
}

static void test_pane_binding_wins(void **state)
{
    ui_config_t c;
    config_init(&c);
    char err[128];
    assert_int_equal(keys_bind(c.keys, "events", "j", "page-down", err, sizeof err), 0);
    assert_int_equal(keys_lookup(c.keys, PANE_EVENTS, 'j'), ACT_PAGE_DOWN);
    assert_int_equal(keys_lookup(c.keys, PANE_ERRORS, 'j'), ACT_MOVE_DOWN);
    char buf[64];
    keys_for_action(c.keys, PANE_EVENTS, ACT_MOVE_DOWN, " ", 4, buf, sizeof buf);
    assert_string_equal(buf, "Down"); /* j is shadowed in events */
    assert_int_equal(keys_bind(c.keys, "generic", "q", "none", err, sizeof err), 0);
    assert_int_equal(keys_lookup(c.keys, PANE_EVENTS, 'q'), ACT_NONE);
    config_free(&c);
}

static void test_bind_errors(void **state)
{
    ui_config_t c;
    config_init(&c);
    char err[128];
    assert_int_equal(keys_bind(c.keys, "nowhere", "j", "quit", err, sizeof err), -1);
    assert_string_equal(err, "unknown scope 'nowhere' (generic or a pane name)");
    assert_int_equal(keys_bind(c.keys, "generic", "Hyper-j", "quit", err, sizeof err), -1);
    assert_string_equal(err, "unknown key 'Hyper-j'");
    assert_int_equal(keys_bind(c.keys, "generic", "j", "fly", err, sizeof err), -1);
    assert_string_equal(err, "unknown action 'fly'");
    config_free(&c);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_action_names_unique),
        cmocka_unit_test(test_key_names_round_trip),
        cmocka_unit_test(test_defaults_bind_every_action),
        cmocka_unit_test(test_pane_binding_wins),
        cmocka_unit_test(test_bind_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
