/* The disk-usage table model; see bk_cache.h. */
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "buildkit/bk_cache.h"


void bk_cache_init(bk_cache_t *c) { memset(c, 0, sizeof *c); }

void bk_cache_clear(bk_cache_t *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->rec[i].id);
        free(c->rec[i].description);
        free(c->rec[i].record_type);
        free(c->rec[i].parent);
    }
    c->n = 0;
    c->total = c->reclaimable = c->shared = 0;
}

void bk_cache_free(bk_cache_t *c)
{
    bk_cache_clear(c);
    free(c->rec);
    bk_cache_init(c);
}

void bk_cache_add(bk_cache_t *c, const Moby__Buildkit__V1__UsageRecord *r)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        bk_usage_t *nr = xrealloc(c->rec, cap * sizeof *nr);
        c->rec = nr;
        c->cap = cap;
    }
    bk_usage_t *u = &c->rec[c->n++];
    u->id = xstrdup(r->id);
    u->description = xstrdup(r->description);
    u->record_type = xstrdup(r->recordtype);
    u->parent = xstrdup(r->n_parents ? r->parents[0] : r->parent);
    u->n_parents = r->n_parents ? r->n_parents : (r->parent && *r->parent);
    u->mutable_ = r->mutable_;
    u->in_use = r->inuse;
    u->shared = r->shared;
    u->typed = r->recordtype && *r->recordtype;
    u->size = r->size;
    u->usage_count = r->usagecount;
    u->created = bk_time_from_ts(r->createdat);
    u->last_used = bk_time_from_ts(r->lastusedat);
    c->total += r->size;
    /* buildx du: what is not in use can be reclaimed by a prune. */
    if (!r->inuse)
        c->reclaimable += r->size;
    if (r->shared)
        c->shared += r->size;
}

void bk_cache_load(bk_cache_t *c, const Moby__Buildkit__V1__DiskUsageResponse *resp)
{
    bk_cache_clear(c);
    for (size_t i = 0; i < resp->n_record; i++)
        bk_cache_add(c, resp->record[i]);
}

static int cmp_i64_desc(int64_t a, int64_t b) { return (a < b) - (a > b); }

static int cmp_size(const void *x, const void *y)
{
    const bk_usage_t *a = x, *b = y;
    int r = cmp_i64_desc(a->size, b->size);
    return r ? r : strcmp(a->id, b->id);
}

static int cmp_last_used(const void *x, const void *y)
{
    const bk_usage_t *a = x, *b = y;
    int r = cmp_i64_desc(a->last_used, b->last_used);
    return r ? r : strcmp(a->id, b->id);
}

void bk_cache_sort(bk_cache_t *c, bk_cache_sort_t by)
{
    if (c->n > 1)
        qsort(c->rec, c->n, sizeof *c->rec, by == BK_SORT_SIZE ? cmp_size : cmp_last_used);
}

bool bk_cache_sort_parse(const char *s, bk_cache_sort_t *out)
{
    if (!strcmp(s, "size"))
        *out = BK_SORT_SIZE;
    else if (!strcmp(s, "last-used") || !strcmp(s, "last_used") || !strcmp(s, "used"))
        *out = BK_SORT_LAST_USED;
    else
        return false;
    return true;
}

void bk_usage_flags(strbuf_t *out, const bk_usage_t *u)
{
    const char *flags[3] = {u->in_use ? "in use" : NULL,
                            !u->typed ? "shared unknown" : u->shared ? "shared" : NULL,
                            u->mutable_ ? "mutable" : NULL};
    size_t start = out->len;
    for (int i = 0; i < 3; i++)
        if (flags[i]) {
            if (out->len > start)
                sb_adds(out, ", ");
            sb_adds(out, flags[i]);
        }
    if (out->len == start)
        sb_addc(out, '-');
}

const char *bk_usage_type(const char *record_type) { return record_type && *record_type ? record_type : "unknown"; }

void bk_format_ago(strbuf_t *out, bk_time_t t, bk_time_t now)
{
    static const struct { int64_t secs; const char *unit; } units[] = {
        {86400 * 365, "year"}, {86400 * 30, "month"}, {86400 * 7, "week"}, {86400, "day"},
        {3600, "hour"}, {60, "minute"}, {1, "second"},
    };
    if (!t) {
        sb_adds(out, "never");
        return;
    }
    int64_t d = (now - t) / 1000000000LL;
    if (d < 1) {
        sb_adds(out, "just now");
        return;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (d >= units[i].secs) {
            int64_t k = d / units[i].secs;
            sb_printf(out, "%lld %s%s ago", (long long)k, units[i].unit, k == 1 ? "" : "s");
            return;
        }
}
