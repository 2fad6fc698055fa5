/* Artifacts: each artifact's build status, last build duration and a trend of
 * its build times over recent iterations. */
#include <stdio.h>
#include <string.h>
#include "buildkit/bk_image.h"
#include "skaffold/viewmodel.h"
#include "ui/draw.h"
#include "ui/view.h"

#define TREND_LEN 8

static size_t art_count(const pane_ctx_t *pc, view_t *v)
{
    return vm_artifact_count(pc->model);
}

static const span_t *build_in(const iteration_t *it, const char *artifact)
{
    for (size_t i = 0; i < it->n_builds; i++)
        if (it->builds[i].artifact && !strcmp(it->builds[i].artifact, artifact))
            return &it->builds[i].span;
    return NULL;
}

/* The newest build of the artifact, NULL if none in the timeline. */
static const span_t *last_build(const pane_ctx_t *pc, const char *artifact)
{
    for (size_t i = model_iteration_count(pc->model); i-- > 0;) {
        const span_t *s = build_in(model_iteration(pc->model, i), artifact);
        if (s && s->start_ns)
            return s;
    }
    return NULL;
}

static int64_t span_ns(const pane_ctx_t *pc, const span_t *s)
{
    int64_t end = s->end_ns ? s->end_ns : pc->now_ns;
    return s->start_ns ? pbjson_time_span(s->start_ns, end) : 0;
}

/* Whether the current iteration's builds are over: a later step began, or
 * the iteration ended. */
static bool builds_over(const iteration_t *it)
{
    return it->span.end_ns || it->test.start_ns || it->deploy.start_ns ||
           it->statuscheck.start_ns || it->render.start_ns;
}

/* Skaffold resets every artifact to "Not Started" when a dev loop starts
 * and builds only what changed: one still not started once this loop's
 * builds are over was not rebuilt. Its last finished build (in an earlier
 * iteration, whose number goes to *iter), or NULL when that is not so.
 * The mirror keeps Skaffold's status; only the pane says so. */
static const span_t *not_rebuilt(const pane_ctx_t *pc, const vm_artifact_t *a, int *iter)
{
    const iteration_t *cur = model_current_iteration(pc->model);
    if (a->kind != STATUS_NOT_STARTED || !cur || !builds_over(cur))
        return NULL;
    const span_t *now = build_in(cur, a->name);
    if (now && now->start_ns)
        return NULL;
    const span_t *found = NULL;
    for (size_t i = model_iteration_count(pc->model); i-- > 0;) {
        const iteration_t *it = model_iteration(pc->model, i);
        const span_t *s = it == cur ? NULL : build_in(it, a->name);
        if (!s || !s->start_ns || !s->end_ns || (found && s->status != STATUS_SUCCEEDED))
            continue;
        found = s, *iter = it->number; /* the newest build that succeeded, else the newest */
        if (s->status == STATUS_SUCCEEDED)
            break;
    }
    return found;
}

#define NOT_REBUILT "not rebuilt"

/* "12s ago", "4m ago", "2h ago", "3d ago": how long before now the span
 * ended, in at most 7 columns. */
static void ago(const pane_ctx_t *pc, const span_t *s, char *buf, size_t len)
{
    long long sec = pbjson_time_span(s->end_ns, pc->now_ns) / 1000000000LL;
    if (sec < 60)
        snprintf(buf, len, "%llds ago", sec);
    else if (sec < 3600)
        snprintf(buf, len, "%lldm ago", sec / 60);
    else if (sec < 86400)
        snprintf(buf, len, "%lldh ago", sec / 3600);
    else
        snprintf(buf, len, "%lldd ago", sec / 86400);
}

/* A sparkline of the last TREND_LEN finished builds, failures as a cross. */
static void draw_trend(const pane_ctx_t *pc, const char *artifact, int y, int x, bool sel)
{
    const span_t *spans[TREND_LEN];
    int n = 0;
    int64_t max = 1;
    for (size_t i = model_iteration_count(pc->model); i-- > 0 && n < TREND_LEN;) {
        const span_t *s = build_in(model_iteration(pc->model, i), artifact);
        if (!s || !s->end_ns)
            continue;
        spans[n++] = s;
        max = span_ns(pc, s) > max ? span_ns(pc, s) : max;
    }
    for (int k = 0; k < n; k++) {
        const span_t *s = spans[n - 1 - k];
        if (s->status == STATUS_FAILED)
            draw_text(pc, y, x + k, 1, draw_role(sel, ROLE_FAILED), draw_glyph(pc, GLYPH_FAIL));
        else
            draw_text(pc, y, x + k, 1, draw_role(sel, ROLE_INFO),
                      draw_spark(pc, (int)((double)span_ns(pc, s) * 7 / (double)max)));
    }
}

static void art_draw(const pane_ctx_t *pc, view_t *v, size_t row, int y, int x, int w, bool sel)
{
    vm_artifact_t a;
    if (!vm_artifact_at(pc->model, row, &a))
        return;
    int iter;
    const span_t *kept = not_rebuilt(pc, &a, &iter);
    /* Not rebuilt: the icon of its last build, and when that was. */
    status_kind_t k = kept ? kept->status : a.kind;
    role_t role = kept ? ROLE_DIM : draw_status_role(k);
    if (sel)
        draw_fill(pc, y, x, w, ROLE_CURSOR);
    int trend_w = w >= 60 ? TREND_LEN + 1 : 0, dur_w = 8, st_w = 12;
    /* A narrow row keeps the name (up to half the width): the duration goes
     * first, then the status is cut. */
    int keep = draw_width(pc, a.name) + 1;
    keep = keep < w / 2 ? keep : w / 2;
    if (w - 3 - st_w - dur_w - trend_w < keep)
        dur_w = 0;
    if (w - 3 - st_w - trend_w < keep)
        st_w = w - 3 - keep > 1 ? w - 3 - keep : 1;
    int name_w = w - 2 - st_w - dur_w - trend_w - 1;
    draw_text(pc, y, x + 3, name_w - 2, draw_role(sel, ROLE_DEFAULT), a.name);
    draw_text(pc, y, x + 1, 1, draw_role(sel, draw_status_role(k)), draw_status_icon(pc, k));
    draw_text(pc, y, x + 2 + name_w, st_w, draw_role(sel, role), kept ? NOT_REBUILT : a.status);
    /* Waiting for its build in this loop: no duration of an older one. */
    bool waiting = a.kind == STATUS_NOT_STARTED && !kept;
    const span_t *s = dur_w && !waiting ? last_build(pc, a.name) : NULL;
    if (s) {
        char d[32];
        if (kept)
            ago(pc, kept, d, sizeof d);
        else
            draw_duration(d, sizeof d, span_ns(pc, s));
        draw_right(pc, y, x + 2 + name_w + st_w, dur_w - 1, draw_role(sel, ROLE_TIME), d);
    }
    if (trend_w)
        draw_trend(pc, a.name, y, x + w - trend_w, sel);
}

static void art_text(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out)
{
    vm_artifact_t a;
    int iter;
    if (vm_artifact_at(pc->model, row, &a))
        sb_printf(out, "%s %s%s", a.name, a.status, not_rebuilt(pc, &a, &iter) ? " " NOT_REBUILT : "");
}

/* An artifact is its name. */
static void art_key(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *key, strbuf_t *parent)
{
    vm_artifact_t a;
    if (vm_artifact_at(pc->model, row, &a))
        sb_adds(key, a.name);
}

static void art_details(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out, char *title, size_t tlen)
{
    vm_artifact_t a;
    if (!vm_artifact_at(pc->model, row, &a))
        return;
    snprintf(title, tlen, "Artifact");
    sb_printf(out, "artifact: %s\nstatus:   %s\n", a.name, a.status);
    int iter;
    const span_t *kept = not_rebuilt(pc, &a, &iter);
    if (kept) {
        char d[32];
        ago(pc, kept, d, sizeof d);
        sb_printf(out, "          not rebuilt in iteration %d (Skaffold resets every artifact to\n"
                       "          Not Started when a dev loop starts, and builds what changed);\n"
                       "          last built in iteration %d: %s, %s\n",
                  model_current_iteration(pc->model)->number, iter, status_kind_name(kept->status), d);
    }
    sb_printf(out, "\nbuilds (newest first):\n");
    for (size_t i = model_iteration_count(pc->model); i-- > 0;) {
        const iteration_t *it = model_iteration(pc->model, i);
        const span_t *s = build_in(it, a.name);
        if (!s)
            continue;
        char d[32];
        draw_duration(d, sizeof d, span_ns(pc, s));
        sb_printf(out, "  iteration %d: %s, %s\n", it->number, status_kind_name(s->status), d);
    }
}

static void art_summary(const pane_ctx_t *pc, view_t *v, char *buf, size_t len)
{
    size_t n = art_count(pc, v), failed = 0, running = 0;
    vm_artifact_t a;
    for (size_t i = 0; i < n && vm_artifact_at(pc->model, i, &a); i++) {
        failed += a.kind == STATUS_FAILED;
        running += a.kind == STATUS_IN_PROGRESS;
    }
    int o = snprintf(buf, len, "%zu", n);
    if (running)
        o += snprintf(buf + o, len - (size_t)o, ", %zu building", running);
    if (failed)
        snprintf(buf + o, len - (size_t)o, ", %zu failed", failed);
}

static const action_t art_hints[] = {ACT_BUILD, ACT_AUTO_BUILD, ACT_DETAILS, ACT_NONE};

/* Enter or J on an artifact whose image a build of a BuildKit daemon
 * exports: that build, followed, in the Build pane, focused. UI_PASS when
 * there is none (the key does what it does elsewhere; with a daemon that
 * has no history, after saying so). */
static int art_action(const pane_ctx_t *pc, view_t *v, action_t a, pane_req_t *req)
{
    vm_artifact_t art;
    if ((a != ACT_DETAILS && a != ACT_LOG_JUMP) || !pc->bk || !pc->bk_live || !view_rows(pc, v) ||
        !vm_artifact_at(pc->model, view_source_row(v, v->cursor), &art))
        return UI_PASS;
    if (pc->bk->no_history) {
        pane_say(req, true, "%s", BK_NO_FOLLOW_ALL);
        return UI_PASS;
    }
    const bk_build_t *bd = bk_builds_for_image(&pc->bk->builds, art.name);
    if (!bd)
        return UI_PASS;
    pane_say(req, false, "%s build %s of %s", bd->active ? "following" : "replaying", bd->ref,
             art.name);
    snprintf(req->bk_follow, sizeof req->bk_follow, "%s", bd->ref);
    req->bk_follow_running = bd->active;
    req->focus = PANE_BUILD;
    return UI_REDRAW;
}

const view_ops_t pane_artifacts_ops = {
    .layout = {.column = PANE_COLUMN_LEFT, .rank = 0},
    .action = art_action,
    .count = art_count,
    .draw_row = art_draw,
    .row_text = art_text,
    .row_key = art_key,
    .details = art_details,
    .summary = art_summary,
    .hints = art_hints,
    .empty = "(no artifacts yet)",
};
