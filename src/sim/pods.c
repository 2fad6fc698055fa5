/* The application logs of the simulated cluster: the pods of the current
 * rollout (names as the status check reports them) print start-up lines,
 * request logs (some coloured by the app) and jobs; the worker restarts
 * once with a Go panic (a restart plot) or crash-loops (a crash-loop plot).
 * Skaffold mutes its log tailer while a dev loop runs, so the pods are
 * quiet then. One thread, one tick every --log-interval MS (0: no thread);
 * its PRNG is seeded by --seed. --log-flood's templates are built here. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/xalloc.h"
#include "transport/rpc_int.h"
#include "sim/sim_int.h"
#include "sim/story2.h"

/* Skaffold's prefix colours per pod (light green, yellow, blue). */
static const int colours[3] = {92, 93, 94};
static const char *const containers[3] = {"frontend", "backend", "worker"};

static pthread_t th;
static bool running;
static uint64_t rng;
static unsigned seen_rollout;    /* the rollout whose start-up was printed */
static int trouble;              /* sim.pods_trouble of that rollout */
static unsigned ticks, jobs;

static uint32_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 2685821657736338717ull) >> 32);
}

static void say(size_t i, const char *msg)
{
    char pod[96];
    sim_pod_name(pod, sizeof pod, i, seen_rollout);
    v2_applog(pod + 4, containers[i], msg, colours[i]);
}

static void boot(size_t i)
{
    char stamp[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y/%m/%d %H:%M:%S frontend v1.8.0 starting", &tm);
    const char *const lines[3][2] = {
        {stamp, "Listening on :8080"},
        {"level=info msg=\"connected to postgres\" host=db:5432 pool=10",
         "level=info msg=\"serving\" addr=:8081 version=v1.8.0"},
        {"worker v1.8.0 starting (queue=jobs, concurrency=4)", "connected to redis://redis:6379/0"},
    };
    say(i, lines[i][0]);
    say(i, lines[i][1]);
}

/* A Go panic, one event per line as the log tailer reads them. */
static void panic_trace(void)
{
    static const char *const lines[] = {
        "panic: runtime error: invalid memory address or nil pointer dereference",
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x6b3f2a]",
        "",
        "goroutine 1 [running]:",
        "main.(*queue).next(0x0)",
        "\t/app/cmd/worker/queue.go:57 +0x2a",
        "main.run(0xc00012e000)",
        "\t/app/cmd/worker/main.go:48 +0x9d",
        "main.main()",
        "\t/app/cmd/worker/main.go:31 +0x1c5",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        say(2, lines[i]);
}

static void request_line(void)
{
    static const char *const paths[] = {"/healthz", "/", "/api/items", "/api/items?page=2", "/static/app.js"};
    char msg[256];
    uint32_t r = rnd();
    size_t pod = r % 7 < 4 ? 0 : 1;
    unsigned ms = 1 + (r >> 8) % 40, frac = (r >> 16) % 10;
    if (r % 29 == 0)
        snprintf(msg, sizeof msg, "\033[33mWARN\033[0m slow request GET /api/items took %u.%ums", 400 + ms, frac);
    else if (r % 41 == 0)
        snprintf(msg, sizeof msg, "\033[31mERROR\033[0m GET /api/items 502 upstream backend:8081: "
                                  "context deadline exceeded");
    else if (pod == 0)
        snprintf(msg, sizeof msg, "GET %s %s %u.%ums", paths[(r >> 4) % 5], (r >> 12) % 23 ? "200" : "304", ms, frac);
    else
        snprintf(msg, sizeof msg, "level=info msg=\"request\" method=%s path=/v1/orders status=%s duration=%ums",
                 (r >> 5) % 3 ? "GET" : "POST", (r >> 5) % 3 ? "200" : "201", ms);
    say(pod, msg);
}

/* A new rollout's pods start; the worker's trouble shows at once. */
static void rollout_start(unsigned r, int t)
{
    seen_rollout = r;
    trouble = t;
    for (size_t i = 0; i < 3; i++)
        boot(i);
    if (t) {
        panic_trace();
        say(2, "worker exited with code 2; restarting");
        if (t == 1)
            boot(2);
    }
}

static void tick(void)
{
    ticks++;
    request_line();
    if (ticks % 3 == 0)
        request_line();
    if (trouble == 2) {
        /* Back-off grows in Kubernetes; a fixed period is enough here. */
        if (ticks % 12 == 0) {
            boot(2);
            panic_trace();
        }
        return;
    }
    if (ticks % 4 == 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "processed job %u in %ums", ++jobs, 20 + rnd() % 180);
        say(2, msg);
    }
}

static bool wait_tick(void)
{
    struct timespec until;
    unsigned ms = sim.opts.log_interval_ms;
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

static void *pods_main(void *arg)
{
    (void)arg;
    while (wait_tick()) {
        pthread_mutex_lock(&sim.mu);
        bool quiet = sim.in_devloop || !sim.pods_rollout || sim.exit_requested;
        unsigned r = sim.pods_rollout;
        int t = sim.pods_trouble;
        pthread_mutex_unlock(&sim.mu);
        if (quiet)
            continue;
        if (r != seen_rollout)
            rollout_start(r, t);
        else
            tick();
    }
    return NULL;
}

int sim_pods_start(void)
{
    if (!sim.opts.log_interval_ms)
        return 0;
    rng = sim.opts.seed * 0xD1B54A32D192ED03ull + 0x8CB92BA72F3D8DD7ull;
    return sim_thread_start(&th, pods_main, "pods", &running);
}

void sim_pods_stop(void)
{
    sim_thread_stop(th, &running);
}

/* --log-flood: ~150-byte ApplicationLogEvents of a load generator's pod,
 * every eighth coloured by the app, packed once when the first dev loop
 * ends (stamped then, 1 us apart). */
void sim_logflood_init(void)
{
    static const char pod[] = "loadgen-7d9f8b6c5-x2x4z";
    sim.n_logflood = 256;
    sim.logflood = xcalloc(sim.n_logflood, sizeof *sim.logflood);
    int64_t t = sim_now_ns();
    for (size_t i = 0; i < sim.n_logflood; i++) {
        char msg[160], rich[200];
        if (i % 8 == 7)
            snprintf(msg, sizeof msg, "\033[33mWARN\033[0m GET /api/v1/items/%zu 200 %zu.%zums (slow)\n", 1000 + i,
                     300 + i, i % 10);
        else
            snprintf(msg, sizeof msg, "GET /api/v1/items/%zu 200 %zu.%zums bytes=%zu ua=loadgen/1.0\n", 1000 + i,
                     1 + i % 40, i % 10, 512 + 7 * i);
        snprintf(rich, sizeof rich, "\033[95m[loadgen]\033[0m %s", msg);
        Proto__V2__ApplicationLogEvent a = PROTO__V2__APPLICATION_LOG_EVENT__INIT;
        Proto__V2__Event ev = PROTO__V2__EVENT__INIT;
        Google__Protobuf__Timestamp ts = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
        int64_t ti = t + (int64_t)i * 1000;
        ts.seconds = ti / 1000000000;
        ts.nanos = (int32_t)(ti % 1000000000);
        a.podname = (char *)pod;
        a.containername = (char *)"loadgen";
        a.prefix = (char *)"[loadgen]";
        a.message = msg;
        a.richformattedmessage = rich;
        ev.timestamp = &ts;
        ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_APPLICATION_LOG_EVENT;
        ev.applicationlogevent = &a;
        sim.logflood[i] = rpc_pack_slice(&ev.base);
    }
}
