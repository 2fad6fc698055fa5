/* One frame: layout, header, panes, status line, then any overlay. Drawing
 * goes into the curses screen only; ui.c decides when to refresh. */
#include <curses.h>
#include "skaffold/viewmodel.h"
#include "ui/app.h"
#include "ui/bk.h"
#include "ui/draw.h"

bool ui_pane_present(ui_t *ui, int p)
{
    if (pane_is_buildkit(p))
        return bk_ui_present(ui, p);
    if (ui->bk && !ui->bk->s->live)
        return false; /* a BuildKit replay has no Skaffold side */
    const view_ops_t *ops = pane_table[p].ops;
    return !ops->present || ops->present(ui_ctx(ui));
}

void ui_layout(ui_t *ui)
{
    layout_in_t in = {.cols = ui->cols, .rows = ui->rows, .focus = ui->focus, .zoom = ui->zoom};
    for (int p = 0; p < PANE__COUNT; p++) {
        in.present[p] = ui_pane_present(ui, p);
        size_t n = in.present[p] ? view_rows(ui_ctx(ui), &ui->views[p]) : 0;
        in.want[p] = n ? n : 1;
    }
    for (int p = 0; p < PANE__COUNT && !in.present[ui->focus]; p++)
        if (in.present[p])
            ui->focus = in.focus = p;
    layout_compute(&in, &ui->layout);
}

void ui_render(ui_t *ui)
{
    erase();
    ui_ctx(ui); /* the header and the status line draw on ui->pc */
    ui_layout(ui);
    bk_ui_shown(ui); /* Cache and Workers are polled only while shown */
    header_draw(ui, ui->layout.header);
    for (int p = 0; p < PANE__COUNT; p++)
        view_draw(ui_ctx(ui), &ui->views[p], ui->layout.pane[p], p == ui->focus);
    if (ui->layout.split_x >= 0) {
        int x = ui->layout.split_x, top = ui->layout.header.h, bottom = ui->layout.status.y;
        for (int y = top; y < bottom; y++)
            draw_text(&ui->pc, y, x, 1, ROLE_BORDER, draw_glyph(&ui->pc, GLYPH_VLINE));
    }
    statusline_draw(ui, ui->layout.status);
    if (ui->overlay == UI_OVERLAY_HELP)
        help_draw(ui);
    else if (ui->overlay == UI_OVERLAY_DETAILS)
        details_draw(ui);
    attrset(A_NORMAL);
}

bool ui_animating(ui_t *ui)
{
    if (ui->source == UI_SOURCE_LIVE && ui->session.conn == LIVE_RECONNECTING)
        return true; /* the countdown */
    if (bk_ui_animating(ui))
        return true; /* a build's running timers */
    if (vm_phase_running(ui->model))
        return true;
    const iteration_t *it = model_current_iteration(ui->model);
    return it && it->span.start_ns && !it->span.end_ns && !model_terminated(ui->model, NULL);
}
