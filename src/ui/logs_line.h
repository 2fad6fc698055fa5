/* One log line laid out for the screen: time, source tag and text, the
 * text's SGR colours as theme colours (core/sgr.h; every other escape or
 * control sequence is dropped or made visible by textsafe, so nothing from
 * the wire acts on the terminal), matches of the search highlighted, cut at
 * the width or wrapped under the text's column.
 *
 * The layout is a list of segments (row, column, curses attributes, safe
 * UTF-8), so the Logs view can measure a wrapped line before it draws it
 * and draw only the rows that are on screen. */
#ifndef SKVIEW_UI_LOGS_LINE_H
#define SKVIEW_UI_LOGS_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/strbuf.h"
#include "skaffold/logs.h"


typedef struct lv_seg {
    int row, col;
    unsigned long attr;        /* curses attributes (theme.h) */
    size_t off, len;           /* in the layout's text */
} lv_seg_t;

typedef enum lv_look {
    LV_PLAIN,                  /* theme and SGR colours */
    LV_CURSOR,                 /* the line under the cursor */
    LV_MARKED,                 /* inside the selection */
} lv_look_t;

typedef struct lv_opts {
    int w;                     /* columns */
    bool wrap;                 /* else cut at w */
    bool times;                /* HH:MM:SS.mmm first */
    int tag_w;                 /* columns of the source tag; 0 = none */
    int text_flags;            /* textsafe flags (ASCII terminals) */
    lv_look_t look;
    const log_filter_t *hl;    /* matches to highlight; NULL = none */
    uint32_t session_mark;     /* the line begins session N (> 1): "session N" first */
} lv_opts_t;

typedef struct lv_layout {
    strbuf_t text;
    lv_seg_t *seg;
    size_t n, cap;
    int rows;                  /* rows the line takes (>= 1) */
    /* while laying out */
    const lv_opts_t *o;
    int row, col, indent;
    bool full;
    strbuf_t tmp;
} lv_layout_t;

void lv_layout_init(lv_layout_t *lay);
void lv_layout_free(lv_layout_t *lay);
/* Lays line out (replacing what lay held). */
void lv_layout_line(lv_layout_t *lay, const log_line_t *line, const lv_opts_t *o);
/* Draws rows [skip, skip + max) of the layout at (y, x). */
void lv_layout_draw(const lv_layout_t *lay, int y, int x, int skip, int max);

/* The line's source tag: "workload container" (or the server's prefix,
 * with the pod's name in it as its workload's: the hash a rollout changes
 * goes) of an application line, "Task subject" of Skaffold's. Raw
 * (untrusted). Drawn cut in the middle when too wide, so that the end (the
 * resource's name, the container) stays. */
void lv_tag(const log_line_t *line, strbuf_t *out);
/* HH:MM:SS.mmm in local time; "--:--:--.---" without a time. */
void lv_time(int64_t ns, char *buf, size_t len);
/* The line as `skview logs` prints it in a pipe: "[pod container] text"
 * or "[Task subject] text", no escape sequence, controls made visible. */
void lv_plain(const log_line_t *line, bool times, strbuf_t *out);

#endif
