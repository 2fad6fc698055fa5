/* Layout math; see layout.h for the rules. */
#include <string.h>
#include "ui/layout.h"

#define TWO_COLUMN_MIN_COLS 140

static const pane_id_t left_col[] = {PANE_ARTIFACTS, PANE_RESOURCES, PANE_PORTS, PANE_DEBUG,
                                     PANE_TIMELINE};
static const pane_id_t right_col[] = {PANE_ERRORS, PANE_EVENTS};
static const pane_id_t one_col[] = {PANE_ARTIFACTS, PANE_RESOURCES, PANE_PORTS, PANE_DEBUG,
                                    PANE_ERRORS, PANE_TIMELINE, PANE_EVENTS};
static const pane_id_t bk_col[] = {PANE_BUILD, PANE_CACHE, PANE_WORKERS};
#define N_ONE (int)(sizeof one_col / sizeof one_col[0])
#define N_BK (int)(sizeof bk_col / sizeof bk_col[0])

/* Body rows for each of the n panes in list, by water-filling. */
static void fill(const layout_in_t *in, const pane_id_t *list, int n, int body, int *rows)
{
    bool more = true;
    while (body > 0 && more) {
        more = false;
        for (int i = 0; i < n && body > 0; i++) {
            int turns = list[i] == (pane_id_t)in->focus ? 2 : 1;
            for (int t = 0; t < turns && body > 0; t++) {
                if ((size_t)rows[i] >= in->want[list[i]])
                    break;
                rows[i]++;
                body--;
                more = true;
            }
        }
    }
    for (int i = 0; i < n && body > 0; i++)
        if (list[i] == (pane_id_t)in->focus)
            rows[i] += body, body = 0;
    if (body > 0 && n > 0)
        rows[n - 1] += body;
}

/* Stacks the present panes of list in the column at (y, x, h, w). */
static void stack(const layout_in_t *in, layout_t *out, const pane_id_t *all, int n_all, int y,
                  int x, int h, int w)
{
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

static bool any_present(const layout_in_t *in, const pane_id_t *list, int n)
{
    for (int i = 0; i < n; i++)
        if (in->present[list[i]])
            return true;
    return false;
}

/* Skaffold's panes and BuildKit's together (see layout.h). */
static void both_groups(const layout_in_t *in, layout_t *out, int top, int h)
{
    if (out->two_columns) {
        int lw = in->cols * 9 / 20;
        stack(in, out, one_col, N_ONE, top, 0, h, lw);
        stack(in, out, bk_col, N_BK, top, lw + 1, h, in->cols - lw - 1);
        out->split_x = lw;
        return;
    }
    bool bk_focus = in->focus == PANE_BUILD || in->focus == PANE_CACHE || in->focus == PANE_WORKERS;
    if (bk_focus)
        stack(in, out, bk_col, N_BK, top, 0, h, in->cols);
    else
        stack(in, out, one_col, N_ONE, top, 0, h, in->cols);
}

void layout_compute(const layout_in_t *in, layout_t *out)
{
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
    bool bk = any_present(in, bk_col, N_BK), sk = any_present(in, one_col, N_ONE);
    out->two_columns = in->cols >= TWO_COLUMN_MIN_COLS && !(bk && !sk);
    if (bk && !sk) {
        stack(in, out, bk_col, N_BK, top, 0, h, in->cols);
    } else if (bk) {
        both_groups(in, out, top, h);
    } else if (out->two_columns) {
        int lw = in->cols * 9 / 20;
        stack(in, out, left_col, 5, top, 0, h, lw);
        stack(in, out, right_col, 2, top, lw + 1, h, in->cols - lw - 1);
        out->split_x = lw;
    } else {
        stack(in, out, one_col, N_ONE, top, 0, h, in->cols);
    }
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
