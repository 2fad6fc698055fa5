/* BuildKit's Control API on top of bk_rpc; see bk_client.h. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "live/bk_client.h"

#define BK_SERVICE "/moby.buildkit.v1.Control/"

struct bk_client {
    bk_rpc_t *rpc;
    char *addr;
};

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
    if (sep && strncmp(addr, "unix://", 7)) {
        snprintf(err, errlen, "%s: the %.*s:// scheme is not supported (use unix:// or tcp://; "
                 "for a container, publish buildkitd's socket or port)", addr, (int)(sep - addr), addr);
        return -1;
    }
    snprintf(out, n, "%s", t);
    return 0;
}

bk_client_t *bk_client_new(uv_loop_t *loop, const char *addr, char *err, size_t errlen)
{
    char target[1024];
    if (bk_target(addr, target, sizeof target, err, errlen) != 0)
        return NULL;
    bk_client_t *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->rpc = bk_rpc_new(loop, target, BK_MAX_MESSAGE);
    if (!c->rpc) {
        snprintf(err, errlen, "%s: cannot set up the client", addr);
        free(c);
        return NULL;
    }
    c->addr = strdup(addr);
    return c;
}

void bk_client_stop(bk_client_t *c, void (*done)(void *), void *arg) { bk_rpc_stop(c->rpc, done, arg); }

void bk_client_free(bk_client_t *c)
{
    if (!c)
        return;
    bk_rpc_free(c->rpc);
    free(c->addr);
    free(c);
}

const char *bk_client_addr(const bk_client_t *c) { return c->addr; }

static bk_call_t *call(bk_client_t *c, const char *method, const ProtobufCMessage *req,
                       const ProtobufCMessageDescriptor *resp, bool stream, bk_rpc_msg_cb on_msg,
                       bk_rpc_end_cb on_end, void *arg)
{
    bk_rpc_req_t r = {
        .method = method, .request = req, .response = resp,
        .deadline_ms = stream ? 0 : BK_UNARY_DEADLINE_MS,
        .on_msg = on_msg, .on_end = on_end, .arg = arg,
    };
    if (!strcmp(method, BK_SERVICE "ListenBuildHistory"))
        r.unimplemented = BK_NO_HISTORY;
    else if (!strcmp(method, BK_SERVICE "Info"))
        r.unimplemented = "this daemon has no Info call (BuildKit < v0.11)";
    return bk_rpc_call(c->rpc, &r);
}

bk_call_t *bk_status(bk_client_t *c, const char *ref, bk_rpc_msg_cb on_msg, bk_rpc_end_cb on_end, void *arg)
{
    Moby__Buildkit__V1__StatusRequest req = MOBY__BUILDKIT__V1__STATUS_REQUEST__INIT;
    req.ref = (char *)ref;
    return call(c, BK_SERVICE "Status", &req.base, &moby__buildkit__v1__status_response__descriptor, true,
                on_msg, on_end, arg);
}

bk_call_t *bk_disk_usage(bk_client_t *c, char **filters, size_t n_filters, bk_rpc_msg_cb on_msg,
                         bk_rpc_end_cb on_end, void *arg)
{
    Moby__Buildkit__V1__DiskUsageRequest req = MOBY__BUILDKIT__V1__DISK_USAGE_REQUEST__INIT;
    req.filter = filters;
    req.n_filter = n_filters;
    return call(c, BK_SERVICE "DiskUsage", &req.base, &moby__buildkit__v1__disk_usage_response__descriptor,
                false, on_msg, on_end, arg);
}

bk_call_t *bk_list_workers(bk_client_t *c, bk_rpc_msg_cb on_msg, bk_rpc_end_cb on_end, void *arg)
{
    Moby__Buildkit__V1__ListWorkersRequest req = MOBY__BUILDKIT__V1__LIST_WORKERS_REQUEST__INIT;
    return call(c, BK_SERVICE "ListWorkers", &req.base, &moby__buildkit__v1__list_workers_response__descriptor,
                false, on_msg, on_end, arg);
}

bk_call_t *bk_info(bk_client_t *c, bk_rpc_msg_cb on_msg, bk_rpc_end_cb on_end, void *arg)
{
    Moby__Buildkit__V1__InfoRequest req = MOBY__BUILDKIT__V1__INFO_REQUEST__INIT;
    return call(c, BK_SERVICE "Info", &req.base, &moby__buildkit__v1__info_response__descriptor, false,
                on_msg, on_end, arg);
}

bk_call_t *bk_prune(bk_client_t *c, const Moby__Buildkit__V1__PruneRequest *req, bk_rpc_msg_cb on_msg,
                    bk_rpc_end_cb on_end, void *arg)
{
    return call(c, BK_SERVICE "Prune", &req->base, &moby__buildkit__v1__usage_record__descriptor, true,
                on_msg, on_end, arg);
}

bk_call_t *bk_history(bk_client_t *c, const Moby__Buildkit__V1__BuildHistoryRequest *req,
                      bk_rpc_msg_cb on_msg, bk_rpc_end_cb on_end, void *arg)
{
    return call(c, BK_SERVICE "ListenBuildHistory", &req->base,
                &moby__buildkit__v1__build_history_event__descriptor, true, on_msg, on_end, arg);
}
