/* Private to src/skaffold: per-resource detail beside the State's resources
 * map (status message, code, suggestions), in the map's own order: emptied
 * by the same resets, rebuilt from the map on reconcile. */
#ifndef SKVIEW_RESOURCES_INT_H
#define SKVIEW_RESOURCES_INT_H

#include "core/keyidx.h"
#include "skaffold/model.h"
#include "skaffold/rank_int.h"

typedef struct reslist {
    model_resource_t *v;
    size_t n, alloc;
    keyidx_t ix;
    /* The tree order (reslist_tree_at), built on demand after a change. */
    size_t *tree;
    unsigned char *depth;
    size_t tree_alloc;
    bool tree_valid;
} reslist_t;

void reslist_init(reslist_t *l);
void reslist_free(reslist_t *l);
void reslist_clear(reslist_t *l);
model_resource_t *reslist_find(const reslist_t *l, const char *name);
void reslist_fold(reslist_t *l, const Proto__ResourceStatusCheckEvent *ev, int64_t t);
/* Makes the list hold exactly the keys of sc's map, in its order, keeping
 * the detail of those it already had. */
void reslist_sync(reslist_t *l, const Proto__StatusCheckState *sc);
/* The i-th resource with each deployment followed by its pods (depth 1),
 * each level in the order of rank (first seen, then name). */
const model_resource_t *reslist_tree_at(reslist_t *l, rank_t *rank, size_t i, int *depth);
/* The deployment a pod belongs to (see model_resource_owner). */
const model_resource_t *reslist_owner(const reslist_t *l, const model_resource_t *r);

#endif
