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
#include "core/xalloc.h"
#include "sources/logreader.h"
#include "core/status.h"
#include "sim/bk_sim.h"
#include "sim/entries.h"
#include "sim/sim_int.h"
#include "sim/story2.h"

#define SIM_ARTIFACTS 3

/* What the next file change does. */
typedef enum sim_plot {
    PLOT_OK,             /* the changed artifact rebuilds, the rest are cache hits */
    PLOT_BUILD_ERR,      /* backend fails to compile */
    PLOT_BUILD_CANCEL,   /* two builds at once: one fails, the other is canceled */
    PLOT_CACHE_ONLY,     /* a revert: every artifact a cache hit, so no BuildEvent */
    PLOT_SYNC,           /* a static file changes: sync only */
    PLOT_SYNC_ERR,       /* the sync fails */
    PLOT_DEPLOY_ERR,     /* a helm template error */
    PLOT_RESTART,        /* worker restarts once, then comes up */
    PLOT_CRASHLOOP,      /* worker restarts in a loop: the status check fails */
    PLOT_TEST_ERR,       /* the unit tests fail */
} sim_plot_t;

static const sim_plot_t script[] = {PLOT_BUILD_ERR, PLOT_OK, PLOT_SYNC, PLOT_DEPLOY_ERR,
                                    PLOT_CRASHLOOP, PLOT_OK, PLOT_RESTART, PLOT_CACHE_ONLY,
                                    PLOT_BUILD_CANCEL, PLOT_SYNC_ERR, PLOT_TEST_ERR, PLOT_OK};

static pthread_t th;
static bool running;
static uint64_t rng;
static int iteration;
static unsigned generated;       /* iterations run, for --iterations */
static size_t changes;
static unsigned rollout;         /* deploys so far: pods get new names */
static char *artifacts[16];
static bool cached[16];          /* the artifact's last build succeeded */
static size_t n_artifacts;
static sim_plot_t waiting_plot;  /* a change that waits for Execute (manual mode) */

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
static const sim_fail_t fail_sync = {
    PROTO__STATUS_CODE__SYNC_INIT_ERROR,
    "copying files: exec: \"tar\": executable file not found in $PATH",
    0, NULL};
static const sim_fail_t fail_test = {
    PROTO__STATUS_CODE__TEST_CUSTOM_CMD_RUN_NON_ZERO_EXIT_ERR,
    "command \"go test ./...\" finished with non-zero exit code: exit status 1 "
    "(--- FAIL: TestHandler (0.00s) handler_test.go:31: got 500, want 200)",
    PROTO__SUGGESTION_CODE__CHECK_CUSTOM_COMMAND, "Check the custom command contents"};
static const sim_fail_t warn_restart = {
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

/* Runs a server-side State change under the lock, as the dev loop does
 * between two events. */
static void server_reset_build(bool shown)
{
    pthread_mutex_lock(&sim.mu);
    sim_state_reset_build();
    sim.unseen = shown ? 0 : UNSEEN_ARTIFACTS | UNSEEN_BUILD_CODE | UNSEEN_SYNC | UNSEEN_DEPLOY;
    pthread_mutex_unlock(&sim.mu);
}

static void server_reset_deploy(void)
{
    pthread_mutex_lock(&sim.mu);
    sim_state_reset_deploy();
    sim.unseen &= ~(unsigned)UNSEEN_DEPLOY;
    pthread_mutex_unlock(&sim.mu);
}

static void server_code(sim_code_t which, int code)
{
    pthread_mutex_lock(&sim.mu);
    sim_state_code(which, code);
    pthread_mutex_unlock(&sim.mu);
}

/* ---- one iteration ------------------------------------------------------------ */

/* What an iteration ran into. */
typedef struct sim_outcome {
    bool ok;
    int code;                 /* the failing phase's code for the DevLoopEvent */
    const sim_fail_t *fail;
} sim_outcome_t;

/* Which artifacts this change rebuilds: the changed one and any whose last
 * build did not succeed; the others are cache hits. A cache-only rebuild
 * (a revert) needs every artifact cached. */
static size_t pick_builds(sim_plot_t plot, size_t *which)
{
    size_t n = 0, changed = plot == PLOT_BUILD_ERR || plot == PLOT_BUILD_CANCEL ? 1 % n_artifacts
                                                                                : rnd() % n_artifacts;
    for (size_t i = 0; i < n_artifacts; i++)
        if (!cached[i] || (plot != PLOT_CACHE_ONLY && i == changed) ||
            (plot == PLOT_BUILD_CANCEL && i == 0))
            which[n++] = i;
    return n;
}

static bool build_failed(sim_outcome_t *o)
{
    v2_task("Build", "Failed", NULL, &fail_build, 0);
    server_code(SIM_CODE_BUILD, fail_build.code); /* BuildSequenceFailed */
    o->ok = false;
    o->code = fail_build.code;
    o->fail = &fail_build;
    return false;
}

/* A build step: the v1 BuildEvent, and the v2 Build subtask with it. */
static void build(size_t i, const char *status, const sim_fail_t *f)
{
    sim_build(artifacts[i], status, f);
    v2_build_sub(artifacts[i], "Build", status, f, sim_last_stamp());
    if (strcmp(status, "In Progress"))
        sim_bk_build_ended(artifacts[i], !strcmp(status, "Complete"));
}

/* A build starts: Skaffold's events, and the BuildKit build that makes the
 * image it tagged (fails: the build will fail; it is to last that many
 * steps). */
static void build_start(size_t i, bool fails, unsigned steps)
{
    char tag[200];
    v2_image_tag(tag, sizeof tag, artifacts[i]);
    sim_bk_build_started(artifacts[i], tag, fails, steps * sim.opts.step_ms);
    build(i, "In Progress", NULL);
}

/* The v2 Build task's start: the tags, the cache check of every artifact
 * (a hit for those not rebuilt), then the builds. */
static void build_task_start(const size_t *which, size_t n)
{
    bool hit[16];
    for (size_t i = 0; i < n_artifacts; i++)
        hit[i] = true;
    for (size_t k = 0; k < n; k++)
        hit[which[k]] = false;
    v2_task("Build", "InProgress", "Build containers", NULL, 0);
    v2_out_build_start(artifacts, n_artifacts, hit);
    if (n)
        v2_log("Build", NULL, V2_STANDARD, "Starting build...\n");
}

static void build_canceled(size_t i)
{
    v2_logf("Build", artifacts[i], V2_STANDARD, "ild -o /app ./cmd/%s\n#8 CANCELED\n", artifacts[i]);
    build(i, "Canceled", NULL);
    cached[i] = false;
}

static bool run_builds(sim_plot_t plot, sim_outcome_t *o)
{
    size_t which[16], n = pick_builds(plot, which);

    server_reset_build(n > 0);
    build_task_start(which, n);
    for (size_t k = 0; k < n; k++) {
        size_t i = which[k];
        bool fails = (plot == PLOT_BUILD_ERR || plot == PLOT_BUILD_CANCEL) && i == 1 % n_artifacts;
        bool parallel = plot == PLOT_BUILD_CANCEL && k == 0 && n > 1;
        build_start(i, fails, parallel ? 2 : 1); /* the parallel one is canceled after one */
        v2_out_build_steps(artifacts[i], rollout + 1, true);
        if (parallel)
            continue; /* builds in parallel with the next one */
        if (!step())
            return false;
        cached[i] = !fails;
        if (fails) {
            v2_out_build_error(artifacts[i]);
            build(i, "Failed", &fail_build);
            if (plot == PLOT_BUILD_CANCEL && k > 0)
                build_canceled(which[0]);
            return build_failed(o);
        }
        v2_out_build_steps(artifacts[i], rollout + 1, false);
        build(i, "Complete", NULL);
        if (plot == PLOT_BUILD_CANCEL && k > 0) {
            v2_out_build_steps(artifacts[which[0]], rollout + 1, false);
            build(which[0], "Complete", NULL), cached[which[0]] = true;
        }
    }
    v2_task("Build", "Succeeded", NULL, NULL, 0);
    return true;
}

/* The deployments and their pods; pod names change with every rollout. */
static const char *const deployments[] = {"frontend", "backend", "worker"};
#define N_DEPLOY 3

void sim_pod_name(char *buf, size_t len, size_t i, unsigned r)
{
    uint32_t h = (uint32_t)(r * 2654435761u + (unsigned)i * 40503u);
    snprintf(buf, len, "pod/%s-%08x-%05x", deployments[i % N_DEPLOY], h, (h >> 7) & 0xfffff);
}

static void pod_name(char *buf, size_t len, size_t i)
{
    sim_pod_name(buf, len, i, rollout);
}

/* A resource update: the v1 ResourceStatusCheckEvent, the v2 subtask and
 * the line Skaffold prints for it under the resource. */
static void resource(const char *res, const char *status, const char *message, const sim_fail_t *f, int code)
{
    sim_resource(res, status, message, f, code);
    v2_sc_sub(res, status, message, f, code, sim_last_stamp());
    if (!strcmp(status, "In Progress"))
        v2_logf("Deploy", res, V2_STANDARD, " - %s: %s\n", res, f ? f->msg : message);
    else if (!strcmp(status, "Failed"))
        v2_logf("Deploy", res, V2_STANDARD, " - %s failed. Error: %s.\n", res, f ? f->msg : message);
}

static void debug(const char *status, const char *pod, const char *container, const char *artifact)
{
    sim_debug(status, pod, container, artifact);
    v2_debug(status, pod, container, artifact, sim_last_stamp());
}

static void ports(void)
{
    char pod[96];
    pod_name(pod, sizeof pod, 2);
    const sim_port_t p[] = {
        {9000, 8080, "frontend", "frontend", "frontend"},
        {9001, 8081, "backend", "backend", "backend"},
        /* The worker's pod, on a port that moves with each rollout. */
        {9100 + (int)(rollout % 3), 6060, NULL, pod + 4, "worker"},
    };
    v2_task("PortForward", "InProgress", "Port forward URLs", NULL, 0);
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) {
        sim_port(&p[i]);
        v2_port(&p[i], sim_last_stamp());
    }
    v2_task("PortForward", "Succeeded", NULL, NULL, 0);
}

static void resources_start(void)
{
    char pod[96];
    for (size_t i = 0; i < N_DEPLOY; i++) {
        char dep[64];
        snprintf(dep, sizeof dep, "deployment/%s", deployments[i]);
        resource(dep, "In Progress", "waiting for rollout to finish: 0 of 1 updated replicas are available...",
                 NULL, PROTO__STATUS_CODE__STATUSCHECK_DEPLOYMENT_ROLLOUT_PENDING);
        pod_name(pod, sizeof pod, i);
        resource(pod, "In Progress", "creating container", NULL,
                 i == 0 ? PROTO__STATUS_CODE__STATUSCHECK_POD_INITIALIZING
                        : PROTO__STATUS_CODE__STATUSCHECK_CONTAINER_CREATING);
    }
}

/* The worker restarts: a warning on its pod while the deadline runs; its
 * debugging container goes with the old process. */
static void worker_restarts(const char *pod)
{
    resource(pod, "In Progress", warn_restart.msg, &warn_restart, 0);
    debug("Terminated", pod + 4, "worker", "worker");
}

static bool resources_end(sim_plot_t plot)
{
    char pod[96], dep[64];
    bool ok = true;
    for (size_t i = 0; i < N_DEPLOY; i++) {
        pod_name(pod, sizeof pod, i);
        snprintf(dep, sizeof dep, "deployment/%s", deployments[i]);
        if (plot == PLOT_CRASHLOOP && i == 2) {
            resource(pod, "Failed", warn_restart.msg, &warn_restart, 0);
            resource(dep, "Failed", warn_restart.msg, &warn_restart, 0);
            ok = false;
            continue;
        }
        if (plot == PLOT_RESTART && i == 2)
            debug("Started", pod + 4, "worker", "worker");
        resource(pod, "Succeeded", "Succeeded", NULL, PROTO__STATUS_CODE__STATUSCHECK_SUCCESS);
        resource(dep, "Succeeded", "Succeeded", NULL, PROTO__STATUS_CODE__STATUSCHECK_SUCCESS);
        v2_logf("Deploy", dep, V2_STANDARD, " - %s is ready.%s\n", dep,
                i == 0 ? " [2/3 deployment(s) still pending]" : i == 1 ? " [1/3 deployment(s) still pending]" : "");
    }
    return ok;
}

static bool run_statuscheck(sim_plot_t plot, sim_outcome_t *o)
{
    char pod[96];
    sim_statuscheck("Started", NULL);
    v2_task("StatusCheck", "InProgress", "", NULL, sim_last_stamp());
    v2_log("Deploy", NULL, V2_STANDARD, "Waiting for deployments to stabilize...\n");
    pthread_mutex_lock(&sim.mu);
    sim.pods_rollout = rollout;
    sim.pods_trouble = plot == PLOT_CRASHLOOP ? 2 : plot == PLOT_RESTART ? 1 : 0;
    pthread_mutex_unlock(&sim.mu);
    resources_start();
    pod_name(pod, sizeof pod, 2);
    debug("Started", pod + 4, "worker", "worker");
    if (!step())
        return false;
    if (plot == PLOT_RESTART || plot == PLOT_CRASHLOOP)
        worker_restarts(pod);
    if (!step())
        return false;
    bool ok = resources_end(plot);
    sim_statuscheck(ok ? "Succeeded" : "Failed", ok ? NULL : &fail_sc);
    if (ok)
        v2_log("Deploy", NULL, V2_STANDARD, "Deployments stabilized in 2.31 seconds\n");
    v2_task("StatusCheck", ok ? "Succeeded" : "Failed", NULL, ok ? NULL : &fail_sc, sim_last_stamp());
    server_code(SIM_CODE_STATUSCHECK, ok ? PROTO__STATUS_CODE__STATUSCHECK_SUCCESS : fail_sc.code);
    if (!ok) {
        o->ok = false;
        o->code = fail_sc.code;
        o->fail = &fail_sc;
    }
    return ok;
}

static bool run_deploy(sim_plot_t plot, sim_outcome_t *o)
{
    server_reset_deploy();
    rollout++;
    v2_task("Render", "InProgress", "Render manifests", NULL, 0);
    v2_render_sub("InProgress", 0);
    v2_render_sub("Succeeded", 0);
    v2_task("Render", "Succeeded", NULL, NULL, 0);
    v2_task("Deploy", "InProgress", "Deploy to cluster", NULL, 0);
    v2_out_deploy_start(artifacts, n_artifacts, rollout);
    sim_deploy("In Progress", NULL);
    v2_deploy_sub("In Progress", NULL, sim_last_stamp());
    if (!step())
        return false;
    if (plot == PLOT_DEPLOY_ERR) {
        v2_out_deploy_error(&fail_deploy);
        sim_deploy("Failed", &fail_deploy);
        v2_deploy_sub("Failed", &fail_deploy, sim_last_stamp());
        v2_task("Deploy", "Failed", NULL, &fail_deploy, 0);
        server_code(SIM_CODE_DEPLOY, fail_deploy.code);
        o->ok = false;
        o->code = fail_deploy.code;
        o->fail = &fail_deploy;
        return false;
    }
    v2_out_deploy_done(rollout);
    sim_deploy("Complete", NULL);
    v2_deploy_sub("Complete", NULL, sim_last_stamp());
    v2_task("Deploy", "Succeeded", NULL, NULL, 0);
    server_code(SIM_CODE_DEPLOY, PROTO__STATUS_CODE__DEPLOY_SUCCESS);
    if (!run_statuscheck(plot, o))
        return false;
    ports();
    return true;
}

/* ResetStateOnTest, then the configured unit tests. */
static bool run_tests(sim_plot_t plot, sim_outcome_t *o)
{
    pthread_mutex_lock(&sim.mu);
    sim_state_reset_test();
    sim.unseen &= ~(unsigned)UNSEEN_TEST;
    pthread_mutex_unlock(&sim.mu);
    v2_task("Test", "InProgress", "Test images", NULL, 0);
    sim_test("In Progress", NULL);
    v2_test_sub("In Progress", NULL, sim_last_stamp());
    v2_out_test(plot == PLOT_TEST_ERR);
    if (!step())
        return false;
    if (plot == PLOT_TEST_ERR) {
        sim_test("Failed", &fail_test);
        v2_test_sub("Failed", &fail_test, sim_last_stamp());
        v2_task("Test", "Failed", NULL, &fail_test, 0);
        server_code(SIM_CODE_TEST, fail_test.code); /* TestFailed */
        o->ok = false;
        o->code = fail_test.code;
        o->fail = &fail_test;
        return false;
    }
    sim_test("Complete", NULL);
    v2_test_sub("Complete", NULL, sim_last_stamp());
    v2_task("Test", "Succeeded", NULL, NULL, 0);
    return true;
}

static bool run_sync(sim_plot_t plot, sim_outcome_t *o)
{
    int files = 1 + (int)(rnd() % 4);
    v2_task("Sync", "InProgress", "Sync files", NULL, 0);
    v2_logf("Sync", "frontend", V2_STANDARD, "Syncing %d files for frontend\n", files);
    sim_sync(files, "frontend", "In Progress", NULL);
    v2_sync(files, "frontend", "In Progress", NULL, sim_last_stamp());
    if (!step())
        return false;
    if (plot == PLOT_SYNC_ERR) {
        sim_sync(files, "frontend", "Failed", &fail_sync);
        v2_sync(files, "frontend", "Failed", &fail_sync, sim_last_stamp());
        v2_task("Sync", "Failed", NULL, &fail_sync, 0);
        o->ok = false;
        o->code = fail_sync.code;
        o->fail = &fail_sync;
        return false;
    }
    sim_sync(files, "frontend", "Succeeded", NULL);
    v2_sync(files, "frontend", "Succeeded", NULL, sim_last_stamp());
    v2_task("Sync", "Succeeded", NULL, NULL, 0);
    return true;
}

/* What the dev loop logs (a warning) when a phase fails. */
static const char *skip_reason(const sim_fail_t *f)
{
    return f == &fail_build ? "Skipping test and deploy due to build error:"
         : f == &fail_test ? "Skipping deploy due to test error:"
         : f == &fail_sync ? "Skipping deploy due to sync error:"
         : f == &fail_deploy ? "Skipping deploy due to error:" : "Status check failed:";
}

/* The DevLoopEvent "Failed" carries the failing phase's code. */
static void end_iteration(int it, const sim_outcome_t *o)
{
    sim_fail_t f = {0};
    if (!o->ok) {
        f = *o->fail;
        f.code = o->code;
    }
    if (!o->ok)
        v2_logf("DevLoop", NULL, V2_WARN, "%s %s\n", skip_reason(o->fail), f.msg);
    sim_devloop(it, o->ok ? "Succeeded" : "Failed", o->ok ? NULL : &f);
    v2_devloop_end(o->ok ? NULL : &f, sim_last_stamp());
    v2_out_watching(artifacts, n_artifacts, it == 0);
    /* --log-flood starts now, its lines stamped now (packed once). */
    if (sim.opts.log_flood && !sim.logflood)
        sim_logflood_init();
    pthread_mutex_lock(&sim.mu);
    sim.started = true;
    for (sim_sub_t *sub = sim.subs; sub; sub = sub->next)
        sim_pump_locked(sub);
    pthread_mutex_unlock(&sim.mu);
    sim_state_log(it);
    generated++;
    if (sim.opts.iterations && generated >= sim.opts.iterations) {
        pthread_mutex_lock(&sim.mu);
        sim_request_exit();
        pthread_mutex_unlock(&sim.mu);
    }
}

static void run_iteration(unsigned phases, sim_plot_t plot)
{
    int it = iteration++;
    sim_outcome_t o = {true, 0, NULL};

    sim_devloop(it, "In Progress", NULL);
    v2_devloop_start(artifacts, n_artifacts, it, sim_last_stamp());
    if (!step())
        return;
    bool ok = true;
    if (phases & SIM_SYNC)
        ok = run_sync(plot, &o);
    if (ok && (phases & SIM_BUILD))
        ok = run_builds(plot, &o) && run_tests(plot, &o);
    if (ok && (phases & SIM_DEPLOY))
        ok = run_deploy(plot, &o);
    if (!ok && o.ok)
        return; /* stopping */
    end_iteration(it, &o);
}

/* ---- the story ---------------------------------------------------------------- */

/* --healthy: what a change does when nothing may fail (a restart that
 * recovers before the deadline is no failure). */
static sim_plot_t healthy_plot(sim_plot_t p)
{
    switch (p) {
    case PLOT_OK: case PLOT_SYNC: case PLOT_CACHE_ONLY: case PLOT_RESTART:
        return p;
    default:
        return PLOT_OK;
    }
}

static sim_plot_t story_plot(void)
{
    if (changes < sizeof script / sizeof script[0])
        return script[changes++];
    changes++;
    uint32_t r = rnd() % 100;
    return r < 8 ? PLOT_BUILD_ERR : r < 12 ? PLOT_BUILD_CANCEL : r < 18 ? PLOT_CACHE_ONLY
         : r < 38 ? PLOT_SYNC : r < 42 ? PLOT_SYNC_ERR : r < 48 ? PLOT_DEPLOY_ERR
         : r < 54 ? PLOT_RESTART : r < 60 ? PLOT_CRASHLOOP : r < 65 ? PLOT_TEST_ERR : PLOT_OK;
}

static sim_plot_t next_plot(void)
{
    sim_plot_t p = story_plot();
    return sim.opts.healthy ? healthy_plot(p) : p;
}

/* A simulated file change: Skaffold syncs or rebuilds only while the auto
 * trigger is on; otherwise the change waits for Execute (or the trigger on). */
static void file_change(void)
{
    sim_plot_t plot = next_plot();
    bool sync = plot == PLOT_SYNC || plot == PLOT_SYNC_ERR;
    pthread_mutex_lock(&sim.mu);
    bool ab = sim.auto_build, as = sim.auto_sync, ad = sim.auto_deploy;
    if ((sync && !as) || (!sync && !ab)) {
        sim.change_pending = true;
        waiting_plot = plot;
    }
    pthread_mutex_unlock(&sim.mu);
    if (sync && as)
        run_iteration(SIM_SYNC, plot);
    else if (!sync && ab)
        run_iteration(SIM_BUILD | (ad ? SIM_DEPLOY : 0), plot);
}

unsigned sim_scenario_waiting_locked(void)
{
    if (!sim.change_pending)
        return 0;
    return waiting_plot == PLOT_SYNC || waiting_plot == PLOT_SYNC_ERR ? SIM_SYNC : SIM_BUILD;
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
        /* --iterations N: N are done; the server stays up until told.
         * --idle-after N: no more file changes after N iterations. */
        bool done = (sim.opts.iterations && generated >= sim.opts.iterations) ||
                    (sim.opts.idle_after && generated >= sim.opts.idle_after);
        int w = wait_work(sim.opts.generate && !done ? &tick : NULL);
        if (w < 0)
            return;
        if (w > 0) {
            /* Execute: the change that waited, if it is the phase asked for. */
            pthread_mutex_lock(&sim.mu);
            sim_plot_t plot = sim.change_pending ? waiting_plot : PLOT_OK;
            bool sync_plot = plot == PLOT_SYNC || plot == PLOT_SYNC_ERR;
            if (((unsigned)w & SIM_SYNC) ? !sync_plot : sync_plot)
                plot = PLOT_OK;
            else
                sim.change_pending = false;
            pthread_mutex_unlock(&sim.mu);
            run_iteration((unsigned)w, plot);
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
        for (size_t i = 0; i < bs->n_artifacts && n_artifacts < 16; i++) {
            cached[n_artifacts] = status_kind(bs->artifacts[i]->value) == STATUS_SUCCEEDED;
            artifacts[n_artifacts++] = xstrdup(bs->artifacts[i]->key);
        }
    }
    /* The server goes on from the played log's State. */
    sim_state_adopt_model();
    sim.playing = false;
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
        /* The v2 State from the configuration; a played v1 log has no v2 side. */
        pthread_mutex_lock(&sim.mu);
        sim_state2_init(artifacts, n_artifacts);
        pthread_mutex_unlock(&sim.mu);
        if (play() != 0) {
            sim_request_exit();
            return NULL;
        }
    } else {
        /* The first iteration builds and deploys whatever the triggers say. */
        sim_meta(artifacts, n_artifacts);
        v2_session_start(artifacts, n_artifacts);
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
    sim.playing = sim.opts.play != NULL;
    for (size_t i = 0; i < SIM_ARTIFACTS; i++)
        artifacts[i] = xstrdup(demo[i]);
    n_artifacts = SIM_ARTIFACTS;
    return sim_thread_start(&th, scenario_main, "scenario", &running);
}

void sim_scenario_stop(void)
{
    sim_thread_stop(th, &running);
    for (size_t i = 0; i < n_artifacts; i++)
        free(artifacts[i]);
    n_artifacts = 0;
}
