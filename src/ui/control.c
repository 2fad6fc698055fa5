/* Control actions: Execute and the auto triggers against the live server,
 * the replay controls, and --notify. Handlers set the status line and return
 * flags; the results of calls arrive later through their done callbacks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/viewmodel.h"
#include "ui/app.h"
#include "ui/bk.h"

typedef struct call_ctx {
    ui_t *ui;
    action_t action;
    bool enabled;
} call_ctx_t;

static void on_call_done(void *arg, const live_result_t *res)
{
    call_ctx_t *c = arg;
    ui_t *ui = c->ui;
    const char *what = action_name(c->action);
    if (!res)
        ui_message(ui, true, "%s: cancelled", what);
    else if (res->code != 0)
        ui_message(ui, true, "%s", res->message && *res->message ? res->message : "call failed");
    else if (c->action == ACT_BUILD || c->action == ACT_SYNC || c->action == ACT_DEPLOY)
        ui_message(ui, false, "%s requested", what);
    else
        ui_message(ui, false, "%s %s", what + strlen("toggle-"), c->enabled ? "on" : "off");
    free(c);
    ui_request_redraw(ui);
}

static call_ctx_t *call_ctx(ui_t *ui, action_t a, bool enabled)
{
    call_ctx_t *c = malloc(sizeof *c);
    if (!c)
        abort();
    *c = (call_ctx_t){ui, a, enabled};
    return c;
}

static int execute(ui_t *ui, action_t a)
{
    call_ctx_t *c = call_ctx(ui, a, true);
    if (live_execute(ui->client, a == ACT_BUILD, a == ACT_SYNC, a == ACT_DEPLOY, on_call_done, c)) {
        free(c);
        ui_message(ui, true, "%s: not connected", action_name(a));
    } else {
        ui_message(ui, false, "%s...", action_name(a));
    }
    return UI_REDRAW;
}

static int toggle(ui_t *ui, action_t a)
{
    vm_loop_t s;
    vm_loop(ui->model, &s);
    bool cur;
    live_trigger_t which;
    if (a == ACT_AUTO_BUILD)
        which = LIVE_TRIGGER_BUILD, cur = s.auto_build;
    else if (a == ACT_AUTO_SYNC)
        which = LIVE_TRIGGER_SYNC, cur = s.auto_sync;
    else
        which = LIVE_TRIGGER_DEPLOY, cur = s.auto_deploy;
    call_ctx_t *c = call_ctx(ui, a, !cur);
    if (live_auto(ui->client, which, !cur, on_call_done, c)) {
        free(c);
        ui_message(ui, true, "%s: not connected", action_name(a));
    } else {
        ui_message(ui, false, "%s %s...", action_name(a) + strlen("toggle-"), !cur ? "on" : "off");
    }
    return UI_REDRAW;
}

static int replay_control(ui_t *ui, action_t a)
{
    replay_t *r = ui->replay;
    switch (a) {
    case ACT_PAUSE:
        replay_set_paused(r, !replay_paused(r));
        ui_message(ui, false, "%s", replay_paused(r) ? "paused" : "playing");
        break;
    case ACT_FASTER: replay_faster(r); break;
    case ACT_SLOWER: replay_slower(r); break;
    case ACT_STEP:
        if (replay_step(r))
            ui_message(ui, false, "end of the log");
        break;
    case ACT_NEXT_ITER:
        if (replay_next_iteration(r))
            ui_message(ui, false, "no later iteration");
        break;
    case ACT_PREV_ITER:
        if (replay_prev_iteration(r))
            ui_message(ui, false, "no earlier iteration");
        break;
    case ACT_NEXT_ERROR:
        if (replay_next_error(r))
            ui_message(ui, false, "no later error");
        else
            ui_message(ui, false, "paused at an error");
        break;
    default: return UI_DONE;
    }
    return UI_REDRAW;
}

int control_action(ui_t *ui, action_t a)
{
    if (ui->bk && !ui->bk->live) { /* a BuildKit replay has its own keys */
        int r = bk_replay_control(ui, a);
        if (r != UI_PASS)
            return r;
    }
    bool devloop = a == ACT_BUILD || a == ACT_SYNC || a == ACT_DEPLOY || a == ACT_AUTO_BUILD ||
                   a == ACT_AUTO_SYNC || a == ACT_AUTO_DEPLOY;
    if (devloop && ui->source == UI_SOURCE_REPLAY) {
        ui_message(ui, true, "replay is read-only");
        return UI_REDRAW;
    }
    if (devloop && !ui->client) {
        ui_message(ui, true, "not connected");
        return UI_REDRAW;
    }
    if (a == ACT_BUILD || a == ACT_SYNC || a == ACT_DEPLOY)
        return execute(ui, a);
    if (devloop)
        return toggle(ui, a);
    if (ui->source == UI_SOURCE_REPLAY && ui->replay)
        return replay_control(ui, a);
    if (a == ACT_NEXT_ERROR) {
        ui->focus = PANE_ERRORS;
        return UI_REDRAW;
    }
    ui_message(ui, false, "%s works in a replay (skview replay FILE)", action_name(a));
    return UI_REDRAW;
}

/* --notify: a bell and the terminal title when the dev loop starts failing
 * and when it recovers. */
void ui_notify_check(ui_t *ui)
{
    const iteration_t *it = model_current_iteration(ui->model);
    int failing = it && (it->error_id || it->span.status == STATUS_FAILED);
    if (!it || (!failing && it->span.status != STATUS_SUCCEEDED))
        return; /* an iteration in progress has not recovered yet */
    if (failing == ui->health)
        return;
    bool tell = ui->health != -1 || failing;
    ui->health = failing;
    if (!ui->notify || !tell)
        return;
    char seq[128];
    int n = snprintf(seq, sizeof seq, "\a\033]2;skview: dev loop %s\a",
                     failing ? "FAILED" : "recovered");
    ui_term_write(ui, seq, (size_t)n);
    ui_message(ui, failing, "dev loop %s (iteration %d)", failing ? "failed" : "recovered",
               it->number);
}
