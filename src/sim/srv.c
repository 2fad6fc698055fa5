/* The simulator's shared gRPC server helpers; see srv.h. */
#include <stdio.h>
#include <grpc/grpc_security.h>
#include <grpc/support/time.h>
#include "sim/srv.h"

grpc_server *srv_new(grpc_completion_queue *notify)
{
    /* No SO_REUSEPORT (gRPC core's default is on): Skaffold's grpc-go
     * server fails on a taken port, and two simulators sharing one would
     * split its connections between them. */
    grpc_arg no_reuse = {.type = GRPC_ARG_INTEGER, .key = GRPC_ARG_ALLOW_REUSEPORT, .value.integer = 0};
    grpc_channel_args args = {.num_args = 1, .args = &no_reuse};
    grpc_server *s = grpc_server_create(&args, NULL);
    grpc_server_register_completion_queue(s, notify, NULL);
    return s;
}

void *srv_method(grpc_server *s, const char *path)
{
    return grpc_server_register_method(s, path, NULL, GRPC_SRM_PAYLOAD_READ_INITIAL_BYTE_BUFFER, 0);
}

int srv_bind(grpc_server *s, const char *addr, const char *who)
{
    grpc_server_credentials *creds = grpc_insecure_server_credentials_create();
    int port = grpc_server_add_http2_port(s, addr, creds);
    grpc_server_credentials_release(creds);
    if (port <= 0) {
        fprintf(stderr, "skview-sim: %scannot listen on %s\n", who, addr);
        return -1;
    }
    return port;
}

int srv_request(grpc_server *s, void *method, srv_slot_t *slot, grpc_completion_queue *bound,
                grpc_completion_queue *notify, void *tag, const char *what)
{
    slot->call = NULL;
    slot->payload = NULL;
    grpc_metadata_array_init(&slot->md);
    grpc_call_error e = grpc_server_request_registered_call(s, method, &slot->call, &slot->deadline, &slot->md,
                                                            &slot->payload, bound, notify, tag);
    if (e != GRPC_CALL_OK) {
        fprintf(stderr, "skview-sim: %s: cannot request a call (error %d)\n", what, e);
        grpc_metadata_array_destroy(&slot->md);
        return -1;
    }
    return 0;
}

size_t srv_send_ops(grpc_op *ops, bool *md_sent, grpc_byte_buffer *msg, const grpc_status_code *code,
                    grpc_slice *details)
{
    size_t n = 0;
    if (!*md_sent)
        ops[n++] = (grpc_op){.op = GRPC_OP_SEND_INITIAL_METADATA};
    if (msg) {
        ops[n] = (grpc_op){.op = GRPC_OP_SEND_MESSAGE};
        ops[n++].data.send_message.send_message = msg;
    }
    if (code) {
        ops[n] = (grpc_op){.op = GRPC_OP_SEND_STATUS_FROM_SERVER};
        ops[n].data.send_status_from_server.status = *code;
        ops[n++].data.send_status_from_server.status_details = details;
    }
    *md_sent = true;
    return n;
}

void srv_shutdown(grpc_server *s, grpc_completion_queue *cq, void *tag)
{
    grpc_server_shutdown_and_notify(s, cq, tag);
    grpc_server_cancel_all_calls(s);
}

void srv_run(grpc_completion_queue *cq, void (*on)(void *arg, void *tag, int success), void *arg)
{
    for (;;) {
        grpc_event ev = grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        if (ev.type == GRPC_QUEUE_SHUTDOWN)
            return;
        if (ev.type == GRPC_OP_COMPLETE)
            on(arg, ev.tag, ev.success);
    }
}
