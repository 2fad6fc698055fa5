/* Events: the history, one line per entry (time, kind, sentence), scrollable,
 * following the newest by default, filterable by text and kind:NAME.
 *
 * The model keeps the history as packed protobuf; decoding it on every frame
 * would cost too much, so this pane keeps the formatted lines of the entries
 * still in the history, appended as the model's seq grows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "io/entryfmt.h"
#include "ui/app.h"
#include "ui/draw.h"

typedef struct ev_row {
    uint64_t seq;
    int64_t sec;               /* the entry's Timestamp, as on the wire */
    int32_t nanos;
    bool has_time;
    const char *kind;          /* static, from entry_kind() */
    char *text;                /* raw; sanitised when drawn */
    bool error;
} ev_row_t;

static ev_row_t *evs;
static size_t head, n_evs, cap_evs;  /* rows are evs[head .. head+n_evs) */
static uint64_t next_seq;            /* the seq the next cached row will have */
static const model_t *cached_model;

static void drop_front(size_t k)
{
    for (size_t i = 0; i < k; i++)
        free(evs[head + i].text);
    head += k;
    n_evs -= k;
}

void pane_events_reset(void)
{
    drop_front(n_evs);
    head = 0;
    next_seq = 0;
}

void pane_events_free(void)
{
    pane_events_reset();
    free(evs);
    evs = NULL;
    cap_evs = 0;
}

static void append(uint64_t seq, const Proto__LogEntry *e, strbuf_t *tmp)
{
    if (head + n_evs == cap_evs) {
        if (head > 0) {
            memmove(evs, evs + head, n_evs * sizeof *evs);
            head = 0;
        }
        if (n_evs == cap_evs) {
            cap_evs = cap_evs ? cap_evs * 2 : 1024;
            evs = realloc(evs, cap_evs * sizeof *evs);
            if (!evs)
                abort();
        }
    }
    sb_reset(tmp);
    entry_text(tmp, e);
    sb_addc(tmp, 0);
    ev_row_t *r = &evs[head + n_evs++];
    r->seq = seq;
    r->has_time = e->timestamp != NULL;
    r->sec = e->timestamp ? e->timestamp->seconds : 0;
    r->nanos = e->timestamp ? e->timestamp->nanos : 0;
    r->kind = entry_kind(e);
    r->text = strdup(tmp->data);
    r->error = replay_entry_is_error(e);
}

/* Brings the cache in line with the model's history. */
static void sync_rows(ui_t *ui)
{
    uint64_t seq = model_seq(ui->model), first = model_history_first(ui->model);
    if (seq < next_seq || cached_model != ui->model) {
        pane_events_reset();        /* the model was cleared */
        cached_model = ui->model;
        view_invalidate(&ui->views[PANE_EVENTS]);
    }
    if (n_evs && evs[head].seq < first) {
        size_t k = 0;
        while (k < n_evs && evs[head + k].seq < first)
            k++;
        drop_front(k);
        view_invalidate(&ui->views[PANE_EVENTS]);
    }
    if (next_seq < first)
        next_seq = first;
    strbuf_t tmp;
    sb_init(&tmp);
    for (; next_seq < seq; next_seq++) {
        Proto__LogEntry *e = model_history_get(ui->model, next_seq, NULL);
        if (!e)
            continue;
        append(next_seq, e, &tmp);
        protobuf_c_message_free_unpacked(&e->base, NULL);
    }
    sb_free(&tmp);
}

static size_t ev_count(ui_t *ui)
{
    sync_rows(ui);
    return n_evs;
}

/* HH:MM:SS.mmm in local time for any seconds and nanos from the wire: nanos
 * outside 0..999999999 carry into the seconds, and a time the C library
 * cannot break down (far past year 2^31) shows as a placeholder. */
static void format_time(const ev_row_t *r, char *buf, size_t len)
{
    if (!r->has_time) {
        snprintf(buf, len, "--:--:--.---");
        return;
    }
    int64_t sec = r->sec, nanos = r->nanos;
    struct tm tm;
    time_t t = 0;
    bool ok = sec > INT64_MIN + 3 && sec < INT64_MAX - 3; /* room for the carry */
    if (ok) {
        sec += nanos / 1000000000;
        nanos %= 1000000000;
        if (nanos < 0)
            nanos += 1000000000, sec--;
        t = (time_t)sec;
        ok = (int64_t)t == sec && localtime_r(&t, &tm);
    }
    if (!ok) {
        snprintf(buf, len, "out-of-range");
        return;
    }
    snprintf(buf, len, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(nanos / 1000000));
}

static void ev_draw(ui_t *ui, size_t row, int y, int x, int w, bool sel)
{
    if (row >= n_evs)
        return;
    const ev_row_t *r = &evs[head + row];
    char t[32];
    format_time(r, t, sizeof t);
    if (sel)
        draw_fill(ui, y, x, w, ROLE_CURSOR);
    int cx = x + 1;
    if (w >= 60)
        cx += draw_text(ui, y, cx, 13, draw_role(sel, ROLE_TIME), t) + 1;
    draw_text(ui, y, cx, 12, draw_role(sel, r->error ? ROLE_FAILED : ROLE_KIND), r->kind);
    cx += 13;
    draw_text(ui, y, cx, x + w - cx, draw_role(sel, r->error ? ROLE_FAILED : ROLE_DEFAULT), r->text);
}

static void ev_text(ui_t *ui, size_t row, strbuf_t *out)
{
    sb_printf(out, "%s %s", evs[head + row].kind, evs[head + row].text);
}

static const char *ev_kind(ui_t *ui, size_t row)
{
    return evs[head + row].kind;
}

static void ev_details(ui_t *ui, size_t row, strbuf_t *out, char *title, size_t tlen)
{
    const ev_row_t *r = &evs[head + row];
    snprintf(title, tlen, "Event #%llu (%s)", (unsigned long long)r->seq, r->kind);
    Proto__LogEntry *e = model_history_get(ui->model, r->seq, NULL);
    if (!e) {
        sb_adds(out, "(no longer in the history)\n");
        return;
    }
    details_dump_message(out, &e->base, 0);
    protobuf_c_message_free_unpacked(&e->base, NULL);
}

static void ev_summary(ui_t *ui, char *buf, size_t len)
{
    snprintf(buf, len, "%zu", n_evs);
}

static const action_t ev_hints[] = {ACT_FILTER, ACT_FOLLOW, ACT_DETAILS, ACT_NONE};

const view_ops_t pane_events_ops = {
    .count = ev_count,
    .draw_row = ev_draw,
    .row_text = ev_text,
    .row_kind = ev_kind,
    .details = ev_details,
    .summary = ev_summary,
    .hints = ev_hints,
    .append_only = true,
    .follow_default = true,
    .empty = "(no events yet)",
};
