/* The viewer's BuildKit side: the session's BuildKit half started with the
 * viewer's hooks, and the BuildKit actions as session commands. See bk.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/common.h"
#include "core/xalloc.h"
#include "buildkit/bk_image.h"
#include "skaffold/viewmodel.h"
#include "ui/bk.h"
#include "ui/draw.h"

void bk_ui_changed(ui_t *ui)
{
    ui_bk_t *b = ui->bk;
    if (b && b->pick_until_build && b->m->ref[0]) {
        b->picking = b->pick_until_build = false; /* the first build started: its steps */
        ui->views[PANE_BUILD].cursor = ui->views[PANE_BUILD].top = 0;
        ui->views[PANE_BUILD].follow = true;
    }
    ui->bk_gen++;
    ui_request_redraw(ui);
}

static void hook_change(void *ctx)
{
    bk_ui_changed(ctx);
}

static void hook_message(void *ctx, bool error, const char *text)
{
    ui_message(ctx, error, "%s", text);
}

static session_hooks_t hooks(ui_t *ui)
{
    return (session_hooks_t){.ctx = ui, .on_change = hook_change, .on_message = hook_message};
}

static void attach(ui_t *ui, bk_session_t *s)
{
    ui_bk_t *b = xcalloc(1, sizeof *b);
    b->s = s;
    b->m = &s->model;
    b->expanded = -1;
    b->shown = BK_SHOWN_CACHE | BK_SHOWN_WORKERS;
    ui->bk = b;
    ui->session.bk = s;
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
    ui_bk_t *b = ui->bk;
    if (!b)
        return false;
    /* A replay has Cache and Workers when its recording holds their answers. */
    return pane == PANE_BUILD || b->s->live || (pane == PANE_CACHE && b->m->du_loaded) ||
           (pane == PANE_WORKERS && b->m->workers_loaded);
}

void bk_ui_shown(ui_t *ui)
{
    ui_bk_t *b = ui->bk;
    if (!b || !b->s->live)
        return;
    unsigned shown = (ui->layout.pane[PANE_CACHE].h > 0 ? BK_SHOWN_CACHE : 0) |
                     (ui->layout.pane[PANE_WORKERS].h > 0 ? BK_SHOWN_WORKERS : 0);
    if (shown != b->shown) {
        b->shown = shown;
        bk_session_command(b->s, BK_CMD_SHOWN, &(bk_cmd_arg_t){.shown = shown});
    }
}

bk_time_t bk_ui_now(const ui_t *ui)
{
    return ui->bk ? bk_session_now(ui->bk->s) : 0;
}

bool bk_ui_animating(ui_t *ui)
{
    ui_bk_t *b = ui->bk;
    if (!b || !b->s->live || !b->m->status_running || b->picking)
        return false;
    size_t n = bk_progress_count(b->m->progress);
    for (size_t i = 0; i < n; i++)
        if (bk_vertex_state(bk_progress_vertex(b->m->progress, i)) == BK_RUNNING)
            return true;
    return false;
}

static void follow_cmd(ui_t *ui, bk_session_cmd_t cmd, const char *ref)
{
    ui_bk_t *b = ui->bk;
    b->expanded = -1;
    b->picking = b->pick_until_build = false;
    bk_session_command(b->s, cmd, &(bk_cmd_arg_t){.ref = ref});
    ui->views[PANE_BUILD].cursor = ui->views[PANE_BUILD].top = 0;
    ui->views[PANE_BUILD].follow = true;
    bk_ui_changed(ui);
}

void bk_ui_follow(ui_t *ui, const char *ref, bool running)
{
    follow_cmd(ui, running ? BK_CMD_FOLLOW_ALL : BK_CMD_FOLLOW, ref);
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
    char ref[512] = "", err[600];
    if (o->ref_file && read_ref_file(o->ref_file, ref, sizeof ref))
        return -1;
    if (o->ref)
        snprintf(ref, sizeof ref, "%s", o->ref);
    session_hooks_t h = hooks(ui);
    bk_session_t *s = bk_session_live(ui->loop, o->addr, ref, o->tail_lines, &h, err, sizeof err);
    if (!s) {
        say_line("skview: --buildkit: %s", err);
        return -1;
    }
    attach(ui, s);
    if (!ref[0]) { /* the list, at its top, until the session follows the first build */
        ui->bk->picking = ui->bk->pick_until_build = true;
        ui->views[PANE_BUILD].follow = false;
    }
    return 0;
}

bool bk_ui_is_file(const char *path)
{
    return bk_session_is_file(path);
}

int bk_ui_replay_open(ui_t *ui, const char *path, double speed, unsigned tail_lines, char *err, size_t errlen)
{
    session_hooks_t h = hooks(ui);
    bk_session_t *s = bk_session_replay(ui->loop, path, speed, tail_lines, &h, err, errlen);
    if (!s)
        return -1;
    attach(ui, s);
    return 0;
}

void bk_ui_replay_start(ui_t *ui, bool paused)
{
    bk_session_replay_start(ui->bk->s, paused);
}

int bk_ui_replay_seek(ui_t *ui, const char *at)
{
    return bk_session_replay_seek(ui->bk->s, at);
}

void bk_ui_close(ui_t *ui)
{
    if (ui->bk)
        bk_session_close(ui->bk->s);
}

void bk_ui_free(ui_t *ui)
{
    if (!ui->bk)
        return;
    bk_session_free(ui->bk->s);
    ui->session.bk = NULL;
    free(ui->bk);
    ui->bk = NULL;
}

/* ---- the replay's keys and header --------------------------------------------------- */

int bk_replay_control(ui_t *ui, action_t a)
{
    static const struct { action_t a; bk_session_cmd_t cmd; } keys[] = {
        {ACT_PAUSE, BK_CMD_PAUSE}, {ACT_FASTER, BK_CMD_FASTER}, {ACT_SLOWER, BK_CMD_SLOWER},
        {ACT_STEP, BK_CMD_STEP}, {ACT_NEXT_ERROR, BK_CMD_NEXT_ERROR},
    };
    if (ui->bk->s->live)
        return UI_DONE;
    if (a == ACT_NEXT_ITER || a == ACT_PREV_ITER) {
        ui_message(ui, false, "a BuildKit replay holds one build");
        return UI_REDRAW;
    }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (keys[i].a == a) {
            bk_session_command(ui->bk->s, keys[i].cmd, NULL);
            return UI_REDRAW;
        }
    }
    return UI_PASS;
}

void bk_replay_describe(ui_t *ui, char *buf, size_t len)
{
    bk_replay_info_t r;
    if (!ui->bk || !bk_session_replay_info(ui->bk->s, &r)) {
        snprintf(buf, len, " replay ");
        return;
    }
    snprintf(buf, len, " %s %s %llu/%llu %s ", draw_glyph(&ui->pc, r.paused || r.ended ? GLYPH_PAUSE : GLYPH_PLAY),
             r.ended ? "replay ended" : r.paused ? "replay paused" : "replaying", (unsigned long long)r.pos,
             (unsigned long long)r.total, r.speed);
}

/* ---- actions ------------------------------------------------------------------------ */

static int pick_build(ui_t *ui)
{
    ui_bk_t *b = ui->bk;
    if (!b->s->live) {
        ui_message(ui, false, "a replay shows one build");
        return UI_REDRAW;
    }
    if (b->m->no_history) {
        ui_message(ui, true, "%s", BK_NO_HISTORY);
        return UI_REDRAW;
    }
    bk_session_command(b->s, BK_CMD_HISTORY, NULL); /* again, if it failed before */
    b->picking = true;
    b->pick_until_build = false;
    ui->focus = PANE_BUILD;
    ui->views[PANE_BUILD].cursor = ui->views[PANE_BUILD].top = 0;
    ui->views[PANE_BUILD].follow = false;
    bk_ui_changed(ui);
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
    case ACT_REFRESH: bk_session_command(ui->bk->s, BK_CMD_REFRESH, NULL); return UI_REDRAW;
    case ACT_PRUNE: return bk_prune_start(ui);
    default: break;
    }
    /* expand and the sorts belong to their panes: point there. */
    ui_message(ui, false, "%s works in the %s pane", action_name(a), a == ACT_EXPAND ? "Build" : "Cache");
    return UI_REDRAW;
}
