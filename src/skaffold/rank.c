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
        free(r->keys[i]);
    free(r->keys);
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
    return strcmp(k->r->keys[pos], k->key) == 0;
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
    r->keys = model_grow(r->keys, &r->alloc, r->n + 1, sizeof *r->keys, 0);
    r->keys[r->n] = xstrdup(key);
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
    for (size_t i = 0; i < n; i++)
        if (rank_find(r, keys[i]) < 0)
            fresh[k++] = keys[i];
    batch_cmp = cmp;
    if (cmp != NULL)
        qsort(fresh, k, sizeof *fresh, batch_order);
    for (size_t i = 0; i < k; i++)
        rank_add(r, fresh[i]);
    if (fresh != few)
        free(fresh);
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
