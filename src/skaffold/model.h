/* The model: a live mirror of Skaffold's State plus what a viewer needs beyond
 * it (dev-loop timeline, errors with suggestions, per-resource detail, event
 * history, session boundaries). Pure C: no I/O, no ncurses, no gRPC,
 * single-threaded.
 *
 * Order of calls: model_new(); then any number of model_fold() (one per
 * LogEntry, in stream order), model_reconcile() (a State from GetState) and
 * model_clear() (before an Events stream is replayed again on reconnect);
 * readers may call the accessors at any time; model_free() last.
 *
 * Folding (model_fold) mirrors what Skaffold's server does to its State,
 * which is more than the events say (upstream pkg/skaffold/event/event.go,
 * pkg/skaffold/runner/dev.go). Each event is applied by the server's rule:
 *   buildEvent              buildState.artifacts[artifact] = status; a
 *                           "Failed" one sets buildState.statusCode to its
 *                           code (the failed build sequence)
 *   deployEvent             deployState.status = status; statusCode =
 *                           DEPLOY_SUCCESS on "Complete", the code on "Failed"
 *   portEvent               forwardedPorts[localPort] = the PortEvent
 *   statusCheckEvent        statusCheckState.status = status; statusCode =
 *                           STATUSCHECK_SUCCESS on "Succeeded", the code on
 *                           "Failed"
 *   resourceStatusCheckEvent statusCheckState.resources[resource] = status
 *   fileSyncEvent           fileSyncState.status = status
 *   TestEvent (2.x)         testState.status = status; a "Failed" one sets
 *                           testState.statusCode to its code (TestFailed)
 *   debuggingContainerEvent "Started" appends to debuggingContainers
 *                           (replacing one with the same namespace,
 *                           podName and containerName: see reconcile),
 *                           "Terminated" removes those with the same
 *                           namespace, podName and containerName
 *   metaEvent               metadata = metaEvent.metadata
 *   devLoopEvent, terminationEvent: no State field.
 * and before some events the server has reset its State, which the model
 * infers from where the event stands in the stream:
 *   - a MetaEvent after other events starts a new session (a new Skaffold
 *     process appending to the same log): InitializeState, a fresh mirror.
 *     The history, the timeline and the errors keep the earlier sessions;
 *     every iteration and error says which session it belongs to.
 *   - ResetStateOnBuild before the first build event of every iteration but
 *     the session's first (DevLoopEvent iteration > 0; without DevLoopEvents,
 *     a build after a later phase ran): the artifacts seen so far in the
 *     session back to "Not Started", deploy, status check and file sync "Not
 *     Started", resources, forwardedPorts and debuggingContainers emptied,
 *     every statusCode OK (and test "Not Started").
 *   - ResetStateOnTest before the first TestEvent of every iteration:
 *     testState "Not Started", its statusCode OK.
 *   - ResetStateOnDeploy before every deployEvent "In Progress": deploy and
 *     status check "Not Started" (statusCodes OK), resources,
 *     forwardedPorts and debuggingContainers emptied (a debugging container
 *     dropped this way gets no "Terminated").
 *   - an iteration that only syncs files resets nothing.
 * A new mirror starts as InitializeState (Skaffold 2.x's, which has the
 * test phase) as far as events can show it: deploy, status check, file sync
 * and test "Not Started", no artifacts.
 *
 * What a stream cannot show, so a mirror of events alone differs there until
 * a reconcile: the autoTrigger flags; the configured artifacts that never
 * built ("Not Started" from the config, unknown here until they build); a
 * rebuild made only of cache hits (the server reset the build, but no
 * BuildEvent follows, so the artifacts keep their old status here while the
 * server says "Not Started"); and the resets that Execute and AutoBuild/
 * AutoDeploy(true) cause at once, from any client.
 *
 * Errors are failures: an event whose status is "Failed" (a build, test,
 * deploy, status check, file sync, resource, iteration or termination; see
 * model_event_error). An "In Progress" resource event describes the
 * resource's current condition (its ActionableErr is progress or a warning
 * that may clear) and is kept on the resource, not in the error list.
 *
 * Reconciling (model_reconcile): the server wins: the mirror becomes a copy
 * of the server's State, and then every entry folded since `since_seq` (the
 * model_seq() read when GetState was sent) is folded again on top, with the
 * resets inferred for it when it was first folded, so that an event that
 * arrived while GetState was in flight is not lost. Re-folding is safe
 * because every rule is an assignment or a reset (the newest event for a
 * key wins); that is also why a "Started" container replaces its
 * namespace/pod/container twin instead of being listed twice (Skaffold
 * appends, but never starts one container twice), since a replayed history
 * brings the "Started" of containers GetState already listed. Timeline,
 * errors and history are event-derived and are not touched by reconcile.
 *
 * Bounds: the history keeps the newest history_cap entries (as packed
 * protobuf, about 120 bytes each), the timeline the newest timeline_cap
 * iterations, the error list the newest errors_cap errors, so memory stays flat
 * however long a session runs. The State's maps are hashed: a fold costs
 * O(1) per event whatever the number of distinct keys. */
#ifndef SKVIEW_MODEL_H
#define SKVIEW_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "skaffold.pb-c.h"
#include "v2/skaffold_v2.pb-c.h"
#include "core/status.h"
#include "skaffold/logs.h"

#define MODEL_HISTORY_DEFAULT 100000
#define MODEL_TIMELINE_DEFAULT 1000
#define MODEL_ERRORS_DEFAULT 1000

typedef struct model model_t;

typedef struct model_opts {
    size_t history_cap;   /* 0 = MODEL_HISTORY_DEFAULT */
    size_t timeline_cap;  /* 0 = MODEL_TIMELINE_DEFAULT */
    size_t errors_cap;    /* 0 = MODEL_ERRORS_DEFAULT */
    /* Keep no history at all: for headless folds that only print the State
     * (packing every entry for a history nobody reads was 11% of the time of
     * `skview state` on a 1M-entry log). Reconcile then re-folds nothing. */
    bool no_history;
    /* The mirror alone (`skview state` without --timeline): the timeline,
     * the error list and the resources' details are not folded (about 5% of
     * that command's instructions), so their accessors answer empty. */
    bool state_only;
    size_t logs_cap;      /* log lines kept; 0 = LOGS_DEFAULT_CAP */
} model_opts_t;

/* Phases of a dev-loop iteration, and the places an error can come from. */
typedef enum phase {
    PHASE_BUILD,
    PHASE_TEST,         /* Skaffold 2.x's test phase */
    PHASE_DEPLOY,
    PHASE_STATUSCHECK,
    PHASE_RESOURCE,     /* one status-check resource */
    PHASE_SYNC,
    PHASE_DEVLOOP,
    PHASE_TERMINATION,
    PHASE__COUNT
} phase_t;
const char *phase_name(phase_t p); /* "build", "deploy", "status check", ... */

/* A timed step. Times are nanoseconds since the Unix epoch, 0 = not seen. */
typedef struct span {
    int64_t start_ns, end_ns;
    status_kind_t status;        /* latest status seen for the step */
} span_t;

/* The cache check of an artifact (v2 BuildSubtaskEvent step "Cache"). */
typedef enum cache_result {
    CACHE_UNKNOWN,               /* not reported (v1 alone) */
    CACHE_CHECKING,
    CACHE_HIT,                   /* Succeeded: no build needed */
    CACHE_MISS,                  /* Failed: built */
} cache_result_t;

typedef struct artifact_span {
    char *artifact;
    span_t span;
    cache_result_t cache;        /* v2 only */
    char *platforms;             /* v2 targetPlatforms; NULL if none */
} artifact_span_t;

/* One dev-loop iteration. Entries that arrive before any DevLoopEvent (old
 * Skaffold versions send none) open an implicit iteration. */
typedef struct iteration {
    int32_t number;              /* DevLoopEvent.iteration (0 = initial loop) */
    bool implicit;               /* opened without a DevLoopEvent */
    span_t span;                 /* the whole iteration */
    artifact_span_t *builds;     /* one per artifact built in it, or (v2)
                                  * cache-checked: a cache hit has an empty
                                  * span (status STATUS_NONE) */
    size_t n_builds;
    span_t test, deploy, statuscheck, sync;
    span_t render, verify, exec; /* v2 tasks only (Render, Verify, Exec) */
    uint64_t error_id;           /* the error that ended it (0 = none) */
    uint32_t session;            /* the session it belongs to (from 1) */
} iteration_t;

/* A Cloud Run service ready at a URL (v2 CloudRunReadyEvent). */
typedef struct model_endpoint {
    char *resource;
    char *url;
    char *revision;
    uint32_t session;
} model_endpoint_t;

typedef struct suggestion {
    int code;                    /* Proto__SuggestionCode */
    char *action;
} suggestion_t;

/* An ActionableErr (or a legacy err/errCode pair) as the viewer shows it. */
typedef struct model_error {
    uint64_t id;                 /* unique, increasing from 1 */
    uint64_t seq;                /* the entry that raised it (model_seq order) */
    int64_t time_ns;             /* its timestamp */
    phase_t phase;
    char *subject;               /* artifact, resource or image; "" if none */
    int32_t iteration;           /* the dev-loop iteration it happened in */
    int code;                    /* Proto__StatusCode */
    char *message;
    suggestion_t *suggestions;
    size_t n_suggestions;
    uint32_t session;            /* the session it happened in (from 1) */
    bool resolved;               /* the same phase+subject later succeeded */
    unsigned repeats;            /* identical reports folded into this one */
} model_error_t;

/* Per status-check resource: what State's map cannot hold. While the check
 * runs, message, code and suggestions describe the resource's condition
 * (STATUSCHECK_CONTAINER_CREATING, a restart that may still clear, ...). */
typedef struct model_resource {
    char *name;
    char *status;
    char *message;
    int code;                    /* ResourceStatusCheckEvent.statusCode */
    suggestion_t *suggestions;   /* of its latest ActionableErr */
    size_t n_suggestions;
    int64_t time_ns;             /* of the latest event */
} model_resource_t;

model_t *model_new(const model_opts_t *opts);
void model_free(model_t *m);
/* Forgets everything v1 entries built (state, timeline, errors, history)
 * but the options. What v2 events built (tasks, log lines, endpoints) stays
 * until model_clear_v2, since each stream replays on its own. */
void model_clear(model_t *m);
/* The stream now delivers another Skaffold's history (restarted at the same
 * address; the session tells by the history's first entry): the sessions
 * that follow are numbered after every session the model holds, the log
 * lines kept from the server that is gone included, so the two servers'
 * lines never share a session. */
void model_new_server(model_t *m);

/* Folds one entry. Returns 0, or -1 if the entry has no event (still counted
 * in the history). */
int model_fold(model_t *m, const Proto__LogEntry *e);
/* The same for an entry whose bytes as received are at hand (a live
 * stream's): the history keeps them instead of packing e again. */
int model_fold_packed(model_t *m, const Proto__LogEntry *e, const uint8_t *packed, size_t len);
void model_reconcile(model_t *m, const Proto__State *server, uint64_t since_seq);

/* The number of entries folded so far; also the seq the next entry gets. */
uint64_t model_seq(const model_t *m);
/* History entries that reconcile skipped because they no longer decode
 * (a hostile entry whose unknown fields protobuf-c cannot pack back). */
uint64_t model_undecodable(const model_t *m);
/* Increases on every change; a viewer redraws when it moves. */
uint64_t model_generation(const model_t *m);

/* The mirror. Owned by the model; valid until the next fold/reconcile/clear. */
const Proto__State *model_state(const model_t *m);
/* Whether the mirror holds a State from the server (model_reconcile since
 * the last clear): only then are its autoTrigger flags known. */
bool model_state_known(const model_t *m);

/* Skaffold's version sentence from the MetaEvent ("" if none), termination. */
const char *model_version(const model_t *m);
bool model_terminated(const model_t *m, const char **status);
/* Timestamp of the newest entry (ns), 0 if none. */
int64_t model_last_time(const model_t *m);

/* Timeline, oldest retained first. */
size_t model_iteration_count(const model_t *m);
const iteration_t *model_iteration(const model_t *m, size_t i);
/* The iteration in progress or last seen, NULL if none. */
const iteration_t *model_current_iteration(const model_t *m);

/* Errors, newest first. */
size_t model_error_count(const model_t *m);
const model_error_t *model_error_at(const model_t *m, size_t i);
const model_error_t *model_error_by_id(const model_t *m, uint64_t id);
size_t model_unresolved_errors(const model_t *m);

/* Is this event an error (a failure, see above)? If so and phase is not
 * NULL, *phase says where it comes from. The one rule for the Errors pane
 * and for whoever looks for errors in a log. */
bool model_event_error(const Proto__Event *ev, phase_t *phase);
bool model_entry_error(const Proto__LogEntry *e, phase_t *phase);
/* The same rule for a v2 event (files without v1 entries): a task Failed,
 * but DevLoop's (which repeats its phase's), or a resource's status check
 * Failed; statuses compared by status_kind as the v1 rule compares them. */
bool model_v2_error(const Proto__V2__Event *ev);

/* The resources of the current rollout: exactly the keys of the mirror's
 * statusCheckState.resources, in the map's order (which says nothing: a
 * GetState's is random). */
size_t model_resource_count(const model_t *m);
const model_resource_t *model_resource_at(const model_t *m, size_t i);
const model_resource_t *model_resource_find(const model_t *m, const char *name);
/* The deployment a pod belongs to: for pod/NAME-HASH-XXXX the resource
 * deployment/NAME (the longest such deployment listed), NULL for anything
 * else or when that deployment is not listed. */
const model_resource_t *model_resource_owner(const model_t *m, const model_resource_t *r);
/* The same resources in the Resources pane's order: each deployment
 * followed by its pods (*depth 1), the others at *depth 0; each level in
 * the order the resources were first seen (those seen together by name),
 * which holds through reconciles, resets and reconnects, not the map's.
 * Computed on demand after a change (a cache inside the model: call it from
 * the model's thread like every accessor). */
const model_resource_t *model_resource_tree_at(const model_t *m, size_t i, int *depth);

/* Sessions: each MetaEvent after other events starts a new one (Skaffold
 * appends each process's log to the same file). Numbered from 1. */
uint32_t model_session(const model_t *m);
/* The session the entry with this seq belongs to (entries seq < model_seq()). */
uint32_t model_session_of(const model_t *m, uint64_t seq);

/* History: entries seq in [first, model_seq()). model_history_get decodes one
 * into a new message the caller frees with protobuf_c_message_free_unpacked
 * (allocator NULL for malloc, or an arena's). NULL if seq is not retained. */
uint64_t model_history_first(const model_t *m);

/* ---- Skaffold 2.x's v2 events ------------------------------------------------
 * model_fold_v2 folds one v2 Event (stream: a v2_stream_t of
 * sources/source.h; 0 = Events, 1 = ApplicationLogs):
 *   - skaffoldLogEvent, applicationLogEvent: lines of the log (logs.h);
 *   - taskEvent and the subtask events: the timeline. Once a session has
 *     a TaskEvent, its timeline comes from the tasks (v2 iteration N is the
 *     model's N - 1, as v1's DevLoopEvent counts from 0) and v1 events no
 *     longer move it; the spans, statuses and errors are the same as v1
 *     events give for the same session, plus what only v2 says: the cache
 *     check per artifact, platforms, the render, verify and exec phases;
 *   - cloudRunReadyEvent: an endpoint;
 *   - until the model has seen v1 (a FILE.v2 alone; v2 first on a live
 *     connection), the v2 events also fold into the State mirror (the v1
 *     State's fields, by the server's v2 rules, v2's strings) and raise
 *     the errors, so the panes show the same; the first v1 entry or
 *     GetState takes both over (the mirror afresh, v2's errors retracted)
 *     and keeps them through model_clear: no duplicates.
 * A metaEvent outside a dev loop starts a new session as v1's does
 * (Skaffold 2.x also logs one right after each DevLoop task starts: no new
 * session); v1 and v2 of one Skaffold process share their sessions, v2
 * joining the one v1 began at its time. Returns 0; -1 for an event with no
 * event_type (counted as undecodable). Application log lines and Skaffold's
 * output move the log's generation (logs_generation) as well. */
int model_fold_v2(model_t *m, const Proto__V2__Event *ev, int stream);
/* A v2 stream replays: forget what it folded (Events: tasks and Skaffold's
 * lines; ApplicationLogs: the application's lines). */
void model_clear_v2(model_t *m, int stream);
/* A live v2 Events stream replays while the lines it gave stay on screen:
 * forget what it folded except Skaffold's lines (the caller skips the
 * replay of the lines it holds, and keeps an ended session's). */
void model_clear_tasks(model_t *m);
/* The log ring (never NULL). Mutable for the session only (clear). */
const logs_t *model_logs(const model_t *m);
/* Whether the current session's timeline comes from v2 tasks. */
bool model_has_tasks(const model_t *m);
/* Endpoints, oldest first: one per service and session, the newest
 * MODEL_ENDPOINTS_MAX (a stream naming ever new services stays bounded). */
#define MODEL_ENDPOINTS_MAX 1000
size_t model_endpoint_count(const model_t *m);
const model_endpoint_t *model_endpoint_at(const model_t *m, size_t i);
Proto__LogEntry *model_history_get(const model_t *m, uint64_t seq, ProtobufCAllocator *alloc);
size_t model_history_bytes(const model_t *m);

/* Deep copy of any message (pack + unpack, malloc'd); never NULL for a
 * message. Unknown fields that protobuf-c cannot read back once packed
 * (hostile input) are left out of the copy. */
ProtobufCMessage *pb_dup(const ProtobufCMessage *msg);
/* A new message of that type with its defaults (malloc'd, freed with
 * protobuf_c_message_free_unpacked). */
void *pb_new(const ProtobufCMessageDescriptor *d);

#endif
