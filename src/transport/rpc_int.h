/* Private helpers shared by the clients (src/transport) and the simulator
 * (src/sim): gRPC status names, method paths, protobuf <-> byte buffer. */
#ifndef SKVIEW_RPC_INT_H
#define SKVIEW_RPC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <grpc/grpc.h>
#include <protobuf-c/protobuf-c.h>

#define RPC_SERVICE "/proto.SkaffoldService/"
#define RPC_METHOD_GETSTATE RPC_SERVICE "GetState"
#define RPC_METHOD_EVENTS RPC_SERVICE "Events"
#define RPC_METHOD_EXECUTE RPC_SERVICE "Execute"
#define RPC_METHOD_AUTOBUILD RPC_SERVICE "AutoBuild"
#define RPC_METHOD_AUTOSYNC RPC_SERVICE "AutoSync"
#define RPC_METHOD_AUTODEPLOY RPC_SERVICE "AutoDeploy"
#define RPC_METHOD_HANDLE RPC_SERVICE "Handle"
/* Skaffold 2.x's second service (skaffold_v2.proto), on the same port. */
#define RPC_V2_SERVICE "/proto.v2.SkaffoldV2Service/"
#define RPC_METHOD_V2_EVENTS RPC_V2_SERVICE "Events"
#define RPC_METHOD_V2_APPLOGS RPC_V2_SERVICE "ApplicationLogs"

/* The receive limit both ends use: Skaffold's default is 4 MiB, skview takes
 * more so that a huge State never breaks the mirror. */
#define RPC_MAX_MESSAGE (16 << 20)

/* "ALREADY_EXISTS", "UNAVAILABLE", ...; "STATUS_n" for unknown codes. */
const char *rpc_status_name(int code);

/* Packs msg into a new byte buffer (the caller destroys it). */
grpc_byte_buffer *rpc_pack(const ProtobufCMessage *msg);
/* Packs msg into a new slice (the caller unrefs it). */
grpc_slice rpc_pack_slice(const ProtobufCMessage *msg);
/* The payload of a received buffer in one slice (decompressed; the one
 * slice itself when it is one, referenced); the caller unrefs it. false
 * when it cannot be read. */
bool rpc_flat(grpc_byte_buffer *bb, grpc_slice *out);
/* Decodes a received buffer as desc with allocator alloc (NULL = malloc).
 * Returns NULL when the bytes are not a valid message. */
ProtobufCMessage *rpc_unpack(grpc_byte_buffer *bb, const ProtobufCMessageDescriptor *desc,
                             ProtobufCAllocator *alloc);

/* Where a client call's answer lands. */
typedef struct rpc_recv {
    grpc_metadata_array *md_initial, *md_trailing;
    grpc_status_code *status;
    grpc_slice *details;
} rpc_recv_t;

/* Starts a client call that sends one request: batch 1 sends the initial
 * metadata, the message and the close, and receives the initial metadata
 * (completes with tag_md); batch 2 receives the status (tag_status). The
 * responses, if any, are read by RECV_MESSAGE batches of the caller's.
 * Returns 0; -1 when batch 1 could not start (nothing pending); -2 when
 * batch 2 could not start (batch 1 is pending: cancel the call). */
int rpc_start_call(grpc_call *call, grpc_byte_buffer *send, const rpc_recv_t *recv, void *tag_md,
                   void *tag_status);

/* The details slice of a status as a C string (malloc'd, never NULL). */
char *rpc_slice_strdup(grpc_slice s);

#endif
