/* What the viewer knows of one BuildKit daemon or one replayed build: the
 * fold of every answer the session hands it (Status, DiskUsage, ListWorkers,
 * Info, ListenBuildHistory, the records a Prune removed), and the state of
 * each call as the panes show it ("(loading)", the last error). The session
 * (session/bk_session.h) owns one and is the only writer; the panes read it.
 * Pure: no I/O, no clock. Strings are copies, as received (untrusted).
 *
 * The Workers pane's view model is here too (bk_workers_t): one text line a
 * row, built once per ListWorkers answer, so no pane reads a wire struct. */
#ifndef SKVIEW_BK_MODEL_H
#define SKVIEW_BK_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buildkit/control.pb-c.h"
#include "buildkit/bk_cache.h"
#include "buildkit/bk_history.h"
#include "buildkit/bk_progress.h"

#define BK_MODEL_ERR 300

/* One line of the Workers pane. */
typedef enum bk_wline_kind {
    BK_WLINE_HEAD,             /* "ID  os/arch,os/arch" */
    BK_WLINE_VERSION,          /* "  BuildKit package version revision" */
    BK_WLINE_LABEL,            /* "  key = value" */
    BK_WLINE_GC,               /* "  GC policy #i: ..." */
} bk_wline_kind_t;

typedef struct bk_wline {
    bk_wline_kind_t kind;
    size_t worker;             /* which worker (0..n_workers-1) */
    char *text;                /* untrusted: drawn through textsafe */
} bk_wline_t;

typedef struct bk_workers {
    bk_wline_t *line;
    size_t n, cap;
    size_t n_workers;
} bk_workers_t;

/* What the viewer says where following every build or linking an artifact
 * needs a history the daemon does not keep. */
#define BK_NO_FOLLOW_ALL "BuildKit < v0.11 has no build history: no build followed nor linked; only --ref works"

typedef struct bk_model {
    /* Build: one build's progress, from Status(ref) or the replay. */
    bk_progress_t *progress;
    char ref[256];
    bool status_running, status_ended, status_lost;
    bool status_waiting;       /* the daemon knows no such job yet: asked again */
    bool follow_all;           /* every build is followed, one after the other (the session's choice) */
    char status_err[BK_MODEL_ERR];

    /* The daemon's builds (ListenBuildHistory). */
    bk_builds_t builds;
    bool history_running, no_history;
    char history_err[BK_MODEL_ERR];

    /* Cache: DiskUsage (kept sorted by sort), and what the last Prune removed. */
    bk_cache_t cache;
    bk_cache_sort_t sort;
    bool du_loaded, du_running;
    char du_err[BK_MODEL_ERR];
    bk_cache_t removed;
    bool pruning, pruned;

    /* Workers: the view model of the last ListWorkers answer. */
    bk_workers_t workers;
    bool workers_loaded, workers_running;
    char workers_err[BK_MODEL_ERR];

    char version[160];         /* from Info ("" before v0.11) */
    uint64_t gen;              /* moves with every change */
} bk_model_t;

void bk_model_init(bk_model_t *m, unsigned tail_lines);
void bk_model_fini(bk_model_t *m);

/* A new Status(ref) begins (or a replay starts again): the progress is
 * emptied, ref named. */
void bk_model_status_reset(bk_model_t *m, const char *ref);
void bk_model_status(bk_model_t *m, const Moby__Buildkit__V1__StatusResponse *r);
void bk_model_du(bk_model_t *m, const Moby__Buildkit__V1__DiskUsageResponse *r);
void bk_model_sort(bk_model_t *m, bk_cache_sort_t by);
void bk_model_workers(bk_model_t *m, const Moby__Buildkit__V1__ListWorkersResponse *r);
void bk_model_info(bk_model_t *m, const Moby__Buildkit__V1__InfoResponse *r);
void bk_model_history(bk_model_t *m, const Moby__Buildkit__V1__BuildHistoryEvent *ev);
/* A Prune begins (the removed list emptied), a record it removed. */
void bk_model_prune_begin(bk_model_t *m);
void bk_model_pruned(bk_model_t *m, const Moby__Buildkit__V1__UsageRecord *r);

/* The Workers view model alone (bk_model_workers builds it). */
void bk_workers_load(bk_workers_t *w, const Moby__Buildkit__V1__ListWorkersResponse *r);
void bk_workers_free(bk_workers_t *w);

#endif
