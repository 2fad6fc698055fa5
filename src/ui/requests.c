/* The engine's side of pane_ctx.h: the context every pane reads, filled
 * from the viewer's state, and the requests a pane hands back, carried out
 * on the viewer's state. The one place where a pane's wish touches ui_t. */
#include <stdio.h>
#include "ui/app.h"
#include "ui/bk.h"
#include "ui/osc52.h"

const pane_ctx_t *ui_ctx(ui_t *ui)
{
    pane_ctx_t *c = &ui->pc;
    const ui_bk_t *b = ui->bk;
    c->model = ui->model;
    c->bk = b ? b->m : NULL;
    c->bk_now = b && b->s ? bk_ui_now(ui) : 0; /* a test may leave s unset */
    c->bk_expanded = b ? b->expanded : -1;
    c->bk_picking = b && b->picking;
    c->bk_live = b && b->s && b->s->live;
    c->bk_gen = ui->bk_gen;
    c->now_ns = ui->model ? ui_now_ns(ui) : 0;
    c->v1_only = ui->session.v2 == V2_UNAVAILABLE;
    c->anim_tick = ui->anim_tick;
    c->focus = ui->focus;
    c->views = ui->views;
    c->ascii = ui->ascii;
    c->cols = ui->cols;
    c->rows = ui->rows;
    c->scratch = &ui->scratch;
    return c;
}

int ui_pane_prompt(ui_t *ui, view_t *v, pane_prompt_ev_t ev)
{
    if (!v->ops->prompt)
        return UI_REDRAW;
    pane_req_t req;
    pane_req_init(&req);
    int r = v->ops->prompt(ui_ctx(ui), v, ev, ui->prompt, &req);
    return ui_req_apply(ui, &req, r);
}

int ui_pane_action(ui_t *ui, view_t *v, action_t a)
{
    pane_req_t req;
    pane_req_init(&req);
    int r = v->ops->action ? v->ops->action(ui_ctx(ui), v, a, &req) : UI_PASS;
    if (r == UI_PASS)
        r = view_action(ui_ctx(ui), v, a, &req);
    return ui_req_apply(ui, &req, r);
}

/* The answer to a pane's question (pane_ask) goes to the focused pane. */
static int pane_answer(ui_t *ui, bool yes)
{
    return ui_pane_prompt(ui, &ui->views[ui->focus], yes ? PANE_PROMPT_YES : PANE_PROMPT_NO);
}

static void apply_bk(ui_t *ui, const pane_req_t *r)
{
    if (!ui->bk)
        return;
    if (r->bk_cmd_set) {
        bk_session_command(ui->bk->s, r->bk_cmd, &r->bk_arg);
        bk_ui_changed(ui);
    }
    if (r->bk_follow[0])
        bk_ui_follow(ui, r->bk_follow, r->bk_follow_running);
    if (r->bk_expand_set) {
        ui->bk->expanded = r->bk_expand;
        bk_ui_changed(ui);
    }
}

static void apply_prompt(ui_t *ui, const pane_req_t *r)
{
    if (r->prompt) {
        snprintf(ui->prompt, sizeof ui->prompt, "%s", r->prompt_text);
        snprintf(ui->prompt_label, sizeof ui->prompt_label, "%s", r->prompt_label);
        ui_prompt_open(ui, UI_PROMPT_PANE, r->prompt_history);
    }
    if (r->ask)
        ui_ask(ui, r->prompt_label, pane_answer);
    if (r->keep_prompt)
        ui->prompting = ui->prompt_history = true;
}

static void apply_copy(ui_t *ui, const pane_req_t *r)
{
    const char *t = r->copy.data ? r->copy.data : "";
    if (r->copy_raw)
        osc52_copy_text(ui, t, r->copy.len, r->copy_what);
    else
        osc52_copy(ui, t, r->copy.len);
}

int ui_req_apply(ui_t *ui, pane_req_t *r, int flags)
{
    apply_bk(ui, r);
    if (r->focus >= 0 && r->focus < PANE__COUNT)
        ui->focus = r->focus;
    apply_prompt(ui, r);
    if (r->details)
        details_open_row(ui, &ui->views[ui->focus], r->details_row);
    if (r->copy_set)
        apply_copy(ui, r);
    if (r->msg_clear)
        ui->msg[0] = 0;
    if (r->msg_set)
        ui_message(ui, r->msg_error, "%s", r->msg);
    pane_req_free(r);
    return flags;
}
