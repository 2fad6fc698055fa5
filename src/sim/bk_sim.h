/* skview-sim's BuildKit side: moby.buildkit.v1.Control served on its own
 * gRPC server (a unix socket and/or a loopback port), independent of the
 * Skaffold server in server.c. Each call runs on its own short-lived thread
 * with its own completion queue, so a handler is straight-line code that
 * sends, pauses and ends; the pauses notice a client that went away.
 *
 * What it serves (see bk_script.c for the data):
 *   Status(ref)   a scripted multi-stage Dockerfile build: cached steps, byte
 *                 progress, streaming logs split mid-line and mid-UTF-8, a
 *                 failing step (with the steps it cancels) and a warning.
 *                 SIM_BK_REF_LIVE plays in (scaled) real time; the finished
 *                 builds replay at once as a daemon replays its history;
 *                 SIM_BK_REF_BIG carries a 5 MiB StatusResponse, SIM_BK_REF_FLOOD
 *                 20000 small ones as fast as they go. Unknown refs
 *                 end with NOT_FOUND "no such job REF".
 *   DiskUsage, Prune (removes matching records, streams each), ListWorkers,
 *   Info and ListenBuildHistory (absent with --buildkit-old: UNIMPLEMENTED).
 *   With --buildkit-dev-loop the dev loop's builds (bk_devloop.c) are builds of this daemon too:
 *   their refs answer Status, and the history lists them as they start and
 *   end, named by the image Skaffold tagged. */
#ifndef SKVIEW_SIM_BK_SIM_H
#define SKVIEW_SIM_BK_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include "buildkit/control.pb-c.h"
#include "core/arena.h"

#define SIM_BK_REF_OK "m38a1hxgttgm2qcyrjs14yf3j"
#define SIM_BK_REF_FAIL "t1kfp0e8x0q3wby2d5v7h9n4c"
#define SIM_BK_REF_LIVE "w9z4c6b1n7v2x5m8q3k0j6h4g"
#define SIM_BK_REF_BIG "b7ig5meg4msg3tst2x1z0y9w8"
#define SIM_BK_REF_FLOOD "f1o0d5tr3am6t7e8s9t0a1b2c"   /* 20000 log messages, for flow control */
#define SIM_BK_FLOOD_LINES 20000

typedef struct sim_bk_opts {
    const char *socket;      /* --buildkit-socket PATH */
    int port;                /* --buildkit-port N (0 picks one); -1 = none */
    bool old;                /* --buildkit-old: a pre-v0.11 daemon */
    unsigned step_ms;        /* --buildkit-step MS: 100 = real time, 0 = no pauses */
    const char *calls_log;   /* --buildkit-calls-log FILE: each call's method, a line each */
    bool dev_loop;           /* --buildkit-dev-loop: the scenario's builds are builds of this daemon,
                                the running ones (SIM_BK_REF_LIVE is listed as finished) */
} sim_bk_opts_t;

extern sim_bk_opts_t sim_bk_opts;

/* Parses argv[i] if it is one of the --buildkit-* options: returns the number
 * of arguments used (1 or 2), 0 if it is not ours, -1 after printing an error. */
int sim_bk_parse_arg(int argc, char **argv, int i);
/* Starts serving when a socket or port was asked for (after grpc_init);
 * prints "buildkit listening on ADDR". 0, or -1 on failure. */
int sim_bk_start(void);
/* Cancels every call and stops; safe when not started. */
void sim_bk_stop(void);

/* bk_script.c: the data, built into arena. */
typedef struct sim_bk_step {
    unsigned at_ms;          /* offset from the build's start */
    Moby__Buildkit__V1__StatusResponse *msg;
} sim_bk_step_t;

/* The steps of a build by ref; 0 when the ref is unknown. t0 is the build's
 * start (ns since the epoch); scale (percent) stretches the times in the
 * messages as the pauses are stretched, so they agree with the clock. */
size_t sim_bk_script(arena_t *a, const char *ref, int64_t t0, unsigned scale, sim_bk_step_t **out);
/* The history: finished builds and the active one (finished too with
 * dev_loop). */
size_t sim_bk_history(arena_t *a, Moby__Buildkit__V1__BuildHistoryEvent ***out);
/* One history record's fields; image: what its moby exporter names (and,
 * once completed, its exporter response), NULL for none. */
typedef struct sim_bk_hist {
    const char *ref, *image, *error;
    int64_t created_ns, completed_ns;   /* completed 0: running */
    int cached, total, done;
} sim_bk_hist_t;
Moby__Buildkit__V1__BuildHistoryEvent *sim_bk_hist_event(arena_t *a, int type, const sim_bk_hist_t *h);
/* ns since the epoch as a Timestamp in arena. */
Google__Protobuf__Timestamp *sim_bk_ts(arena_t *a, int64_t ns);

/* bk_devloop.c: the scenario's Skaffold builds as BuildKit builds. tag is
 * the image as Skaffold tagged it ("frontend:v1.8.0-3f2a1b0"); fails picks
 * the failing script; expect_ms is how long Skaffold's build is to last. */
void sim_bk_build_started(const char *artifact, const char *tag, bool fails, unsigned expect_ms);
void sim_bk_build_ended(const char *artifact, bool ok);
/* Whether ref is one of them, and how it stands. */
typedef struct sim_bk_devloop {
    int64_t t0, t1;          /* its start and end (0: running), ns */
    unsigned expect_ms;
    bool fails, ended, ok;   /* ended and not ok, not scripted to fail: canceled */
    char image[200];         /* what it exports, as the history names it */
} sim_bk_devloop_t;
bool sim_bk_devloop_build(const char *ref, sim_bk_devloop_t *out);
/* History events: first, every build as it stands; then those after *gen
 * (the last generation seen, updated). */
size_t sim_bk_devloop_events(arena_t *a, bool first, uint64_t *gen, Moby__Buildkit__V1__BuildHistoryEvent ***out);
Moby__Buildkit__V1__ListWorkersResponse *sim_bk_workers(arena_t *a, bool old);
Moby__Buildkit__V1__Types__BuildkitVersion *sim_bk_version(arena_t *a);
/* The cache records (a copy, in arena), and pruning them (thread-safe). */
size_t sim_bk_records(arena_t *a, Moby__Buildkit__V1__UsageRecord ***out);
size_t sim_bk_prune(arena_t *a, const Moby__Buildkit__V1__PruneRequest *req, Moby__Buildkit__V1__UsageRecord ***out);

#endif
