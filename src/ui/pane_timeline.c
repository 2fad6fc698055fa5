/* Timeline: one row per dev-loop iteration with its phases drawn as bars on a
 * shared time scale; failures are marked and slow iterations (over 1.5 times
 * the median, and over a second) stand out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "ui/draw.h"
#include "ui/view.h"

#define FIXED_W 30             /* "#12 ✓ " + duration + markers */

static size_t tl_count(const pane_ctx_t *pc, view_t *v)
{
    return model_iteration_count(pc->model);
}

static int64_t end_of(const pane_ctx_t *pc, const span_t *s)
{
    return s->end_ns ? s->end_ns : s->start_ns ? pc->now_ns : 0;
}

static int64_t iter_ns(const pane_ctx_t *pc, const iteration_t *it)
{
    int64_t e = end_of(pc, &it->span);
    return it->span.start_ns ? pbjson_time_span(it->span.start_ns, e) : 0;
}

/* The build phase: from the first artifact's start to the last one's end. */
static span_t build_span(const pane_ctx_t *pc, const iteration_t *it)
{
    span_t s = {0, 0, STATUS_NONE};
    for (size_t i = 0; i < it->n_builds; i++) {
        const span_t *b = &it->builds[i].span;
        if (!b->start_ns)
            continue;
        if (!s.start_ns || b->start_ns < s.start_ns)
            s.start_ns = b->start_ns;
        int64_t e = end_of(pc, b);
        if (e > s.end_ns)
            s.end_ns = e;
        if (b->status == STATUS_FAILED || s.status == STATUS_NONE)
            s.status = b->status;
    }
    return s;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Median duration and the longest, over the retained iterations. */
static void stats(const pane_ctx_t *pc, int64_t *median, int64_t *max)
{
    size_t n = model_iteration_count(pc->model);
    *median = *max = 0;
    if (!n)
        return;
    int64_t *d = xmalloc(n * sizeof *d);
    for (size_t i = 0; i < n; i++) {
        d[i] = iter_ns(pc, model_iteration(pc->model, i));
        *max = d[i] > *max ? d[i] : *max;
    }
    qsort(d, n, sizeof *d, cmp_i64);
    *median = d[n / 2];
    free(d);
}

static bool iter_failed(const iteration_t *it)
{
    return it->error_id || it->span.status == STATUS_FAILED;
}

static bool iter_slow(const pane_ctx_t *pc, const iteration_t *it, int64_t median)
{
    int64_t d = iter_ns(pc, it);
    return model_iteration_count(pc->model) >= 3 && d > 1000000000LL && (double)d * 2 > (double)median * 3;
}

/* One phase as a bar at its place on the scale. */
static void draw_phase(const pane_ctx_t *pc, const iteration_t *it, const span_t *s, int64_t scale, int y,
                       int x, int w, role_t role)
{
    if (!s->start_ns || scale <= 0)
        return;
    int64_t e = end_of(pc, s);
    /* In double: a span of centuries (times from the wire) times w would
     * overflow int64. */
    int a = (int)((double)pbjson_time_span(it->span.start_ns, s->start_ns) * w / (double)scale);
    int b = (int)((double)pbjson_time_span(it->span.start_ns, e) * w / (double)scale);
    a = a < 0 ? 0 : a >= w ? w - 1 : a;
    b = b <= a ? a + 1 : b > w ? w : b;
    draw_repeat(pc, y, x + a, b - a, s->status == STATUS_FAILED ? ROLE_FAILED : role, GLYPH_BAR);
}

static void tl_draw(const pane_ctx_t *pc, view_t *v, size_t row, int y, int x, int w, bool sel)
{
    const iteration_t *it = model_iteration(pc->model, row);
    int64_t median, max;
    stats(pc, &median, &max);
    bool failed = iter_failed(it), slow = iter_slow(pc, it, median);
    bool running = it->span.start_ns && !it->span.end_ns;
    role_t role = failed ? ROLE_FAILED : running ? ROLE_RUNNING : slow ? ROLE_SLOW : ROLE_OK;
    if (sel)
        draw_fill(pc, y, x, w, ROLE_CURSOR);
    int cx = x + 1;
    cx += draw_fmt(pc, y, cx, 6, draw_role(sel, ROLE_DEFAULT), "#%-4d", it->number);
    draw_text(pc, y, cx, 1, draw_role(sel, role),
              failed ? draw_glyph(pc, GLYPH_FAIL)
                     : running ? draw_spinner(pc, pc->anim_tick) : draw_glyph(pc, GLYPH_OK));
    cx += 2;
    char d[32];
    draw_duration(d, sizeof d, iter_ns(pc, it));
    draw_right(pc, y, cx, 7, draw_role(sel, slow ? ROLE_SLOW : ROLE_TIME), d);
    cx += 8;
    int bw = w - (cx - x) - 8;
    if (bw >= 4) {
        span_t b = build_span(pc, it);
        draw_phase(pc, it, &b, max, y, cx, bw, ROLE_BAR_BUILD);
        draw_phase(pc, it, &it->sync, max, y, cx, bw, ROLE_BAR_SYNC);
        draw_phase(pc, it, &it->test, max, y, cx, bw, ROLE_BAR_TEST);
        draw_phase(pc, it, &it->deploy, max, y, cx, bw, ROLE_BAR_DEPLOY);
        draw_phase(pc, it, &it->statuscheck, max, y, cx, bw, ROLE_BAR_STATUSCHECK);
        cx += bw + 1;
    }
    if (failed)
        draw_text(pc, y, cx, x + w - cx, draw_role(sel, ROLE_FAILED), "failed");
    else if (slow)
        draw_text(pc, y, cx, x + w - cx, draw_role(sel, ROLE_SLOW), "slow");
}

static void tl_text(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out)
{
    const iteration_t *it = model_iteration(pc->model, row);
    sb_printf(out, "#%d %s", it->number, iter_failed(it) ? "failed" : status_kind_name(it->span.status));
}

/* An iteration is its session and number. */
static void tl_key(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *key, strbuf_t *parent)
{
    const iteration_t *it = model_iteration(pc->model, row);
    if (it)
        sb_printf(key, "%u/%d", (unsigned)it->session, (int)it->number);
}

static void phase_line(const pane_ctx_t *pc, strbuf_t *out, const char *name, const span_t *s)
{
    char d[32];
    if (!s->start_ns) {
        sb_printf(out, "  %-13s -\n", name);
        return;
    }
    draw_duration(d, sizeof d, pbjson_time_span(s->start_ns, end_of(pc, s)));
    sb_printf(out, "  %-13s %-8s %s\n", name, d, status_kind_name(s->status));
}

static void tl_details(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out, char *title, size_t tlen)
{
    const iteration_t *it = model_iteration(pc->model, row);
    snprintf(title, tlen, "Iteration %d", it->number);
    phase_line(pc, out, "iteration", &it->span);
    span_t b = build_span(pc, it);
    phase_line(pc, out, "build", &b);
    for (size_t i = 0; i < it->n_builds; i++) {
        char name[300];
        snprintf(name, sizeof name, "  %s", it->builds[i].artifact);
        phase_line(pc, out, name, &it->builds[i].span);
    }
    phase_line(pc, out, "sync", &it->sync);
    phase_line(pc, out, "test", &it->test);
    phase_line(pc, out, "deploy", &it->deploy);
    phase_line(pc, out, "status check", &it->statuscheck);
    const model_error_t *e = it->error_id ? model_error_by_id(pc->model, it->error_id) : NULL;
    if (e)
        sb_printf(out, "\nended by error %llu:\n%s\n", (unsigned long long)e->id, e->message);
    if (it->implicit)
        sb_adds(out, "\n(no DevLoopEvent opened this iteration)\n");
}

static void tl_summary(const pane_ctx_t *pc, view_t *v, char *buf, size_t len)
{
    size_t n = model_iteration_count(pc->model), failed = 0;
    for (size_t i = 0; i < n; i++)
        failed += iter_failed(model_iteration(pc->model, i));
    snprintf(buf, len, "%zu iterations, %zu failed", n, failed);
}

static const action_t tl_hints[] = {ACT_DETAILS, ACT_NEXT_ITER, ACT_PREV_ITER, ACT_NONE};

const view_ops_t pane_timeline_ops = {
    .layout = {.column = PANE_COLUMN_LEFT, .rank = 5, .history = true},
    .count = tl_count,
    .draw_row = tl_draw,
    .row_text = tl_text,
    .row_key = tl_key,
    .details = tl_details,
    .summary = tl_summary,
    .hints = tl_hints,
    .follow_default = true,
    .empty = "(no dev-loop iteration yet)",
};
