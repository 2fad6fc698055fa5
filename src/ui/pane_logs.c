/* Logs: Skaffold's output and the application's logs (skaffold/logs.h),
 * newest at the bottom, following new lines until the user moves up.
 *
 * The view draws only the lines on screen: an index of the seqs passing the
 * filters (logs_index.h) is kept up to date incrementally, so a frame costs
 * the new lines plus the visible ones, never the whole ring. Lines may wrap,
 * so the pane draws its own body (view_ops.draw_body) and handles the
 * movement keys itself; its position is held as seqs (logs_priv.h).
 * Filters, search, jump, copy and save are in logs_act.c. */
#include <stdio.h>
#include <string.h>
#include "core/bre.h"
#include "core/sgr.h"
#include "ui/draw.h"
#include "ui/logs_priv.h"
#include "ui/view.h"

lv_priv_t *lv_priv(const pane_ctx_t *pc, view_t *v)
{
    lv_priv_t *p = v->priv;
    if (!p->ready) {
        log_filter_init(&p->f);
        log_filter_init(&p->hl);
        logs_index_init(&p->idx);
        lv_layout_init(&p->lay);
        p->times = false;
        p->only = true;
        p->fgen = 1;
        p->ready = true;
    }
    return p;
}

static void lv_free_private(void *priv)
{
    lv_priv_t *p = priv;
    if (!p->ready)
        return;
    log_filter_free(&p->f);
    log_filter_free(&p->hl);
    logs_index_free(&p->idx);
    lv_layout_free(&p->lay);
}

void lv_filter_changed(lv_priv_t *p)
{
    p->fgen++;
}

void lv_sync(const pane_ctx_t *pc, view_t *v)
{
    lv_priv_t *p = lv_priv(pc, v);
    log_filter_pass(&p->f, BRE_BUDGET_MS);
    logs_index_update(&p->idx, model_logs(pc->model), &p->f, p->fgen);
}

static size_t lv_count(const pane_ctx_t *pc, view_t *v)
{
    lv_sync(pc, v);
    return logs_index_count(&lv_priv(pc, v)->idx);
}

/* The cursor's position in the index (the newest line while following). */
static size_t cur_pos(const pane_ctx_t *pc, view_t *v)
{
    lv_priv_t *p = lv_priv(pc, v);
    size_t n = logs_index_count(&p->idx);
    if (n == 0)
        return 0;
    if (v->follow)
        return n - 1;
    size_t at = logs_index_lower(&p->idx, p->cur);
    return at < n ? at : n - 1;
}

uint64_t lv_cursor(const pane_ctx_t *pc, view_t *v)
{
    lv_sync(pc, v);
    return logs_index_at(&lv_priv(pc, v)->idx, cur_pos(pc, v));
}

size_t lv_below(const pane_ctx_t *pc, view_t *v)
{
    size_t n = logs_index_count(&lv_priv(pc, v)->idx);
    return v->follow || n == 0 ? 0 : n - 1 - cur_pos(pc, v);
}

void lv_goto(view_t *v, uint64_t seq)
{
    lv_priv_t *p = v->priv;
    v->follow = seq == 0;
    p->cur = seq;
    p->mark = 0;
}

/* ---- drawing ------------------------------------------------------------ */

typedef struct frame {
    const pane_ctx_t *pc;
    lv_priv_t *p;
    const logs_t *l;
    lv_opts_t o;
    size_t n, cur;
    uint64_t lo, hi;           /* the selection (seqs), when marked */
    bool focused;
} frame_t;

static lv_look_t look_of(const frame_t *fr, size_t i, uint64_t seq)
{
    if (!fr->focused)
        return LV_PLAIN;
    if (i == fr->cur && (!fr->pc->views[PANE_LOGS].follow || fr->p->mark))
        return LV_CURSOR;
    return fr->p->mark && seq >= fr->lo && seq <= fr->hi ? LV_MARKED : LV_PLAIN;
}

/* The session line i begins (another Skaffold's lines after those of the
 * line above: a restart, or the next session of a log), or 0. */
static uint32_t session_mark(const frame_t *fr, size_t i, const log_line_t *line)
{
    if (line->session <= 1)
        return 0;
    const log_line_t *prev = i ? logs_get(fr->l, logs_index_at(&fr->p->idx, i - 1)) : NULL;
    return !prev || prev->session != line->session ? line->session : 0;
}

/* Lays out line i of the index; its rows (1 for a line that left the ring). */
static int lay_out(frame_t *fr, size_t i)
{
    uint64_t seq = logs_index_at(&fr->p->idx, i);
    const log_line_t *line = logs_get(fr->l, seq);
    fr->p->lay.n = 0;
    fr->p->lay.rows = 1;
    if (!line)
        return 1;
    lv_opts_t o = fr->o;
    o.look = look_of(fr, i, seq);
    o.session_mark = session_mark(fr, i, line);
    lv_layout_line(&fr->p->lay, line, &o);
    return fr->p->lay.rows;
}

static int rows_of(frame_t *fr, size_t i)
{
    return fr->o.wrap ? lay_out(fr, i) : 1;
}

/* The top line (and rows of it above the screen) that puts line `bottom`
 * on the last row. */
static size_t anchor_bottom(frame_t *fr, size_t bottom, int h, int *skip)
{
    int rows = rows_of(fr, bottom);
    size_t top = bottom;
    while (top > 0 && rows < h) {
        int r = rows_of(fr, top - 1);
        if (rows + r > h)
            break;
        rows += r;
        top--;
    }
    *skip = rows > h ? rows - h : 0;
    return top;
}

/* Where the screen starts: the newest lines while following, else the
 * kept top, moved so that the cursor's line is on screen. */
static size_t place(frame_t *fr, view_t *v, int h, int *skip)
{
    lv_priv_t *p = fr->p;
    if (v->follow)
        return anchor_bottom(fr, fr->n - 1, h, skip);
    size_t top = logs_index_lower(&p->idx, p->top);
    *skip = top < fr->n && logs_index_at(&p->idx, top) == p->top ? p->top_skip : 0;
    if (top >= fr->n || fr->cur < top) {
        *skip = 0;
        return fr->cur < top ? fr->cur : anchor_bottom(fr, fr->cur, h, skip);
    }
    int rows = -*skip;
    for (size_t i = top; i < fr->cur && rows < h; i++)
        rows += rows_of(fr, i);
    if (rows + rows_of(fr, fr->cur) > h)
        return anchor_bottom(fr, fr->cur, h, skip);
    /* No empty rows at the bottom while there are lines above. */
    for (size_t i = fr->cur; i < fr->n && rows < h; i++)
        rows += rows_of(fr, i);
    return rows < h && top > 0 ? anchor_bottom(fr, fr->n - 1, h, skip) : top;
}

static void draw_empty(const pane_ctx_t *pc, view_t *v, rect_t r)
{
    const logs_t *l = model_logs(pc->model);
    const char *s = logs_count(l) ? "(no line passes the filters: x clears them)"
                    : pc->v1_only
                        ? "(no log lines: this server has no v2 API (v1 only), which carries "
                          "Skaffold's output and the application's logs)"
                        : "(no log lines yet: Skaffold 2.x sends its output and the "
                          "application's logs on its v2 API)";
    for (int i = 0; i < r.h; i++)
        draw_fill(pc, r.y + i, r.x, r.w, ROLE_DEFAULT);
    draw_text(pc, r.y, r.x + 2, r.w - 2, ROLE_DIM, s);
}

static void lv_draw_body(const pane_ctx_t *pc, view_t *v, rect_t r, bool focused)
{
    lv_priv_t *p = lv_priv(pc, v);
    lv_sync(pc, v);
    frame_t fr = {pc, p, model_logs(pc->model), {0}, logs_index_count(&p->idx), 0, 0, 0, focused};
    log_filter_pass(&p->hl, BRE_BUDGET_MS);           /* this frame's highlights */
    if (r.h <= 0)
        return;
    if (fr.n == 0 || r.w < 4) {
        draw_empty(pc, v, r);
        return;
    }
    fr.o = (lv_opts_t){.w = r.w - 1, .wrap = p->wrap, .times = p->times && r.w >= 60,
                       .tag_w = r.w >= 100 ? 24 : r.w >= 60 ? 16 : 0,
                       .text_flags = pane_text_flags(pc), .hl = p->text[0] ? &p->hl : NULL};
    fr.cur = cur_pos(pc, v);
    uint64_t cs = logs_index_at(&p->idx, fr.cur);
    fr.lo = p->mark < cs ? p->mark : cs;
    fr.hi = p->mark < cs ? cs : p->mark;
    int skip = 0;
    size_t top = place(&fr, v, r.h, &skip);
    p->top = logs_index_at(&p->idx, top);
    p->top_skip = skip;
    if (!v->follow)
        p->cur = cs;
    int y = r.y;
    for (size_t i = top; i < fr.n && y < r.y + r.h; i++, skip = 0) {
        int rows = lay_out(&fr, i), show = rows - skip;
        if (show > r.y + r.h - y)
            show = r.y + r.h - y;
        lv_look_t look = look_of(&fr, i, logs_index_at(&p->idx, i));
        for (int k = 0; k < show; k++)
            draw_fill(pc, y + k, r.x, r.w, look == LV_CURSOR ? ROLE_CURSOR
                                           : look == LV_MARKED ? ROLE_LOG_SELECT : ROLE_DEFAULT);
        lv_layout_draw(&p->lay, y, r.x + 1, skip, show);
        y += show;
    }
    for (; y < r.y + r.h; y++)
        draw_fill(pc, y, r.x, r.w, ROLE_DEFAULT);
}

/* One line, not wrapped: what the engine would draw (the pane draws its own
 * body; this keeps the ops complete for callers that draw rows). */
static void lv_draw_row(const pane_ctx_t *pc, view_t *v, size_t row, int y, int x, int w, bool sel)
{
    lv_priv_t *p = lv_priv(pc, v);
    const log_line_t *line = logs_get(model_logs(pc->model), logs_index_at(&p->idx, row));
    if (!line || w < 2)
        return;
    lv_opts_t o = {.w = w - 1, .times = p->times, .tag_w = w >= 100 ? 24 : w >= 60 ? 16 : 0,
                   .text_flags = pane_text_flags(pc), .look = sel ? LV_CURSOR : LV_PLAIN,
                   .hl = p->text[0] ? &p->hl : NULL};
    if (sel)
        draw_fill(pc, y, x, w, ROLE_CURSOR);
    lv_layout_line(&p->lay, line, &o);
    lv_layout_draw(&p->lay, y, x + 1, 0, 1);
}

/* ---- moving ------------------------------------------------------------- */

/* Moves the cursor by delta lines; reaching the newest follows again. */
static void move_by(const pane_ctx_t *pc, view_t *v, long delta)
{
    lv_priv_t *p = lv_priv(pc, v);
    size_t n = logs_index_count(&p->idx);
    if (n == 0)
        return;
    long c = (long)cur_pos(pc, v) + delta;
    c = c < 0 ? 0 : c >= (long)n ? (long)n - 1 : c;
    p->cur = logs_index_at(&p->idx, (size_t)c);
    v->follow = delta > 0 && (size_t)c == n - 1 && !p->mark;
}

static int lv_move(const pane_ctx_t *pc, pane_req_t *req, view_t *v, action_t a)
{
    long page = v->body_h > 1 ? v->body_h - 1 : 1;
    lv_priv_t *p = lv_priv(pc, v);
    lv_sync(pc, v);
    switch (a) {
    case ACT_MOVE_UP: move_by(pc, v, -1); break;
    case ACT_MOVE_DOWN: move_by(pc, v, 1); break;
    case ACT_PAGE_UP: move_by(pc, v, -page); break;
    case ACT_PAGE_DOWN: move_by(pc, v, page); break;
    case ACT_MOVE_FIRST:
        p->cur = logs_index_at(&p->idx, 0);
        v->follow = false;
        break;
    case ACT_MOVE_LAST: v->follow = true; break;
    case ACT_FOLLOW:
        p->cur = lv_cursor(pc, v);
        v->follow = !v->follow;
        pane_say(req, false, "follow %s", v->follow ? "on" : "off");
        break;
    default: return UI_PASS;
    }
    return UI_REDRAW;
}

static int lv_act(const pane_ctx_t *pc, view_t *v, action_t a, pane_req_t *req)
{
    int r = lv_move(pc, req, v, a);
    return r != UI_PASS ? r : lv_action(pc, v, a, req);
}

/* ---- text, details, title ------------------------------------------------ */

static void lv_row_text(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out)
{
    lv_priv_t *p = lv_priv(pc, v);
    const log_line_t *line = logs_get(model_logs(pc->model), logs_index_at(&p->idx, row));
    if (line)
        lv_plain(line, false, out);
}

static void lv_details(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out, char *title, size_t tlen)
{
    uint64_t seq = lv_cursor(pc, v);
    const log_line_t *line = logs_get(model_logs(pc->model), seq);
    if (!line) {
        sb_adds(out, "(no line selected)\n");
        return;
    }
    char t[32];
    lv_time(line->time_ns, t, sizeof t);
    snprintf(title, tlen, "Log line %llu", (unsigned long long)seq);
    sb_printf(out, "time:       %s\nsource:     %s\n", t, line->src == LOG_APP ? "application" : "Skaffold");
    if (line->src == LOG_APP)
        sb_printf(out, "pod:        %s\ncontainer:  %s\nprefix:     %s\n", line->pod, line->container,
                  line->prefix);
    else
        sb_printf(out, "task:       %s\nsubject:    %s\nlevel:      %d\n", line->task, line->subject,
                  line->level);
    sb_printf(out, "iteration:  %d\nsession:    %u\n%s\n", line->iteration, (unsigned)line->session,
              line->flags & LOG_PARTIAL ? "(no end of line yet)\n" : "");
    sgr_strip(out, line->text, line->len);
    sb_addc(out, '\n');
}

static void lv_summary(const pane_ctx_t *pc, view_t *v, char *buf, size_t len)
{
    lv_describe(pc, v, buf, len);
}

static const action_t lv_hints[] = {ACT_FILTER, ACT_LOG_SOLO, ACT_LOG_MUTE, ACT_LOG_CLEAR,
                                    ACT_LOG_WRAP, ACT_ZOOM, ACT_NONE};

/* The pane's own default bindings (keys.h). */
static const pane_key_t logs_keys[] = {
    {"s", ACT_LOG_SOLO},
    {"m", ACT_LOG_MUTE},
    {"x", ACT_LOG_CLEAR},
    {"a", ACT_LOG_SOURCE},
    {"v", ACT_LOG_LEVEL},
    {"R", ACT_LOG_REGEX},
    {"&", ACT_LOG_ONLY},
    {"w", ACT_LOG_WRAP},
    {"t", ACT_LOG_TIMES},
    {"V", ACT_LOG_MARK},
    {"y", ACT_LOG_COPY},
    {"o", ACT_LOG_SAVE},
    {NULL, ACT_NONE},
};

const view_ops_t pane_logs_ops = {
    .layout = {.column = PANE_COLUMN_RIGHT, .rank = 7, .history = true, .big_only = true},
    .keys = logs_keys,
    .private_size = sizeof(lv_priv_t),
    .free_private = lv_free_private,
    .count = lv_count,
    .draw_row = lv_draw_row,
    .draw_body = lv_draw_body,
    .row_text = lv_row_text,
    .details = lv_details,
    .action = lv_act,
    .prompt = lv_prompt,
    .summary = lv_summary,
    .hints = lv_hints,
    .follow_default = true,
    .empty = "(no log lines yet)",
};
