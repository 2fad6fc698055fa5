/* The fold of build-history events; see bk_history.h. */
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "buildkit/bk_history.h"

void bk_builds_init(bk_builds_t *h) { memset(h, 0, sizeof *h); }

static void build_clear(bk_build_t *b)
{
    free(b->ref);
    free(b->frontend);
    free(b->error);
    free(b->images);
}

void bk_builds_free(bk_builds_t *h)
{
    for (size_t i = 0; i < h->n; i++)
        build_clear(&h->b[i]);
    free(h->b);
    bk_builds_init(h);
}

static bk_build_t *find(bk_builds_t *h, const char *ref)
{
    for (size_t i = 0; i < h->n; i++)
        if (!strcmp(h->b[i].ref, ref))
            return &h->b[i];
    return NULL;
}

static bk_build_t *add(bk_builds_t *h, const char *ref)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        bk_build_t *nb = xrealloc(h->b, cap * sizeof *nb);
        h->b = nb;
        h->cap = cap;
    }
    bk_build_t *b = &h->b[h->n++];
    memset(b, 0, sizeof *b);
    b->ref = xstrdup(ref);
    return b;
}

/* Exporters[].Attrs["name"] is known from the build's start. */
const char *bk_record_images(const Moby__Buildkit__V1__BuildHistoryRecord *r)
{
    for (size_t i = 0; i < r->n_exporters; i++)
        for (size_t k = 0; r->exporters[i] && k < r->exporters[i]->n_attrs; k++)
            if (!strcmp(r->exporters[i]->attrs[k]->key, "name") && *r->exporters[i]->attrs[k]->value)
                return r->exporters[i]->attrs[k]->value;
    for (size_t i = 0; i < r->n_exporterresponse; i++)
        if (!strcmp(r->exporterresponse[i]->key, "image.name") && *r->exporterresponse[i]->value)
            return r->exporterresponse[i]->value;
    return NULL;
}

static void fill(bk_build_t *b, const Moby__Buildkit__V1__BuildHistoryRecord *r, bool active)
{
    free(b->frontend);
    free(b->error);
    free(b->images);
    b->images = xstrdup_or_null(bk_record_images(r));
    b->frontend = xstrdup_or_null(r->frontend);
    b->error = r->error && r->error->code ? xstrdup_or_null(r->error->message && *r->error->message
                                                            ? r->error->message : "failed")
                                          : NULL;
    b->active = active;
    b->created = bk_time_from_ts(r->createdat);
    b->completed = bk_time_from_ts(r->completedat);
    b->cached = r->numcachedsteps;
    b->total = r->numtotalsteps;
    b->done = r->numcompletedsteps;
    b->warnings = r->numwarnings;
}

static int cmp(const void *x, const void *y)
{
    const bk_build_t *a = x, *b = y;
    if (a->active != b->active)
        return a->active ? -1 : 1;
    if (a->created != b->created)
        return a->created > b->created ? -1 : 1;
    return strcmp(a->ref, b->ref);
}

void bk_builds_fold(bk_builds_t *h, const Moby__Buildkit__V1__BuildHistoryEvent *ev)
{
    const Moby__Buildkit__V1__BuildHistoryRecord *r = ev->record;
    if (!r || !r->ref || !*r->ref)
        return;
    bk_build_t *b = find(h, r->ref);
    if (ev->type == MOBY__BUILDKIT__V1__BUILD_HISTORY_EVENT_TYPE__DELETED) {
        if (b) {
            build_clear(b);
            *b = h->b[--h->n];
        }
    } else {
        fill(b ? b : add(h, r->ref), r, ev->type == MOBY__BUILDKIT__V1__BUILD_HISTORY_EVENT_TYPE__STARTED);
    }
    qsort(h->b, h->n, sizeof *h->b, cmp);
}

const char *bk_build_state(const bk_build_t *b)
{
    return b->active ? "running" : b->error ? "failed" : "completed";
}
