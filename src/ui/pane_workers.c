/* Workers: ListWorkers (the view model of bk_model.h), one block per worker: its ID and platforms, the
 * BuildKit version (when the daemon sends it, v0.11+), its labels and its GC
 * policies (keep duration, space limits, filters), one line each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ui/draw.h"
#include "ui/view.h"

/* A row is a line of the view model (bk_model.h: bk_workers_t). */
typedef struct wrow {
    size_t line;
} wrow_t;

static const bk_wline_t *line_of(const pane_ctx_t *pc, const wrow_t *r)
{
    return &pc->bk->workers.line[r->line];
}

/* One row per line of every worker, rebuilt by the engine when BuildKit's
 * state changed. */
static void workers_build_rows(const pane_ctx_t *pc, view_t *v)
{
    const bk_model_t *b = pc->bk;
    for (size_t i = 0; b && i < b->workers.n; i++)
        *(wrow_t *)view_row_push(v) = (wrow_t){i};
}

/* The row's text (untrusted parts included; drawn through textsafe). */
static void row_line(const pane_ctx_t *pc, const wrow_t *r, strbuf_t *out)
{
    sb_adds(out, line_of(pc, r)->text);
}

static void workers_draw(const pane_ctx_t *pc, view_t *v, size_t i, int y, int x, int w, bool sel)
{
    const wrow_t *r = view_row(pc, v, i);
    if (!r)
        return;
    static const role_t roles[] = {[BK_WLINE_HEAD] = ROLE_KIND, [BK_WLINE_VERSION] = ROLE_OK,
                                   [BK_WLINE_LABEL] = ROLE_DEFAULT, [BK_WLINE_GC] = ROLE_DIM};
    strbuf_t t;
    sb_init(&t);
    row_line(pc, r, &t);
    if (sel)
        draw_fill(pc, y, x, w, ROLE_CURSOR);
    draw_text(pc, y, x + 1, w - 1, draw_role(sel, roles[line_of(pc, r)->kind]), t.data ? t.data : "");
    sb_free(&t);
}

static void workers_text(const pane_ctx_t *pc, view_t *v, size_t i, strbuf_t *out)
{
    const wrow_t *r = view_row(pc, v, i);
    if (r)
        row_line(pc, r, out);
}

/* A row's item: its worker by ID (the first word of the worker's first
 * line) and its place among that worker's lines, so that the cursor stays
 * on it when a refresh lists the workers in another order. */
static void workers_key(const pane_ctx_t *pc, view_t *v, size_t i, strbuf_t *key, strbuf_t *parent)
{
    const wrow_t *r = view_row(pc, v, i);
    if (!r)
        return;
    const bk_workers_t *w = &pc->bk->workers;
    size_t head = r->line;
    while (head > 0 && w->line[head - 1].worker == w->line[r->line].worker)
        head--;
    const char *id = w->line[head].text;
    int n = (int)strcspn(id, " ");
    sb_printf(key, "worker %.*s", n, id);
    if (head == r->line)
        return;
    sb_printf(parent, "worker %.*s", n, id);
    sb_printf(key, " %zu", r->line - head);
}

static const char *workers_kind(const pane_ctx_t *pc, view_t *v, size_t i)
{
    static const char *const names[] = {"worker", "version", "label", "gc"};
    const wrow_t *r = view_row(pc, v, i);
    return r ? names[line_of(pc, r)->kind] : NULL;
}

static void workers_details(const pane_ctx_t *pc, view_t *v, size_t i, strbuf_t *out, char *title, size_t tlen)
{
    const wrow_t *sel = view_row(pc, v, i);
    if (!sel)
        return;
    size_t w = line_of(pc, sel)->worker;
    snprintf(title, tlen, "Worker");
    const wrow_t *r;
    for (size_t k = 0; (r = view_row(pc, v, k)); k++) {
        if (line_of(pc, r)->worker != w)
            continue;
        row_line(pc, r, out);
        sb_addc(out, '\n');
    }
}

static void workers_summary(const pane_ctx_t *pc, view_t *v, char *buf, size_t len)
{
    const bk_model_t *b = pc->bk;
    if (!b)
        buf[0] = 0;
    else if (b->workers_err[0])
        snprintf(buf, len, "%s", b->workers_err);
    else
        snprintf(buf, len, "%zu", b->workers.n_workers);
}

static const action_t workers_hints[] = {ACT_REFRESH, ACT_DETAILS, ACT_NONE};

const view_ops_t pane_workers_ops = {
    .layout = {.column = PANE_COLUMN_LEFT, .rank = 2},
    .row_size = sizeof(wrow_t),
    .build_rows = workers_build_rows,
    .draw_row = workers_draw,
    .row_text = workers_text,
    .row_kind = workers_kind,
    .row_key = workers_key,
    .details = workers_details,
    .summary = workers_summary,
    .hints = workers_hints,
    .empty = "(asking the daemon for its workers...)",
};
