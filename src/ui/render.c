/* One frame: layout, header, panes, status line, then any overlay. Drawing
 * goes into the curses screen only; ui.c decides when to refresh. */
#include <curses.h>
#include "ui/app.h"
#include "ui/draw.h"

static void compute_layout(ui_t *ui)
{
    layout_in_t in = {.cols = ui->cols, .rows = ui->rows, .focus = ui->focus};
    for (int p = 0; p < PANE__COUNT; p++) {
        size_t n = view_rows(ui, &ui->views[p]);
        in.present[p] = true;
        in.want[p] = n ? n : 1;
    }
    in.present[PANE_DEBUG] = model_state(ui->model)->n_debuggingcontainers > 0;
    if (!in.present[ui->focus])
        ui->focus = in.focus = PANE_ARTIFACTS;
    layout_compute(&in, &ui->layout);
}

void ui_render(ui_t *ui)
{
    erase();
    compute_layout(ui);
    header_draw(ui, ui->layout.header);
    for (int p = 0; p < PANE__COUNT; p++)
        view_draw(ui, &ui->views[p], ui->layout.pane[p], p == ui->focus);
    if (ui->layout.two_columns) {
        rect_t r = ui->layout.pane[PANE_ERRORS];
        int x = r.x - 1, top = ui->layout.header.h, bottom = ui->layout.status.y;
        for (int y = top; y < bottom; y++)
            draw_text(ui, y, x, 1, ROLE_BORDER, draw_glyph(ui, GLYPH_VLINE));
    }
    statusline_draw(ui, ui->layout.status);
    if (ui->overlay == UI_OVERLAY_HELP)
        help_draw(ui);
    else if (ui->overlay == UI_OVERLAY_DETAILS)
        details_draw(ui);
    attrset(A_NORMAL);
}

static bool running(const char *status)
{
    return status && status_kind(status) == STATUS_IN_PROGRESS;
}

bool ui_animating(ui_t *ui)
{
    if (ui->source == UI_SOURCE_LIVE && ui->conn == LIVE_RECONNECTING)
        return true; /* the countdown */
    const Proto__State *s = model_state(ui->model);
    for (size_t i = 0; s->buildstate && i < s->buildstate->n_artifacts; i++)
        if (running(s->buildstate->artifacts[i]->value))
            return true;
    if ((s->deploystate && running(s->deploystate->status)) ||
        (s->statuscheckstate && running(s->statuscheckstate->status)))
        return true;
    const iteration_t *it = model_current_iteration(ui->model);
    return it && it->span.start_ns && !it->span.end_ns && !model_terminated(ui->model, NULL);
}
