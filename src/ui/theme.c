/* Theme styles, the colour-name parser, theme lookup and the only init_pair. */
#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ui/theme.h"

static const theme_style_t role_defaults[ROLE__COUNT] = {
#define X(id, name, fg, bg, attrs, mono) [ROLE_##id] = {fg, bg, attrs},
    UI_ROLES(X)
#undef X
};
static const unsigned role_mono[ROLE__COUNT] = {
#define X(id, name, fg, bg, attrs, mono) [ROLE_##id] = mono,
    UI_ROLES(X)
#undef X
};
static const char *const role_names[ROLE__COUNT] = {
#define X(id, name, fg, bg, attrs, mono) [ROLE_##id] = name,
    UI_ROLES(X)
#undef X
};

/* What theme_attr() returns, computed once by theme_apply(). */
static unsigned long role_attrs[ROLE__COUNT];
/* For theme_sgr_attr: the mode and styles applied, and the colour pairs
 * made on demand after the roles' (pair ROLE__COUNT + 1 on). */
static theme_mode_t applied_mode = THEME_MONO;
static theme_style_t applied[ROLE__COUNT];
#define SGR_PAIRS_END 256 /* COLOR_PAIR() in an attr_t holds 8 bits */
static struct { short fg, bg; } sgr_pairs[SGR_PAIRS_END];
static int n_sgr_pairs;

void theme_defaults(theme_t *t)
{
    memcpy(t->style, role_defaults, sizeof role_defaults);
}

const char *theme_role_name(role_t r)
{
    return r < ROLE__COUNT ? role_names[r] : "?";
}

int theme_role(const char *name)
{
    for (int r = 0; r < ROLE__COUNT; r++)
        if (!strcmp(role_names[r], name))
            return r;
    return -1;
}

static const char *const color_names[8] = {"black", "red",     "green", "yellow",
                                           "blue",  "magenta", "cyan",  "white"};

int theme_parse_color(const char *s)
{
    if (!strcmp(s, "default") || !strcmp(s, "-1"))
        return -1;
    for (int i = 0; i < 8; i++) {
        if (!strcmp(s, color_names[i]))
            return i;
        if (!strncmp(s, "bright-", 7) && !strcmp(s + 7, color_names[i]))
            return i + 8;
    }
    if (!strncmp(s, "color", 5))
        s += 5;
    char *end;
    long n = strtol(s, &end, 10);
    if (*s && !*end && n >= 0 && n <= 255)
        return (int)n;
    return -2;
}

int theme_parse_attr(const char *s)
{
    static const struct {
        const char *name;
        int bit;
    } attrs[] = {{"normal", 0},   {"bold", TA_BOLD},     {"dim", TA_DIM},
                 {"underline", TA_UNDERLINE}, {"reverse", TA_REVERSE},
                 {"italic", TA_ITALIC}, {"standout", TA_STANDOUT}};
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
        if (!strcmp(s, attrs[i].name))
            return attrs[i].bit;
    return -1;
}

int theme_color_cmd(theme_t *t, int argc, char **argv, char *err, size_t errlen)
{
    if (argc < 3)
        return snprintf(err, errlen, "color needs: color <role> <fg> <bg> [attrs]"), -1;
    int r = theme_role(argv[0]);
    if (r < 0)
        return snprintf(err, errlen, "unknown colour role '%s'", argv[0]), -1;
    int fg = theme_parse_color(argv[1]), bg = theme_parse_color(argv[2]);
    if (fg == -2 || bg == -2)
        return snprintf(err, errlen, "unknown colour '%s'", fg == -2 ? argv[1] : argv[2]), -1;
    unsigned attrs = 0;
    for (int i = 3; i < argc; i++) {
        int a = theme_parse_attr(argv[i]);
        if (a < 0)
            return snprintf(err, errlen, "unknown attribute '%s'", argv[i]), -1;
        attrs |= (unsigned)a;
    }
    t->style[r] = (theme_style_t){(short)fg, (short)bg, attrs};
    return 0;
}

/* ---- finding a theme file ------------------------------------------------- */

static int try_dir(const char *dir, const char *name, char *path, size_t len)
{
    snprintf(path, len, "%s/%s.theme", dir, name);
    return access(path, R_OK) == 0 ? 0 : -1;
}

/* The folder of the running binary, for themes next to an in-tree build. */
static int exe_dir(char *buf, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", buf, len - 1);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    char *slash = strrchr(buf, '/');
    if (!slash)
        return -1;
    *slash = 0;
    return 0;
}

int theme_find(const char *name, char *path, size_t len)
{
    size_t nl = strlen(name);
    if (strchr(name, '/') || (nl > 6 && !strcmp(name + nl - 6, ".theme"))) {
        snprintf(path, len, "%s", name);
        return access(path, R_OK) == 0 ? 0 : -1;
    }
    char dir[PATH_MAX];
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    const char *env = getenv("SKVIEW_THEME_DIR");
    if (xdg && *xdg && (snprintf(dir, sizeof dir, "%s/skview/themes", xdg), 1) &&
        !try_dir(dir, name, path, len))
        return 0;
    if ((!xdg || !*xdg) && home && (snprintf(dir, sizeof dir, "%s/.config/skview/themes", home), 1) &&
        !try_dir(dir, name, path, len))
        return 0;
    if (env && *env && !try_dir(env, name, path, len))
        return 0;
    char exe[PATH_MAX - 64];
    if (!exe_dir(exe, sizeof exe)) {
        static const char *const rel[] = {"../share/skview/themes", "../../themes", "../themes"};
        for (size_t i = 0; i < 3; i++) {
            snprintf(dir, sizeof dir, "%s/%s", exe, rel[i]);
            if (!try_dir(dir, name, path, len))
                return 0;
        }
    }
    if (!try_dir("/usr/local/share/skview/themes", name, path, len) ||
        !try_dir("/usr/share/skview/themes", name, path, len))
        return 0;
    if (!strcmp(name, "default")) {
        path[0] = 0;
        return 0;
    }
    return -1;
}

/* ---- curses ------------------------------------------------------------- */

theme_mode_t theme_detect_mode(void)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return THEME_MONO;
    return has_colors() ? THEME_COLOR : THEME_MONO;
}

static attr_t curses_attrs(unsigned a)
{
    attr_t r = A_NORMAL;
    if (a & TA_BOLD) r |= A_BOLD;
    if (a & TA_DIM) r |= A_DIM;
    if (a & TA_UNDERLINE) r |= A_UNDERLINE;
    if (a & TA_REVERSE) r |= A_REVERSE;
    if (a & TA_ITALIC) r |= A_ITALIC;
    if (a & TA_STANDOUT) r |= A_STANDOUT;
    return r;
}

/* One of the eight ANSI colours for c (c < 0 stays). */
static short fold8(short c)
{
    if (c < 8)
        return c;
    if (c < 16)
        return (short)(c - 8);
    int r, g, b;
    if (c >= 232) {
        r = g = b = (c - 232) > 11;
    } else {
        int v = c - 16;
        r = v / 36 >= 3, g = (v / 6) % 6 >= 3, b = v % 6 >= 3;
    }
    return (short)(r | g << 1 | b << 2);
}

/* A colour the terminal can show: the xterm cube and greys fold onto the
 * eight ANSI colours, bright ones onto their base, when COLORS is small. */
static short fit_color(short c)
{
    return c < 0 || c < COLORS ? c : fold8(c);
}

void theme_apply(const theme_t *t, theme_mode_t mode)
{
    applied_mode = mode;
    memcpy(applied, t->style, sizeof applied);
    n_sgr_pairs = 0;
    if (mode == THEME_COLOR) {
        start_color();
        use_default_colors();
    }
    for (int r = 0; r < ROLE__COUNT; r++) {
        if (mode == THEME_MONO) {
            role_attrs[r] = curses_attrs(role_mono[r]);
            continue;
        }
        const theme_style_t *s = &t->style[r];
        short pair = (short)(r + 1);
        if (pair < COLOR_PAIRS) {
            init_pair(pair, fit_color(s->fg), fit_color(s->bg));
            role_attrs[r] = curses_attrs(s->attrs) | COLOR_PAIR(pair);
        } else {
            role_attrs[r] = curses_attrs(s->attrs);
        }
    }
}

unsigned long theme_attr(role_t r)
{
    return r < ROLE__COUNT ? role_attrs[r] : 0;
}

/* The pair for (fg, bg), made if new and there is room; -1 when full. */
static int sgr_pair(short fg, short bg)
{
    int base = ROLE__COUNT + 1, end = COLOR_PAIRS < SGR_PAIRS_END ? COLOR_PAIRS : SGR_PAIRS_END;
    for (int i = 0; i < n_sgr_pairs; i++)
        if (sgr_pairs[i].fg == fg && sgr_pairs[i].bg == bg)
            return base + i;
    if (base + n_sgr_pairs >= end)
        return -1;
    if (init_pair((short)(base + n_sgr_pairs), fg, bg) == ERR)
        return -1;
    sgr_pairs[n_sgr_pairs].fg = fg;
    sgr_pairs[n_sgr_pairs].bg = bg;
    return base + n_sgr_pairs++;
}

/* An SGR colour as the theme shows it: 0-15 through the ANSI roles. */
static short sgr_color(int c, short base, unsigned *attrs)
{
    if (c < 0)
        return base;
    if (c < 16) {
        const theme_style_t *s = &applied[ROLE_ANSI_0 + c];
        *attrs |= s->attrs;
        return s->fg < 0 ? base : s->fg;
    }
    return (short)(c > 255 ? 255 : c);
}

unsigned long theme_sgr_attr(role_t base, int fg, int bg, unsigned attrs)
{
    if (base >= ROLE__COUNT)
        base = ROLE_DEFAULT;
    if (applied_mode == THEME_MONO || (fg < 0 && bg < 0))
        return role_attrs[base] | curses_attrs(attrs);
    short f = fit_color(sgr_color(fg, applied[base].fg, &attrs));
    short b = fit_color(sgr_color(bg, applied[base].bg, &attrs));
    int pair = sgr_pair(f, b);
    if (pair < 0)
        pair = sgr_pair(fold8(f), fold8(b));
    unsigned long a = role_attrs[base] | curses_attrs(attrs);
    return pair < 0 ? a : (a & ~(unsigned long)A_COLOR) | COLOR_PAIR(pair);
}
