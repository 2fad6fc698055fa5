/* BuildKit's Control API as methods on the gRPC engine; see bk_client.h. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grpc/status.h>
#include "core/xalloc.h"
#include "transport/bk_client.h"
#include "transport/docker.h"
#include "transport/rpc_int.h"

#define BK_SERVICE "/moby.buildkit.v1.Control/"

_Static_assert(BK_MAX_MESSAGE == RPC_MAX_MESSAGE, "the engine's channel takes BuildKit's 16 MiB");

struct bk_client {
    eng_t *eng;
    char *addr;
    char *docker_sock;          /* Docker's BuildKit: the socket dialled */
    bool watching;              /* bk_client_watch was called */
};

/* One call: the consumer's callbacks and how to word its end. */
typedef struct bk_ctx {
    bk_client_t *c;
    bk_rpc_msg_cb on_msg;
    bk_rpc_end_cb on_end;
    void *arg;
    const char *unimplemented;  /* replaces the message of UNIMPLEMENTED (static) */
    const char *response;       /* the answer's type, for a bad one */
} bk_ctx_t;

const char *bk_addr(const char *given)
{
    if (given && *given)
        return given;
    const char *env = getenv("BUILDKIT_HOST");
    return env && *env ? env : BK_DEFAULT_ADDR;
}

int bk_target(const char *addr, char *out, size_t n, char *err, size_t errlen)
{
    const char *sep = strstr(addr, "://");
    const char *t = addr;
    if (!strncmp(addr, "tcp://", 6)) {
        t = addr + 6; /* as BuildKit's client: the authority is host:port */
        size_t len = strcspn(t, "/");
        snprintf(out, n, "%.*s", (int)len, t);
        return 0;
    }
    int d = docker_addr(addr, out, n, err, errlen);
    if (d != 0)
        return d < 0 ? -1 : 0;
    if (sep && strncmp(addr, "unix://", 7)) {
        snprintf(err, errlen, "%s: the %.*s:// scheme is not supported (use unix://, tcp:// or docker://; "
                 "for a container, publish buildkitd's socket or port)", addr, (int)(sep - addr), addr);
        return -1;
    }
    snprintf(out, n, "%s", t);
    return 0;
}

static int dial_docker(void *arg, char *err, size_t errlen)
{
    return docker_dial(((bk_client_t *)arg)->docker_sock, err, errlen);
}

bk_client_t *bk_client_new(uv_loop_t *loop, const char *addr, char *err, size_t errlen)
{
    char target[1024];
    if (bk_target(addr, target, sizeof target, err, errlen) != 0)
        return NULL;
    bk_client_t *c = xcalloc(1, sizeof *c);
    char path[1024];
    if (docker_addr(addr, path, sizeof path, err, errlen) == 1) {
        c->docker_sock = xstrdup(path);
        c->eng = eng_new_dialled(loop, "docker", dial_docker, c, "buildkit");
    } else {
        c->eng = eng_new(loop, target, "buildkit");
    }
    if (!c->eng) {
        snprintf(err, errlen, "%s: cannot set up the client", addr);
        free(c->docker_sock);
        free(c);
        return NULL;
    }
    c->addr = xstrdup(addr);
    return c;
}

void bk_client_stop(bk_client_t *c, void (*done)(void *), void *arg) { eng_stop(c->eng, done, arg); }

void bk_client_free(bk_client_t *c)
{
    if (!c)
        return;
    eng_free(c->eng);
    free(c->addr);
    free(c->docker_sock);
    free(c);
}

void bk_client_watch(bk_client_t *c, eng_conn_cb on_conn, void (*retry)(void *), void *arg)
{
    c->watching = true;
    eng_conn_watch(c->eng, on_conn, retry, arg);
    eng_conn_set(c->eng, LIVE_CONNECTING, NULL, 0);
}

void bk_rpc_cancel(bk_call_t *call) { eng_cancel(call); }

uint64_t bk_client_backoff(bk_client_t *c, unsigned attempt) { return eng_backoff_delay(c->eng, attempt); }

const char *bk_client_addr(const bk_client_t *c) { return c->addr; }

static void ctx_md(void *arg)
{
    bk_ctx_t *x = arg;
    if (x->c->watching)
        eng_conn_up(x->c->eng);
}

static void ctx_msg(void *arg, const ProtobufCMessage *m, const uint8_t *wire, size_t wire_len)
{
    (void)wire, (void)wire_len;
    bk_ctx_t *x = arg;
    if (x->on_msg)
        x->on_msg(x->arg, m);
}

/* "NAME: details" ("" for OK), malloc'd; code may become INTERNAL. */
static char *end_message(const bk_ctx_t *x, const eng_end_t *end, int *code)
{
    char buf[512];
    if (*code == GRPC_STATUS_OK && end->bad) {
        *code = GRPC_STATUS_INTERNAL;
        snprintf(buf, sizeof buf, "INTERNAL: %u answer(s) are not a %s", end->bad, x->response);
    } else if (*code == GRPC_STATUS_UNIMPLEMENTED && x->unimplemented) {
        snprintf(buf, sizeof buf, "UNIMPLEMENTED: %s", x->unimplemented);
    } else {
        return eng_status_text(*code, end->details);
    }
    char *out = xstrdup(buf);
    return out;
}

/* The connection is reported lost before the consumer hears of the end, so
 * that it can tell a lost daemon (LIVE_RECONNECTING) from a failed call. */
static void ctx_end(void *arg, const eng_end_t *end)
{
    bk_ctx_t *x = arg;
    int code = end->code;
    char *msg = end_message(x, end, &code);
    eng_t *e = x->c->eng;
    if (x->c->watching && code == GRPC_STATUS_UNAVAILABLE && !eng_stopping(e) &&
        eng_conn(e) != LIVE_RECONNECTING)
        eng_conn_lost(e, msg);
    if (x->on_end)
        x->on_end(x->arg, code, msg);
    free(msg);
    free(x);
}

static bk_call_t *call(bk_client_t *c, const char *method, const ProtobufCMessage *req,
                       const ProtobufCMessageDescriptor *resp, bool stream, bk_rpc_msg_cb on_msg,
                       bk_rpc_end_cb on_end, void *arg)
{
    bk_ctx_t *x = xmalloc(sizeof *x);
    *x = (bk_ctx_t){c, on_msg, on_end, arg, NULL, resp->name};
    if (!strcmp(method, BK_SERVICE "ListenBuildHistory"))
        x->unimplemented = BK_NO_HISTORY;
    else if (!strcmp(method, BK_SERVICE "Info"))
        x->unimplemented = "this daemon has no Info call (BuildKit < v0.11)";
    eng_req_t r = {
        .method = method, .request = req, .response = resp,
        .deadline_ms = stream ? 0 : BK_UNARY_DEADLINE_MS, .quiet_when_stopping = true,
        .on_md = ctx_md, .on_msg = ctx_msg, .on_end = ctx_end, .arg = x,
    };
    bk_call_t *k = eng_call(c->eng, &r);
    if (!k)
        free(x);
    return k;
}

bk_call_t *bk_client_status(bk_client_t *c, const char *ref, bk_rpc_msg_cb on_msg, bk_rpc_end_cb on_end, void *arg)
{
    Moby__Buildkit__V1__StatusRequest req = MOBY__BUILDKIT__V1__STATUS_REQUEST__INIT;
    req.ref = (char *)ref;
    return call(c, BK_SERVICE "Status", &req.base, &moby__buildkit__v1__status_response__descriptor, true,
                on_msg, on_end, arg);
}

bk_call_t *bk_client_disk_usage(bk_client_t *c, char **filters, size_t n_filters, bk_rpc_msg_cb on_msg,
                                bk_rpc_end_cb on_end, void *arg)
{
    Moby__Buildkit__V1__DiskUsageRequest req = MOBY__BUILDKIT__V1__DISK_USAGE_REQUEST__INIT;
    req.filter = filters;
    req.n_filter = n_filters;
    return call(c, BK_SERVICE "DiskUsage", &req.base, &moby__buildkit__v1__disk_usage_response__descriptor,
                false, on_msg, on_end, arg);
}

bk_call_t *bk_client_list_workers(bk_client_t *c, bk_rpc_msg_cb on_msg, bk_rpc_end_cb on_end, void *arg)
{
    Moby__Buildkit__V1__ListWorkersRequest req = MOBY__BUILDKIT__V1__LIST_WORKERS_REQUEST__INIT;
    return call(c, BK_SERVICE "ListWorkers", &req.base, &moby__buildkit__v1__list_workers_response__descriptor,
                false, on_msg, on_end, arg);
}

bk_call_t *bk_client_info(bk_client_t *c, bk_rpc_msg_cb on_msg, bk_rpc_end_cb on_end, void *arg)
{
    Moby__Buildkit__V1__InfoRequest req = MOBY__BUILDKIT__V1__INFO_REQUEST__INIT;
    return call(c, BK_SERVICE "Info", &req.base, &moby__buildkit__v1__info_response__descriptor, false,
                on_msg, on_end, arg);
}

bk_call_t *bk_client_prune(bk_client_t *c, const Moby__Buildkit__V1__PruneRequest *req, bk_rpc_msg_cb on_msg,
                           bk_rpc_end_cb on_end, void *arg)
{
    return call(c, BK_SERVICE "Prune", &req->base, &moby__buildkit__v1__usage_record__descriptor, true,
                on_msg, on_end, arg);
}

bk_call_t *bk_client_history(bk_client_t *c, const Moby__Buildkit__V1__BuildHistoryRequest *req,
                             bk_rpc_msg_cb on_msg, bk_rpc_end_cb on_end, void *arg)
{
    return call(c, BK_SERVICE "ListenBuildHistory", &req->base,
                &moby__buildkit__v1__build_history_event__descriptor, true, on_msg, on_end, arg);
}
