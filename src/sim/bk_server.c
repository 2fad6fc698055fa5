/* skview-sim's moby.buildkit.v1.Control server; see bk_sim.h.
 *
 * One thread waits on the notification queue for requested calls. Each
 * armed request has its own completion queue bound to the call it will
 * receive; when a call arrives, a worker thread takes the call and its queue
 * and runs the handler as plain sequential code (send, pause, finish). A
 * pause is a wait on that queue with a deadline, so a client that cancels
 * (RECV_CLOSE_ON_SERVER completes) ends the handler at once. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <grpc/support/time.h>
#include "core/xalloc.h"
#include "transport/rpc_int.h"
#include "sim/bk_sim.h"
#include "sim/srv.h"

#define BK_PATH "/moby.buildkit.v1.Control/"

sim_bk_opts_t sim_bk_opts = {.port = -1, .step_ms = 100};

/* BM_UNKNOWN is the generic slot: any method not registered (with
 * --buildkit-old, Info and ListenBuildHistory). gRPC C core leaves such a
 * call waiting until someone asks for unregistered calls, so the simulator
 * asks and answers UNIMPLEMENTED, as a Go gRPC server does. */
typedef enum bk_method { BM_STATUS, BM_DU, BM_PRUNE, BM_WORKERS, BM_INFO, BM_HISTORY, BM__COUNT,
                         BM_UNKNOWN = BM__COUNT } bk_method_t;

static const char *const method_names[BM__COUNT + 1] = {"Status", "DiskUsage", "Prune", "ListWorkers", "Info",
                                                        "ListenBuildHistory", "(unknown)"};

/* An armed request for one method. */
typedef struct bk_req {
    bk_method_t method;
    void *handle;
    srv_slot_t slot;
    grpc_completion_queue *cq;   /* bound to the call it receives */
    grpc_call_details details;   /* BM_UNKNOWN */
} bk_req_t;

/* A call being served by its worker thread. */
typedef struct bk_sc {
    grpc_call *call;
    grpc_completion_queue *cq;
    grpc_byte_buffer *payload;
    bk_method_t method;
    char *path;                  /* BM_UNKNOWN: the method asked for */
    int cancelled;
    bool md_sent, closed;
    arena_t arena;
} bk_sc_t;

static struct {
    grpc_server *server;
    grpc_completion_queue *ncq;
    pthread_t thread;
    bk_req_t reqs[BM__COUNT + 1];
    pthread_mutex_t mu;
    pthread_cond_t cond;
    int workers;                 /* mu */
    bool stopping, started, down; /* mu */
    FILE *calls;                 /* --buildkit-calls-log */
} bk = {.mu = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

static int tag_close, tag_op, tag_shutdown;

/* ---- one call's primitives ----------------------------------------------- */

/* Waits for tag until deadline. 1: it completed with success; 0: it failed;
 * -1: the deadline passed; -2: the client went away first. */
static int wait_tag(bk_sc_t *c, void *tag, gpr_timespec deadline)
{
    for (;;) {
        grpc_event ev = grpc_completion_queue_next(c->cq, deadline, NULL);
        if (ev.type == GRPC_QUEUE_TIMEOUT)
            return -1;
        if (ev.type != GRPC_OP_COMPLETE)
            return 0;
        if (ev.tag == &tag_close) {
            c->closed = true;
            if (tag == &tag_close)
                return 1;
            if (tag == NULL)
                return -2;
            continue; /* an op in flight still completes; wait for it */
        }
        if (ev.tag == tag)
            return ev.success ? 1 : 0;
    }
}

static gpr_timespec in_ms(unsigned ms)
{
    return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis(ms, GPR_TIMESPAN));
}

/* Sleeps ms; false when the client went away meanwhile. */
static bool pause_ms(bk_sc_t *c, unsigned ms)
{
    if (c->closed)
        return false;
    return ms == 0 || wait_tag(c, NULL, in_ms(ms)) == -1;
}

static bool send_msg(bk_sc_t *c, const ProtobufCMessage *m)
{
    if (c->closed)
        return false;
    grpc_byte_buffer *bb = rpc_pack(m);
    grpc_op ops[3];
    size_t n = srv_send_ops(ops, &c->md_sent, bb, NULL, NULL);
    bool ok = grpc_call_start_batch(c->call, ops, n, &tag_op, NULL) == GRPC_CALL_OK &&
              wait_tag(c, &tag_op, gpr_inf_future(GPR_CLOCK_MONOTONIC)) == 1;
    grpc_byte_buffer_destroy(bb);
    return ok;
}

static void finish(bk_sc_t *c, grpc_status_code code, const char *msg)
{
    grpc_slice details = grpc_slice_from_copied_string(msg ? msg : "");
    grpc_op ops[3];
    size_t n = srv_send_ops(ops, &c->md_sent, NULL, &code, &details);
    if (grpc_call_start_batch(c->call, ops, n, &tag_op, NULL) == GRPC_CALL_OK)
        wait_tag(c, &tag_op, gpr_inf_future(GPR_CLOCK_MONOTONIC));
    grpc_slice_unref(details);
}

static ProtobufCMessage *request(bk_sc_t *c, const ProtobufCMessageDescriptor *d)
{
    if (!c->payload)
        return protobuf_c_message_unpack(d, &c->arena.pb, 0, (const uint8_t *)"");
    return rpc_unpack(c->payload, d, &c->arena.pb);
}

/* ---- handlers -------------------------------------------------------------- */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The exporter's "naming to" step names the build's image. */
static void name_image(bk_sc_t *c, sim_bk_step_t *steps, size_t n, const char *image)
{
    char *text = arena_alloc(&c->arena, strlen(image) + 12);
    sprintf(text, "naming to %s", image);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < steps[i].msg->n_statuses; k++)
            if (!strncmp(steps[i].msg->statuses[k]->id, "naming to ", 10))
                steps[i].msg->statuses[k]->id = text;
}

/* A dev-loop build's script: stretched to last as long as Skaffold's build
 * (else paced by --buildkit-step); *scale is the percent used. */
static size_t devloop_script(bk_sc_t *c, const sim_bk_devloop_t *d, unsigned *scale, sim_bk_step_t **steps)
{
    const char *ref = d->fails ? SIM_BK_REF_FAIL : SIM_BK_REF_OK;
    size_t n = sim_bk_script(&c->arena, ref, d->t0, 100, steps);
    *scale = sim_bk_opts.step_ms ? sim_bk_opts.step_ms : 100;
    if (d->expect_ms && n && (*steps)[n - 1].at_ms) {
        unsigned stretched = d->expect_ms * 100 / (*steps)[n - 1].at_ms;
        *scale = stretched ? stretched : 1;
    }
    if (*scale != 100)
        n = sim_bk_script(&c->arena, ref, d->t0, *scale, steps);
    name_image(c, *steps, n, d->image);
    return n;
}

/* A canceled build's last message: every step sent as started and not
 * completed (steps[0..sent)) ends at `at` with "context canceled", as
 * BuildKit ends them when its client goes. */
static Moby__Buildkit__V1__StatusResponse *canceled(bk_sc_t *c, const sim_bk_step_t *steps, size_t sent,
                                                    int64_t at)
{
    Moby__Buildkit__V1__StatusResponse *m = arena_alloc(&c->arena, sizeof *m);
    moby__buildkit__v1__status_response__init(m);
    m->vertexes = arena_alloc(&c->arena, 64 * sizeof *m->vertexes);
    for (size_t i = sent; i-- > 0;) /* the newest state of each vertex */
        for (size_t k = 0; k < steps[i].msg->n_vertexes && m->n_vertexes < 64; k++) {
            const Moby__Buildkit__V1__Vertex *v = steps[i].msg->vertexes[k];
            bool seen = false;
            for (size_t j = 0; j < m->n_vertexes && !seen; j++)
                seen = !strcmp(m->vertexes[j]->digest, v->digest);
            if (!seen)
                m->vertexes[m->n_vertexes++] = (Moby__Buildkit__V1__Vertex *)v;
        }
    size_t n = 0;
    for (size_t j = 0; j < m->n_vertexes; j++) {
        const Moby__Buildkit__V1__Vertex *v = m->vertexes[j];
        if (!v->started || v->completed)
            continue;
        Moby__Buildkit__V1__Vertex *x = arena_alloc(&c->arena, sizeof *x);
        *x = *v;
        x->completed = sim_bk_ts(&c->arena, at);
        x->error = "context canceled";
        m->vertexes[n++] = x;
    }
    m->n_vertexes = n;
    return m;
}

/* A dev-loop build: its script paced from its start (what is due at once,
 * as v0.11+ replays to a late reader), the rest at once when it ended (or,
 * canceled, its running steps canceled); the last message waits for its
 * end. */
static void devloop_status(bk_sc_t *c, const char *ref, sim_bk_devloop_t d)
{
    unsigned scale;
    sim_bk_step_t *steps;
    size_t n = devloop_script(c, &d, &scale, &steps);
    for (size_t i = 0; i < n; i++) {
        int64_t due = d.t0 + (int64_t)steps[i].at_ms * scale / 100 * 1000000LL;
        while (!d.ended && (now_ns() < due || i == n - 1)) {
            if (!pause_ms(c, 20))
                return;
            sim_bk_devloop_build(ref, &d);
        }
        if (d.ended && !d.ok && !d.fails && due > d.t1) { /* canceled before this step */
            if (send_msg(c, &canceled(c, steps, i, d.t1)->base))
                finish(c, GRPC_STATUS_OK, NULL);
            return;
        }
        if (!send_msg(c, &steps[i].msg->base))
            return;
    }
    finish(c, GRPC_STATUS_OK, NULL);
}

static void on_status(bk_sc_t *c)
{
    Moby__Buildkit__V1__StatusRequest *req = (void *)request(c, &moby__buildkit__v1__status_request__descriptor);
    if (!req) {
        finish(c, GRPC_STATUS_INVALID_ARGUMENT, "cannot decode StatusRequest");
        return;
    }
    sim_bk_devloop_t dl;
    if (sim_bk_devloop_build(req->ref, &dl)) {
        devloop_status(c, req->ref, dl);
        return;
    }
    bool live = !strcmp(req->ref, SIM_BK_REF_LIVE);
    /* Finished builds replay from a fixed past start, at once. */
    int64_t t0 = live ? now_ns() : 1714557600LL * 1000000000LL;
    sim_bk_step_t *steps;
    unsigned scale = live && sim_bk_opts.step_ms ? sim_bk_opts.step_ms : 100;
    size_t n = sim_bk_script(&c->arena, req->ref, t0, scale, &steps);
    if (!n) {
        char msg[256];
        snprintf(msg, sizeof msg, "no such job %.200s", req->ref);
        finish(c, GRPC_STATUS_NOT_FOUND, msg);
        return;
    }
    unsigned prev = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned wait = live ? (steps[i].at_ms - prev) * sim_bk_opts.step_ms / 100 : 0;
        prev = steps[i].at_ms;
        if (!pause_ms(c, wait) || !send_msg(c, &steps[i].msg->base))
            return;
    }
    finish(c, GRPC_STATUS_OK, NULL);
}

static void on_du(bk_sc_t *c)
{
    Moby__Buildkit__V1__DiskUsageResponse r = MOBY__BUILDKIT__V1__DISK_USAGE_RESPONSE__INIT;
    r.n_record = sim_bk_records(&c->arena, &r.record);
    if (send_msg(c, &r.base))
        finish(c, GRPC_STATUS_OK, NULL);
}

static void on_prune(bk_sc_t *c)
{
    Moby__Buildkit__V1__PruneRequest *req = (void *)request(c, &moby__buildkit__v1__prune_request__descriptor);
    if (!req) {
        finish(c, GRPC_STATUS_INVALID_ARGUMENT, "cannot decode PruneRequest");
        return;
    }
    Moby__Buildkit__V1__UsageRecord **gone;
    size_t n = sim_bk_prune(&c->arena, req, &gone);
    for (size_t i = 0; i < n; i++)
        if (!pause_ms(c, sim_bk_opts.step_ms / 4) || !send_msg(c, &gone[i]->base))
            return;
    finish(c, GRPC_STATUS_OK, NULL);
}

static void on_workers(bk_sc_t *c)
{
    if (send_msg(c, &sim_bk_workers(&c->arena, sim_bk_opts.old)->base))
        finish(c, GRPC_STATUS_OK, NULL);
}

static void on_info(bk_sc_t *c)
{
    Moby__Buildkit__V1__InfoResponse r = MOBY__BUILDKIT__V1__INFO_RESPONSE__INIT;
    r.buildkitversion = sim_bk_version(&c->arena);
    if (send_msg(c, &r.base))
        finish(c, GRPC_STATUS_OK, NULL);
}

static bool history_wanted(const Moby__Buildkit__V1__BuildHistoryRequest *req, const Moby__Buildkit__V1__BuildHistoryEvent *ev)
{
    if (req->activeonly && ev->type != MOBY__BUILDKIT__V1__BUILD_HISTORY_EVENT_TYPE__STARTED)
        return false;
    return !*req->ref || !strcmp(req->ref, ev->record->ref);
}

static bool send_events(bk_sc_t *c, const Moby__Buildkit__V1__BuildHistoryRequest *req,
                        Moby__Buildkit__V1__BuildHistoryEvent **ev, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (history_wanted(req, ev[i]) && !send_msg(c, &ev[i]->base))
            return false;
    return true;
}

static void on_history(bk_sc_t *c)
{
    Moby__Buildkit__V1__BuildHistoryRequest *req =
        (void *)request(c, &moby__buildkit__v1__build_history_request__descriptor);
    if (!req) {
        finish(c, GRPC_STATUS_INVALID_ARGUMENT, "cannot decode BuildHistoryRequest");
        return;
    }
    Moby__Buildkit__V1__BuildHistoryEvent **ev;
    size_t n = sim_bk_history(&c->arena, &ev);
    if (!send_events(c, req, ev, n))
        return;
    uint64_t gen = 0;
    for (bool first = true; first || !req->earlyexit; first = false) { /* live: the dev loop's builds */
        n = sim_bk_devloop_events(&c->arena, first, &gen, &ev);
        if (!send_events(c, req, ev, n) || (!req->earlyexit && !pause_ms(c, 50)))
            return;
    }
    finish(c, GRPC_STATUS_OK, NULL);
}

static void on_unknown(bk_sc_t *c)
{
    /* grpc-go's words: "unknown method M for service S". */
    char msg[512];
    const char *p = c->path ? c->path : "", *slash = strrchr(p, '/');
    if (slash && slash > p)
        snprintf(msg, sizeof msg, "unknown method %s for service %.*s", slash + 1, (int)(slash - p - 1), p + 1);
    else
        snprintf(msg, sizeof msg, "unknown method %s", p);
    finish(c, GRPC_STATUS_UNIMPLEMENTED, msg);
}

static void (*const handlers[BM__COUNT + 1])(bk_sc_t *) = {on_status, on_du,      on_prune,  on_workers,
                                                           on_info,   on_history, on_unknown};

/* ---- threads ----------------------------------------------------------------- */

static void cq_drop(grpc_completion_queue *cq)
{
    grpc_completion_queue_shutdown(cq);
    while (grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type != GRPC_QUEUE_SHUTDOWN)
        ;
    grpc_completion_queue_destroy(cq);
}

static void *worker_main(void *arg)
{
    bk_sc_t *c = arg;
    grpc_op op = {0};
    op.op = GRPC_OP_RECV_CLOSE_ON_SERVER;
    op.data.recv_close_on_server.cancelled = &c->cancelled;
    if (bk.calls) { /* one line a call, for the tests that count them */
        fprintf(bk.calls, "%s\n", method_names[c->method]);
        fflush(bk.calls);
    }
    if (grpc_call_start_batch(c->call, &op, 1, &tag_close, NULL) == GRPC_CALL_OK) {
        handlers[c->method](c);
        if (!c->closed)
            wait_tag(c, &tag_close, gpr_inf_future(GPR_CLOCK_MONOTONIC));
    } else {
        fprintf(stderr, "skview-sim: buildkit %s: cannot start the call\n", method_names[c->method]);
        grpc_call_cancel(c->call, NULL);
    }
    grpc_call_unref(c->call);
    cq_drop(c->cq);
    if (c->payload)
        grpc_byte_buffer_destroy(c->payload);
    arena_free(&c->arena);
    free(c->path);
    free(c);
    pthread_mutex_lock(&bk.mu);
    bk.workers--;
    pthread_cond_broadcast(&bk.cond);
    pthread_mutex_unlock(&bk.mu);
    return NULL;
}

static int req_arm(bk_req_t *r)
{
    r->cq = grpc_completion_queue_create_for_next(NULL);
    int rc = 0;
    if (r->method == BM_UNKNOWN) {
        r->slot.call = NULL;
        r->slot.payload = NULL;
        grpc_metadata_array_init(&r->slot.md);
        grpc_call_details_init(&r->details);
        grpc_call_error e = grpc_server_request_call(bk.server, &r->slot.call, &r->details, &r->slot.md, r->cq,
                                                     bk.ncq, r);
        if (e != GRPC_CALL_OK) {
            fprintf(stderr, "skview-sim: buildkit %s: cannot request a call (error %d)\n", method_names[r->method], e);
            grpc_metadata_array_destroy(&r->slot.md);
            grpc_call_details_destroy(&r->details);
            rc = -1;
        }
    } else {
        char what[64];
        snprintf(what, sizeof what, "buildkit %s", method_names[r->method]);
        rc = srv_request(bk.server, r->handle, &r->slot, r->cq, bk.ncq, r, what);
    }
    if (rc != 0) {
        cq_drop(r->cq);
        r->cq = NULL;
    }
    return rc;
}

static void spawn(bk_req_t *r)
{
    bk_sc_t *c = xcalloc(1, sizeof *c);
    c->call = r->slot.call;
    c->cq = r->cq;
    c->payload = r->slot.payload;
    c->method = r->method;
    if (r->method == BM_UNKNOWN) {
        c->path = rpc_slice_strdup(r->details.method);
        grpc_call_details_destroy(&r->details);
    }
    arena_init(&c->arena);
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    pthread_mutex_lock(&bk.mu);
    bk.workers++;
    pthread_mutex_unlock(&bk.mu);
    if (pthread_create(&t, &at, worker_main, c) != 0) {
        fprintf(stderr, "skview-sim: buildkit: cannot start a thread\n");
        worker_main(c); /* serve it here rather than leak it */
    }
    pthread_attr_destroy(&at);
}

static void req_arrived(bk_req_t *r, int success)
{
    grpc_metadata_array_destroy(&r->slot.md);
    if (!success) { /* shutting down: the request never got a call */
        if (r->method == BM_UNKNOWN)
            grpc_call_details_destroy(&r->details);
        cq_drop(r->cq);
        r->cq = NULL;
        return;
    }
    spawn(r);
    pthread_mutex_lock(&bk.mu);
    bool stopping = bk.stopping;
    pthread_mutex_unlock(&bk.mu);
    if (!stopping)
        req_arm(r);
}

static void notify_event(void *arg, void *tag, int success)
{
    (void)arg;
    if (tag != &tag_shutdown) {
        req_arrived(tag, success);
        return;
    }
    pthread_mutex_lock(&bk.mu);
    bk.down = true;
    pthread_cond_broadcast(&bk.cond);
    pthread_mutex_unlock(&bk.mu);
}

static void *notify_main(void *arg)
{
    srv_run(bk.ncq, notify_event, arg);
    return NULL;
}

/* ---- options, start, stop -------------------------------------------------------- */

int sim_bk_parse_arg(int argc, char **argv, int i)
{
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    bool *flag = !strcmp(a, "--buildkit-old") ? &sim_bk_opts.old
               : !strcmp(a, "--buildkit-dev-loop") ? &sim_bk_opts.dev_loop : NULL;
    if (flag) {
        *flag = true;
        return 1;
    }
    bool sock = !strcmp(a, "--buildkit-socket"), port = !strcmp(a, "--buildkit-port"),
         step = !strcmp(a, "--buildkit-step"), calls = !strcmp(a, "--buildkit-calls-log");
    if (!sock && !port && !step && !calls)
        return 0;
    if (!v) {
        fprintf(stderr, "skview-sim: missing value for %s\n", a);
        return -1;
    }
    if (sock || calls) {
        *(sock ? &sim_bk_opts.socket : &sim_bk_opts.calls_log) = v;
        return 2;
    }
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (errno || end == v || *end || *v == '-' || (port && n > 65535) || n > 600000) {
        fprintf(stderr, "skview-sim: bad number for %s: %s\n", a, v);
        return -1;
    }
    if (port)
        sim_bk_opts.port = (int)n;
    else
        sim_bk_opts.step_ms = (unsigned)n;
    return 2;
}

static int bind_addr(const char *addr, bool print_port)
{
    int port = srv_bind(bk.server, addr, "buildkit: ");
    if (port < 0)
        return -1;
    if (print_port)
        printf("buildkit listening on 127.0.0.1:%d\n", port);
    else
        printf("buildkit listening on %s\n", addr);
    fflush(stdout);
    return 0;
}

static int server_bind(void)
{
    char addr[1100];
    if (sim_bk_opts.socket) {
        /* A socket left by an earlier run would make the bind fail. */
        if (unlink(sim_bk_opts.socket) != 0 && errno != ENOENT)
            fprintf(stderr, "skview-sim: %s: %s\n", sim_bk_opts.socket, strerror(errno));
        snprintf(addr, sizeof addr, "unix:%s", sim_bk_opts.socket);
        if (bind_addr(addr, false) != 0)
            return -1;
    }
    if (sim_bk_opts.port >= 0) {
        snprintf(addr, sizeof addr, "127.0.0.1:%d", sim_bk_opts.port);
        if (bind_addr(addr, true) != 0)
            return -1;
    }
    return 0;
}

int sim_bk_start(void)
{
    if (!sim_bk_opts.socket && sim_bk_opts.port < 0)
        return 0;
    if (sim_bk_opts.calls_log && !(bk.calls = fopen(sim_bk_opts.calls_log, "a"))) {
        fprintf(stderr, "skview-sim: --buildkit-calls-log %s: %s\n", sim_bk_opts.calls_log, strerror(errno));
        return -1;
    }
    bk.ncq = grpc_completion_queue_create_for_next(NULL);
    bk.server = srv_new(bk.ncq);
    /* Info and history are v0.11: an "old" daemon does not know them. */
    int n = sim_bk_opts.old ? BM_INFO : BM__COUNT;
    for (int m = 0; m < n; m++) {
        char path[128];
        snprintf(path, sizeof path, BK_PATH "%s", method_names[m]);
        bk.reqs[m].method = m;
        bk.reqs[m].handle = srv_method(bk.server, path);
    }
    if (server_bind() != 0)
        return -1;
    grpc_server_start(bk.server);
    bk.started = true;
    bk.reqs[BM_UNKNOWN].method = BM_UNKNOWN;
    for (int m = 0; m < n; m++)
        if (req_arm(&bk.reqs[m]) != 0)
            return -1;
    if (req_arm(&bk.reqs[BM_UNKNOWN]) != 0)
        return -1;
    if (pthread_create(&bk.thread, NULL, notify_main, NULL) != 0) {
        fprintf(stderr, "skview-sim: buildkit: cannot start a thread\n");
        return -1;
    }
    return 0;
}

void sim_bk_stop(void)
{
    if (!bk.server)
        return;
    pthread_mutex_lock(&bk.mu);
    bk.stopping = true;
    pthread_mutex_unlock(&bk.mu);
    if (bk.started) {
        srv_shutdown(bk.server, bk.ncq, &tag_shutdown);
    }
    /* The notification comes once every call is over, so no worker starts
     * after it; those still running are only cleaning up. */
    pthread_mutex_lock(&bk.mu);
    while (bk.started && !bk.down)
        pthread_cond_wait(&bk.cond, &bk.mu);
    while (bk.workers > 0)
        pthread_cond_wait(&bk.cond, &bk.mu);
    pthread_mutex_unlock(&bk.mu);
    grpc_server_destroy(bk.server);
    grpc_completion_queue_shutdown(bk.ncq);
    if (bk.started)
        pthread_join(bk.thread, NULL);
    grpc_completion_queue_destroy(bk.ncq);
    bk.server = NULL;
    if (sim_bk_opts.socket)
        unlink(sim_bk_opts.socket);
}
