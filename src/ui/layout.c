/* Layout math; see layout.h for the rules. */
#include <string.h>
#include "ui/layout.h"

#define TWO_COLUMN_MIN_COLS 140
/* A big_only pane (Logs) joins the default layout from this size on;
 * below, it is shown (alone) when focused. */
#define BIG_MIN_COLS 160
#define BIG_MIN_ROWS 48

#define ANY_COLUMN -1

/* A stack: the panes of one group (in one column, unless ANY_COLUMN), by
 * rank, top first; from the registry (panes.h). */
typedef struct stack_list {
    pane_id_t p[PANE__COUNT];
    int n;
} stack_list_t;

static stack_list_t stack_list(pane_group_t g, int col)
{
    stack_list_t l = {.n = 0};
    for (int p = 0; p < PANE__COUNT; p++) {
        const pane_info_t *pi = &pane_table[p];
        if (pi->group != g || (col != ANY_COLUMN && (int)pi->layout->column != col))
            continue;
        int i = l.n++;
        for (; i > 0 && pane_table[l.p[i - 1]].layout->rank > pi->layout->rank; i--)
            l.p[i] = l.p[i - 1];
        l.p[i] = (pane_id_t)p;
    }
    return l;
}

/* Panes whose rows are a history that grows (iterations, errors, events,
 * lines, build steps); the others show a state of a few rows. */
static bool is_history(pane_id_t p)
{
    return pane_table[p].layout->history;
}

/* The pane stacked only on a big screen (Logs), or -1. */
static int big_pane(void)
{
    for (int p = 0; p < PANE__COUNT; p++)
        if (pane_table[p].layout->big_only)
            return p;
    return -1;
}

/* Hands out body rows one at a time, round after round, to the panes of
 * list of the kind `history` that want more; returns the rows left. */
static int water(const layout_in_t *in, const pane_id_t *list, int n, int body, int *rows,
                 bool history)
{
    bool more = true;
    while (body > 0 && more) {
        more = false;
        for (int i = 0; i < n && body > 0; i++)
            if (is_history(list[i]) == history && (size_t)rows[i] < in->want[list[i]])
                rows[i]++, body--, more = true;
    }
    return body;
}

/* Body rows for each of the n panes in list (body >= n): one each; the
 * focused pane what it wants up to half of them; the state panes what they
 * want, then the history panes; the rows nobody wants go to the last
 * history pane (under its newest rows), or to the last pane. */
static void fill(const layout_in_t *in, const pane_id_t *list, int n, int body, int *rows)
{
    int last = n - 1;
    for (int i = 0; i < n; i++) {
        rows[i] = 1;
        if (is_history(list[i]))
            last = i;
    }
    int left = body - n;
    for (int i = 0; i < n; i++)
        while (list[i] == (pane_id_t)in->focus && left > 0 && rows[i] < body / 2 &&
               (size_t)rows[i] < in->want[list[i]])
            rows[i]++, left--;
    left = water(in, list, n, left, rows, false);
    left = water(in, list, n, left, rows, true);
    if (n > 0)
        rows[last] += left;
}

/* Stacks the present panes of list in the column at (y, x, h, w). */
static void stack(const layout_in_t *in, layout_t *out, stack_list_t col, int y, int x, int h,
                  int w)
{
    const pane_id_t *all = col.p;
    int n_all = col.n;
    pane_id_t list[PANE__COUNT];
    int n = 0, rows[PANE__COUNT] = {0};
    bool has_focus = false;
    for (int i = 0; i < n_all; i++) {
        if (in->present[all[i]])
            list[n++] = all[i];
        has_focus |= all[i] == (pane_id_t)in->focus && in->present[all[i]];
    }
    if (n == 0 || h <= 0)
        return;
    if (h < 2 * n) {
        /* Too small for every title plus a row: the focused pane alone (or
         * the first one, in the column without focus). */
        pane_id_t only = has_focus ? (pane_id_t)in->focus : list[0];
        out->pane[only] = (rect_t){y, x, h, w};
        return;
    }
    fill(in, list, n, h - n, rows);
    for (int i = 0; i < n; i++) {
        out->pane[list[i]] = (rect_t){y, x, rows[i] + 1, w};
        y += rows[i] + 1;
    }
}

static bool any_present(const layout_in_t *in, stack_list_t l)
{
    for (int i = 0; i < l.n; i++)
        if (in->present[l.p[i]])
            return true;
    return false;
}

/* Skaffold's panes and BuildKit's together (see layout.h). */
static void both_groups(const layout_in_t *in, layout_t *out, stack_list_t sk_col,
                        stack_list_t bk_col, int top, int h)
{
    if (out->two_columns) {
        int lw = in->cols * 9 / 20;
        stack(in, out, sk_col, top, 0, h, lw);
        stack(in, out, bk_col, top, lw + 1, h, in->cols - lw - 1);
        out->split_x = lw;
        return;
    }
    if (pane_is_buildkit(in->focus))
        stack(in, out, bk_col, top, 0, h, in->cols);
    else
        stack(in, out, sk_col, top, 0, h, in->cols);
}

/* The big pane's column with it under the others: they get what they want
 * up to half the column, the big pane the rest. */
static void column_with_big(const layout_in_t *in, layout_t *out, int big, int y, int x, int h,
                            int w)
{
    stack_list_t col = stack_list(PANE_GROUP_SKAFFOLD, (int)pane_table[big].layout->column),
                 others = {.n = 0};
    int need = 0;
    for (int i = 0; i < col.n; i++) {
        if ((int)col.p[i] == big || !in->present[col.p[i]])
            continue;
        others.p[others.n++] = col.p[i];
        need += 1 + (int)(in->want[col.p[i]] < (size_t)h ? in->want[col.p[i]] : (size_t)h);
    }
    int top_h = need < h / 2 ? need : h / 2;
    if (others.n == 0)
        top_h = 0;
    stack(in, out, others, y, x, top_h, w);
    out->pane[big] = (rect_t){y + top_h, x, h - top_h, w};
}

/* One pane alone in the content area (zoom, or the big pane focused on a
 * small terminal). */
static void alone(layout_t *out, int p, int top, int h, int cols)
{
    out->pane[p] = (rect_t){top, 0, h, cols};
    out->alone = true;
}

/* Skaffold's panes in their two columns; big (or -1) under the others of
 * its column. */
static void two_columns(const layout_in_t *in, layout_t *out, int big, int top, int h)
{
    int lw = in->cols * 9 / 20;
    for (int c = PANE_COLUMN_LEFT; c <= PANE_COLUMN_RIGHT; c++) {
        int x = c == PANE_COLUMN_LEFT ? 0 : lw + 1, w = c == PANE_COLUMN_LEFT ? lw : in->cols - lw - 1;
        if (big >= 0 && (int)pane_table[big].layout->column == c)
            column_with_big(in, out, big, top, x, h, w);
        else
            stack(in, out, stack_list(PANE_GROUP_SKAFFOLD, c), top, x, h, w);
    }
    out->split_x = lw;
}

void layout_compute(const layout_in_t *in_all, layout_t *out)
{
    layout_in_t copy = *in_all;
    layout_in_t *in = &copy;
    memset(out, 0, sizeof *out);
    out->split_x = -1;
    int hdr = in->rows >= 16 ? 2 : 1;
    if (in->rows < 3)
        hdr = 0;
    out->header = (rect_t){0, 0, hdr, in->cols};
    out->status = (rect_t){in->rows - 1, 0, in->rows >= 2 ? 1 : 0, in->cols};
    int top = hdr, h = in->rows - hdr - (in->rows >= 2 ? 1 : 0);
    if (h <= 0 || in->cols <= 0)
        return;
    bool focus_ok = in->focus >= 0 && in->focus < PANE__COUNT && in->present[in->focus];
    if (in->zoom && focus_ok) {
        alone(out, in->focus, top, h, in->cols);
        return;
    }
    int big = big_pane();
    bool big_here = big >= 0 && in->present[big];
    if (big >= 0)
        in->present[big] = false; /* stacked only in column_with_big */
    stack_list_t sk_col = stack_list(PANE_GROUP_SKAFFOLD, ANY_COLUMN),
                 bk_col = stack_list(PANE_GROUP_BUILDKIT, ANY_COLUMN);
    bool bk = any_present(in, bk_col), sk = any_present(in, sk_col) || big_here;
    bool big_in = big_here && !bk && in->cols >= BIG_MIN_COLS && in->rows >= BIG_MIN_ROWS;
    if (big_here && !big_in && in->focus == big) {
        alone(out, big, top, h, in->cols);
        return;
    }
    out->two_columns = in->cols >= TWO_COLUMN_MIN_COLS && !(bk && !sk);
    if (bk && !sk)
        stack(in, out, bk_col, top, 0, h, in->cols);
    else if (bk)
        both_groups(in, out, sk_col, bk_col, top, h);
    else if (out->two_columns)
        two_columns(in, out, big_in ? big : -1, top, h);
    else
        stack(in, out, sk_col, top, 0, h, in->cols);
}

int layout_hit(const layout_t *l, int y, int x)
{
    for (int p = 0; p < PANE__COUNT; p++) {
        const rect_t *r = &l->pane[p];
        if (r->h > 0 && y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w)
            return p;
    }
    return -1;
}
