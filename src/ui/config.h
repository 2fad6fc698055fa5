/* The viewer's configuration: $XDG_CONFIG_HOME/skview/config (fallback
 * ~/.config/skview/config), the default bindings and theme files all use one
 * line syntax, parsed here from a table of directives:
 *     theme NAME|PATH
 *     bind <scope> <key> <action>
 *     color <role> <fg> <bg> [attrs...]
 *     history-size N
 *     notify on|off
 * '#' starts a comment line. A bad line is reported as "FILE:LINE: what" and
 * skipped; the rest still applies. A UTF-8 byte-order mark at the start of
 * the text is ignored. */
#ifndef SKVIEW_UI_CONFIG_H
#define SKVIEW_UI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include "ui/keys.h"
#include "ui/theme.h"

typedef struct ui_config {
    char theme[512];           /* name or path; "default" */
    size_t history;            /* 0 = the model's default */
    bool notify;
    keymap_t *keys;
    theme_t styles;            /* the theme's styles, overrides applied */
    theme_t overrides;         /* `color` lines of the config */
    bool overridden[ROLE__COUNT];
} ui_config_t;

typedef void (*config_report_fn)(void *ctx, const char *msg);

enum config_flags {
    CONFIG_THEME_FILE = 1,     /* only `color` lines allowed, into styles */
};

/* Defaults: the default bindings parsed, the default theme's styles. */
void config_init(ui_config_t *c);
void config_free(ui_config_t *c);
/* Parses text (named file in messages). Returns the number of bad lines. */
int config_parse(ui_config_t *c, const char *text, size_t len, const char *file, int flags,
                 config_report_fn report, void *ctx);
/* Reads and parses a file; a missing file is not an error when optional.
 * Returns the number of bad lines, or -1 (reported as "PATH: reason") when
 * the file cannot be read: missing, a directory, no permission. */
int config_load_file(ui_config_t *c, const char *path, bool optional, int flags,
                     config_report_fn report, void *ctx);
/* The user's config path into buf ("" when HOME is unset too). */
const char *config_user_path(char *buf, size_t len);
/* Loads the theme named in c->theme into c->styles, then reapplies the
 * config's `color` overrides. Returns the number of problems (a theme not
 * found is one; the default styles stay), or -1 when the theme's file was
 * found but cannot be read. */
int config_load_theme(ui_config_t *c, config_report_fn report, void *ctx);

#endif
