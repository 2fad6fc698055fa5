/* The viewer's BuildKit daemon side: one client, the calls behind the Build,
 * Cache and Workers panes, and the global BuildKit actions. See bk.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <grpc/status.h>
#include "core/common.h"
#include "ui/bk.h"

ui_bk_t *bk_ui_new(ui_t *ui, bool live, unsigned tail_lines)
{
    static unsigned serial;
    ui_bk_t *b = calloc(1, sizeof *b);
    if (!b)
        abort();
    b->serial = ++serial;
    b->live = live;
    b->expanded = -1;
    bk_progress_opts_t po = {.tail_lines = tail_lines};
    b->progress = bk_progress_new(&po);
    bk_builds_init(&b->builds);
    bk_cache_init(&b->cache);
    bk_cache_init(&b->removed);
    ui->bk = b;
    return b;
}

void bk_ui_changed(ui_t *ui)
{
    ui->bk_gen++;
    ui_request_redraw(ui);
}

int bk_ui_parse_tail(const char *s, unsigned *out)
{
    char *end;
    *out = 0;
    if (!s)
        return 0;
    unsigned long n = strtoul(s, &end, 10);
    if (*end || n < 1 || n > 1000)
        return usage_error("--log-tail: a number of lines, 1..1000");
    *out = (unsigned)n;
    return 0;
}

bool bk_ui_wanted(const bk_ui_opts_t *o)
{
    const char *env = getenv("BUILDKIT_HOST");
    return o->addr || o->ref || o->ref_file || (env && *env);
}

bool bk_ui_present(ui_t *ui, int pane)
{
    if (!ui->bk)
        return false;
    return pane == PANE_BUILD || ui->bk->live;
}

bk_time_t bk_ui_now(const ui_t *ui)
{
    if (!ui->bk || !ui->bk->live)
        return ui->bk ? bk_progress_last_time(ui->bk->progress) : 0;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

bool bk_ui_animating(ui_t *ui)
{
    ui_bk_t *b = ui->bk;
    if (!b || !b->live || !b->status_running || b->picking)
        return false;
    size_t n = bk_progress_count(b->progress);
    for (size_t i = 0; i < n; i++)
        if (bk_vertex_state(bk_progress_vertex(b->progress, i)) == BK_RUNNING)
            return true;
    return false;
}

/* Copies err into a pane's error slot and the status line. */
static void call_failed(ui_t *ui, char *slot, const char *what, const char *msg)
{
    snprintf(slot, BK_UI_ERR, "%s: %s", what, msg);
    /* A lost daemon is said once (bk_conn_changed), not by every call. */
    if (ui->bk->conn != LIVE_RECONNECTING || strncmp(msg, "UNAVAILABLE", 11))
        ui_message(ui, true, "buildkit %s", slot);
}

/* ---- Status(ref) ------------------------------------------------------------ */

/* One Status call; a new pick cancels the old one, whose messages and end
 * are then ignored (gen no longer matches). */
typedef struct status_ctx {
    ui_t *ui;
    unsigned gen;
} status_ctx_t;

static void status_msg(void *arg, const ProtobufCMessage *m)
{
    status_ctx_t *c = arg;
    ui_bk_t *b = c->ui->bk;
    if (c->gen != b->status_gen)
        return;
    bk_progress_fold(b->progress, (const Moby__Buildkit__V1__StatusResponse *)m);
    bk_ui_changed(c->ui);
}

static void status_end(void *arg, int code, const char *msg)
{
    status_ctx_t *c = arg;
    ui_t *ui = c->ui;
    ui_bk_t *b = ui->bk;
    if (c->gen == b->status_gen && code == GRPC_STATUS_UNAVAILABLE && b->conn == LIVE_RECONNECTING) {
        /* The daemon went away: keep the last frame, follow again once back. */
        b->status_running = false;
        b->status_lost = true;
        bk_ui_changed(ui);
    } else if (c->gen == b->status_gen) {
        b->status_running = false;
        b->status_ended = true;
        if (code != GRPC_STATUS_OK && code != GRPC_STATUS_CANCELLED)
            call_failed(ui, b->status_err, "status", msg);
        else if (bk_progress_failed(b->progress))
            ui_message(ui, true, "build %s failed", b->ref);
        else
            ui_message(ui, false, "build %s finished", b->ref);
        bk_ui_changed(ui);
    }
    free(c);
}

void bk_ui_follow(ui_t *ui, const char *ref)
{
    ui_bk_t *b = ui->bk;
    if (b->status_call && b->status_running)
        bk_rpc_cancel(b->status_call);
    b->status_gen++;
    bk_progress_reset(b->progress);
    snprintf(b->ref, sizeof b->ref, "%s", ref);
    b->expanded = -1;
    b->picking = false;
    b->status_err[0] = 0;
    b->status_ended = b->status_lost = false;
    status_ctx_t *c = malloc(sizeof *c);
    if (!c)
        abort();
    *c = (status_ctx_t){ui, b->status_gen};
    b->status_call = bk_status(b->client, ref, status_msg, status_end, c);
    b->status_running = b->status_call != NULL;
    if (!b->status_call) {
        free(c);
        call_failed(ui, b->status_err, "status", "cannot start the call");
    }
    ui->views[PANE_BUILD].cursor = ui->views[PANE_BUILD].top = 0;
    ui->views[PANE_BUILD].follow = true;
    bk_ui_changed(ui);
}

/* ---- DiskUsage, ListWorkers, Info -------------------------------------------- */

static void du_msg(void *arg, const ProtobufCMessage *m)
{
    ui_t *ui = arg;
    bk_cache_load(&ui->bk->cache, (const Moby__Buildkit__V1__DiskUsageResponse *)m);
    bk_cache_sort(&ui->bk->cache, ui->bk->sort);
    ui->bk->du_loaded = true;
}

static void du_end(void *arg, int code, const char *msg)
{
    ui_t *ui = arg;
    ui->bk->du_running = false;
    if (code != GRPC_STATUS_OK && code != GRPC_STATUS_CANCELLED)
        call_failed(ui, ui->bk->du_err, "du", msg);
    bk_ui_changed(ui);
}

void bk_ui_refresh_cache(ui_t *ui)
{
    ui_bk_t *b = ui->bk;
    if (b->du_running || !b->client)
        return;
    b->du_err[0] = 0;
    b->du_running = bk_disk_usage(b->client, NULL, 0, du_msg, du_end, ui) != NULL;
}

/* The answer outlives the call: a deep copy through its wire form. */
static void workers_msg(void *arg, const ProtobufCMessage *m)
{
    ui_t *ui = arg;
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf)
        abort();
    protobuf_c_message_pack(m, buf);
    if (ui->bk->workers)
        moby__buildkit__v1__list_workers_response__free_unpacked(ui->bk->workers, NULL);
    ui->bk->workers = moby__buildkit__v1__list_workers_response__unpack(NULL, n, buf);
    free(buf);
}

static void workers_end(void *arg, int code, const char *msg)
{
    ui_t *ui = arg;
    ui->bk->workers_running = false;
    if (code != GRPC_STATUS_OK && code != GRPC_STATUS_CANCELLED)
        call_failed(ui, ui->bk->workers_err, "workers", msg);
    bk_ui_changed(ui);
}

static void refresh_workers(ui_t *ui)
{
    ui_bk_t *b = ui->bk;
    if (b->workers_running)
        return;
    b->workers_err[0] = 0;
    b->workers_running = bk_list_workers(b->client, workers_msg, workers_end, ui) != NULL;
}

static void info_msg(void *arg, const ProtobufCMessage *m)
{
    ui_t *ui = arg;
    const Moby__Buildkit__V1__InfoResponse *r = (const void *)m;
    if (r->buildkitversion && r->buildkitversion->version)
        snprintf(ui->bk->version, sizeof ui->bk->version, "%s", r->buildkitversion->version);
}

/* Info is v0.11+; an older daemon's UNIMPLEMENTED just leaves no version. */
static void info_end(void *arg, int code, const char *msg)
{
    bk_ui_changed(arg);
}

/* ---- ListenBuildHistory ----------------------------------------------------------- */

static void history_msg(void *arg, const ProtobufCMessage *m)
{
    ui_t *ui = arg;
    bk_builds_fold(&ui->bk->builds, (const Moby__Buildkit__V1__BuildHistoryEvent *)m);
    bk_ui_changed(ui);
}

static void history_end(void *arg, int code, const char *msg)
{
    ui_t *ui = arg;
    ui_bk_t *b = ui->bk;
    b->history_running = false;
    if (code == GRPC_STATUS_UNAVAILABLE && b->conn == LIVE_RECONNECTING) {
        /* Listened to again once the daemon is back (bk_reconnect). */
    } else if (code == GRPC_STATUS_UNIMPLEMENTED) {
        /* A pre-v0.11 daemon: nothing to pick from, only a ref works. */
        b->no_history = true;
        if (b->picking)
            ui_message(ui, true, "%s", BK_NO_HISTORY);
    } else if (code != GRPC_STATUS_OK && code != GRPC_STATUS_CANCELLED) {
        call_failed(ui, b->history_err, "history", msg);
    }
    bk_ui_changed(ui);
}

/* Listens for good: builds starting and finishing keep the list current. */
static void start_history(ui_t *ui)
{
    ui_bk_t *b = ui->bk;
    if (b->history_running || b->no_history)
        return;
    moby__buildkit__v1__build_history_request__init(&b->history_req);
    b->history_err[0] = 0;
    b->history_running = bk_history(b->client, &b->history_req, history_msg, history_end, ui) != NULL;
}

/* ---- the daemon's connection ----------------------------------------------------- */

/* The header shows the state; the status line says why it was lost. Once
 * back, a build followed when the daemon went away is followed again. */
static void bk_conn_changed(void *arg, live_conn_t conn, const char *detail, uint64_t retry_ms)
{
    ui_t *ui = arg;
    ui_bk_t *b = ui->bk;
    b->conn = conn;
    b->retry_ms = retry_ms;
    snprintf(b->conn_detail, sizeof b->conn_detail, "%s", detail ? detail : "");
    if (conn == LIVE_RECONNECTING)
        ui_message(ui, true, "buildkit: connection lost; retrying in %.1f s: %s", retry_ms / 1000.0,
                   b->conn_detail);
    if (conn == LIVE_CONNECTED && b->status_lost && b->ref[0] && !b->picking) {
        char ref[sizeof b->ref];
        snprintf(ref, sizeof ref, "%s", b->ref);
        bk_ui_follow(ui, ref);
    }
    bk_ui_changed(ui);
}

/* The backoff is over: ask again what the connection took with it. The
 * first answer's headers report the daemon connected; a refusal, lost again. */
static void bk_reconnect(void *arg)
{
    ui_t *ui = arg;
    bk_info(ui->bk->client, info_msg, info_end, ui);
    refresh_workers(ui);
    bk_ui_refresh_cache(ui);
    start_history(ui);
}

/* ---- start, stop ------------------------------------------------------------------- */

/* A ref as buildctl --ref-file writes it, or buildx's "builder/node/ref". */
static int read_ref_file(const char *path, char *out, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        say_line("skview: --ref-file %s: %s", path, strerror(errno));
        return -1;
    }
    char line[512] = "";
    if (!fgets(line, sizeof line, f))
        line[0] = 0;
    fclose(f);
    line[strcspn(line, "\r\n \t")] = 0;
    const char *slash = strrchr(line, '/');
    snprintf(out, n, "%s", slash ? slash + 1 : line);
    if (!*out) {
        say_line("skview: --ref-file %s: no ref in the file", path);
        return -1;
    }
    return 0;
}

int bk_ui_live(ui_t *ui, const bk_ui_opts_t *o)
{
    char ref[256] = "", err[600];
    if (o->ref_file && read_ref_file(o->ref_file, ref, sizeof ref))
        return -1;
    if (o->ref)
        snprintf(ref, sizeof ref, "%s", o->ref);
    ui_bk_t *b = bk_ui_new(ui, true, o->tail_lines);
    b->addr = bk_addr(o->addr);
    b->client = bk_client_new(ui->loop, b->addr, err, sizeof err);
    if (!b->client) {
        say_line("skview: --buildkit: %s", err);
        return -1;
    }
    bk_client_watch(b->client, bk_conn_changed, bk_reconnect, ui);
    bk_info(b->client, info_msg, info_end, ui);
    refresh_workers(ui);
    bk_ui_refresh_cache(ui);
    start_history(ui);
    if (ref[0]) {
        bk_ui_follow(ui, ref);
    } else {
        b->picking = true; /* the list starts at the top: running builds first */
        ui->views[PANE_BUILD].follow = false;
    }
    return 0;
}

void bk_ui_close(ui_t *ui)
{
    if (!ui->bk)
        return;
    if (ui->bk->client)
        bk_client_stop(ui->bk->client, NULL, NULL);
    if (ui->bk->replay)
        bk_ui_replay_close(ui);
}

void bk_ui_free(ui_t *ui)
{
    ui_bk_t *b = ui->bk;
    if (!b)
        return;
    bk_client_free(b->client);
    bk_progress_free(b->progress);
    bk_builds_free(&b->builds);
    bk_cache_free(&b->cache);
    bk_cache_free(&b->removed);
    if (b->workers)
        moby__buildkit__v1__list_workers_response__free_unpacked(b->workers, NULL);
    free(b);
    ui->bk = NULL;
}

/* ---- actions ------------------------------------------------------------------------ */

static int pick_build(ui_t *ui)
{
    ui_bk_t *b = ui->bk;
    if (!b->live) {
        ui_message(ui, false, "a replay shows one build");
        return UI_REDRAW;
    }
    if (b->no_history) {
        ui_message(ui, true, "%s", BK_NO_HISTORY);
        return UI_REDRAW;
    }
    start_history(ui); /* again, if it failed before */
    b->picking = true;
    ui->focus = PANE_BUILD;
    ui->views[PANE_BUILD].cursor = ui->views[PANE_BUILD].top = 0;
    ui->views[PANE_BUILD].follow = false;
    bk_ui_changed(ui);
    return UI_REDRAW;
}

static int refresh(ui_t *ui)
{
    ui_bk_t *b = ui->bk;
    if (!b->live) {
        ui_message(ui, false, "a replay has no daemon to ask");
        return UI_REDRAW;
    }
    bk_ui_refresh_cache(ui);
    refresh_workers(ui);
    start_history(ui);
    ui_message(ui, false, "asking %s again", b->addr);
    return UI_REDRAW;
}

int bk_ui_action(ui_t *ui, action_t a)
{
    if (!ui->bk) {
        ui_message(ui, false, "%s: no BuildKit (start with --buildkit ADDR or --ref REF)", action_name(a));
        return UI_REDRAW;
    }
    switch (a) {
    case ACT_PICK_BUILD: return pick_build(ui);
    case ACT_REFRESH: return refresh(ui);
    case ACT_PRUNE: return bk_prune_start(ui);
    default: break;
    }
    /* expand and the sorts belong to their panes: point there. */
    ui_message(ui, false, "%s works in the %s pane", action_name(a), a == ACT_EXPAND ? "Build" : "Cache");
    return UI_REDRAW;
}
