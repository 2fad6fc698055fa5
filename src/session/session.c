/* The session; see session.h. The callbacks and the commands moved here
 * from the viewer (ui.c, control.c) unchanged in what they do. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "core/common.h"
#include "core/pbjson.h"
#include "skaffold/viewmodel.h"
#include "session/bk_session.h"
#include "session/session.h"
#include "session/run_int.h"

static const char *const cmd_names[] = {
    [SESSION_CMD_BUILD] = "build",
    [SESSION_CMD_SYNC] = "sync",
    [SESSION_CMD_DEPLOY] = "deploy",
    [SESSION_CMD_AUTO_BUILD] = "toggle-auto-build",
    [SESSION_CMD_AUTO_SYNC] = "toggle-auto-sync",
    [SESSION_CMD_AUTO_DEPLOY] = "toggle-auto-deploy",
    [SESSION_CMD_PAUSE] = "pause",
    [SESSION_CMD_FASTER] = "faster",
    [SESSION_CMD_SLOWER] = "slower",
    [SESSION_CMD_STEP] = "step",
    [SESSION_CMD_NEXT_ITER] = "next-iteration",
    [SESSION_CMD_PREV_ITER] = "prev-iteration",
    [SESSION_CMD_NEXT_ERROR] = "next-error",
};

const char *session_cmd_name(session_cmd_t cmd)
{
    return cmd_names[cmd];
}

uint64_t session_changes(const session_t *s)
{
    return s->changes;
}

static void changed(session_t *s)
{
    s->changes++;
    if (s->hooks.on_change)
        s->hooks.on_change(s->hooks.ctx);
}

void session_say(session_t *s, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    message_vsend(s->hooks.on_message, s->hooks.ctx, error, fmt, ap);
    va_end(ap);
}

void session_init(session_t *s, uv_loop_t *loop, const model_opts_t *mo, const session_hooks_t *hooks)
{
    memset(s, 0, sizeof *s);
    s->loop = loop;
    s->hooks = *hooks;
    s->model = model_new(mo);
    dedup_init_tail(&s->applogs_seen, mo && mo->logs_cap ? mo->logs_cap : LOGS_DEFAULT_CAP);
    dedup_init(&s->events_seen);
    dedup_init(&s->history_first);
    dedup_init(&s->seen[0]);
    dedup_init(&s->seen[1 + V2_EVENTS]);
    dedup_init_tail(&s->seen[1 + V2_APPLOGS], RECORDER_APPLOG_DEDUP);
}

/* SKVIEW_STATS=FILE: what the live streams delivered, appended (the
 * viewer adds its frames): for measuring, e.g. the log flood bench. */
static void write_stats(const session_t *s)
{
    const char *path = getenv("SKVIEW_STATS");
    FILE *f = path && *path && s->client_used ? fopen(path, "a") : NULL;
    if (!f)
        return;
    const sk_client_stats_t *st = &s->state_stats;
    double secs = (double)(st->v2_applogs_last_ns - st->v2_applogs_first_ns) / 1e9;
    fprintf(f, "entries %llu v2events %llu applogs %llu applogs_s %.3f\n", (unsigned long long)st->entries,
            (unsigned long long)st->v2_events, (unsigned long long)st->v2_applogs, secs);
    fclose(f);
}

void session_fini(session_t *s)
{
    write_stats(s);
    dedup_free(&s->applogs_seen);
    dedup_free(&s->events_seen);
    dedup_free(&s->history_first);
    for (int i = 0; i < 3; i++)
        dedup_free(&s->seen[i]);
    model_free(s->model);
    s->model = NULL;
    if (s->recording)
        recorder_close(&s->rec);
    s->recording = false;
    session_end(s, EXIT_RUNTIME); /* headless: `skview record` has nothing left to do */
}

/* A recorder's or a hook's dedup found a boundary: said once, headless. */
static void say_boundary(session_t *s, int kind, const char *what, size_t matched)
{
    if (!s->run || (kind != DEDUP_NEW_SESSION && kind != DEDUP_DIVERGED))
        return;
    if (kind == DEDUP_NEW_SESSION)
        session_say(s, false, "--- a new session (another history) on %s ---", s->addr);
    else
        session_say(s, false, "the replayed %s differs from entry %zu on", what, matched + 1);
}

/* skip_replayed: whether the hooks get m (not delivered before). */
static bool hook_wants(session_t *s, int which, const ProtobufCMessage *m)
{
    if (!s->opts.skip_replayed)
        return true;
    dedup_kind_t k = dedup_check_msg(&s->seen[which], m);
    say_boundary(s, k, which ? "v2 Events" : "history", dedup_matched(&s->seen[which]));
    return k != DEDUP_OLD;
}

/* ---- the live source ---------------------------------------------------------- */

/* A stream's history is another Skaffold's (dedup kind k of its first
 * entry): said to the model once a connection. */
static void new_server(session_t *s, dedup_kind_t k)
{
    if (k != DEDUP_NEW_SESSION || s->server_told)
        return;
    s->server_told = true;
    model_new_server(s->model);
}

/* A new stream delivers its history: the last mirror goes. */
static void live_reset(void *ctx)
{
    session_t *s = ctx;
    model_clear(s->model);
    dedup_reset(&s->history_first);
    s->first_pending = true;
    s->stale = false;
    s->state_seq = UINT64_MAX; /* the next State is reconciled whatever it is */
    if (s->recording)
        recorder_reset(&s->rec);
    dedup_reset(&s->seen[0]);
    changed(s);
}

/* A write failed: the recording stops, the session goes on. */
static void record_failed(session_t *s)
{
    session_say(s, true, "recording stopped: %s", strerror(errno));
    recorder_close(&s->rec);
    s->recording = false;
}

static int live_entry(void *ctx, const Proto__LogEntry *e)
{
    session_t *s = ctx;
    if (run_ending(s))
        return 0;
    if (s->first_pending)
        new_server(s, dedup_check(&s->history_first, e));
    s->first_pending = false;
    size_t len;
    const uint8_t *wire = sk_client_wire(s->client, &len);
    model_fold_packed(s->model, e, wire, len);
    int k = s->recording ? recorder_entry(&s->rec, e) : DEDUP_NEW;
    if (k < 0)
        record_failed(s);
    else if (s->recording)
        say_boundary(s, k, "history", dedup_matched(&s->rec.dedup));
    s->arrived++;
    if (s->hooks.on_entry && hook_wants(s, 0, &e->base))
        s->hooks.on_entry(s->hooks.ctx, e);
    changed(s);
    return 0;
}

/* A line the reconnect replays and the Logs view holds: an application
 * line of the current loop, or any of Skaffold's lines of the same server
 * (its whole history comes again; another server's is new). */
static bool replayed_line(session_t *s, const Proto__V2__Event *ev, v2_stream_t stream)
{
    if (stream == V2_APPLOGS)
        return dedup_check_msg(&s->applogs_seen, &ev->base) == DEDUP_OLD;
    dedup_kind_t k = dedup_check_msg(&s->events_seen, &ev->base);
    new_server(s, k);
    return k == DEDUP_OLD && ev->event_type_case == PROTO__V2__EVENT__EVENT_TYPE_SKAFFOLD_LOG_EVENT;
}

/* Skaffold 2.x's v2 streams: tasks and log lines into the same model, in
 * time order across the two streams' replays (v2merge.h). */
static void live_v2_merged(void *ctx, const Proto__V2__Event *ev, v2_stream_t stream)
{
    session_t *s = ctx;
    if (run_ending(s))
        return;
    s->v2_failures[stream == V2_APPLOGS] = 0;   /* that stream answers again */
    if (!s->opts.no_fold_v2 && !replayed_line(s, ev, stream))
        model_fold_v2(s->model, ev, (int)stream);
    if (s->recording && recorder_v2(&s->rec, ev, stream) < 0)
        record_failed(s);
    if (s->hooks.on_v2 && hook_wants(s, 1 + (int)stream, &ev->base))
        s->hooks.on_v2(s->hooks.ctx, ev, stream);
    changed(s);
}

static int live_v2(void *ctx, const Proto__V2__Event *ev, v2_stream_t stream)
{
    session_t *s = ctx;
    s->arrived++;  /* on arrival: the one-shot's quiet (run.c) */
    size_t len;
    const uint8_t *wire = sk_client_wire(s->client, &len);
    v2merge_push(s->v2merge, ev, stream, wire, len);
    return 0;
}

/* That v2 stream replays what the server keeps. Events replays its whole
 * history: the tasks are folded again, Skaffold's lines stay until the
 * replay brings them (a stalled replay or another server loses none) and
 * the replayed ones are skipped. ApplicationLogs replays only the current
 * dev loop's lines: the lines held stay (the earlier loops' are nowhere
 * else) and the replay's lines already held are skipped. The recorder
 * skips what it already wrote. */
static void live_v2_reset(void *ctx, v2_stream_t stream)
{
    session_t *s = ctx;
    v2merge_reset(s->v2merge, stream); /* what the old stream left goes first */
    dedup_reset(stream == V2_APPLOGS ? &s->applogs_seen : &s->events_seen);
    if (stream == V2_EVENTS)
        model_clear_tasks(s->model);
    if (s->recording)
        recorder_v2_reset(&s->rec, stream);
    dedup_reset(&s->seen[1 + stream]);
    changed(s);
}

static void live_v2_avail(void *ctx, v2_avail_t avail, const char *detail)
{
    session_t *s = ctx;
    s->v2 = avail;
    snprintf(s->v2_detail, sizeof s->v2_detail, "%s", detail ? detail : "");
    if (s->run)
        run_v2_avail(s, avail, detail);
    changed(s);
}

/* A problem the client recovers from: a v2 stream that failed and is
 * retried (the connection's own state comes through live_conn). */
static void live_error(void *ctx, const char *where, const char *msg, bool fatal)
{
    session_t *s = ctx;
    if (s->run)
        run_error(s, where, msg, fatal);
    if (strncmp(where, "v2 ", 3) != 0)
        return;
    int i = strcmp(where, "v2 Events") != 0;      /* else "v2 ApplicationLogs" */
    s->v2_failures[i]++;
    snprintf(s->v2_failure[i], sizeof s->v2_failure[i], "%s: %s", where, msg);
    changed(s);
}

static uint64_t live_state_request(void *ctx)
{
    return model_seq(((session_t *)ctx)->model);
}

/* Of the State's value, not its bytes: GetState writes its maps in Go's
 * random order every time, so the same State hashes alike only as
 * canonical JSON (map keys sorted). */
static uint64_t state_hash(const Proto__State *st)
{
    strbuf_t j;
    sb_init(&j);
    pbjson_write(&j, &st->base);
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < j.len; i++)
        h = (h ^ (uint8_t)j.data[i]) * 0x100000001b3ull;
    h ^= j.len;
    sb_free(&j);
    return h;
}

static void live_state(void *ctx, const Proto__State *st, uint64_t tag)
{
    session_t *s = ctx;
    if (s->hooks.on_state)
        s->hooks.on_state(s->hooks.ctx, st);
    if (s->run && !run_state(s, st, tag))
        return;
    uint64_t h = state_hash(st);
    /* The same State as last time, and nothing folded since: reconciling
     * again would change nothing, so the idle poll costs no frame. */
    if (h == s->state_hash && tag == s->state_seq && tag == model_seq(s->model))
        return;
    model_reconcile(s->model, st, tag);
    s->state_hash = h;
    s->state_seq = tag;
    changed(s);
}

static void live_conn(void *ctx, live_conn_t conn, const char *detail, uint64_t retry_ms)
{
    session_t *s = ctx;
    s->conn = conn;
    s->connected_once |= conn == LIVE_CONNECTED;
    if (conn != LIVE_CONNECTED)
        s->server_told = false;   /* the next connection may reach another server */
    if (conn != LIVE_CONNECTED)   /* the connection's state says it; a reconnect reopens v2 */
        memset(s->v2_failures, 0, sizeof s->v2_failures);
    if (conn == LIVE_RECONNECTING && model_seq(s->model) > 0)
        s->stale = true;
    snprintf(s->conn_detail, sizeof s->conn_detail, "%s", detail ? detail : "");
    s->retry_at_ms = uv_now(s->loop) + retry_ms;
    if (s->run)
        run_conn(s, conn, detail, retry_ms);
    changed(s);
}

int session_record(session_t *s, const char *path, const char **note, char *err, size_t errlen)
{
    if (recorder_open(&s->rec, path, note, err, errlen))
        return -1;
    s->recording = true;
    return 0;
}

int session_record_close(session_t *s)
{
    bool was = s->recording;
    s->recording = false;
    return was ? recorder_close(&s->rec) : 0;
}

int session_live_start(session_t *s, const char *addr)
{
    return session_live_start_opts(s, addr, &(session_live_opts_t){.reconnect = true});
}

int session_live_start_opts(session_t *s, const char *addr, const session_live_opts_t *o)
{
    source_sink_t cb = {.ctx = s, .on_reset = live_reset, .on_entry = live_entry,
                        .on_state_request = live_state_request, .on_state = live_state,
                        .on_conn = live_conn, .on_v2 = o->no_v2 ? NULL : live_v2, .on_v2_reset = live_v2_reset,
                        .on_v2_avail = live_v2_avail, .on_error = live_error};
    /* A one-shot's GetStates are its own barriers (run.c): none of the
     * client's, which would reconcile a stalled replay's mirror. */
    sk_client_opts_t lo = {.addr = addr, .reconnect = o->reconnect, .manual_state = o->until_history,
                      .no_v1 = o->no_v1};
    s->opts = *o;
    s->addr = addr;
    s->v2merge = v2merge_new(s->loop, 0, live_v2_merged, s);
    if (!s->v2merge)
        return -1;
    s->client = sk_client_new(s->loop, &lo, &cb);
    return s->client && (o->calls_only || !sk_client_start(s->client)) ? 0 : -1;
}

/* ---- the replay source -------------------------------------------------------- */

static void rp_reset(void *ctx)
{
    model_clear(((session_t *)ctx)->model);
}

static int rp_entry(void *ctx, const Proto__LogEntry *e)
{
    model_fold(((session_t *)ctx)->model, e);
    return 0;
}

static int rp_v2(void *ctx, const Proto__V2__Event *ev, v2_stream_t stream)
{
    model_fold_v2(((session_t *)ctx)->model, ev, (int)stream);
    return 0;
}

static void rp_v2_reset(void *ctx, v2_stream_t stream)
{
    model_clear_v2(((session_t *)ctx)->model, (int)stream);
}

static void rp_error(void *ctx, const char *where, const char *msg, bool fatal)
{
    session_say(ctx, true, "%s: %s", where, msg);
}

static void rp_change(void *ctx)
{
    changed(ctx);
}

replay_t *session_replay_open(session_t *s, const char *path, double speed, char *err, size_t errlen)
{
    source_sink_t cb = {.ctx = s, .on_reset = rp_reset, .on_entry = rp_entry, .on_error = rp_error,
                        .on_change = rp_change, .on_v2 = rp_v2, .on_v2_reset = rp_v2_reset};
    s->replay_path = path;
    s->replay = replay_open(s->loop, path, speed, &cb, err, errlen);
    return s->replay;
}

/* ---- a file, read at once -------------------------------------------------------- */

static int file_entry(void *ctx, const Proto__LogEntry *e)
{
    session_t *s = ctx;
    model_fold(s->model, e);
    s->changes++;
    return 0;
}

static int file_v2(void *ctx, const Proto__V2__Event *ev, v2_stream_t stream)
{
    session_t *s = ctx;
    model_fold_v2(s->model, ev, (int)stream);
    s->changes++;
    return 0;
}

source_sink_t session_file_sink(session_t *s)
{
    return (source_sink_t){.ctx = s, .on_entry = file_entry, .on_v2 = file_v2};
}

/* ---- stopping ------------------------------------------------------------------- */

void session_close(session_t *s)
{
    if (s->replay)
        replay_close(s->replay);
    s->replay = NULL;
    v2merge_close(s->v2merge);
    s->v2merge = NULL;
}

static void on_client_stopped(void *arg, const sk_result_t *r)
{
    session_t *s = arg;
    sk_client_stats(s->client, &s->state_stats);
    s->client_used = true;
    sk_client_free(s->client);
    s->client = NULL;
    s->stopped(s->stopped_arg);
}

void session_stop(session_t *s, void (*done)(void *arg), void *arg)
{
    s->stopped = done;
    s->stopped_arg = arg;
    if (s->client)
        sk_client_stop(s->client, on_client_stopped, s);
    else
        done(arg);
}

/* ---- commands --------------------------------------------------------------------- */

typedef struct call_ctx {
    session_t *s;
    session_cmd_t cmd;
    bool enabled;
} call_ctx_t;

static void on_call_done(void *arg, const sk_result_t *res)
{
    call_ctx_t *c = arg;
    session_t *s = c->s;
    const char *what = session_cmd_name(c->cmd);
    if (!res)
        session_say(s, true, "%s: cancelled", what);
    else if (res->code != 0)
        session_say(s, true, "%s", res->message && *res->message ? res->message : "call failed");
    else if (c->cmd <= SESSION_CMD_DEPLOY)
        session_say(s, false, "%s requested", what);
    else
        session_say(s, false, "%s %s", what + strlen("toggle-"), c->enabled ? "on" : "off");
    free(c);
    changed(s);
}

static call_ctx_t *call_ctx(session_t *s, session_cmd_t cmd, bool enabled)
{
    call_ctx_t *c = xmalloc(sizeof *c);
    *c = (call_ctx_t){s, cmd, enabled};
    return c;
}

static int execute(session_t *s, session_cmd_t cmd)
{
    call_ctx_t *c = call_ctx(s, cmd, true);
    if (sk_client_execute(s->client, cmd == SESSION_CMD_BUILD, cmd == SESSION_CMD_SYNC,
                          cmd == SESSION_CMD_DEPLOY, on_call_done, c)) {
        free(c);
        session_say(s, true, "%s: not connected", session_cmd_name(cmd));
        return -1;
    }
    session_say(s, false, "%s...", session_cmd_name(cmd));
    return 0;
}

static int toggle(session_t *s, session_cmd_t cmd)
{
    vm_loop_t lp;
    vm_loop(s->model, &lp);
    bool cur;
    sk_trigger_t which;
    if (cmd == SESSION_CMD_AUTO_BUILD)
        which = SK_TRIGGER_BUILD, cur = lp.auto_build;
    else if (cmd == SESSION_CMD_AUTO_SYNC)
        which = SK_TRIGGER_SYNC, cur = lp.auto_sync;
    else
        which = SK_TRIGGER_DEPLOY, cur = lp.auto_deploy;
    call_ctx_t *c = call_ctx(s, cmd, !cur);
    if (sk_client_auto(s->client, which, !cur, on_call_done, c)) {
        free(c);
        session_say(s, true, "%s: not connected", session_cmd_name(cmd));
        return -1;
    }
    session_say(s, false, "%s %s...", session_cmd_name(cmd) + strlen("toggle-"), !cur ? "on" : "off");
    return 0;
}

/* The id of the Errors pane's top (newest) row, 0 when it is empty. */
static uint64_t newest_error(const model_t *m)
{
    const model_error_t *e = model_error_at(m, 0);
    return e ? e->id : 0;
}

int session_next_error(session_t *s)
{
    uint64_t before = newest_error(s->model);
    while (replay_next_error(s->replay) == 0)
        if (newest_error(s->model) != before)
            return 0;
    return -1;
}

static int replay_command(session_t *s, session_cmd_t cmd)
{
    replay_t *r = s->replay;
    int rc = 0;
    switch (cmd) {
    case SESSION_CMD_PAUSE:
        replay_set_paused(r, !replay_paused(r));
        session_say(s, false, "%s", replay_paused(r) ? "paused" : "playing");
        break;
    case SESSION_CMD_FASTER: replay_faster(r); break;
    case SESSION_CMD_SLOWER: replay_slower(r); break;
    case SESSION_CMD_STEP:
        if ((rc = replay_step(r)))
            session_say(s, false, "end of the log");
        break;
    case SESSION_CMD_NEXT_ITER:
        if ((rc = replay_next_iteration(r)))
            session_say(s, false, "no later iteration");
        break;
    case SESSION_CMD_PREV_ITER:
        if ((rc = replay_prev_iteration(r)))
            session_say(s, false, "no earlier iteration");
        break;
    case SESSION_CMD_NEXT_ERROR:
        rc = session_next_error(s);
        session_say(s, false, "%s", rc ? "no later error" : "paused at an error");
        break;
    default: return -1;
    }
    return rc;
}

int session_command(session_t *s, session_cmd_t cmd)
{
    bool devloop = cmd <= SESSION_CMD_AUTO_DEPLOY;
    if (devloop && !s->client) { /* decided here alone, for both kinds of replay */
        session_say(s, true, "%s", s->replay || bk_session_is_replay(s->bk) ? "replay is read-only" : "not connected");
        return -1;
    }
    if (cmd <= SESSION_CMD_DEPLOY)
        return execute(s, cmd);
    if (devloop)
        return toggle(s, cmd);
    if (!s->replay) {
        session_say(s, false, "%s works in a replay (skview replay FILE)", session_cmd_name(cmd));
        return -1;
    }
    return replay_command(s, cmd);
}
