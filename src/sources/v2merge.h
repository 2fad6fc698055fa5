/* The two v2 streams' connect-time replays, merged by time.
 *
 * On each (re)connect Skaffold replays on two streams at once: v2 Events
 * its whole history (Skaffold's lines of every dev loop), ApplicationLogs
 * the current dev loop's application lines. They arrive interleaved in any
 * order, so a consumer that appends in arrival order puts the current
 * loop's application lines above iteration 0's build output. A v2merge_t
 * sits between a Skaffold client's on_v2 / on_v2_reset and the consumer (the
 * session's model, `skview logs`): while a replay is under way it holds
 * what both streams deliver and hands it on oldest first; otherwise it
 * hands each event on at once, uncopied.
 *
 *   v2merge_reset(S)  the stream S begins a replay (the sink's on_v2_reset).
 *                     What was held of S's previous stream is delivered
 *                     first (in its order); the caller then forgets what S
 *                     folded, as before. The other stream, if it has not
 *                     reset within quiet_ms, is taken as live.
 *   v2merge_push      an event of stream S (the sink's on_v2): delivered at
 *                     once when nothing is held and no replay is under way,
 *                     else copied and held: its bytes as received when the
 *                     caller has them (wire; decoded again when delivered,
 *                     a third of the decoded copy's memory and no pack),
 *                     else a decoded copy.
 *   delivery          out(ctx, ev, S), on the loop thread, from push, reset,
 *                     the timer or flush. Each stream keeps its own order;
 *                     between the streams the oldest timestamp goes first
 *                     (Events first on a tie; an event without a timestamp
 *                     takes its stream's previous one). An event is held
 *                     only while the other stream may still deliver an
 *                     older one.
 *   a replay ends     for its stream, at its first event stamped at or after
 *                     the moment its replay began (the server's clock: a
 *                     live event), or after quiet_ms without an event on it
 *                     (loop time; a pause under load only costs order, never
 *                     a line). When neither stream replays, all is delivered.
 *   bound             at most V2MERGE_MAX_HELD events held: beyond it the
 *                     oldest goes on at once.
 *   slices            what was held goes on in slices, never all in one
 *                     callback (half a second of a flood, held while the
 *                     other stream was quiet, took a viewer's loop for
 *                     300 ms): a push hands on at most V2MERGE_PUSH_SLICE,
 *                     the drain (an idle handle a push or the timer starts,
 *                     active only while held events may go) V2MERGE_SLICE a
 *                     turn of the loop; meanwhile new events queue behind
 *                     them, so the order is the same.
 *   v2merge_flush     delivers everything held and ends the replays (a
 *                     command that is about to stop).
 *   v2merge_close     stops the timer and frees the merger (held events are
 *                     freed undelivered) once its handles are closed; the loop
 *                     must run after it. */
#ifndef SKVIEW_SOURCES_V2MERGE_H
#define SKVIEW_SOURCES_V2MERGE_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "sources/source.h"

#define V2MERGE_QUIET_MS 500
#define V2MERGE_MAX_HELD (1u << 18)
#define V2MERGE_SLICE 512        /* held events a turn of the loop hands on */
#define V2MERGE_PUSH_SLICE 2     /* ...and a push: the backlog shrinks under a flood */

typedef void (*v2merge_out_fn)(void *ctx, const Proto__V2__Event *ev, v2_stream_t stream);

typedef struct v2merge v2merge_t;

/* quiet_ms 0 = V2MERGE_QUIET_MS. NULL when the timer cannot be set up. */
v2merge_t *v2merge_new(uv_loop_t *loop, uint64_t quiet_ms, v2merge_out_fn out, void *ctx);
void v2merge_reset(v2merge_t *m, v2_stream_t stream);
void v2merge_push(v2merge_t *m, const Proto__V2__Event *ev, v2_stream_t stream, const uint8_t *wire, size_t len);
void v2merge_flush(v2merge_t *m);
void v2merge_close(v2merge_t *m);
/* Events held now (both streams). */
size_t v2merge_held(const v2merge_t *m);

#endif
