/* The BuildKit side of the session: one client or one replay, and the sink
 * that folds their answers into the BuildKit model. See bk_session.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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
    bk_model_init(&s->model, tail_lines);
    return s;
}

/* ---- Status(ref) ------------------------------------------------------------ */

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
    bk_model_status(&c->s->model, (const Moby__Buildkit__V1__StatusResponse *)m);
    changed(c->s);
}

static void status_done(bk_session_t *s, int code, const char *msg)
{
    bk_model_t *m = &s->model;
    m->status_running = false;
    if (code == GRPC_STATUS_UNAVAILABLE && s->conn == LIVE_RECONNECTING) {
        m->status_lost = true; /* keep the last frame, follow again once back */
        return;
    }
    m->status_ended = true;
    if (failed(code))
        call_failed(s, m->status_err, "status", msg);
    else if (bk_progress_failed(m->progress))
        say(s, true, "build %s failed", m->ref);
    else
        say(s, false, "build %s finished", m->ref);
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

static int follow(bk_session_t *s, const char *ref)
{
    bk_model_t *m = &s->model;
    if (!s->live) {
        say(s, false, "a replay shows one build");
        return -1;
    }
    if (s->status_call && m->status_running)
        bk_rpc_cancel(s->status_call);
    s->status_gen++;
    bk_model_status_reset(m, ref);
    status_ctx_t *c = xmalloc(sizeof *c);
    *c = (status_ctx_t){s, s->status_gen};
    s->status_call = bk_status(s->client, ref, status_msg, status_end, c);
    m->status_running = s->status_call != NULL;
    if (!s->status_call) {
        free(c);
        call_failed(s, m->status_err, "status", "cannot start the call");
    }
    changed(s);
    return 0;
}

/* ---- DiskUsage, ListWorkers, Info -------------------------------------------- */

static void du_msg(void *arg, const ProtobufCMessage *m)
{
    bk_session_t *s = arg;
    bk_model_du(&s->model, (const Moby__Buildkit__V1__DiskUsageResponse *)m);
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
        s->model.du_running = bk_disk_usage(s->client, NULL, 0, du_msg, du_end, s) != NULL;
}

static void workers_msg(void *arg, const ProtobufCMessage *m)
{
    bk_session_t *s = arg;
    bk_model_workers(&s->model, (const Moby__Buildkit__V1__ListWorkersResponse *)m);
}

static void workers_end(void *arg, int code, const char *msg)
{
    bk_session_t *s = arg;
    answered(s, &s->model.workers_running, s->model.workers_err, "workers", code, msg);
}

static void refresh_workers(bk_session_t *s)
{
    if (may_ask(s->model.workers_running, s->model.workers_err))
        s->model.workers_running = bk_list_workers(s->client, workers_msg, workers_end, s) != NULL;
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
    m->history_running = bk_history(s->client, &s->history_req, history_msg, history_end, s) != NULL;
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

static int prune(bk_session_t *s, const Moby__Buildkit__V1__PruneRequest *req)
{
    if (s->model.pruning) {
        say(s, true, "a prune is running");
        return -1;
    }
    bk_model_prune_begin(&s->model);
    if (!bk_prune(s->client, req, prune_msg, prune_end, s)) {
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
    bk_info(s->client, info_msg, info_end, s);
    refresh_workers(s);
    refresh_cache(s);
    start_history(s);
}

static void reconnect(void *arg)
{
    ask_all(arg);
}

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
    ask_all(s);
    if (ref && *ref)
        follow(s, ref);
    return s;
}

void bk_session_close(bk_session_t *s)
{
    if (!s)
        return;
    if (s->client)
        bk_client_stop(s->client, NULL, NULL);
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
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- the replay: the same model through the replay's sink --------------------------- */

static void replay_reset(void *ctx)
{
    bk_session_t *s = ctx;
    bk_model_status_reset(&s->model, s->model.ref);
}

static void replay_status(void *ctx, const Moby__Buildkit__V1__StatusResponse *m)
{
    bk_session_t *s = ctx;
    bk_model_status(&s->model, m);
}

static void replay_du(void *ctx, const Moby__Buildkit__V1__DiskUsageResponse *m)
{
    bk_session_t *s = ctx;
    bk_model_du(&s->model, m);
}

static void replay_workers(void *ctx, const Moby__Buildkit__V1__ListWorkersResponse *m)
{
    bk_session_t *s = ctx;
    bk_model_workers(&s->model, m);
}

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
    bk_sink_t sink = {.ctx = s, .on_reset = replay_reset, .on_status = replay_status, .on_du = replay_du,
                      .on_workers = replay_workers, .on_message = replay_message, .on_change = replay_change};
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
    case BK_CMD_FOLLOW: return follow(s, arg->ref);
    case BK_CMD_PRUNE: return prune(s, arg->prune);
    case BK_CMD_HISTORY: start_history(s); return 0;
    default: break;
    }
    refresh_cache(s);
    refresh_workers(s);
    start_history(s);
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
    case BK_CMD_FOLLOW: case BK_CMD_REFRESH: case BK_CMD_HISTORY: case BK_CMD_PRUNE:
        return daemon_command(s, cmd, arg);
    default:
        return replay_command(s, cmd);
    }
}
