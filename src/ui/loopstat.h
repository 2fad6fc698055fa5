/* How long the viewer's loop is busy, for SKVIEW_STATS and `make bench`:
 * a key waits at most for the turn of the loop it arrived in, so the
 * longest turn bounds the latency of a key (with the frame that answers it).
 *
 * A turn is the time from one uv_prepare callback (just before the loop
 * waits for I/O) to the next, less the time the loop waited in it (libuv's
 * idle-time metric): the timers, the I/O callbacks and the frames that ran,
 * and the time the thread was ready but another had the core (the thread's
 * own CPU time in the turn is kept beside it).
 * loopstat_start() must be called before the loop first runs (it turns the
 * metric on); the prepare handle does not keep the loop alive. Frames are
 * timed by the caller (loopstat_since, loopstat_frame); a key from its read
 * (loopstat_key_read) to the next frame drawn (loopstat_key_drawn), which
 * may wait for a terminal that has not taken the last frame (blocked counts
 * those). The frames' times also pace the viewer's frames (loopstat_frame_ago).
 * Everything runs on the loop thread. */
#ifndef SKVIEW_UI_LOOPSTAT_H
#define SKVIEW_UI_LOOPSTAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <uv.h>

#define LOOPSTAT_FPS_RING 64      /* more than a second's frames can be */

typedef struct loopstat {
    uv_prepare_t prep;
    uint64_t last_ns, last_idle_ns, last_cpu_ns;  /* at the last prepare */
    uint64_t turns, turn_max_ns, turn_cpu_max_ns;  /* wall (less the wait) and the thread's CPU */
    uint64_t frames, frame_max_ns, frame_sum_ns;
    uint64_t frame_ms[LOOPSTAT_FPS_RING];  /* the last frames' times, a ring */
    unsigned fps_max;                /* the most frames in any one second */
    uint64_t keys, key_max_ns;
    uint64_t key_read_ns;            /* a key read, its frame not drawn yet; 0: none */
    uint64_t blocked;                /* frames put off: the terminal had not taken the last */
    bool started;
} loopstat_t;

/* 0, or a negative libuv error (the loop runs on, unmeasured). */
int loopstat_start(loopstat_t *ls, uv_loop_t *loop);
void loopstat_close(loopstat_t *ls);
/* uv_hrtime() - t0. */
uint64_t loopstat_since(uint64_t t0);
/* A frame drawn at now_ms (uv_now) that took ns. */
void loopstat_frame(loopstat_t *ls, uint64_t now_ms, uint64_t ns);
/* uv_now() when the k-th last frame was drawn (1: the last one, k at most
 * LOOPSTAT_FPS_RING), 0 when fewer were. */
uint64_t loopstat_frame_ago(const loopstat_t *ls, unsigned k);
void loopstat_key_read(loopstat_t *ls);
void loopstat_key_drawn(loopstat_t *ls);
/* "turns N turn_max_ms X turn_cpu_max_ms C frame_max_ms Y frame_avg_ms Z
 * key_max_ms K blocked B fps_max F" */
void loopstat_print(const loopstat_t *ls, FILE *f);

#endif
