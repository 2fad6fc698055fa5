/* Stable row order by first sight (see rank_int.h). */
#include <stdlib.h>
#include <string.h>
#include "skaffold/model_int.h"
#include "skaffold/rank_int.h"

void rank_init(rank_t *r)
{
    memset(r, 0, sizeof *r);
    keyidx_init(&r->ix);
}

void rank_free(rank_t *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i].key);
    free(r->v);
    keyidx_free(&r->ix);
    rank_init(r);
}

int rank_cmp_num(const char *a, const char *b)
{
    long x = strtol(a, NULL, 10), y = strtol(b, NULL, 10);
    return x < y ? -1 : x > y;
}

typedef struct rank_key {
    const rank_t *r;
    const char *key;
} rank_key_t;

static bool rank_eq(const void *ctx, size_t pos)
{
    const rank_key_t *k = ctx;
    return strcmp(k->r->v[pos].key, k->key) == 0;
}

/* The key's rank, or -1 when never seen. */
static long rank_find(const rank_t *r, const char *key)
{
    rank_key_t k = { r, key };
    return keyidx_find(&r->ix, keyidx_hash_str(key), rank_eq, &k);
}

static void rank_add(rank_t *r, const char *key)
{
    if (rank_find(r, key) >= 0)
        return; /* twice in one batch */
    r->v = model_grow(r->v, &r->alloc, r->n + 1, sizeof *r->v, 0);
    r->v[r->n] = (rank_entry_t){ xstrdup(key), r->tick };
    keyidx_add(&r->ix, keyidx_hash_str(key), r->n);
    r->n++;
}

/* qsort has no context: the batch's order goes through this. */
static _Thread_local rank_cmp_fn *batch_cmp;

static int batch_order(const void *a, const void *b)
{
    return batch_cmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct ranked {
    long rank;
    size_t pos;
} ranked_t;

static int by_rank(const void *a, const void *b)
{
    const ranked_t *x = a, *y = b;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

void rank_note(rank_t *r, const char *const *keys, size_t n, rank_cmp_fn *cmp)
{
    const char *few[8], **fresh = n <= 8 ? few : xmalloc(n * sizeof *fresh);
    size_t k = 0;
    r->tick++;
    for (size_t i = 0; i < n; i++) {
        long at = rank_find(r, keys[i]);
        if (at < 0)
            fresh[k++] = keys[i];
        else
            r->v[at].seen = r->tick;
    }
    batch_cmp = cmp;
    if (cmp != NULL)
        qsort(fresh, k, sizeof *fresh, batch_order);
    for (size_t i = 0; i < k; i++)
        rank_add(r, fresh[i]);
    if (fresh != few)
        free(fresh);
}

static int by_seen(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The oldest sighting a kept key may have, and how many keys seen then
 * may stay (those of later ranks). */
static uint64_t prune_cut(const rank_t *r, size_t keep, size_t *at_cut)
{
    uint64_t *seen = xmalloc(r->n * sizeof *seen);
    for (size_t i = 0; i < r->n; i++)
        seen[i] = r->v[i].seen;
    qsort(seen, r->n, sizeof *seen, by_seen);
    uint64_t cut = seen[r->n - keep];
    *at_cut = 0;
    for (size_t i = r->n - keep; i < r->n && seen[i] == cut; i++)
        (*at_cut)++;
    free(seen);
    return cut;
}

void rank_prune(rank_t *r, size_t keep)
{
    if (keep >= r->n)
        return;
    size_t at_cut = 0, k = 0;
    uint64_t cut = keep ? prune_cut(r, keep, &at_cut) : UINT64_MAX;
    keyidx_clear(&r->ix);
    for (size_t i = r->n; i-- > 0;) { /* later ranks first: they win ties */
        rank_entry_t e = r->v[i];
        bool stays = e.seen > cut || (e.seen == cut && at_cut > 0 && at_cut--);
        if (stays)
            r->v[r->n - 1 - k++] = e;
        else
            free(e.key);
    }
    memmove(r->v, r->v + r->n - k, k * sizeof *r->v);
    r->n = k;
    for (size_t i = 0; i < k; i++)
        keyidx_add(&r->ix, keyidx_hash_str(r->v[i].key), i);
}

/* Whether v is already in rank order (a list kept in first-seen order,
 * the common case): no sort then. */
static bool rank_sorted(const ranked_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (v[i - 1].rank > v[i].rank)
            return false;
    return true;
}

void rank_order(rank_t *r, const char *const *keys, size_t n, rank_cmp_fn *cmp, size_t *perm)
{
    ranked_t *v = xmalloc((n ? n : 1) * sizeof *v);
    bool unseen = false;
    for (size_t i = 0; i < n; i++) {
        v[i] = (ranked_t){ rank_find(r, keys[i]), i };
        unseen |= v[i].rank < 0;
    }
    if (unseen) {
        rank_note(r, keys, n, cmp);
        for (size_t i = 0; i < n; i++)
            if (v[i].rank < 0)
                v[i].rank = rank_find(r, keys[i]);
    }
    if (!rank_sorted(v, n))
        qsort(v, n, sizeof *v, by_rank);
    for (size_t i = 0; i < n; i++)
        perm[i] = v[i].pos;
    free(v);
}

void rank_rows_init(rank_rows_t *rr)
{
    memset(rr, 0, sizeof *rr);
    rank_init(&rr->rank);
}

void rank_rows_free(rank_rows_t *rr)
{
    rank_free(&rr->rank);
    free(rr->perm);
    rank_rows_init(rr);
}

bool rank_rows_stale(const rank_rows_t *rr, uint64_t gen)
{
    return !rr->valid || rr->gen != gen;
}

void rank_rows_fill(rank_rows_t *rr, const char *const *keys, size_t n, rank_cmp_fn *cmp, uint64_t gen)
{
    rr->perm = model_grow(rr->perm, &rr->alloc, n ? n : 1, sizeof *rr->perm, 0);
    rank_order(&rr->rank, keys, n, cmp, rr->perm);
    rr->gen = gen;
    rr->valid = true;
}
