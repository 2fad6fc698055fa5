/* gRPC helpers shared by the Skaffold client and the simulator; see rpc_int.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/slice.h>
#include "core/xalloc.h"
#include "transport/rpc_int.h"

static const char *const status_names[] = {
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
    "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
    "UNAUTHENTICATED",
};

const char *rpc_status_name(int code)
{
    static char buf[32]; /* only for codes gRPC does not define */
    if (code >= 0 && (size_t)code < sizeof status_names / sizeof status_names[0])
        return status_names[code];
    snprintf(buf, sizeof buf, "STATUS_%d", code);
    return buf;
}

grpc_slice rpc_pack_slice(const ProtobufCMessage *msg)
{
    size_t n = protobuf_c_message_get_packed_size(msg);
    grpc_slice s = grpc_slice_malloc(n);
    protobuf_c_message_pack(msg, GRPC_SLICE_START_PTR(s));
    return s;
}

grpc_byte_buffer *rpc_pack(const ProtobufCMessage *msg)
{
    grpc_slice s = rpc_pack_slice(msg);
    grpc_byte_buffer *bb = grpc_raw_byte_buffer_create(&s, 1);
    grpc_slice_unref(s); /* the buffer holds its own reference */
    return bb;
}

bool rpc_flat(grpc_byte_buffer *bb, grpc_slice *out)
{
    /* The common case, one uncompressed slice, is taken as it is (no copy). */
    if (bb->type == GRPC_BB_RAW && bb->data.raw.compression == GRPC_COMPRESS_NONE &&
        bb->data.raw.slice_buffer.count == 1) {
        *out = grpc_slice_ref(bb->data.raw.slice_buffer.slices[0]);
        return true;
    }
    grpc_byte_buffer_reader rd;
    if (!grpc_byte_buffer_reader_init(&rd, bb))
        return false;
    *out = grpc_byte_buffer_reader_readall(&rd);
    grpc_byte_buffer_reader_destroy(&rd);
    return true;
}

ProtobufCMessage *rpc_unpack(grpc_byte_buffer *bb, const ProtobufCMessageDescriptor *desc,
                             ProtobufCAllocator *alloc)
{
    grpc_slice s;
    if (!rpc_flat(bb, &s))
        return NULL;
    ProtobufCMessage *m = protobuf_c_message_unpack(desc, alloc, GRPC_SLICE_LENGTH(s),
                                                    GRPC_SLICE_START_PTR(s));
    grpc_slice_unref(s);
    return m;
}

char *rpc_slice_strdup(grpc_slice s)
{
    size_t n = GRPC_SLICE_LENGTH(s);
    char *p = xmalloc(n + 1);
    memcpy(p, GRPC_SLICE_START_PTR(s), n);
    p[n] = '\0';
    return p;
}

int rpc_start_call(grpc_call *call, grpc_byte_buffer *send, const rpc_recv_t *recv, void *tag_md,
                   void *tag_status)
{
    grpc_op ops[4] = {{0}};
    ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
    ops[1].op = GRPC_OP_SEND_MESSAGE;
    ops[1].data.send_message.send_message = send;
    ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
    ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
    ops[3].data.recv_initial_metadata.recv_initial_metadata = recv->md_initial;
    if (grpc_call_start_batch(call, ops, 4, tag_md, NULL) != GRPC_CALL_OK)
        return -1;
    grpc_op st = {0};
    st.op = GRPC_OP_RECV_STATUS_ON_CLIENT;
    st.data.recv_status_on_client.trailing_metadata = recv->md_trailing;
    st.data.recv_status_on_client.status = recv->status;
    st.data.recv_status_on_client.status_details = recv->details;
    if (grpc_call_start_batch(call, &st, 1, tag_status, NULL) != GRPC_CALL_OK)
        return -2;
    return 0;
}
