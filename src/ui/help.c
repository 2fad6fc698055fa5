/* The help overlay, generated from the action table and the key map, so it
 * lists every action with the keys bound to it now. */
#include <stdio.h>
#include <string.h>
#include "ui/app.h"
#include "ui/draw.h"

/* What the mouse does (no action: it is not rebindable). */
static const char *const mouse_help[][2] = {
    {"click", "Focus the pane and select the row"},
    {"double click", "Details of the row (as Enter)"},
    {"wheel", "Scroll the pane, or the popup over it"},
};
#define N_MOUSE (int)(sizeof mouse_help / sizeof mouse_help[0])

/* Lines of the help text: group headings, one per action, a blank line
 * after each group, then the mouse's heading and lines. */
static int help_lines(void)
{
    return ACT__COUNT - 1 + GROUP__COUNT * 2 + 1 + N_MOUSE;
}

/* Draws line i of the help at y; returns whether it was drawn. */
static void help_line(ui_t *ui, int i, int y, int x, int w)
{
    int line = 0;
    for (int g = 0; g < GROUP__COUNT; g++) {
        if (line++ == i) {
            draw_text(&ui->pc, y, x, w, ROLE_TITLE, action_group_name((action_group_t)g));
            return;
        }
        for (int a = 1; a < ACT__COUNT; a++) {
            if (action_table[a].group != (action_group_t)g)
                continue;
            if (line++ != i)
                continue;
            char keys[96];
            keys_for_action(ui->cfg.keys, -1, (action_t)a, " ", 3, keys, sizeof keys);
            draw_text(&ui->pc, y, x + 2, 14, ROLE_HINT_KEY, keys[0] ? keys : "-");
            draw_text(&ui->pc, y, x + 17, 20, ROLE_KIND, action_table[a].name);
            draw_text(&ui->pc, y, x + 38, w - 38, ROLE_POPUP, action_table[a].help);
            return;
        }
        if (line++ == i)
            return; /* blank line after a group */
    }
    if (line++ == i) {
        draw_text(&ui->pc, y, x, w, ROLE_TITLE, "Mouse");
        return;
    }
    if (i - line >= 0 && i - line < N_MOUSE) {
        draw_text(&ui->pc, y, x + 2, 35, ROLE_HINT_KEY, mouse_help[i - line][0]);
        draw_text(&ui->pc, y, x + 38, w - 38, ROLE_POPUP, mouse_help[i - line][1]);
    }
}

void help_draw(ui_t *ui)
{
    int w = ui->cols > 96 ? 96 : ui->cols - 2, h = ui->rows - 2;
    if (w < 20 || h < 4) {
        w = ui->cols, h = ui->rows;
    }
    int y = (ui->rows - h) / 2, x = (ui->cols - w) / 2;
    draw_box(&ui->pc, y, x, h, w, ROLE_POPUP_BORDER, "Help: keys (? or Esc closes, j/k scroll)");
    int n = help_lines(), body = h - 2;
    if (ui->popup_top > n - body)
        ui->popup_top = n - body > 0 ? n - body : 0;
    for (int i = 0; i < body && ui->popup_top + i < n; i++)
        help_line(ui, ui->popup_top + i, y + 1 + i, x + 2, w - 4);
}

int help_action(ui_t *ui, action_t a)
{
    return popup_action(ui, a, help_lines());
}
