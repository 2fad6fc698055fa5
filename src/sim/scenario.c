/* The simulator's scenario thread: plays a log, then acts out a dev loop.
 *
 * Iterations are scripted for the first few file changes (so a demo shows a
 * build error, a sync, a deploy error, a crash-looping container and their
 * recovery within seconds), then drawn from a PRNG seeded by --seed, so two
 * runs with the same seed tell the same story. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "io/logreader.h"
#include "sim/entries.h"
#include "sim/sim_int.h"

#define SIM_ARTIFACTS 3

/* What the next file change breaks, if anything. */
typedef enum sim_plot {
    PLOT_OK,
    PLOT_BUILD_ERR,      /* backend fails to compile */
    PLOT_SYNC,           /* a static file changes: sync only */
    PLOT_DEPLOY_ERR,     /* a helm template error */
    PLOT_CRASHLOOP,      /* worker restarts in a loop */
} sim_plot_t;

static const sim_plot_t script[] = {PLOT_BUILD_ERR, PLOT_OK, PLOT_SYNC, PLOT_DEPLOY_ERR,
                                    PLOT_CRASHLOOP, PLOT_OK};

static pthread_t th;
static bool running;
static uint64_t rng;
static int iteration;
static size_t changes;
static bool debug_running;
static char *artifacts[16];
static size_t n_artifacts;

static const sim_fail_t fail_build = {
    PROTO__STATUS_CODE__BUILD_USER_ERROR,
    "docker build failed: step 4/7 RUN go build -o /app ./cmd/backend: ./cmd/backend/main.go:42:9: "
    "undefined: handlerFunc",
    PROTO__SUGGESTION_CODE__FIX_USER_BUILD_ERR, "Fix the error in the build of artifact backend and try again"};
static const sim_fail_t fail_deploy = {
    PROTO__STATUS_CODE__DEPLOY_HELM_USER_ERR,
    "install: Error: UPGRADE FAILED: template: demo/templates/deployment.yaml:21:28: executing "
    "\"demo/templates/deployment.yaml\" at <.Values.image.tag>: nil pointer evaluating interface {}.tag",
    PROTO__SUGGESTION_CODE__FIX_SKAFFOLD_CONFIG_HELM_ARTIFACT_OVERRIDES,
    "Check `releases.artifactOverrides` in skaffold.yaml against the chart's values"};
static const sim_fail_t fail_restart = {
    PROTO__STATUS_CODE__STATUSCHECK_CONTAINER_RESTARTING,
    "container worker is backing off waiting to restart",
    PROTO__SUGGESTION_CODE__CHECK_CONTAINER_LOGS,
    "Try checking container logs: kubectl logs deployment/worker -c worker"};
static const sim_fail_t fail_sc = {
    PROTO__STATUS_CODE__STATUSCHECK_CONTAINER_RESTARTING, "1/3 deployment(s) failed",
    PROTO__SUGGESTION_CODE__CHECK_CONTAINER_LOGS,
    "Try checking container logs: kubectl logs deployment/worker -c worker"};

static uint32_t rnd(void)
{
    /* xorshift64*: tiny, deterministic for a seed, good enough for a story. */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 2685821657736338717ull) >> 32);
}

/* Sleeps ms, or less when stopping. Returns false once stopping. */
static bool nap(unsigned ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&sim.mu);
    while (!sim.stopping && pthread_cond_timedwait(&sim.cond, &sim.mu, &until) != ETIMEDOUT)
        ;
    bool go_on = !sim.stopping;
    pthread_mutex_unlock(&sim.mu);
    return go_on;
}

static bool step(void)
{
    return nap(sim.opts.step_ms);
}

/* ---- one iteration ------------------------------------------------------------ */

static bool run_builds(sim_plot_t plot)
{
    for (size_t i = 0; i < n_artifacts; i++) {
        const char *a = artifacts[i];
        sim_build(a, "In Progress", NULL);
        if (!step())
            return false;
        if (plot == PLOT_BUILD_ERR && i == 1 % n_artifacts) {
            sim_build(a, "Failed", &fail_build);
            return false;
        }
        sim_build(a, "Complete", NULL);
    }
    return true;
}

static void ports(void)
{
    static const sim_port_t p[] = {
        {9000, 8080, "frontend", "frontend-6d4cf56db6-x7kq2", "frontend"},
        {9001, 8081, "backend", "backend-5f9c7b8d4-q2m8w", "backend"},
    };
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        sim_port(&p[i]);
}

static bool run_statuscheck(sim_plot_t plot)
{
    static const char *const res[] = {"deployment/frontend", "deployment/backend", "deployment/worker"};
    sim_statuscheck("Started", NULL);
    for (size_t i = 0; i < 3; i++)
        sim_resource(res[i], "In Progress",
                     "waiting for rollout to finish: 0 of 1 updated replicas are available...", NULL,
                     PROTO__STATUS_CODE__STATUSCHECK_DEPLOYMENT_ROLLOUT_PENDING);
    bool ok = true;
    for (size_t i = 0; i < 3; i++) {
        if (!step())
            return false;
        if (plot == PLOT_CRASHLOOP && i == 2) {
            sim_resource(res[i], "Failed", "container worker is backing off waiting to restart",
                         &fail_restart, 0);
            ok = false;
        } else {
            sim_resource(res[i], "Succeeded", "Succeeded", NULL, PROTO__STATUS_CODE__STATUSCHECK_SUCCESS);
        }
    }
    sim_statuscheck(ok ? "Succeeded" : "Failed", ok ? NULL : &fail_sc);
    return ok;
}

static bool run_deploy(sim_plot_t plot)
{
    if (debug_running) {
        /* The worker pod is replaced, so its debugging container ends. */
        sim_debug("Terminated", "worker-7c9d8b5f6-h4jzp", "worker", "worker");
        debug_running = false;
    }
    sim_deploy("In Progress", NULL);
    if (!step())
        return false;
    if (plot == PLOT_DEPLOY_ERR) {
        sim_deploy("Failed", &fail_deploy);
        return false;
    }
    sim_deploy("Complete", NULL);
    ports();
    if (!run_statuscheck(plot))
        return false;
    sim_debug("Started", "worker-7c9d8b5f6-h4jzp", "worker", "worker");
    debug_running = true;
    return true;
}

static bool run_sync(void)
{
    int files = 1 + (int)(rnd() % 4);
    sim_sync(files, "frontend", "In Progress", NULL);
    if (!step())
        return false;
    sim_sync(files, "frontend", "Succeeded", NULL);
    return true;
}

/* The failure that ended the iteration, for its DevLoopEvent. */
static const sim_fail_t *plot_failure(sim_plot_t plot)
{
    switch (plot) {
    case PLOT_BUILD_ERR:
        return &fail_build;
    case PLOT_DEPLOY_ERR:
        return &fail_deploy;
    case PLOT_CRASHLOOP:
        return &fail_sc;
    default:
        return NULL;
    }
}

static void run_iteration(unsigned phases, sim_plot_t plot)
{
    pthread_mutex_lock(&sim.mu);
    /* Skaffold resets the State when a build or a deploy begins. */
    if (phases & (SIM_BUILD | SIM_DEPLOY))
        sim_reset_locked(phases & (SIM_BUILD | SIM_DEPLOY));
    if (phases & SIM_BUILD)
        sim.change_pending = false;
    pthread_mutex_unlock(&sim.mu);
    int it = iteration++;
    sim_devloop(it, "In Progress", NULL);
    if (!step())
        return;
    bool ok = true;
    if (phases & SIM_SYNC)
        ok = run_sync();
    if (ok && (phases & SIM_BUILD))
        ok = run_builds(plot);
    if (ok && (phases & SIM_DEPLOY))
        ok = run_deploy(plot);
    if (!ok && sim.stopping)
        return;
    sim_devloop(it, ok ? "Succeeded" : "Failed", ok ? NULL : plot_failure(plot));
}

/* ---- the story ---------------------------------------------------------------- */

static sim_plot_t next_plot(void)
{
    if (changes < sizeof script / sizeof script[0])
        return script[changes++];
    changes++;
    uint32_t r = rnd() % 100;
    return r < 10 ? PLOT_BUILD_ERR : r < 35 ? PLOT_SYNC : r < 42 ? PLOT_DEPLOY_ERR : r < 52 ? PLOT_CRASHLOOP : PLOT_OK;
}

/* A simulated file change: Skaffold rebuilds only while auto-build is on;
 * otherwise the change waits for Execute or auto-build on. */
static void file_change(void)
{
    sim_plot_t plot = next_plot();
    pthread_mutex_lock(&sim.mu);
    bool ab = sim.auto_build, as = sim.auto_sync, ad = sim.auto_deploy;
    if (plot != PLOT_SYNC && !ab)
        sim.change_pending = true;
    pthread_mutex_unlock(&sim.mu);
    if (plot == PLOT_SYNC) {
        if (as)
            run_iteration(SIM_SYNC, PLOT_OK);
        return;
    }
    if (ab)
        run_iteration(SIM_BUILD | (ad ? SIM_DEPLOY : 0), plot);
}

void sim_scenario_kick_locked(unsigned phases)
{
    /* Skaffold deploys what it built when auto-deploy is on. */
    if ((phases & SIM_BUILD) && sim.auto_deploy)
        phases |= SIM_DEPLOY;
    sim.pending_phases |= phases;
    pthread_cond_broadcast(&sim.cond);
}

/* Waits for the next tick or an Execute; returns the phases asked for, 0 for
 * a tick, -1 when stopping. */
static int wait_work(const struct timespec *tick)
{
    pthread_mutex_lock(&sim.mu);
    int r = 0;
    for (;;) {
        if (sim.stopping) {
            r = -1;
            break;
        }
        if (sim.pending_phases) {
            r = (int)sim.pending_phases;
            sim.pending_phases = 0;
            break;
        }
        int rc = tick ? pthread_cond_timedwait(&sim.cond, &sim.mu, tick)
                      : pthread_cond_wait(&sim.cond, &sim.mu);
        if (rc == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&sim.mu);
    return r;
}

static void tick_after(struct timespec *t, unsigned ms)
{
    clock_gettime(CLOCK_REALTIME, t);
    t->tv_sec += ms / 1000;
    t->tv_nsec += (long)(ms % 1000) * 1000000;
    if (t->tv_nsec >= 1000000000) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000;
    }
}

static void story(void)
{
    struct timespec tick;
    tick_after(&tick, sim.opts.interval_ms);
    for (;;) {
        int w = wait_work(sim.opts.generate ? &tick : NULL);
        if (w < 0)
            return;
        if (w > 0) {
            run_iteration((unsigned)w, PLOT_OK);
            continue;
        }
        file_change();
        tick_after(&tick, sim.opts.interval_ms);
    }
}

/* ---- --play ------------------------------------------------------------------- */

/* Later iterations rebuild the artifacts the played log built. */
static void play_note_artifacts(void)
{
    pthread_mutex_lock(&sim.mu);
    const Proto__BuildState *bs = model_state(sim.model)->buildstate;
    if (bs && bs->n_artifacts) {
        for (size_t j = 0; j < n_artifacts; j++)
            free(artifacts[j]);
        n_artifacts = 0;
        for (size_t i = 0; i < bs->n_artifacts && n_artifacts < 16; i++)
            artifacts[n_artifacts++] = strdup(bs->artifacts[i]->key);
    }
    pthread_mutex_unlock(&sim.mu);
}

static void play_report(void *ctx, const char *where, const char *msg, bool fatal)
{
    (void)ctx;
    fprintf(stderr, "skview-sim: %s: %s%s\n", where, msg, fatal ? "" : " (skipped)");
}

/* Re-stamps an entry by offset so that a played log looks live, keeping its
 * pace; emits a shallow copy. */
static void play_emit(const Proto__LogEntry *e, int64_t offset)
{
    Proto__LogEntry copy = *e;
    Google__Protobuf__Timestamp ts = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
    int64_t t = (e->timestamp ? e->timestamp->seconds * 1000000000 + e->timestamp->nanos : 0) + offset;
    ts.seconds = t / 1000000000;
    ts.nanos = (int32_t)(t % 1000000000);
    copy.timestamp = &ts;
    sim_emit(&copy);
    const Proto__Event *ev = e->event;
    if (ev && ev->event_type_case == PROTO__EVENT__EVENT_TYPE_DEV_LOOP_EVENT && ev->devloopevent->iteration >= iteration)
        iteration = ev->devloopevent->iteration + 1;
}

static int play(void)
{
    char err[512];
    logreader_opts_t o = {false};
    logreader_t *r = logreader_open(sim.opts.play, &o, err, sizeof err);
    if (!r) {
        fprintf(stderr, "skview-sim: %s\n", err);
        return -1;
    }
    source_sink_t sink = {.on_error = play_report};
    const Proto__LogEntry *e;
    int64_t offset = 0, prev = 0;
    bool first = true;
    while (logreader_next(r, &sink, &e) == 1) {
        int64_t t = e->timestamp ? e->timestamp->seconds * 1000000000 + e->timestamp->nanos : prev;
        if (first) {
            offset = sim_now_ns() - t;
            first = false;
        } else if (sim.opts.speed > 0 && t > prev) {
            double ms = (double)(t - prev) / 1e6 / sim.opts.speed;
            if (!nap(ms > 60000 ? 60000 : (unsigned)ms))
                break;
        }
        prev = t;
        play_emit(e, offset);
    }
    logreader_close(r);
    play_note_artifacts();
    return 0;
}

static void *scenario_main(void *arg)
{
    (void)arg;
    if (sim.opts.play) {
        if (play() != 0) {
            sim_request_exit();
            return NULL;
        }
    } else {
        sim_meta((int)n_artifacts);
        run_iteration(SIM_BUILD | SIM_DEPLOY, PLOT_OK);
    }
    if (sim.opts.burst)
        sim_burst(sim.opts.burst);
    if (sim.opts.big_entry_mib)
        sim_big_entry(sim.opts.big_entry_mib);
    story();
    return NULL;
}

int sim_scenario_start(void)
{
    static const char *const demo[SIM_ARTIFACTS] = {"frontend", "backend", "worker"};
    rng = sim.opts.seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
    for (size_t i = 0; i < SIM_ARTIFACTS; i++)
        artifacts[i] = strdup(demo[i]);
    n_artifacts = SIM_ARTIFACTS;
    if (pthread_create(&th, NULL, scenario_main, NULL) != 0) {
        fprintf(stderr, "skview-sim: cannot start the scenario thread\n");
        return -1;
    }
    running = true;
    return 0;
}

void sim_scenario_stop(void)
{
    pthread_mutex_lock(&sim.mu);
    sim.stopping = true;
    pthread_cond_broadcast(&sim.cond);
    pthread_mutex_unlock(&sim.mu);
    if (running)
        pthread_join(th, NULL);
    running = false;
    for (size_t i = 0; i < n_artifacts; i++)
        free(artifacts[i]);
    n_artifacts = 0;
}
