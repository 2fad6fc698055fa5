/* Control actions: Execute and the auto triggers against the live server and
 * the replay controls, sent to the session as commands (session.h), and
 * --notify. The session sets the status line (its messages); the results of
 * calls arrive later the same way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "skaffold/viewmodel.h"
#include "ui/app.h"
#include "ui/bk.h"

/* The session command an action sends, or -1. */
static int session_cmd_of(action_t a)
{
    switch (a) {
    case ACT_BUILD: return SESSION_CMD_BUILD;
    case ACT_SYNC: return SESSION_CMD_SYNC;
    case ACT_DEPLOY: return SESSION_CMD_DEPLOY;
    case ACT_AUTO_BUILD: return SESSION_CMD_AUTO_BUILD;
    case ACT_AUTO_SYNC: return SESSION_CMD_AUTO_SYNC;
    case ACT_AUTO_DEPLOY: return SESSION_CMD_AUTO_DEPLOY;
    case ACT_PAUSE: return SESSION_CMD_PAUSE;
    case ACT_FASTER: return SESSION_CMD_FASTER;
    case ACT_SLOWER: return SESSION_CMD_SLOWER;
    case ACT_STEP: return SESSION_CMD_STEP;
    case ACT_NEXT_ITER: return SESSION_CMD_NEXT_ITER;
    case ACT_PREV_ITER: return SESSION_CMD_PREV_ITER;
    case ACT_NEXT_ERROR: return SESSION_CMD_NEXT_ERROR;
    default: return -1;
    }
}

int control_action(ui_t *ui, action_t a)
{
    if (ui->bk && !ui->bk->s->live) { /* a BuildKit replay has its own keys */
        int r = bk_replay_control(ui, a);
        if (r != UI_PASS)
            return r;
    }
    bool devloop = a == ACT_BUILD || a == ACT_SYNC || a == ACT_DEPLOY || a == ACT_AUTO_BUILD ||
                   a == ACT_AUTO_SYNC || a == ACT_AUTO_DEPLOY;
    int cmd = session_cmd_of(a);
    if (devloop || (ui->source == UI_SOURCE_REPLAY && ui->session.replay)) {
        if (cmd < 0)
            return UI_DONE;
        session_command(&ui->session, (session_cmd_t)cmd);
        return UI_REDRAW;
    }
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
