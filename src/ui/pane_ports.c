/* Ports: forwarded ports (local address:port, resource, namespace, target
 * port), then the Cloud Run services ready at a URL (Skaffold 2.x); `o`
 * copies the URL to the clipboard with OSC 52. */
#include <stdio.h>
#include <string.h>
#include "core/textsafe.h"
#include "skaffold/viewmodel.h"
#include "ui/draw.h"
#include "ui/view.h"

static size_t port_count(const pane_ctx_t *pc, view_t *v)
{
    return vm_port_count(pc->model) + vm_endpoint_count(pc->model);
}

/* The endpoint at row, or NULL when the row is a forwarded port. */
static const model_endpoint_t *row_endpoint(const pane_ctx_t *pc, size_t row)
{
    size_t n = vm_port_count(pc->model);
    return row < n ? NULL : vm_endpoint_at(pc->model, row - n);
}

static void endpoint_draw(const pane_ctx_t *pc, const model_endpoint_t *e, int y, int x, int w, bool sel)
{
    int uw = w >= 80 ? 54 : w / 2, nw = w >= 80 ? 14 : 0;
    draw_text(pc, y, x + 1, uw - 1, draw_role(sel, ROLE_OK), e->url);
    int cx = x + 1 + uw;
    if (nw)
        draw_text(pc, y, cx, nw - 1, draw_role(sel, ROLE_DIM), "cloud run"), cx += nw;
    cx += draw_text(pc, y, cx, 2, draw_role(sel, ROLE_DIM), draw_glyph(pc, GLYPH_ARROW)) + 1;
    draw_text(pc, y, cx, x + w - cx, draw_role(sel, ROLE_DEFAULT), e->resource);
}

static void port_local(const vm_port_t *p, char *buf, size_t len)
{
    snprintf(buf, len, "%s:%d", *p->address ? p->address : "127.0.0.1", p->local_port);
}

static void port_target(const vm_port_t *p, char *buf, size_t len)
{
    if (p->target_name)
        snprintf(buf, len, "%s", p->target_name);
    else
        snprintf(buf, len, "%d", p->target_port);
}

static void port_draw(const pane_ctx_t *pc, view_t *v, size_t row, int y, int x, int w, bool sel)
{
    vm_port_t port, *p = &port;
    const model_endpoint_t *e = row_endpoint(pc, row);
    if (e) {
        if (sel)
            draw_fill(pc, y, x, w, ROLE_CURSOR);
        endpoint_draw(pc, e, y, x, w, sel);
        return;
    }
    if (!vm_port_at(pc->model, row, p))
        return;
    char local[300], target[300], res[600];
    port_local(p, local, sizeof local);
    port_target(p, target, sizeof target);
    snprintf(res, sizeof res, "%s/%s", p->resource_type && *p->resource_type ? p->resource_type : "pod",
             p->resource_name && *p->resource_name ? p->resource_name : p->pod);
    if (sel)
        draw_fill(pc, y, x, w, ROLE_CURSOR);
    int lw = 22, rw = w >= 80 ? 32 : w / 3, nw = w >= 80 ? 14 : 0;
    draw_text(pc, y, x + 1, lw - 1, draw_role(sel, ROLE_OK), local);
    draw_text(pc, y, x + 1 + lw, rw - 1, draw_role(sel, ROLE_DEFAULT), res);
    int cx = x + 1 + lw + rw;
    if (nw)
        draw_text(pc, y, cx, nw - 1, draw_role(sel, ROLE_DIM), p->namespace_), cx += nw;
    cx += draw_text(pc, y, cx, 2, draw_role(sel, ROLE_DIM), draw_glyph(pc, GLYPH_ARROW)) + 1;
    draw_text(pc, y, cx, x + w - cx, draw_role(sel, ROLE_DEFAULT), target);
}

static void port_text(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out)
{
    vm_port_t port, *p = &port;
    const model_endpoint_t *e = row_endpoint(pc, row);
    if (e) {
        sb_printf(out, "%s cloud run %s %s", e->url, e->resource, e->revision);
        return;
    }
    if (!vm_port_at(pc->model, row, p))
        return;
    sb_printf(out, "%d %s %s %s %s", p->local_port, p->resource_type, p->resource_name, p->pod,
              p->namespace_);
}

/* A forwarded port is its local port (forwardedPorts' key), and the same
 * container's remote port forwarded on another local port is its sibling;
 * a Cloud Run service is its URL. */
static void port_key(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *key, strbuf_t *parent)
{
    vm_port_t p;
    const model_endpoint_t *e = row_endpoint(pc, row);
    if (e) {
        sb_printf(key, "url %s", e->url);
    } else if (vm_port_at(pc->model, row, &p)) {
        sb_printf(key, "port %d", p.local_port);
        sb_printf(parent, "%s/%s %d", p.namespace_, p.container, p.remote_port);
    }
}

static void port_details(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out, char *title, size_t tlen)
{
    vm_port_t port, *p = &port;
    const model_endpoint_t *e = row_endpoint(pc, row);
    if (e) {
        snprintf(title, tlen, "Cloud Run service");
        sb_printf(out, "URL:          %s\nresource:     %s\nrevision:     %s\n", e->url, e->resource,
                  e->revision);
        return;
    }
    if (!vm_port_at(pc->model, row, p))
        return;
    char local[300], target[300];
    port_local(p, local, sizeof local);
    port_target(p, target, sizeof target);
    snprintf(title, tlen, "Forwarded port");
    sb_printf(out,
              "local:        %s\nURL:          http://%s\nresource:     %s/%s\npod:          %s\n"
              "container:    %s\nnamespace:    %s\nport name:    %s\nremote port:  %d\n"
              "target port:  %s\n",
              local, local, p->resource_type, p->resource_name, p->pod, p->container,
              p->namespace_, p->port_name, p->remote_port, target);
}

/* Copies the URL with OSC 52 (the terminal puts it on the clipboard). The
 * address comes from the wire, so it is made safe before it is encoded. */
static int port_copy(const pane_ctx_t *pc, view_t *v, action_t a, pane_req_t *req)
{
    if (a != ACT_COPY_URL)
        return UI_PASS;
    if (view_rows(pc, v) == 0) {
        pane_say(req, true, "no port selected");
        return UI_REDRAW;
    }
    vm_port_t port, *p = &port;
    size_t row = view_source_row(v, v->cursor);
    const model_endpoint_t *e = row_endpoint(pc, row);
    char local[300], url[1100];
    strbuf_t safe;
    sb_init(&safe);
    if (e) {
        textsafe(&safe, e->url, strlen(e->url), 0, TEXTSAFE_ASCII);
        snprintf(url, sizeof url, "%.*s", (int)safe.len, safe.data ? safe.data : "");
    } else if (vm_port_at(pc->model, row, p)) {
        port_local(p, local, sizeof local);
        textsafe(&safe, local, strlen(local), 0, TEXTSAFE_ASCII);
        snprintf(url, sizeof url, "http://%.*s", (int)safe.len, safe.data ? safe.data : "");
    } else {
        sb_free(&safe);
        return UI_REDRAW;
    }
    pane_copy(req, url, strlen(url));
    pane_say(req, false, "copied %s", url);
    sb_free(&safe);
    return UI_REDRAW;
}

static void port_summary(const pane_ctx_t *pc, view_t *v, char *buf, size_t len)
{
    size_t eps = vm_endpoint_count(pc->model);
    if (eps)
        snprintf(buf, len, "%zu, %zu Cloud Run", vm_port_count(pc->model), eps);
    else
        snprintf(buf, len, "%zu", vm_port_count(pc->model));
}

static const action_t port_hints[] = {ACT_COPY_URL, ACT_DETAILS, ACT_NONE};

/* The pane's own default bindings (keys.h). */
static const pane_key_t ports_keys[] = {
    {"o", ACT_COPY_URL},
    {NULL, ACT_NONE},
};

const view_ops_t pane_ports_ops = {
    .layout = {.column = PANE_COLUMN_LEFT, .rank = 2},
    .keys = ports_keys,
    .count = port_count,
    .draw_row = port_draw,
    .row_text = port_text,
    .row_key = port_key,
    .details = port_details,
    .action = port_copy,
    .summary = port_summary,
    .hints = port_hints,
    .empty = "(no forwarded ports)",
};
