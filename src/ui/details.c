/* The details popup: the full text of the selected item (an error's whole
 * message and suggestions, every field of an event), wrapped and scrollable. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include "core/textsafe.h"
#include "ui/app.h"
#include "ui/draw.h"

/* The line of the popup's text (before wrapping) that byte `at` is on. */
static int line_of(const strbuf_t *text, size_t at)
{
    int n = 0;
    for (size_t i = 0; i < at && i < text->len; i++)
        n += text->data[i] == '\n';
    return n;
}

void details_open(ui_t *ui)
{
    view_t *v = &ui->views[ui->focus];
    view_settle(ui_ctx(ui), v);
    if (!v->ops->details || view_rows(ui_ctx(ui), v) == 0) {
        ui_message(ui, true, "nothing selected");
        return;
    }
    details_open_row(ui, v, view_source_row(v, v->cursor));
}

void details_open_row(ui_t *ui, view_t *v, size_t row)
{
    sb_reset(&ui->popup);
    ui->popup_title[0] = 0;
    v->anchor = SIZE_MAX;
    v->ops->details(ui_ctx(ui), v, row, &ui->popup, ui->popup_title, sizeof ui->popup_title);
    ui->popup_top = 0;
    ui->popup_anchor = v->anchor == SIZE_MAX ? -1 : line_of(&ui->popup, v->anchor);
    ui->overlay = UI_OVERLAY_DETAILS;
}

/* Where wrap() is on its output: the column, the lines so far, the last
 * space of the line being filled (its byte in out; SIZE_MAX: none) with the
 * columns up to and including it, and the hanging indent of the input line
 * (its leading spaces, and two more after a "- " bullet) while `lead`. */
typedef struct wrap_at {
    int col, lines, in_lines;
    size_t space;
    int space_col;
    int indent;
    bool lead;
} wrap_at_t;

/* n spaces into out at byte at (the bytes after it move right). */
static void insert_spaces(strbuf_t *out, size_t at, int n)
{
    size_t tail = out->len - at;
    for (int k = 0; k < n; k++)
        sb_addc(out, ' ');
    memmove(out->data + at + n, out->data + at, tail);
    memset(out->data + at, ' ', (size_t)n);
}

/* Ends the output line before a character of cw columns that does not fit:
 * at the line's last space (the word moves down), or right there; the next
 * line starts at the hanging indent. */
static void wrap_break(strbuf_t *out, wrap_at_t *a, int w, int cw)
{
    int ind = a->indent < w / 2 ? a->indent : 0;
    if (a->space != SIZE_MAX && a->col - a->space_col + ind + cw <= w) {
        out->data[a->space] = '\n';
        insert_spaces(out, a->space + 1, ind);
        a->col += ind - a->space_col;
    } else {
        sb_addc(out, '\n');
        insert_spaces(out, out->len, ind);
        a->col = ind;
    }
    a->space = SIZE_MAX;
    a->lines++;
}

/* Counts the leading spaces (and a bullet) of an input line. */
static void wrap_lead(wrap_at_t *a, const char *s, size_t n, wchar_t wc)
{
    if (!a->lead)
        return;
    if (wc == ' ')
        a->indent++;
    else
        a->lead = false, a->indent += wc == '-' && n > 1 && s[1] == ' ' ? 2 : 0;
}

/* Wraps safe UTF-8 text into lines of at most w columns, '\n'-separated,
 * at word boundaries (a word longer than a line is cut), continuation lines
 * under the first word. Returns the output line on which input line `mark`
 * starts (0 if there is none). */
static int wrap(const char *s, size_t n, int w, strbuf_t *out, int mark)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    wrap_at_t a = {.space = SIZE_MAX, .lead = true};
    int marked = 0;
    for (size_t i = 0; i < n;) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, s + i, n - i, &st);
        if (k == 0 || k > n - i) {
            k = 1;
            wc = '?';
            memset(&st, 0, sizeof st);
        }
        int cw = wc == '\n' ? 0 : wcwidth(wc);
        cw = cw < 0 ? 1 : cw;
        wrap_lead(&a, s + i, n - i, wc);
        if (wc == '\n') {
            a = (wrap_at_t){.lines = a.lines + 1, .in_lines = a.in_lines + 1, .space = SIZE_MAX,
                            .lead = true};
            marked = a.in_lines == mark ? a.lines : marked;
        } else if (a.col + cw > w && wc == ' ') { /* a space at the end: the break */
            wrap_break(out, &a, w, w + 1);
            i += k;
            continue;
        } else if (a.col + cw > w) {
            wrap_break(out, &a, w, cw);
        }
        if (wc == ' ' && !a.lead)
            a.space = out->len, a.space_col = a.col + 1;
        sb_add(out, s + i, k);
        a.col += cw;
        i += k;
    }
    return marked;
}

/* The popup's lines at width w: sanitised (newlines kept), then wrapped.
 * The first time after it opened, popup_top goes to its anchor line. */
static void lines(ui_t *ui, int w, strbuf_t *out)
{
    strbuf_t safe;
    sb_init(&safe);
    textsafe(&safe, ui->popup.data ? ui->popup.data : "", ui->popup.len, 0,
             ui_text_flags(ui) | TEXTSAFE_NEWLINES);
    int at = wrap(safe.data ? safe.data : "", safe.len, w, out, ui->popup_anchor);
    if (ui->popup_anchor >= 0)
        ui->popup_top = at;
    ui->popup_anchor = -1;
    sb_free(&safe);
}

void details_draw(ui_t *ui)
{
    int w = ui->cols > 100 ? 100 : ui->cols - 2, h = ui->rows - 4;
    if (w < 20 || h < 4)
        w = ui->cols, h = ui->rows;
    int y = (ui->rows - h) / 2, x = (ui->cols - w) / 2;
    draw_box(&ui->pc, y, x, h, w, ROLE_POPUP_BORDER, ui->popup_title);
    strbuf_t text;
    sb_init(&text);
    lines(ui, w - 4, &text);
    int n = 0;
    const char *p = text.data ? text.data : "", *end = p + text.len;
    for (const char *q = p; q < end; q++)
        n += *q == '\n';
    n += text.len && end[-1] != '\n';
    if (ui->popup_top > n - (h - 2))
        ui->popup_top = n - (h - 2) > 0 ? n - (h - 2) : 0;
    for (int i = 0; p < end; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        int row = i - ui->popup_top;
        if (row >= 0 && row < h - 2)
            draw_textn(&ui->pc, y + 1 + row, x + 2, w - 4, ROLE_POPUP, p, len);
        p += len + (nl != NULL);
    }
    if (n > h - 2)
        draw_fmt(&ui->pc, y + h - 1, x + w - 16, 14, ROLE_POPUP_BORDER, " %d/%d ",
                 ui->popup_top + 1, n);
    sb_free(&text);
}

int popup_action(ui_t *ui, action_t a, int last)
{
    switch (a) {
    case ACT_MOVE_DOWN: ui->popup_top++; break;
    case ACT_MOVE_UP: ui->popup_top -= ui->popup_top > 0; break;
    case ACT_PAGE_DOWN: ui->popup_top += ui->rows / 2; break;
    case ACT_PAGE_UP: ui->popup_top = ui->popup_top > ui->rows / 2 ? ui->popup_top - ui->rows / 2 : 0; break;
    case ACT_MOVE_FIRST: ui->popup_top = 0; break;
    case ACT_MOVE_LAST: ui->popup_top = last; break;
    default: ui->overlay = UI_OVERLAY_NONE; break;
    }
    return UI_REDRAW;
}

int details_action(ui_t *ui, action_t a)
{
    /* The last line is clamped when drawn, which knows the wrapped height. */
    return popup_action(ui, a, 1 << 30);
}
