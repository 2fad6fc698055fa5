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
#include "core/pbdump.h"
#include "core/xalloc.h"
#include "skaffold/viewmodel.h"
#include "ui/draw.h"
#include "ui/view.h"

typedef struct ev_row {
    vm_event_t ev;
    char *text;                /* raw; sanitised when drawn */
} ev_row_t;

/* The pane's private block: rows are evs[head .. head+n) */
typedef struct ev_priv {
    ev_row_t *evs;
    size_t head, n, cap;
    uint64_t next_seq;         /* the seq the next cached row will have */
} ev_priv_t;

static void drop_front(ev_priv_t *p, size_t k)
{
    for (size_t i = 0; i < k; i++)
        free(p->evs[p->head + i].text);
    p->head += k;
    p->n -= k;
}

static void ev_reset(ev_priv_t *p)
{
    drop_front(p, p->n);
    p->head = 0;
    p->next_seq = 0;
}

static void ev_free_private(void *priv)
{
    ev_priv_t *p = priv;
    ev_reset(p);
    free(p->evs);
}

static ev_row_t *append_slot(ev_priv_t *p)
{
    if (p->head + p->n == p->cap) {
        if (p->head > 0) {
            memmove(p->evs, p->evs + p->head, p->n * sizeof *p->evs);
            p->head = 0;
        }
        if (p->n == p->cap) {
            p->cap = p->cap ? p->cap * 2 : 1024;
            p->evs = xrealloc(p->evs, p->cap * sizeof *p->evs);
        }
    }
    return &p->evs[p->head + p->n];
}

static void append(const pane_ctx_t *pc, ev_priv_t *p, uint64_t seq, strbuf_t *tmp)
{
    ev_row_t *r = append_slot(p);
    sb_reset(tmp);
    if (!vm_event_get(pc->model, seq, &r->ev, tmp))
        return;
    sb_addc(tmp, 0);
    r->text = xstrdup(tmp->data);
    p->n++;
}

/* Brings the cache in line with the model's history. */
static void sync_rows(const pane_ctx_t *pc, view_t *v)
{
    ev_priv_t *p = v->priv;
    uint64_t seq = model_seq(pc->model), first = model_history_first(pc->model);
    if (seq < p->next_seq) {
        ev_reset(p);                /* the model was cleared */
        view_invalidate(v);
    }
    if (p->n && p->evs[p->head].ev.seq < first) {
        size_t k = 0;
        while (k < p->n && p->evs[p->head + k].ev.seq < first)
            k++;
        drop_front(p, k);
        view_invalidate(v);
    }
    if (p->next_seq < first)
        p->next_seq = first;
    strbuf_t tmp;
    sb_init(&tmp);
    for (; p->next_seq < seq; p->next_seq++)
        append(pc, p, p->next_seq, &tmp);
    sb_free(&tmp);
}

static size_t ev_count(const pane_ctx_t *pc, view_t *v)
{
    sync_rows(pc, v);
    return ((ev_priv_t *)v->priv)->n;
}

/* Row `row`, NULL past the end. */
static const ev_row_t *ev_at(view_t *v, size_t row)
{
    ev_priv_t *p = v->priv;
    return row < p->n ? &p->evs[p->head + row] : NULL;
}

/* HH:MM:SS.mmm in local time for any seconds and nanos from the wire: nanos
 * outside 0..999999999 carry into the seconds, and a time the C library
 * cannot break down (far past year 2^31) shows as a placeholder. */
static void format_time(const vm_event_t *r, char *buf, size_t len)
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

static void ev_draw(const pane_ctx_t *pc, view_t *v, size_t row, int y, int x, int w, bool sel)
{
    const ev_row_t *er = ev_at(v, row);
    if (!er)
        return;
    const vm_event_t *r = &er->ev;
    char t[32];
    format_time(r, t, sizeof t);
    if (sel)
        draw_fill(pc, y, x, w, ROLE_CURSOR);
    int cx = x + 1;
    if (w >= 60)
        cx += draw_text(pc, y, cx, 13, draw_role(sel, ROLE_TIME), t) + 1;
    if (r->session_start) { /* a new Skaffold process appended its session */
        char s[32];
        snprintf(s, sizeof s, "session %u", (unsigned)r->session);
        draw_text(pc, y, cx, 12, draw_role(sel, ROLE_REPLAY), s);
    } else {
        draw_text(pc, y, cx, 12, draw_role(sel, r->error ? ROLE_FAILED : ROLE_KIND), r->kind);
    }
    cx += 13;
    draw_text(pc, y, cx, x + w - cx, draw_role(sel, r->error ? ROLE_FAILED : ROLE_DEFAULT), er->text);
}

static void ev_text(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out)
{
    const ev_row_t *r = ev_at(v, row);
    if (r)
        sb_printf(out, "%s%s %s", r->ev.session_start ? "session " : "", r->ev.kind, r->text);
}

/* An event is its seq in the history. */
static void ev_key(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *key, strbuf_t *parent)
{
    const ev_row_t *r = ev_at(v, row);
    if (r)
        sb_printf(key, "%llu", (unsigned long long)r->ev.seq);
}

/* The rows are in seq order, with gaps (an entry the history no longer
 * decodes): a binary search. */
static long ev_find(const pane_ctx_t *pc, view_t *v, const char *key)
{
    ev_priv_t *p = v->priv;
    uint64_t seq = strtoull(key, NULL, 10);
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->evs[p->head + mid].ev.seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->n && p->evs[p->head + lo].ev.seq == seq ? (long)lo : -1;
}

static const char *ev_kind(const pane_ctx_t *pc, view_t *v, size_t row)
{
    const ev_row_t *r = ev_at(v, row);
    return r ? r->ev.kind : NULL;
}

static void ev_details(const pane_ctx_t *pc, view_t *v, size_t row, strbuf_t *out, char *title, size_t tlen)
{
    const ev_row_t *r = ev_at(v, row);
    if (!r)
        return;
    snprintf(title, tlen, "Event #%llu (%s)", (unsigned long long)r->ev.seq, r->ev.kind);
    ProtobufCMessage *e = vm_event_message(pc->model, r->ev.seq);
    if (!e) {
        sb_adds(out, "(no longer in the history)\n");
        return;
    }
    pb_dump_fields(out, e, 0);
    protobuf_c_message_free_unpacked(e, NULL);
}

static void ev_summary(const pane_ctx_t *pc, view_t *v, char *buf, size_t len)
{
    snprintf(buf, len, "%zu", ((ev_priv_t *)v->priv)->n);
}

static const action_t ev_hints[] = {ACT_FILTER, ACT_FOLLOW, ACT_DETAILS, ACT_NONE};

const view_ops_t pane_events_ops = {
    .layout = {.column = PANE_COLUMN_RIGHT, .rank = 6, .history = true},
    .private_size = sizeof(ev_priv_t),
    .free_private = ev_free_private,
    .count = ev_count,
    .draw_row = ev_draw,
    .row_text = ev_text,
    .row_key = ev_key,
    .find_key = ev_find,
    .row_kind = ev_kind,
    .details = ev_details,
    .summary = ev_summary,
    .hints = ev_hints,
    .append_only = true,
    .follow_default = true,
    .empty = "(no events yet)",
};
