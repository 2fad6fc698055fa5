/* Generic gRPC calls for the BuildKit client: any method, one request, any
 * number of response messages (a unary call is a stream of one), driven from
 * a libuv loop with the live client's threading pattern (client.h): a private
 * thread blocks in grpc_completion_queue_next(), decodes, re-arms the stream
 * and hands results over through a bounded locked queue and uv_async_send();
 * every callback runs on the loop thread.
 *
 * The Skaffold client's channel set-up and unary helper are private to
 * client.c and tied to its Events/GetState life cycle, so this file has its
 * own; it shares rpc_int.h (status names, packing, decoding) with it. */
#ifndef SKVIEW_BK_RPC_H
#define SKVIEW_BK_RPC_H

#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include <uv.h>

typedef struct bk_rpc bk_rpc_t;
typedef struct bk_call bk_call_t;

/* One response message, valid during the call. */
typedef void (*bk_rpc_msg_cb)(void *arg, const ProtobufCMessage *msg);
/* The end of a call, exactly once: code is a grpc_status_code; message is
 * "NAME: details" ("" for OK). */
typedef void (*bk_rpc_end_cb)(void *arg, int code, const char *message);

typedef struct bk_rpc_req {
    const char *method;                          /* "/pkg.Service/Method" */
    const ProtobufCMessage *request;
    const ProtobufCMessageDescriptor *response;
    uint32_t deadline_ms;                        /* 0: none (streams) */
    const char *unimplemented;                   /* replaces the message of UNIMPLEMENTED */
    bk_rpc_msg_cb on_msg;
    bk_rpc_end_cb on_end;
    void *arg;
} bk_rpc_req_t;

/* target is what gRPC dials ("unix:///path", "host:port"). Calls grpc_init. */
bk_rpc_t *bk_rpc_new(uv_loop_t *loop, const char *target, uint32_t max_message);
/* NULL when the call cannot start (stopping, or gRPC refused). */
bk_call_t *bk_rpc_call(bk_rpc_t *r, const bk_rpc_req_t *req);
/* Asks the server to stop; on_end still follows (CANCELLED). */
void bk_rpc_cancel(bk_call_t *call);
/* Cancels every call; done(arg) runs on the loop thread once all calls, the
 * channel, the thread and the handles are gone. */
void bk_rpc_stop(bk_rpc_t *r, void (*done)(void *arg), void *arg);
/* After stop completed. Calls grpc_shutdown. */
void bk_rpc_free(bk_rpc_t *r);

#endif
