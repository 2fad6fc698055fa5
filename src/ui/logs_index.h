/* The Logs view's index: the seqs of the log lines (skaffold/logs.h) that
 * pass the view's filter, oldest first, kept up to date incrementally.
 *
 * Why: the view draws only the rows on screen, but scrolling, counts ("shown
 * 1,204 of 100,000") and the position of the cursor need to know which lines
 * pass. Filtering the whole ring on every frame costs O(ring); the index is
 * built once per filter generation (a filter change), and each update
 * after that tests only the lines added since (O(new lines)), drops the
 * seqs that left the ring, and re-tests the few partial lines that grew
 * (their text may now match). A logs_clear (a stream replaying) is seen as
 * a count that does not add up, a ring made anew (seqs from 1 again) as a
 * different line at the last seq seen; either rebuilds.
 *
 * Pure: no curses; unit-tested with a real ring. */
#ifndef SKVIEW_UI_LOGS_INDEX_H
#define SKVIEW_UI_LOGS_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "skaffold/logs.h"

#define LOGS_INDEX_PARTIALS 64

typedef struct logs_index {
    uint64_t *seq;             /* seq[head .. head+n), increasing */
    size_t head, n, cap;
    uint64_t scanned;          /* every seq <= scanned was tested */
    uint64_t fgen;             /* the filter generation it was built for */
    bool built;
    size_t count_seen;         /* logs_count at the last update */
    uint64_t dropped_seen;     /* logs_dropped at the last update */
    int64_t scanned_time;      /* time of line `scanned`: a new ring that
                                  reuses seqs shows as a different line */
    uint64_t partial[LOGS_INDEX_PARTIALS]; /* partial lines to test again */
    size_t n_partial;
    uint64_t tested;           /* lines tested in all (for the bench) */
} logs_index_t;

void logs_index_init(logs_index_t *x);
void logs_index_free(logs_index_t *x);
/* Brings the index in line with the ring for filter f of generation fgen
 * (a new generation rebuilds). */
void logs_index_update(logs_index_t *x, const logs_t *l, const log_filter_t *f, uint64_t fgen);
size_t logs_index_count(const logs_index_t *x);
/* The seq of the i-th passing line (0 = oldest); 0 past the end. */
uint64_t logs_index_at(const logs_index_t *x, size_t i);
/* The position of the first passing seq >= seq (count when none). */
size_t logs_index_lower(const logs_index_t *x, uint64_t seq);

#endif
