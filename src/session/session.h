/* The session: what the viewer watches and steers, without the screen.
 *
 * Data flows one way: a source (the live Skaffold stream, or a replay of a
 * saved log) feeds the one sink (sources/source.h) of the session; the session
 * folds each entry into its model (and its recorder, when recording), counts
 * the change and tells the viewer through on_change. The viewer pulls what it
 * draws from the session (the model, the connection, the replay position) and
 * sends it commands (session_command); the results come back as messages.
 * Nothing here knows about curses.
 *
 * Life cycle: session_init() -> session_record() (optional) ->
 * session_live_start() or session_replay_open() -> commands, callbacks ->
 * session_stop(done) -> (done) session_close() -> the loop runs until every
 * handle is closed -> session_fini().
 *
 * Headless commands (ctl, record, events -a, state -a, logs -a) run the
 * same session through session_run(): one loop with SIGINT/SIGTERM, the
 * options below (reconnecting, when to stop, which streams) and the per-entry
 * hooks; every problem reaches the command as a message (on_message), which
 * it prints with the CLI's one printer.
 *
 * Everything runs on the loop thread. */
#ifndef SKVIEW_SESSION_H
#define SKVIEW_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>
#include "transport/client.h"
#include "sources/dedup.h"
#include "sources/rec_live.h"
#include "sources/replay.h"
#include "sources/v2merge.h"
#include "skaffold/model.h"

typedef struct session_hooks {
    void *ctx;
    /* The change counter moved: the viewer asks for a frame (coalesced). */
    void (*on_change)(void *ctx);
    /* The outcome of a command, or a problem of a source: one line for the
     * status line. error tells whether it is a failure. */
    void (*on_message)(void *ctx, bool error, const char *text);
    /* Headless (session_run): each v1 entry and v2 event as it is folded,
     * after the model has it (with skip_replayed, only those not delivered
     * before). A hook may end the run (session_end). NULL: not wanted. */
    void (*on_entry)(void *ctx, const Proto__LogEntry *e);
    void (*on_v2)(void *ctx, const Proto__V2__Event *ev, v2_stream_t stream);
    /* Every GetState answer, as the server sent it (ctl state). */
    void (*on_state)(void *ctx, const Proto__State *st);
    /* Headless: every few tens of ms (a --follow flushes its output). */
    void (*on_tick)(void *ctx);
} session_hooks_t;

/* How a live session runs (session_live_start_opts, session_run). The viewer
 * reconnects for ever with v2 and reconciles; a one-shot command sets
 * until_history. */
#define SESSION_QUIET_DEFAULT_MS 300
#define SESSION_FIRST_ANSWER_MS 10000
typedef struct session_live_opts {
    bool reconnect;          /* a lost connection is retried for ever; false: it ends the run (exit 1) */
    bool first_must_connect; /* with reconnect: the first attempt failing ends the run (--follow) */
    bool no_v2;              /* v1 only (events, state) */
    bool no_fold_v2;         /* v2 events reach the hooks, not the model (logs -a: no log ring) */
    bool skip_replayed;      /* a reconnect's replay of what the hooks had reaches them no more */
    bool say_connected;      /* a message on each connection (record) */
    bool calls_only;         /* no stream: control calls only (session_run_call) */
    /* One-shot: the run ends (0) once the server's history has been
     * delivered: every stream quiet for quiet_ms, then a GetState sent as a
     * barrier (its answer comes after whatever the server sent before it)
     * answers with nothing arrived meanwhile and the folded mirror agrees
     * with it where events decide (session_history_agrees); a disagreement
     * is reconciled and the next quiet window asks again. */
    bool until_history;
    uint32_t quiet_ms;       /* 0: SESSION_QUIET_DEFAULT_MS */
    /* until_history: no answer at all (entry, v2 event, GetState) this long
     * after the start ends the run (exit 1, saying so); 0: SESSION_FIRST_ANSWER_MS. */
    uint32_t first_answer_ms;
    /* until_history, state -a: a stream that never goes quiet: after this
     * long the next GetState's answer ends the run whatever arrived (its
     * reconcile makes the mirror the server's State as of the answer). 0:
     * never. */
    uint32_t max_wait_ms;
} session_live_opts_t;

struct session_run;

/* The commands a viewer (or a headless command) sends. */
typedef enum session_cmd {
    SESSION_CMD_BUILD,         /* Execute build */
    SESSION_CMD_SYNC,          /* Execute sync */
    SESSION_CMD_DEPLOY,        /* Execute deploy */
    SESSION_CMD_AUTO_BUILD,    /* toggle the auto trigger */
    SESSION_CMD_AUTO_SYNC,
    SESSION_CMD_AUTO_DEPLOY,
    SESSION_CMD_PAUSE,         /* replay: pause or play */
    SESSION_CMD_FASTER,
    SESSION_CMD_SLOWER,
    SESSION_CMD_STEP,
    SESSION_CMD_NEXT_ITER,
    SESSION_CMD_PREV_ITER,
    SESSION_CMD_NEXT_ERROR,
} session_cmd_t;

typedef struct session {
    uv_loop_t *loop;
    model_t *model;            /* what the viewer draws */
    uint64_t changes;          /* moves with every change of what it shows */
    session_hooks_t hooks;

    /* live */
    sk_client_t *client;
    const char *addr;
    live_conn_t conn;
    char conn_detail[256];
    uint64_t retry_at_ms;      /* loop time of the next attempt */
    /* The connection was lost: the model keeps the last mirror until a new
     * stream delivers its history. */
    bool stale;
    bool connected_once;       /* a server answered at addr once */
    recorder_t rec;            /* --record: the same recorder as `skview record` */
    bool recording;
    sk_client_stats_t state_stats;  /* the client's counts at its stop, for SKVIEW_STATS */
    bool client_used;          /* state_stats is set */
    /* Whether the server serves Skaffold 2.x's v2 API (the tasks, Skaffold's
     * output, the application's logs): V2_UNKNOWN until a v2 stream answers;
     * V2_UNAVAILABLE means v1 alone (the header shows v2_detail, "v1 only:
     * server has no v2 API"). Kept across a lost connection until the
     * server says again. */
    v2_avail_t v2;
    char v2_detail[128];
    /* A v2 stream that fails while the connection stays up (retried on the
     * connection's schedule), by v2_stream_t: failures since that stream's
     * last event, and the last one ("v2 ApplicationLogs: UNAVAILABLE:
     * ..."), for the header. */
    unsigned v2_failures[2];
    char v2_failure[2][160];
    /* The application lines folded, by hash (a tail dedup): on a reconnect
     * ApplicationLogs replays the current dev loop's lines, which the Logs
     * view already holds; the earlier loops' lines, which the server no
     * longer has, are kept rather than cleared. */
    dedup_t applogs_seen;
    /* The v2 Events folded (a history dedup): a reconnect replays them all;
     * Skaffold's lines held stay and their replay is skipped. */
    dedup_t events_seen;
    /* The first v1 entry of the history (a dedup fed only that entry after
     * each reset): another one is another Skaffold at the address, whose
     * sessions the model numbers after the ones it holds (model_new_server),
     * once a connection (server_told) whichever stream tells first. */
    dedup_t history_first;
    bool first_pending, server_told;
    /* The two v2 streams' connect-time replays, merged by time before they
     * are folded (Skaffold's lines of every loop and the current loop's
     * application lines land in time order). */
    v2merge_t *v2merge;
    /* The last State reconciled (hash of its bytes) and the seq it was
     * reconciled at: the idle poll's identical answers are skipped. */
    uint64_t state_hash, state_seq;

    /* replay */
    replay_t *replay;
    const char *replay_path;

    /* BuildKit's side (bk_session.h), NULL unless in use; its owner sets it. */
    struct bk_session *bk;

    void (*stopped)(void *arg);
    void *stopped_arg;

    /* headless */
    session_live_opts_t opts;
    struct session_run *run;   /* session_run's state, NULL in the viewer */
    dedup_t seen[3];           /* skip_replayed: v1, v2 Events, v2 ApplicationLogs */
    uint64_t arrived;          /* entries and v2 events that reached the session */
} session_t;

/* The model is created with mo. loop may be NULL for a session fed only
 * by session_file_sink. */
void session_init(session_t *s, uv_loop_t *loop, const model_opts_t *mo, const session_hooks_t *hooks);
/* After the loop ended: frees the model, closes the recorder. */
void session_fini(session_t *s);

/* Records the live stream (v1 entries and both v2 streams, each replay
 * written once) to path (before session_live_start). -1 with err
 * filled when it cannot be opened; *note says what was found there. */
int session_record(session_t *s, const char *path, const char **note, char *err, size_t errlen);
/* Closes the recording now (`skview record`, for its exit status): 0, or
 * -1 with errno set. */
int session_record_close(session_t *s);
/* Connects to Skaffold at addr, reconnecting for ever: v1 Events (the
 * mirror, with GetState) and, when the server has them, v2 Events and
 * ApplicationLogs (model_fold_v2: tasks, Skaffold's output, the
 * application's lines; a new v2 Events stream folds the tasks again,
 * model_clear_tasks, and the log lines held stay, see live_v2_reset).
 * -1 when the client cannot start. */
int session_live_start(session_t *s, const char *addr);
int session_live_start_opts(session_t *s, const char *addr, const session_live_opts_t *o);

/* A headless run on a loop of its own (s was initialised with loop NULL):
 * connects to addr (session_live_start_opts), runs until the run ends
 * (until_history done, a failure, the server's clean end, SIGINT/SIGTERM,
 * session_end), stops the client and closes the loop. Returns the exit
 * status: 0, or 1 after a message (on_message) saying why. The model
 * stays readable until session_fini. */
int session_run(session_t *s, const char *addr, const session_live_opts_t *o);
/* Ends the run with rc (the first call wins); from a hook. */
void session_end(session_t *s, int rc);

/* One control call, headless (ctl): the call's outcome through done(arg,
 * code, message) (code 0 = OK; message "NAME: server message"), a GetState
 * answer also through on_state. Returns 0, or 1 after a message. */
typedef enum session_call_kind { SESSION_CALL_EXECUTE, SESSION_CALL_AUTO, SESSION_CALL_STATE, SESSION_CALL_EMIT } session_call_kind_t;
typedef struct session_call {
    session_call_kind_t kind;
    bool build, sync, deploy;      /* EXECUTE */
    sk_trigger_t trigger;        /* AUTO */
    bool enabled;
    const Proto__Event *event;     /* EMIT */
    int (*done)(void *arg, int code, const char *message);  /* returns the exit status */
    void *arg;
} session_call_t;
int session_run_call(session_t *s, const char *addr, const session_call_t *call);


/* Whether the mirror folded from events says what the server's State says,
 * where events decide: the phases' statuses, the resources, the forwarded
 * ports, the debugging containers, and the artifacts the mirror knows (the
 * autoTrigger flags, the metadata and the never-built artifacts are the
 * server's alone). */
bool session_history_agrees(const Proto__State *mirror, const Proto__State *server);
/* Opens a replay of path at speed (not started: replay_start). NULL with err
 * filled when it cannot be read. */
replay_t *session_replay_open(session_t *s, const char *path, double speed, char *err, size_t errlen);

/* The sink a file reader feeds (logreader_next/pump, as `skview state FILE`
 * does): each entry and v2 event is folded into the model and counts as a
 * change; no hook is called per entry. The caller sets on_error/on_warning. */
source_sink_t session_file_sink(session_t *s);

/* Stops the Skaffold client (if any): done(arg) runs on the loop thread once it
 * is gone (at once without one). */
void session_stop(session_t *s, void (*done)(void *arg), void *arg);
/* Closes the replay's handles (the loop then ends); after session_stop's
 * done, or instead of it when no client was started. */
void session_close(session_t *s);

/* Sends a command: a control call to Skaffold (its outcome comes as a
 * message later) or a replay control. Returns 0, or -1 when the session
 * cannot do it now (a message says why). */
int session_command(session_t *s, session_cmd_t cmd);
const char *session_cmd_name(session_cmd_t cmd);
/* A replay seeks to the next error the Errors pane lists, and pauses: the
 * next failure that adds a row to it (one that repeats a still-open error
 * only counts on that row, "x2", and is passed). -1 when there is none (the
 * replay may have moved past such repeats). */
int session_next_error(session_t *s);

/* The change counter. */
uint64_t session_changes(const session_t *s);

#endif
