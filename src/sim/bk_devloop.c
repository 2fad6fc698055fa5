/* Skaffold's builds as BuildKit builds: each build the scenario starts
 * (scenario.c) is a build of the simulator's BuildKit, as when Skaffold
 * builds with the local Docker: a new ref, a history record whose moby
 * exporter names the image Skaffold tagged, normalised as Docker's daemon
 * writes it ("docker.io/library/frontend:v1.8.0-3f2a1b0"), and, once it
 * ends, the exporter response's "image.name" and digest. Its Status plays
 * the scripted build (the failing one for a build that fails) paced from
 * its start and stretched to last as long as Skaffold's build is to last,
 * the rest at once if Skaffold's build ends sooner. Listeners of the
 * history get every start and end as they happen (generation numbers).
 * The last DL_MAX builds are kept. Shared under a mutex. Only with
 * --buildkit-dev-loop. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "sim/bk_sim.h"

#define DL_MAX 64

typedef struct dl_build {
    char ref[26], image[200], artifact[160];
    int64_t t0, t1;            /* ns; t1 = 0 while running */
    unsigned expect_ms;        /* how long Skaffold's build is to last (0: unknown) */
    bool fails, ok;
    uint64_t gen_start, gen_end;
} dl_build_t;

static struct {
    pthread_mutex_t mu;
    dl_build_t b[DL_MAX];
    size_t n;
    uint64_t gen;
    unsigned count;
} dl = {.mu = PTHREAD_MUTEX_INITIALIZER};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A ref in BuildKit's form (25 characters of base36), the nth of the run. */
static void make_ref(char *out, unsigned n)
{
    uint64_t h = 0xcbf29ce484222325ull ^ (n * 0x9E3779B97F4A7C15ull);
    for (int i = 0; i < 25; i++) {
        h ^= h >> 29, h *= 0xbf58476d1ce4e5b9ull, h ^= h >> 32;
        out[i] = "0123456789abcdefghijklmnopqrstuvwxyz"[h % 36];
    }
    out[25] = 0;
}

void sim_bk_build_started(const char *artifact, const char *tag, bool fails, unsigned expect_ms)
{
    if (!sim_bk_opts.dev_loop)
        return;
    pthread_mutex_lock(&dl.mu);
    if (dl.n == DL_MAX)
        memmove(dl.b, dl.b + 1, --dl.n * sizeof dl.b[0]);
    dl_build_t *b = &dl.b[dl.n++];
    memset(b, 0, sizeof *b);
    make_ref(b->ref, dl.count++);
    snprintf(b->artifact, sizeof b->artifact, "%s", artifact);
    snprintf(b->image, sizeof b->image, "%s%s", strchr(tag, '/') ? "" : "docker.io/library/", tag);
    b->t0 = now_ns();
    b->fails = fails;
    b->expect_ms = expect_ms;
    b->gen_start = ++dl.gen;
    pthread_mutex_unlock(&dl.mu);
}

void sim_bk_build_ended(const char *artifact, bool ok)
{
    pthread_mutex_lock(&dl.mu);
    for (size_t i = dl.n; i-- > 0;) {
        dl_build_t *b = &dl.b[i];
        if (!b->t1 && !strcmp(b->artifact, artifact)) {
            b->t1 = now_ns();
            b->ok = ok;
            b->gen_end = ++dl.gen;
            break;
        }
    }
    pthread_mutex_unlock(&dl.mu);
}

static const dl_build_t *find(const char *ref)
{
    for (size_t i = 0; i < dl.n; i++)
        if (!strcmp(dl.b[i].ref, ref))
            return &dl.b[i];
    return NULL;
}

bool sim_bk_devloop_build(const char *ref, sim_bk_devloop_t *out)
{
    pthread_mutex_lock(&dl.mu);
    const dl_build_t *b = find(ref);
    if (b) {
        *out = (sim_bk_devloop_t){b->t0, b->t1, b->expect_ms, b->fails, b->t1 != 0, b->ok, ""};
        snprintf(out->image, sizeof out->image, "%s", b->image);
    }
    pthread_mutex_unlock(&dl.mu);
    return b != NULL;
}

static Moby__Buildkit__V1__BuildHistoryEvent *event(arena_t *a, const dl_build_t *b, bool complete)
{
    int type = complete ? MOBY__BUILDKIT__V1__BUILD_HISTORY_EVENT_TYPE__COMPLETE
                        : MOBY__BUILDKIT__V1__BUILD_HISTORY_EVENT_TYPE__STARTED;
    sim_bk_hist_t h = {.ref = arena_strndup(a, b->ref, strlen(b->ref)), .image = arena_strndup(a, b->image, strlen(b->image)),
                       .created_ns = b->t0, .completed_ns = complete ? b->t1 : 0, .cached = 2, .total = 12,
                       .done = complete ? (b->ok ? 12 : 10) : 0};
    if (complete && !b->ok)
        h.error = b->fails ? "process \"/bin/sh -c go build -o /out/app ./cmd/app\" did not complete successfully: "
                             "exit code: 1"
                           : "context canceled";
    return sim_bk_hist_event(a, type, &h);
}

size_t sim_bk_devloop_events(arena_t *a, bool first, uint64_t *gen, Moby__Buildkit__V1__BuildHistoryEvent ***out)
{
    pthread_mutex_lock(&dl.mu);
    if (!first && *gen == dl.gen) { /* nothing new: no allocation either (polled) */
        pthread_mutex_unlock(&dl.mu);
        return 0;
    }
    Moby__Buildkit__V1__BuildHistoryEvent **ev = arena_alloc(a, (2 * dl.n + 1) * sizeof *ev);
    size_t n = 0;
    for (uint64_t g = *gen + 1; !first && g <= dl.gen; g++) /* live: in the order they happened */
        for (size_t i = 0; i < dl.n; i++)
            if (dl.b[i].gen_start == g || dl.b[i].gen_end == g)
                ev[n++] = event(a, &dl.b[i], dl.b[i].gen_end == g);
    for (size_t i = 0; first && i < dl.n; i++) /* the first answer: each build as it stands */
        ev[n++] = event(a, &dl.b[i], dl.b[i].t1 != 0);
    *gen = dl.gen;
    pthread_mutex_unlock(&dl.mu);
    *out = ev;
    return n;
}
