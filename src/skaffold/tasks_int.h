/* Private to src/skaffold: what Skaffold 2.x's v2 events build (tasks.c):
 * the timeline from TaskEvents and subtask events, the v2 side of the
 * sessions, the resets a FILE.v2 alone implies, the errors v2 raised, and
 * the Cloud Run endpoints. model_fold_v2 and model_clear_v2 (model.h) are
 * implemented there.
 *
 * v2's sessions. Skaffold 2.x logs a v2 MetaEvent when the runner starts
 * (as v1 does) AND again right after every DevLoop task starts (runner
 * dev.go: TaskInProgress(DevLoop), then LogMetaEvent), so a MetaEvent
 * starts a new session only outside a dev loop, or when its runID differs
 * from the session's. A new process counts its dev loops from 1 again; a
 * runner restarted for a changed skaffold.yaml in the same process goes on
 * counting, so each session after the first numbers its iterations from
 * its first DevLoop task (as v1's restart from 0 does).
 *
 * Who owns what. v1 owns the mirror and the errors: until the model has
 * seen v1 at all (a FILE.v2 alone, or v2 arriving first on a live
 * connection), v2 events fold into the mirror and raise the errors, and
 * the first v1 entry or GetState takes both over (the mirror starts afresh
 * and the errors v2 raised are retracted: v1 replays them from its start).
 * Once seen, v1 keeps them through model_clear (its stream replays; a
 * v1 Events stream that delivers nothing yet still has GetState). */
#ifndef SKVIEW_TASKS_INT_H
#define SKVIEW_TASKS_INT_H

#include <stdbool.h>
#include <stdint.h>
#include "skaffold/model.h"
#include "skaffold/timeline_int.h"

/* What a TaskEvent's task is to the timeline (tasks.c names them). */
typedef enum task_kind {
    TASK_OTHER,              /* Init, DevInit, PortForward, Cleanup, unknown */
    TASK_DEVLOOP,
    TASK_BUILD,
    TASK_PHASE,              /* has a span (tl_span_id_t) */
} task_kind_t;

typedef struct tasks {
    tl_t tl;                 /* the timeline from tasks */
    uint32_t session;        /* v2's current session, 0 before its first event */
    bool any;                /* an Events event was seen in the session */
    bool loop_open;          /* a DevLoop task is in progress */
    char *run_id;            /* of the session's MetaEvent, "" if none */
    int32_t offset;          /* v2 iteration - 1 - offset = model number */
    bool loop_seen;          /* the session had a DevLoop task */
    bool built, tested;      /* resets: the dev loop built / tested already */
    uint8_t *has_tasks;      /* per session (index session - 1): saw a TaskEvent */
    size_t n_has, has_alloc;
    size_t sessions_with_tasks;
    uint64_t *errs;          /* ids of the errors v2 raised, ascending */
    size_t n_errs, errs_alloc;
    bool mirror_used;        /* v2 events folded into the mirror */
    model_endpoint_t *eps;
    size_t n_eps, eps_alloc;
} tasks_t;

void tasks_init(tasks_t *tk, size_t timeline_cap);
void tasks_free(tasks_t *tk);
/* The first v1 entry since the model was cleared is about to be folded:
 * v1 takes the mirror and the errors over. */
void tasks_v1_arrives(model_t *m);
/* Whether session (from 1) has had a TaskEvent. */
bool tasks_session_has(const tasks_t *tk, uint32_t session);

#endif
