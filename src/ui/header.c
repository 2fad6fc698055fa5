/* The header: connection or replay position, Skaffold version and pipeline,
 * the dev-loop iteration, the auto triggers and file sync. */
#include <stdio.h>
#include <string.h>
#include "skaffold/viewmodel.h"
#include "session/session_io.h"
#include "ui/app.h"
#include "ui/bk.h"
#include "ui/draw.h"

/* "v1.29.0" out of "Starting Skaffold: &{Version:v1.29.0 ConfigVersion:...". */
static void skaffold_version(const char *sentence, char *buf, size_t len)
{
    const char *v = strstr(sentence, "Version:");
    if (v) {
        v += 8;
        snprintf(buf, len, "%.*s", (int)strcspn(v, " ,}"), v);
    } else {
        snprintf(buf, len, "%s", sentence);
    }
}

/* The connection or replay part; returns the x after it. */
/* A replay: where it is, its speed and which iteration. */
static int draw_replay(ui_t *ui, const session_replay_info_t *r, int y, int x, int w)
{
    char sp[16], it[24], buf[160];
    if (r->speed == 0)
        snprintf(sp, sizeof sp, "max");
    else
        snprintf(sp, sizeof sp, "%gx", r->speed);
    /* Skaffold's number, as the line below says it, then which of the
     * file's iterations that is. */
    const iteration_t *cur = model_current_iteration(ui->model);
    if (cur)
        snprintf(it, sizeof it, "iter %d", cur->number);
    else
        snprintf(it, sizeof it, "iter -");
    snprintf(buf, sizeof buf, " %s %s %llu/%llu %s %s (%zu of %zu) ",
             draw_glyph(&ui->pc, r->paused || r->ended ? GLYPH_PAUSE : GLYPH_PLAY),
             r->ended ? "replay ended" : r->paused ? "replay paused" : "replaying",
             (unsigned long long)r->pos, (unsigned long long)r->total, sp, it, r->iteration, r->iterations);
    return x + draw_text(&ui->pc, y, x, w, ROLE_REPLAY, buf);
}

/* The connection's state into buf; returns its role. */
static role_t conn_text(ui_t *ui, char *buf, size_t len)
{
    switch (ui->session.conn) {
    case LIVE_CONNECTED:
        snprintf(buf, len, " %s connected %s ", draw_glyph(&ui->pc, GLYPH_DOT), ui->session.addr);
        return ROLE_CONN_OK;
    case LIVE_RECONNECTING: {
        uint64_t now = uv_now(ui->loop);
        uint64_t left = ui->session.retry_at_ms > now ? (ui->session.retry_at_ms - now + 999) / 1000 : 0;
        snprintf(buf, len, " %s reconnecting in %llus %s (%s) ", draw_glyph(&ui->pc, GLYPH_CIRCLE),
                 (unsigned long long)left, ui->session.addr, ui->session.conn_detail);
        return ROLE_CONN_BAD;
    }
    case LIVE_STOPPED:
        snprintf(buf, len, " stopped %s ", ui->session.addr);
        return ROLE_CONN_BAD;
    default:
        snprintf(buf, len, " %s connecting %s ", draw_glyph(&ui->pc, GLYPH_CIRCLE), ui->session.addr);
        return ROLE_RUNNING;
    }
}

/* What is wrong beside the connection: v1 only, failing v2 streams, an
 * address off loopback. */
static int draw_conn_notes(ui_t *ui, int y, int cx, int end)
{
    char buf[400];
    /* A server without Skaffold 2.x's v2 API: no tasks, no output, no logs. */
    if (ui->session.v2 == V2_UNAVAILABLE)
        cx += draw_text(&ui->pc, y, cx, end - cx, ROLE_HEADER_LABEL, " v1 only ");
    /* A v2 stream that keeps failing: Skaffold's output or the pods' logs stop. */
    for (int i = 0; i < 2 && ui->session.v2 != V2_UNAVAILABLE && !ui->session.stale; i++) {
        if (!ui->session.v2_failures[i])
            continue;
        snprintf(buf, sizeof buf, " %s failing, retrying (%u) ", ui->session.v2_failure[i],
                 ui->session.v2_failures[i]);
        cx += draw_text(&ui->pc, y, cx, end - cx, ROLE_CONN_BAD, buf);
    }
    /* Skaffold's API has no TLS: anything but loopback travels in clear. */
    if (session_addr_is_remote(ui->session.addr))
        cx += draw_text(&ui->pc, y, cx, end - cx, ROLE_CONN_BAD, " ! plaintext, not loopback ");
    return cx;
}

static int draw_source(ui_t *ui, int y, int x, int w)
{
    session_replay_info_t r;
    if (ui->source == UI_SOURCE_REPLAY && session_replay_info(&ui->session, &r))
        return draw_replay(ui, &r, y, x, w);
    char buf[400];
    if (ui->session.stale) /* first: a long cause must not push it off the line */
        x += draw_text(&ui->pc, y, x, w, ROLE_CONN_BAD, " disconnected - showing the last state |");
    role_t role = conn_text(ui, buf, sizeof buf);
    if (ui->session.recording)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "REC ");
    int cx = x + draw_text(&ui->pc, y, x, w, role, buf);
    return draw_conn_notes(ui, y, cx, x + w);
}

/* An auto trigger: on, off, or ? until the server says (events do not). */
static int draw_auto(ui_t *ui, int y, int x, int w, const char *name, bool on, bool known)
{
    int cx = x + draw_fmt(&ui->pc, y, x, w, ROLE_HEADER_LABEL, "%s ", name);
    return cx + draw_text(&ui->pc, y, cx, x + w - cx, on && known ? ROLE_AUTO_ON : ROLE_AUTO_OFF,
                          !known ? "? " : on ? "on " : "off ");
}

/* The port of "HOST:PORT" (digits after the last ':'), or "PORT". */
static void port_of(const char *addr, char *buf, size_t len)
{
    const char *c = addr ? strrchr(addr, ':') : NULL;
    bool digits = c && c[1] && strspn(c + 1, "0123456789") == strlen(c + 1);
    snprintf(buf, len, "%s", digits ? c + 1 : "PORT");
}

/* Live, once an attempt failed and before any server answered at the
 * address: how to start one. */
static bool draw_no_skaffold(ui_t *ui, int y, int x, int w)
{
    if (ui->source != UI_SOURCE_LIVE || ui->session.connected_once ||
        ui->session.conn != LIVE_RECONNECTING)
        return false;
    char port[32];
    port_of(ui->session.addr, port, sizeof port);
    draw_fmt(&ui->pc, y, x, w, ROLE_CONN_BAD, " no Skaffold at %s: start one with `skaffold dev --rpc-port %s` ",
             ui->session.addr ? ui->session.addr : "", port);
    return true;
}

static int draw_iteration(ui_t *ui, int y, int x, int w)
{
    const iteration_t *it = model_current_iteration(ui->model);
    if (!it)
        return x + draw_text(&ui->pc, y, x, w, ROLE_HEADER_LABEL, " no iteration yet ");
    status_kind_t k = it->error_id ? STATUS_FAILED : it->span.status;
    int cx = x + draw_fmt(&ui->pc, y, x, w, ROLE_HEADER_LABEL, " iter %d ", it->number);
    char buf[64];
    snprintf(buf, sizeof buf, "%s %s ", draw_status_icon(&ui->pc, k), status_kind_name(k));
    return cx + draw_text(&ui->pc, y, cx, x + w - cx, k == STATUS_FAILED ? ROLE_CONN_BAD : ROLE_HEADER_VALUE, buf);
}

/* Iteration, auto triggers, file sync, error count. */
static void draw_loop_line(ui_t *ui, int y, int x, int w)
{
    vm_loop_t s;
    vm_loop(ui->model, &s);
    int end = x + w;
    if (draw_no_skaffold(ui, y, x, w))
        return;
    x = draw_iteration(ui, y, x, w);
    x += draw_text(&ui->pc, y, x, end - x, ROLE_HEADER_LABEL, " auto: ");
    x = draw_auto(ui, y, x, end - x, "build", s.auto_build, s.auto_known);
    x = draw_auto(ui, y, x, end - x, "sync", s.auto_sync, s.auto_known);
    x = draw_auto(ui, y, x, end - x, "deploy", s.auto_deploy, s.auto_known);
    const char *sync = s.file_sync;
    x += draw_fmt(&ui->pc, y, x, end - x, ROLE_HEADER_LABEL, " file sync: ");
    x += draw_text(&ui->pc, y, x, end - x, ROLE_HEADER_VALUE, *sync ? sync : "-");
    /* Skaffold 2.x's test phase, once tests ran in this session. */
    const char *test = s.test;
    if (status_kind(test) != STATUS_NONE && status_kind(test) != STATUS_NOT_STARTED) {
        x += draw_fmt(&ui->pc, y, x, end - x, ROLE_HEADER_LABEL, " test: ");
        x += draw_text(&ui->pc, y, x, end - x, status_kind(test) == STATUS_FAILED ? ROLE_CONN_BAD : ROLE_HEADER_VALUE, test);
    }
    const char *term = NULL;
    if (model_terminated(ui->model, &term))
        x += draw_fmt(&ui->pc, y, x + 1, end - x - 1, ROLE_CONN_BAD, " terminated: %s ", term ? term : "") + 1;
    size_t open = model_unresolved_errors(ui->model);
    if (open)
        draw_fmt(&ui->pc, y, x + 2, end - x - 2, ROLE_CONN_BAD, " %s %zu error%s ",
                 draw_glyph(&ui->pc, GLYPH_FAIL), open, open == 1 ? "" : "s");
}

/* A BuildKit replay: the position, the file, and the build's state. */
static void draw_bk_replay(ui_t *ui, rect_t r)
{
    ui_bk_t *b = ui->bk;
    char pos[160];
    bk_replay_describe(ui, pos, sizeof pos);
    int x = r.x + draw_text(&ui->pc, r.y, r.x, r.w, ROLE_REPLAY, pos);
    x += draw_text(&ui->pc, r.y, x + 1, r.x + r.w - x - 1, ROLE_HEADER_LABEL, "BuildKit ") + 1;
    draw_text(&ui->pc, r.y, x, r.x + r.w - x, ROLE_HEADER_VALUE, b->m->ref);
    if (r.h < 2)
        return;
    const bk_vertex_t *f = bk_progress_failed(b->m->progress);
    if (f)
        draw_fmt(&ui->pc, r.y + 1, r.x, r.w, ROLE_CONN_BAD, " %s failed: %s ", draw_glyph(&ui->pc, GLYPH_FAIL), f->name);
    else
        draw_text(&ui->pc, r.y + 1, r.x, r.w, ROLE_HEADER_LABEL,
                  b->m->status_ended && bk_progress_done(b->m->progress) ? " build finished " : " build running ");
}

/* Live: the daemon, its version, and whether it can list builds. */
static void draw_bk_live(ui_t *ui, rect_t r, int x)
{
    ui_bk_t *b = ui->bk;
    char buf[400];
    bool bad = b->m->no_history || b->s->conn == LIVE_RECONNECTING;
    if (b->s->conn == LIVE_RECONNECTING) /* as the Skaffold side: lost, and why */
        snprintf(buf, sizeof buf, " %s BuildKit reconnecting in %.1fs %s ", draw_glyph(&ui->pc, GLYPH_CIRCLE),
                 b->s->retry_ms / 1000.0, b->s->addr);
    else if (b->m->no_history)
        snprintf(buf, sizeof buf, " BuildKit < v0.11: no build history, give --ref ");
    else
        snprintf(buf, sizeof buf, " BuildKit %s %s ", b->m->version[0] ? b->m->version : "", b->s->addr);
    draw_right(&ui->pc, r.y, x, r.x + r.w - x, bad ? ROLE_CONN_BAD : ROLE_HEADER_VALUE, buf);
}

void header_draw(ui_t *ui, rect_t r)
{
    if (r.h <= 0)
        return;
    for (int i = 0; i < r.h; i++)
        draw_fill(&ui->pc, r.y + i, r.x, r.w, ROLE_HEADER);
    if (ui->bk && !ui->bk->s->live) {
        draw_bk_replay(ui, r);
        return;
    }
    int x = draw_source(ui, r.y, r.x, r.w);
    if (r.h == 1) {
        draw_loop_line(ui, r.y, x, r.x + r.w - x);
        if (ui->bk)
            draw_bk_live(ui, r, x + 1);
        return;
    }
    char ver[128];
    skaffold_version(model_version(ui->model), ver, sizeof ver);
    strbuf_t p;
    sb_init(&p);
    vm_pipeline(ui->model, &p, draw_glyph(&ui->pc, GLYPH_ARROW));
    sb_addc(&p, 0);
    x += draw_text(&ui->pc, r.y, x + 1, r.x + r.w - x - 1, ROLE_HEADER_LABEL, "Skaffold ") + 1;
    x += draw_text(&ui->pc, r.y, x, r.x + r.w - x, ROLE_HEADER_VALUE, ver[0] ? ver : "?");
    if (p.len > 1)
        draw_fmt(&ui->pc, r.y, x + 2, r.x + r.w - x - 2, ROLE_HEADER, "%s", p.data);
    sb_free(&p);
    draw_loop_line(ui, r.y + 1, r.x, r.w);
    if (ui->bk) /* last: the right end of the first row is BuildKit's */
        draw_bk_live(ui, r, x + 1);
}
