/* The BuildKit side of the session: what the viewer watches of one BuildKit
 * daemon (or one replayed build), without the screen.
 *
 * Data flows one way, as on the Skaffold side: the daemon's answers (the
 * client of transport/bk_client.h: Status, DiskUsage, ListWorkers, Info,
 * ListenBuildHistory, Prune) or a replay's messages (sources/bk_replay.h,
 * through its bk_sink_t) are folded into the BuildKit model
 * (buildkit/bk_model.h), every change is counted and the viewer is told
 * through the session's hooks (on_change; on_message for the status line).
 * The viewer reads the model and sends commands (bk_session_command); it
 * never talks to the client or the reader.
 *
 * Live: the calls are opened at start and again after the daemon was lost
 * and is back (the client's backoff); a build followed when the daemon went
 * away is followed again. Every BK_SESSION_POLL_MS while connected, Workers
 * and the Cache are asked for again while on screen (BK_CMD_SHOWN; asked at
 * once when they appear); with neither shown and no stream open (v0.8 has
 * no history to listen to) Info is asked instead: a daemon that restarted
 * under an idle viewer is noticed, shown reconnecting, and everything is
 * asked again once back. The Cache is also asked again when a followed
 * build ends, if shown. A ref the daemon
 * does not know yet ("no such job": its build has not started) is asked for
 * again with the client's backoff ("waiting for build REF") until it starts
 * or another build is followed. Without a ref (or BK_CMD_FOLLOW_ALL) every
 * build is followed: the newest running one in the history, and when it
 * ends the next one running or to start (model.follow_all); following one
 * build (BK_CMD_FOLLOW) ends that. Replay: only the Build pane's data; the replay
 * commands move it.
 *
 * Life cycle: bk_session_live() or bk_session_replay() -> commands ->
 * bk_session_close() when the loop winds down (stops the calls and the
 * timer) -> the loop runs out -> bk_session_free(). Everything runs on the
 * loop thread. */
#ifndef SKVIEW_BK_SESSION_H
#define SKVIEW_BK_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>
#include "buildkit/bk_model.h"
#include "buildkit/bk_pruneopts.h"
#include "session/session.h"
#include "sources/bk_replay.h"
#include "transport/bk_client.h"

#define BK_SESSION_ERR 300
#define BK_SESSION_POLL_MS 5000   /* Cache and Workers asked again; the connection watched */

/* The commands a viewer sends. */
typedef enum bk_session_cmd {
    BK_CMD_FOLLOW,             /* Status(arg.ref) for the Build pane; the one before is cancelled */
    BK_CMD_FOLLOW_ALL,         /* every build: arg.ref if given, else the newest running one; when it
                                  ends, the next one that runs (BuildKit v0.11+: the history) */
    BK_CMD_REFRESH,            /* DiskUsage, ListWorkers and the history again */
    BK_CMD_HISTORY,            /* listen to the builds (again, if it failed) */
    BK_CMD_PRUNE,              /* Prune as *arg.prune says; the table is asked for again at its end */
    BK_CMD_SORT,               /* the cache table by arg.sort */
    BK_CMD_PAUSE,              /* replay: pause or play */
    BK_CMD_FASTER,
    BK_CMD_SLOWER,
    BK_CMD_STEP,
    BK_CMD_NEXT_ERROR,
    BK_CMD_SHOWN,              /* arg.shown: which of Cache and Workers are on screen */
} bk_session_cmd_t;

/* BK_CMD_SHOWN's bits. */
#define BK_SHOWN_CACHE 1u
#define BK_SHOWN_WORKERS 2u

typedef struct bk_cmd_arg {
    const char *ref;
    const bk_prune_opts_t *prune;
    bk_cache_sort_t sort;
    unsigned shown;            /* BK_SHOWN_* */
} bk_cmd_arg_t;

typedef struct bk_session {
    uv_loop_t *loop;
    bk_model_t model;          /* what the panes draw */
    session_hooks_t hooks;
    bool live;                 /* a daemon; else a replay */

    /* live */
    const char *addr;
    bk_client_t *client;
    live_conn_t conn;          /* the daemon's connection (bk_client_watch) */
    char conn_detail[BK_SESSION_ERR];
    uint64_t retry_ms;         /* RECONNECTING: the delay before the next try */
    bk_call_t *status_call;    /* valid while model.status_running */
    unsigned status_gen;       /* the current Status call; older ends are ignored */
    Moby__Buildkit__V1__BuildHistoryRequest history_req;
    uv_timer_t poll, wait;     /* the poll; the next try of a ref not started */
    bool timers;               /* both initialised (closed by bk_session_close) */
    unsigned wait_attempt;
    unsigned shown;            /* BK_SHOWN_*: what the poll asks for (both until told) */

    /* replay */
    bk_replay_t *replay;
} bk_session_t;

/* Connects to addr (NULL: $BUILDKIT_HOST or the default) and opens the
 * calls; follows ref when given. NULL with err filled when the address is
 * not usable. tail_lines: a running step's log lines shown (0: 6). */
bk_session_t *bk_session_live(uv_loop_t *loop, const char *addr, const char *ref, unsigned tail_lines,
                              const session_hooks_t *hooks, char *err, size_t errlen);
/* Opens a replay of path (paused until bk_session_replay_start). NULL with
 * err filled. */
bk_session_t *bk_session_replay(uv_loop_t *loop, const char *path, double speed, unsigned tail_lines,
                                const session_hooks_t *hooks, char *err, size_t errlen);
void bk_session_replay_start(bk_session_t *s, bool paused);
/* --at: END, N or error:N. -1 (a usage error printed) when bad. */
int bk_session_replay_seek(bk_session_t *s, const char *at);
/* Where the replay stands (false without one). */
bool bk_session_replay_info(const bk_session_t *s, bk_replay_info_t *out);
/* Whether s replays a file (false for NULL and for a daemon). */
bool bk_session_is_replay(const bk_session_t *s);
/* Whether the file is BuildKit progress rather than a Skaffold log. */
bool bk_session_is_file(const char *path);

/* 0, or -1 when the session cannot do it now (a message says why). */
int bk_session_command(bk_session_t *s, bk_session_cmd_t cmd, const bk_cmd_arg_t *arg);
/* "Now" for durations: the clock live, the newest message's time replayed. */
bk_time_t bk_session_now(const bk_session_t *s);

void bk_session_close(bk_session_t *s);
void bk_session_free(bk_session_t *s);

#endif
