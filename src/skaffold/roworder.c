/* The rows of the State's maps in an order that holds still (rank_int.h):
 * the artifacts, the status-check resources and the forwarded ports. A
 * fold appends at most the keys of one event to a map (or a reset empties
 * it first), so ranking what lies past the count looked at last is O(1) per
 * event; a reconcile ranks whatever GetState brought that is new, by name.
 * Whatever slips past both (a map emptied and refilled to its old size in
 * one event) is ranked by name when the rows are read.
 *
 * The order forgets keys gone a while (pods of old rollouts): it keeps at
 * most what the map held at its largest plus ROWS_GONE keys, those seen
 * last, which covers a reset's empty map and the iteration that refills it;
 * it prunes once it has twice that, so the work is O(log n) a key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "skaffold/model_int.h"
#include "skaffold/modelstate_int.h"

/* Keys gone from a map that its order keeps, beyond the map's peak size. */
#define ROWS_GONE 128

void model_rows_init(model_t *m)
{
    for (int w = 0; w < ROWS__N; w++) {
        rank_rows_init(&m->rows[w]);
        m->rows_seen[w] = m->rows_peak[w] = 0;
    }
}

void model_rows_free(model_t *m)
{
    for (int w = 0; w < ROWS__N; w++)
        rank_rows_free(&m->rows[w]);
}

static size_t map_count(const model_t *m, enum model_rows w)
{
    const Proto__State *s = m->mirror.s;
    if (w == ROWS_ARTS)
        return s->buildstate ? s->buildstate->n_artifacts : 0;
    if (w == ROWS_RES)
        return s->statuscheckstate ? s->statuscheckstate->n_resources : 0;
    return s->n_forwardedports;
}

/* The key of entry k; a port's number is written into num. */
static const char *map_key(const model_t *m, enum model_rows w, size_t k, char num[16])
{
    const Proto__State *s = m->mirror.s;
    if (w == ROWS_ARTS)
        return model_nz(s->buildstate->artifacts[k]->key);
    if (w == ROWS_RES)
        return model_nz(s->statuscheckstate->resources[k]->key);
    snprintf(num, 16, "%d", (int)s->forwardedports[k]->key);
    return num;
}

static rank_cmp_fn *map_cmp(enum model_rows w)
{
    return w == ROWS_PORTS ? rank_cmp_num : strcmp;
}

/* The keys of entries [from, n) (ports' numbers in num). */
static const char **map_keys(const model_t *m, enum model_rows w, size_t from, size_t n,
                             char (**num)[16])
{
    size_t k = n > from ? n - from : 0;
    const char **keys = xmalloc((k ? k : 1) * sizeof *keys);
    *num = xmalloc((k ? k : 1) * sizeof **num);
    for (size_t i = 0; i < k; i++)
        keys[i] = map_key(m, w, from + i, (*num)[i]);
    return keys;
}

/* Ranks entries [from, n) of the map. */
static void note_range(model_t *m, enum model_rows w, size_t from, size_t n, rank_cmp_fn *cmp)
{
    if (n == from + 1) { /* a fold's one key: no allocation */
        char one[16];
        const char *key = map_key(m, w, from, one);
        rank_note(&m->rows[w].rank, &key, 1, cmp);
        return;
    }
    char (*num)[16];
    const char **keys = map_keys(m, w, from, n, &num);
    rank_note(&m->rows[w].rank, keys, n > from ? n - from : 0, cmp);
    free(keys);
    free(num);
}

/* Forgets the keys gone longest once the order holds twice what it keeps:
 * the map's keys are seen again first, so none of them goes. */
static void prune(model_t *m, enum model_rows w, size_t n)
{
    rank_t *r = &m->rows[w].rank;
    if (n > m->rows_peak[w])
        m->rows_peak[w] = n;
    size_t keep = m->rows_peak[w] + ROWS_GONE;
    if (r->n <= 2 * keep)
        return;
    note_range(m, w, 0, n, map_cmp(w));
    rank_prune(r, keep);
}

void model_rows_note(model_t *m, bool all)
{
    if (m->opts.no_history)
        return; /* a headless fold that only prints the State: no rows */
    for (int w = 0; w < ROWS__N; w++) {
        size_t n = map_count(m, w), seen = m->rows_seen[w];
        if (all)
            note_range(m, w, 0, n, map_cmp(w));
        else if (n != seen)
            note_range(m, w, n > seen ? seen : 0, n, NULL);
        m->rows_seen[w] = n;
        prune(m, w, n);
    }
}

size_t model_rows_pos(const model_t *mc, enum model_rows w, size_t i)
{
    model_t *m = (model_t *)mc; /* the order is a reader's cache */
    rank_rows_t *rr = &m->rows[w];
    if (rank_rows_stale(rr, m->generation)) {
        char (*num)[16];
        size_t n = map_count(m, w);
        const char **keys = map_keys(m, w, 0, n, &num);
        rank_rows_fill(rr, keys, n, map_cmp(w), m->generation);
        free(keys);
        free(num);
    }
    return rr->perm[i];
}
