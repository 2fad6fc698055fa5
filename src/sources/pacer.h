/* The one replay pacer: what plays a saved stream back at the pace it was
 * written, for both replays (Skaffold logs, sources/replay.c, and BuildKit
 * builds in the Build pane, sources/bk_replay.c).
 *
 * The owner reads ahead one item and knows its time; the pacer knows the
 * time of the last item delivered, the speed and whether playback is paused,
 * and holds the libuv timer. Contract:
 *   pacer_init()      on the loop thread; tick runs there when the timer
 *                     fires. The timer is a handle inside the pacer: the
 *                     owner frees the memory holding the pacer only in the
 *                     close callback given to pacer_close().
 *   pacer_arm(next)   (re)arms the timer for an item of time next (ns since
 *                     the epoch, 0 when unknown): the delay is the gap since
 *                     the last delivered item, divided by the speed, at most
 *                     PACER_MAX_GAP_MS; 0 at max speed or without both times.
 *                     Does nothing while paused. The owner calls it after
 *                     every delivery and change, and pacer_stop() at the end.
 *   pacer_delivered(t) the owner delivered an item of time t (0 keeps the
 *                     last known time); pacer_rewind() forgets it (seek back).
 *
 * Speeds are 0.5x, 1x, 2x ... 64x and max (pacer_speed() 0): at max the tick
 * delivers a batch of PACER_MAX_BATCH, so keys stay responsive.
 *
 * The gap cap: PACER_MAX_GAP_MS (2 s, after scaling) for both replays. A
 * longer wait shows a screen that does not move; a night of silence in a log
 * (or centuries between two hostile timestamps) must not stall a replay, and
 * 2 s is still long enough to see that there was a pause. */
#ifndef SKVIEW_PACER_H
#define SKVIEW_PACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "google/protobuf/timestamp.pb-c.h"

#define PACER_MAX_GAP_MS 2000
#define PACER_MAX_BATCH 2000

typedef struct pacer pacer_t;
typedef void (*pacer_tick_cb)(pacer_t *p);

struct pacer {
    uv_timer_t timer;     /* timer.data is the owner's (pacer_init's data) */
    pacer_tick_cb tick;
    int64_t last_ns;      /* time of the last delivered item, 0 if none */
    size_t speed_i;
    bool paused;
};

/* speed: one of the speeds (0 for max); anything else means 1x. */
/* 0, or libuv's error (the timer could not be made: nothing to close). */
int pacer_init(pacer_t *p, uv_loop_t *loop, double speed, bool paused, pacer_tick_cb tick, void *data);
void pacer_close(pacer_t *p, uv_close_cb closed);
void *pacer_data(const pacer_t *p);

/* 0, or libuv's error (the owner reports it: the replay stops there). */
int pacer_arm(pacer_t *p, int64_t next_ns);
void pacer_stop(pacer_t *p);
void pacer_delivered(pacer_t *p, int64_t t_ns);
void pacer_rewind(pacer_t *p);

void pacer_set_paused(pacer_t *p, bool paused); /* stops the timer when pausing */
bool pacer_paused(const pacer_t *p);
double pacer_speed(const pacer_t *p);           /* 0 for max */
bool pacer_at_max(const pacer_t *p);
void pacer_faster(pacer_t *p);
void pacer_slower(pacer_t *p);
/* "max" or "2x", "0.5x". */
void pacer_speed_name(const pacer_t *p, char *buf, size_t len);

/* The delay before an item of time next_ns after one of time last_ns, at
 * speed (0 = max); pure, so it is unit-tested without a loop. */
uint64_t pacer_delay_ms(double speed, int64_t last_ns, int64_t next_ns);
/* A Timestamp in ns since the epoch, saturated (the wire can carry any
 * int64 seconds: past 2262 or before 1678 does not overflow); 0 if absent. */
int64_t pacer_ts_ns(const Google__Protobuf__Timestamp *t);

#endif
