/* The help overlay, generated from the action table and the key map, so it
 * lists every action with the keys bound to it now. What applies where the
 * user is comes first, by group (the mode: live or replay, BuildKit or not,
 * ui_action_off; the focused pane: its keys, the Logs view's own); the rest
 * follows under "Elsewhere", dimmed, each with where it applies. */
#include <stdio.h>
#include <string.h>
#include "ui/app.h"
#include "ui/bk.h"
#include "ui/draw.h"

/* What the mouse does (no action: it is not rebindable). */
static const char *const mouse_help[][2] = {
    {"click", "Focus the pane and select the row"},
    {"double click", "Details of the row (as Enter)"},
    {"wheel", "Scroll the pane, or the popup over it"},
};
#define N_MOUSE (int)(sizeof mouse_help / sizeof mouse_help[0])

typedef enum help_kind { ROW_GROUP, ROW_ACTION, ROW_BLANK, ROW_ELSEWHERE, ROW_OFF, ROW_MOUSE_HEAD, ROW_MOUSE } help_kind_t;

typedef struct help_row {
    help_kind_t kind;
    int n;                     /* the group, action or mouse line */
} help_row_t;

#define HELP_ROWS (ACT__COUNT + 2 * GROUP__COUNT + 3 + N_MOUSE)

/* The panes other than the focused one where a has a key, as "in Logs"
 * (at most two named), into buf; "" when it has a key in the focused pane
 * or none anywhere. */
static const char *pane_off(ui_t *ui, action_t a, char *buf, size_t len)
{
    char keys[96];
    buf[0] = 0;
    int p = action_focus_pane(a);
    if (p >= 0 && !ui_pane_present(ui, p))
        return "its pane is not shown now";
    if (a == ACT_LOG_JUMP && ui->focus == PANE_LOGS)
        return "from Artifacts, Resources, Errors or Timeline";
    if (keys_for_action(ui->cfg.keys, ui->focus, a, " ", 1, keys, sizeof keys)[0])
        return buf;
    int named = 0, found = 0;
    for (int s = 0; s < PANE__COUNT; s++) {
        if (s == ui->focus || !keys_for_action(ui->cfg.keys, s, a, " ", 1, keys, sizeof keys)[0])
            continue;
        if (found++ < 2)
            named += snprintf(buf + named, len - named, "%s%s", named ? ", " : "in ", pane_title(s));
    }
    if (found > 2)
        snprintf(buf, len, "not in %s", pane_title(ui->focus));
    return buf;
}

/* Why a does nothing here (the mode, then the pane), or NULL. */
static const char *action_off(ui_t *ui, action_t a, char *buf, size_t len)
{
    const char *why = ui_action_off(ui, a);
    if (!why)
        why = pane_off(ui, a, buf, len);
    return why[0] ? why : NULL;
}

static int add(help_row_t *rows, int n, help_kind_t kind, int i)
{
    rows[n] = (help_row_t){kind, i};
    return n + 1;
}

/* The groups' actions that apply (kind ROW_ACTION, under their group's
 * heading), or those that do not (ROW_OFF, under one heading). */
static int add_actions(ui_t *ui, help_row_t *rows, int n, bool off)
{
    char why[96];
    int first = n;
    for (int g = 0; g < GROUP__COUNT; g++) {
        int head = n;
        if (!off)
            n = add(rows, n, ROW_GROUP, g);
        for (int a = 1; a < ACT__COUNT; a++)
            if (action_table[a].group == (action_group_t)g && (action_off(ui, (action_t)a, why, sizeof why) != NULL) == off)
                n = add(rows, n, off ? ROW_OFF : ROW_ACTION, a);
        if (!off)
            n = n == head + 1 ? head : add(rows, n, ROW_BLANK, 0);
    }
    if (off && n > first) {
        memmove(rows + first + 1, rows + first, (size_t)(n - first) * sizeof *rows);
        rows[first] = (help_row_t){ROW_ELSEWHERE, 0};
        n = add(rows, n + 1, ROW_BLANK, 0);
    }
    return n;
}

/* The help's lines, in order; returns how many. */
static int help_rows(ui_t *ui, help_row_t *rows)
{
    int n = add_actions(ui, rows, 0, false);
    n = add_actions(ui, rows, n, true);
    n = add(rows, n, ROW_MOUSE_HEAD, 0);
    for (int i = 0; i < N_MOUSE; i++)
        n = add(rows, n, ROW_MOUSE, i);
    return n;
}

/* One action's line: its keys, name, and what it does or why not here. */
static void action_line(ui_t *ui, action_t a, bool off, int y, int x, int w)
{
    char keys[96], why[96];
    keys_for_action(ui->cfg.keys, off ? -1 : ui->focus, a, " ", 3, keys, sizeof keys);
    draw_text(&ui->pc, y, x + 2, 14, off ? ROLE_DIM : ROLE_HINT_KEY, keys[0] ? keys : "-");
    draw_text(&ui->pc, y, x + 17, 20, off ? ROLE_DIM : ROLE_KIND, action_table[a].name);
    draw_text(&ui->pc, y, x + 38, w - 38, off ? ROLE_DIM : ROLE_POPUP,
              off ? action_off(ui, a, why, sizeof why) : action_table[a].help);
}

static void help_line(ui_t *ui, const help_row_t *r, int y, int x, int w)
{
    switch (r->kind) {
    case ROW_GROUP: draw_text(&ui->pc, y, x, w, ROLE_TITLE, action_group_name((action_group_t)r->n)); break;
    case ROW_ACTION: action_line(ui, (action_t)r->n, false, y, x, w); break;
    case ROW_ELSEWHERE: draw_text(&ui->pc, y, x, w, ROLE_TITLE, "Elsewhere (not in this mode or pane)"); break;
    case ROW_OFF: action_line(ui, (action_t)r->n, true, y, x, w); break;
    case ROW_MOUSE_HEAD: draw_text(&ui->pc, y, x, w, ROLE_TITLE, "Mouse"); break;
    case ROW_MOUSE:
        draw_text(&ui->pc, y, x + 2, 35, ROLE_HINT_KEY, mouse_help[r->n][0]);
        draw_text(&ui->pc, y, x + 38, w - 38, ROLE_POPUP, mouse_help[r->n][1]);
        break;
    case ROW_BLANK: break;
    }
}

/* The help box's title: the mode and pane the first part is for. */
static void help_title(const ui_t *ui, char *buf, size_t len)
{
    bool bk_replay = ui->bk && bk_session_is_replay(ui->bk->s);
    snprintf(buf, len, "Help: keys, %s%s, %s (? or Esc closes, j/k scroll)",
             ui->source == UI_SOURCE_REPLAY ? "replay" : "live",
             !ui->bk ? "" : bk_replay ? " BuildKit" : " + BuildKit", pane_title(ui->focus));
}

void help_draw(ui_t *ui)
{
    int w = ui->cols > 96 ? 96 : ui->cols - 2, h = ui->rows - 2;
    if (w < 20 || h < 4) {
        w = ui->cols, h = ui->rows;
    }
    int y = (ui->rows - h) / 2, x = (ui->cols - w) / 2;
    char title[160];
    help_title(ui, title, sizeof title);
    draw_box(&ui->pc, y, x, h, w, ROLE_POPUP_BORDER, title);
    help_row_t rows[HELP_ROWS];
    int n = help_rows(ui, rows), body = h - 2;
    if (ui->popup_top > n - body)
        ui->popup_top = n - body > 0 ? n - body : 0;
    for (int i = 0; i < body && ui->popup_top + i < n; i++)
        help_line(ui, &rows[ui->popup_top + i], y + 1 + i, x + 2, w - 4);
}

int help_action(ui_t *ui, action_t a)
{
    help_row_t rows[HELP_ROWS];
    return popup_action(ui, a, help_rows(ui, rows));
}
