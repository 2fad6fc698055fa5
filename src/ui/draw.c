/* Drawing primitives; every string is made safe by textsafe() first. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "core/textsafe.h"
#include "ui/draw.h"
#include "ui/theme.h"

static const char *const glyph_utf8[GLYPH__COUNT] = {
#define X(id, u, a) [GLYPH_##id] = u,
    UI_GLYPHS(X)
#undef X
};
static const char *const glyph_ascii[GLYPH__COUNT] = {
#define X(id, u, a) [GLYPH_##id] = a,
    UI_GLYPHS(X)
#undef X
};

const char *draw_glyph(const pane_ctx_t *c, glyph_id_t g)
{
    return c->ascii ? glyph_ascii[g] : glyph_utf8[g];
}

const char *draw_spinner(const pane_ctx_t *c, unsigned t)
{
    static const char *const braille[] = {"\xE2\xA0\x8B", "\xE2\xA0\x99", "\xE2\xA0\xB9",
                                          "\xE2\xA0\xB8", "\xE2\xA0\xBC", "\xE2\xA0\xB4",
                                          "\xE2\xA0\xA6", "\xE2\xA0\xA7", "\xE2\xA0\x87",
                                          "\xE2\xA0\x8F"};
    static const char *const ascii[] = {"|", "/", "-", "\\"};
    return c->ascii ? ascii[t % 4] : braille[t % 10];
}

const char *draw_spark(const pane_ctx_t *c, int level)
{
    static const char *const blocks[] = {"\xE2\x96\x81", "\xE2\x96\x82", "\xE2\x96\x83",
                                         "\xE2\x96\x84", "\xE2\x96\x85", "\xE2\x96\x86",
                                         "\xE2\x96\x87", "\xE2\x96\x88"};
    static const char *const ascii[] = {"_", "_", ".", ".", "-", "-", "=", "#"};
    level = level < 0 ? 0 : level > 7 ? 7 : level;
    return c->ascii ? ascii[level] : blocks[level];
}

/* Puts already-safe UTF-8 on the screen. */
static void put(int y, int x, role_t role, const char *s, size_t n)
{
    attrset((attr_t)theme_attr(role));
    mvaddnstr(y, x, s, (int)n);
}

int draw_textn(const pane_ctx_t *c, int y, int x, int w, role_t role, const char *s, size_t n)
{
    if (w <= 0 || y < 0 || y >= c->rows || x >= c->cols)
        return 0;
    if (x + w > c->cols)
        w = c->cols - x;
    sb_reset(c->scratch);
    int cols = textsafe(c->scratch, s, n, w, pane_text_flags(c));
    if (c->scratch->len)
        put(y, x, role, c->scratch->data, c->scratch->len);
    return cols;
}

int draw_text(const pane_ctx_t *c, int y, int x, int w, role_t role, const char *s)
{
    return draw_textn(c, y, x, w, role, s ? s : "", s ? strlen(s) : 0);
}

int draw_fmt(const pane_ctx_t *c, int y, int x, int w, role_t role, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return draw_text(c, y, x, w, role, buf);
}

int draw_width(const pane_ctx_t *c, const char *s)
{
    return textsafe_width(s, strlen(s), pane_text_flags(c));
}

int draw_right(const pane_ctx_t *c, int y, int x, int w, role_t role, const char *s)
{
    int sw = draw_width(c, s);
    if (sw > w)
        sw = w;
    return draw_text(c, y, x + w - sw, sw, role, s);
}

void draw_fill(const pane_ctx_t *c, int y, int x, int w, role_t role)
{
    if (y < 0 || y >= c->rows || w <= 0)
        return;
    if (x + w > c->cols)
        w = c->cols - x;
    attrset((attr_t)theme_attr(role));
    mvhline(y, x, ' ', w);
}

void draw_repeat(const pane_ctx_t *c, int y, int x, int n, role_t role, glyph_id_t g)
{
    if (y < 0 || y >= c->rows || n <= 0)
        return;
    if (x + n > c->cols)
        n = c->cols - x;
    const char *s = draw_glyph(c, g);
    size_t len = strlen(s);
    char buf[512];
    attrset((attr_t)theme_attr(role));
    move(y, x);
    while (n > 0) {
        int k = 0;
        size_t used = 0;
        while (k < n && used + len < sizeof buf) {
            memcpy(buf + used, s, len);
            used += len;
            k++;
        }
        addnstr(buf, (int)used);
        n -= k;
    }
}

void draw_box(const pane_ctx_t *c, int y, int x, int h, int w, role_t role, const char *title)
{
    if (h < 2 || w < 2)
        return;
    for (int i = 1; i < h - 1; i++) {
        draw_fill(c, y + i, x, w, ROLE_POPUP);
        draw_text(c, y + i, x, 1, role, draw_glyph(c, GLYPH_VLINE));
        draw_text(c, y + i, x + w - 1, 1, role, draw_glyph(c, GLYPH_VLINE));
    }
    draw_text(c, y, x, 1, role, draw_glyph(c, GLYPH_TL));
    draw_repeat(c, y, x + 1, w - 2, role, GLYPH_HLINE);
    draw_text(c, y, x + w - 1, 1, role, draw_glyph(c, GLYPH_TR));
    draw_text(c, y + h - 1, x, 1, role, draw_glyph(c, GLYPH_BL));
    draw_repeat(c, y + h - 1, x + 1, w - 2, role, GLYPH_HLINE);
    draw_text(c, y + h - 1, x + w - 1, 1, role, draw_glyph(c, GLYPH_BR));
    if (title && *title) {
        char t[256];
        snprintf(t, sizeof t, " %s ", title);
        draw_text(c, y, x + 2, w - 4, role, t);
    }
}

void draw_duration(char *buf, size_t len, int64_t ns)
{
    if (ns < 0)
        ns = 0;
    int64_t ms = ns / 1000000;
    if (ms < 1000)
        snprintf(buf, len, "%dms", (int)ms);
    else if (ms < 60000)
        snprintf(buf, len, "%d.%ds", (int)(ms / 1000), (int)(ms % 1000 / 100));
    else if (ms < 3600000)
        snprintf(buf, len, "%dm%02ds", (int)(ms / 60000), (int)(ms / 1000 % 60));
    else
        snprintf(buf, len, "%dh%02dm", (int)(ms / 3600000), (int)(ms / 60000 % 60));
}

role_t draw_status_role(status_kind_t k)
{
    switch (k) {
    case STATUS_SUCCEEDED: return ROLE_OK;
    case STATUS_STARTED: return ROLE_OK;
    case STATUS_FAILED: return ROLE_FAILED;
    case STATUS_IN_PROGRESS: return ROLE_RUNNING;
    case STATUS_NOT_STARTED: case STATUS_NONE: return ROLE_PENDING;
    case STATUS_CANCELED: case STATUS_TERMINATED: return ROLE_DIM;
    case STATUS_INFO: return ROLE_INFO;
    default: return ROLE_DEFAULT;
    }
}

const char *draw_status_icon(const pane_ctx_t *c, status_kind_t k)
{
    switch (k) {
    case STATUS_SUCCEEDED: case STATUS_STARTED: return draw_glyph(c, GLYPH_OK);
    case STATUS_FAILED: return draw_glyph(c, GLYPH_FAIL);
    case STATUS_IN_PROGRESS: return draw_spinner(c, c->anim_tick);
    case STATUS_CANCELED: case STATUS_TERMINATED: return "-";
    case STATUS_INFO: return "i";
    default: return draw_glyph(c, GLYPH_CIRCLE);
    }
}
