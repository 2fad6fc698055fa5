/* One log line laid out for the screen; see logs_line.h. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include "core/xalloc.h"
#include "core/sgr.h"
#include "core/textsafe.h"
#include "core/utf8.h"
#include "ui/logs_line.h"
#include "ui/theme.h"

void lv_layout_init(lv_layout_t *lay)
{
    memset(lay, 0, sizeof *lay);
    sb_init(&lay->text);
    sb_init(&lay->tmp);
}

void lv_layout_free(lv_layout_t *lay)
{
    sb_free(&lay->text);
    sb_free(&lay->tmp);
    free(lay->seg);
    memset(lay, 0, sizeof *lay);
}

static lv_seg_t *seg_new(lv_layout_t *lay, unsigned long attr)
{
    if (lay->n == lay->cap) {
        lay->cap = lay->cap ? lay->cap * 2 : 32;
        lay->seg = xrealloc(lay->seg, lay->cap * sizeof *lay->seg);
    }
    lv_seg_t *s = &lay->seg[lay->n++];
    *s = (lv_seg_t){lay->row, lay->col, attr, lay->text.len, 0};
    return s;
}

/* Appends safe UTF-8 s[0..n) in attr at the current place, wrapping or
 * cutting at the width. */
static void emit(lv_layout_t *lay, unsigned long attr, const char *s, size_t n)
{
    const lv_opts_t *o = lay->o;
    lv_seg_t *seg = NULL;
    for (size_t i = 0; i < n && !lay->full;) {
        uint32_t cp;
        size_t k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (k == 0)
            k = 1, cp = '?'; /* cannot happen after textsafe */
        int cw = wcwidth((wchar_t)cp);
        cw = cw < 0 ? 1 : cw;
        if (lay->col + cw > o->w) {
            if (!o->wrap) {
                lay->full = true;
                break;
            }
            lay->row++;
            lay->col = lay->indent + cw <= o->w ? lay->indent : 0;
            seg = NULL;
        }
        if (!seg || seg->row != lay->row)
            seg = seg_new(lay, attr);
        sb_add(&lay->text, s + i, k);
        seg->len += k;
        lay->col += cw;
        i += k;
    }
}

/* Raw text made safe, then emitted. */
static void emit_raw(lv_layout_t *lay, unsigned long attr, const char *s, size_t n, int max_cols)
{
    sb_reset(&lay->tmp);
    textsafe(&lay->tmp, s, n, max_cols, lay->o->text_flags);
    emit(lay, attr, lay->tmp.data ? lay->tmp.data : "", lay->tmp.len);
}

/* The byte where the last cols columns of s[0..n) begin (at a character). */
static size_t tail_start(const char *s, size_t n, int cols, int flags)
{
    size_t t = 0;
    while (t < n && textsafe_width(s + t, n - t, flags) > cols) {
        t++;
        while (t < n && ((unsigned char)s[t] & 0xC0) == 0x80)
            t++;
    }
    return t;
}

/* s made safe, cut in the middle when wider than max_cols: its start, an
 * ellipsis, its end. */
static void emit_mid(lv_layout_t *lay, unsigned long attr, const char *s, size_t n, int max_cols)
{
    int flags = lay->o->text_flags;
    if (max_cols < 5 || textsafe_width(s, n, flags) <= max_cols) {
        emit_raw(lay, attr, s, n, max_cols);
        return;
    }
    int head = (max_cols - 1) / 2;
    size_t t = tail_start(s, n, max_cols - 1 - head, flags);
    sb_reset(&lay->tmp);
    textsafe(&lay->tmp, s, n, head + 1, flags);  /* head columns and the ellipsis */
    textsafe(&lay->tmp, s + t, n - t, 0, flags);
    emit(lay, attr, lay->tmp.data ? lay->tmp.data : "", lay->tmp.len);
}

static unsigned ta_of_sgr(uint8_t a)
{
    return (a & SGR_BOLD ? TA_BOLD : 0) | (a & SGR_DIM ? TA_DIM : 0) |
           (a & SGR_ITALIC ? TA_ITALIC : 0) | (a & SGR_UNDERLINE ? TA_UNDERLINE : 0) |
           (a & SGR_REVERSE ? TA_REVERSE : 0);
}

/* The role of a line's text: Skaffold's levels; the application's plain. */
static role_t text_role(const log_line_t *line)
{
    if (line->src != LOG_SKAFFOLD)
        return ROLE_DEFAULT;
    switch (line->level) {
    case 0: case 6: return ROLE_LOG_DEBUG;
    case 2: return ROLE_LOG_WARN;
    case 3: case 4: case 5: return ROLE_LOG_ERROR;
    default: return ROLE_DEFAULT;
    }
}

/* An application line's tag colour: one of six ANSI colours by pod and
 * container (the theme's ansi-red .. ansi-cyan), as Skaffold and `skview
 * logs` give each container its own. */
static role_t app_role(const log_line_t *line)
{
    unsigned h = 2166136261u;
    size_t w = logs_workload_len(line->pod); /* the same across rollouts */
    for (size_t i = 0; i < w; i++)
        h = (h ^ (unsigned char)line->pod[i]) * 16777619u;
    for (const char *s = line->container; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return (role_t)(ROLE_ANSI_1 + (int)(h % 6));
}

typedef struct run_ctx {
    lv_layout_t *lay;
    const log_line_t *line;
    size_t (*spans)[2];
    size_t n_spans;
    role_t base;
} run_ctx_t;

static unsigned long run_attr(const run_ctx_t *c, const sgr_style_t *st, bool match)
{
    lv_look_t look = c->lay->o->look;
    if (match)
        return theme_attr(ROLE_LOG_MATCH);
    if (look == LV_CURSOR)
        return theme_sgr_attr(ROLE_CURSOR, -1, -1, ta_of_sgr(st->attrs));
    if (look == LV_MARKED)
        return theme_attr(ROLE_LOG_SELECT);
    return theme_sgr_attr(c->base, st->fg, st->bg, ta_of_sgr(st->attrs));
}

/* A run of text in one style: split where matches begin and end. */
static void on_run(void *ctx, const char *text, size_t len, const sgr_style_t *st)
{
    run_ctx_t *c = ctx;
    if (c->lay->full)
        return; /* cut at the width: the rest is not drawn */
    const char *base = c->line->text;
    bool inside = text >= base && text + len <= base + c->line->len;
    size_t off = inside ? (size_t)(text - base) : 0, end = off + len;
    size_t at = off;
    while (at < end) {
        bool match = false;
        size_t next = end;
        for (size_t i = 0; inside && i < c->n_spans; i++) {
            size_t a = c->spans[i][0], b = c->spans[i][1];
            if (a <= at && at < b) {
                match = true;
                next = b < next ? b : next;
            } else if (a > at && a < next) {
                next = a;
            }
        }
        emit_raw(c->lay, run_attr(c, st, match), text + (at - off), next - at, 0);
        at = next;
    }
}

#define LV_MAX_SPANS 64

void lv_layout_line(lv_layout_t *lay, const log_line_t *line, const lv_opts_t *o)
{
    sb_reset(&lay->text);
    lay->n = 0;
    lay->o = o;
    lay->row = lay->col = lay->indent = 0;
    lay->full = false;
    bool cur = o->look == LV_CURSOR, marked = o->look == LV_MARKED;
    if (o->session_mark) {
        char s[32];
        int n = snprintf(s, sizeof s, "session %u", (unsigned)o->session_mark);
        emit(lay, theme_attr(cur ? ROLE_CURSOR : marked ? ROLE_LOG_SELECT : ROLE_REPLAY), s, (size_t)n);
        lay->col++;
    }
    if (o->times) {
        char t[32];
        lv_time(line->time_ns, t, sizeof t);
        emit(lay, theme_attr(cur ? ROLE_CURSOR : marked ? ROLE_LOG_SELECT : ROLE_TIME), t, strlen(t));
        lay->col++;
    }
    if (o->tag_w > 1) {
        strbuf_t tag;
        sb_init(&tag);
        lv_tag(line, &tag);
        int start = lay->col;
        role_t r = line->src == LOG_APP ? app_role(line) : ROLE_LOG_SKAFFOLD;
        emit_mid(lay, theme_attr(cur ? ROLE_CURSOR : marked ? ROLE_LOG_SELECT : r),
                 tag.data ? tag.data : "", tag.len, o->tag_w - 1);
        sb_free(&tag);
        lay->col = start + o->tag_w;
    }
    lay->indent = lay->col * 2 <= o->w ? lay->col : 0;
    size_t spans[LV_MAX_SPANS][2];
    run_ctx_t c = {lay, line, spans, 0, text_role(line)};
    if (o->hl && o->hl->text)
        c.n_spans = log_filter_spans(o->hl, line, spans, LV_MAX_SPANS);
    sgr_style_t st = SGR_STYLE_DEFAULT;
    sgr_walk(line->text, line->len, &st, on_run, &c);
    lay->rows = lay->row + 1;
}

void lv_layout_draw(const lv_layout_t *lay, int y, int x, int skip, int max)
{
    for (size_t i = 0; i < lay->n; i++) {
        const lv_seg_t *s = &lay->seg[i];
        if (s->row < skip || s->row >= skip + max || !s->len)
            continue;
        attrset((attr_t)s->attr);
        mvaddnstr(y + s->row - skip, x + s->col, lay->text.data + s->off, (int)s->len);
    }
}

void lv_tag(const log_line_t *line, strbuf_t *out)
{
    if (line->src == LOG_APP) {
        size_t w = logs_workload_len(line->pod), np = strlen(line->pod);
        const char *at = np && line->prefix ? strstr(line->prefix, line->pod) : NULL;
        if (at)
            sb_printf(out, "%.*s%.*s%s", (int)(at - line->prefix), line->prefix, (int)w, line->pod, at + np);
        else if (line->prefix && *line->prefix)
            sb_adds(out, line->prefix);
        else
            sb_printf(out, "%.*s %s", (int)w, line->pod, line->container);
        return;
    }
    sb_adds(out, line->task && *line->task ? line->task : "skaffold");
    if (line->subject && *line->subject)
        sb_printf(out, " %s", line->subject);
}

void lv_time(int64_t ns, char *buf, size_t len)
{
    time_t t = (time_t)(ns / 1000000000);
    struct tm tm;
    if (ns <= 0 || !localtime_r(&t, &tm)) {
        snprintf(buf, len, "--:--:--.---");
        return;
    }
    snprintf(buf, len, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(ns / 1000000 % 1000));
}

void lv_plain(const log_line_t *line, bool times, strbuf_t *out)
{
    if (times) {
        char t[32];
        lv_time(line->time_ns, t, sizeof t);
        sb_printf(out, "%s ", t);
    }
    bool app = line->src == LOG_APP;
    const char *a = app ? line->pod : line->task, *b = app ? line->container : line->subject;
    sb_addc(out, '[');
    textsafe(out, a, strlen(a), 0, 0);
    if (*b) {
        sb_addc(out, ' ');
        textsafe(out, b, strlen(b), 0, 0);
    }
    sb_adds(out, "] ");
    strbuf_t tmp;
    sb_init(&tmp);
    sgr_strip(&tmp, line->text, line->len);
    textsafe(out, tmp.data ? tmp.data : "", tmp.len, 0, 0);
    sb_free(&tmp);
}
