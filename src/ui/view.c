/* The view engine: scrolling, filtering, n/N, follow mode and the pane frame. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/xalloc.h"
#include "ui/draw.h"
#include "ui/view.h"
#include "ui/keys.h"

void view_init(view_t *v, pane_id_t id)
{
    memset(v, 0, sizeof *v);
    v->id = id;
    v->ops = pane_table[id].ops;
    v->follow = v->ops->follow_default;
    sb_init(&v->sel.key);
    sb_init(&v->sel.parent);
    if (v->ops->private_size)
        v->priv = xcalloc(1, v->ops->private_size);
}

void view_free(view_t *v)
{
    free(v->idx);
    v->idx = NULL;
    v->n_idx = v->cap_idx = 0;
    if (v->priv && v->ops->free_private)
        v->ops->free_private(v->priv);
    free(v->priv);
    v->priv = NULL;
    free(v->cache.rows);
    memset(&v->cache, 0, sizeof v->cache);
    sb_free(&v->sel.key);
    sb_free(&v->sel.parent);
    v->sel.valid = false;
}

uint64_t view_generation(const pane_ctx_t *pc)
{
    /* BuildKit's panes change without the model: its counter joins in. */
    return model_generation(pc->model) + pc->bk_gen;
}

void *view_row_push(view_t *v)
{
    view_cache_t *c = &v->cache;
    size_t size = v->ops->row_size;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->rows = xrealloc(c->rows, c->cap * size);
    }
    void *row = c->rows + c->n++ * size;
    memset(row, 0, size);
    return row;
}

size_t view_cache_rows(const pane_ctx_t *pc, view_t *v)
{
    view_cache_t *c = &v->cache;
    uint64_t gen = view_generation(pc);
    if (!c->valid || c->gen != gen) {
        c->n = 0;
        c->valid = true;
        c->gen = gen;
        v->ops->build_rows(pc, v);
    }
    return c->n;
}

void *view_row(const pane_ctx_t *pc, view_t *v, size_t i)
{
    return i < view_cache_rows(pc, v) ? v->cache.rows + i * v->ops->row_size : NULL;
}

/* Rows the pane has now, before filtering. */
static size_t source_rows(const pane_ctx_t *pc, view_t *v)
{
    return v->ops->count ? v->ops->count(pc, v) : view_cache_rows(pc, v);
}

void view_invalidate(view_t *v)
{
    v->idx_valid = false;
}

/* Case-insensitive substring test. */
static bool contains(const char *hay, const char *needle, size_t nlen)
{
    if (nlen == 0)
        return true;
    for (; *hay; hay++)
        if (!strncasecmp(hay, needle, nlen))
            return true;
    return false;
}

bool view_match(const char *filter, const char *text, const char *kind)
{
    bool kind_seen = false, kind_ok = false;
    const char *p = filter;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == 0)
            break;
        if (n > 5 && !strncmp(p, "kind:", 5)) {
            kind_seen = true;
            kind_ok |= kind && strlen(kind) == n - 5 && !strncasecmp(kind, p + 5, n - 5);
        } else if (!contains(text, p, n)) {
            return false;
        }
        p += n;
    }
    return !kind_seen || kind_ok;
}

static void idx_push(view_t *v, size_t row)
{
    if (v->n_idx == v->cap_idx) {
        v->cap_idx = v->cap_idx ? v->cap_idx * 2 : 256;
        v->idx = xrealloc(v->idx, v->cap_idx * sizeof *v->idx);
    }
    v->idx[v->n_idx++] = row;
}

/* Tests source rows [from, to) against the filter. */
static void idx_scan(const pane_ctx_t *pc, view_t *v, size_t from, size_t to)
{
    strbuf_t t;
    sb_init(&t);
    for (size_t r = from; r < to; r++) {
        sb_reset(&t);
        v->ops->row_text(pc, v, r, &t);
        sb_addc(&t, 0);
        const char *kind = v->ops->row_kind ? v->ops->row_kind(pc, v, r) : NULL;
        if (view_match(v->filter, t.data, kind))
            idx_push(v, r);
    }
    sb_free(&t);
}

/* Brings the filter index up to date with the rows. */
static void idx_update(const pane_ctx_t *pc, view_t *v)
{
    size_t count = source_rows(pc, v);
    uint64_t gen = view_generation(pc);
    bool stale = !v->idx_valid || (!v->ops->append_only && gen != v->idx_gen) ||
                 count < v->idx_checked;
    if (stale) {
        v->n_idx = 0;
        v->idx_checked = 0;
    }
    if (count > v->idx_checked)
        idx_scan(pc, v, v->idx_checked, count);
    v->idx_checked = count;
    v->idx_gen = gen;
    v->idx_valid = true;
}

size_t view_rows(const pane_ctx_t *pc, view_t *v)
{
    if (!v->filter[0])
        return source_rows(pc, v);
    idx_update(pc, v);
    return v->n_idx;
}

size_t view_source_row(const view_t *v, size_t i)
{
    return v->filter[0] ? v->idx[i] : i;
}

/* ---- the selection follows its item ------------------------------------ */

/* The key and parent of source row `row`, NUL-terminated. */
static void sel_key_of(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *key, strbuf_t *parent)
{
    sb_reset(key);
    sb_reset(parent);
    v->ops->row_key(pc, v, row, key, parent);
    sb_addc(key, 0);
    sb_addc(parent, 0);
}

typedef enum sel_match { SEL_NONE, SEL_PARENT, SEL_SIBLING, SEL_ITEM } sel_match_t;

/* How visible row i stands to the remembered item. */
static sel_match_t sel_match(const pane_ctx_t *pc, view_t *v, size_t i, strbuf_t *key, strbuf_t *parent)
{
    const char *want = v->sel.key.data, *want_parent = v->sel.parent.data;
    sel_key_of(pc, v, view_source_row(v, i), key, parent);
    if (!strcmp(key->data, want))
        return SEL_ITEM;
    if (!*want_parent)
        return SEL_NONE;
    if (!strcmp(parent->data, want_parent))
        return SEL_SIBLING;
    return !strcmp(key->data, want_parent) ? SEL_PARENT : SEL_NONE;
}

/* The visible row of source row src (the filter index is in source
 * order), -1 when the filter hides it. */
static long visible_row(const view_t *v, size_t rows, long src)
{
    if (src < 0 || !v->filter[0])
        return src < 0 || (size_t)src >= rows ? -1 : src;
    size_t lo = 0, hi = rows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->idx[mid] < (size_t)src)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < rows && v->idx[lo] == (size_t)src ? (long)lo : -1;
}

/* The visible row that shows the remembered item, else its nearest
 * relative (a sibling before the parent); -1 when none is left. */
static long sel_find(const pane_ctx_t *pc, view_t *v, size_t rows)
{
    if (v->ops->find_key)
        return visible_row(v, rows, v->ops->find_key(pc, v, v->sel.key.data));
    strbuf_t key, parent;
    sb_init(&key);
    sb_init(&parent);
    long best = -1;
    sel_match_t got = SEL_NONE;
    if (v->cursor < rows && sel_match(pc, v, v->cursor, &key, &parent) == SEL_ITEM)
        best = (long)v->cursor, got = SEL_ITEM;
    for (size_t i = 0; i < rows && got != SEL_ITEM; i++) {
        sel_match_t m = sel_match(pc, v, i, &key, &parent);
        if (m > got)
            best = (long)i, got = m;
    }
    sb_free(&key);
    sb_free(&parent);
    return best;
}

/* After the rows changed: back to the item, unless the cursor was moved on
 * purpose since it was remembered. False when neither it nor a relative is
 * there (the item is kept in mind for when it comes back). */
static bool sel_follow(const pane_ctx_t *pc, view_t *v, size_t rows)
{
    if (!v->ops->row_key || !v->sel.valid || !v->sel.chosen || v->follow || v->cursor != v->sel.cursor ||
        v->sel.gen == view_generation(pc))
        return true;
    long at = sel_find(pc, v, rows);
    if (at >= 0)
        v->cursor = (size_t)at;
    return at >= 0;
}

static void sel_remember(const pane_ctx_t *pc, view_t *v, size_t rows, bool found)
{
    if (!v->ops->row_key)
        return;
    if (found && rows > 0) {
        sel_key_of(pc, v, view_source_row(v, v->cursor), &v->sel.key, &v->sel.parent);
        v->sel.valid = true;
    }
    v->sel.gen = view_generation(pc);
    v->sel.cursor = v->cursor;
}

/* The cursor was put on a row on purpose (a key, the mouse): its item is
 * the one to follow from now on, even if the rows change before the next
 * frame. */
static void sel_mark(const pane_ctx_t *pc, view_t *v)
{
    v->sel.chosen = true;
    sel_remember(pc, v, view_rows(pc, v), true);
}

void view_clamp(const pane_ctx_t *pc, view_t *v, int body_h)
{
    size_t rows = view_rows(pc, v), h = body_h > 0 ? (size_t)body_h : 1;
    bool found = sel_follow(pc, v, rows);
    v->body_h = body_h;
    if (rows == 0) {
        v->cursor = v->top = 0;
        sel_remember(pc, v, rows, found);
        return;
    }
    if (v->follow || v->cursor >= rows)
        v->cursor = rows - 1;
    if (v->cursor < v->top)
        v->top = v->cursor;
    if (v->cursor >= v->top + h)
        v->top = v->cursor - h + 1;
    if (v->top + h > rows)
        v->top = rows > h ? rows - h : 0;
    sel_remember(pc, v, rows, found);
}

void view_settle(const pane_ctx_t *pc, view_t *v)
{
    view_clamp(pc, v, v->body_h);
}

void view_set_filter(const pane_ctx_t *pc, view_t *v, const char *filter)
{
    snprintf(v->filter, sizeof v->filter, "%s", filter);
    v->idx_valid = false;
    v->cursor = v->top = 0;
    if (v->ops->follow_default)
        v->follow = true;
}

/* Moves the cursor by delta rows; leaving the last row stops following. */
static void move_by(const pane_ctx_t *pc, view_t *v, long delta)
{
    size_t rows = view_rows(pc, v);
    if (rows == 0)
        return;
    long c = (long)v->cursor + delta;
    c = c < 0 ? 0 : c >= (long)rows ? (long)rows - 1 : c;
    v->cursor = (size_t)c;
    /* Moving down onto the newest row follows again, like `tail -f`. */
    v->follow = v->ops->follow_default && delta > 0 && v->cursor == rows - 1;
}

static int next_match(const pane_ctx_t *pc, view_t *v, int dir, pane_req_t *req)
{
    size_t rows = view_rows(pc, v);
    if (!v->filter[0]) {
        pane_say(req, false, "no filter: press / to set one");
        return UI_REDRAW;
    }
    if (rows == 0) {
        pane_say(req, true, "no row matches '%s'", v->filter);
        return UI_REDRAW;
    }
    v->follow = false;
    v->cursor = (v->cursor + rows + (size_t)(long)dir) % rows;
    return UI_REDRAW;
}

int view_action(const pane_ctx_t *pc, view_t *v, action_t a, pane_req_t *req)
{
    long page = v->body_h > 1 ? v->body_h - 1 : 1;
    switch (a) {
    case ACT_MOVE_UP: move_by(pc, v, -1); break;
    case ACT_MOVE_DOWN: move_by(pc, v, 1); break;
    case ACT_PAGE_UP: move_by(pc, v, -page); break;
    case ACT_PAGE_DOWN: move_by(pc, v, page); break;
    case ACT_MOVE_FIRST: v->cursor = 0; v->follow = false; break;
    case ACT_MOVE_LAST:
        move_by(pc, v, (long)view_rows(pc, v));
        v->follow = v->ops->follow_default;
        break;
    case ACT_FOLLOW:
        v->follow = !v->follow;
        pane_say(req, false, "follow %s", v->follow ? "on" : "off");
        break;
    case ACT_NEXT_MATCH: next_match(pc, v, 1, req); break;
    case ACT_PREV_MATCH: next_match(pc, v, -1, req); break;
    default: return UI_PASS;
    }
    sel_mark(pc, v);
    return UI_REDRAW;
}

void view_click(const pane_ctx_t *pc, view_t *v, int line)
{
    size_t rows = view_rows(pc, v);
    if (line < 0 || v->top + (size_t)line >= rows)
        return;
    v->cursor = v->top + (size_t)line;
    v->follow = false;
    sel_mark(pc, v);
}

void view_scroll(const pane_ctx_t *pc, view_t *v, int delta)
{
    move_by(pc, v, delta);
    sel_mark(pc, v);
}

/* The title row: "1 Artifacts  summary  [/filter] [follow]" and a rule. */
static void draw_title(const pane_ctx_t *pc, view_t *v, rect_t r, bool focused)
{
    char title[160], summary[128] = "";
    /* The number is the pane's default focus key (panes.h). */
    snprintf(title, sizeof title, " %s %s ", pane_table[v->id].key, pane_title(v->id));
    if (v->ops->summary)
        v->ops->summary(pc, v, summary, sizeof summary);
    draw_repeat(pc, r.y, r.x, r.w, focused ? ROLE_TITLE : ROLE_BORDER, GLYPH_HLINE);
    int x = r.x + 1;
    x += draw_text(pc, r.y, x, r.w - 2, focused ? ROLE_TITLE_FOCUS : ROLE_TITLE, title);
    if (summary[0])
        x += draw_fmt(pc, r.y, x, r.x + r.w - x, ROLE_DIM, " %s ", summary);
    if (v->filter[0])
        x += draw_fmt(pc, r.y, x, r.x + r.w - x, ROLE_MATCH, " /%s ", v->filter);
    if (v->ops->follow_default && focused)
        draw_text(pc, r.y, x, r.x + r.w - x, v->follow ? ROLE_OK : ROLE_DIM,
                  v->follow ? " follow " : " paused ");
}

void view_draw(const pane_ctx_t *pc, view_t *v, rect_t r, bool focused)
{
    if (r.h <= 0)
        return;
    draw_title(pc, v, r, focused);
    int body = r.h - 1;
    if (v->ops->draw_body) {
        v->body_h = body;
        v->ops->draw_body(pc, v, (rect_t){r.y + 1, r.x, body, r.w}, focused);
        return;
    }
    view_clamp(pc, v, body);
    size_t rows = view_rows(pc, v);
    for (int i = 0; i < body; i++) {
        int y = r.y + 1 + i;
        draw_fill(pc, y, r.x, r.w, ROLE_DEFAULT);
        size_t vi = v->top + (size_t)i;
        if (vi < rows)
            v->ops->draw_row(pc, v, view_source_row(v, vi), y, r.x, r.w,
                             focused && vi == v->cursor);
    }
    if (rows == 0 && body > 0)
        draw_text(pc, r.y + 1, r.x + 2, r.w - 2, ROLE_DIM,
                  v->filter[0] ? "(no row matches the filter)" : v->ops->empty);
}
