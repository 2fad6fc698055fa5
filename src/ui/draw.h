/* Drawing primitives on the screen: every string goes through textsafe(),
 * so untrusted text never reaches the terminal raw, and is cut to the room
 * it has. Glyphs come in UTF-8 and ASCII forms (non-UTF-8 locales). The
 * surface is the pane context's (pane_ctx.h: ascii, the screen's size, a
 * scratch buffer), so panes and the engine (&ui->pc) draw alike. */
#ifndef SKVIEW_UI_DRAW_H
#define SKVIEW_UI_DRAW_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "core/status.h"
#include "ui/roles.h"

#include "ui/pane_ctx.h"

#define UI_GLYPHS(X) \
    X(OK,       "\xE2\x9C\x93", "+") \
    X(FAIL,     "\xE2\x9C\x97", "x") \
    X(DOT,      "\xE2\x97\x8F", "*") \
    X(CIRCLE,   "\xE2\x97\x8B", "o") \
    X(HLINE,    "\xE2\x94\x80", "-") \
    X(VLINE,    "\xE2\x94\x82", "|") \
    X(TL,       "\xE2\x94\x8C", "+") \
    X(TR,       "\xE2\x94\x90", "+") \
    X(BL,       "\xE2\x94\x94", "+") \
    X(BR,       "\xE2\x94\x98", "+") \
    X(BAR,      "\xE2\x96\x88", "#") \
    X(BAR_HALF, "\xE2\x96\x8C", "=") \
    X(ARROW,    "\xE2\x86\x92", ">") \
    X(PLAY,     "\xE2\x96\xB6", ">") \
    X(PAUSE,    "\xE2\x80\x96", "=") /* U+2016: U+23F8 is missing from many fonts */ \
    X(SEP,      "\xE2\x94\x82", "|") \
    X(WARN,     "\xE2\x9A\xA0", "!")

typedef enum glyph {
#define X(id, u, a) GLYPH_##id,
    UI_GLYPHS(X)
#undef X
    GLYPH__COUNT
} glyph_id_t;

const char *draw_glyph(const pane_ctx_t *c, glyph_id_t g);
/* One frame of the spinner for tick t. */
const char *draw_spinner(const pane_ctx_t *c, unsigned t);
/* A sparkline block for level 0..7. */
const char *draw_spark(const pane_ctx_t *c, int level);

/* Draws s (untrusted) at (y, x) in at most w columns; returns columns used. */
int draw_text(const pane_ctx_t *c, int y, int x, int w, role_t role, const char *s);
int draw_textn(const pane_ctx_t *c, int y, int x, int w, role_t role, const char *s, size_t n);
/* printf-style, then draw_text. */
int draw_fmt(const pane_ctx_t *c, int y, int x, int w, role_t role, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Text right-aligned so that it ends at column x + w. */
int draw_right(const pane_ctx_t *c, int y, int x, int w, role_t role, const char *s);
/* w spaces in role. */
void draw_fill(const pane_ctx_t *c, int y, int x, int w, role_t role);
/* n copies of a glyph. */
void draw_repeat(const pane_ctx_t *c, int y, int x, int n, role_t role, glyph_id_t g);
/* A frame around (y, x, h, w), cleared inside, with a title. */
void draw_box(const pane_ctx_t *c, int y, int x, int h, int w, role_t role, const char *title);
/* Columns s would take once made safe. */
int draw_width(const pane_ctx_t *c, const char *s);

/* The role of a row's text: the cursor's when selected. */
static inline role_t draw_role(bool selected, role_t r)
{
    return selected ? ROLE_CURSOR : r;
}
/* Role and icon for a Skaffold status; the spinner while in progress. */
role_t draw_status_role(status_kind_t k);
const char *draw_status_icon(const pane_ctx_t *c, status_kind_t k);

/* Durations: "850ms", "12.3s", "4m05s". */
void draw_duration(char *buf, size_t len, int64_t ns);

#endif
