/* Builders of moby.buildkit.v1 messages for the BuildKit unit tests. The
 * digests, names and times are hand-made but shaped like a real Dockerfile
 * build's (sha256 digests, [stage n/m] names, nanosecond timestamps). */
#ifndef SKVIEW_TEST_BK_FIXTURE_H
#define SKVIEW_TEST_BK_FIXTURE_H

#include <string.h>
#include "buildkit/control.pb-c.h"
#include "core/arena.h"

#define T0 1714557600LL /* 2024-05-01T10:00:00Z */
#define D1 "sha256:5d3bd3b5e0b1a7e0f2bb59e0bfa6e3b3c7f3f4e6a2d1c0b9a8f7e6d5c4b3a291"
#define D2 "sha256:8a1e2f4c6b9d0e3a5c7b9d1f3e5a7c9b0d2f4e6a8c0b2d4f6e8a0c2b4d6f8e01"
#define D3 "sha256:c0ffee1234567890abcdef1234567890abcdef1234567890abcdef1234567890"
#define D4 "sha256:0bad1dea7e57c0de5eed0f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e"

static arena_t fx_arena __attribute__((unused));

static inline Google__Protobuf__Timestamp *fx_ts(double secs_after_t0)
{
    if (secs_after_t0 < 0)
        return NULL;
    Google__Protobuf__Timestamp *t = arena_alloc(&fx_arena, sizeof *t);
    google__protobuf__timestamp__init(t);
    t->seconds = T0 + (int64_t)secs_after_t0;
    t->nanos = (int32_t)((secs_after_t0 - (double)(int64_t)secs_after_t0) * 1e9 + 0.5);
    return t;
}

/* started/completed < 0: not set. */
static inline Moby__Buildkit__V1__Vertex *fx_vertex(const char *digest, const char *name, double started,
                                             double completed, int cached, const char *error)
{
    Moby__Buildkit__V1__Vertex *v = arena_alloc(&fx_arena, sizeof *v);
    moby__buildkit__v1__vertex__init(v);
    v->digest = (char *)digest;
    v->name = (char *)name;
    v->started = fx_ts(started);
    v->completed = fx_ts(completed);
    v->cached = cached;
    if (error)
        v->error = (char *)error;
    return v;
}

static inline Moby__Buildkit__V1__VertexStatus *fx_status(const char *vertex, const char *id, int64_t cur,
                                                   int64_t total, double started, double completed)
{
    Moby__Buildkit__V1__VertexStatus *s = arena_alloc(&fx_arena, sizeof *s);
    moby__buildkit__v1__vertex_status__init(s);
    s->vertex = (char *)vertex;
    s->id = (char *)id;
    s->current = cur;
    s->total = total;
    s->timestamp = fx_ts(completed >= 0 ? completed : started);
    s->started = fx_ts(started);
    s->completed = fx_ts(completed);
    return s;
}

static inline Moby__Buildkit__V1__VertexLog *fx_log(const char *vertex, const char *bytes, size_t n)
{
    Moby__Buildkit__V1__VertexLog *l = arena_alloc(&fx_arena, sizeof *l);
    moby__buildkit__v1__vertex_log__init(l);
    l->vertex = (char *)vertex;
    l->timestamp = fx_ts(1);
    l->stream = 1;
    l->msg.data = (uint8_t *)bytes;
    l->msg.len = n;
    return l;
}

/* A StatusResponse holding what is given (any count may be 0). */
static inline Moby__Buildkit__V1__StatusResponse *fx_resp(size_t nv, Moby__Buildkit__V1__Vertex **v, size_t ns,
                                                   Moby__Buildkit__V1__VertexStatus **s, size_t nl,
                                                   Moby__Buildkit__V1__VertexLog **l)
{
    Moby__Buildkit__V1__StatusResponse *r = arena_alloc(&fx_arena, sizeof *r);
    moby__buildkit__v1__status_response__init(r);
    r->n_vertexes = nv;
    r->vertexes = v;
    r->n_statuses = ns;
    r->statuses = s;
    r->n_logs = nl;
    r->logs = l;
    return r;
}

#endif
