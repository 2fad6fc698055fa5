/* The pane registry (panes.h): each line yields a pane with its own ops, a
 * focus action named after it, a default focus key bound to that action,
 * and a place in the layout's stacks. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "ui/config.h"
#include "ui/keys.h"
#include "ui/view.h"

static void test_every_pane_has_ops_and_name(void **state)
{
    for (int p = 0; p < PANE__COUNT; p++) {
        const pane_info_t *pi = &pane_table[p];
        assert_non_null(pi->ops);
        /* Rows come from count or from the engine's row cache. */
        bool cached = pi->ops->row_size && pi->ops->build_rows;
        if (!pi->ops->count && !cached)
            fail_msg("pane %s has neither count nor a row cache", pi->name);
        if (pi->ops->free_private && !pi->ops->private_size)
            fail_msg("pane %s frees a private block it has not got", pi->name);
        assert_non_null(pi->ops->draw_row);
        assert_non_null(pi->ops->row_text);
        assert_int_equal(pane_by_name(pi->name), p);
        for (int q = p + 1; q < PANE__COUNT; q++) {
            if (pane_table[q].ops == pi->ops)
                fail_msg("panes %s and %s share ops", pi->name, pane_table[q].name);
            if (!strcmp(pane_table[q].key, pi->key))
                fail_msg("panes %s and %s share key %s", pi->name, pane_table[q].name, pi->key);
        }
    }
    assert_int_equal(pane_by_name("nowhere"), -1);
}

/* The focus action of a pane is "focus-NAME", focuses that pane and is what
 * the pane's key does by default; the title shows the same key. */
static void test_focus_action_and_key(void **state)
{
    ui_config_t c;
    config_init(&c);
    int focus_actions = 0;
    for (int a = 0; a < ACT__COUNT; a++) {
        int p = action_focus_pane((action_t)a);
        if (p < 0)
            continue;
        focus_actions++;
        char want[64];
        snprintf(want, sizeof want, "focus-%s", pane_table[p].name);
        assert_string_equal(action_name((action_t)a), want);
        int key = keys_parse(pane_table[p].key);
        assert_true(key >= 0);
        assert_int_equal(keys_lookup(c.keys, PANE_ARTIFACTS, key), a);
    }
    assert_int_equal(focus_actions, PANE__COUNT);
    config_free(&c);
}

/* Within a group and column no two panes share a rank, so the stack order
 * is the registry's. */
static void test_ranks_distinct(void **state)
{
    for (int p = 0; p < PANE__COUNT; p++)
        for (int q = p + 1; q < PANE__COUNT; q++)
            if (pane_table[p].group == pane_table[q].group &&
                pane_table[p].layout->rank == pane_table[q].layout->rank)
                fail_msg("panes %s and %s share rank %d", pane_table[p].name,
                         pane_table[q].name, pane_table[p].layout->rank);
}

/* A pane's own bindings (view_ops.keys) do their action in its scope and
 * nowhere else, a user's bind line still overrides them, and each names
 * the pane where its action works (input.c says so elsewhere). */
static void test_pane_keys_in_their_scope(void **state)
{
    ui_config_t c;
    config_init(&c);
    int bound = 0;
    for (int p = 0; p < PANE__COUNT; p++) {
        for (const pane_key_t *k = pane_table[p].ops->keys; k && k->key; k++, bound++) {
            int key = keys_parse(k->key);
            assert_true(key >= 0);
            assert_int_equal(keys_lookup(c.keys, p, key), k->action);
            assert_int_equal(keys_pane_of(k->action), p);
            for (int q = 0; q < PANE__COUNT; q++)
                if (q != p && keys_lookup(c.keys, q, key) == k->action)
                    fail_msg("%s's key %s does %s in %s too", pane_table[p].name, k->key,
                             action_name(k->action), pane_table[q].name);
        }
    }
    assert_int_equal(keys_lookup(c.keys, PANE_LOGS, 's'), ACT_LOG_SOLO);
    assert_int_equal(keys_lookup(c.keys, PANE_ARTIFACTS, 's'), ACT_SYNC);
    assert_int_equal(keys_pane_of(ACT_SYNC), -1);
    char err[128];
    assert_int_equal(keys_bind(c.keys, "logs", "s", "log-mute", err, sizeof err), 0);
    assert_int_equal(keys_lookup(c.keys, PANE_LOGS, 's'), ACT_LOG_MUTE);
    assert_true(bound >= 17); /* Ports 1, Build 1, Cache 3, Logs 12 */
    config_free(&c);
}

/* Layout wishes are the pane's own: one pane at most is big_only (the
 * layout places one), and it is a history pane. */
static void test_layout_wishes(void **state)
{
    int big = 0;
    for (int p = 0; p < PANE__COUNT; p++) {
        const pane_layout_t *l = pane_table[p].layout;
        assert_ptr_equal(l, &pane_table[p].ops->layout);
        if (l->big_only)
            big++, assert_true(l->history);
    }
    assert_int_equal(big, 1);
    assert_true(pane_table[PANE_LOGS].layout->big_only);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_pane_has_ops_and_name),
        cmocka_unit_test(test_focus_action_and_key),
        cmocka_unit_test(test_ranks_distinct),
        cmocka_unit_test(test_pane_keys_in_their_scope),
        cmocka_unit_test(test_layout_wishes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
