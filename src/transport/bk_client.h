/* A client of BuildKit's Control API (moby.buildkit.v1.Control) over gRPC C
 * core: its methods on the shared gRPC engine (engine.h: keepalive, bounded
 * hand-over queue, backoff), so every callback runs on the loop thread.
 *
 * Address: "unix:///path" (the default, unix:///run/buildkit/buildkitd.sock),
 * "tcp://host:port" or "host:port"; "docker" or "docker://PATH" for the
 * BuildKit inside a Docker daemon (docker.h: $DOCKER_HOST, else
 * /var/run/docker.sock; a new /grpc upgrade per connection); the connection helpers of buildctl
 * (docker-container://, kube-pod://, ssh://, npipe://) are not supported and
 * are refused with a sentence saying so. Messages up to 16 MiB are accepted,
 * as BuildKit's own client does. No call needs request metadata.
 *
 * Each call takes on_msg (one decoded answer, valid during the call; its type
 * is named below) and on_end (exactly once, last; message "NAME: details" or
 * "" for OK). A call returns NULL when it cannot start (the client stops).
 *
 * Reconnecting (bk_client_watch, for a viewer that keeps streams open): a
 * call that ends UNAVAILABLE (buildkitd gone, or hung: the keepalive ping
 * went unanswered) reports LIVE_RECONNECTING with the delay, and when it is
 * over `retry` runs so that the consumer opens its calls again; the first
 * call whose headers arrive reports LIVE_CONNECTED. Backoff as the Skaffold
 * client's (engine.h). */
#ifndef SKVIEW_BK_CLIENT_H
#define SKVIEW_BK_CLIENT_H

#include <stddef.h>
#include <uv.h>
#include "buildkit/control.pb-c.h"
#include "transport/engine.h"

typedef struct eng_call bk_call_t;
/* One response message, valid during the call. */
typedef void (*bk_rpc_msg_cb)(void *arg, const ProtobufCMessage *msg);
/* The end of a call, exactly once: code is a grpc_status_code; message is
 * "NAME: details" ("" for OK). */
typedef void (*bk_rpc_end_cb)(void *arg, int code, const char *message);

#define BK_DEFAULT_ADDR "unix:///run/buildkit/buildkitd.sock"
#define BK_MAX_MESSAGE (16 << 20)
#define BK_UNARY_DEADLINE_MS 30000
#define BK_NO_HISTORY "this daemon has no build history (BuildKit < v0.11): give --ref"

typedef struct bk_client bk_client_t;

/* given, else $BUILDKIT_HOST, else BK_DEFAULT_ADDR. */
const char *bk_addr(const char *given);
/* The gRPC target for addr; -1 with err filled for an unsupported scheme. */
int bk_target(const char *addr, char *out, size_t n, char *err, size_t errlen);

/* NULL with err filled when addr is not usable. */
bk_client_t *bk_client_new(uv_loop_t *loop, const char *addr, char *err, size_t errlen);
void bk_client_stop(bk_client_t *c, void (*done)(void *arg), void *arg);
void bk_client_free(bk_client_t *c);
const char *bk_client_addr(const bk_client_t *c);
/* Follows the connection (see above); on_conn as sk_client_callbacks_t's. */
void bk_client_watch(bk_client_t *c, eng_conn_cb on_conn, void (*retry)(void *arg), void *arg);
/* Asks the server to stop a call; its on_end still follows (CANCELLED). */
void bk_rpc_cancel(bk_call_t *call);
/* The delay in ms before retry number `attempt` (0 first), on the engine's
 * backoff schedule (engine.h), for a consumer that retries a call itself. */
uint64_t bk_client_backoff(bk_client_t *c, unsigned attempt);

/* Status(ref): a stream of StatusResponse until the build ends. */
bk_call_t *bk_client_status(bk_client_t *c, const char *ref, bk_rpc_msg_cb on_msg, bk_rpc_end_cb on_end, void *arg);
/* DiskUsage: one DiskUsageResponse. */
bk_call_t *bk_client_disk_usage(bk_client_t *c, char **filters, size_t n_filters, bk_rpc_msg_cb on_msg,
                                bk_rpc_end_cb on_end, void *arg);
/* ListWorkers: one ListWorkersResponse. */
bk_call_t *bk_client_list_workers(bk_client_t *c, bk_rpc_msg_cb on_msg, bk_rpc_end_cb on_end, void *arg);
/* Info (v0.11): one InfoResponse. */
bk_call_t *bk_client_info(bk_client_t *c, bk_rpc_msg_cb on_msg, bk_rpc_end_cb on_end, void *arg);
/* Prune: a stream of the UsageRecords removed. */
bk_call_t *bk_client_prune(bk_client_t *c, const Moby__Buildkit__V1__PruneRequest *req, bk_rpc_msg_cb on_msg,
                           bk_rpc_end_cb on_end, void *arg);
/* ListenBuildHistory (v0.11): a stream of BuildHistoryEvent. On an older
 * daemon it ends with "UNIMPLEMENTED: " BK_NO_HISTORY. */
bk_call_t *bk_client_history(bk_client_t *c, const Moby__Buildkit__V1__BuildHistoryRequest *req,
                             bk_rpc_msg_cb on_msg, bk_rpc_end_cb on_end, void *arg);

#endif
