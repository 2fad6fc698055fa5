/* Private to src/skaffold: a v2 event seen as the v1 event that says the
 * same, so that the error list and the resources fold a FILE.v2 alone by
 * v1's own rules (tasks.c). The view borrows the v2 event's strings and
 * holds a v1 copy of its ActionableErr (the same wire form in both):
 * v1view_free after use. Which v2 events stand for which v1 events:
 *   TaskEvent DevLoop                DevLoopEvent (iteration, status, err)
 *   TaskEvent Test, Deploy,          TestEvent, DeployEvent, StatusCheckEvent
 *     StatusCheck                    (the phases v1 reports as a whole)
 *   TaskEvent Render, Verify, Exec   only when Failed: a DeployEvent, a
 *                                    TestEvent, a DevLoopEvent (v1 has none)
 *   TaskEvent Build, Sync, others    none: the artifacts' builds and the
 *                                    FileSyncEvents say it
 *   BuildSubtaskEvent step Build     BuildEvent
 *   StatusCheckSubtaskEvent          ResourceStatusCheckEvent
 *   FileSyncEvent, TerminationEvent  FileSyncEvent, TerminationEvent */
#ifndef SKVIEW_V1VIEW_INT_H
#define SKVIEW_V1VIEW_INT_H

#include <stdbool.h>
#include <stdint.h>
#include "skaffold.pb-c.h"
#include "v2/skaffold_v2.pb-c.h"
#include "skaffold/tasks_int.h"
#include "skaffold/timeline_int.h"

typedef struct v1view {
    Proto__Event ev;
    union {
        Proto__BuildEvent build;
        Proto__DeployEvent deploy;
        Proto__StatusCheckEvent check;
        Proto__ResourceStatusCheckEvent res;
        Proto__FileSyncEvent sync;
        Proto__TestEvent test;
        Proto__DevLoopEvent loop;
        Proto__TerminationEvent term;
    } u;
    Proto__ActionableErr *ae;    /* a v1 copy of the v2 ActionableErr */
    char entry[160];             /* the sentence when the error says nothing */
} v1view_t;

/* False when the task stands for no v1 event (nothing to free then). */
bool v1view_task(v1view_t *v, const Proto__V2__TaskEvent *te, task_kind_t kind, tl_span_id_t span,
                 int32_t number);
void v1view_build(v1view_t *v, const Proto__V2__BuildSubtaskEvent *b);
void v1view_resource(v1view_t *v, const Proto__V2__StatusCheckSubtaskEvent *r);
void v1view_sync(v1view_t *v, const Proto__V2__FileSyncEvent *f);
void v1view_termination(v1view_t *v, const Proto__V2__TerminationEvent *te);
void v1view_free(v1view_t *v);

#endif
