/* The BuildKit model: each answer folded where it belongs. See bk_model.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buildkit/bk_format.h"
#include "buildkit/bk_model.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

void bk_model_init(bk_model_t *m, unsigned tail_lines)
{
    memset(m, 0, sizeof *m);
    bk_progress_opts_t po = {.tail_lines = tail_lines};
    m->progress = bk_progress_new(&po);
    bk_builds_init(&m->builds);
    bk_cache_init(&m->cache);
    bk_cache_init(&m->removed);
}

void bk_model_fini(bk_model_t *m)
{
    bk_progress_free(m->progress);
    bk_builds_free(&m->builds);
    bk_cache_free(&m->cache);
    bk_cache_free(&m->removed);
    bk_workers_free(&m->workers);
    m->progress = NULL;
}

void bk_model_status_reset(bk_model_t *m, const char *ref)
{
    bk_progress_reset(m->progress);
    if (ref != m->ref)
        snprintf(m->ref, sizeof m->ref, "%s", ref);
    m->status_err[0] = 0;
    m->status_ended = m->status_lost = false;
    m->gen++;
}

void bk_model_status(bk_model_t *m, const Moby__Buildkit__V1__StatusResponse *r)
{
    bk_progress_fold(m->progress, r);
    m->gen++;
}

void bk_model_du(bk_model_t *m, const Moby__Buildkit__V1__DiskUsageResponse *r)
{
    bk_cache_load(&m->cache, r);
    bk_cache_sort(&m->cache, m->sort);
    m->du_loaded = true;
    m->gen++;
}

void bk_model_sort(bk_model_t *m, bk_cache_sort_t by)
{
    m->sort = by;
    bk_cache_sort(&m->cache, by);
    m->gen++;
}

void bk_model_workers(bk_model_t *m, const Moby__Buildkit__V1__ListWorkersResponse *r)
{
    bk_workers_load(&m->workers, r);
    m->workers_loaded = true;
    m->gen++;
}

void bk_model_info(bk_model_t *m, const Moby__Buildkit__V1__InfoResponse *r)
{
    if (r->buildkitversion && r->buildkitversion->version)
        snprintf(m->version, sizeof m->version, "%s", r->buildkitversion->version);
    m->gen++;
}

void bk_model_history(bk_model_t *m, const Moby__Buildkit__V1__BuildHistoryEvent *ev)
{
    bk_builds_fold(&m->builds, ev);
    m->gen++;
}

void bk_model_prune_begin(bk_model_t *m)
{
    bk_cache_clear(&m->removed);
    m->pruned = false;
    m->pruning = true;
    m->gen++;
}

void bk_model_pruned(bk_model_t *m, const Moby__Buildkit__V1__UsageRecord *r)
{
    bk_cache_add(&m->removed, r);
    m->gen++;
}

/* ---- the Workers view model ------------------------------------------------- */

static void platforms(const Moby__Buildkit__V1__Types__WorkerRecord *w, strbuf_t *out)
{
    for (size_t i = 0; i < w->n_platforms; i++) {
        const Pb__Platform *p = w->platforms[i];
        sb_printf(out, "%s%s/%s", i ? "," : "", p->os ? p->os : "", p->architecture ? p->architecture : "");
        if (p->variant && *p->variant)
            sb_printf(out, "/%s", p->variant);
    }
}

/* "GC policy #0: all records, keep 48h0m0s, reserved 10.00GB, filter type==source.local" */
static void gc_text(const Moby__Buildkit__V1__Types__GCPolicy *g, size_t i, strbuf_t *out)
{
    sb_printf(out, "  GC policy #%zu: %s", i, g->all ? "all records" : "unused records");
    if (g->keepduration) {
        sb_adds(out, ", keep ");
        bk_format_duration(out, g->keepduration);
    }
    static const char *const names[] = {"reserved", "max used", "min free"};
    int64_t vals[] = {g->reservedspace, g->maxusedspace, g->minfreespace};
    for (int k = 0; k < 3; k++) {
        if (!vals[k])
            continue;
        sb_printf(out, ", %s ", names[k]);
        bk_format_bytes(out, vals[k]);
    }
    for (size_t k = 0; k < g->n_filters; k++)
        if (g->filters[k] && *g->filters[k]) /* dockerd sends [""]: no filter */
            sb_printf(out, ", filter %s", g->filters[k]);
}

/* Takes t's text as the next line (t is emptied). */
static void push(bk_workers_t *w, bk_wline_kind_t kind, size_t worker, strbuf_t *t)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 16;
        w->line = xrealloc(w->line, w->cap * sizeof *w->line);
    }
    w->line[w->n++] = (bk_wline_t){kind, worker, xstrdup(t->data ? t->data : "")};
    sb_reset(t);
}

static const char *str(const char *s) { return s ? s : ""; }

static void load_one(bk_workers_t *w, const Moby__Buildkit__V1__Types__WorkerRecord *r, size_t i, strbuf_t *t)
{
    sb_printf(t, "%s  ", str(r->id));
    platforms(r, t);
    push(w, BK_WLINE_HEAD, i, t);
    const Moby__Buildkit__V1__Types__BuildkitVersion *v = r->buildkitversion;
    if (v) {
        sb_printf(t, "  BuildKit %s %s %s", str(v->package), str(v->version), str(v->revision));
        push(w, BK_WLINE_VERSION, i, t);
    }
    for (size_t k = 0; k < r->n_labels; k++) {
        sb_printf(t, "  %s = %s", str(r->labels[k]->key), str(r->labels[k]->value));
        push(w, BK_WLINE_LABEL, i, t);
    }
    for (size_t k = 0; k < r->n_gcpolicy; k++) {
        gc_text(r->gcpolicy[k], k, t);
        push(w, BK_WLINE_GC, i, t);
    }
}

void bk_workers_load(bk_workers_t *w, const Moby__Buildkit__V1__ListWorkersResponse *r)
{
    bk_workers_free(w);
    strbuf_t t;
    sb_init(&t);
    for (size_t i = 0; i < r->n_record; i++)
        load_one(w, r->record[i], i, &t);
    w->n_workers = r->n_record;
    sb_free(&t);
}

void bk_workers_free(bk_workers_t *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->line[i].text);
    free(w->line);
    *w = (bk_workers_t){0};
}
