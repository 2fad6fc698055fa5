/* Themes: a style (fg, bg, attributes) per colour role, loaded from
 * `color <role> <fg> <bg> [attrs...]` lines (the theme files and the config).
 * theme.c is the only file that calls init_pair. */
#ifndef SKVIEW_UI_THEME_H
#define SKVIEW_UI_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include "ui/roles.h"

typedef struct theme_style {
    short fg, bg;      /* -1 default, 0..255 */
    unsigned attrs;    /* TA_* */
} theme_style_t;

typedef struct theme {
    theme_style_t style[ROLE__COUNT];
} theme_t;

typedef enum theme_mode {
    THEME_MONO,        /* NO_COLOR, no colour support, or the monochrome theme */
    THEME_COLOR,
} theme_mode_t;

void theme_defaults(theme_t *t);
const char *theme_role_name(role_t r);
/* -1 for an unknown role. */
int theme_role(const char *name);
/* "default", "black".."white", "bright-black".."bright-white", "colorN", or
 * N (0-255). Returns -1 for default, -2 when invalid. */
int theme_parse_color(const char *s);
/* "bold", "dim", "underline", "reverse", "italic", "standout", "normal";
 * -1 when invalid. */
int theme_parse_attr(const char *s);
/* One `color` line's arguments (argv[0] is the role). 0, or -1 with err. */
int theme_color_cmd(theme_t *t, int argc, char **argv, char *err, size_t errlen);

/* Where a theme name is looked for: $XDG_CONFIG_HOME/skview/themes (or
 * ~/.config/skview/themes), $SKVIEW_THEME_DIR, the installed share folder and
 * themes/ next to an in-tree build. A NAME with a '/' or ending in ".theme" is
 * a path. Fills path; returns 0, or -1 when not found. "default" always
 * resolves (to the built-in styles when no file is found: path ""). */
int theme_find(const char *name, char *path, size_t len);

/* Curses side: colour mode from NO_COLOR and the terminal, pairs, attributes. */
theme_mode_t theme_detect_mode(void);
void theme_apply(const theme_t *t, theme_mode_t mode);
/* The curses attributes (colour pair included) for a role, as an int so that
 * callers need not include curses.h. */
unsigned long theme_attr(role_t r);
/* The curses attributes for text styled by SGR sequences (core/sgr.h) on
 * top of role base: fg/bg -1 keep the base's colours, 0-15 are the ANSI
 * roles' colours, 16-255 the xterm colours (folded onto what the terminal
 * has); attrs are TA_* bits added to the base's. Colour pairs beyond the
 * roles' are made on demand while there are free ones (then the nearest of
 * the 16 colours is used); monochrome gets the attributes alone. */
unsigned long theme_sgr_attr(role_t base, int fg, int bg, unsigned attrs);

#endif
