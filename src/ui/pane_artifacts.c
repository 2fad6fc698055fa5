/* Artifacts: each artifact's build status, last build duration and a trend of
 * its build times over recent iterations. */
#include <stdio.h>
#include <string.h>
#include "skaffold/viewmodel.h"
#include "ui/app.h"
#include "ui/draw.h"

#define TREND_LEN 8

static size_t art_count(const ui_t *ui, view_t *v)
{
    return vm_artifact_count(ui->model);
}

static const span_t *build_in(const iteration_t *it, const char *artifact)
{
    for (size_t i = 0; i < it->n_builds; i++)
        if (it->builds[i].artifact && !strcmp(it->builds[i].artifact, artifact))
            return &it->builds[i].span;
    return NULL;
}

/* The newest build of the artifact, NULL if none in the timeline. */
static const span_t *last_build(const ui_t *ui, const char *artifact)
{
    for (size_t i = model_iteration_count(ui->model); i-- > 0;) {
        const span_t *s = build_in(model_iteration(ui->model, i), artifact);
        if (s && s->start_ns)
            return s;
    }
    return NULL;
}

static int64_t span_ns(const ui_t *ui, const span_t *s)
{
    int64_t end = s->end_ns ? s->end_ns : ui_now_ns(ui);
    return s->start_ns && end > s->start_ns ? end - s->start_ns : 0;
}

/* A sparkline of the last TREND_LEN finished builds, failures as a cross. */
static void draw_trend(ui_t *ui, const char *artifact, int y, int x, bool sel)
{
    const span_t *spans[TREND_LEN];
    int n = 0;
    int64_t max = 1;
    for (size_t i = model_iteration_count(ui->model); i-- > 0 && n < TREND_LEN;) {
        const span_t *s = build_in(model_iteration(ui->model, i), artifact);
        if (!s || !s->end_ns)
            continue;
        spans[n++] = s;
        max = span_ns(ui, s) > max ? span_ns(ui, s) : max;
    }
    for (int k = 0; k < n; k++) {
        const span_t *s = spans[n - 1 - k];
        if (s->status == STATUS_FAILED)
            draw_text(ui, y, x + k, 1, draw_role(sel, ROLE_FAILED), draw_glyph(ui, GLYPH_FAIL));
        else
            draw_text(ui, y, x + k, 1, draw_role(sel, ROLE_INFO),
                      draw_spark(ui, (int)(span_ns(ui, s) * 7 / max)));
    }
}

static void art_draw(ui_t *ui, view_t *v, size_t row, int y, int x, int w, bool sel)
{
    vm_artifact_t a;
    if (!vm_artifact_at(ui->model, row, &a))
        return;
    status_kind_t k = a.kind;
    role_t role = draw_status_role(k);
    if (sel)
        draw_fill(ui, y, x, w, ROLE_CURSOR);
    int trend_w = w >= 60 ? TREND_LEN + 1 : 0, dur_w = 8, st_w = 12;
    /* A narrow row keeps the name (up to half the width): the duration goes
     * first, then the status is cut. */
    int keep = draw_width(ui, a.name) + 1;
    keep = keep < w / 2 ? keep : w / 2;
    if (w - 3 - st_w - dur_w - trend_w < keep)
        dur_w = 0;
    if (w - 3 - st_w - trend_w < keep)
        st_w = w - 3 - keep > 1 ? w - 3 - keep : 1;
    int name_w = w - 2 - st_w - dur_w - trend_w - 1;
    draw_text(ui, y, x + 1, 1, draw_role(sel, role), draw_status_icon(ui, k));
    draw_text(ui, y, x + 3, name_w - 2, draw_role(sel, ROLE_DEFAULT), a.name);
    draw_text(ui, y, x + 2 + name_w, st_w, draw_role(sel, role), a.status);
    const span_t *s = dur_w ? last_build(ui, a.name) : NULL;
    if (s) {
        char d[32];
        draw_duration(d, sizeof d, span_ns(ui, s));
        draw_right(ui, y, x + 2 + name_w + st_w, dur_w - 1, draw_role(sel, ROLE_TIME), d);
    }
    if (trend_w)
        draw_trend(ui, a.name, y, x + w - trend_w, sel);
}

static void art_text(const ui_t *ui, view_t *v, size_t row, strbuf_t *out)
{
    vm_artifact_t a;
    if (vm_artifact_at(ui->model, row, &a))
        sb_printf(out, "%s %s", a.name, a.status);
}

/* An artifact is its name. */
static void art_key(const ui_t *ui, view_t *v, size_t row, strbuf_t *key, strbuf_t *parent)
{
    vm_artifact_t a;
    if (vm_artifact_at(ui->model, row, &a))
        sb_adds(key, a.name);
}

static void art_details(const ui_t *ui, view_t *v, size_t row, strbuf_t *out, char *title, size_t tlen)
{
    vm_artifact_t a;
    if (!vm_artifact_at(ui->model, row, &a))
        return;
    snprintf(title, tlen, "Artifact");
    sb_printf(out, "artifact: %s\nstatus:   %s\n\nbuilds (newest first):\n", a.name, a.status);
    for (size_t i = model_iteration_count(ui->model); i-- > 0;) {
        const iteration_t *it = model_iteration(ui->model, i);
        const span_t *s = build_in(it, a.name);
        if (!s)
            continue;
        char d[32];
        draw_duration(d, sizeof d, span_ns(ui, s));
        sb_printf(out, "  iteration %d: %s, %s\n", it->number, status_kind_name(s->status), d);
    }
}

static void art_summary(const ui_t *ui, view_t *v, char *buf, size_t len)
{
    size_t n = art_count(ui, v), failed = 0, running = 0;
    vm_artifact_t a;
    for (size_t i = 0; i < n && vm_artifact_at(ui->model, i, &a); i++) {
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

const view_ops_t pane_artifacts_ops = {
    .count = art_count,
    .draw_row = art_draw,
    .row_text = art_text,
    .row_key = art_key,
    .details = art_details,
    .summary = art_summary,
    .hints = art_hints,
    .empty = "(no artifacts yet)",
};
