/* Infers Skaffold's resets from the stream (see model.h for the rules and
 * what a stream cannot show). */
#include <string.h>
#include "skaffold/mirror_int.h"
#include "skaffold/model_int.h"
#include "skaffold/resets_int.h"
#include "core/status.h"

void resets_init(resets_t *r)
{
    memset(r, 0, sizeof *r);
}

/* With DevLoopEvents: the first build event of an iteration after the
 * session's first. Without (Skaffold v0.x): a build after a later phase. */
static unsigned resets_build(resets_t *r)
{
    bool reset;
    if (r->devloop) {
        reset = !r->built && r->later_iter;
    } else {
        reset = r->after_build;
        r->after_build = false;
    }
    r->built = true;
    return reset ? MIRROR_RESET_BUILD : 0;
}

static void resets_devloop(resets_t *r, const Proto__DevLoopEvent *d)
{
    status_kind_t k = status_kind(d->status);
    if (k != STATUS_IN_PROGRESS && k != STATUS_STARTED)
        return;
    /* Iteration 0 follows InitializeState; a log that starts later (cut,
     * or a reconnect's bounded replay) still knows from the number. */
    r->later_iter = r->devloop || d->iteration != 0;
    r->devloop = true;
    r->built = r->tested = false;
}

unsigned resets_before(resets_t *r, const Proto__Event *ev)
{
    unsigned out = 0;

    switch (ev->event_type_case) {
    case PROTO__EVENT__EVENT_TYPE_META_EVENT:
        out = r->any ? MIRROR_RESET_SESSION : 0;
        resets_init(r);
        break;
    case PROTO__EVENT__EVENT_TYPE_DEV_LOOP_EVENT:
        resets_devloop(r, ev->devloopevent);
        break;
    case PROTO__EVENT__EVENT_TYPE_BUILD_EVENT:
        out = resets_build(r);
        break;
    case PROTO__EVENT__EVENT_TYPE_DEPLOY_EVENT:
        if (status_kind(ev->deployevent->status) == STATUS_IN_PROGRESS)
            out = MIRROR_RESET_DEPLOY;
        r->after_build = true;
        break;
    case PROTO__EVENT__EVENT_TYPE_TEST_EVENT:
        out = r->tested ? 0 : MIRROR_RESET_TEST;
        r->tested = true;
        r->after_build = true;
        break;
    case PROTO__EVENT__EVENT_TYPE_FILE_SYNC_EVENT:
    case PROTO__EVENT__EVENT_TYPE_STATUS_CHECK_EVENT:
    case PROTO__EVENT__EVENT_TYPE_RESOURCE_STATUS_CHECK_EVENT:
        r->after_build = true;
        break;
    default:
        break;
    }
    r->any = true;
    return out;
}
