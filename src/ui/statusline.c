/* The status line: the filter prompt, or the result of the last action and
 * key hints for the focused pane, read from the key map (so a rebinding
 * shows). */
#include <stdio.h>
#include <string.h>
#include "ui/app.h"
#include "ui/bk.h"
#include "ui/draw.h"

static const action_t live_hints[] = {ACT_BUILD, ACT_SYNC, ACT_DEPLOY, ACT_AUTO_BUILD,
                                      ACT_HELP, ACT_QUIT, ACT_NONE};
static const action_t replay_hints[] = {ACT_PAUSE, ACT_FASTER, ACT_SLOWER, ACT_STEP,
                                        ACT_NEXT_ITER, ACT_NEXT_ERROR, ACT_HELP, ACT_QUIT,
                                        ACT_NONE};

/* Why action a does nothing in this mode, or NULL: the dev-loop keys are
 * live only, the replay keys for a replay (a BuildKit replay holds one
 * build: no ] or [), BuildKit's keys with BuildKit (a BuildKit replay has
 * no daemon to list builds, refresh or prune). */
const char *ui_action_off(const ui_t *ui, action_t a)
{
    bool replay = ui->source == UI_SOURCE_REPLAY, bk_replay = ui->bk && bk_session_is_replay(ui->bk->s);
    switch (action_table[a].group) {
    case GROUP_DEVLOOP: return replay ? "live only (not in a replay)" : NULL;
    case GROUP_REPLAY:
        if (!replay)
            return "in a replay only";
        return bk_replay && (a == ACT_NEXT_ITER || a == ACT_PREV_ITER) ? "not in a BuildKit replay" : NULL;
    case GROUP_BUILDKIT:
        if (!ui->bk)
            return "with BuildKit only (--buildkit)";
        return bk_replay && (a == ACT_PICK_BUILD || a == ACT_REFRESH || a == ACT_PRUNE) ? "not in a BuildKit replay"
                                                                                        : NULL;
    default: return NULL;
    }
}

/* "key label " for one action; returns the x after it, or x if it does not
 * fit or does nothing in this mode. */
static int hint(ui_t *ui, int y, int x, int end, action_t a)
{
    if (ui_action_off(ui, a))
        return x;
    char keys[64];
    keys_for_action(ui->cfg.keys, ui->focus, a, "/", 1, keys, sizeof keys);
    if (!keys[0])
        return x;
    const char *label = action_name(a);
    if (!strncmp(label, "toggle-", 7))
        label += 7;
    int need = draw_width(&ui->pc, keys) + (int)strlen(label) + 2;
    if (x + need > end)
        return x;
    x += draw_text(&ui->pc, y, x, end - x, ROLE_HINT_KEY, keys);
    x += draw_fmt(&ui->pc, y, x, end - x, ROLE_STATUS, " %s ", label);
    return x;
}

static bool listed(const action_t *list, action_t a)
{
    for (; list && *list != ACT_NONE; list++)
        if (*list == a)
            return true;
    return false;
}

/* The hints of list, but not those already in skip. */
static int hints(ui_t *ui, int y, int x, int end, const action_t *list, const action_t *skip)
{
    for (; list && *list != ACT_NONE; list++)
        if (!listed(skip, *list))
            x = hint(ui, y, x, end, *list);
    return x;
}

void statusline_draw(ui_t *ui, rect_t r)
{
    if (r.h <= 0)
        return;
    draw_fill(&ui->pc, r.y, r.x, r.w, ROLE_STATUS);
    int x = r.x, end = r.x + r.w;
    if (ui->prompting) {
        /* What is wrong with the text (an invalid regex) instead of the keys;
         * it keeps up to half the line, however long the text is. */
        char m[600] = "";
        if (ui->msg_error && ui->msg[0] && !ui_message_expired(ui))
            snprintf(m, sizeof m, " %s ", ui->msg);
        int mw = m[0] ? draw_width(&ui->pc, m) + 2 : 0;
        if (mw > r.w / 2)
            mw = r.w / 2;
        x += draw_text(&ui->pc, r.y, x, end - x - mw, ROLE_HINT_KEY, ui->prompt_label);
        if (ui->prompt_mode != UI_PROMPT_ASK)
            x += draw_text(&ui->pc, r.y, x, end - x - mw - 1, ROLE_STATUS, ui->prompt);
        draw_text(&ui->pc, r.y, x, 1, ROLE_CURSOR, " ");
        if (m[0]) {
            draw_right(&ui->pc, r.y, x + 2, end - x - 2, ROLE_MSG_ERROR, m);
            return;
        }
        draw_right(&ui->pc, r.y, x + 2, end - x - 2, ROLE_STATUS,
                   ui->prompt_mode == UI_PROMPT_ASK     ? "y yes  other keys no "
                   : ui->prompt_mode == UI_PROMPT_CONFIRM ? "y prune  other keys cancel "
                   : ui->prompt_mode == UI_PROMPT_PRUNE ? "Enter next  Esc cancel "
                   : ui->prompt_history                 ? "Enter apply  Up/Down history  Esc cancel "
                                                        : "Enter apply  Esc cancel ");
        return;
    }
    if (ui->msg[0] && !ui_message_expired(ui)) {
        char m[600];
        snprintf(m, sizeof m, " %s ", ui->msg);
        x += draw_text(&ui->pc, r.y, x, end - x, ui->msg_error ? ROLE_MSG_ERROR : ROLE_MSG_OK, m) + 1;
    }
    const action_t *pane = ui->views[ui->focus].ops->hints;
    x = hints(ui, r.y, x + 1, end, pane, NULL);
    hints(ui, r.y, x, end, ui->source == UI_SOURCE_REPLAY ? replay_hints : live_hints, pane);
}
