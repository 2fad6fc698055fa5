/* A BuildKit build replayed from a file (rawjson or a skview recording,
 * bk_reader.h), paced by the times inside the messages as Skaffold's replay
 * paces entries, with the same pacer (pacer.h: speeds, pause, step, the cap
 * on long gaps), next error, and --at END, N or error:N. The file is
 * scanned once at open (length, where errors appear) and read as a stream;
 * seeking back reopens it and folds again from the start.
 *
 * It feeds a bk_sink_t, the BuildKit side's sink: the session folds what
 * comes through it into its BuildKit model exactly as it folds a live
 * daemon's answers (session/bk_session.h). Calls, all on the loop thread:
 *   on_reset   before the first message, and before folding again after a
 *              seek backwards: forget what was folded.
 *   on_status  one StatusResponse, valid during the call.
 *   on_du, on_workers  a DiskUsage or ListWorkers answer a recording holds
 *              beside the build, as it is read (they carry no time).
 *   on_message one sentence for the status line (a bad line skipped, "paused
 *              at an error"); error tells whether it is a problem.
 *   on_change  the position, pause state or speed moved (after folds). */
#ifndef SKVIEW_BK_REPLAY_H
#define SKVIEW_BK_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>
#include "buildkit/control.pb-c.h"

typedef struct bk_sink {
    void *ctx;
    void (*on_reset)(void *ctx);
    void (*on_status)(void *ctx, const Moby__Buildkit__V1__StatusResponse *m);
    void (*on_du)(void *ctx, const Moby__Buildkit__V1__DiskUsageResponse *m);
    void (*on_workers)(void *ctx, const Moby__Buildkit__V1__ListWorkersResponse *m);
    void (*on_message)(void *ctx, bool error, const char *text);
    void (*on_change)(void *ctx);
} bk_sink_t;

/* The replay keys. */
typedef enum bk_replay_cmd {
    BK_REPLAY_PAUSE,           /* pause or play */
    BK_REPLAY_FASTER,
    BK_REPLAY_SLOWER,
    BK_REPLAY_STEP,
    BK_REPLAY_NEXT_ERROR,
} bk_replay_cmd_t;

/* Where a replay stands, for the header. */
typedef struct bk_replay_info {
    uint64_t pos, total;       /* messages folded; in the file */
    bool paused, ended;
    char speed[16];            /* "1x", "max" */
} bk_replay_info_t;

typedef struct bk_replay bk_replay_t;

/* Whether the file holds BuildKit progress (rawjson, or a recording whose
 * first record is BuildKit's: Status, DiskUsage or ListWorkers) rather than a Skaffold log. */
bool bk_replay_is_file(const char *path);
/* Opens and scans path, paused, the first message read ahead (on_reset
 * called). NULL with err filled. */
bk_replay_t *bk_replay_open(uv_loop_t *loop, const char *path, double speed, const bk_sink_t *sink, char *err,
                            size_t errlen);
/* Closes the timer; freed in its close callback. */
void bk_replay_close(bk_replay_t *r);
void bk_replay_start(bk_replay_t *r, bool paused);
/* --at: END, N or error:N. -1 (a usage error printed) when bad. */
int bk_replay_seek_at(bk_replay_t *r, const char *at);
void bk_replay_command(bk_replay_t *r, bk_replay_cmd_t cmd);
void bk_replay_info(const bk_replay_t *r, bk_replay_info_t *out);
/* Whether the last message was folded (the Build pane shows the last frame). */
bool bk_replay_ended(const bk_replay_t *r);

#endif
