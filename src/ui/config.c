/* The config parser: one table of directives for config, bindings and themes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "core/xalloc.h"
#include "ui/config.h"

#define MAX_ARGS 16

typedef struct directive {
    const char *name;
    int min_args, max_args;
    bool in_theme;             /* allowed in a theme file */
    int (*apply)(ui_config_t *c, int flags, int argc, char **argv, char *err, size_t errlen);
} directive_t;

static int cfg_theme(ui_config_t *c, int flags, int argc, char **argv, char *err, size_t errlen)
{
    snprintf(c->theme, sizeof c->theme, "%s", argv[0]);
    return 0;
}

static int cfg_bind(ui_config_t *c, int flags, int argc, char **argv, char *err, size_t errlen)
{
    return keys_bind(c->keys, argv[0], argv[1], argv[2], err, errlen);
}

static int cfg_color(ui_config_t *c, int flags, int argc, char **argv, char *err, size_t errlen)
{
    if (flags & CONFIG_THEME_FILE)
        return theme_color_cmd(&c->styles, argc, argv, err, errlen);
    if (theme_color_cmd(&c->overrides, argc, argv, err, errlen))
        return -1;
    c->overridden[theme_role(argv[0])] = true;
    return 0;
}

static int cfg_history(ui_config_t *c, int flags, int argc, char **argv, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(argv[0], &end, 10);
    if (errno || *end || argv[0][0] == '-' || n < 100 || n > 100000000ull)
        return snprintf(err, errlen, "history-size must be a number from 100 to 100000000"), -1;
    c->history = (size_t)n;
    return 0;
}

static int cfg_notify(ui_config_t *c, int flags, int argc, char **argv, char *err, size_t errlen)
{
    if (!strcmp(argv[0], "on") || !strcmp(argv[0], "true"))
        c->notify = true;
    else if (!strcmp(argv[0], "off") || !strcmp(argv[0], "false"))
        c->notify = false;
    else
        return snprintf(err, errlen, "notify must be on or off"), -1;
    return 0;
}

static const directive_t directives[] = {
    {"theme", 1, 1, false, cfg_theme},
    {"bind", 3, 3, false, cfg_bind},
    {"color", 3, 3 + 6, true, cfg_color},
    {"history-size", 1, 1, false, cfg_history},
    {"notify", 1, 1, false, cfg_notify},
};

void config_init(ui_config_t *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->theme, sizeof c->theme, "default");
    c->keys = keys_new();
    theme_defaults(&c->styles);
    theme_defaults(&c->overrides);
    config_parse(c, keys_default_config, strlen(keys_default_config), "(default bindings)", 0,
                 NULL, NULL);
    keys_bind_panes(c->keys);
}

void config_free(ui_config_t *c)
{
    keys_free(c->keys);
    c->keys = NULL;
}

/* Splits line in place into words; returns their number or -1 if too many. */
static int split_words(char *line, char **argv)
{
    int argc = 0;
    for (char *p = line;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r')
            *p++ = 0;
        if (!*p)
            return argc;
        if (argc == MAX_ARGS)
            return -1;
        argv[argc++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r')
            p++;
    }
}

static void report_line(config_report_fn report, void *ctx, const char *file, int line,
                        const char *msg)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s:%d: %s", file, line, msg);
    if (report)
        report(ctx, buf);
}

/* Applies one line; 0 if fine or blank, -1 with err filled. */
static int apply_line(ui_config_t *c, char *line, int flags, char *err, size_t errlen)
{
    char *argv[MAX_ARGS];
    int argc = split_words(line, argv);
    if (argc < 0)
        return snprintf(err, errlen, "too many words"), -1;
    if (argc == 0 || argv[0][0] == '#')
        return 0;
    for (size_t i = 0; i < sizeof directives / sizeof directives[0]; i++) {
        const directive_t *d = &directives[i];
        if (strcmp(argv[0], d->name))
            continue;
        if ((flags & CONFIG_THEME_FILE) && !d->in_theme)
            return snprintf(err, errlen, "'%s' is not allowed in a theme", d->name), -1;
        if (argc - 1 < d->min_args || argc - 1 > d->max_args)
            return snprintf(err, errlen, "'%s' takes %d%s argument%s", d->name, d->min_args,
                            d->max_args > d->min_args ? " or more" : "",
                            d->min_args == 1 ? "" : "s"), -1;
        return d->apply(c, flags, argc - 1, argv + 1, err, errlen);
    }
    return snprintf(err, errlen, "unknown directive '%s'", argv[0]), -1;
}

int config_parse(ui_config_t *c, const char *text, size_t len, const char *file, int flags,
                 config_report_fn report, void *ctx)
{
    int bad = 0, lineno = 0;
    size_t i = 0;
    /* Editors on some systems start a UTF-8 file with a byte-order mark. */
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        lineno++;
        char *line = xmalloc(j - i + 1);
        memcpy(line, text + i, j - i);
        line[j - i] = 0;
        char err[512];
        if (strlen(line) != j - i) {
            report_line(report, ctx, file, lineno, "NUL byte in line");
            bad++;
        } else if (apply_line(c, line, flags, err, sizeof err)) {
            report_line(report, ctx, file, lineno, err);
            bad++;
        }
        free(line);
        i = j + 1;
    }
    return bad;
}

static void report_errno(config_report_fn report, void *ctx, const char *path, int err)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "%s: %s", path, strerror(err));
    if (report)
        report(ctx, msg);
}

/* The whole file (at most 1 MiB) into *text; errno on failure. */
static int read_all(FILE *f, char **text, size_t *len)
{
    struct stat st;
    *text = NULL;
    *len = 0;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode))
        return errno = EISDIR, -1;
    size_t cap = 0, n;
    char chunk[8192];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && *len < (1u << 20)) {
        if (*len + n > cap) {
            cap = (*len + n) * 2;
            *text = xrealloc(*text, cap);
        }
        memcpy(*text + *len, chunk, n);
        *len += n;
    }
    return ferror(f) ? -1 : 0;
}

int config_load_file(ui_config_t *c, const char *path, bool optional, int flags,
                     config_report_fn report, void *ctx)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (optional && errno == ENOENT)
            return 0;
        report_errno(report, ctx, path, errno);
        return -1;
    }
    char *text;
    size_t len;
    if (read_all(f, &text, &len)) {
        report_errno(report, ctx, path, errno);
        fclose(f);
        free(text);
        return -1;
    }
    fclose(f);
    int bad = config_parse(c, text ? text : "", len, path, flags, report, ctx);
    free(text);
    return bad;
}

const char *config_user_path(char *buf, size_t len)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (xdg && *xdg)
        snprintf(buf, len, "%s/skview/config", xdg);
    else if (home && *home)
        snprintf(buf, len, "%s/.config/skview/config", home);
    else
        buf[0] = 0;
    return buf;
}

int config_load_theme(ui_config_t *c, config_report_fn report, void *ctx)
{
    char path[1024];
    int bad = 0;
    theme_defaults(&c->styles);
    if (theme_find(c->theme, path, sizeof path)) {
        char msg[1100];
        snprintf(msg, sizeof msg, "theme '%s' not found; using the default", c->theme);
        if (report)
            report(ctx, msg);
        bad++;
    } else if (path[0]) {
        int r = config_load_file(c, path, false, CONFIG_THEME_FILE, report, ctx);
        bad = r < 0 ? -1 : bad + r;
    }
    for (int r = 0; r < ROLE__COUNT; r++)
        if (c->overridden[r])
            c->styles.style[r] = c->overrides.style[r];
    return bad;
}
