/* The simulator's BuildKit data: a scripted multi-stage Dockerfile build
 * (as the dockerfile frontend names its vertexes), its failing variant, a
 * build with a 5 MiB message, the build history, the workers and the cache
 * records. Digests and refs are made up in BuildKit's formats. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/bk_sim.h"

#define MS 1000000LL

/* ---- message builders -------------------------------------------------- */

typedef struct script {
    arena_t *a;
    int64_t t0;
    unsigned scale;          /* percent: times in messages follow the paced clock */
    sim_bk_step_t *steps;
    size_t n, cap;
} script_t;

static void *zalloc(arena_t *a, size_t n)
{
    void *p = arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

static Google__Protobuf__Timestamp *ts(script_t *s, int64_t at_ms)
{
    Google__Protobuf__Timestamp *t = zalloc(s->a, sizeof *t);
    google__protobuf__timestamp__init(t);
    int64_t ns = s->t0 + at_ms * MS * s->scale / 100;
    t->seconds = ns / 1000000000LL;
    t->nanos = (int32_t)(ns % 1000000000LL);
    return t;
}

/* The message sent at at_ms (a new step, or the last one if at the same time). */
static Moby__Buildkit__V1__StatusResponse *msg_at(script_t *s, unsigned at_ms)
{
    if (s->n && s->steps[s->n - 1].at_ms == at_ms)
        return s->steps[s->n - 1].msg;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        sim_bk_step_t *ns = arena_alloc(s->a, s->cap * sizeof *ns);
        if (s->n)
            memcpy(ns, s->steps, s->n * sizeof *ns);
        s->steps = ns;
    }
    Moby__Buildkit__V1__StatusResponse *m = zalloc(s->a, sizeof *m);
    moby__buildkit__v1__status_response__init(m);
    s->steps[s->n++] = (sim_bk_step_t){at_ms, m};
    return m;
}

/* Appends p to the repeated field (arr, n) of a message in the arena. */
static void push(arena_t *a, void ***arr, size_t *n, void *p)
{
    void **na = arena_alloc(a, (*n + 1) * sizeof *na);
    if (*n)
        memcpy(na, *arr, *n * sizeof *na);
    na[(*n)++] = p;
    *arr = na;
}

#define PUSH(a, msg, field, p) push((a), (void ***)&(msg)->field, &(msg)->n_##field, (p))

typedef struct vdef {
    const char *digest, *name;
    int input;               /* index of its input, -1 = none */
} vdef_t;

static const vdef_t vertexes[] = {
    {"sha256:3d1b1c5ef5e4a1e4b1d0c6f7e0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1", "[internal] load build definition from Dockerfile", -1},
    {"sha256:5c0f7d1e2b3a4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5", "[internal] load metadata for docker.io/library/golang:1.22", -1},
    {"sha256:7e8f9a0b1c2d3e4f5061728394a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d", "[internal] load metadata for docker.io/library/alpine:3.19", -1},
    {"sha256:9a8b7c6d5e4f30211203f4e5d6c7b8a9f0e1d2c3b4a5968778695a4b3c2d1e0f", "[internal] load .dockerignore", -1},
    {"sha256:a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90", "[builder 1/4] FROM docker.io/library/golang:1.22@sha256:f43c6f049f04cbbaeb28f0aad3eea15274a7d0a7899a617d0037aec48d7ab010", -1},
    {"sha256:b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1", "[internal] load build context", -1},
    {"sha256:c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2", "[builder 2/4] WORKDIR /src", 4},
    {"sha256:d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3", "[builder 3/4] COPY . .", 6},
    {"sha256:e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4", "[builder 4/4] RUN go build -o /out/app ./cmd/app", 7},
    {"sha256:f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5", "[stage-1 1/2] FROM docker.io/library/alpine:3.19@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b", -1},
    {"sha256:0718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6", "[stage-1 2/2] COPY --from=builder /out/app /app", 9},
    {"sha256:18293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f607", "exporting to image", 10},
};
enum { V_DEF, V_META_GO, V_META_ALPINE, V_IGNORE, V_FROM_GO, V_CONTEXT, V_WORKDIR, V_COPY, V_RUN,
       V_FROM_ALPINE, V_COPY_FROM, V_EXPORT, V__COUNT };

/* started/completed in ms, -1 = not set. */
static void vertex(script_t *s, unsigned at, int v, int started, int completed, int cached, const char *error)
{
    Moby__Buildkit__V1__Vertex *x = zalloc(s->a, sizeof *x);
    moby__buildkit__v1__vertex__init(x);
    x->digest = (char *)vertexes[v].digest;
    x->name = (char *)vertexes[v].name;
    if (vertexes[v].input >= 0) {
        x->n_inputs = 1;
        x->inputs = arena_alloc(s->a, sizeof *x->inputs);
        x->inputs[0] = (char *)vertexes[vertexes[v].input].digest;
    }
    x->started = started >= 0 ? ts(s, started) : NULL;
    x->completed = completed >= 0 ? ts(s, completed) : NULL;
    x->cached = cached;
    if (error)
        x->error = (char *)error;
    Moby__Buildkit__V1__StatusResponse *m = msg_at(s, at);
    PUSH(s->a, m, vertexes, x);
}

static void status(script_t *s, unsigned at, int v, const char *id, int64_t cur, int64_t total, int started,
                   int completed)
{
    Moby__Buildkit__V1__VertexStatus *x = zalloc(s->a, sizeof *x);
    moby__buildkit__v1__vertex_status__init(x);
    x->id = (char *)id;
    x->vertex = (char *)vertexes[v].digest;
    x->current = cur;
    x->total = total;
    x->timestamp = ts(s, at);
    x->started = ts(s, started);
    x->completed = completed >= 0 ? ts(s, completed) : NULL;
    Moby__Buildkit__V1__StatusResponse *m = msg_at(s, at);
    PUSH(s->a, m, statuses, x);
}

static void log_chunk(script_t *s, unsigned at, int v, const char *bytes, size_t n)
{
    Moby__Buildkit__V1__VertexLog *x = zalloc(s->a, sizeof *x);
    moby__buildkit__v1__vertex_log__init(x);
    x->vertex = v >= 0 ? (char *)vertexes[v].digest : "";
    x->timestamp = ts(s, at);
    x->stream = 1;
    x->msg.data = (uint8_t *)bytes;
    x->msg.len = n;
    Moby__Buildkit__V1__StatusResponse *m = msg_at(s, at);
    PUSH(s->a, m, logs, x);
}

#define LOG(s, at, v, lit) log_chunk((s), (at), (v), (lit), sizeof(lit) - 1)

static void warning(script_t *s, unsigned at, int v)
{
    static const char shrt[] = "FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)";
    static const char detail[] = "The 'as' keyword should match the case of the 'from' keyword";
    Moby__Buildkit__V1__VertexWarning *w = zalloc(s->a, sizeof *w);
    moby__buildkit__v1__vertex_warning__init(w);
    w->vertex = (char *)vertexes[v].digest;
    w->level = 1;
    w->short_ = (ProtobufCBinaryData){sizeof shrt - 1, (uint8_t *)shrt};
    w->n_detail = 1;
    w->detail = arena_alloc(s->a, sizeof *w->detail);
    w->detail[0] = (ProtobufCBinaryData){sizeof detail - 1, (uint8_t *)detail};
    w->url = "https://docs.docker.com/go/dockerfile/rule/from-as-casing/";
    Moby__Buildkit__V1__StatusResponse *m = msg_at(s, at);
    PUSH(s->a, m, warnings, w);
}

/* ---- the builds ------------------------------------------------------------ */

/* Everything up to the RUN step, shared by both variants. */
static void build_start(script_t *s)
{
    for (int v = 0; v < V__COUNT; v++)
        vertex(s, 0, v, -1, -1, 0, NULL); /* the whole graph first, as the solver sends it */
    vertex(s, 10, V_DEF, 10, -1, 0, NULL);
    status(s, 30, V_DEF, "transferring dockerfile:", 1234, 0, 10, 30);
    vertex(s, 40, V_DEF, 10, 40, 0, NULL);
    warning(s, 40, V_DEF);
    vertex(s, 50, V_META_GO, 50, -1, 0, NULL);
    vertex(s, 50, V_META_ALPINE, 50, -1, 0, NULL);
    vertex(s, 60, V_IGNORE, 60, -1, 0, NULL);
    status(s, 70, V_IGNORE, "transferring context:", 2, 0, 60, 70);
    vertex(s, 80, V_IGNORE, 60, 80, 0, NULL);
    vertex(s, 650, V_META_ALPINE, 50, 650, 0, NULL);
    vertex(s, 700, V_META_GO, 50, 700, 0, NULL);
    vertex(s, 710, V_FROM_GO, 710, 710, 1, NULL);
    vertex(s, 710, V_FROM_ALPINE, 710, -1, 0, NULL);
    status(s, 720, V_FROM_ALPINE, "resolve docker.io/library/alpine:3.19@sha256:c5b1261d", 0, 0, 720, 730);
    vertex(s, 720, V_CONTEXT, 720, -1, 0, NULL);
    status(s, 760, V_CONTEXT, "transferring context:", 512000, 0, 720, -1);
    status(s, 800, V_FROM_ALPINE, "sha256:4abcf20661432fb2d719aaf90656f55c287f8ca915dc1c92ec14ff61e67fbaf8", 1230000, 3410000, 740, -1);
    status(s, 840, V_CONTEXT, "transferring context:", 1600000, 0, 720, -1);
    status(s, 890, V_CONTEXT, "transferring context:", 2350000, 0, 720, 890);
    vertex(s, 900, V_CONTEXT, 720, 900, 0, NULL);
    vertex(s, 910, V_WORKDIR, 910, 910, 1, NULL);
    vertex(s, 910, V_COPY, 910, -1, 0, NULL);
    status(s, 950, V_FROM_ALPINE, "sha256:4abcf20661432fb2d719aaf90656f55c287f8ca915dc1c92ec14ff61e67fbaf8", 3410000, 3410000, 740, 950);
    vertex(s, 1000, V_COPY, 910, 1000, 0, NULL);
    vertex(s, 1000, V_RUN, 1000, -1, 0, NULL);
    /* Chunks cut mid-line and inside multi-byte characters, as a pipe cuts. */
    LOG(s, 1100, V_RUN, "go: downloading github.com/spf13/cobra v1.8.0\ngo: downloading golang.org/x/sy");
    LOG(s, 1150, V_RUN, "s v0.20.0\ngo: downloading github.com/rs/zerolog v1.32.0\n");
}

static void build_ok(script_t *s)
{
    build_start(s);
    status(s, 1200, V_FROM_ALPINE, "extracting sha256:4abcf20661432fb2d719aaf90656f55c287f8ca915dc1c92ec14ff61e67fbaf8", 0, 0, 1200, 1480);
    vertex(s, 1500, V_FROM_ALPINE, 710, 1500, 0, NULL);
    LOG(s, 1600, V_RUN, "compiling 1/3\rcompiling 2/3\r");
    LOG(s, 1900, V_RUN, "compiling 3/3\n\xE2\x9C");
    LOG(s, 2100, V_RUN, "\x93 built /out/app (8.1 MB) \xF0\x9F\x9A");
    LOG(s, 2300, V_RUN, "\x80 caf\xC3\xA9\n");
    vertex(s, 2400, V_RUN, 1000, 2400, 0, NULL);
    vertex(s, 2400, V_COPY_FROM, 2400, -1, 0, NULL);
    vertex(s, 2450, V_COPY_FROM, 2400, 2450, 0, NULL);
    vertex(s, 2450, V_EXPORT, 2450, -1, 0, NULL);
    status(s, 2450, V_EXPORT, "exporting layers", 0, 0, 2450, -1);
    status(s, 2600, V_EXPORT, "exporting layers", 0, 0, 2450, 2600);
    status(s, 2610, V_EXPORT, "writing image sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 0, 0, 2600, 2610);
    status(s, 2615, V_EXPORT, "naming to docker.io/library/app:dev", 0, 0, 2610, 2615);
    vertex(s, 2620, V_EXPORT, 2450, 2620, 0, NULL);
}

static void build_fail(script_t *s)
{
    build_start(s);
    LOG(s, 1200, V_RUN, "# example.com/app/cmd/app\n./cmd/app/main.go:12:2: undefined: cfg.Lo");
    LOG(s, 1250, V_RUN, "ad\n\xE2\x9C");
    LOG(s, 1300, V_RUN, "\x97 build failed: 1 error (caf\xC3");
    LOG(s, 1310, V_RUN, "\xA9)\n");
    vertex(s, 1320, V_RUN, 1000, 1320, 0,
           "process \"/bin/sh -c go build -o /out/app ./cmd/app\" did not complete successfully: exit code: 1");
    vertex(s, 1320, V_FROM_ALPINE, 710, 1320, 0, "context canceled");
}

/* One vertex whose log is a single 5 MiB chunk (over gRPC's 4 MiB default). */
static void build_big(script_t *s)
{
    static const char digest[] = "sha256:b16b16b16b16b16b16b16b16b16b16b16b16b16b16b16b16b16b16b16b16b1";
    const size_t line = 64, lines = (5u << 20) / 64;
    char *data = arena_alloc(s->a, line * lines);
    for (size_t i = 0; i < lines; i++) {
        char *p = data + i * line;
        int n = snprintf(p, line, "big log line %06zu ", i);
        memset(p + n, 'x', line - 1 - (size_t)n);
        p[line - 1] = '\n';
    }
    Moby__Buildkit__V1__Vertex *v = zalloc(s->a, sizeof *v);
    moby__buildkit__v1__vertex__init(v);
    v->digest = (char *)digest;
    v->name = "[1/1] RUN seq-big";
    v->started = ts(s, 0);
    push(s->a, (void ***)&msg_at(s, 0)->vertexes, &msg_at(s, 0)->n_vertexes, v);
    Moby__Buildkit__V1__VertexLog *l = zalloc(s->a, sizeof *l);
    moby__buildkit__v1__vertex_log__init(l);
    l->vertex = (char *)digest;
    l->timestamp = ts(s, 10);
    l->stream = 1;
    l->msg = (ProtobufCBinaryData){line * lines, (uint8_t *)data};
    PUSH(s->a, msg_at(s, 10), logs, l);
    Moby__Buildkit__V1__Vertex *done = zalloc(s->a, sizeof *done);
    *done = *v;
    done->completed = ts(s, 500);
    PUSH(s->a, msg_at(s, 500), vertexes, done);
}

/* Many small messages at once: more than the client's hand-over queue holds,
 * so its flow control (stop reading, resume when drained) runs. */
static void build_flood(script_t *s)
{
    static const char digest[] = "sha256:f100df100df100df100df100df100df100df100df100df100df100df100d";
    Moby__Buildkit__V1__Vertex *v = zalloc(s->a, sizeof *v);
    moby__buildkit__v1__vertex__init(v);
    v->digest = (char *)digest;
    v->name = "[1/1] RUN yes | head -n 20000";
    v->started = ts(s, 0);
    PUSH(s->a, msg_at(s, 0), vertexes, v);
    for (unsigned i = 0; i < SIM_BK_FLOOD_LINES; i++) {
        char *line = arena_alloc(s->a, 32);
        int n = snprintf(line, 32, "line %05u\n", i);
        log_chunk(s, 1 + i, -1, line, (size_t)n);
        s->steps[s->n - 1].msg->logs[0]->vertex = (char *)digest;
    }
    Moby__Buildkit__V1__Vertex *done = zalloc(s->a, sizeof *done);
    *done = *v;
    done->completed = ts(s, 1 + SIM_BK_FLOOD_LINES);
    PUSH(s->a, msg_at(s, 1 + SIM_BK_FLOOD_LINES), vertexes, done);
}

size_t sim_bk_script(arena_t *a, const char *ref, int64_t t0, unsigned scale, sim_bk_step_t **out)
{
    script_t s = {.a = a, .t0 = t0, .scale = scale};
    if (!strcmp(ref, SIM_BK_REF_OK) || !strcmp(ref, SIM_BK_REF_LIVE))
        build_ok(&s);
    else if (!strcmp(ref, SIM_BK_REF_FAIL))
        build_fail(&s);
    else if (!strcmp(ref, SIM_BK_REF_BIG))
        build_big(&s);
    else if (!strcmp(ref, SIM_BK_REF_FLOOD))
        build_flood(&s);
    *out = s.steps;
    return s.n;
}

/* ---- history, workers, version --------------------------------------------- */

#define HIST_T0 1714557600LL /* 2024-05-01T10:00:00Z */

static Google__Protobuf__Timestamp *secs(arena_t *a, int64_t s)
{
    Google__Protobuf__Timestamp *t = zalloc(a, sizeof *t);
    google__protobuf__timestamp__init(t);
    t->seconds = s;
    return t;
}

Google__Protobuf__Timestamp *sim_bk_ts(arena_t *a, int64_t ns)
{
    Google__Protobuf__Timestamp *t = secs(a, ns / 1000000000LL);
    t->nanos = (int32_t)(ns % 1000000000LL);
    return t;
}

/* The map entries a record holds: key and value, each its own type. */
#define ENTRY(T, init) \
    static T *init##_kv(arena_t *a, const char *k, const char *v) \
    { \
        T *e = zalloc(a, sizeof *e); \
        init(e); \
        e->key = (char *)k; \
        e->value = (char *)v; \
        return e; \
    }
ENTRY(Moby__Buildkit__V1__Exporter__AttrsEntry, moby__buildkit__v1__exporter__attrs_entry__init)
ENTRY(Moby__Buildkit__V1__BuildHistoryRecord__ExporterResponseEntry,
      moby__buildkit__v1__build_history_record__exporter_response_entry__init)
ENTRY(Moby__Buildkit__V1__BuildHistoryRecord__FrontendAttrsEntry,
      moby__buildkit__v1__build_history_record__frontend_attrs_entry__init)

/* The moby exporter Docker's daemon uses for an image build, named; once
 * complete, its response names the image and its digest. */
static void exported(arena_t *a, Moby__Buildkit__V1__BuildHistoryRecord *r, const char *image)
{
    Moby__Buildkit__V1__Exporter *x = zalloc(a, sizeof *x);
    moby__buildkit__v1__exporter__init(x);
    x->type = "moby";
    PUSH(a, x, attrs, moby__buildkit__v1__exporter__attrs_entry__init_kv(a, "name", image));
    PUSH(a, r, exporters, x);
    if (!r->completedat)
        return;
    PUSH(a, r, exporterresponse, moby__buildkit__v1__build_history_record__exporter_response_entry__init_kv(
                                     a, "image.name", image));
    PUSH(a, r, exporterresponse, moby__buildkit__v1__build_history_record__exporter_response_entry__init_kv(
                                     a, "containerimage.digest",
                                     "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"));
}

Moby__Buildkit__V1__BuildHistoryEvent *sim_bk_hist_event(arena_t *a, int type, const sim_bk_hist_t *h)
{
    Moby__Buildkit__V1__BuildHistoryRecord *r = zalloc(a, sizeof *r);
    moby__buildkit__v1__build_history_record__init(r);
    r->ref = (char *)h->ref;
    r->frontend = "dockerfile.v0";
    PUSH(a, r, frontendattrs, moby__buildkit__v1__build_history_record__frontend_attrs_entry__init_kv(
                                  a, "filename", "Dockerfile"));
    r->createdat = sim_bk_ts(a, h->created_ns);
    r->completedat = h->completed_ns ? sim_bk_ts(a, h->completed_ns) : NULL;
    r->numcachedsteps = h->cached;
    r->numtotalsteps = h->total;
    r->numcompletedsteps = h->done;
    r->numwarnings = 1;
    if (h->image)
        exported(a, r, h->image);
    if (h->error) {
        r->error = zalloc(a, sizeof *r->error);
        moby__buildkit__v1__rpc_status__init(r->error);
        r->error->code = 2;
        r->error->message = (char *)h->error;
    }
    Moby__Buildkit__V1__BuildHistoryEvent *ev = zalloc(a, sizeof *ev);
    moby__buildkit__v1__build_history_event__init(ev);
    ev->type = type;
    ev->record = r;
    return ev;
}

static Moby__Buildkit__V1__BuildHistoryEvent *hist_event(arena_t *a, int type, const char *ref, int64_t created,
                                                        int64_t completed, int cached, int total, int done,
                                                        const char *error)
{
    sim_bk_hist_t h = {ref, NULL, error, created * 1000000000LL, completed * 1000000000LL, cached, total, done};
    return sim_bk_hist_event(a, type, &h);
}

size_t sim_bk_history(arena_t *a, Moby__Buildkit__V1__BuildHistoryEvent ***out)
{
    Moby__Buildkit__V1__BuildHistoryEvent **ev = arena_alloc(a, 4 * sizeof *ev);
    if (sim_bk_opts.dev_loop) /* Skaffold's builds are the running ones */
        ev[0] = hist_event(a, MOBY__BUILDKIT__V1__BUILD_HISTORY_EVENT_TYPE__COMPLETE, SIM_BK_REF_LIVE,
                           HIST_T0 + 7200, HIST_T0 + 7203, 2, 12, 12, NULL);
    else
        ev[0] = hist_event(a, MOBY__BUILDKIT__V1__BUILD_HISTORY_EVENT_TYPE__STARTED, SIM_BK_REF_LIVE,
                           HIST_T0 + 7200, 0, 2, 12, 7, NULL);
    ev[1] = hist_event(a, MOBY__BUILDKIT__V1__BUILD_HISTORY_EVENT_TYPE__COMPLETE, SIM_BK_REF_OK, HIST_T0,
                       HIST_T0 + 3, 2, 12, 12, NULL);
    ev[2] = hist_event(a, MOBY__BUILDKIT__V1__BUILD_HISTORY_EVENT_TYPE__COMPLETE, SIM_BK_REF_FAIL,
                       HIST_T0 + 3600, HIST_T0 + 3602, 2, 12, 10,
                       "process \"/bin/sh -c go build -o /out/app ./cmd/app\" did not complete successfully: exit code: 1");
    ev[3] = hist_event(a, MOBY__BUILDKIT__V1__BUILD_HISTORY_EVENT_TYPE__COMPLETE, SIM_BK_REF_BIG,
                       HIST_T0 + 5400, HIST_T0 + 5401, 0, 1, 1, NULL);
    *out = ev;
    return 4;
}

Moby__Buildkit__V1__Types__BuildkitVersion *sim_bk_version(arena_t *a)
{
    Moby__Buildkit__V1__Types__BuildkitVersion *v = zalloc(a, sizeof *v);
    moby__buildkit__v1__types__buildkit_version__init(v);
    v->package = "github.com/moby/buildkit";
    v->version = "v0.13.2";
    v->revision = "2f7ef3dfd5f3bc32a1e4fa3d6d1a0b5bc22a3d1e";
    return v;
}

static Pb__Platform *platform(arena_t *a, const char *arch, const char *variant)
{
    Pb__Platform *p = zalloc(a, sizeof *p);
    pb__platform__init(p);
    p->architecture = (char *)arch;
    p->os = "linux";
    if (variant)
        p->variant = (char *)variant;
    return p;
}

static Moby__Buildkit__V1__Types__GCPolicy *gc(arena_t *a, bool all, int64_t keep_ns, int64_t bytes, const char *filter)
{
    Moby__Buildkit__V1__Types__GCPolicy *g = zalloc(a, sizeof *g);
    moby__buildkit__v1__types__gcpolicy__init(g);
    g->all = all;
    g->keepduration = keep_ns;
    g->reservedspace = bytes;
    if (filter)
        PUSH(a, g, filters, (char *)filter);
    return g;
}

Moby__Buildkit__V1__ListWorkersResponse *sim_bk_workers(arena_t *a, bool old)
{
    static const char *const labels[][2] = {
        {"org.mobyproject.buildkit.worker.executor", "oci"},
        {"org.mobyproject.buildkit.worker.hostname", "buildkitsandbox"},
        {"org.mobyproject.buildkit.worker.network", "host"},
        {"org.mobyproject.buildkit.worker.snapshotter", "overlayfs"},
    };
    Moby__Buildkit__V1__Types__WorkerRecord *w = zalloc(a, sizeof *w);
    moby__buildkit__v1__types__worker_record__init(w);
    w->id = "qmd3uatakr1bzl5xsmg9ebkd4";
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        Moby__Buildkit__V1__Types__WorkerRecord__LabelsEntry *e = zalloc(a, sizeof *e);
        moby__buildkit__v1__types__worker_record__labels_entry__init(e);
        e->key = (char *)labels[i][0];
        e->value = (char *)labels[i][1];
        PUSH(a, w, labels, e);
    }
    PUSH(a, w, platforms, platform(a, "amd64", NULL));
    PUSH(a, w, platforms, platform(a, "amd64", "v2"));
    PUSH(a, w, platforms, platform(a, "386", NULL));
    PUSH(a, w, gcpolicy, gc(a, false, 48 * 3600 * 1000000000LL, 10000000000LL, "type==source.local"));
    PUSH(a, w, gcpolicy, gc(a, true, 0, 20000000000LL, NULL));
    if (!old)
        w->buildkitversion = sim_bk_version(a);
    Moby__Buildkit__V1__ListWorkersResponse *r = zalloc(a, sizeof *r);
    moby__buildkit__v1__list_workers_response__init(r);
    PUSH(a, r, record, w);
    return r;
}
