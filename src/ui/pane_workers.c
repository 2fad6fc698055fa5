/* Workers: ListWorkers, one block per worker: its ID and platforms, the
 * BuildKit version (when the daemon sends it, v0.11+), its labels and its GC
 * policies (keep duration, space limits, filters), one line each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buildkit/bk_format.h"
#include "ui/bk.h"
#include "ui/draw.h"

typedef enum wrow_kind { WR_HEAD, WR_VERSION, WR_LABEL, WR_GC } wrow_kind_t;

typedef struct wrow {
    wrow_kind_t kind;
    size_t worker, item;
} wrow_t;

static const Moby__Buildkit__V1__Types__WorkerRecord *worker(const ui_t *ui, size_t i)
{
    return ui->bk->workers->record[i];
}

static void push(view_t *v, wrow_kind_t k, size_t worker, size_t item)
{
    *(wrow_t *)view_row_push(v) = (wrow_t){k, worker, item};
}

/* One row per line of every worker, rebuilt by the engine when BuildKit's
 * state changed. */
static void workers_build_rows(const ui_t *ui, view_t *v)
{
    const ui_bk_t *b = ui->bk;
    for (size_t w = 0; b && b->workers && w < b->workers->n_record; w++) {
        const Moby__Buildkit__V1__Types__WorkerRecord *r = b->workers->record[w];
        push(v, WR_HEAD, w, 0);
        if (r->buildkitversion)
            push(v, WR_VERSION, w, 0);
        for (size_t k = 0; k < r->n_labels; k++)
            push(v, WR_LABEL, w, k);
        for (size_t k = 0; k < r->n_gcpolicy; k++)
            push(v, WR_GC, w, k);
    }
}

static void platforms(const Moby__Buildkit__V1__Types__WorkerRecord *w, strbuf_t *out)
{
    for (size_t i = 0; i < w->n_platforms; i++) {
        const Pb__Platform *p = w->platforms[i];
        sb_printf(out, "%s%s/%s", i ? "," : "", p->os ? p->os : "", p->architecture ? p->architecture : "");
        if (p->variant && *p->variant)
            sb_printf(out, "/%s", p->variant);
    }
}

/* "GC #0: all, keep 48h0m0s, reserved 10.00GB, filter type==source.local" */
static void gc_text(const Moby__Buildkit__V1__Types__GCPolicy *g, size_t i, strbuf_t *out)
{
    sb_printf(out, "GC policy #%zu: %s", i, g->all ? "all records" : "unused records");
    if (g->keepduration) {
        sb_adds(out, ", keep ");
        bk_format_duration(out, g->keepduration);
    }
    static const char *const names[] = {"reserved", "max used", "min free"};
    int64_t vals[] = {g->reservedspace, g->maxusedspace, g->minfreespace};
    for (int k = 0; k < 3; k++) {
        if (!vals[k])
            continue;
        sb_printf(out, ", %s ", names[k]);
        bk_format_bytes(out, vals[k]);
    }
    for (size_t k = 0; k < g->n_filters; k++)
        sb_printf(out, ", filter %s", g->filters[k]);
}

/* The row's text (untrusted parts included; drawn through textsafe). */
static void row_line(const ui_t *ui, const wrow_t *r, strbuf_t *out)
{
    const Moby__Buildkit__V1__Types__WorkerRecord *w = worker(ui, r->worker);
    const Moby__Buildkit__V1__Types__BuildkitVersion *v = w->buildkitversion;
    switch (r->kind) {
    case WR_HEAD: sb_printf(out, "%s  ", w->id ? w->id : ""); platforms(w, out); break;
    case WR_VERSION:
        sb_printf(out, "  BuildKit %s %s %s", v->package ? v->package : "", v->version ? v->version : "",
                  v->revision ? v->revision : "");
        break;
    case WR_LABEL:
        sb_printf(out, "  %s = %s", w->labels[r->item]->key ? w->labels[r->item]->key : "",
                  w->labels[r->item]->value ? w->labels[r->item]->value : "");
        break;
    case WR_GC: sb_adds(out, "  "); gc_text(w->gcpolicy[r->item], r->item, out); break;
    }
}

static void workers_draw(ui_t *ui, view_t *v, size_t i, int y, int x, int w, bool sel)
{
    const wrow_t *r = view_row(ui, v, i);
    if (!r)
        return;
    static const role_t roles[] = {[WR_HEAD] = ROLE_KIND, [WR_VERSION] = ROLE_OK, [WR_LABEL] = ROLE_DEFAULT,
                                   [WR_GC] = ROLE_DIM};
    strbuf_t t;
    sb_init(&t);
    row_line(ui, r, &t);
    if (sel)
        draw_fill(ui, y, x, w, ROLE_CURSOR);
    draw_text(ui, y, x + 1, w - 1, draw_role(sel, roles[r->kind]), t.data ? t.data : "");
    sb_free(&t);
}

static void workers_text(const ui_t *ui, view_t *v, size_t i, strbuf_t *out)
{
    const wrow_t *r = view_row(ui, v, i);
    if (r)
        row_line(ui, r, out);
}

static const char *workers_kind(const ui_t *ui, view_t *v, size_t i)
{
    static const char *const names[] = {"worker", "version", "label", "gc"};
    const wrow_t *r = view_row(ui, v, i);
    return r ? names[r->kind] : NULL;
}

static void workers_details(const ui_t *ui, view_t *v, size_t i, strbuf_t *out, char *title, size_t tlen)
{
    const wrow_t *sel = view_row(ui, v, i);
    if (!sel)
        return;
    size_t w = sel->worker;
    snprintf(title, tlen, "Worker");
    const wrow_t *r;
    for (size_t k = 0; (r = view_row(ui, v, k)); k++) {
        if (r->worker != w)
            continue;
        row_line(ui, r, out);
        sb_addc(out, '\n');
    }
}

static void workers_summary(const ui_t *ui, view_t *v, char *buf, size_t len)
{
    ui_bk_t *b = ui->bk;
    if (!b)
        buf[0] = 0;
    else if (b->workers_err[0])
        snprintf(buf, len, "%s", b->workers_err);
    else
        snprintf(buf, len, "%zu", b->workers ? b->workers->n_record : 0);
}

static const action_t workers_hints[] = {ACT_REFRESH, ACT_DETAILS, ACT_NONE};

const view_ops_t pane_workers_ops = {
    .row_size = sizeof(wrow_t),
    .build_rows = workers_build_rows,
    .draw_row = workers_draw,
    .row_text = workers_text,
    .row_kind = workers_kind,
    .details = workers_details,
    .summary = workers_summary,
    .hints = workers_hints,
    .empty = "(asking the daemon for its workers...)",
};
