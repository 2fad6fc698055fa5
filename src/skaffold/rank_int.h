/* Private to src/skaffold: the order in which a keyed collection's rows stay
 * put. Skaffold's State maps come in a random order on every GetState (Go's
 * map iteration), so their order says nothing; a row's place is its key's
 * rank instead: the keys are ranked when first seen, those seen together in
 * their cmp order (by name), after every key ranked before. A key keeps its
 * rank while it comes and goes (a reset empties a map, the next iteration
 * fills it again). Keys gone for a while are forgotten (rank_prune), so a
 * long dev loop whose rollouts bring new pod names stays bounded: a key
 * that comes back after that is ranked again, as a new one. */
#ifndef SKVIEW_RANK_INT_H
#define SKVIEW_RANK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/keyidx.h"

typedef struct rank_entry {
    char *key;
    uint64_t seen;             /* the rank_note that last saw it */
} rank_entry_t;

typedef struct rank {
    rank_entry_t *v;           /* by rank */
    size_t n, alloc;
    uint64_t tick;             /* rank_note calls */
    keyidx_t ix;
} rank_t;

/* The order of keys seen in one batch: strcmp, or numeric for map<int32>. */
typedef int rank_cmp_fn(const char *a, const char *b);
int rank_cmp_num(const char *a, const char *b);

void rank_init(rank_t *r);
void rank_free(rank_t *r);
/* Ranks the keys of keys[0..n) not seen before: in cmp order, or in the
 * order given when cmp is NULL (keys a stream brought one by one); every
 * key of keys is seen now. */
void rank_note(rank_t *r, const char *const *keys, size_t n, rank_cmp_fn *cmp);
/* Keeps the `keep` keys seen last (ties: the later ranks), in their rank
 * order, and forgets the others. */
void rank_prune(rank_t *r, size_t keep);
/* Ranks the keys of keys[0..n) not seen before (in cmp order), then fills
 * perm[0..n) with the positions 0..n-1 from the lowest rank up. */
void rank_order(rank_t *r, const char *const *keys, size_t n, rank_cmp_fn *cmp, size_t *perm);

/* A map's rows in rank order, worked out again only when the model's
 * generation moved (a reader's cache, as the resource tree is). */
typedef struct rank_rows {
    rank_t rank;
    size_t *perm;
    size_t alloc;
    uint64_t gen;
    bool valid;
} rank_rows_t;

void rank_rows_init(rank_rows_t *rr);
void rank_rows_free(rank_rows_t *rr);
/* Whether perm must be worked out again at generation gen. */
bool rank_rows_stale(const rank_rows_t *rr, uint64_t gen);
/* perm for keys[0..n) at generation gen (rank_order). */
void rank_rows_fill(rank_rows_t *rr, const char *const *keys, size_t n, rank_cmp_fn *cmp, uint64_t gen);

#endif
