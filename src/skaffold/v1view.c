/* v2 events as the v1 events that say the same (v1view_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include "skaffold/model_int.h"
#include "skaffold/v1view_int.h"

/* ActionableErr and Suggestion have the same wire form in v1 and v2. */
static Proto__ActionableErr *v1_ae(const Proto__V2__ActionableErr *ae)
{
    if (ae == NULL)
        return NULL;
    size_t n = protobuf_c_message_get_packed_size(&ae->base);
    uint8_t *buf = xmalloc(n ? n : 1);
    protobuf_c_message_pack(&ae->base, buf);
    Proto__ActionableErr *v1 = proto__actionable_err__unpack(NULL, n, buf);
    free(buf);
    return v1;
}

void v1view_free(v1view_t *v)
{
    if (v->ae != NULL)
        protobuf_c_message_free_unpacked(&v->ae->base, NULL);
}

static void v1_event(v1view_t *v, Proto__Event__EventTypeCase c,
                     const ProtobufCMessageDescriptor *d, const Proto__V2__ActionableErr *ae)
{
    protobuf_c_message_init(&proto__event__descriptor, &v->ev);
    protobuf_c_message_init(d, &v->u);
    v->ev.event_type_case = c;
    v->ev.buildevent = &v->u.build; /* every member of the oneof is a pointer */
    v->ae = v1_ae(ae);
}

/* The v1 event a TaskEvent stands for in the error list: the dev loop, and
 * the phases v1 reports as a whole (the build is per artifact, through its
 * subtasks). Render, Verify and Exec have no v1 event: only their failures
 * count, as a deploy's, a test's and a dev loop's. */
bool v1view_task(v1view_t *v, const Proto__V2__TaskEvent *te, task_kind_t kind,
                       tl_span_id_t span, int32_t number)
{
    bool failed = status_kind(te->status) == STATUS_FAILED;

    snprintf(v->entry, sizeof v->entry, "%s failed", model_nz(te->task));
    if (kind == TASK_DEVLOOP) {
        v1_event(v, PROTO__EVENT__EVENT_TYPE_DEV_LOOP_EVENT, &proto__dev_loop_event__descriptor,
                 te->actionableerr);
        v->u.loop.iteration = number;
        v->u.loop.status = te->status;
        v->u.loop.err = v->ae;
        return true;
    }
    if (kind != TASK_PHASE || span == TL_SPAN_SYNC)
        return false; /* a sync's errors come with its FileSyncEvents */
    if ((span == TL_SPAN_RENDER || span == TL_SPAN_VERIFY || span == TL_SPAN_EXEC) && !failed)
        return false;
    if (span == TL_SPAN_TEST || span == TL_SPAN_VERIFY) {
        v1_event(v, PROTO__EVENT__EVENT_TYPE_TEST_EVENT, &proto__test_event__descriptor,
                 te->actionableerr);
        v->u.test.status = te->status;
        v->u.test.actionableerr = v->ae;
    } else if (span == TL_SPAN_STATUSCHECK) {
        v1_event(v, PROTO__EVENT__EVENT_TYPE_STATUS_CHECK_EVENT,
                 &proto__status_check_event__descriptor, te->actionableerr);
        v->u.check.status = te->status;
        v->u.check.actionableerr = v->ae;
    } else if (span == TL_SPAN_EXEC) {
        v1_event(v, PROTO__EVENT__EVENT_TYPE_DEV_LOOP_EVENT, &proto__dev_loop_event__descriptor,
                 te->actionableerr);
        v->u.loop.iteration = number;
        v->u.loop.status = te->status;
        v->u.loop.err = v->ae;
    } else {
        v1_event(v, PROTO__EVENT__EVENT_TYPE_DEPLOY_EVENT, &proto__deploy_event__descriptor,
                 te->actionableerr);
        v->u.deploy.status = te->status;
        v->u.deploy.actionableerr = v->ae;
    }
    return true;
}

void v1view_build(v1view_t *v, const Proto__V2__BuildSubtaskEvent *b)
{
    snprintf(v->entry, sizeof v->entry, "Build failed for artifact %s", model_nz(b->artifact));
    v1_event(v, PROTO__EVENT__EVENT_TYPE_BUILD_EVENT, &proto__build_event__descriptor,
             b->actionableerr);
    v->u.build.artifact = b->artifact;
    v->u.build.status = b->status;
    v->u.build.actionableerr = v->ae;
}

void v1view_resource(v1view_t *v, const Proto__V2__StatusCheckSubtaskEvent *r)
{
    snprintf(v->entry, sizeof v->entry, "Resource %s failed", model_nz(r->resource));
    v1_event(v, PROTO__EVENT__EVENT_TYPE_RESOURCE_STATUS_CHECK_EVENT,
             &proto__resource_status_check_event__descriptor, r->actionableerr);
    v->u.res.resource = r->resource;
    v->u.res.status = r->status;
    v->u.res.message = r->message;
    v->u.res.statuscode = r->statuscode;
    v->u.res.actionableerr = v->ae;
}

void v1view_sync(v1view_t *v, const Proto__V2__FileSyncEvent *f)
{
    snprintf(v->entry, sizeof v->entry, "File sync failed for %s", model_nz(f->image));
    v1_event(v, PROTO__EVENT__EVENT_TYPE_FILE_SYNC_EVENT, &proto__file_sync_event__descriptor,
             f->actionableerr);
    v->u.sync.filecount = f->filecount;
    v->u.sync.image = f->image;
    v->u.sync.status = f->status;
    v->u.sync.actionableerr = v->ae;
}

void v1view_termination(v1view_t *v, const Proto__V2__TerminationEvent *te)
{
    snprintf(v->entry, sizeof v->entry, "Skaffold terminated: %s", model_nz(te->status));
    v1_event(v, PROTO__EVENT__EVENT_TYPE_TERMINATION_EVENT,
             &proto__termination_event__descriptor, te->err);
    v->u.term.status = te->status;
    v->u.term.err = v->ae;
}
