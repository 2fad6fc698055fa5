/* Layout math: where the header, the panes and the status line go for a
 * terminal size. Pure (no curses), so it is unit-tested.
 *
 * Rules: the header takes 2 rows (1 below 16 rows), the status line the last
 * row. At 140 columns and more the panes form two columns (Artifacts,
 * Resources, Ports, Debugging, Timeline | Errors, Events); below, one stack.
 * Which pane goes in which column and in what order is the pane's own wish
 * (view_ops.layout: column, rank; its group is its panes.h line).
 * Every shown pane has a title row and a body row; then the focused pane
 * gets what it wants up to half the body rows, the state panes (Artifacts,
 * Resources, Ports, Debugging, Cache, Workers) what they want, then the
 * history panes (Errors, Events, Timeline, Build), one row at a time round
 * after round; the rows nobody wants go to the last history pane (blank
 * under its newest rows), or the last pane. When even the titles do not fit,
 * only the focused pane is shown.
 *
 * With BuildKit's panes (Build, Cache, Workers) present as well as
 * Skaffold's, at 140 columns and more Skaffold's panes stack in the left
 * column and BuildKit's in the right one; below, the two groups take turns:
 * the group of the focused pane fills the screen, so each keeps the rows
 * it needs at 80x24. Either group alone is laid out as a stack.
 *
 * The big_only pane (Logs): at 160x48 and more (without BuildKit's panes) it
 * takes its column (the right one) under the others there (Errors and
 * Events), which get what they want up to half of it; on a smaller screen
 * it is not stacked, and shows alone in the content area while focused. With zoom, the focused pane alone takes the
 * content area (the full-screen view). */
#ifndef SKVIEW_UI_LAYOUT_H
#define SKVIEW_UI_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include "ui/panes.h"

typedef struct rect {
    int y, x, h, w;
} rect_t;

typedef struct layout_in {
    int cols, rows;
    int focus;                      /* pane_id_t */
    bool zoom;                      /* the focused pane alone (full screen) */
    bool present[PANE__COUNT];      /* panes that exist now (Debugging may not) */
    size_t want[PANE__COUNT];       /* body rows each would like */
} layout_in_t;

typedef struct layout {
    rect_t header, status;
    rect_t pane[PANE__COUNT];       /* title row included; h == 0: not shown */
    bool two_columns;
    bool alone;                     /* one pane alone in the content area: zoom,
                                     * or Logs focused below 160x48 (Esc, z and q
                                     * go back to the layout) */
    int split_x;                    /* the column between two columns; -1: none */
} layout_t;

void layout_compute(const layout_in_t *in, layout_t *out);
/* The pane under screen cell (y, x), or -1. */
int layout_hit(const layout_t *l, int y, int x);

#endif
