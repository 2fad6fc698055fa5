/* The floor of `make bench`'s live streams (tests/bench/bench_live.sh): what
 * gRPC C core alone costs per message on the stream skview reads, the way
 * skview's engine reads it (src/transport/engine.c): one completion-queue
 * thread, one RECV_MESSAGE batch per message, nothing printed. With
 * --decode each message is also unpacked with protobuf-c into a bump
 * arena reused per message (the engine's rpc_unpack and chunk allocator).
 *
 * usage: bench_floor [--decode] [--count N] events|applogs ADDR [QUIET_MS]
 *
 * It stops at the end of the stream, or once no message came for QUIET_MS
 * (default 300) after the first, like bench_go and `skview logs -a`, or
 * after N messages (a stream that never ends, on a machine so busy that
 * its server can pause for longer than the quiet). Prints
 * one line in bench_go's words:
 *
 *   floor: N entries in T s = R entries/s, CPU U s user + S s sys (B bytes)
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>
#include <grpc/support/time.h>
#include "skaffold.pb-c.h"
#include "v2/skaffold_v2.pb-c.h"
#include "google/protobuf/empty.pb-c.h"
#include "transport/rpc_int.h"

/* A bump arena for --decode, emptied before each message. */
typedef struct arena {
    size_t used;
    max_align_t data[(1 << 16) / sizeof(max_align_t)];
} arena_t;

static void *arena_alloc(void *ctx, size_t n)
{
    arena_t *a = ctx;
    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    if (a->used + n > sizeof a->data)
        return malloc(n); /* never for this stream's messages; leaks if so */
    void *p = (char *)a->data + a->used;
    a->used += n;
    return p;
}

static void arena_free(void *ctx, void *p) { (void)ctx, (void)p; }

typedef struct run {
    grpc_completion_queue *cq;
    grpc_call *call;
    const ProtobufCMessageDescriptor *desc; /* NULL: no decode */
    arena_t arena;
    long n, bytes, bad;
    long count;                             /* stop after this many; 0: no limit */
    double first, last;
} run_t;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_floor: %s\n", what);
    exit(1);
}

/* Unpacks bb as r->desc the engine's way (rpc_unpack: one uncompressed
 * slice in place). */
static void decode(run_t *r, grpc_byte_buffer *bb)
{
    ProtobufCAllocator a = {arena_alloc, arena_free, &r->arena};
    r->arena.used = 0;
    if (!rpc_unpack(bb, r->desc, &a))
        r->bad++;
}

/* The call as the engine starts it (rpc_start_call): tags 1 (headers)
 * and 2 (status). */
static void start(run_t *r, grpc_channel *ch, const char *method, const rpc_recv_t *recv)
{
    grpc_slice m = grpc_slice_from_static_string(method);
    r->call = grpc_channel_create_call(ch, NULL, GRPC_PROPAGATE_DEFAULTS, r->cq, m, NULL,
                                       gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
    Google__Protobuf__Empty empty = GOOGLE__PROTOBUF__EMPTY__INIT;
    grpc_byte_buffer *req = rpc_pack(&empty.base);
    if (!r->call || rpc_start_call(r->call, req, recv, (void *)1, (void *)2) != 0)
        die("cannot start the call");
    grpc_byte_buffer_destroy(req);
}

static void arm(run_t *r, grpc_byte_buffer **buf)
{
    grpc_op op = {0};
    op.op = GRPC_OP_RECV_MESSAGE;
    op.data.recv_message.recv_message = buf;
    if (grpc_call_start_batch(r->call, &op, 1, (void *)3, NULL) != GRPC_CALL_OK)
        die("cannot arm RECV_MESSAGE");
}

/* One received message (tag 3): counted, maybe decoded, the next armed.
 * Returns false at the end of the stream. */
static bool take(run_t *r, grpc_byte_buffer **buf, bool success)
{
    if (!success || !*buf)
        return false;
    if (!r->n)
        r->first = now();
    r->n++;
    r->last = now();
    r->bytes += (long)grpc_byte_buffer_length(*buf);
    if (r->desc)
        decode(r, *buf);
    grpc_byte_buffer_destroy(*buf);
    *buf = NULL;
    if (r->count && r->n >= r->count) {
        grpc_call_cancel(r->call, NULL);
        return false;
    }
    arm(r, buf);
    return true;
}

/* Reads until the stream ends, or quiet seconds passed without a message
 * after the first (then cancels); returns once the status arrived. */
static void pump(run_t *r, double quiet)
{
    grpc_byte_buffer *buf = NULL;
    bool recv = true, status = false;
    arm(r, &buf);
    while (recv || !status) {
        gpr_timespec until = r->n && recv
            ? gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis((int64_t)(quiet * 1e3), GPR_TIMESPAN))
            : gpr_inf_future(GPR_CLOCK_REALTIME);
        grpc_event ev = grpc_completion_queue_next(r->cq, until, NULL);
        if (ev.type == GRPC_QUEUE_TIMEOUT) {
            if (now() - r->last >= quiet)
                grpc_call_cancel(r->call, NULL);
            continue;
        }
        if (ev.tag == (void *)3)
            recv = take(r, &buf, ev.success);
        else if (ev.tag == (void *)2)
            status = true;
    }
}

static double tv(struct timeval t) { return (double)t.tv_sec + (double)t.tv_usec / 1e6; }

/* The options before the stream's name; returns where it is. */
static int options(run_t *r, int argc, char **argv, bool *dec)
{
    int a = 1;
    for (; a < argc && !strncmp(argv[a], "--", 2); a++) {
        if (!strcmp(argv[a], "--decode"))
            *dec = true;
        else if (!strcmp(argv[a], "--count") && a + 1 < argc)
            r->count = atol(argv[++a]);
        else
            die("unknown option (--decode, --count N)");
    }
    if (argc - a < 2)
        die("usage: bench_floor [--decode] [--count N] events|applogs ADDR [QUIET_MS]");
    return a;
}

int main(int argc, char **argv)
{
    run_t *r = calloc(1, sizeof *r);
    bool dec = false;
    int a = options(r, argc, argv, &dec);
    bool events = strcmp(argv[a], "events") == 0;
    if (!events && strcmp(argv[a], "applogs") != 0)
        die("unknown stream (events or applogs)");
    const char *method = events ? "/proto.SkaffoldService/Events" : "/proto.v2.SkaffoldV2Service/ApplicationLogs";
    if (dec)
        r->desc = events ? &proto__log_entry__descriptor : &proto__v2__event__descriptor;
    double quiet = (argc - a > 2 ? atof(argv[a + 2]) : 300) / 1e3;
    grpc_init();
    grpc_arg arg = {GRPC_ARG_INTEGER, (char *)GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, {.integer = 16 << 20}};
    grpc_channel_args ca = {1, &arg};
    grpc_channel_credentials *creds = grpc_insecure_credentials_create();
    grpc_channel *ch = grpc_channel_create(argv[a + 1], creds, &ca);
    grpc_channel_credentials_release(creds);
    r->cq = grpc_completion_queue_create_for_next(NULL);
    grpc_metadata_array md[2];
    grpc_metadata_array_init(&md[0]);
    grpc_metadata_array_init(&md[1]);
    grpc_status_code status;
    grpc_slice details;
    start(r, ch, method, &(rpc_recv_t){&md[0], &md[1], &status, &details});
    pump(r, quiet);
    if (status != GRPC_STATUS_OK && status != GRPC_STATUS_CANCELLED)
        fprintf(stderr, "bench_floor: the stream ended with status %d\n", (int)status), exit(1);
    if (r->bad)
        fprintf(stderr, "bench_floor: %ld messages did not decode\n", r->bad), exit(1);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double t = r->last - r->first;
    printf("floor: %ld entries in %.2f s = %.0f entries/s, CPU %.2f s user + %.2f s sys (%ld bytes)\n",
           r->n, t, t > 0 ? (double)r->n / t : 0, tv(ru.ru_utime), tv(ru.ru_stime), r->bytes);
    return 0;
}
