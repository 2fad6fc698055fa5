/* Debugging containers: pod, container, runtime and debug ports, shown only
 * while a `skaffold debug` session has some. */
#include <stdio.h>
#include "skaffold/viewmodel.h"
#include "ui/draw.h"
#include "ui/view.h"

static size_t dbg_count(const pane_ctx_t *pc, view_t *v)
{
    return vm_debug_count(pc->model);
}

/* Shown only while a `skaffold debug` session has containers. */
static bool dbg_present(const pane_ctx_t *pc)
{
    return vm_debug_count(pc->model) > 0;
}

static void dbg_draw(const pane_ctx_t *pc, view_t *v, size_t row, int y, int x, int w, bool sel)
{
    vm_debug_t dc, *d = &dc;
    if (!vm_debug_at(pc->model, row, d))
        return;
    strbuf_t b;
    sb_init(&b);
    if (sel)
        draw_fill(pc, y, x, w, ROLE_CURSOR);
    sb_printf(&b, "%s/%s", d->pod, d->container);
    int pw = w / 2 - 4;
    draw_text(pc, y, x + 1, pw - 1, draw_role(sel, ROLE_DEFAULT), b.data);
    draw_text(pc, y, x + 1 + pw, 9, draw_role(sel, ROLE_INFO), d->runtime);
    sb_reset(&b);
    vm_debug_ports(pc->model, row, &b);
    draw_textn(pc, y, x + 11 + pw, w - pw - 11, draw_role(sel, ROLE_OK), b.data, b.len);
    sb_free(&b);
}

static void dbg_text(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out)
{
    vm_debug_t dc, *d = &dc;
    if (!vm_debug_at(pc->model, row, d))
        return;
    sb_printf(out, "%s %s %s %s ", d->pod, d->container, d->runtime, d->namespace_);
    vm_debug_ports(pc->model, row, out);
}

/* A debugging container is its namespace, pod and container (what
 * Skaffold's "Terminated" matches); the same container of the same
 * artifact in the pod a rollout puts in its place is its sibling. */
static void dbg_key(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *key, strbuf_t *parent)
{
    vm_debug_t d;
    if (!vm_debug_at(pc->model, row, &d))
        return;
    sb_printf(key, "%s/%s/%s", d.namespace_, d.pod, d.container);
    sb_printf(parent, "%s/%s/%s", d.namespace_, d.artifact, d.container);
}

static void dbg_details(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out, char *title, size_t tlen)
{
    vm_debug_t dc, *d = &dc;
    if (!vm_debug_at(pc->model, row, d))
        return;
    snprintf(title, tlen, "Debugging container");
    sb_printf(out, "pod:         %s\ncontainer:   %s\nnamespace:   %s\nartifact:    %s\n"
                   "runtime:     %s\nworking dir: %s\nstatus:      %s\ndebug ports: ",
              d->pod, d->container, d->namespace_, d->artifact, d->runtime,
              d->working_dir, d->status);
    vm_debug_ports(pc->model, row, out);
    sb_addc(out, '\n');
}

static void dbg_summary(const pane_ctx_t *pc, view_t *v, char *buf, size_t len)
{
    snprintf(buf, len, "%zu", dbg_count(pc, v));
}

static const action_t dbg_hints[] = {ACT_DETAILS, ACT_NONE};

const view_ops_t pane_debug_ops = {
    .layout = {.column = PANE_COLUMN_LEFT, .rank = 3},
    .present = dbg_present,
    .count = dbg_count,
    .draw_row = dbg_draw,
    .row_text = dbg_text,
    .row_key = dbg_key,
    .details = dbg_details,
    .summary = dbg_summary,
    .hints = dbg_hints,
    .empty = "(no debugging containers)",
};
