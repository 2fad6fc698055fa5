/* The Logs view's index of passing seqs; see logs_index.h. */
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "ui/logs_index.h"

void logs_index_init(logs_index_t *x)
{
    memset(x, 0, sizeof *x);
}

void logs_index_free(logs_index_t *x)
{
    free(x->seq);
    memset(x, 0, sizeof *x);
}

static void push(logs_index_t *x, uint64_t seq)
{
    if (x->head + x->n == x->cap) {
        if (x->head > 0) {
            memmove(x->seq, x->seq + x->head, x->n * sizeof *x->seq);
            x->head = 0;
        }
        if (x->n == x->cap) {
            x->cap = x->cap ? x->cap * 2 : 1024;
            x->seq = xrealloc(x->seq, x->cap * sizeof *x->seq);
        }
    }
    x->seq[x->head + x->n++] = seq;
}

size_t logs_index_count(const logs_index_t *x)
{
    return x->n;
}

uint64_t logs_index_at(const logs_index_t *x, size_t i)
{
    return i < x->n ? x->seq[x->head + i] : 0;
}

size_t logs_index_lower(const logs_index_t *x, uint64_t seq)
{
    size_t lo = 0, hi = x->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->seq[x->head + mid] < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Inserts seq in order (a partial line that now passes). */
static void insert(logs_index_t *x, uint64_t seq)
{
    size_t at = logs_index_lower(x, seq);
    if (at < x->n && x->seq[x->head + at] == seq)
        return;
    push(x, seq);
    uint64_t *s = x->seq + x->head;
    memmove(s + at + 1, s + at, (x->n - 1 - at) * sizeof *s);
    s[at] = seq;
}

static void erase(logs_index_t *x, uint64_t seq)
{
    size_t at = logs_index_lower(x, seq);
    if (at >= x->n || x->seq[x->head + at] != seq)
        return;
    uint64_t *s = x->seq + x->head;
    memmove(s + at, s + at + 1, (x->n - at - 1) * sizeof *s);
    x->n--;
}

static void watch_partial(logs_index_t *x, uint64_t seq)
{
    for (size_t i = 0; i < x->n_partial; i++)
        if (x->partial[i] == seq)
            return;
    if (x->n_partial < LOGS_INDEX_PARTIALS)
        x->partial[x->n_partial++] = seq;
}

/* Tests the partial lines again: one that grew may pass now, or no more. */
static void retest_partials(logs_index_t *x, const logs_t *l, const log_filter_t *f)
{
    size_t keep = 0;
    for (size_t i = 0; i < x->n_partial; i++) {
        uint64_t seq = x->partial[i];
        const log_line_t *line = logs_get(l, seq);
        if (!line)
            continue;
        x->tested++;
        if (log_filter_match(f, line))
            insert(x, seq);
        else
            erase(x, seq);
        if (line->flags & LOG_PARTIAL)
            x->partial[keep++] = seq;
    }
    x->n_partial = keep;
}

static void rebuild(logs_index_t *x, const logs_t *l, uint64_t fgen)
{
    x->head = x->n = 0;
    x->n_partial = 0;
    x->scanned = logs_first(l) ? logs_first(l) - 1 : 0;
    x->fgen = fgen;
    x->built = true;
}

void logs_index_update(logs_index_t *x, const logs_t *l, const log_filter_t *f, uint64_t fgen)
{
    uint64_t first = logs_first(l), last = logs_last(l);
    size_t count = logs_count(l);
    uint64_t dropped = logs_dropped(l);
    /* What the ring holds now must be what it held, plus the new lines,
     * minus the dropped ones; otherwise lines were cleared: start again. */
    const log_line_t *seen = x->built ? logs_get(l, x->scanned) : NULL;
    bool cleared = x->built && (last < x->scanned || dropped < x->dropped_seen ||
                                x->count_seen + (last - x->scanned) !=
                                    count + (dropped - x->dropped_seen) ||
                                (seen && seen->time_ns != x->scanned_time));
    if (!x->built || x->fgen != fgen || cleared)
        rebuild(x, l, fgen);
    size_t gone = 0;
    while (gone < x->n && x->seq[x->head + gone] < first)
        gone++;
    x->head += gone;
    x->n -= gone;
    if (x->n == 0)
        x->head = 0;
    if (x->scanned + 1 < first)
        x->scanned = first - 1;
    retest_partials(x, l, f);
    for (uint64_t s = x->scanned + 1; s <= last && first <= last; s++) {
        const log_line_t *line = logs_get(l, s);
        if (!line)
            continue;
        x->tested++;
        if (log_filter_match(f, line))
            push(x, s);
        if (line->flags & LOG_PARTIAL)
            watch_partial(x, s);
    }
    if (last > x->scanned)
        x->scanned = last;
    const log_line_t *at = logs_get(l, x->scanned);
    x->scanned_time = at ? at->time_ns : 0;
    x->count_seen = count;
    x->dropped_seen = dropped;
}
