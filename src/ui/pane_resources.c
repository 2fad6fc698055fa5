/* Resources: the current rollout's status-check resources (exactly the keys
 * of the mirror's statusCheckState.resources), each deployment followed by
 * its pods, with status, latest message and status code. */
#include <stdio.h>
#include "core/codes.h"
#include "ui/draw.h"
#include "ui/view.h"

static size_t res_count(const pane_ctx_t *pc, view_t *v)
{
    return model_resource_count(pc->model);
}

static const model_resource_t *res_row(const pane_ctx_t *pc, size_t row, int *depth)
{
    return model_resource_tree_at(pc->model, row, depth);
}

static void res_draw(const pane_ctx_t *pc, view_t *v, size_t row, int y, int x, int w, bool sel)
{
    int depth = 0;
    const model_resource_t *r = res_row(pc, row, &depth);
    status_kind_t k = status_kind(r->status);
    role_t role = draw_status_role(k);
    if (sel)
        draw_fill(pc, y, x, w, ROLE_CURSOR);
    int name_w = w >= 100 ? 34 : w >= 60 ? 26 : w / 3, st_w = 13;
    int code_w = w >= 110 ? 30 : 0;
    int ind = depth ? 2 : 0; /* a pod sits under its deployment */
    draw_text(pc, y, x + 1 + ind, 1, draw_role(sel, role), draw_status_icon(pc, k));
    draw_text(pc, y, x + 3 + ind, name_w - 1 - ind, draw_role(sel, ROLE_DEFAULT), r->name);
    int cx = x + 3 + name_w;
    draw_text(pc, y, cx, st_w - 1, draw_role(sel, role), r->status);
    cx += st_w;
    if (code_w && r->code) {
        draw_text(pc, y, cx, code_w - 1, draw_role(sel, ROLE_CODE), status_code_name(r->code));
        cx += code_w;
    } else if (code_w) {
        cx += code_w;
    }
    draw_text(pc, y, cx, x + w - cx, draw_role(sel, ROLE_DEFAULT), r->message);
}

static void res_text(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out)
{
    const model_resource_t *r = res_row(pc, row, NULL);
    sb_printf(out, "%s %s %s %s", r->name, r->status, r->message, status_code_name(r->code));
}

/* A resource is its name; a pod belongs to its deployment, where the
 * cursor goes when a rollout replaces the pod (to the new pod, if listed). */
static void res_key(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *key, strbuf_t *parent)
{
    const model_resource_t *r = res_row(pc, row, NULL);
    const model_resource_t *owner = model_resource_owner(pc->model, r);
    sb_adds(key, r->name);
    if (owner)
        sb_adds(parent, owner->name);
}

static void res_details(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out, char *title, size_t tlen)
{
    const model_resource_t *r = res_row(pc, row, NULL);
    const model_resource_t *owner = model_resource_owner(pc->model, r);
    snprintf(title, tlen, "Resource");
    sb_printf(out, "resource: %s\n", r->name);
    if (owner)
        sb_printf(out, "owner:    %s\n", owner->name);
    sb_printf(out, "status:   %s\ncode:     %s (%d)\n          %s\n\nmessage:\n%s\n",
              r->status, status_code_name(r->code), r->code, status_code_desc(r->code), r->message);
    /* While the check runs, the condition's suggestions (a restart that may
     * still clear); after a failure, the same as the Errors pane lists. */
    if (r->n_suggestions)
        sb_adds(out, "\nsuggestions:\n");
    for (size_t i = 0; i < r->n_suggestions; i++)
        sb_printf(out, "  - %s\n", r->suggestions[i].action);
}

static void res_summary(const pane_ctx_t *pc, view_t *v, char *buf, size_t len)
{
    size_t n = res_count(pc, v), bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += status_kind(model_resource_at(pc->model, i)->status) == STATUS_FAILED;
    if (bad)
        snprintf(buf, len, "%zu, %zu failing", n, bad);
    else
        snprintf(buf, len, "%zu", n);
}

static const action_t res_hints[] = {ACT_DEPLOY, ACT_DETAILS, ACT_FILTER, ACT_NONE};

const view_ops_t pane_resources_ops = {
    .layout = {.column = PANE_COLUMN_LEFT, .rank = 1},
    .count = res_count,
    .draw_row = res_draw,
    .row_text = res_text,
    .row_key = res_key,
    .details = res_details,
    .summary = res_summary,
    .hints = res_hints,
    .empty = "(no status-check resources yet)",
};
