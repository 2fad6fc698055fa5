/* skview-sim: serves Skaffold's gRPC event API with a simulated dev loop.
 * See sim_int.h for the threads; this file parses options and runs the
 * start-up and shutdown sequences. */
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <grpc/grpc.h>
#include "sim/bk_sim.h"
#include "sim/sim_int.h"

static const char usage[] =
    "usage: skview-sim [--port N] [--play FILE [--speed X]] [--no-generate] [--interval MS]\n"
    "                  [--step MS] [--seed N] [--calls-log FILE] [--flood N] [--exit-after N]\n"
    "                  [--no-v2] [--log-flood N] [--log-interval MS]\n"
    "Serves proto.SkaffoldService and Skaffold 2.x's proto.v2.SkaffoldV2Service on\n"
    "127.0.0.1:N (default 50051; 0 picks a free port and prints it), from one history.\n"
    "Without --play it acts out a built-in demo dev loop, with Skaffold's output and the\n"
    "pods' logs (a line every --log-interval MS, default 300; 0: none). --no-v2 serves v1\n"
    "only, like Skaffold 1.x (v2 calls answer UNIMPLEMENTED). --log-flood N sends N\n"
    "application log lines on each ApplicationLogs call after the first dev loop, then\n"
    "ends it (benchmarks); [--log-flood-rate N] sends at most N of them a second.\n"
    "Skaffold's flags: [--auto-build=BOOL] [--auto-sync=BOOL] [--auto-deploy=BOOL] (default\n"
    "true; false waits for Execute), [--event-log FILE] appends the log as JSON lines like\n"
    "--event-log-file (and the v2 events to FILE.v2).\n"
    "Tests: [--state-log FILE] appends GetState after every iteration, [--iterations N]\n"
    "exits after N generated iterations, [--idle-after N] stops changing files after N\n"
    "(and goes on serving), [--healthy] generates no failure (syncs, cache hits and\n"
    "restarts that recover only).\n"
    "Faults: [--burst N] adds N entries to the log at once, [--big-entry MIB] one entry\n"
    "of that size, both after the first iteration (or the played log), [--v2-fail\n"
    "events|applogs|both] ends each call of that v2 stream UNAVAILABLE at once;\n"
    "[--no-v2-events] or [--no-v2-applogs] answers UNIMPLEMENTED on that v2 stream alone.\n"
    "BuildKit: [--buildkit-socket PATH] [--buildkit-port N] [--buildkit-step MS] [--buildkit-old]\n"
    "[--buildkit-dev-loop] [--buildkit-calls-log FILE] serves moby.buildkit.v1.Control there\n"
    "too (see src/sim/bk_sim.h); the calls log gets each call's method, a line each;\n"
    "--buildkit-dev-loop: the dev loop's builds are its builds (history, Status).\n";

static int bad_usage(const char *what, const char *arg)
{
    fprintf(stderr, "skview-sim: %s%s%s\n%s", what, arg ? ": " : "", arg ? arg : "", usage);
    return 2;
}

/* Parses an unsigned number; false on junk. */
static bool num(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v > max || *s == '-')
        return false;
    *out = v;
    return true;
}

static int parse_num_opt(const char *name, const char *val, unsigned long long max, unsigned long long *out)
{
    if (!val)
        return bad_usage("missing value for", name);
    if (!num(val, max, out))
        return bad_usage("bad number for", name);
    return 0;
}

/* --auto-build=BOOL and its kin, as Skaffold spells them; 1 if a is none. */
static int parse_auto(const char *a, sim_opts_t *o)
{
    static const char *const names[] = {"--auto-build", "--auto-sync", "--auto-deploy"};
    bool *flags[] = {&o->auto_build, &o->auto_sync, &o->auto_deploy};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(names[i]);
        if (strncmp(a, names[i], n) != 0 || (a[n] != '=' && a[n] != '\0'))
            continue;
        const char *v = a[n] ? a + n + 1 : "true";
        if (strcmp(v, "true") && strcmp(v, "false"))
            return bad_usage("want true or false", a);
        *flags[i] = !strcmp(v, "true");
        return 0;
    }
    return 1;
}

/* The options that take a file name. */
static const char **file_opt(const char *a, sim_opts_t *o)
{
    return !strcmp(a, "--play") ? &o->play : !strcmp(a, "--calls-log") ? &o->calls_log
         : !strcmp(a, "--event-log") ? &o->event_log : !strcmp(a, "--state-log") ? &o->state_log
         : NULL;
}

/* The switches: a flag each, set to true. */
static bool *flag_opt(const char *a, sim_opts_t *o)
{
    static const struct { const char *name; size_t off; } flags[] = {
        {"--healthy", offsetof(sim_opts_t, healthy)},
        {"--no-v2", offsetof(sim_opts_t, no_v2)},
        {"--no-v2-events", offsetof(sim_opts_t, no_v2_events)},
        {"--no-v2-applogs", offsetof(sim_opts_t, no_v2_applogs)},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (!strcmp(a, flags[i].name))
            return (bool *)((char *)o + flags[i].off);
    return NULL;
}

/* The options that take a whole number: where it goes (its size says its
 * type: unsigned, int or uint64_t) and the largest it may be. */
typedef struct {
    const char *name;
    size_t off, size;
    unsigned long long max;
} num_opt_t;
#define NUM_OPT(name, field, max) {name, offsetof(sim_opts_t, field), sizeof(((sim_opts_t *)0)->field), max}
static const num_opt_t num_opts[] = {
    NUM_OPT("--port", port, 65535),
    NUM_OPT("--interval", interval_ms, 86400000),
    NUM_OPT("--step", step_ms, 60000),
    NUM_OPT("--seed", seed, 0xffffffffu),
    NUM_OPT("--flood", flood, 1000000000000ull),
    NUM_OPT("--log-flood", log_flood, 1000000000000ull),
    NUM_OPT("--log-flood-rate", log_flood_rate, 1000000000ull),
    NUM_OPT("--log-interval", log_interval_ms, 3600000),
    NUM_OPT("--exit-after", exit_after, 1000000000000ull),
    NUM_OPT("--burst", burst, 100000000ull),
    NUM_OPT("--idle-after", idle_after, 1000000),
    NUM_OPT("--iterations", iterations, 1000000),
    NUM_OPT("--big-entry", big_entry_mib, 256),
};

/* Sets the number option a names from v: 0 done, 1 a is none, 2 bad. */
static int set_num_opt(const char *a, const char *v, sim_opts_t *o)
{
    for (size_t i = 0; i < sizeof num_opts / sizeof num_opts[0]; i++) {
        const num_opt_t *d = &num_opts[i];
        unsigned long long n;
        if (strcmp(a, d->name))
            continue;
        if (parse_num_opt(a, v, d->max, &n))
            return 2;
        char *at = (char *)o + d->off;
        if (d->size == sizeof(uint64_t)) {
            uint64_t x = n;
            memcpy(at, &x, sizeof x);
        } else {
            unsigned x = (unsigned)n; /* int and unsigned share a layout; max fits both */
            memcpy(at, &x, sizeof x);
        }
        return 0;
    }
    return 1;
}

/* The options with a value of their own shape: 0 done, 1 a is none, 2 bad. */
static int set_other_opt(const char *a, const char *v, sim_opts_t *o)
{
    const char **file = file_opt(a, o);
    if (file) {
        if (!v)
            return bad_usage("missing value for", a);
        *file = v;
    } else if (!strcmp(a, "--v2-fail")) {
        if (!v || (o->v2_fail = !strcmp(v, "events") ? 1 : !strcmp(v, "applogs") ? 2
                              : !strcmp(v, "both") ? 3 : 0) == 0)
            return bad_usage("bad value for", a);
    } else if (!strcmp(a, "--speed")) {
        char *end;
        if (!v || (o->speed = strtod(v, &end), end == v || *end || o->speed < 0))
            return bad_usage("bad value for", a);
    } else {
        return set_num_opt(a, v, o);
    }
    return 0;
}

/* One option at argv[i] (and its value): how many arguments it took
 * (1 or 2), or -2 on a bad one (usage said). */
static int parse_one(int argc, char **argv, int i, sim_opts_t *o)
{
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    bool *flag = flag_opt(a, o);
    int rc;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
        fputs(usage, stdout);
        exit(0);
    }
    if (!strcmp(a, "--no-generate") || flag) {
        *(flag ? flag : &o->generate) = flag != NULL;
        return 1;
    }
    if ((rc = parse_auto(a, o)) != 1)
        return rc ? -2 : 1;
    if ((rc = set_other_opt(a, v, o)) != 1)
        return rc ? -2 : 2;
    if ((rc = sim_bk_parse_arg(argc, argv, i)) < 0)
        return bad_usage("bad BuildKit option", a), -2;
    if (rc == 0)
        return bad_usage("unknown option", a), -2;
    return rc;
}

static int parse_args(int argc, char **argv, sim_opts_t *o)
{
    *o = (sim_opts_t){.port = 50051, .speed = 1, .generate = true, .interval_ms = 3000,
                      .step_ms = 150, .seed = 1, .log_interval_ms = 300, .auto_build = true, .auto_sync = true,
                      .auto_deploy = true};
    for (int i = 1; i < argc;) {
        int took = parse_one(argc, argv, i, o);
        if (took < 0)
            return 2;
        i += took;
    }
    if (o->interval_ms == 0)
        o->interval_ms = 1;
    return 0;
}

/* Blocks SIGINT/SIGTERM in every thread; main waits for them explicitly. */
static void signals_block(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void wait_for_end(const sigset_t *set)
{
    struct timespec poll = {0, 50 * 1000000};
    for (;;) {
        int sig = sigtimedwait(set, NULL, &poll);
        if (sig == SIGINT || sig == SIGTERM)
            return;
        pthread_mutex_lock(&sim.mu);
        bool done = sim.exit_requested;
        pthread_mutex_unlock(&sim.mu);
        if (done)
            return;
    }
}

/* Opens FILE to append to; counts the lines already there (an event log
 * holds every session written to it, as Skaffold's O_APPEND file does). */
static FILE *open_append(const char *path, uint64_t *lines)
{
    FILE *f = fopen(path, "a+");
    if (!f) {
        fprintf(stderr, "skview-sim: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    int c;
    rewind(f);
    while (lines && (c = getc(f)) != EOF)
        *lines += c == '\n';
    fseek(f, 0, SEEK_END);
    return f;
}

static int open_logs(void)
{
    if (sim.opts.calls_log && !(sim.calls_log = open_append(sim.opts.calls_log, NULL)))
        return 1;
    if (sim.opts.event_log && !(sim.event_log = open_append(sim.opts.event_log, &sim.event_log_lines)))
        return 1;
    if (sim.opts.event_log && !sim.opts.no_v2) {
        /* Skaffold 2.x writes the v2 log beside it, as FILE.v2. */
        char path[4096];
        snprintf(path, sizeof path, "%s.v2", sim.opts.event_log);
        if (!(sim.event_log2 = open_append(path, NULL)))
            return 1;
    }
    if (sim.opts.state_log && !(sim.state_log = open_append(sim.opts.state_log, NULL)))
        return 1;
    return 0;
}

int main(int argc, char **argv)
{
    int rc = parse_args(argc, argv, &sim.opts);
    if (rc)
        return rc;
    sigset_t set;
    signals_block(&set);
    sim_world_init();
    if (open_logs() != 0) {
        sim_world_free();
        return 1;
    }
    if (sim.opts.flood)
        sim_flood_init();
    grpc_init();
    rc = sim_server_start() == 0 && sim_bk_start() == 0 && sim_scenario_start() == 0 && sim_pods_start() == 0
       ? 0 : 1;
    if (rc != 0) {
        /* The start said why it failed; a server half started (its port
         * taken, say) has no threads to take the orderly stop's
         * notification, so the stop would wait for ever. */
        fflush(NULL);
        _exit(1);
    }
    wait_for_end(&set);
    sim_scenario_stop();
    sim_pods_stop();
    sim_bk_stop();
    sim_server_stop();
    sim_world_free();
    grpc_shutdown();
    return rc;
}
