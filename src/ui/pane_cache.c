/* Cache: BuildKit's build cache as DiskUsage reports it, one record a row
 * (ID, type, size, in use / shared / mutable, last used, usage count,
 * description) under a column header, sorted by size (z) or last use (u),
 * with the total, the reclaimable total and the shared total in the title.
 * P prunes after a prompt for options and a y/N (bk_prune.c); the records a
 * Prune removes are listed above the table as they stream back. */
#include <stdio.h>
#include <string.h>
#include "ui/draw.h"
#include "ui/view.h"

/* Rows: [removed head, removed records...] header, records. */
typedef enum cache_row { CR_REMOVED_HEAD, CR_REMOVED, CR_HEADER, CR_RECORD } cache_row_t;

static size_t removed_rows(const bk_model_t *b)
{
    return b->pruning || b->pruned ? 1 + b->removed.n : 0;
}

static cache_row_t row_kind(const bk_model_t *b, size_t row, size_t *item)
{
    size_t rm = removed_rows(b);
    if (row < rm) {
        *item = row - 1;
        return row == 0 ? CR_REMOVED_HEAD : CR_REMOVED;
    }
    *item = row - rm - 1;
    return row == rm ? CR_HEADER : CR_RECORD;
}

static size_t cache_count(const pane_ctx_t *pc, view_t *v)
{
    const bk_model_t *b = pc->bk;
    if (!b || (!b->du_loaded && !removed_rows(b)))
        return 0;
    return removed_rows(b) + 1 + b->cache.n;
}

typedef struct cols {
    int id, type, size, flags, used, count;
} cols_t;

/* Column widths for the pane width: full IDs when there is room. */
static cols_t widths(int w)
{
    if (w >= 130)
        return (cols_t){27, 21, 10, 18, 17, 7};
    if (w >= 90)
        return (cols_t){15, 14, 10, 18, 16, 6};
    return (cols_t){11, 10, 10, 10, 14, 0};
}

/* Draws the cells of one line; cell texts are untrusted. */
static void draw_cells(const pane_ctx_t *pc, int y, int x, int w, role_t role, const char *const cell[7])
{
    cols_t c = widths(w);
    const int wid[6] = {c.id, c.type, c.size, c.flags, c.used, c.count};
    int cx = x + 1, end = x + w;
    for (int i = 0; i < 6; i++) {
        if (!wid[i])
            continue;
        draw_text(pc, y, cx, (end - cx < wid[i] ? end - cx : wid[i]) - 1, role, cell[i]);
        cx += wid[i];
    }
    if (cx < end)
        draw_text(pc, y, cx, end - cx, role, cell[6]);
}

static void record_cells(const pane_ctx_t *pc, const bk_usage_t *u, strbuf_t t[4], const char *cell[7])
{
    bk_format_bytes(&t[0], u->size);
    bk_usage_flags(&t[1], u);
    bk_format_ago(&t[2], u->last_used, pc->bk_now);
    sb_printf(&t[3], "%lld", (long long)u->usage_count);
    const char *c[7] = {u->id, u->record_type, t[0].data, t[1].data, t[2].data, t[3].data, u->description};
    memcpy(cell, c, sizeof c);
}

static void draw_record(const pane_ctx_t *pc, const bk_usage_t *u, int y, int x, int w, bool sel)
{
    strbuf_t t[4];
    const char *cell[7];
    for (int i = 0; i < 4; i++)
        sb_init(&t[i]);
    record_cells(pc, u, t, cell);
    draw_cells(pc, y, x, w, draw_role(sel, u->in_use ? ROLE_RUNNING : ROLE_DEFAULT), cell);
    for (int i = 0; i < 4; i++)
        sb_free(&t[i]);
}

static void draw_removed(const pane_ctx_t *pc, const bk_model_t *b, size_t item, int y, int x, int w, bool sel)
{
    if (item == (size_t)-1) {
        strbuf_t t;
        sb_init(&t);
        sb_printf(&t, "%s %zu record%s, ", b->pruning ? "pruning:" : "pruned:", b->removed.n,
                  b->removed.n == 1 ? "" : "s");
        bk_format_bytes(&t, b->removed.total);
        sb_adds(&t, b->pruning ? " so far..." : " reclaimed");
        draw_text(pc, y, x + 1, w - 1, draw_role(sel, b->pruning ? ROLE_RUNNING : ROLE_OK), t.data);
        sb_free(&t);
        return;
    }
    const bk_usage_t *u = &b->removed.rec[item];
    strbuf_t s;
    sb_init(&s);
    bk_format_bytes(&s, u->size);
    int cx = x + 1 + draw_text(pc, y, x + 1, w - 1, draw_role(sel, ROLE_FAILED), "removed ");
    cx += draw_text(pc, y, cx, 27, draw_role(sel, ROLE_DEFAULT), u->id) + 1;
    cx += draw_fmt(pc, y, cx, x + w - cx, draw_role(sel, ROLE_DEFAULT), "%-9s ", s.data);
    draw_text(pc, y, cx, x + w - cx, draw_role(sel, ROLE_DIM), u->description);
    sb_free(&s);
}

static void cache_draw(const pane_ctx_t *pc, view_t *v, size_t row, int y, int x, int w, bool sel)
{
    const bk_model_t *b = pc->bk;
    size_t item;
    if (sel)
        draw_fill(pc, y, x, w, ROLE_CURSOR);
    switch (row_kind(b, row, &item)) {
    case CR_REMOVED_HEAD: draw_removed(pc, b, (size_t)-1, y, x, w, sel); break;
    case CR_REMOVED: draw_removed(pc, b, item, y, x, w, sel); break;
    case CR_HEADER: {
        static const char *const head[7] = {"ID", "TYPE", "SIZE", "FLAGS", "LAST USED", "USAGE", "DESCRIPTION"};
        draw_cells(pc, y, x, w, draw_role(sel, ROLE_COLUMN), head);
        break;
    }
    case CR_RECORD: draw_record(pc, &b->cache.rec[item], y, x, w, sel); break;
    }
}

static void cache_text(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out)
{
    const bk_model_t *b = pc->bk;
    size_t item;
    cache_row_t k = row_kind(b, row, &item);
    const bk_usage_t *u = k == CR_RECORD ? &b->cache.rec[item] : k == CR_REMOVED ? &b->removed.rec[item] : NULL;
    if (!u)
        return;
    sb_printf(out, "%s %s %s ", u->id, bk_usage_type(u->record_type), u->description ? u->description : "");
    bk_usage_flags(out, u);
}

static const char *cache_kind(const pane_ctx_t *pc, view_t *v, size_t row)
{
    size_t item;
    cache_row_t k = row_kind(pc->bk, row, &item);
    if (k == CR_RECORD)
        return pc->bk->cache.rec[item].record_type;
    return k == CR_HEADER ? "header" : "removed";
}

/* A record is its ID (a refresh re-sorts them, a Prune lists the removed
 * above); the header and the removed list's head are themselves. */
static void cache_key(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *key, strbuf_t *parent)
{
    size_t item;
    switch (row_kind(pc->bk, row, &item)) {
    case CR_REMOVED_HEAD: sb_adds(key, "removed"); break;
    case CR_REMOVED: sb_printf(key, "removed %s", pc->bk->removed.rec[item].id); break;
    case CR_HEADER: sb_adds(key, "header"); break;
    case CR_RECORD: sb_printf(key, "record %s", pc->bk->cache.rec[item].id); break;
    }
}

static void cache_details(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out, char *title, size_t tlen)
{
    size_t item;
    cache_row_t k = row_kind(pc->bk, row, &item);
    if (k != CR_RECORD && k != CR_REMOVED) {
        snprintf(title, tlen, "Cache");
        sb_adds(out, "Select a record for its details.\n");
        return;
    }
    const bk_usage_t *u = k == CR_RECORD ? &pc->bk->cache.rec[item] : &pc->bk->removed.rec[item];
    snprintf(title, tlen, "Cache record");
    sb_printf(out, "ID:           %s\ntype:         %s\nsize:         ", u->id, bk_usage_type(u->record_type));
    bk_format_bytes(out, u->size);
    sb_adds(out, "\nflags:        ");
    bk_usage_flags(out, u);
    sb_adds(out, "\nlast used:    ");
    bk_format_ago(out, u->last_used, pc->bk_now);
    sb_printf(out, "\nusage count:  %lld\nparent:       %s\ndescription:  %s\n", (long long)u->usage_count,
              u->parent ? u->parent : "-", u->description ? u->description : "");
}

static int cache_sort(pane_req_t *req, bk_cache_sort_t by)
{
    req->bk_cmd_set = true;
    req->bk_cmd = BK_CMD_SORT;
    req->bk_arg.sort = by;
    pane_say(req, false, "cache sorted by %s", by == BK_SORT_SIZE ? "size, largest first" : "last use, newest first");
    return UI_REDRAW;
}

static int cache_action(const pane_ctx_t *pc, view_t *v, action_t a, pane_req_t *req)
{
    if (!pc->bk)
        return UI_PASS;
    if (a == ACT_SORT_SIZE)
        return cache_sort(req, BK_SORT_SIZE);
    if (a == ACT_SORT_LAST_USED)
        return cache_sort(req, BK_SORT_LAST_USED);
    return UI_PASS;
}

static void cache_summary(const pane_ctx_t *pc, view_t *v, char *buf, size_t len)
{
    const bk_model_t *b = pc->bk;
    if (!b) {
        buf[0] = 0;
        return;
    }
    if (b->du_err[0] && !b->du_loaded) {
        snprintf(buf, len, "%s", b->du_err);
        return;
    }
    strbuf_t t;
    sb_init(&t);
    sb_printf(&t, "%zu records  total ", b->cache.n);
    bk_format_bytes(&t, b->cache.total);
    sb_adds(&t, "  reclaimable ");
    bk_format_bytes(&t, b->cache.reclaimable);
    sb_adds(&t, "  shared ");
    bk_format_bytes(&t, b->cache.shared);
    sb_printf(&t, "  by %s%s", b->sort == BK_SORT_SIZE ? "size" : "last use", b->du_running ? "  (loading)" : "");
    snprintf(buf, len, "%s", t.data);
    sb_free(&t);
}

static const action_t cache_hints[] = {ACT_SORT_SIZE, ACT_SORT_LAST_USED, ACT_PRUNE, ACT_REFRESH, ACT_NONE};

/* The pane's own default bindings (keys.h). */
static const pane_key_t cache_keys[] = {
    {"P", ACT_PRUNE},
    {"z", ACT_SORT_SIZE},
    {"u", ACT_SORT_LAST_USED},
    {NULL, ACT_NONE},
};

const view_ops_t pane_cache_ops = {
    .layout = {.column = PANE_COLUMN_LEFT, .rank = 1},
    .keys = cache_keys,
    .count = cache_count,
    .draw_row = cache_draw,
    .row_text = cache_text,
    .row_kind = cache_kind,
    .row_key = cache_key,
    .details = cache_details,
    .action = cache_action,
    .summary = cache_summary,
    .hints = cache_hints,
    .empty = "(asking the daemon for its disk usage...)",
};
