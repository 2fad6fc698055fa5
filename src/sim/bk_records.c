/* The simulator's build cache: records as DiskUsage reports them, and Prune
 * with BuildKit's rules in small: records in use are never removed; without
 * "all", internal and frontend records stay; keep-duration keeps what was
 * used recently; keep-bytes (reservedSpace, the old keepBytes) removes the
 * least recently used until the rest fits; filters "type==T", "id==ID" and
 * "description~=TEXT" select. Shared by the call threads under a mutex. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "sim/bk_sim.h"

typedef struct rec {
    const char *id, *type, *desc;
    int64_t size;
    bool in_use, shared, mutable_, gone;
    int age_s;               /* last used this long ago; -1 = never */
    int usage;
} rec_t;

static rec_t recs[] = {
    {"yx3ae2ihd8jdhdc1wcj5b76ap", "exec.cachemount", "mount /root/.cache/go-build from exec /bin/sh -c go build -o /out/app ./cmd/app", 412000000, false, false, true, false, 300, 14},
    {"kq0djl2c1wgpvbx2fv5z7d4n3", "regular", "pulled from docker.io/library/golang:1.22@sha256:f43c6f049f04cbbaeb28f0aad3eea15274a7d0a7899a617d0037aec48d7ab010", 278000000, false, true, false, false, 300, 9},
    {"p4n6q8s0u2w4y6a8c0e2g4i6k", "regular", "[builder 4/4] RUN go build -o /out/app ./cmd/app", 96000000, false, false, false, false, 86400 * 3, 1},
    {"h9j1l3n5p7r9t1v3x5z7b9d1f", "source.local", "local source for context", 2350000, true, false, true, false, 5, 21},
    {"c5e7g9i1k3m5o7q9s1u3w5y7a", "regular", "pulled from docker.io/library/alpine:3.19@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b", 3410000, false, true, false, false, 600, 6},
    {"r2t4v6x8z0b2d4f6h8j0l2n4p", "frontend", "load build definition from Dockerfile", 1234, false, false, true, false, 5, 21},
    {"s1u3w5y7a9c1e3g5i7k9m1o3q", "internal", "local source for dockerfile", 4096, false, false, true, false, -1, 0},
    {"g8i0k2m4o6q8s0u2w4y6a8c0e", "source.git.checkout", "git snapshot for https://github.com/example/app.git#main", 18400000, false, false, false, false, 86400 * 30, 2},
};
#define N_RECS (sizeof recs / sizeof recs[0])

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static Google__Protobuf__Timestamp *when(arena_t *a, int64_t secs)
{
    Google__Protobuf__Timestamp *t = arena_alloc(a, sizeof *t);
    google__protobuf__timestamp__init(t);
    t->seconds = secs;
    return t;
}

static Moby__Buildkit__V1__UsageRecord *to_msg(arena_t *a, const rec_t *r, int64_t now)
{
    Moby__Buildkit__V1__UsageRecord *m = arena_alloc(a, sizeof *m);
    moby__buildkit__v1__usage_record__init(m);
    m->id = (char *)r->id;
    m->recordtype = (char *)r->type;
    m->description = (char *)r->desc;
    m->size = r->size;
    m->inuse = r->in_use;
    m->shared = r->shared;
    m->mutable_ = r->mutable_;
    m->usagecount = r->usage;
    m->createdat = when(a, now - 86400 * 40);
    m->lastusedat = r->age_s >= 0 ? when(a, now - r->age_s) : NULL;
    return m;
}

size_t sim_bk_records(arena_t *a, Moby__Buildkit__V1__UsageRecord ***out)
{
    int64_t now = (int64_t)time(NULL);
    Moby__Buildkit__V1__UsageRecord **v = arena_alloc(a, N_RECS * sizeof *v);
    size_t n = 0;
    pthread_mutex_lock(&mu);
    for (size_t i = 0; i < N_RECS; i++)
        if (!recs[i].gone)
            v[n++] = to_msg(a, &recs[i], now);
    pthread_mutex_unlock(&mu);
    *out = v;
    return n;
}

/* One filter: "key==value" or "key~=substring" on type, id, description. */
static bool filter_match(const rec_t *r, const char *f)
{
    const char *op = strstr(f, "==");
    bool sub = false;
    if (!op && (op = strstr(f, "~=")))
        sub = true;
    if (!op)
        return false;
    size_t kl = (size_t)(op - f);
    const char *val = op + 2, *field = NULL;
    if (kl == 4 && !strncmp(f, "type", 4))
        field = r->type;
    else if (kl == 2 && !strncmp(f, "id", 2))
        field = r->id;
    else if (kl == 11 && !strncmp(f, "description", 11))
        field = r->desc;
    if (!field)
        return false;
    return sub ? strstr(field, val) != NULL : !strcmp(field, val);
}

static bool selected(const rec_t *r, const Moby__Buildkit__V1__PruneRequest *req)
{
    if (r->gone || r->in_use)
        return false;
    if (!req->all && (!strcmp(r->type, "internal") || !strcmp(r->type, "frontend")))
        return false;
    if (req->keepduration > 0 && r->age_s >= 0 && (int64_t)r->age_s * 1000000000LL < req->keepduration)
        return false;
    for (size_t i = 0; i < req->n_filter; i++)
        if (!filter_match(r, req->filter[i]))
            return false;
    return true;
}

static int64_t kept_bytes(void)
{
    int64_t sum = 0;
    for (size_t i = 0; i < N_RECS; i++)
        if (!recs[i].gone)
            sum += recs[i].size;
    return sum;
}

/* The selected record used least recently, or NULL. */
static rec_t *oldest_selected(const Moby__Buildkit__V1__PruneRequest *req)
{
    rec_t *best = NULL;
    for (size_t i = 0; i < N_RECS; i++) {
        rec_t *r = &recs[i];
        if (!selected(r, req))
            continue;
        int age = r->age_s < 0 ? 1 << 30 : r->age_s;
        if (!best || age > (best->age_s < 0 ? 1 << 30 : best->age_s))
            best = r;
    }
    return best;
}

size_t sim_bk_prune(arena_t *a, const Moby__Buildkit__V1__PruneRequest *req, Moby__Buildkit__V1__UsageRecord ***out)
{
    int64_t now = (int64_t)time(NULL);
    Moby__Buildkit__V1__UsageRecord **v = arena_alloc(a, N_RECS * sizeof *v);
    size_t n = 0;
    pthread_mutex_lock(&mu);
    rec_t *r;
    while ((req->reservedspace <= 0 || kept_bytes() > req->reservedspace) && (r = oldest_selected(req))) {
        r->gone = true;
        v[n++] = to_msg(a, r, now);
    }
    pthread_mutex_unlock(&mu);
    *out = v;
    return n;
}
