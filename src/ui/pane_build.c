/* Build: one BuildKit build as BuildKit's tty display shows it, and more:
 * one line per started vertex (CACHED / ERROR / CANCELED, a running timer,
 * then the duration), byte statuses as progress bars, the last lines of each
 * running vertex's log, warnings, and once the build is over the whole log of
 * each failed vertex at the end. Enter on a vertex shows its whole log in
 * place. Without a build (live, no --ref) the pane lists the daemon's builds
 * to pick one (ListenBuildHistory). Rows come from bk_progress_rows(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ui/draw.h"
#include "ui/view.h"

enum row_kind {
    ROW_VERTEX = BK_ROW_VERTEX,
    ROW_STATUS = BK_ROW_STATUS,
    ROW_LOG = BK_ROW_LOG,
    ROW_WARNING = BK_ROW_WARNING,
    ROW_FAIL_RULE,             /* "------" around a failed vertex's log */
    ROW_FAIL_HEAD,             /* " > NAME:" */
    ROW_FAIL_DROPPED,          /* lines the model did not keep */
    ROW_FAIL_LINE,
    ROW_BUILD,                 /* picking: one of the daemon's builds */
};

typedef struct row {
    enum row_kind kind;
    size_t vertex, item;
} row_t;

/* The pane's private block: bk_progress_rows' working array. The rows
 * themselves are the engine's cache, rebuilt when BuildKit's state changed. */
typedef struct build_priv {
    bk_row_t *tmp;
    size_t tmp_cap;
} build_priv_t;

static void build_free_private(void *priv)
{
    free(((build_priv_t *)priv)->tmp);
}

static void push(view_t *v, enum row_kind k, size_t vertex, size_t item)
{
    *(row_t *)view_row_push(v) = (row_t){k, vertex, item};
}

/* The build is over: tails go, failed logs follow (as progressui's last frame). */
static bool final(const bk_model_t *b)
{
    return b->status_ended;
}

static void add_failed_logs(view_t *view, const bk_progress_t *p)
{
    for (size_t i = 0; i < bk_progress_count(p); i++) {
        const bk_vertex_t *v = bk_progress_vertex(p, i);
        if (bk_vertex_state(v) != BK_ERROR)
            continue;
        push(view, ROW_FAIL_RULE, i, 0);
        push(view, ROW_FAIL_HEAD, i, 0);
        if (v->log.dropped)
            push(view, ROW_FAIL_DROPPED, i, 0);
        for (size_t k = 0; k < bk_log_count(&v->log); k++)
            push(view, ROW_FAIL_LINE, i, k);
        push(view, ROW_FAIL_RULE, i, 1);
    }
}

static void build_build_rows(const pane_ctx_t *pc, view_t *v)
{
    const bk_model_t *b = pc->bk;
    if (!b)
        return;
    if (pc->bk_picking) {
        for (size_t i = 0; i < b->builds.n; i++)
            push(v, ROW_BUILD, i, 0);
        return;
    }
    build_priv_t *pv = v->priv;
    int flags = final(b) ? BK_RENDER_FINAL : 0;
    size_t n = bk_progress_rows(b->progress, flags, pc->bk_expanded, &pv->tmp, &pv->tmp_cap);
    for (size_t i = 0; i < n; i++)
        push(v, (enum row_kind)pv->tmp[i].kind, pv->tmp[i].vertex, pv->tmp[i].item);
    if (flags & BK_RENDER_FINAL)
        add_failed_logs(v, b->progress);
}

static role_t vertex_role(bk_state_t s)
{
    switch (s) {
    case BK_RUNNING: return ROLE_RUNNING;
    case BK_CACHED: return ROLE_INFO;
    case BK_ERROR: return ROLE_FAILED;
    case BK_CANCELED: case BK_PENDING: return ROLE_PENDING;
    default: return ROLE_DEFAULT;
    }
}

static int text_flags(const pane_ctx_t *pc)
{
    return pc->ascii ? BK_RENDER_ASCII : 0;
}

/* A row as bk_progress_row_text makes it, without its newline. */
static void model_text(const pane_ctx_t *pc, const row_t *r, int w, strbuf_t *out)
{
    bk_row_t br = {(bk_row_kind_t)r->kind, r->vertex, r->item};
    int flags = text_flags(pc) | (final(pc->bk) ? BK_RENDER_FINAL : 0);
    bk_progress_row_text(pc->bk->progress, &br, w, pc->bk_now, flags, out);
    if (out->len && out->data[out->len - 1] == '\n')
        out->data[--out->len] = 0;
}

/* " => => ID  [██████────] 1.20MB / 3.41MB  0.4s": the bar only with a total. */
static void draw_status(const pane_ctx_t *pc, const bk_status_t *s, int y, int x, int w, bool sel)
{
    strbuf_t t;
    sb_init(&t);
    if (s->total || s->current) {
        bk_format_bytes(&t, s->current);
        if (s->total) {
            sb_adds(&t, " / ");
            bk_format_bytes(&t, s->total);
        }
    }
    if (s->started)
        sb_printf(&t, "  %.1fs", (double)bk_status_duration_ns(s, pc->bk_now) / 1e9);
    int bar = s->total > 0 && w >= 60 ? 20 : 0, tw = draw_width(pc, t.data ? t.data : "");
    int right = tw + (bar ? bar + 3 : 0), end = x + w - 1;
    int cx = x + draw_text(pc, y, x, w, draw_role(sel, ROLE_DIM), " => => ");
    draw_text(pc, y, cx, end - right - cx - 1, draw_role(sel, ROLE_DEFAULT), s->id);
    cx = end - right;
    if (bar) {
        int64_t cur = s->current < s->total ? s->current : s->total;
        int full = (int)(cur * bar / s->total);
        cx += draw_text(pc, y, cx, 1, draw_role(sel, ROLE_DIM), "[");
        draw_repeat(pc, y, cx, full, draw_role(sel, ROLE_BAR_BUILD), GLYPH_BAR);
        draw_repeat(pc, y, cx + full, bar - full, draw_role(sel, ROLE_DIM), GLYPH_HLINE);
        cx += bar;
        cx += draw_text(pc, y, cx, 2, draw_role(sel, ROLE_DIM), "] ");
    }
    draw_text(pc, y, cx, end - cx, draw_role(sel, s->completed ? ROLE_DEFAULT : ROLE_RUNNING), t.data ? t.data : "");
    sb_free(&t);
}

/* One of the daemon's builds: state, ref, steps, when, error. */
static void build_line(const pane_ctx_t *pc, const bk_build_t *bd, strbuf_t *out)
{
    sb_printf(out, "%-9s %-26s %d/%d steps", bk_build_state(bd), bd->ref ? bd->ref : "", bd->done, bd->total);
    if (bd->cached)
        sb_printf(out, " (%d cached)", bd->cached);
    sb_adds(out, "  ");
    bk_format_ago(out, bd->created, pc->bk_now);
    if (bd->created && bd->completed)
        sb_printf(out, "  %.1fs", (double)(bd->completed - bd->created) / 1e9);
    if (bd->error)
        sb_printf(out, "  %s", bd->error);
}

static void draw_build(const pane_ctx_t *pc, const bk_build_t *bd, int y, int x, int w, bool sel)
{
    strbuf_t t;
    sb_init(&t);
    build_line(pc, bd, &t);
    role_t role = bd->error ? ROLE_FAILED : bd->active ? ROLE_RUNNING : ROLE_DEFAULT;
    draw_text(pc, y, x + 1, w - 1, draw_role(sel, role), t.data);
    sb_free(&t);
}

static void draw_fail(const pane_ctx_t *pc, const row_t *r, int y, int x, int w, bool sel)
{
    const bk_vertex_t *v = bk_progress_vertex(pc->bk->progress, r->vertex);
    size_t len;
    const char *line;
    switch (r->kind) {
    case ROW_FAIL_RULE: draw_text(pc, y, x, w, draw_role(sel, ROLE_FAILED), "------"); break;
    case ROW_FAIL_HEAD: draw_fmt(pc, y, x, w, draw_role(sel, ROLE_FAILED), " > %s:", v->name ? v->name : ""); break;
    case ROW_FAIL_DROPPED:
        draw_fmt(pc, y, x, w, draw_role(sel, ROLE_DIM), "[%llu earlier lines not kept]",
                 (unsigned long long)v->log.dropped);
        break;
    default:
        line = bk_log_line(&v->log, r->item, &len);
        draw_textn(pc, y, x, w, draw_role(sel, ROLE_DEFAULT), line, len);
    }
}

static void build_draw(const pane_ctx_t *pc, view_t *v, size_t i, int y, int x, int w, bool sel)
{
    const row_t *r = view_row(pc, v, i);
    if (!r)
        return;
    if (sel)
        draw_fill(pc, y, x, w, ROLE_CURSOR);
    if (r->kind == ROW_BUILD) {
        draw_build(pc, &pc->bk->builds.b[r->vertex], y, x, w, sel);
        return;
    }
    if (r->kind >= ROW_FAIL_RULE) {
        draw_fail(pc, r, y, x, w, sel);
        return;
    }
    const bk_vertex_t *vx = bk_progress_vertex(pc->bk->progress, r->vertex);
    if (r->kind == ROW_STATUS) {
        draw_status(pc, &vx->statuses[r->item], y, x, w, sel);
        return;
    }
    strbuf_t t;
    sb_init(&t);
    model_text(pc, r, w - 1, &t);
    role_t role = r->kind == ROW_VERTEX ? vertex_role(bk_vertex_state(vx))
                  : r->kind == ROW_WARNING ? ROLE_SLOW : ROLE_DIM;
    draw_text(pc, y, x, w - 1, draw_role(sel, role), t.data ? t.data : "");
    sb_free(&t);
}

static void build_text(const pane_ctx_t *pc, view_t *v, size_t i, strbuf_t *out)
{
    const row_t *r = view_row(pc, v, i);
    if (!r)
        return;
    if (r->kind == ROW_BUILD) {
        build_line(pc, &pc->bk->builds.b[r->vertex], out);
    } else if (r->kind >= ROW_FAIL_RULE) {
        size_t len;
        const bk_vertex_t *vx = bk_progress_vertex(pc->bk->progress, r->vertex);
        if (r->kind == ROW_FAIL_LINE) {
            const char *line = bk_log_line(&vx->log, r->item, &len);
            sb_add(out, line, len);
        } else if (r->kind == ROW_FAIL_HEAD) {
            sb_adds(out, vx->name ? vx->name : "");
        }
    } else {
        model_text(pc, r, 1000, out);
    }
}

/* A row's item, so that the cursor stays on it as rows come and go (a
 * step's log tail grows above it, a build is picked): the vertex by its
 * digest and what of it the row is, a log line by its number in the
 * vertex's whole log; a build of the list by its ref. */
static void build_key(const pane_ctx_t *pc, view_t *v, size_t i, strbuf_t *key, strbuf_t *parent)
{
    static const char *const what[] = {"step", "status", "log", "warning", "rule", "head", "dropped", "line"};
    const row_t *r = view_row(pc, v, i);
    if (!r)
        return;
    if (r->kind == ROW_BUILD) {
        sb_printf(key, "build %s", pc->bk->builds.b[r->vertex].ref);
        return;
    }
    const bk_vertex_t *vx = bk_progress_vertex(pc->bk->progress, r->vertex);
    const char *d = vx->digest ? vx->digest : "";
    sb_printf(key, "%s %s", what[r->kind], d);
    if (r->kind != ROW_VERTEX)
        sb_printf(parent, "step %s", d);
    if (r->kind == ROW_STATUS)
        sb_printf(key, " %s", vx->statuses[r->item].id ? vx->statuses[r->item].id : "");
    else if (r->kind == ROW_LOG || r->kind == ROW_FAIL_LINE)
        sb_printf(key, " %llu", (unsigned long long)(vx->log.dropped + r->item));
    else if (r->kind != ROW_VERTEX)
        sb_printf(key, " %zu", r->item);
}

static const char *build_kind(const pane_ctx_t *pc, view_t *v, size_t i)
{
    static const char *const names[] = {"step", "status", "log", "warning", "error", "error", "error", "error", "build"};
    const row_t *r = view_row(pc, v, i);
    return r ? names[r->kind] : NULL;
}

static void vertex_details(const pane_ctx_t *pc, const bk_vertex_t *v, strbuf_t *out)
{
    bk_state_t st = bk_vertex_state(v);
    sb_printf(out, "name:      %s\ndigest:    %s\nstate:     %s\nduration:  %.1fs\n", v->name ? v->name : "",
              v->digest ? v->digest : "", bk_state_name(st), (double)bk_vertex_duration_ns(v, pc->bk_now) / 1e9);
    if (v->error)
        sb_printf(out, "error:     %s\n", v->error);
    sb_printf(out, "inputs:    %zu\nlog:       %zu lines", v->n_inputs, bk_log_count(&v->log));
    if (v->log.dropped)
        sb_printf(out, " (%llu earlier not kept)", (unsigned long long)v->log.dropped);
    sb_adds(out, "\n\n");
    for (size_t k = 0; k < bk_log_count(&v->log); k++) {
        size_t len;
        const char *line = bk_log_line(&v->log, k, &len);
        sb_add(out, line, len);
        sb_addc(out, '\n');
    }
}

static void build_details(const pane_ctx_t *pc, view_t *v, size_t i, strbuf_t *out, char *title, size_t tlen)
{
    const row_t *r = view_row(pc, v, i);
    if (!r)
        return;
    if (r->kind == ROW_BUILD) {
        snprintf(title, tlen, "Build");
        build_line(pc, &pc->bk->builds.b[r->vertex], out);
        sb_addc(out, '\n');
        return;
    }
    snprintf(title, tlen, "Step");
    vertex_details(pc, bk_progress_vertex(pc->bk->progress, r->vertex), out);
}

/* Enter: follow the picked build, or show / hide a vertex's whole log. */
static int build_expand(const pane_ctx_t *pc, pane_req_t *req, view_t *v)
{
    const bk_model_t *m = pc->bk;
    if (view_rows(pc, v) == 0) {
        pane_say(req, true, "nothing selected");
        return UI_REDRAW;
    }
    const row_t *r = view_row(pc, v, view_source_row(v, v->cursor));
    if (r->kind == ROW_BUILD) {
        const bk_build_t *bd = &m->builds.b[r->vertex];
        pane_say(req, false, "%s build %s", bd->active ? "following" : "replaying", bd->ref);
        snprintf(req->bk_follow, sizeof req->bk_follow, "%s", bd->ref);
        req->bk_follow_running = bd->active;
        return UI_REDRAW;
    }
    long vi = (long)r->vertex;
    req->bk_expand_set = true;
    req->bk_expand = pc->bk_expanded == vi ? -1 : vi;
    v->follow = false;
    /* The vertex's own row keeps its place: the log goes in after it. */
    const row_t *row;
    for (size_t k = 0; (row = view_row(pc, v, k)); k++)
        if (row->kind == ROW_VERTEX && (long)row->vertex == vi && !v->filter[0])
            v->cursor = k;
    return UI_REDRAW;
}

static int build_action(const pane_ctx_t *pc, view_t *v, action_t a, pane_req_t *req)
{
    if (a == ACT_EXPAND && pc->bk)
        return build_expand(pc, req, v);
    return UI_PASS;
}

static void build_summary(const pane_ctx_t *pc, view_t *v, char *buf, size_t len)
{
    const bk_model_t *b = pc->bk;
    if (!b) {
        buf[0] = 0;
    } else if (pc->bk_picking && b->no_history) {
        snprintf(buf, len, "%s", BK_NO_HISTORY);
    } else if (pc->bk_picking) {
        snprintf(buf, len, "%zu builds: Enter follows one%s%s", b->builds.n,
                 b->follow_all ? "; every build that runs is followed" : "",
                 b->history_err[0] ? " (history failed)" : "");
    } else if (b->status_waiting) {
        snprintf(buf, len, "waiting for build %.40s to start", b->ref);
    } else {
        unsigned done, total;
        bk_progress_counts(b->progress, &done, &total);
        bool failed = bk_progress_failed(b->progress) != NULL;
        bool finished = final(b) && total && done == total && !failed;
        snprintf(buf, len, "Building %.1fs (%u/%u)%s%s%s%.40s%s",
                 (double)bk_progress_elapsed_ns(b->progress, pc->bk_now) / 1e9, done, total,
                 finished ? " FINISHED" : "", failed ? " ERROR" : "",
                 pc->bk_live ? "  ref " : "", pc->bk_live ? b->ref : "",
                 b->follow_all ? "  (every build)" : "");
    }
}

static const action_t build_hints[] = {ACT_EXPAND, ACT_PICK_BUILD, ACT_DETAILS, ACT_NONE};

/* The pane's own default bindings (keys.h). */
static const pane_key_t build_keys[] = {
    {"Enter", ACT_EXPAND},
    {NULL, ACT_NONE},
};

const view_ops_t pane_build_ops = {
    .layout = {.column = PANE_COLUMN_LEFT, .rank = 0, .history = true},
    .keys = build_keys,
    .private_size = sizeof(build_priv_t),
    .free_private = build_free_private,
    .row_size = sizeof(row_t),
    .build_rows = build_build_rows,
    .draw_row = build_draw,
    .row_text = build_text,
    .row_kind = build_kind,
    .row_key = build_key,
    .details = build_details,
    .action = build_action,
    .summary = build_summary,
    .hints = build_hints,
    .follow_default = true,
    .empty = "(no build: l lists the daemon's builds (v0.11+); --ref REF follows one)",
};
