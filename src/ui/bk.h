/* The viewer's BuildKit side: the state behind the Build, Cache and Workers
 * panes, fed either by a daemon (bk.c: Status, DiskUsage, ListWorkers,
 * Info, ListenBuildHistory, Prune through live/bk_client.h) or by a saved
 * build (bk_replay.c: rawjson or a skview recording, paced like a replay).
 *
 * ui->bk is NULL unless BuildKit is in use: --buildkit ADDR, $BUILDKIT_HOST,
 * --ref/--ref-file, or `skview replay` of a BuildKit file. Then Build exists;
 * Cache and Workers exist only with a daemon. Everything runs on the loop
 * thread; every change bumps ui->bk_gen and asks for a (coalesced) redraw.
 *
 * Order of calls: bk_ui_live() or bk_ui_replay_open() after ui_init;
 * bk_ui_close() when the loop winds down (stops calls and timers);
 * bk_ui_free() after the loop ran out. */
#ifndef SKVIEW_UI_BK_H
#define SKVIEW_UI_BK_H

#include <stdbool.h>
#include "transport/bk_client.h"
#include "buildkit/bk_cache.h"
#include "buildkit/bk_history.h"
#include "buildkit/bk_progress.h"
#include "ui/app.h"

#define BK_UI_ERR 300

typedef struct bk_replay bk_replay_t;

typedef struct ui_bk {
    unsigned serial;            /* tells one viewer's state from the next (pane caches) */
    bool live;                  /* a daemon; else a replay */
    const char *addr;
    bk_client_t *client;
    char version[160];          /* from Info ("" before v0.11) */
    live_conn_t conn;           /* the daemon's connection (bk_client_watch) */
    char conn_detail[BK_UI_ERR];
    uint64_t retry_ms;          /* RECONNECTING: the delay before the next try */
    bool status_lost;           /* Status ended with the connection: follow again */

    /* Build: one build's progress, from Status(ref) or the replay. */
    bk_progress_t *progress;
    char ref[256];
    bk_call_t *status_call;     /* valid while status_running */
    unsigned status_gen;        /* the current Status call; older ends are ignored */
    bool status_running, status_ended;
    char status_err[BK_UI_ERR];
    long expanded;              /* vertex whose whole log is shown, or -1 */
    bool picking;               /* the Build pane lists builds instead */

    /* The daemon's builds (ListenBuildHistory). */
    bk_builds_t builds;
    Moby__Buildkit__V1__BuildHistoryRequest history_req;
    bool history_running, no_history;
    char history_err[BK_UI_ERR];

    /* Cache: DiskUsage, and what the last Prune removed. */
    bk_cache_t cache;
    bk_cache_sort_t sort;
    bool du_loaded, du_running;
    char du_err[BK_UI_ERR];
    bk_cache_t removed;
    bool pruning, pruned;
    Moby__Buildkit__V1__PruneRequest prune_req;
    char *prune_filters[16];
    char prune_text[128];       /* the options as typed */
    char prune_words[128];      /* the same, cut into words */

    /* Workers: a deep copy of the ListWorkers answer. */
    Moby__Buildkit__V1__ListWorkersResponse *workers;
    bool workers_running;
    char workers_err[BK_UI_ERR];

    bk_replay_t *replay;
} ui_bk_t;

typedef struct bk_ui_opts {
    const char *addr;           /* --buildkit; NULL: $BUILDKIT_HOST or the default */
    const char *ref, *ref_file;
    unsigned tail_lines;        /* --log-tail; 0: 6 */
} bk_ui_opts_t;

/* A fresh state in ui->bk (bk.c, bk_replay.c). */
ui_bk_t *bk_ui_new(ui_t *ui, bool live, unsigned tail_lines);
/* --log-tail N (1..1000) into *out (0 when s is NULL); a usage error else. */
int bk_ui_parse_tail(const char *s, unsigned *out);
/* Whether the options ask for BuildKit (an address, $BUILDKIT_HOST or a ref). */
bool bk_ui_wanted(const bk_ui_opts_t *o);
/* Connects and starts the calls. -1 with a sentence on stderr. */
int bk_ui_live(ui_t *ui, const bk_ui_opts_t *o);
void bk_ui_close(ui_t *ui);
void bk_ui_free(ui_t *ui);

/* Whether the file holds BuildKit progress (rawjson, or a recording whose
 * first record is a Status message) rather than a Skaffold log. */
bool bk_ui_is_file(const char *path);
/* Opens a replay of it (paused until bk_ui_replay_start). -1 with err. */
int bk_ui_replay_open(ui_t *ui, const char *path, double speed, unsigned tail_lines, char *err,
                      size_t errlen);
void bk_ui_replay_start(ui_t *ui, bool paused);
void bk_ui_replay_close(ui_t *ui);
/* --at: END or a message number. -1 (a usage error printed) when bad. */
int bk_ui_replay_seek(ui_t *ui, const char *at);
/* The replay keys (pause, faster, slower, step, next-error). */
int bk_replay_control(ui_t *ui, action_t a);
/* Header text of the replay: position, speed, state. */
void bk_replay_describe(ui_t *ui, char *buf, size_t len);

bool bk_ui_present(ui_t *ui, int pane);
/* True while a build runs on screen (its timers move). */
bool bk_ui_animating(ui_t *ui);
/* pick-build, expand, prune, sort-*, refresh outside their panes. */
int bk_ui_action(ui_t *ui, action_t a);
/* "Now" for the Build pane: the clock live, the file's last time replayed. */
bk_time_t bk_ui_now(const ui_t *ui);
/* Something changed: bump the generation, ask for a redraw. */
void bk_ui_changed(ui_t *ui);

/* bk.c: Status(ref) for the Build pane (a pick, --ref). */
void bk_ui_follow(ui_t *ui, const char *ref);
void bk_ui_refresh_cache(ui_t *ui);

/* bk_prune.c: the two prompts before a Prune, and the call. */
int bk_prune_start(ui_t *ui);
int bk_prune_options_done(ui_t *ui);
int bk_prune_confirm_key(ui_t *ui, int key);

#endif
