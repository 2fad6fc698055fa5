/* The BuildKit side of the session: one client or one replay, and the sink
 * that folds their answers into the BuildKit model. See bk_session.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grpc/status.h>
#include "core/common.h"
#include "core/xalloc.h"
#include "session/bk_session.h"

static void changed(bk_session_t *s)
{
    s->model.gen++;
    if (s->hooks.on_change)
        s->hooks.on_change(s->hooks.ctx);
}

static void say(bk_session_t *s, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(bk_session_t *s, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    message_vsend(s->hooks.on_message, s->hooks.ctx, error, fmt, ap);
    va_end(ap);
}

/* Copies the failure into a pane's error slot and the status line. */
static void call_failed(bk_session_t *s, char *slot, const char *what, const char *msg)
{
    snprintf(slot, BK_MODEL_ERR, "%s: %s", what, msg);
    /* A lost daemon is said once (conn_changed), not by every call. */
    if (s->conn != LIVE_RECONNECTING || strncmp(msg, "UNAVAILABLE", 11))
        say(s, true, "buildkit %s", slot);
}

static bool failed(int code)
{
    return code != GRPC_STATUS_OK && code != GRPC_STATUS_CANCELLED;
}

static bk_session_t *session_new(uv_loop_t *loop, bool live, unsigned tail_lines, const session_hooks_t *hooks)
{
    bk_session_t *s = xcalloc(1, sizeof *s);
    s->loop = loop;
    s->live = live;
    s->hooks = *hooks;
    s->shown = BK_SHOWN_CACHE | BK_SHOWN_WORKERS;
    bk_model_init(&s->model, tail_lines);
    return s;
}

/* ---- the sink: every answer, a daemon's or a replay's, into the model ------------- */

static void sink_reset(void *ctx)
{
    bk_session_t *s = ctx;
    bk_model_status_reset(&s->model, s->model.ref);
}

static void sink_status(void *ctx, const Moby__Buildkit__V1__StatusResponse *m)
{
    bk_session_t *s = ctx;
    bk_model_status(&s->model, m);
}

static void sink_du(void *ctx, const Moby__Buildkit__V1__DiskUsageResponse *m)
{
    bk_session_t *s = ctx;
    bk_model_du(&s->model, m);
}

static void sink_workers(void *ctx, const Moby__Buildkit__V1__ListWorkersResponse *m)
{
    bk_session_t *s = ctx;
    bk_model_workers(&s->model, m);
}

/* ---- Status(ref) ------------------------------------------------------------ */

static void refresh_cache(bk_session_t *s);
static void on_wait(uv_timer_t *t);
static void follow_next(bk_session_t *s);

/* One Status call; a new one cancels the old one, whose messages and end
 * are then ignored (gen no longer matches). */
typedef struct status_ctx {
    bk_session_t *s;
    unsigned gen;
} status_ctx_t;

static void status_msg(void *arg, const ProtobufCMessage *m)
{
    status_ctx_t *c = arg;
    if (c->gen != c->s->status_gen)
        return;
    sink_status(c->s, (const Moby__Buildkit__V1__StatusResponse *)m);
    changed(c->s);
}

/* A build that has not started yet ("no such job" before any message; v0.8
 * answers so after 3 s and never recovers): asked for again after the
 * client's backoff. Returns whether the end was taken care of. */
static bool status_wait(bk_session_t *s, int code, const char *msg)
{
    bk_model_t *m = &s->model;
    if (!failed(code) || !strstr(msg, "no such job") || bk_progress_count(m->progress) || !s->timers)
        return false;
    if (!m->status_waiting)
        say(s, false, "waiting for build %s", m->ref);
    m->status_waiting = true;
    uv_timer_start(&s->wait, on_wait, bk_client_backoff(s->client, s->wait_attempt++), 0);
    return true;
}

static void status_done(bk_session_t *s, int code, const char *msg)
{
    bk_model_t *m = &s->model;
    m->status_running = false;
    if (code == GRPC_STATUS_UNAVAILABLE && s->conn == LIVE_RECONNECTING) {
        m->status_lost = true; /* keep the last frame, follow again once back */
        return;
    }
    if (status_wait(s, code, msg))
        return;
    m->status_ended = true;
    m->status_waiting = false;
    if (code == GRPC_STATUS_CANCELLED)
        return; /* we stopped it (the viewer quits): it did not finish */
    if (failed(code)) {
        call_failed(s, m->status_err, "status", msg);
        return;
    }
    if (bk_progress_failed(m->progress))
        say(s, true, "build %s failed", m->ref);
    else
        say(s, false, "build %s finished", m->ref);
    if (s->shown & BK_SHOWN_CACHE)
        refresh_cache(s); /* the build's records */
    follow_next(s);
}

static void status_end(void *arg, int code, const char *msg)
{
    status_ctx_t *c = arg;
    if (c->gen == c->s->status_gen) {
        status_done(c->s, code, msg);
        changed(c->s);
    }
    free(c);
}

static int follow_again(bk_session_t *s, const char *ref)
{
    bk_model_t *m = &s->model;
    if (s->status_call && m->status_running)
        bk_rpc_cancel(s->status_call);
    s->status_gen++;
    bk_model_status_reset(m, ref);
    status_ctx_t *c = xmalloc(sizeof *c);
    *c = (status_ctx_t){s, s->status_gen};
    s->status_call = bk_client_status(s->client, ref, status_msg, status_end, c);
    m->status_running = s->status_call != NULL;
    if (!s->status_call) {
        free(c);
        call_failed(s, m->status_err, "status", "cannot start the call");
    }
    changed(s);
    return 0;
}

/* Another build (or the same one again, r): no longer waiting. */
static int follow(bk_session_t *s, const char *ref)
{
    if (!s->live) {
        say(s, false, "a replay shows one build");
        return -1;
    }
    if (s->timers)
        uv_timer_stop(&s->wait);
    s->wait_attempt = 0;
    s->model.status_waiting = false;
    return follow_again(s, ref);
}

/* Following every build: once nothing is followed, or the build followed
 * ended, the newest running build in the history other than it. */
static void follow_next(bk_session_t *s)
{
    bk_model_t *m = &s->model;
    if (!m->follow_all || m->status_running || m->status_waiting || m->status_lost)
        return;
    for (size_t i = 0; i < m->builds.n && m->builds.b[i].active; i++) {
        const bk_build_t *b = &m->builds.b[i];
        if (strcmp(b->ref, m->ref)) {
            char ref[sizeof m->ref];
            snprintf(ref, sizeof ref, "%s", b->ref);
            follow(s, ref);
            return;
        }
    }
}

/* BK_CMD_FOLLOW_ALL: ref first when given, then every build that runs. */
static int follow_all(bk_session_t *s, const char *ref)
{
    bk_model_t *m = &s->model;
    if (m->no_history) {
        say(s, true, "%s", BK_NO_HISTORY);
        return -1;
    }
    m->follow_all = true;
    if (ref && *ref)
        return follow(s, ref);
    follow_next(s);
    changed(s);
    return 0;
}

static void on_wait(uv_timer_t *t)
{
    bk_session_t *s = t->data;
    char ref[sizeof s->model.ref];
    snprintf(ref, sizeof ref, "%s", s->model.ref);
    follow_again(s, ref);
}

/* ---- DiskUsage, ListWorkers, Info -------------------------------------------- */

static void du_msg(void *arg, const ProtobufCMessage *m)
{
    bk_session_t *s = arg;
    sink_du(s, (const Moby__Buildkit__V1__DiskUsageResponse *)m);
}

/* The end of a one-answer call (DiskUsage, ListWorkers): no longer
 * running, the failure in its pane's slot. */
static void answered(bk_session_t *s, bool *running, char *err, const char *what, int code, const char *msg)
{
    *running = false;
    if (failed(code))
        call_failed(s, err, what, msg);
    changed(s);
}

/* Whether a one-answer call may start (not already running); clears its error. */
static bool may_ask(bool running, char *err)
{
    if (!running)
        err[0] = 0;
    return !running;
}

static void du_end(void *arg, int code, const char *msg)
{
    bk_session_t *s = arg;
    answered(s, &s->model.du_running, s->model.du_err, "du", code, msg);
}

static void refresh_cache(bk_session_t *s)
{
    if (s->client && may_ask(s->model.du_running, s->model.du_err))
        s->model.du_running = bk_client_disk_usage(s->client, NULL, 0, du_msg, du_end, s) != NULL;
}

static void workers_msg(void *arg, const ProtobufCMessage *m)
{
    bk_session_t *s = arg;
    sink_workers(s, (const Moby__Buildkit__V1__ListWorkersResponse *)m);
}

static void workers_end(void *arg, int code, const char *msg)
{
    bk_session_t *s = arg;
    answered(s, &s->model.workers_running, s->model.workers_err, "workers", code, msg);
}

static void refresh_workers(bk_session_t *s)
{
    if (may_ask(s->model.workers_running, s->model.workers_err))
        s->model.workers_running = bk_client_list_workers(s->client, workers_msg, workers_end, s) != NULL;
}

static void info_msg(void *arg, const ProtobufCMessage *m)
{
    bk_session_t *s = arg;
    bk_model_info(&s->model, (const Moby__Buildkit__V1__InfoResponse *)m);
}

/* Info is v0.11+; an older daemon's UNIMPLEMENTED just leaves no version. */
static void info_end(void *arg, int code, const char *msg)
{
    changed(arg);
}

/* ---- ListenBuildHistory ----------------------------------------------------------- */

static void history_msg(void *arg, const ProtobufCMessage *m)
{
    bk_session_t *s = arg;
    bk_model_history(&s->model, (const Moby__Buildkit__V1__BuildHistoryEvent *)m);
    follow_next(s);
    changed(s);
}

static void history_end(void *arg, int code, const char *msg)
{
    bk_session_t *s = arg;
    bk_model_t *m = &s->model;
    m->history_running = false;
    if (code == GRPC_STATUS_UNAVAILABLE && s->conn == LIVE_RECONNECTING) {
        /* Listened to again once the daemon is back (reconnect). */
    } else if (code == GRPC_STATUS_UNIMPLEMENTED) {
        m->no_history = true; /* a pre-v0.11 daemon: nothing to pick from, only a ref works */
        if (m->follow_all)
            say(s, true, "%s", BK_NO_FOLLOW_ALL);
        m->follow_all = false;
    } else if (failed(code)) {
        call_failed(s, m->history_err, "history", msg);
    }
    changed(s);
}

/* Listens for good: builds starting and finishing keep the list current. */
static void start_history(bk_session_t *s)
{
    bk_model_t *m = &s->model;
    if (m->history_running || m->no_history)
        return;
    moby__buildkit__v1__build_history_request__init(&s->history_req);
    m->history_err[0] = 0;
    m->history_running = bk_client_history(s->client, &s->history_req, history_msg, history_end, s) != NULL;
}

/* ---- Prune ---------------------------------------------------------------------- */

static void prune_msg(void *arg, const ProtobufCMessage *m)
{
    bk_session_t *s = arg;
    bk_model_pruned(&s->model, (const Moby__Buildkit__V1__UsageRecord *)m);
    changed(s);
}

static void prune_end(void *arg, int code, const char *msg)
{
    bk_session_t *s = arg;
    bk_model_t *m = &s->model;
    m->pruning = false;
    m->pruned = true;
    if (failed(code)) {
        say(s, true, "buildkit prune: %s", msg);
    } else {
        strbuf_t t;
        sb_init(&t);
        bk_format_bytes(&t, m->removed.total);
        say(s, false, "pruned %zu record%s, %s reclaimed", m->removed.n, m->removed.n == 1 ? "" : "s", t.data);
        sb_free(&t);
    }
    refresh_cache(s);
    changed(s);
}

static int prune(bk_session_t *s, const bk_prune_opts_t *o)
{
    if (s->model.pruning) {
        say(s, true, "a prune is running");
        return -1;
    }
    Moby__Buildkit__V1__PruneRequest req = MOBY__BUILDKIT__V1__PRUNE_REQUEST__INIT;
    req.all = o->all;
    req.filter = (char **)o->filter;  /* packed as the call starts */
    req.n_filter = o->n_filter;
    req.keepduration = o->keep_duration;
    req.reservedspace = o->keep_bytes;
    bk_model_prune_begin(&s->model);
    if (!bk_client_prune(s->client, &req, prune_msg, prune_end, s)) {
        s->model.pruning = false;
        say(s, true, "prune: cannot start the call");
    } else {
        say(s, false, "pruning...");
    }
    changed(s);
    return 0;
}

/* ---- the daemon's connection ----------------------------------------------------- */

/* The header shows the state; the status line says why it was lost. Once
 * back, a build followed when the daemon went away is followed again. */
static void conn_changed(void *arg, live_conn_t conn, const char *detail, uint64_t retry_ms)
{
    bk_session_t *s = arg;
    s->conn = conn;
    s->retry_ms = retry_ms;
    snprintf(s->conn_detail, sizeof s->conn_detail, "%s", detail ? detail : "");
    if (conn == LIVE_RECONNECTING)
        say(s, true, "buildkit: connection lost; retrying in %.1f s: %s", retry_ms / 1000.0, s->conn_detail);
    if (conn == LIVE_CONNECTED && s->model.status_lost && s->model.ref[0]) {
        char ref[sizeof s->model.ref];
        snprintf(ref, sizeof ref, "%s", s->model.ref);
        follow(s, ref);
    }
    changed(s);
}

/* Asks for everything but the build followed: at start, on refresh, and
 * when the backoff is over (the first answer's headers report the daemon
 * connected; a refusal, lost again). */
static void ask_all(bk_session_t *s)
{
    bk_client_info(s->client, info_msg, info_end, s);
    refresh_workers(s);
    refresh_cache(s);
    start_history(s);
}

static void reconnect(void *arg)
{
    ask_all(arg);
}

/* An idle viewer has no stream that would notice a lost daemon: asking
 * Workers and the Cache again (those shown) notices it, and keeps them
 * current; with neither shown and no stream, the lightest call does. */
static void on_poll(uv_timer_t *t)
{
    bk_session_t *s = t->data;
    if (s->conn != LIVE_CONNECTED)
        return; /* the retry asks everything again */
    if (s->shown & BK_SHOWN_WORKERS)
        refresh_workers(s);
    if (s->shown & BK_SHOWN_CACHE)
        refresh_cache(s);
    if (!s->shown && !s->model.history_running && !s->model.status_running)
        bk_client_info(s->client, info_msg, info_end, s);
}

/* The panes on screen: those that appear are asked at once. */
static int shown(bk_session_t *s, unsigned now)
{
    unsigned appeared = now & ~s->shown;
    s->shown = now;
    if (!s->live || s->conn != LIVE_CONNECTED)
        return 0; /* the start or the retry asks everything */
    if (appeared & BK_SHOWN_WORKERS)
        refresh_workers(s);
    if (appeared & BK_SHOWN_CACHE)
        refresh_cache(s);
    return 0;
}

static void timers_start(bk_session_t *s)
{
    if (uv_timer_init(s->loop, &s->poll) < 0 || uv_timer_init(s->loop, &s->wait) < 0)
        return; /* cannot fail on Linux; without them nothing polls or waits */
    s->poll.data = s->wait.data = s;
    s->timers = true;
    uv_timer_start(&s->poll, on_poll, BK_SESSION_POLL_MS, BK_SESSION_POLL_MS);
}

static void timer_closed(uv_handle_t *h) { (void)h; }

/* ---- start, stop ------------------------------------------------------------------- */

bk_session_t *bk_session_live(uv_loop_t *loop, const char *addr, const char *ref, unsigned tail_lines,
                              const session_hooks_t *hooks, char *err, size_t errlen)
{
    bk_session_t *s = session_new(loop, true, tail_lines, hooks);
    s->addr = bk_addr(addr);
    s->client = bk_client_new(loop, s->addr, err, errlen);
    if (!s->client) {
        bk_session_free(s);
        return NULL;
    }
    bk_client_watch(s->client, conn_changed, reconnect, s);
    timers_start(s);
    ask_all(s);
    if (ref && *ref)
        follow(s, ref);
    else
        s->model.follow_all = true; /* every build, once the history names them */
    return s;
}

void bk_session_close(bk_session_t *s)
{
    if (!s)
        return;
    if (s->client)
        bk_client_stop(s->client, NULL, NULL);
    if (s->timers) {
        uv_close((uv_handle_t *)&s->poll, timer_closed);
        uv_close((uv_handle_t *)&s->wait, timer_closed);
        s->timers = false;
    }
    bk_replay_close(s->replay);
    s->replay = NULL;
}

void bk_session_free(bk_session_t *s)
{
    if (!s)
        return;
    bk_client_free(s->client);
    bk_model_fini(&s->model);
    free(s);
}

bk_time_t bk_session_now(const bk_session_t *s)
{
    if (!s->live)
        return bk_progress_last_time(s->model.progress);
    return wall_ns();
}

/* ---- the replay ---------------------------------------------------------------------- */

static void replay_message(void *ctx, bool error, const char *text)
{
    say(ctx, error, "%s", text);
}

/* The Build pane shows the last frame once the last message is folded. */
static void replay_change(void *ctx)
{
    bk_session_t *s = ctx;
    if (s->replay)
        s->model.status_ended = bk_replay_ended(s->replay);
    changed(s);
}

bk_session_t *bk_session_replay(uv_loop_t *loop, const char *path, double speed, unsigned tail_lines,
                                const session_hooks_t *hooks, char *err, size_t errlen)
{
    bk_session_t *s = session_new(loop, false, tail_lines, hooks);
    snprintf(s->model.ref, sizeof s->model.ref, "%s", path);
    bk_sink_t sink = {.ctx = s, .on_reset = sink_reset, .on_status = sink_status, .on_du = sink_du,
                      .on_workers = sink_workers, .on_message = replay_message, .on_change = replay_change};
    s->replay = bk_replay_open(loop, path, speed, &sink, err, errlen);
    if (!s->replay) {
        bk_session_free(s);
        return NULL;
    }
    s->model.status_ended = bk_replay_ended(s->replay);
    return s;
}

void bk_session_replay_start(bk_session_t *s, bool paused)
{
    bk_replay_start(s->replay, paused);
}

int bk_session_replay_seek(bk_session_t *s, const char *at)
{
    return bk_replay_seek_at(s->replay, at);
}

bool bk_session_replay_info(const bk_session_t *s, bk_replay_info_t *out)
{
    if (!s || !s->replay)
        return false;
    bk_replay_info(s->replay, out);
    return true;
}

bool bk_session_is_replay(const bk_session_t *s)
{
    return s && !s->live;
}

bool bk_session_is_file(const char *path)
{
    return bk_replay_is_file(path);
}

/* ---- commands ------------------------------------------------------------------------ */

static int replay_command(bk_session_t *s, bk_session_cmd_t cmd)
{
    static const bk_replay_cmd_t map[] = {
        [BK_CMD_PAUSE] = BK_REPLAY_PAUSE, [BK_CMD_FASTER] = BK_REPLAY_FASTER, [BK_CMD_SLOWER] = BK_REPLAY_SLOWER,
        [BK_CMD_STEP] = BK_REPLAY_STEP, [BK_CMD_NEXT_ERROR] = BK_REPLAY_NEXT_ERROR,
    };
    if (!s->replay) {
        say(s, false, "no replay to control");
        return -1;
    }
    bk_replay_command(s->replay, map[cmd]);
    return 0;
}

static int daemon_command(bk_session_t *s, bk_session_cmd_t cmd, const bk_cmd_arg_t *arg)
{
    if (!s->live) {
        say(s, false, cmd == BK_CMD_PRUNE ? "a replay has no cache to prune" : "a replay has no daemon to ask");
        return -1;
    }
    switch (cmd) {
    case BK_CMD_FOLLOW: s->model.follow_all = false; return follow(s, arg->ref);
    case BK_CMD_FOLLOW_ALL: return follow_all(s, arg ? arg->ref : NULL);
    case BK_CMD_PRUNE: return prune(s, arg->prune);
    case BK_CMD_HISTORY: start_history(s); return 0;
    default: break;
    }
    refresh_cache(s);
    refresh_workers(s);
    start_history(s);
    if (s->model.ref[0] && !s->model.status_running && s->model.status_err[0])
        follow(s, s->model.ref); /* a follow that failed is tried again */
    say(s, false, "asking %s again", s->addr);
    return 0;
}

int bk_session_command(bk_session_t *s, bk_session_cmd_t cmd, const bk_cmd_arg_t *arg)
{
    switch (cmd) {
    case BK_CMD_SORT:
        bk_model_sort(&s->model, arg->sort);
        changed(s);
        return 0;
    case BK_CMD_SHOWN:
        return shown(s, arg->shown);
    case BK_CMD_FOLLOW: case BK_CMD_FOLLOW_ALL: case BK_CMD_REFRESH: case BK_CMD_HISTORY: case BK_CMD_PRUNE:
        return daemon_command(s, cmd, arg);
    default:
        return replay_command(s, cmd);
    }
}
