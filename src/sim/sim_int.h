/* skview-sim: a stand-in for Skaffold's gRPC event API (proto.SkaffoldService)
 * for demos, tests and benchmarks. Private to src/sim.
 *
 * Threads:
 *   main      parses options, starts everything, waits for SIGINT/SIGTERM or
 *             --exit-after, then shuts down in order.
 *   control   drains the server's notification queue: new calls, and the
 *             unary calls (GetState, Execute, Auto*, Handle), answered at
 *             once. It never streams, so unary calls are always served.
 *   stream    drains the queue the Events calls are bound to: send and
 *             close completions, which keep every subscriber's pump going.
 *   scenario  plays the log and generates dev-loop iterations.
 * Everything shared (history, the server State, model, flags, subscribers)
 * is under sim.mu;
 * grpc_call_start_batch on a subscriber is only called with it held, which
 * serialises the batches of one call across threads. */
#ifndef SKVIEW_SIM_INT_H
#define SKVIEW_SIM_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <grpc/grpc.h>
#include "core/strbuf.h"
#include "skaffold/model.h"
#include "skaffold.pb-c.h"
#include "v2/skaffold_v2.pb-c.h"

typedef struct sim_opts {
    int port;
    const char *play;        /* --play FILE */
    double speed;            /* --speed X; 0 = as fast as possible */
    bool generate;           /* false with --no-generate */
    unsigned interval_ms;    /* --interval MS */
    unsigned step_ms;        /* --step MS: pause between the steps of an iteration */
    unsigned seed;           /* --seed N */
    const char *calls_log;   /* --calls-log FILE */
    uint64_t flood;          /* --flood N */
    uint64_t exit_after;     /* --exit-after N (0 = never) */
    uint64_t burst;          /* --burst N: entries added to the log at once */
    unsigned big_entry_mib;  /* --big-entry MIB: one entry of that size */
    bool auto_build, auto_sync, auto_deploy;  /* --auto-build=false etc. */
    const char *event_log;   /* --event-log FILE: the log, one JSON LogEntry a line */
    const char *state_log;   /* --state-log FILE: GetState after each iteration */
    unsigned iterations;     /* --iterations N: exit after N generated iterations */
    unsigned idle_after;     /* --idle-after N: no file change after N iterations */
    bool healthy;            /* --healthy: a dev loop without failures */
    bool no_v2;              /* --no-v2: no proto.v2 service (Skaffold 1.x) */
    bool no_v2_events, no_v2_applogs; /* --no-v2-events, --no-v2-applogs: that v2 stream UNIMPLEMENTED (faults) */
    unsigned v2_fail;        /* --v2-fail: 1 Events, 2 ApplicationLogs end UNAVAILABLE at once */
    uint64_t log_flood;      /* --log-flood N: application log lines per ApplicationLogs call */
    uint64_t log_flood_rate; /* --log-flood-rate N: at most N of them a second (0: as fast as it goes) */
    unsigned log_interval_ms;/* --log-interval MS: the pods' request logs (0 = none) */
} sim_opts_t;

typedef enum sim_tag_kind {
    SIM_TAG_REQUEST,   /* a requested call arrived (control queue) */
    SIM_TAG_UNARY,     /* a unary answer was sent (control queue) */
    SIM_TAG_SEND,      /* a subscriber's send completed (stream queue) */
    SIM_TAG_CLOSE,     /* a subscriber's call closed (stream queue) */
    SIM_TAG_SHUTDOWN,  /* the server finished shutting down (control queue) */
    SIM_TAG_GENERIC,   /* a call of a method nobody registered (control queue) */
} sim_tag_kind_t;

typedef struct sim_tag {
    sim_tag_kind_t kind;
    void *owner;
} sim_tag_t;

/* What a subscriber streams. */
typedef enum sim_stream {
    SIM_STREAM_V1,       /* proto.SkaffoldService/Events: sim.hist, then --flood */
    SIM_STREAM_V2,       /* proto.v2 Events: sim.hist2 */
    SIM_STREAM_APPLOGS,  /* proto.v2 ApplicationLogs: sim.applog, then --log-flood */
} sim_stream_t;

/* One Events (or ApplicationLogs) subscriber. */
typedef struct sim_sub {
    sim_tag_t tag_send, tag_close;
    struct sim_sub *next;
    grpc_call *call;
    grpc_byte_buffer *send_buf;  /* the message in flight */
    sim_stream_t stream;
    uint64_t next_idx;           /* next history entry to send (absolute for application logs) */
    uint64_t flood_left;         /* generated entries still to send */
    int64_t flood_t0;            /* --log-flood-rate: when its flood began (monotonic ns) */
    bool paced;                  /* --log-flood-rate: ahead of the rate, the pacer sends on */
    int cancelled;               /* from RECV_CLOSE_ON_SERVER */
    bool md_sent, send_pending, closed, status_sent, dead;
} sim_sub_t;

/* Phase flags for an iteration (what Execute asked for). */
enum sim_phase { SIM_BUILD = 1, SIM_SYNC = 2, SIM_DEPLOY = 4 };

/* The statusCode fields the dev loop sets beside the events. */
typedef enum sim_code { SIM_CODE_BUILD, SIM_CODE_TEST, SIM_CODE_DEPLOY, SIM_CODE_STATUSCHECK } sim_code_t;

/* Parts of the State changed by a reset no event shows (a rebuild of cache
 * hits only, Execute, AutoBuild/AutoDeploy(true)), until a reset the stream
 * shows covers them again; --state-log names them for the tests. */
enum sim_unseen {
    UNSEEN_ARTIFACTS = 1,    /* buildState.artifacts */
    UNSEEN_BUILD_CODE = 2,   /* buildState.statusCode */
    UNSEEN_SYNC = 4,         /* fileSyncState.status */
    UNSEEN_DEPLOY = 8,       /* deploy/status check, resources, ports, debugging */
    UNSEEN_TEST = 16,        /* testState */
};

typedef struct sim {
    sim_opts_t opts;
    pthread_mutex_t mu;
    pthread_cond_t cond;         /* wakes the scenario thread */
    /* The log, as packed LogEntry slices: what Events replays. */
    grpc_slice *hist;
    size_t n_hist, cap_hist;
    model_t *model;              /* the fold of the log, as a client mirrors it */
    Proto__State *state;         /* the server's State (state.c) */
    bool playing;                /* --play: the State is the played log's fold */
    unsigned unseen;             /* enum sim_unseen bits */
    bool auto_build, auto_sync, auto_deploy;
    FILE *event_log, *state_log;
    uint64_t event_log_lines;    /* lines in the event log, this process's and before */
    /* Work asked of the scenario thread. */
    unsigned pending_phases;     /* SIM_* bits from Execute / Auto* on */
    bool change_pending;         /* a file change waits for a build */
    bool stopping;
    /* The v2 service (v2.c): the Events log as packed proto.v2.Event
     * slices, and the application logs since the first one the current dev
     * loop keeps (applog_start); applog[0] is number applog_base. */
    grpc_slice *hist2;
    size_t n_hist2, cap_hist2;
    grpc_slice *applog;
    size_t n_applog, cap_applog;
    uint64_t applog_base, applog_start;
    Proto__V2__State *state2;    /* the server's v2 State (v2_state.c) */
    int iteration2;              /* the v2 handler's iteration: DevLoop tasks so far */
    FILE *event_log2;            /* --event-log FILE: FILE.v2 */
    bool started;                /* the first dev loop is over (--log-flood waits for it) */
    bool in_devloop;             /* a dev loop runs: the pods' logs are muted */
    unsigned pods_rollout;       /* the rollout whose pods run (0: none yet) */
    int pods_trouble;            /* the worker: 1 restarts once, 2 crash-loops */
    grpc_slice *logflood;        /* --log-flood templates */
    size_t n_logflood;
    sim_sub_t *subs;
    uint64_t streamed;           /* entries sent, for --exit-after */
    bool exit_requested;
    grpc_slice *flood;           /* --flood templates */
    size_t n_flood;
    FILE *calls_log;
    grpc_server *server;
    grpc_completion_queue *cq_ctrl, *cq_stream;
} sim_t;

extern sim_t sim;

/* world.c: the log and the State (callers hold no lock unless named _locked) */
void sim_world_init(void);
void sim_world_free(void);
void sim_emit(const Proto__LogEntry *e);
/* Appends packed entry s (the log takes the reference) and folds e, its
 * decoded form; the caller holds sim.mu and pumps the subscribers. */
void sim_append_locked(grpc_slice s, const Proto__LogEntry *e);
/* Applies the resets Execute / Auto*(true) cause at once (no event shows
 * them); the caller holds sim.mu. */
void sim_reset_locked(unsigned phases);
/* Writes GetState (without the auto triggers) to --state-log; holds no lock. */
void sim_state_log(int iteration);
void sim_log_call(const char *json);
void sim_request_exit(void);
/* A thread of the world's (the scenario, the pods): started with fn, and
 * stopped by setting sim.stopping, waking every waiter and joining it.
 * start says "cannot start the WHAT thread" on failure (-1). */
int sim_thread_start(pthread_t *th, void *(*fn)(void *), const char *what, bool *running);
void sim_thread_stop(pthread_t th, bool *running);

/* What a unary handler decided. */
typedef struct sim_answer {
    grpc_status_code code;
    char msg[128];
    grpc_byte_buffer *resp;   /* NULL: an Empty */
} sim_answer_t;

/* server.c */
void sim_answer_error(sim_answer_t *a, grpc_status_code code, const char *msg);
/* The request, decoded (an empty request arrives without a buffer). */
ProtobufCMessage *sim_payload_unpack(grpc_byte_buffer *bb, const ProtobufCMessageDescriptor *d);
int sim_server_start(void);
void sim_server_stop(void);
void sim_pump_locked(sim_sub_t *s);
void sim_flood_init(void);

/* entries.c: fault injection for tests, run after the first iteration */
void sim_burst(uint64_t n);
void sim_big_entry(unsigned mib);

/* state.c: protobuf-c helpers for the States: a new message, a string
 * set (copied; "" is protobuf_c_empty_string), a deep copy, map<string,
 * string>[key] = value (entries of descriptor d), freeing an array of messages. */
void *sim_pb_new(const ProtobufCMessageDescriptor *d);
void sim_pb_str(char **dst, const char *src);
void *sim_pb_dup(const ProtobufCMessage *m);
void sim_pb_map_set(void ***entries, size_t *n, const ProtobufCMessageDescriptor *d,
                    const char *key, const char *value);
/* map<int32, Message>[key] = a deep copy of value (forwardedPorts). */
void sim_pb_map_set_msg(void ***entries, size_t *n, const ProtobufCMessageDescriptor *d, int32_t key,
                        const ProtobufCMessage *value);
void sim_pb_free_all(void **arr, size_t *n);
/* mapshuffle.c: every map of m (at any depth) in a fresh random order, as
 * Go's map iteration gives it; callers hold sim.mu. sim_pack_shuffled packs
 * a copy of a State so (every State the server sends goes through it). */
void sim_pb_shuffle_maps(ProtobufCMessage *m);
grpc_byte_buffer *sim_pack_shuffled(const ProtobufCMessage *state);

/* state.c: the server's State, as Skaffold keeps it; callers hold sim.mu */
void sim_state_init(char *const *artifacts, size_t n, const Proto__Metadata *md);
void sim_state_handle(const Proto__Event *ev);
void sim_state_reset_build(void);
void sim_state_reset_deploy(void);
void sim_state_reset_test(void);
void sim_state_code(sim_code_t which, int code);
/* Shallow copies of the State with the auto triggers laid over it. */
void sim_state_with_flags(Proto__State *st, Proto__BuildState *bs, Proto__DeployState *ds,
                          Proto__FileSyncState *fs);
grpc_byte_buffer *sim_state_pack(void);   /* takes sim.mu itself */
void sim_state_free(void);
void sim_state_adopt_model(void);

/* scenario.c */
/* "pod/NAME" of deployment i (frontend, backend, worker) in rollout r. */
void sim_pod_name(char *buf, size_t len, size_t i, unsigned r);
int sim_scenario_start(void);
void sim_scenario_stop(void);
/* Runs the phases asked for (Execute); called with sim.mu held. */
void sim_scenario_kick_locked(unsigned phases);
/* The phase (SIM_BUILD or SIM_SYNC) of a file change waiting for its
 * trigger or Execute, 0 if none; called with sim.mu held. */
unsigned sim_scenario_waiting_locked(void);

/* entries.c: LogEntry builders with Skaffold's own sentences */
int64_t sim_now_ns(void);
/* The timestamp of the last entry this thread emitted (v2 events of the
 * same step carry it too). */
int64_t sim_last_stamp(void);

/* v2.c: the v2 history; callers hold no lock. Stamps ev at t_ns (0: now),
 * appends it to the Events log (an ApplicationLogEvent: to the application
 * logs), folds it into the v2 State, writes it to FILE.v2 and wakes the
 * subscribers. */
void sim_v2_emit(Proto__V2__Event *ev, int64_t t_ns);
void sim_v2_free(void);
/* Writes ev as a FILE.v2 line: jsonpb's lowerCamel names. */
void sim_v2_json(strbuf_t *sb, const Proto__V2__Event *ev);
/* Drops application logs that no subscriber needs any more; holds sim.mu. */
void sim_v2_trim_locked(void);
/* A dev loop starts: ApplicationLogs replays from here on; holds sim.mu. */
void sim_v2_applogs_reset_locked(void);

/* v2_state.c: the server's v2 State, as Skaffold 2.x keeps it
 * (event/v2/event.go); callers hold sim.mu. */
void sim_state2_init(char *const *artifacts, size_t n);
void sim_state2_handle(const Proto__V2__Event *ev);
void sim_state2_reset_build(void);
void sim_state2_reset_deploy(void);
grpc_byte_buffer *sim_state2_pack(void);   /* takes sim.mu itself */
void sim_state2_free(void);

/* v2_server.c: the v2 control calls. They change the v2 State the way
 * Skaffold 2.x's v2 endpoints do and trigger nothing (Skaffold wires the
 * runner's callbacks to the v1 service only). which: 0 build, 1 sync, 2 deploy. */
void sim_v2_execute(grpc_byte_buffer *bb, sim_answer_t *a);
void sim_v2_auto(int which, grpc_byte_buffer *bb, sim_answer_t *a);
void sim_v2_handle(grpc_byte_buffer *bb, sim_answer_t *a);

/* pods.c: the application logs of the deployed pods */
int sim_pods_start(void);
void sim_pods_stop(void);
void sim_logflood_init(void);

#endif
