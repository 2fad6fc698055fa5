/* Text rendering of a build's progress the way progressui's tty display
 * draws a frame (util/progress/progressui/display.go); see bk_progress.h.
 * Names and log lines go through textsafe, so the text is safe to print and
 * its columns are measured, not guessed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buildkit/bk_progress.h"
#include "core/textsafe.h"

#define BK_TERM_PAD 10   /* progressui's termPad: log lines are this much narrower */

void bk_format_bytes(strbuf_t *out, int64_t n)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    if (n < 1000 && n > -1000) {
        sb_printf(out, "%lldB", (long long)n);
        return;
    }
    double v = (double)n;
    int u = 0;
    while ((v >= 1000 || v <= -1000) && u < 6) {
        v /= 1000;
        u++;
    }
    sb_printf(out, "%.2f%s", v, units[u]);
}

static void pad(strbuf_t *out, int n)
{
    while (n-- > 0)
        sb_addc(out, ' ');
}

/* One job line: pfx + name [+ " " + status], the timer right-aligned so the
 * line is width columns (progressui's align()). Too narrow: no line. */
static void job_line(strbuf_t *out, int width, const char *pfx, const char *name, const char *status,
                     double secs, bool timer, int tflags)
{
    char tbuf[32] = "";
    if (timer)
        snprintf(tbuf, sizeof tbuf, " %3.1fs", secs);
    int tlen = (int)strlen(tbuf), plen = (int)strlen(pfx), slen = status ? (int)strlen(status) : 0;
    int left = width - plen - tlen - 1;
    bool show_status = slen > 0 && left + slen > 20;
    if (show_status)
        left -= slen + 1;
    if (left < 12)
        return;
    sb_adds(out, pfx);
    int cols = plen + textsafe(out, name, strlen(name), left, tflags);
    if (show_status) {
        sb_addc(out, ' ');
        cols += 1 + textsafe(out, status, (size_t)slen, 0, tflags);
    }
    if (timer) { /* lines without a timer are not padded: no trailing blanks */
        pad(out, width - tlen - cols);
        sb_adds(out, tbuf);
    }
    sb_addc(out, '\n');
}

static const char *state_prefix(bk_state_t st)
{
    switch (st) {
    case BK_ERROR: return "ERROR ";
    case BK_CANCELED: return "CANCELED ";
    case BK_CACHED: return "CACHED ";
    default: return "";
    }
}

static void status_text(strbuf_t *b, const bk_status_t *s)
{
    if (s->total) {
        bk_format_bytes(b, s->current);
        sb_adds(b, " / ");
        bk_format_bytes(b, s->total);
    } else if (s->current) {
        bk_format_bytes(b, s->current);
    }
}

static void render_status(const bk_status_t *s, int width, bk_time_t now, int tflags, strbuf_t *out)
{
    strbuf_t st;
    sb_init(&st);
    status_text(&st, s);
    job_line(out, width, " => => ", s->id, st.data ? st.data : "", (double)bk_status_duration_ns(s, now) / 1e9,
             s->started != 0, tflags);
    sb_free(&st);
}

static void render_log_line(const bk_vertex_t *v, size_t k, int width, int tflags, strbuf_t *out)
{
    size_t len;
    const char *line = bk_log_line(&v->log, k, &len);
    if (width - BK_TERM_PAD <= 0)
        return;
    sb_adds(out, " => => # ");
    textsafe(out, line, len, width - BK_TERM_PAD, tflags);
    sb_addc(out, '\n');
}

static void render_warning(const bk_warning_t *w, int width, int tflags, strbuf_t *out)
{
    strbuf_t name;
    sb_init(&name);
    sb_adds(&name, "WARN: ");
    sb_adds(&name, w->short_);
    job_line(out, width, " => ", name.data, NULL, 0, false, tflags);
    sb_free(&name);
}

/* The display name: state prefix, then the name with tabs as spaces (the
 * group's name for a progress group's line). */
static void display_name(strbuf_t *b, const bk_vertex_t *v, bk_state_t st)
{
    sb_adds(b, state_prefix(st));
    const char *n = v->group_id && v->group_name ? v->group_name : v->name ? v->name : "";
    for (; *n; n++)
        sb_addc(b, *n == '\t' ? ' ' : *n);
}

static void render_vertex(const bk_progress_t *p, const bk_vertex_t *v, int width, bk_time_t now, int tflags,
                          strbuf_t *out)
{
    strbuf_t name;
    sb_init(&name);
    display_name(&name, v, bk_vertex_state(v));
    job_line(out, width, " => ", name.data, NULL, (double)bk_progress_line_duration_ns(p, v, now) / 1e9, true,
             tflags);
    sb_free(&name);
}

static void render_row(const bk_progress_t *p, const bk_row_t *r, int width, bk_time_t now, int tflags,
                       strbuf_t *out)
{
    const bk_vertex_t *v = bk_progress_vertex(p, r->vertex);
    switch (r->kind) {
    case BK_ROW_VERTEX: render_vertex(p, v, width, now, tflags, out); break;
    case BK_ROW_STATUS: render_status(&v->statuses[r->item], width, now, tflags, out); break;
    case BK_ROW_LOG: render_log_line(v, r->item, width, tflags, out); break;
    case BK_ROW_WARNING: render_warning(bk_progress_warning(p, r->item), width, tflags, out); break;
    }
}

/* The tty's closing block for each failed vertex: its name and whole log. */
static void render_failed_logs(const bk_progress_t *p, int tflags, strbuf_t *out)
{
    for (size_t i = 0; i < bk_progress_count(p); i++) {
        const bk_vertex_t *v = bk_progress_vertex(p, i);
        if (bk_vertex_state(v) != BK_ERROR)
            continue;
        sb_adds(out, "------\n > ");
        textsafe(out, v->name, strlen(v->name), 0, tflags);
        sb_adds(out, ":\n");
        if (v->log.dropped)
            sb_printf(out, "[%llu earlier lines not kept]\n", (unsigned long long)v->log.dropped);
        for (size_t k = 0; k < bk_log_count(&v->log); k++) {
            size_t len;
            const char *line = bk_log_line(&v->log, k, &len);
            textsafe(out, line, len, 0, tflags);
            sb_addc(out, '\n');
        }
        sb_adds(out, "------\n");
    }
}

void bk_progress_row_text(const bk_progress_t *p, const bk_row_t *row, int width, bk_time_t now, int flags,
                          strbuf_t *out)
{
    render_row(p, row, width, now, flags & BK_RENDER_ASCII ? TEXTSAFE_ASCII : 0, out);
}

void bk_progress_render(const bk_progress_t *p, int width, bk_time_t now, int flags, strbuf_t *out)
{
    int tflags = flags & BK_RENDER_ASCII ? TEXTSAFE_ASCII : 0;
    unsigned done, total;
    bk_progress_counts(p, &done, &total);
    sb_printf(out, "[+] Building %.1fs (%u/%u)%s\n", (double)bk_progress_elapsed_ns(p, now) / 1e9, done,
              total, (flags & BK_RENDER_FINAL) && total > 0 && done == total ? " FINISHED" : "");
    bk_row_t *rows = NULL;
    size_t cap = 0, n = bk_progress_rows(p, flags, -1, &rows, &cap);
    for (size_t i = 0; i < n; i++)
        render_row(p, &rows[i], width, now, tflags, out);
    free(rows);
    if (flags & BK_RENDER_FINAL)
        render_failed_logs(p, tflags, out);
}
