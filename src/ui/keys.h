/* Key names and the key map: which action a key does in which pane.
 *
 * Keys are data: the default bindings are a text in the config syntax
 * (keys_default_config), parsed by the same parser as the user's config, so
 * the help overlay and the bindings never drift; a pane's own defaults are
 * declared beside it (view_ops.keys) and bound in its scope after them. A binding is
 *     bind <scope> <key> <action>
 * where scope is "generic" or a pane name (pane bindings win over generic
 * ones), key a name from keys_parse() and action a name from actions.h ("none"
 * unbinds). Raw key codes exist only here and in input.c. */
#ifndef SKVIEW_UI_KEYS_H
#define SKVIEW_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include "ui/actions.h"
#include "ui/panes.h"

/* A key: a Unicode code point, or KEYS_FN | a curses KEY_* code. */
#define KEYS_FN 0x40000000
#define KEYS_SCOPE_GENERIC PANE__COUNT
#define KEYS_SCOPES (PANE__COUNT + 1)

typedef struct keymap keymap_t;

extern const char keys_default_config[];

keymap_t *keys_new(void);
void keys_free(keymap_t *km);

/* Key names: "j", "G", "/", "Space", "Tab", "S-Tab", "Enter", "Esc", "Up",
 * "Down", "Left", "Right", "PgUp", "PgDn", "Home", "End", "Backspace", "Del",
 * "F1".."F12", "C-a".."C-z". Returns -1 for an unknown name. */
int keys_parse(const char *name);
/* The canonical name of a key into buf. */
const char *keys_name(int key, char *buf, size_t len);
/* Scope from its name: 0..PANE__COUNT-1, KEYS_SCOPE_GENERIC, or -1. */
int keys_scope(const char *name);

/* Binds every pane's own default keys (view_ops.keys) in its scope. */
void keys_bind_panes(keymap_t *km);
/* The pane whose own default bindings hold action a (the Logs pane for
 * log-solo), or -1. */
int keys_pane_of(action_t a);
/* Applies one `bind` line's arguments; returns 0 or -1 with err filled. */
int keys_bind(keymap_t *km, const char *scope, const char *key, const char *action, char *err,
              size_t errlen);
/* The i-th binding of scope s, in the order bound (for the documents that
 * skview keys generates); false past the last. */
bool keys_binding(const keymap_t *km, int s, size_t i, int *key, action_t *a);
/* The action for key in the pane (its own bindings first, then generic). */
action_t keys_lookup(const keymap_t *km, int pane, int key);
/* The names of the keys doing action in scope (generic included), joined
 * by sep, "" if none; at most max keys. */
const char *keys_for_action(const keymap_t *km, int scope, action_t a, const char *sep, int max,
                            char *buf, size_t len);

#endif
