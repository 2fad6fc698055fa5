/* Key names, the key map and the default bindings. */
#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "core/xalloc.h"
#include "ui/keys.h"
#include "ui/view.h"

/* The default bindings, in the config syntax (see keys.h). */
const char keys_default_config[] =
    "# skview default key bindings; a user config can rebind any of them.\n"
    "bind generic q quit\n"
    "bind generic ? help\n"
    "bind generic F1 help\n"
    "bind generic Enter details\n"
    "bind generic / filter\n"
    "bind generic n next-match\n"
    "bind generic N prev-match\n"
    "bind generic f follow\n"
    "bind generic C-l redraw\n"
    "bind generic Tab focus-next\n"
    "bind generic S-Tab focus-prev\n"
/* Each pane's focus key, from its line in UI_PANES. */
#define KEY_FOCUS_(C, id, name, title, key, ...) "bind generic " key " focus-" #name "\n"
    UI_PANES(KEY_FOCUS_, _)
#undef KEY_FOCUS_
    "bind generic j move-down\n"
    "bind generic Down move-down\n"
    "bind generic k move-up\n"
    "bind generic Up move-up\n"
    "bind generic PgUp page-up\n"
    "bind generic C-b page-up\n"
    "bind generic PgDn page-down\n"
    "bind generic C-f page-down\n"
    "bind generic g move-first\n"
    "bind generic Home move-first\n"
    "bind generic G move-last\n"
    "bind generic End move-last\n"
    "bind generic b build\n"
    "bind generic s sync\n"
    "bind generic d deploy\n"
    "bind generic B toggle-auto-build\n"
    "bind generic S toggle-auto-sync\n"
    "bind generic D toggle-auto-deploy\n"
    "bind generic Space pause\n"
    "bind generic + faster\n"
    "bind generic - slower\n"
    "bind generic . step\n"
    "bind generic ] next-iteration\n"
    "bind generic [ prev-iteration\n"
    "bind generic e next-error\n"
    "bind generic y copy\n"
    "bind generic l pick-build\n"
    "bind generic r refresh\n"
    "bind generic z zoom\n"
    "bind generic J log-jump\n";

typedef struct binding {
    int key;
    action_t action;
} binding_t;

struct keymap {
    binding_t *b[KEYS_SCOPES];
    size_t n[KEYS_SCOPES], cap[KEYS_SCOPES];
};

static const struct {
    const char *name;
    int key;
} named_keys[] = {
    {"Space", ' '},
    {"Tab", '\t'},
    {"S-Tab", KEYS_FN | KEY_BTAB},
    {"Enter", '\n'},
    {"Esc", 27},
    {"Up", KEYS_FN | KEY_UP},
    {"Down", KEYS_FN | KEY_DOWN},
    {"Left", KEYS_FN | KEY_LEFT},
    {"Right", KEYS_FN | KEY_RIGHT},
    {"PgUp", KEYS_FN | KEY_PPAGE},
    {"PgDn", KEYS_FN | KEY_NPAGE},
    {"Home", KEYS_FN | KEY_HOME},
    {"End", KEYS_FN | KEY_END},
    {"Backspace", KEYS_FN | KEY_BACKSPACE},
    {"Del", KEYS_FN | KEY_DC},
    {"Ins", KEYS_FN | KEY_IC},
};
#define N_NAMED (sizeof named_keys / sizeof named_keys[0])

keymap_t *keys_new(void)
{
    return xcalloc(1, sizeof(keymap_t));
}

void keys_free(keymap_t *km)
{
    if (!km)
        return;
    for (int s = 0; s < KEYS_SCOPES; s++)
        free(km->b[s]);
    free(km);
}

/* One UTF-8 character making up the whole name, or -1. */
static int parse_char(const char *name)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    wchar_t wc;
    size_t len = strlen(name);
    size_t used = mbrtowc(&wc, name, len, &st);
    if (used == 0 || used > len || used != len || wc < 0x20 || wc == 0x7f)
        return -1;
    return (int)wc;
}

int keys_parse(const char *name)
{
    for (size_t i = 0; i < N_NAMED; i++)
        if (!strcmp(name, named_keys[i].name))
            return named_keys[i].key;
    if (name[0] == 'C' && name[1] == '-' && name[2] >= 'a' && name[2] <= 'z' && !name[3])
        return name[2] - 'a' + 1;
    if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
        char *end;
        long n = strtol(name + 1, &end, 10);
        if (!*end && n >= 1 && n <= 12)
            return KEYS_FN | KEY_F((int)n);
    }
    if (!name[0])
        return -1;
    if (!name[1])
        return (unsigned char)name[0] >= 0x20 && name[0] != 0x7f ? (unsigned char)name[0] : -1;
    return parse_char(name);
}

const char *keys_name(int key, char *buf, size_t len)
{
    for (size_t i = 0; i < N_NAMED; i++)
        if (named_keys[i].key == key)
            return snprintf(buf, len, "%s", named_keys[i].name), buf;
    if (key >= 1 && key <= 26)
        snprintf(buf, len, "C-%c", 'a' + key - 1);
    else if ((key & KEYS_FN) && (key & ~KEYS_FN) >= KEY_F(1) && (key & ~KEYS_FN) <= KEY_F(12))
        snprintf(buf, len, "F%d", (key & ~KEYS_FN) - KEY_F0);
    else if (key & KEYS_FN)
        snprintf(buf, len, "key%d", key & ~KEYS_FN);
    else {
        char mb[MB_LEN_MAX + 1];
        mbstate_t st;
        memset(&st, 0, sizeof st);
        size_t n = wcrtomb(mb, (wchar_t)key, &st);
        if (n == (size_t)-1)
            snprintf(buf, len, "U+%04X", key);
        else
            snprintf(buf, len, "%.*s", (int)n, mb);
    }
    return buf;
}

int keys_scope(const char *name)
{
    if (!strcmp(name, "generic"))
        return KEYS_SCOPE_GENERIC;
    return pane_by_name(name);
}

void keys_bind_panes(keymap_t *km)
{
    char err[128];
    for (int p = 0; p < PANE__COUNT; p++)
        for (const pane_key_t *k = pane_table[p].ops->keys; k && k->key; k++)
            if (keys_bind(km, pane_name((pane_id_t)p), k->key, action_name(k->action), err,
                          sizeof err))
                fprintf(stderr, "skview: the %s pane's binding %s: %s\n", pane_name((pane_id_t)p),
                        k->key, err);
}

int keys_pane_of(action_t a)
{
    for (int p = 0; p < PANE__COUNT; p++)
        for (const pane_key_t *k = pane_table[p].ops->keys; k && k->key; k++)
            if (k->action == a)
                return p;
    return -1;
}

/* Sets or replaces the binding of key in scope s. */
static void bind_set(keymap_t *km, int s, int key, action_t a)
{
    for (size_t i = 0; i < km->n[s]; i++) {
        if (km->b[s][i].key == key) {
            km->b[s][i].action = a;
            return;
        }
    }
    if (km->n[s] == km->cap[s]) {
        km->cap[s] = km->cap[s] ? km->cap[s] * 2 : 32;
        km->b[s] = xrealloc(km->b[s], km->cap[s] * sizeof(binding_t));
    }
    km->b[s][km->n[s]++] = (binding_t){key, a};
}

int keys_bind(keymap_t *km, const char *scope, const char *key, const char *action, char *err,
              size_t errlen)
{
    int s = keys_scope(scope);
    if (s < 0)
        return snprintf(err, errlen, "unknown scope '%s' (generic or a pane name)", scope), -1;
    int k = keys_parse(key);
    if (k < 0)
        return snprintf(err, errlen, "unknown key '%s'", key), -1;
    int found;
    action_t a = action_by_name(action, &found);
    if (!found)
        return snprintf(err, errlen, "unknown action '%s'", action), -1;
    bind_set(km, s, k, a);
    return 0;
}

/* The binding of key in scope s, or NULL. */
static const binding_t *bind_get(const keymap_t *km, int s, int key)
{
    for (size_t i = 0; i < km->n[s]; i++)
        if (km->b[s][i].key == key)
            return &km->b[s][i];
    return NULL;
}

bool keys_binding(const keymap_t *km, int s, size_t i, int *key, action_t *a)
{
    if (s < 0 || s >= KEYS_SCOPES || i >= km->n[s])
        return false;
    *key = km->b[s][i].key;
    *a = km->b[s][i].action;
    return true;
}

action_t keys_lookup(const keymap_t *km, int pane, int key)
{
    const binding_t *b = NULL;
    if (pane >= 0 && pane < PANE__COUNT)
        b = bind_get(km, pane, key);
    if (!b)
        b = bind_get(km, KEYS_SCOPE_GENERIC, key);
    return b ? b->action : ACT_NONE;
}

/* Appends the keys of scope s doing action a, skipping those that the pane
 * scope `shadow` rebinds (they do something else there). */
static int collect(const keymap_t *km, int s, int shadow, action_t a, const char *sep, int max,
                   int n, char *buf, size_t len)
{
    for (size_t i = 0; i < km->n[s] && n < max; i++) {
        if (km->b[s][i].action != a)
            continue;
        if (shadow >= 0 && shadow < PANE__COUNT && bind_get(km, shadow, km->b[s][i].key))
            continue;
        char name[32];
        keys_name(km->b[s][i].key, name, sizeof name);
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", n ? sep : "", name);
        n++;
    }
    return n;
}

const char *keys_for_action(const keymap_t *km, int scope, action_t a, const char *sep, int max,
                            char *buf, size_t len)
{
    buf[0] = 0;
    int n = 0;
    if (scope >= 0 && scope < PANE__COUNT)
        n = collect(km, scope, -1, a, sep, max, n, buf, len);
    if (scope < 0)
        for (int s = 0; s < PANE__COUNT; s++)
            n = collect(km, s, -1, a, sep, max, n, buf, len);
    collect(km, KEYS_SCOPE_GENERIC, scope, a, sep, max, n, buf, len);
    return buf;
}
