/* Errors: each ActionableErr, newest first, as a head line (phase, status
 * code, subject), its message and one line per suggested action; a failed
 * build also shows the last lines of that build's output (the log's
 * "Build" lines of its artifact, iteration and session: logs_tail_of).
 * Resolved errors are dimmed. Rows are the lines, so the engine scrolls
 * them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/codes.h"
#include "core/sgr.h"
#include "ui/draw.h"
#include "ui/logs_line.h"
#include "ui/logs_view.h"
#include "ui/view.h"

#define ERR_TAIL 6             /* output lines of a failed build in the pane */
#define ERR_TAIL_DETAILS 40    /* in its details */
#define ERR_TAILS 16           /* the newest build errors that show output */

/* Line `line` of error `err`: 0 head, 1 message, 2.. suggestions, then the
 * build's output lines (seq). */
typedef struct err_row {
    size_t err;
    size_t line;
    uint64_t seq;
} err_row_t;

/* The output lines of a build error: looked up whole once (logs_tail_of),
 * then only the lines added since are tested, until the build's lines are
 * all there (ERR_TAIL of them, or a later iteration began). */
typedef struct err_tail {
    uint64_t id;
    uint64_t seq[ERR_TAIL];
    size_t n;
    uint64_t checked;          /* lines up to this seq were looked at */
    bool final;
} err_tail_t;

typedef struct err_priv {
    err_tail_t tails[ERR_TAILS];
    size_t next;               /* the slot to reuse */
    lv_layout_t lay;
    bool ready;
} err_priv_t;

static void err_free_private(void *priv)
{
    err_priv_t *p = priv;
    if (p->ready)
        lv_layout_free(&p->lay);
}

static err_tail_t *tail_slot(err_priv_t *p, uint64_t id)
{
    for (size_t i = 0; i < ERR_TAILS; i++)
        if (p->tails[i].id == id)
            return &p->tails[i];
    err_tail_t *t = &p->tails[p->next];
    p->next = (p->next + 1) % ERR_TAILS;
    *t = (err_tail_t){.id = id};
    return t;
}

static bool of_build(const log_line_t *ln, const model_error_t *e)
{
    return ln->src == LOG_SKAFFOLD && !strcmp(ln->task, "Build") && !strcmp(ln->subject, e->subject) &&
           ln->iteration == e->iteration && ln->session == e->session;
}

static void tail_push(err_tail_t *t, uint64_t seq)
{
    if (t->n == ERR_TAIL)
        memmove(t->seq, t->seq + 1, --t->n * sizeof *t->seq);
    t->seq[t->n++] = seq;
}

static const err_tail_t *build_tail(const pane_ctx_t *pc, err_priv_t *p, const model_error_t *e)
{
    err_tail_t *t = tail_slot(p, e->id);
    const logs_t *l = model_logs(pc->model);
    uint64_t last = logs_last(l);
    bool gone = t->n && !logs_get(l, t->seq[0]); /* cleared, or a new ring */
    if ((t->final || t->checked == last) && !gone)
        return t;
    if (!t->checked || gone || t->checked > last || last - t->checked > logs_count(l) / 2) {
        const log_line_t *out[ERR_TAIL];
        t->n = logs_tail_of(l, "Build", e->subject, e->iteration, e->session, out, ERR_TAIL);
        for (size_t i = 0; i < t->n; i++)
            t->seq[i] = out[i]->seq;
    } else {
        for (uint64_t s = t->checked + 1; s <= last; s++) {
            const log_line_t *ln = logs_get(l, s);
            if (ln && of_build(ln, e))
                tail_push(t, s);
        }
    }
    t->checked = last;
    const iteration_t *cur = model_current_iteration(pc->model);
    t->final = !cur || cur->number != e->iteration || cur->session != e->session;
    return t;
}

/* The lines of every error, rebuilt by the engine when the model changed. */
static void err_build_rows(const pane_ctx_t *pc, view_t *v)
{
    err_priv_t *p = v->priv;
    size_t tails = 0;
    for (size_t i = 0; i < model_error_count(pc->model); i++) {
        const model_error_t *e = model_error_at(pc->model, i);
        for (size_t l = 0; l < 2 + e->n_suggestions; l++)
            *(err_row_t *)view_row_push(v) = (err_row_t){i, l, 0};
        if (e->phase != PHASE_BUILD || tails++ >= ERR_TAILS)
            continue;
        const err_tail_t *t = build_tail(pc, p, e);
        for (size_t k = 0; k < t->n; k++)
            *(err_row_t *)view_row_push(v) = (err_row_t){i, 2 + e->n_suggestions + k, t->seq[k]};
    }
}

const model_error_t *errors_pane_selected(const pane_ctx_t *pc)
{
    view_t *v = &pc->views[PANE_ERRORS];
    view_settle(pc, v);
    if (view_rows(pc, v) == 0)
        return NULL;
    const err_row_t *r = view_row(pc, v, view_source_row(v, v->cursor));
    return r ? model_error_at(pc->model, r->err) : NULL;
}

/* A line of the build's output, in its colours, under the error. */
static void draw_output(const pane_ctx_t *pc, view_t *v, uint64_t seq, int y, int x, int w, bool sel)
{
    err_priv_t *p = v->priv;
    const log_line_t *line = logs_get(model_logs(pc->model), seq);
    draw_text(pc, y, x + 4, 2, draw_role(sel, ROLE_DIM), draw_glyph(pc, GLYPH_VLINE));
    if (!line || w <= 8)
        return;
    if (!p->ready) {
        lv_layout_init(&p->lay);
        p->ready = true;
    }
    lv_opts_t o = {.w = w - 7, .text_flags = pane_text_flags(pc), .look = sel ? LV_CURSOR : LV_PLAIN};
    lv_layout_line(&p->lay, line, &o);
    lv_layout_draw(&p->lay, y, x + 6, 0, 1);
}

/* The error of row `row` and its line, NULL past the end. */
static const model_error_t *err_at(const pane_ctx_t *pc, view_t *v, size_t row, size_t *line)
{
    const err_row_t *r = view_row(pc, v, row);
    if (!r)
        return NULL;
    *line = r->line;
    return model_error_at(pc->model, r->err);
}

static void draw_head(const pane_ctx_t *pc, const model_error_t *e, int y, int x, int w, bool sel)
{
    role_t base = e->resolved ? ROLE_DIM : ROLE_FAILED;
    int cx = x + 1;
    cx += draw_text(pc, y, cx, 2, draw_role(sel, base),
                    draw_glyph(pc, e->resolved ? GLYPH_OK : GLYPH_FAIL)) + 1;
    cx += draw_fmt(pc, y, cx, x + w - cx, draw_role(sel, base), "%-12s ", phase_name(e->phase));
    cx += draw_text(pc, y, cx, x + w - cx, draw_role(sel, e->resolved ? ROLE_DIM : ROLE_CODE),
                    status_code_name(e->code)) + 1;
    if (e->subject && *e->subject)
        cx += draw_text(pc, y, cx, (x + w - cx) / 2, draw_role(sel, ROLE_DEFAULT), e->subject) + 1;
    char extra[64];
    int o = snprintf(extra, sizeof extra, "iter %d", e->iteration);
    if (e->repeats)
        o += snprintf(extra + o, sizeof extra - (size_t)o, " x%u", e->repeats + 1);
    if (e->resolved)
        snprintf(extra + o, sizeof extra - (size_t)o, " resolved");
    cx += draw_text(pc, y, cx, x + w - cx, draw_role(sel, ROLE_DIM), extra) + 1;
    if (!e->resolved)
        draw_text(pc, y, cx + 1, x + w - cx - 1, draw_role(sel, ROLE_DIM), status_code_desc(e->code));
}

static void err_draw(const pane_ctx_t *pc, view_t *v, size_t row, int y, int x, int w, bool sel)
{
    size_t line;
    const model_error_t *e = err_at(pc, v, row, &line);
    if (!e)
        return;
    if (sel)
        draw_fill(pc, y, x, w, ROLE_CURSOR);
    const err_row_t *er = view_row(pc, v, row);
    if (er->seq) {
        draw_output(pc, v, er->seq, y, x, w, sel);
    } else if (line == 0) {
        draw_head(pc, e, y, x, w, sel);
    } else if (line == 1) {
        draw_text(pc, y, x + 4, w - 4, draw_role(sel, e->resolved ? ROLE_DIM : ROLE_DEFAULT),
                  e->message);
    } else {
        const suggestion_t *s = &e->suggestions[line - 2];
        int cx = x + 4;
        cx += draw_text(pc, y, cx, 2, draw_role(sel, ROLE_SUGGESTION), draw_glyph(pc, GLYPH_ARROW)) + 1;
        draw_text(pc, y, cx, x + w - cx, draw_role(sel, e->resolved ? ROLE_DIM : ROLE_SUGGESTION),
                  s->action);
    }
}

static void err_text(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out)
{
    size_t line;
    const model_error_t *e = err_at(pc, v, row, &line);
    if (!e)
        return;
    sb_printf(out, "%s %s %s %s", phase_name(e->phase), status_code_name(e->code), e->subject,
              e->message);
    for (size_t i = 0; i < e->n_suggestions; i++)
        sb_printf(out, " %s", e->suggestions[i].action);
}

/* A line of an error is the error's id and the line; its error is the
 * parent (the head line when the line is gone: a tail that moved on). */
static void err_key(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *key, strbuf_t *parent)
{
    const err_row_t *r = view_row(pc, v, row);
    const model_error_t *e = r ? model_error_at(pc->model, r->err) : NULL;
    if (!e)
        return;
    if (r->seq) /* a line of the build's output: its place moves as the tail does */
        sb_printf(key, "%llu/out %llu", (unsigned long long)e->id, (unsigned long long)r->seq);
    else
        sb_printf(key, "%llu/%zu", (unsigned long long)e->id, r->line);
    sb_printf(parent, "%llu", (unsigned long long)e->id);
}

static const char *err_kind(const pane_ctx_t *pc, view_t *v, size_t row)
{
    size_t line;
    const model_error_t *e = err_at(pc, v, row, &line);
    return e ? phase_name(e->phase) : NULL;
}

/* Whether a line of build output reports an error: it says error, fatal
 * or failed, or gives a compiler's file:line:col: position that is not a
 * warning. */
static bool error_line(const char *s, size_t n)
{
    static const char *const words[] = {"error", "fatal", "failed"};
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
            if (n - i >= strlen(words[k]) && !strncasecmp(s + i, words[k], strlen(words[k])))
                return true;
        int line, col, used = 0;
        if (s[i] == ':' && sscanf(s + i, ":%d:%d: %n", &line, &col, &used) == 2 && used &&
            i + (size_t)used <= n && strncasecmp(s + i + used, "warning", 7))
            return true;
    }
    return false;
}

static void err_details(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out, char *title, size_t tlen)
{
    size_t line;
    const model_error_t *e = err_at(pc, v, row, &line);
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
    if (e->phase != PHASE_BUILD)
        return;
    const log_line_t *tail[ERR_TAIL_DETAILS];
    size_t n = logs_tail_of(model_logs(pc->model), "Build", e->subject, e->iteration, e->session,
                            tail, ERR_TAIL_DETAILS);
    if (!n && !model_has_tasks(pc->model))
        return; /* v1 alone: Skaffold's output is not on that API */
    sb_printf(out, "\nthe build's last %zu line%s of output:\n", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        size_t at = out->len;
        sb_adds(out, "  ");
        sgr_strip(out, tail[i]->text, tail[i]->len);
        if (v->anchor == SIZE_MAX && error_line(out->data + at, out->len - at))
            v->anchor = at; /* the popup opens at the first error line */
        sb_addc(out, '\n');
    }
    if (!n)
        sb_adds(out, "  (none in the log: Skaffold 2.x's v2 API sends it)\n");
}

/* The command in a suggestion: the text between its first pair of
 * backquotes, else what follows its last ": " (Skaffold writes "Try
 * checking container logs: kubectl logs ..."), else all of it. */
static void suggested_command(const char *s, const char **cmd, size_t *len)
{
    const char *q = strchr(s, '`'), *e = q ? strchr(q + 1, '`') : NULL, *c = NULL;
    if (e && e > q + 1) {
        *cmd = q + 1, *len = (size_t)(e - q - 1);
        return;
    }
    for (const char *p = strstr(s, ": "); p; p = strstr(p + 1, ": "))
        c = p + 2;
    *cmd = c && *c ? c : s;
    *len = strlen(*cmd);
}

/* y: the selected line's error (code and message), suggested command, or
 * line of build output, to the clipboard. */
static int err_copy(const pane_ctx_t *pc, pane_req_t *req, view_t *v)
{
    size_t line;
    const model_error_t *e = view_rows(pc, v) ? err_at(pc, v, view_source_row(v, v->cursor), &line) : NULL;
    if (!e) {
        pane_say(req, true, "no error selected");
        return UI_REDRAW;
    }
    const err_row_t *r = view_row(pc, v, view_source_row(v, v->cursor));
    const log_line_t *out = r->seq ? logs_get(model_logs(pc->model), r->seq) : NULL;
    strbuf_t t;
    sb_init(&t);
    const char *what = "the error";
    if (out) {
        sgr_strip(&t, out->text, out->len);
        what = "the line of output";
    } else if (line >= 2 && line - 2 < e->n_suggestions) {
        const char *cmd;
        size_t len;
        suggested_command(e->suggestions[line - 2].action, &cmd, &len);
        sb_add(&t, cmd, len);
        what = "the suggested command";
    } else {
        sb_printf(&t, "%s: %s", status_code_name(e->code), e->message);
    }
    pane_copy_text(req, t.data, t.len, what);
    sb_free(&t);
    return UI_REDRAW;
}

static int err_action(const pane_ctx_t *pc, view_t *v, action_t a, pane_req_t *req)
{
    return a == ACT_COPY ? err_copy(pc, req, v) : UI_PASS;
}

static void err_summary(const pane_ctx_t *pc, view_t *v, char *buf, size_t len)
{
    size_t n = model_error_count(pc->model), open = model_unresolved_errors(pc->model);
    snprintf(buf, len, "%zu, %zu unresolved", n, open);
}

static const action_t err_hints[] = {ACT_DETAILS, ACT_COPY, ACT_LOG_JUMP, ACT_FILTER, ACT_NEXT_ERROR, ACT_NONE};

const view_ops_t pane_errors_ops = {
    .layout = {.column = PANE_COLUMN_RIGHT, .rank = 4, .history = true},
    .private_size = sizeof(err_priv_t),
    .free_private = err_free_private,
    .row_size = sizeof(err_row_t),
    .build_rows = err_build_rows,
    .draw_row = err_draw,
    .row_text = err_text,
    .row_key = err_key,
    .row_kind = err_kind,
    .details = err_details,
    .action = err_action,
    .summary = err_summary,
    .hints = err_hints,
    .empty = "(no errors)",
};
