/* The build cache as DiskUsage reports it: a table of usage records that
 * can be sorted by size or by last use, with the totals buildctl du and
 * buildx du show. Pure: no I/O. Strings are copies, as received (untrusted). */
#ifndef SKVIEW_BK_CACHE_H
#define SKVIEW_BK_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buildkit/control.pb-c.h"
#include "buildkit/bk_progress.h"

typedef struct bk_usage {
    char *id, *description, *record_type;
    char *parent;              /* Parent (before v0.10) or the first of Parents */
    size_t n_parents;
    bool mutable_, in_use, shared;
    bool typed;                /* it carries a RecordType; Prune's records from
                                  v0.8 have none, nor Shared: both unknown */
    int64_t size, usage_count;
    bk_time_t created, last_used;   /* 0: never used */
} bk_usage_t;

typedef enum bk_cache_sort {
    BK_SORT_SIZE,              /* largest first */
    BK_SORT_LAST_USED,         /* most recently used first; never used last */
} bk_cache_sort_t;

typedef struct bk_cache {
    bk_usage_t *rec;
    size_t n, cap;
    int64_t total;             /* sum of sizes */
    int64_t reclaimable;       /* sum of sizes of records not in use */
    int64_t shared;            /* sum of sizes of shared records */
} bk_cache_t;

void bk_cache_init(bk_cache_t *c);
void bk_cache_free(bk_cache_t *c);
void bk_cache_clear(bk_cache_t *c);
/* Adds one record (a DiskUsage entry, or one Prune removed) and the totals. */
void bk_cache_add(bk_cache_t *c, const Moby__Buildkit__V1__UsageRecord *r);
/* Replaces the table with a DiskUsage answer. */
void bk_cache_load(bk_cache_t *c, const Moby__Buildkit__V1__DiskUsageResponse *resp);
/* Stable: equal keys keep their order, ties broken by ID. */
void bk_cache_sort(bk_cache_t *c, bk_cache_sort_t by);
bool bk_cache_sort_parse(const char *s, bk_cache_sort_t *out);

/* "in use", "shared", "mutable" joined by ", " ("-" when none); "shared
 * unknown" instead of nothing when the record did not say. */
void bk_usage_flags(strbuf_t *out, const bk_usage_t *u);
/* A record's type as shown: "unknown" when it carries none. */
const char *bk_usage_type(const char *record_type);
/* How long ago, in the largest fitting unit: "12 seconds ago", "3 hours ago",
 * "never" for 0. */
void bk_format_ago(strbuf_t *out, bk_time_t t, bk_time_t now);

#endif
