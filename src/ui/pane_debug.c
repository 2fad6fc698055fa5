/* Debugging containers: pod, container, runtime and debug ports, shown only
 * while a `skaffold debug` session has some. */
#include <stdio.h>
#include "ui/app.h"
#include "ui/draw.h"

static const Proto__DebuggingContainerEvent *dbg_at(ui_t *ui, size_t row)
{
    const Proto__State *s = model_state(ui->model);
    return row < s->n_debuggingcontainers ? s->debuggingcontainers[row] : NULL;
}

static size_t dbg_count(ui_t *ui)
{
    return model_state(ui->model)->n_debuggingcontainers;
}

static void dbg_ports(const Proto__DebuggingContainerEvent *d, strbuf_t *out)
{
    for (size_t i = 0; i < d->n_debugports; i++)
        sb_printf(out, "%s%s=%u", i ? " " : "", d->debugports[i]->key, d->debugports[i]->value);
}

static void dbg_draw(ui_t *ui, size_t row, int y, int x, int w, bool sel)
{
    const Proto__DebuggingContainerEvent *d = dbg_at(ui, row);
    if (!d)
        return;
    strbuf_t b;
    sb_init(&b);
    if (sel)
        draw_fill(ui, y, x, w, ROLE_CURSOR);
    sb_printf(&b, "%s/%s", d->podname, d->containername);
    int pw = w / 2 - 4;
    draw_text(ui, y, x + 1, pw - 1, draw_role(sel, ROLE_DEFAULT), b.data);
    draw_text(ui, y, x + 1 + pw, 9, draw_role(sel, ROLE_INFO), d->runtime);
    sb_reset(&b);
    dbg_ports(d, &b);
    draw_textn(ui, y, x + 11 + pw, w - pw - 11, draw_role(sel, ROLE_OK), b.data, b.len);
    sb_free(&b);
}

static void dbg_text(ui_t *ui, size_t row, strbuf_t *out)
{
    const Proto__DebuggingContainerEvent *d = dbg_at(ui, row);
    sb_printf(out, "%s %s %s %s ", d->podname, d->containername, d->runtime, d->namespace_);
    dbg_ports(d, out);
}

static void dbg_details(ui_t *ui, size_t row, strbuf_t *out, char *title, size_t tlen)
{
    const Proto__DebuggingContainerEvent *d = dbg_at(ui, row);
    snprintf(title, tlen, "Debugging container");
    sb_printf(out, "pod:         %s\ncontainer:   %s\nnamespace:   %s\nartifact:    %s\n"
                   "runtime:     %s\nworking dir: %s\nstatus:      %s\ndebug ports: ",
              d->podname, d->containername, d->namespace_, d->artifact, d->runtime,
              d->workingdir, d->status);
    dbg_ports(d, out);
    sb_addc(out, '\n');
}

static void dbg_summary(ui_t *ui, char *buf, size_t len)
{
    snprintf(buf, len, "%zu", dbg_count(ui));
}

static const action_t dbg_hints[] = {ACT_DETAILS, ACT_NONE};

const view_ops_t pane_debug_ops = {
    .count = dbg_count,
    .draw_row = dbg_draw,
    .row_text = dbg_text,
    .details = dbg_details,
    .summary = dbg_summary,
    .hints = dbg_hints,
    .empty = "(no debugging containers)",
};
