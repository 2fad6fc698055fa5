/* Per-resource detail (see resources_int.h). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "skaffold/model_int.h"
#include "skaffold/resources_int.h"

void reslist_init(reslist_t *l)
{
    memset(l, 0, sizeof *l);
    keyidx_init(&l->ix);
}

static void res_free(model_resource_t *r)
{
    free(r->name);
    free(r->status);
    free(r->message);
    for (size_t i = 0; i < r->n_suggestions; i++)
        free(r->suggestions[i].action);
    free(r->suggestions);
}

void reslist_clear(reslist_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        res_free(&l->v[i]);
    l->n = 0;
    keyidx_clear(&l->ix);
    l->tree_valid = false;
}

void reslist_free(reslist_t *l)
{
    reslist_clear(l);
    free(l->v);
    free(l->tree);
    free(l->depth);
    keyidx_free(&l->ix);
    reslist_init(l);
}


/* Up to this many resources are found by comparing; the index exists only
 * beyond. */
#define RES_SCAN_MAX 8

model_resource_t *reslist_find(const reslist_t *l, const char *name)
{
    keyidx_str_key_t k = {l->v, sizeof *l->v, offsetof(model_resource_t, name), name};
    /* A rollout's handful of resources: comparing beats hashing. */
    if (l->n <= RES_SCAN_MAX) {
        for (size_t i = 0; i < l->n; i++)
            if (keyidx_str_eq(&k, i))
                return &l->v[i];
        return NULL;
    }
    long pos = keyidx_find(&l->ix, keyidx_hash_str(name), keyidx_str_eq, &k);
    return pos < 0 ? NULL : &l->v[pos];
}

static model_resource_t *res_add(reslist_t *l, const char *name)
{
    l->v = model_grow(l->v, &l->alloc, l->n + 1, sizeof *l->v, 0);
    model_resource_t *r = &l->v[l->n];
    memset(r, 0, sizeof *r);
    r->name = xstrdup(name);
    /* status and message: the caller sets both (NULL until then). */
    l->n++;
    if (l->n == RES_SCAN_MAX + 1) {
        keyidx_clear(&l->ix);
        for (size_t i = 0; i < l->n; i++)
            keyidx_add(&l->ix, keyidx_hash_str(l->v[i].name), i);
    } else if (l->n > RES_SCAN_MAX) {
        keyidx_add(&l->ix, keyidx_hash_str(name), l->n - 1);
    }
    l->tree_valid = false;
    return r;
}

static void str_replace(char **dst, const char *src)
{
    if (*dst != NULL && strcmp(*dst, model_nz(src)) == 0)
        return;
    free(*dst);
    *dst = xstrdup(model_nz(src));
}

static void res_set_suggestions(model_resource_t *r, const Proto__ActionableErr *ae)
{
    for (size_t i = 0; i < r->n_suggestions; i++)
        free(r->suggestions[i].action);
    free(r->suggestions);
    r->suggestions = NULL;
    r->n_suggestions = 0;
    if (ae == NULL || ae->n_suggestions == 0)
        return;
    r->suggestions = xcalloc(ae->n_suggestions, sizeof *r->suggestions);
    for (size_t i = 0; i < ae->n_suggestions; i++) {
        r->suggestions[i].code = ae->suggestions[i]->suggestioncode;
        r->suggestions[i].action = xstrdup(model_nz(ae->suggestions[i]->action));
    }
    r->n_suggestions = ae->n_suggestions;
}

/* The message of the latest event; newer Skaffold puts it in actionableErr
 * and statusCode there too, older only in the deprecated err. While the
 * check runs this is the resource's condition (creating, rollout pending, a
 * restart that may still clear), never an error of its own. */
void reslist_fold(reslist_t *l, const Proto__ResourceStatusCheckEvent *ev, int64_t t)
{
    const Proto__ActionableErr *ae = ev->actionableerr;
    const char *name = model_nz(ev->resource);
    model_resource_t *r = reslist_find(l, name);
    const char *msg = model_nz(ev->message);

    if (r == NULL)
        r = res_add(l, name);
    if (*msg == '\0' && ae != NULL)
        msg = model_nz(ae->message);
    if (*msg == '\0')
        msg = model_nz(ev->err);
    str_replace(&r->status, ev->status);
    str_replace(&r->message, msg);
    r->code = ev->statuscode != 0 || ae == NULL ? (int)ev->statuscode : (int)ae->errcode;
    res_set_suggestions(r, ae);
    r->time_ns = t;
}

void reslist_sync(reslist_t *l, const Proto__StatusCheckState *sc)
{
    reslist_t old = *l;
    reslist_init(l);
    for (size_t i = 0; i < sc->n_resources; i++) {
        const char *name = model_nz(sc->resources[i]->key);
        if (reslist_find(l, name) != NULL)
            continue;
        model_resource_t *r = res_add(l, name);
        model_resource_t *was = reslist_find(&old, name);
        if (was != NULL) {
            free(r->name);
            free(r->status);
            free(r->message);
            *r = *was;
            memset(was, 0, sizeof *was);
            was->name = xstrdup(name); /* keeps old's index valid */
        }
        str_replace(&r->status, sc->resources[i]->value);
        if (r->message == NULL)
            r->message = xstrdup("");
    }
    reslist_free(&old);
}

/* pod/NAME-HASH-XXXX belongs to deployment/NAME: the longest deployment
 * whose name and a '-' start the pod's name. */
const model_resource_t *reslist_owner(const reslist_t *l, const model_resource_t *r)
{
    static const char pod[] = "pod/", dep[] = "deployment/";
    if (strncmp(r->name, pod, sizeof pod - 1) != 0)
        return NULL;
    const char *p = r->name + sizeof pod - 1;
    size_t plen = strlen(p);
    char *key = xmalloc(sizeof dep + plen);
    const model_resource_t *owner = NULL;

    memcpy(key, dep, sizeof dep - 1);
    for (size_t n = plen; n-- > 1 && owner == NULL;) {
        if (p[n] != '-')
            continue;
        memcpy(key + sizeof dep - 1, p, n);
        key[sizeof dep - 1 + n] = '\0';
        owner = reslist_find(l, key);
    }
    free(key);
    return owner;
}

/* The positions of the resources in rank order. */
static size_t *reslist_ranked(const reslist_t *l, rank_t *rank)
{
    size_t n = l->n;
    const char **names = xmalloc((n ? n : 1) * sizeof *names);
    size_t *perm = xmalloc((n ? n : 1) * sizeof *perm);
    for (size_t i = 0; i < n; i++)
        names[i] = l->v[i].name;
    rank_order(rank, names, n, strcmp, perm);
    free(names);
    return perm;
}

/* Each resource's owner (its position, -1 for none), and in first[] where
 * each owner's children start in the grouping (a counting sort: linear). */
static long *reslist_owners(const reslist_t *l, size_t *first)
{
    long *owner = xmalloc((l->n ? l->n : 1) * sizeof *owner);
    for (size_t i = 0; i < l->n; i++) {
        const model_resource_t *o = reslist_owner(l, &l->v[i]);
        owner[i] = o ? (long)(o - l->v) : -1;
        if (o)
            first[o - l->v + 1]++;
    }
    for (size_t i = 0; i < l->n; i++)
        first[i + 1] += first[i];
    return owner;
}

/* Builds the tree order: the resources by rank, except that a pod whose
 * deployment is listed comes right after it, among its siblings by rank. */
static void reslist_tree_build(reslist_t *l, rank_t *rank)
{
    size_t n = l->n, k = 0;
    size_t *perm = reslist_ranked(l, rank), *first = xcalloc(n + 1, sizeof *first);
    long *owner = reslist_owners(l, first);
    size_t *next = xmalloc((n ? n : 1) * sizeof *next), *fill = xmalloc((n + 1) * sizeof *fill);

    l->tree = model_grow(l->tree, &l->tree_alloc, n, sizeof *l->tree, 0);
    l->depth = xrealloc(l->depth, l->tree_alloc ? l->tree_alloc : 1);
    memcpy(fill, first, (n + 1) * sizeof *fill);
    for (size_t j = 0; j < n; j++)
        if (owner[perm[j]] >= 0)
            next[fill[owner[perm[j]]]++] = perm[j];
    for (size_t j = 0; j < n; j++) {
        size_t i = perm[j];
        if (owner[i] >= 0)
            continue;
        l->depth[k] = 0;
        l->tree[k++] = i;
        for (size_t c = first[i]; c < first[i + 1]; c++) {
            l->depth[k] = 1;
            l->tree[k++] = next[c];
        }
    }
    free(perm);
    free(owner);
    free(first);
    free(next);
    free(fill);
    l->tree_valid = true;
}

const model_resource_t *reslist_tree_at(reslist_t *l, rank_t *rank, size_t i, int *depth)
{
    if (i >= l->n)
        return NULL;
    if (!l->tree_valid)
        reslist_tree_build(l, rank);
    if (depth != NULL)
        *depth = l->depth[i];
    return &l->v[l->tree[i]];
}
