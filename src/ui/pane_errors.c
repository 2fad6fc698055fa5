/* Errors: each ActionableErr, newest first, as a head line (phase, status
 * code, subject), its message and one line per suggested action. Resolved
 * errors are dimmed. Rows are the lines, so the engine scrolls them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/codes.h"
#include "ui/app.h"
#include "ui/draw.h"

/* Line `line` of error `err`: 0 head, 1 message, 2.. suggestions. */
typedef struct err_row {
    size_t err;
    size_t line;
} err_row_t;

/* The lines of every error, rebuilt by the engine when the model changed. */
static void err_build_rows(const ui_t *ui, view_t *v)
{
    for (size_t i = 0; i < model_error_count(ui->model); i++) {
        const model_error_t *e = model_error_at(ui->model, i);
        for (size_t l = 0; l < 2 + e->n_suggestions; l++)
            *(err_row_t *)view_row_push(v) = (err_row_t){i, l};
    }
}

/* The error of row `row` and its line, NULL past the end. */
static const model_error_t *err_at(const ui_t *ui, view_t *v, size_t row, size_t *line)
{
    const err_row_t *r = view_row(ui, v, row);
    if (!r)
        return NULL;
    *line = r->line;
    return model_error_at(ui->model, r->err);
}

static void draw_head(ui_t *ui, const model_error_t *e, int y, int x, int w, bool sel)
{
    role_t base = e->resolved ? ROLE_DIM : ROLE_FAILED;
    int cx = x + 1;
    cx += draw_text(ui, y, cx, 2, draw_role(sel, base),
                    draw_glyph(ui, e->resolved ? GLYPH_OK : GLYPH_FAIL)) + 1;
    cx += draw_fmt(ui, y, cx, x + w - cx, draw_role(sel, base), "%-12s ", phase_name(e->phase));
    cx += draw_text(ui, y, cx, x + w - cx, draw_role(sel, e->resolved ? ROLE_DIM : ROLE_CODE),
                    status_code_name(e->code)) + 1;
    if (e->subject && *e->subject)
        cx += draw_text(ui, y, cx, (x + w - cx) / 2, draw_role(sel, ROLE_DEFAULT), e->subject) + 1;
    char extra[64];
    int o = snprintf(extra, sizeof extra, "iter %d", e->iteration);
    if (e->repeats)
        o += snprintf(extra + o, sizeof extra - (size_t)o, " x%u", e->repeats + 1);
    if (e->resolved)
        snprintf(extra + o, sizeof extra - (size_t)o, " resolved");
    cx += draw_text(ui, y, cx, x + w - cx, draw_role(sel, ROLE_DIM), extra) + 1;
    if (!e->resolved)
        draw_text(ui, y, cx + 1, x + w - cx - 1, draw_role(sel, ROLE_DIM), status_code_desc(e->code));
}

static void err_draw(ui_t *ui, view_t *v, size_t row, int y, int x, int w, bool sel)
{
    size_t line;
    const model_error_t *e = err_at(ui, v, row, &line);
    if (!e)
        return;
    if (sel)
        draw_fill(ui, y, x, w, ROLE_CURSOR);
    if (line == 0) {
        draw_head(ui, e, y, x, w, sel);
    } else if (line == 1) {
        draw_text(ui, y, x + 4, w - 4, draw_role(sel, e->resolved ? ROLE_DIM : ROLE_DEFAULT),
                  e->message);
    } else {
        const suggestion_t *s = &e->suggestions[line - 2];
        int cx = x + 4;
        cx += draw_text(ui, y, cx, 2, draw_role(sel, ROLE_SUGGESTION), draw_glyph(ui, GLYPH_ARROW)) + 1;
        draw_text(ui, y, cx, x + w - cx, draw_role(sel, e->resolved ? ROLE_DIM : ROLE_SUGGESTION),
                  s->action);
    }
}

static void err_text(const ui_t *ui, view_t *v, size_t row, strbuf_t *out)
{
    size_t line;
    const model_error_t *e = err_at(ui, v, row, &line);
    if (!e)
        return;
    sb_printf(out, "%s %s %s %s", phase_name(e->phase), status_code_name(e->code), e->subject,
              e->message);
    for (size_t i = 0; i < e->n_suggestions; i++)
        sb_printf(out, " %s", e->suggestions[i].action);
}

static const char *err_kind(const ui_t *ui, view_t *v, size_t row)
{
    size_t line;
    const model_error_t *e = err_at(ui, v, row, &line);
    return e ? phase_name(e->phase) : NULL;
}

static void err_details(const ui_t *ui, view_t *v, size_t row, strbuf_t *out, char *title, size_t tlen)
{
    size_t line;
    const model_error_t *e = err_at(ui, v, row, &line);
    if (!e)
        return;
    snprintf(title, tlen, "Error %llu", (unsigned long long)e->id);
    sb_printf(out, "phase:      %s\nsubject:    %s\niteration:  %d\ncode:       %s (%d)\n"
                   "            %s\nstate:      %s\nrepeats:    %u\n\nmessage:\n%s\n",
              phase_name(e->phase), e->subject, e->iteration, status_code_name(e->code), e->code,
              status_code_desc(e->code), e->resolved ? "resolved" : "unresolved", e->repeats,
              e->message);
    if (e->n_suggestions)
        sb_adds(out, "\nsuggestions:\n");
    for (size_t i = 0; i < e->n_suggestions; i++)
        sb_printf(out, "  - %s\n    (%s: %s)\n", e->suggestions[i].action,
                  suggestion_code_name(e->suggestions[i].code),
                  suggestion_code_desc(e->suggestions[i].code));
}

static void err_summary(const ui_t *ui, view_t *v, char *buf, size_t len)
{
    size_t n = model_error_count(ui->model), open = model_unresolved_errors(ui->model);
    snprintf(buf, len, "%zu, %zu unresolved", n, open);
}

static const action_t err_hints[] = {ACT_DETAILS, ACT_FILTER, ACT_NEXT_ERROR, ACT_NONE};

const view_ops_t pane_errors_ops = {
    .row_size = sizeof(err_row_t),
    .build_rows = err_build_rows,
    .draw_row = err_draw,
    .row_text = err_text,
    .row_kind = err_kind,
    .details = err_details,
    .summary = err_summary,
    .hints = err_hints,
    .empty = "(no errors)",
};
