/* gRPC C core server helpers shared by the simulator's two servers
 * (server.c: proto.SkaffoldService; bk_server.c: moby.buildkit.v1.Control):
 * creating the server and binding it, registering methods, requesting
 * calls, and the send/status batches. The servers keep their own threading
 * (server.c a pump on two queues, bk_server.c a thread per call). */
#ifndef SKVIEW_SIM_SRV_H
#define SKVIEW_SIM_SRV_H

#include <stdbool.h>
#include <stddef.h>
#include <grpc/grpc.h>

/* Where a requested call lands. */
typedef struct srv_slot {
    grpc_call *call;
    gpr_timespec deadline;
    grpc_metadata_array md;
    grpc_byte_buffer *payload;     /* the request, read with the call */
} srv_slot_t;

/* A server with notify registered as a completion queue for its calls. */
grpc_server *srv_new(grpc_completion_queue *notify);
/* A method whose request arrives with the call. */
void *srv_method(grpc_server *s, const char *path);
/* Listens on addr (insecure); the bound port, or -1 with "skview-sim:
 * WHO cannot listen on ADDR" on stderr (who "" or "buildkit: "). */
int srv_bind(grpc_server *s, const char *addr, const char *who);
/* Asks for the next call of method into slot (bound: the call's queue,
 * notify: where tag completes). -1 with a sentence naming what on stderr. */
int srv_request(grpc_server *s, void *method, srv_slot_t *slot, grpc_completion_queue *bound,
                grpc_completion_queue *notify, void *tag, const char *what);
/* Fills ops (room for 3) for one send: the initial metadata unless
 * *md_sent, msg if not NULL, the status if code is not NULL (details may
 * be NULL). Returns the count; sets *md_sent. */
size_t srv_send_ops(grpc_op *ops, bool *md_sent, grpc_byte_buffer *msg, const grpc_status_code *code,
                    grpc_slice *details);
/* A completion-queue thread's loop: on(arg, tag, success) for every
 * completed op until the queue is shut down and drained. */
void srv_run(grpc_completion_queue *cq, void (*on)(void *arg, void *tag, int success), void *arg);
/* Stops accepting calls, cancels those in flight; tag completes on cq once
 * every call is over. */
void srv_shutdown(grpc_server *s, grpc_completion_queue *cq, void *tag);

#endif
