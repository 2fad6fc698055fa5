/* Cache: BuildKit's build cache as DiskUsage reports it, one record a row
 * (ID, type, size, in use / shared / mutable, last used, usage count,
 * description) under a column header, sorted by size (z) or last use (u),
 * with the total, the reclaimable total and the shared total in the title.
 * P prunes after a prompt for options and a y/N (bk_prune.c); the records a
 * Prune removes are listed above the table as they stream back. */
#include <stdio.h>
#include <string.h>
#include "ui/bk.h"
#include "ui/draw.h"

/* Rows: [removed head, removed records...] header, records. */
typedef enum cache_row { CR_REMOVED_HEAD, CR_REMOVED, CR_HEADER, CR_RECORD } cache_row_t;

static size_t removed_rows(const ui_bk_t *b)
{
    return b->m->pruning || b->m->pruned ? 1 + b->m->removed.n : 0;
}

static cache_row_t row_kind(const ui_bk_t *b, size_t row, size_t *item)
{
    size_t rm = removed_rows(b);
    if (row < rm) {
        *item = row - 1;
        return row == 0 ? CR_REMOVED_HEAD : CR_REMOVED;
    }
    *item = row - rm - 1;
    return row == rm ? CR_HEADER : CR_RECORD;
}

static size_t cache_count(const ui_t *ui, view_t *v)
{
    ui_bk_t *b = ui->bk;
    if (!b || (!b->m->du_loaded && !removed_rows(b)))
        return 0;
    return removed_rows(b) + 1 + b->m->cache.n;
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
static void draw_cells(ui_t *ui, int y, int x, int w, role_t role, const char *const cell[7])
{
    cols_t c = widths(w);
    const int wid[6] = {c.id, c.type, c.size, c.flags, c.used, c.count};
    int cx = x + 1, end = x + w;
    for (int i = 0; i < 6; i++) {
        if (!wid[i])
            continue;
        draw_text(ui, y, cx, (end - cx < wid[i] ? end - cx : wid[i]) - 1, role, cell[i]);
        cx += wid[i];
    }
    if (cx < end)
        draw_text(ui, y, cx, end - cx, role, cell[6]);
}

static void record_cells(ui_t *ui, const bk_usage_t *u, strbuf_t t[4], const char *cell[7])
{
    bk_format_bytes(&t[0], u->size);
    bk_usage_flags(&t[1], u);
    bk_format_ago(&t[2], u->last_used, bk_ui_now(ui));
    sb_printf(&t[3], "%lld", (long long)u->usage_count);
    const char *c[7] = {u->id, u->record_type, t[0].data, t[1].data, t[2].data, t[3].data, u->description};
    memcpy(cell, c, sizeof c);
}

static void draw_record(ui_t *ui, const bk_usage_t *u, int y, int x, int w, bool sel)
{
    strbuf_t t[4];
    const char *cell[7];
    for (int i = 0; i < 4; i++)
        sb_init(&t[i]);
    record_cells(ui, u, t, cell);
    draw_cells(ui, y, x, w, draw_role(sel, u->in_use ? ROLE_RUNNING : ROLE_DEFAULT), cell);
    for (int i = 0; i < 4; i++)
        sb_free(&t[i]);
}

static void draw_removed(ui_t *ui, const ui_bk_t *b, size_t item, int y, int x, int w, bool sel)
{
    if (item == (size_t)-1) {
        strbuf_t t;
        sb_init(&t);
        sb_printf(&t, "%s %zu record%s, ", b->m->pruning ? "pruning:" : "pruned:", b->m->removed.n,
                  b->m->removed.n == 1 ? "" : "s");
        bk_format_bytes(&t, b->m->removed.total);
        sb_adds(&t, b->m->pruning ? " so far..." : " reclaimed");
        draw_text(ui, y, x + 1, w - 1, draw_role(sel, b->m->pruning ? ROLE_RUNNING : ROLE_OK), t.data);
        sb_free(&t);
        return;
    }
    const bk_usage_t *u = &b->m->removed.rec[item];
    strbuf_t s;
    sb_init(&s);
    bk_format_bytes(&s, u->size);
    int cx = x + 1 + draw_text(ui, y, x + 1, w - 1, draw_role(sel, ROLE_FAILED), "removed ");
    cx += draw_text(ui, y, cx, 27, draw_role(sel, ROLE_DEFAULT), u->id) + 1;
    cx += draw_fmt(ui, y, cx, x + w - cx, draw_role(sel, ROLE_DEFAULT), "%-9s ", s.data);
    draw_text(ui, y, cx, x + w - cx, draw_role(sel, ROLE_DIM), u->description);
    sb_free(&s);
}

static void cache_draw(ui_t *ui, view_t *v, size_t row, int y, int x, int w, bool sel)
{
    ui_bk_t *b = ui->bk;
    size_t item;
    if (sel)
        draw_fill(ui, y, x, w, ROLE_CURSOR);
    switch (row_kind(b, row, &item)) {
    case CR_REMOVED_HEAD: draw_removed(ui, b, (size_t)-1, y, x, w, sel); break;
    case CR_REMOVED: draw_removed(ui, b, item, y, x, w, sel); break;
    case CR_HEADER: {
        static const char *const head[7] = {"ID", "TYPE", "SIZE", "FLAGS", "LAST USED", "USAGE", "DESCRIPTION"};
        draw_cells(ui, y, x, w, draw_role(sel, ROLE_COLUMN), head);
        break;
    }
    case CR_RECORD: draw_record(ui, &b->m->cache.rec[item], y, x, w, sel); break;
    }
}

static void cache_text(const ui_t *ui, view_t *v, size_t row, strbuf_t *out)
{
    ui_bk_t *b = ui->bk;
    size_t item;
    cache_row_t k = row_kind(b, row, &item);
    const bk_usage_t *u = k == CR_RECORD ? &b->m->cache.rec[item] : k == CR_REMOVED ? &b->m->removed.rec[item] : NULL;
    if (!u)
        return;
    sb_printf(out, "%s %s %s ", u->id, bk_usage_type(u->record_type), u->description ? u->description : "");
    bk_usage_flags(out, u);
}

static const char *cache_kind(const ui_t *ui, view_t *v, size_t row)
{
    size_t item;
    cache_row_t k = row_kind(ui->bk, row, &item);
    if (k == CR_RECORD)
        return ui->bk->m->cache.rec[item].record_type;
    return k == CR_HEADER ? "header" : "removed";
}

/* A record is its ID (a refresh re-sorts them, a Prune lists the removed
 * above); the header and the removed list's head are themselves. */
static void cache_key(const ui_t *ui, view_t *v, size_t row, strbuf_t *key, strbuf_t *parent)
{
    size_t item;
    switch (row_kind(ui->bk, row, &item)) {
    case CR_REMOVED_HEAD: sb_adds(key, "removed"); break;
    case CR_REMOVED: sb_printf(key, "removed %s", ui->bk->m->removed.rec[item].id); break;
    case CR_HEADER: sb_adds(key, "header"); break;
    case CR_RECORD: sb_printf(key, "record %s", ui->bk->m->cache.rec[item].id); break;
    }
}

static void cache_details(const ui_t *ui, view_t *v, size_t row, strbuf_t *out, char *title, size_t tlen)
{
    size_t item;
    cache_row_t k = row_kind(ui->bk, row, &item);
    if (k != CR_RECORD && k != CR_REMOVED) {
        snprintf(title, tlen, "Cache");
        sb_adds(out, "Select a record for its details.\n");
        return;
    }
    const bk_usage_t *u = k == CR_RECORD ? &ui->bk->m->cache.rec[item] : &ui->bk->m->removed.rec[item];
    snprintf(title, tlen, "Cache record");
    sb_printf(out, "ID:           %s\ntype:         %s\nsize:         ", u->id, bk_usage_type(u->record_type));
    bk_format_bytes(out, u->size);
    sb_adds(out, "\nflags:        ");
    bk_usage_flags(out, u);
    sb_adds(out, "\nlast used:    ");
    bk_format_ago(out, u->last_used, bk_ui_now(ui));
    sb_printf(out, "\nusage count:  %lld\nparent:       %s\ndescription:  %s\n", (long long)u->usage_count,
              u->parent ? u->parent : "-", u->description ? u->description : "");
}

static int cache_sort(ui_t *ui, bk_cache_sort_t by)
{
    bk_session_command(ui->bk->s, BK_CMD_SORT, &(bk_cmd_arg_t){.sort = by});
    ui_message(ui, false, "cache sorted by %s", by == BK_SORT_SIZE ? "size, largest first" : "last use, newest first");
    bk_ui_changed(ui);
    return UI_REDRAW;
}

static int cache_action(ui_t *ui, view_t *v, action_t a)
{
    if (!ui->bk)
        return UI_PASS;
    if (a == ACT_SORT_SIZE)
        return cache_sort(ui, BK_SORT_SIZE);
    if (a == ACT_SORT_LAST_USED)
        return cache_sort(ui, BK_SORT_LAST_USED);
    return UI_PASS;
}

static void cache_summary(const ui_t *ui, view_t *v, char *buf, size_t len)
{
    ui_bk_t *b = ui->bk;
    if (!b) {
        buf[0] = 0;
        return;
    }
    if (b->m->du_err[0] && !b->m->du_loaded) {
        snprintf(buf, len, "%s", b->m->du_err);
        return;
    }
    strbuf_t t;
    sb_init(&t);
    sb_printf(&t, "%zu records  total ", b->m->cache.n);
    bk_format_bytes(&t, b->m->cache.total);
    sb_adds(&t, "  reclaimable ");
    bk_format_bytes(&t, b->m->cache.reclaimable);
    sb_adds(&t, "  shared ");
    bk_format_bytes(&t, b->m->cache.shared);
    sb_printf(&t, "  by %s%s", b->m->sort == BK_SORT_SIZE ? "size" : "last use", b->m->du_running ? "  (loading)" : "");
    snprintf(buf, len, "%s", t.data);
    sb_free(&t);
}

static const action_t cache_hints[] = {ACT_SORT_SIZE, ACT_SORT_LAST_USED, ACT_PRUNE, ACT_REFRESH, ACT_NONE};

const view_ops_t pane_cache_ops = {
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
