/* A replay source on libuv: pulls entries and v2 events from a saved log
 * (logset.h: a v1 log F with the F.v2 beside it merged by timestamp, F.v2
 * or a gateway capture alone, or a recording holding both) and paces them
 * by their timestamps, scaled by a speed
 * (0.5x to 64x, or max). It can pause, step one entry, and seek: to the next
 * or previous dev-loop iteration, to the next error, to an item number, to
 * the end. Seeking backwards calls on_reset and on_v2_reset (both streams)
 * and folds again from the start. Positions count items: v1 entries and
 * v2 events alike.
 *
 * The file is scanned once when opened, so the replay knows its length, where
 * each iteration starts and where errors are. Pacing (speeds, pause, the cap
 * on long gaps, PACER_MAX_GAP_MS) is the one pacer's, sources/pacer.h.
 *
 * The replay takes the one sink (sources/source.h) and calls on_reset, on_entry,
 * on_v2_reset, on_v2 (with the stream each event came from), on_error (a malformed line, skipped, or an I/O error) and on_change
 * (position, pause state or speed changed: the viewer redraws). Callbacks
 * run on the loop thread. The entry passed to on_entry is valid only during
 * the call. */
#ifndef SKVIEW_REPLAY_H
#define SKVIEW_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>
#include "skaffold.pb-c.h"
#include "sources/source.h"

typedef struct replay replay_t;


/* Opens and scans path. NULL with err filled when it cannot be read. */
replay_t *replay_open(uv_loop_t *loop, const char *path, double speed,
                      const source_sink_t *cb, char *err, size_t errlen);
/* Closes the timer; the replay is freed in its close callback. */
void replay_close(replay_t *r);

/* Starts pacing (unless paused). */
void replay_start(replay_t *r);
void replay_set_paused(replay_t *r, bool paused);
bool replay_paused(const replay_t *r);
/* The speed factor, 0 for max. */
double replay_speed(const replay_t *r);
void replay_faster(replay_t *r);
void replay_slower(replay_t *r);
/* Delivers one entry and pauses. Returns -1 at the end. */
int replay_step(replay_t *r);
/* Seeks (delivering everything before the target). Return -1 when there is
 * no such place (the position does not change). */
int replay_next_iteration(replay_t *r);
int replay_prev_iteration(replay_t *r);
int replay_next_error(replay_t *r);
void replay_seek(replay_t *r, uint64_t pos);
void replay_seek_end(replay_t *r);

uint64_t replay_pos(const replay_t *r);    /* entries delivered */
uint64_t replay_total(const replay_t *r);  /* entries in the file */
bool replay_ended(const replay_t *r);
/* The 1-based number of the iteration the position is in, and their count. */
size_t replay_iteration(const replay_t *r);
size_t replay_iterations(const replay_t *r);
/* True when the entry reports a failure: model_entry_error, the Errors
 * pane's rule (a resource "In Progress" with an image-pull code is none, a
 * resource "Failed" is). replay_next_error stops at each such entry; one
 * that repeats a still-open error adds no row to the Errors pane (the pane
 * counts it on that row, "x2"): session_next_error skips those. */
bool replay_entry_is_error(const Proto__LogEntry *e);
/* For files without v1 entries (F.v2 alone, a v2 capture): the v2 event is
 * a failure to stop at: a task Failed (but DevLoop's, which repeats its
 * phase's) or a resource's status check Failed. Iterations start at the
 * DevLoop task's InProgress there; with both (F and its F.v2), after both
 * of an iteration's starts. */
bool replay_v2_is_error(const Proto__V2__Event *ev);

#endif
