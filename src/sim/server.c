/* The simulator's gRPC server: proto.SkaffoldService on gRPC C core.
 *
 * Unary calls are answered on the control thread as soon as they arrive.
 * Events subscribers are fed by a pump: each has at most one send in flight;
 * its completion (stream thread) or a new log entry (any thread) sends the
 * next one. No GRPC_WRITE_BUFFER_HINT: in gRPC 1.51 a hinted send completes
 * only when something else makes the transport write, so a fresh stream
 * whose client sends nothing else (a Python client) never gets its first
 * message. Plain sends measured faster anyway (chttp2 already coalesces the
 * sends that queue up while a write is in progress). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>
#include "core/xalloc.h"
#include "skaffold/entryfmt.h"
#include "transport/rpc_int.h"
#include "core/pbjson.h"
#include "sim/sim_int.h"
#include "sim/srv.h"

typedef enum sim_method {
    M_GETSTATE, M_EVENTS, M_EXECUTE, M_AUTOBUILD, M_AUTOSYNC, M_AUTODEPLOY, M_HANDLE,
    /* proto.v2.SkaffoldV2Service (not registered with --no-v2) */
    M2_GETSTATE, M2_EVENTS, M2_APPLOGS, M2_EXECUTE, M2_AUTOBUILD, M2_AUTOSYNC, M2_AUTODEPLOY, M2_HANDLE,
    M__COUNT
} sim_method_t;

#define V2_SERVICE "/proto.v2.SkaffoldV2Service/"

static const char *const method_paths[M__COUNT] = {
    RPC_METHOD_GETSTATE, RPC_METHOD_EVENTS, RPC_METHOD_EXECUTE, RPC_METHOD_AUTOBUILD,
    RPC_METHOD_AUTOSYNC, RPC_METHOD_AUTODEPLOY, RPC_METHOD_HANDLE,
    V2_SERVICE "GetState", V2_SERVICE "Events", V2_SERVICE "ApplicationLogs", V2_SERVICE "Execute",
    V2_SERVICE "AutoBuild", V2_SERVICE "AutoSync", V2_SERVICE "AutoDeploy", V2_SERVICE "Handle",
};

static bool method_streams(sim_method_t m)
{
    return m == M_EVENTS || m == M2_EVENTS || m == M2_APPLOGS;
}

static bool method_served(sim_method_t m)
{
    if ((m == M2_EVENTS && sim.opts.no_v2_events) || (m == M2_APPLOGS && sim.opts.no_v2_applogs))
        return false;
    return m < M2_GETSTATE || !sim.opts.no_v2;
}

/* One outstanding grpc_server_request_registered_call per method. */
typedef struct sim_req {
    sim_tag_t tag;
    sim_method_t method;
    void *handle;
    srv_slot_t slot;
} sim_req_t;

/* A unary answer in flight. */
typedef struct sim_unary {
    sim_tag_t tag;
    grpc_call *call;
    grpc_byte_buffer *resp;
    grpc_slice details;
    int cancelled;
} sim_unary_t;

/* A call to a method nobody registered: answered UNIMPLEMENTED, as a gRPC
 * server without that service does (Skaffold 1.x for proto.v2). */
typedef struct sim_generic {
    sim_tag_t tag;
    grpc_call *call;
    grpc_call_details details;
    grpc_metadata_array md;
} sim_generic_t;

static sim_req_t reqs[M__COUNT];
static sim_generic_t generic;
static sim_tag_t shutdown_tag = {SIM_TAG_SHUTDOWN, NULL};
static pthread_t th_ctrl, th_stream;
static bool server_down;

/* ---- Events subscribers -------------------------------------------------- */

/* What s streams: its log (base: the absolute number of log[0]), and the
 * flood that follows it. */
typedef struct sim_src {
    const grpc_slice *log;
    uint64_t base, n;
    const grpc_slice *flood;
    size_t n_flood;
    uint64_t flood_total;
    bool flood_ready;
} sim_src_t;

static sim_src_t sub_src(const sim_sub_t *s)
{
    switch (s->stream) {
    case SIM_STREAM_V2:
        return (sim_src_t){sim.hist2, 0, sim.n_hist2, NULL, 0, 0, false};
    case SIM_STREAM_APPLOGS:
        /* --log-flood: after the normal start (the first dev loop). */
        return (sim_src_t){sim.applog, sim.applog_base, sim.applog_base + sim.n_applog, sim.logflood,
                           sim.n_logflood, sim.opts.log_flood, sim.started};
    default:
        return (sim_src_t){sim.hist, 0, sim.n_hist, sim.flood, sim.n_flood, sim.opts.flood, true};
    }
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* --log-flood-rate: whether s's flood is ahead of the rate (then the pacer
 * sends its next message, within a millisecond). */
static bool sub_ahead(sim_sub_t *s, const sim_src_t *src)
{
    uint64_t rate = sim.opts.log_flood_rate;
    if (!rate || s->stream != SIM_STREAM_APPLOGS)
        return false;
    int64_t now = mono_ns();
    if (!s->flood_t0)
        s->flood_t0 = now;
    uint64_t sent = src->flood_total - s->flood_left;
    s->paced = sent >= (uint64_t)((double)(now - s->flood_t0) * (double)rate / 1e9) + 1;
    return s->paced;
}

/* Picks the next message for s: its log first, then the flood. */
static const grpc_slice *sub_next_msg(sim_sub_t *s, bool *more)
{
    sim_src_t src = sub_src(s);
    if (s->next_idx < src.base)
        s->next_idx = src.base;
    if (s->next_idx < src.n) {
        const grpc_slice *m = &src.log[s->next_idx++ - src.base];
        *more = s->next_idx < src.n || s->flood_left > 0;
        return m;
    }
    if (s->flood_left > 0 && src.flood_ready && !sub_ahead(s, &src)) {
        uint64_t i = src.flood_total - s->flood_left--;
        *more = s->flood_left > 0;
        return &src.flood[i % src.n_flood];
    }
    return NULL;
}

/* A flood ends its stream, so benchmarks see a clean end. */
static bool sub_flooded(const sim_sub_t *s)
{
    return s->flood_left == 0 && (s->stream == SIM_STREAM_V1 ? sim.opts.flood
                                  : s->stream == SIM_STREAM_APPLOGS ? sim.opts.log_flood : 0);
}

/* --v2-fail: that v2 stream ends UNAVAILABLE before its first message. */
static bool sub_fail_locked(sim_sub_t *s)
{
    unsigned bit = s->stream == SIM_STREAM_V2 ? 1 : s->stream == SIM_STREAM_APPLOGS ? 2 : 0;
    if (!(sim.opts.v2_fail & bit))
        return false;
    static const grpc_status_code code = GRPC_STATUS_UNAVAILABLE;
    static grpc_slice details;
    details = grpc_slice_from_static_string("skview-sim --v2-fail: this stream fails");
    grpc_op ops[3];
    size_t n = srv_send_ops(ops, &s->md_sent, NULL, &code, &details);
    s->status_sent = true;
    if (grpc_call_start_batch(s->call, ops, n, &s->tag_send, NULL) != GRPC_CALL_OK) {
        s->dead = true;
        return true;
    }
    s->send_pending = true;
    return true;
}

/* In a flood, the transport may hold a message for the next ones (one write
 * for many, not one per message), except every SIM_FLOOD_FLUSH-th and the
 * last, which carries the status: nothing waits for more than that. */
#define SIM_FLOOD_FLUSH 32

void sim_pump_locked(sim_sub_t *s)
{
    if (s->send_pending || s->dead || s->status_sent || sim.stopping || sim.exit_requested)
        return;
    if (sub_fail_locked(s))
        return;
    bool more = false;
    const grpc_slice *msg = sub_next_msg(s, &more);
    if (msg)
        s->send_buf = grpc_raw_byte_buffer_create((grpc_slice *)msg, 1);
    static const grpc_status_code ok = GRPC_STATUS_OK;
    bool last = msg && !more && sub_flooded(s);
    grpc_op ops[3];
    size_t n = srv_send_ops(ops, &s->md_sent, msg ? s->send_buf : NULL, last ? &ok : NULL, NULL);
    s->status_sent |= last;
    if (n == 0)
        return;
    if (msg && more && ops[0].op == GRPC_OP_SEND_MESSAGE && s->next_idx >= sub_src(s).n && s->flood_left % SIM_FLOOD_FLUSH)
        ops[n - 1].flags |= GRPC_WRITE_BUFFER_HINT;
    if (grpc_call_start_batch(s->call, ops, n, &s->tag_send, NULL) != GRPC_CALL_OK) {
        fprintf(stderr, "skview-sim: Events: cannot send to a subscriber\n");
        s->dead = true;
        return;
    }
    s->send_pending = true;
}

/* Frees s once its call is closed and nothing of it is in flight. */
static void sub_maybe_free_locked(sim_sub_t *s)
{
    if (!s->closed || s->send_pending)
        return;
    for (sim_sub_t **p = &sim.subs; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            break;
        }
    grpc_call_unref(s->call);
    bool applogs = s->stream == SIM_STREAM_APPLOGS;
    free(s);
    if (applogs)
        sim_v2_trim_locked();
}

static void sub_on_send(sim_sub_t *s, int success)
{
    pthread_mutex_lock(&sim.mu);
    s->send_pending = false;
    if (s->send_buf) {
        grpc_byte_buffer_destroy(s->send_buf);
        s->send_buf = NULL;
        if (success && ++sim.streamed >= sim.opts.exit_after && sim.opts.exit_after)
            sim_request_exit();
    }
    if (!success)
        s->dead = true;
    sim_pump_locked(s);
    sub_maybe_free_locked(s);
    pthread_mutex_unlock(&sim.mu);
}

static void sub_on_close(sim_sub_t *s)
{
    pthread_mutex_lock(&sim.mu);
    s->closed = s->dead = true;
    sub_maybe_free_locked(s);
    pthread_mutex_unlock(&sim.mu);
}

static void sub_start(grpc_call *call, sim_stream_t stream)
{
    sim_sub_t *s = xcalloc(1, sizeof *s);
    s->tag_send = (sim_tag_t){SIM_TAG_SEND, s};
    s->tag_close = (sim_tag_t){SIM_TAG_CLOSE, s};
    s->call = call;
    s->stream = stream;
    s->flood_left = stream == SIM_STREAM_V1 ? sim.opts.flood : stream == SIM_STREAM_APPLOGS ? sim.opts.log_flood : 0;
    grpc_op op = {0};
    op.op = GRPC_OP_RECV_CLOSE_ON_SERVER;
    op.data.recv_close_on_server.cancelled = &s->cancelled;
    pthread_mutex_lock(&sim.mu);
    if (grpc_call_start_batch(call, &op, 1, &s->tag_close, NULL) != GRPC_CALL_OK) {
        pthread_mutex_unlock(&sim.mu);
        fprintf(stderr, "skview-sim: Events: cannot start the call\n");
        grpc_call_cancel(call, NULL);
        grpc_call_unref(call);
        free(s);
        return;
    }
    s->next = sim.subs;
    sim.subs = s;
    /* ApplicationLogs replays the current dev loop's lines only. */
    if (stream == SIM_STREAM_APPLOGS)
        s->next_idx = sim.applog_start;
    sim_pump_locked(s);
    pthread_mutex_unlock(&sim.mu);
}

/* ---- unary handlers -------------------------------------------------------- */

void sim_answer_error(sim_answer_t *a, grpc_status_code code, const char *msg)
{
    a->code = code;
    snprintf(a->msg, sizeof a->msg, "%s", msg);
}

#define answer_error sim_answer_error
#define payload_unpack sim_payload_unpack

ProtobufCMessage *sim_payload_unpack(grpc_byte_buffer *bb, const ProtobufCMessageDescriptor *d)
{
    if (!bb) {
        /* An empty request arrives without a buffer: decode zero bytes. */
        return protobuf_c_message_unpack(d, NULL, 0, (const uint8_t *)"");
    }
    return rpc_unpack(bb, d, NULL);
}

static void on_execute(grpc_byte_buffer *bb, sim_answer_t *a)
{
    Proto__UserIntentRequest *req =
        (Proto__UserIntentRequest *)payload_unpack(bb, &proto__user_intent_request__descriptor);
    if (!req) {
        answer_error(a, GRPC_STATUS_INVALID_ARGUMENT, "cannot decode UserIntentRequest");
        return;
    }
    const Proto__Intent *in = req->intent;
    bool b = in && in->build, s = in && in->sync, d = in && in->deploy;
    char line[128];
    snprintf(line, sizeof line, "{\"method\":\"Execute\",\"build\":%s,\"sync\":%s,\"deploy\":%s}",
             b ? "true" : "false", s ? "true" : "false", d ? "true" : "false");
    sim_log_call(line);
    unsigned phases = (b ? SIM_BUILD : 0) | (s ? SIM_SYNC : 0) | (d ? SIM_DEPLOY : 0);
    if (phases) {
        pthread_mutex_lock(&sim.mu);
        sim_reset_locked(phases);
        sim_scenario_kick_locked(phases);
        pthread_mutex_unlock(&sim.mu);
    }
    protobuf_c_message_free_unpacked(&req->base, NULL);
}

static void on_auto(sim_method_t m, grpc_byte_buffer *bb, sim_answer_t *a)
{
    static const char *const names[] = {"AutoBuild", "AutoSync", "AutoDeploy"};
    static const char *const words[] = {"build", "sync", "deploy"};
    static const unsigned phase[] = {SIM_BUILD, SIM_SYNC, SIM_DEPLOY};
    int i = m - M_AUTOBUILD;
    Proto__TriggerRequest *req =
        (Proto__TriggerRequest *)payload_unpack(bb, &proto__trigger_request__descriptor);
    if (!req) {
        answer_error(a, GRPC_STATUS_INVALID_ARGUMENT, "cannot decode TriggerRequest");
        return;
    }
    bool present = req->state && req->state->val_case == PROTO__TRIGGER_STATE__VAL_ENABLED;
    bool enabled = present && req->state->enabled;
    protobuf_c_message_free_unpacked(&req->base, NULL);
    char line[128];
    snprintf(line, sizeof line, "{\"method\":\"%s\",\"enabled_present\":%s,\"enabled\":%s}", names[i],
             present ? "true" : "false", enabled ? "true" : "false");
    sim_log_call(line);
    if (!present) {
        answer_error(a, GRPC_STATUS_INVALID_ARGUMENT, "missing required boolean parameter 'enabled'");
        return;
    }
    pthread_mutex_lock(&sim.mu);
    bool *flag = i == 0 ? &sim.auto_build : i == 1 ? &sim.auto_sync : &sim.auto_deploy;
    if (*flag == enabled) {
        pthread_mutex_unlock(&sim.mu);
        snprintf(a->msg, sizeof a->msg, "auto %s is already set to %s", words[i], enabled ? "true" : "false");
        a->code = GRPC_STATUS_ALREADY_EXISTS;
        return;
    }
    *flag = enabled;
    if (enabled) {
        /* Switching build or deploy on resets that phase (AutoSync resets
         * nothing); a change that waited for this trigger runs now. */
        sim_reset_locked(phase[i]);
        if (i < 2 && (sim_scenario_waiting_locked() & phase[i]))
            sim_scenario_kick_locked(phase[i]);
    }
    pthread_mutex_unlock(&sim.mu);
}

static void on_handle(grpc_byte_buffer *bb, sim_answer_t *a)
{
    Proto__Event *ev = (Proto__Event *)payload_unpack(bb, &proto__event__descriptor);
    if (!ev) {
        answer_error(a, GRPC_STATUS_INVALID_ARGUMENT, "cannot decode Event");
        return;
    }
    strbuf_t sb;
    sb_init(&sb);
    sb_adds(&sb, "{\"method\":\"Handle\",\"event\":");
    pbjson_write(&sb, &ev->base);
    sb_addc(&sb, '}');
    sim_log_call(sb.data);
    /* Skaffold logs a handled event like its own, with a sentence. */
    Google__Protobuf__Timestamp ts = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
    int64_t now = sim_now_ns();
    ts.seconds = now / 1000000000;
    ts.nanos = (int32_t)(now % 1000000000);
    Proto__LogEntry e = PROTO__LOG_ENTRY__INIT;
    e.timestamp = &ts;
    e.event = ev;
    sb_reset(&sb);
    entry_text(&sb, &e);
    sb_addc(&sb, '\0');
    e.entry = sb.data;
    sim_emit(&e);
    sb_free(&sb);
    protobuf_c_message_free_unpacked(&ev->base, NULL);
}

static void unary_answer(grpc_call *call, sim_answer_t *a)
{
    sim_unary_t *u = xcalloc(1, sizeof *u);
    u->tag = (sim_tag_t){SIM_TAG_UNARY, u};
    u->call = call;
    if (a->code == GRPC_STATUS_OK && !a->resp) {
        Google__Protobuf__Empty empty = GOOGLE__PROTOBUF__EMPTY__INIT;
        a->resp = rpc_pack(&empty.base);
    }
    u->resp = a->code == GRPC_STATUS_OK ? a->resp : NULL;
    u->details = grpc_slice_from_copied_string(a->msg);
    grpc_op ops[4];
    bool md_sent = false;
    size_t n = srv_send_ops(ops, &md_sent, u->resp, &a->code, &u->details);
    ops[n] = (grpc_op){.op = GRPC_OP_RECV_CLOSE_ON_SERVER};
    ops[n++].data.recv_close_on_server.cancelled = &u->cancelled;
    if (grpc_call_start_batch(call, ops, n, &u->tag, NULL) != GRPC_CALL_OK) {
        fprintf(stderr, "skview-sim: cannot answer a call\n");
        grpc_call_cancel(call, NULL);
        grpc_call_unref(call);
        if (u->resp)
            grpc_byte_buffer_destroy(u->resp);
        grpc_slice_unref(u->details);
        free(u);
    }
}

static void unary_done(sim_unary_t *u)
{
    grpc_call_unref(u->call);
    if (u->resp)
        grpc_byte_buffer_destroy(u->resp);
    grpc_slice_unref(u->details);
    free(u);
}

static void handle_unary(sim_method_t m, grpc_call *call, grpc_byte_buffer *payload)
{
    sim_answer_t a = {GRPC_STATUS_OK, "", NULL};
    switch (m) {
    case M_GETSTATE:
        a.resp = sim_state_pack();
        break;
    case M_EXECUTE:
        on_execute(payload, &a);
        break;
    case M_AUTOBUILD:
    case M_AUTOSYNC:
    case M_AUTODEPLOY:
        on_auto(m, payload, &a);
        break;
    case M_HANDLE:
        on_handle(payload, &a);
        break;
    case M2_GETSTATE:
        a.resp = sim_state2_pack();
        break;
    case M2_EXECUTE:
        sim_v2_execute(payload, &a);
        break;
    case M2_AUTOBUILD:
    case M2_AUTOSYNC:
    case M2_AUTODEPLOY:
        sim_v2_auto((int)(m - M2_AUTOBUILD), payload, &a);
        break;
    case M2_HANDLE:
        sim_v2_handle(payload, &a);
        break;
    default:
        break;
    }
    unary_answer(call, &a);
}

/* ---- requested calls -------------------------------------------------------- */

static int req_arm(sim_req_t *r)
{
    grpc_completion_queue *bound = method_streams(r->method) ? sim.cq_stream : sim.cq_ctrl;
    return srv_request(sim.server, r->handle, &r->slot, bound, sim.cq_ctrl, &r->tag, method_paths[r->method]);
}

static void req_arrived(sim_req_t *r, int success)
{
    grpc_call *call = r->slot.call;
    grpc_byte_buffer *payload = r->slot.payload;
    grpc_metadata_array_destroy(&r->slot.md);
    if (!success) /* the server is shutting down */
        return;
    if (!server_down)
        req_arm(r);
    if (method_streams(r->method))
        sub_start(call, r->method == M_EVENTS ? SIM_STREAM_V1 : r->method == M2_EVENTS ? SIM_STREAM_V2
                                                                                      : SIM_STREAM_APPLOGS);
    else
        handle_unary(r->method, call, payload);
    if (payload)
        grpc_byte_buffer_destroy(payload);
}

static int generic_arm(void)
{
    generic.call = NULL;
    grpc_call_details_init(&generic.details);
    grpc_metadata_array_init(&generic.md);
    grpc_call_error e = grpc_server_request_call(sim.server, &generic.call, &generic.details, &generic.md,
                                                 sim.cq_ctrl, sim.cq_ctrl, &generic.tag);
    if (e != GRPC_CALL_OK) {
        fprintf(stderr, "skview-sim: cannot request unknown calls (error %d)\n", e);
        grpc_call_details_destroy(&generic.details);
        grpc_metadata_array_destroy(&generic.md);
        return -1;
    }
    return 0;
}

/* As Go's gRPC server words it: "unknown service S" when no method of the
 * service is served, else "unknown method M for service S". */
static void generic_arrived(int success)
{
    grpc_call *call = generic.call;
    char *path = grpc_slice_to_c_string(generic.details.method);
    grpc_call_details_destroy(&generic.details);
    grpc_metadata_array_destroy(&generic.md);
    if (!success) {
        gpr_free(path);
        return;
    }
    if (!server_down)
        generic_arm();
    sim_answer_t a = {GRPC_STATUS_UNIMPLEMENTED, "", NULL};
    const char *p = path[0] == '/' ? path + 1 : path, *slash = strchr(p, '/');
    int svc = slash ? (int)(slash - p) : (int)strlen(p);
    static const char v1[] = "proto.SkaffoldService", v2[] = "proto.v2.SkaffoldV2Service";
    bool known = (svc == (int)sizeof v1 - 1 && !strncmp(p, v1, sizeof v1 - 1)) ||
                 (!sim.opts.no_v2 && svc == (int)sizeof v2 - 1 && !strncmp(p, v2, sizeof v2 - 1));
    if (known)
        snprintf(a.msg, sizeof a.msg, "unknown method %s for service %.*s", slash ? slash + 1 : "", svc, p);
    else
        snprintf(a.msg, sizeof a.msg, "unknown service %.*s", svc, p);
    gpr_free(path);
    unary_answer(call, &a);
}

/* ---- threads --------------------------------------------------------------------- */

static void ctrl_event(void *arg, void *tag, int success)
{
    (void)arg;
    sim_tag_t *t = tag;
    if (t->kind == SIM_TAG_REQUEST) {
        req_arrived(t->owner, success);
    } else if (t->kind == SIM_TAG_GENERIC) {
        generic_arrived(success);
    } else if (t->kind == SIM_TAG_UNARY) {
        unary_done(t->owner);
    } else if (t->kind == SIM_TAG_SHUTDOWN) {
        pthread_mutex_lock(&sim.mu);
        server_down = true;
        pthread_cond_broadcast(&sim.cond);
        pthread_mutex_unlock(&sim.mu);
    }
}

static void *ctrl_main(void *arg)
{
    srv_run(sim.cq_ctrl, ctrl_event, arg);
    return NULL;
}

static void stream_event(void *arg, void *tag, int success)
{
    (void)arg;
    sim_tag_t *t = tag;
    if (t->kind == SIM_TAG_SEND)
        sub_on_send(t->owner, success);
    else if (t->kind == SIM_TAG_CLOSE)
        sub_on_close(t->owner);
}

static void *stream_main(void *arg)
{
    srv_run(sim.cq_stream, stream_event, arg);
    return NULL;
}

static int server_bind(void)
{
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%d", sim.opts.port);
    int port = srv_bind(sim.server, addr, "");
    if (port < 0)
        return -1;
    printf("listening on 127.0.0.1:%d\n", port);
    fflush(stdout);
    return 0;
}

/* --log-flood-rate: every millisecond, sends on the floods that were ahead. */
static pthread_t th_pacer;
static bool pacer_running;

static void *pacer_main(void *arg)
{
    (void)arg;
    const struct timespec ms = {0, 1000000};
    pthread_mutex_lock(&sim.mu);
    while (!sim.stopping) {
        pthread_mutex_unlock(&sim.mu);
        nanosleep(&ms, NULL);
        pthread_mutex_lock(&sim.mu);
        for (sim_sub_t *s = sim.subs; s && !sim.stopping; s = s->next)
            if (s->paced) {
                s->paced = false;
                sim_pump_locked(s);
            }
    }
    pthread_mutex_unlock(&sim.mu);
    return NULL;
}

int sim_server_start(void)
{
    sim.cq_ctrl = grpc_completion_queue_create_for_next(NULL);
    sim.cq_stream = grpc_completion_queue_create_for_next(NULL);
    sim.server = srv_new(sim.cq_ctrl);
    grpc_server_register_completion_queue(sim.server, sim.cq_stream, NULL);
    for (int m = 0; m < M__COUNT; m++) {
        reqs[m].tag = (sim_tag_t){SIM_TAG_REQUEST, &reqs[m]};
        reqs[m].method = m;
        if (method_served(m))
            reqs[m].handle = srv_method(sim.server, method_paths[m]);
    }
    generic.tag = (sim_tag_t){SIM_TAG_GENERIC, &generic};
    if (server_bind() != 0)
        return -1;
    grpc_server_start(sim.server);
    for (int m = 0; m < M__COUNT; m++)
        if (method_served(m) && req_arm(&reqs[m]) != 0)
            return -1;
    if (generic_arm() != 0)
        return -1;
    if (pthread_create(&th_ctrl, NULL, ctrl_main, NULL) != 0 ||
        pthread_create(&th_stream, NULL, stream_main, NULL) != 0) {
        fprintf(stderr, "skview-sim: cannot start threads\n");
        return -1;
    }
    if (sim.opts.log_flood_rate && sim_thread_start(&th_pacer, pacer_main, "pacer", &pacer_running) != 0)
        return -1;
    return 0;
}

/* Shuts down in order: stop accepting and cancel every call, wait for the
 * server's notification, then the queues and their threads. */
void sim_server_stop(void)
{
    sim_thread_stop(th_pacer, &pacer_running); /* sets sim.stopping */
    srv_shutdown(sim.server, sim.cq_ctrl, &shutdown_tag);
    pthread_mutex_lock(&sim.mu);
    while (!server_down)
        pthread_cond_wait(&sim.cond, &sim.mu);
    pthread_mutex_unlock(&sim.mu);
    grpc_server_destroy(sim.server);
    grpc_completion_queue_shutdown(sim.cq_ctrl);
    grpc_completion_queue_shutdown(sim.cq_stream);
    pthread_join(th_ctrl, NULL);
    pthread_join(th_stream, NULL);
    grpc_completion_queue_destroy(sim.cq_ctrl);
    grpc_completion_queue_destroy(sim.cq_stream);
    /* Every call completed before the queues drained; free what is left. */
    while (sim.subs) {
        sim_sub_t *s = sim.subs;
        sim.subs = s->next;
        if (s->send_buf)
            grpc_byte_buffer_destroy(s->send_buf);
        grpc_call_unref(s->call);
        free(s);
    }
}
