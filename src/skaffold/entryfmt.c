/* How a LogEntry reads to a person; see entryfmt.h. */
#include <string.h>
#include "skaffold/entryfmt.h"
#include "core/textsafe.h"

typedef struct kind_info {
    Proto__Event__EventTypeCase which;
    const char *name;
} kind_info_t;

static const kind_info_t kinds[] = {
    {PROTO__EVENT__EVENT_TYPE_META_EVENT, "meta"},
    {PROTO__EVENT__EVENT_TYPE_BUILD_EVENT, "build"},
    {PROTO__EVENT__EVENT_TYPE_DEPLOY_EVENT, "deploy"},
    {PROTO__EVENT__EVENT_TYPE_PORT_EVENT, "port"},
    {PROTO__EVENT__EVENT_TYPE_STATUS_CHECK_EVENT, "statuscheck"},
    {PROTO__EVENT__EVENT_TYPE_RESOURCE_STATUS_CHECK_EVENT, "resource"},
    {PROTO__EVENT__EVENT_TYPE_FILE_SYNC_EVENT, "sync"},
    {PROTO__EVENT__EVENT_TYPE_DEBUGGING_CONTAINER_EVENT, "debug"},
    {PROTO__EVENT__EVENT_TYPE_DEV_LOOP_EVENT, "devloop"},
    {PROTO__EVENT__EVENT_TYPE_TERMINATION_EVENT, "termination"},
    {PROTO__EVENT__EVENT_TYPE_TEST_EVENT, "test"},
};

const char *entry_kind(const Proto__LogEntry *e)
{
    if (!e->event) return "none";
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kinds[i].which == e->event->event_type_case) return kinds[i].name;
    return "none";
}

static bool has(const char *s) { return s && *s; }

/* A sentence for entries that carry none (Skaffold always fills `entry`,
 * but injected events and other producers may not). */
static void describe(strbuf_t *out, const Proto__Event *ev)
{
    switch (ev->event_type_case) {
    case PROTO__EVENT__EVENT_TYPE_BUILD_EVENT:
        sb_printf(out, "Build %s for artifact %s", ev->buildevent->status, ev->buildevent->artifact);
        break;
    case PROTO__EVENT__EVENT_TYPE_DEPLOY_EVENT:
        sb_printf(out, "Deploy %s", ev->deployevent->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_PORT_EVENT: {
        const Proto__PortEvent *p = ev->portevent;
        sb_printf(out, "Port forwarded %s/%s in %s to %s:%d", p->resourcetype, p->resourcename,
                  p->namespace_, has(p->address) ? p->address : "127.0.0.1", p->localport);
        break;
    }
    case PROTO__EVENT__EVENT_TYPE_STATUS_CHECK_EVENT:
        sb_printf(out, "Status check %s", ev->statuscheckevent->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_RESOURCE_STATUS_CHECK_EVENT:
        sb_printf(out, "Resource %s %s", ev->resourcestatuscheckevent->resource,
                  ev->resourcestatuscheckevent->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_FILE_SYNC_EVENT:
        sb_printf(out, "File sync %s (%d files) for %s", ev->filesyncevent->status,
                  ev->filesyncevent->filecount, ev->filesyncevent->image);
        break;
    case PROTO__EVENT__EVENT_TYPE_DEBUGGING_CONTAINER_EVENT:
        sb_printf(out, "Debugging container %s/%s %s", ev->debuggingcontainerevent->podname,
                  ev->debuggingcontainerevent->containername, ev->debuggingcontainerevent->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_DEV_LOOP_EVENT:
        sb_printf(out, "Dev loop %d %s", ev->devloopevent->iteration, ev->devloopevent->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_TERMINATION_EVENT:
        sb_printf(out, "Skaffold terminated: %s", ev->terminationevent->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_TEST_EVENT:
        sb_printf(out, "Test %s", ev->testevent->status);
        break;
    default:
        break;
    }
}

void entry_text(strbuf_t *out, const Proto__LogEntry *e)
{
    if (has(e->entry)) {
        sb_adds(out, e->entry);
        return;
    }
    if (!e->event) return;
    if (e->event->event_type_case == PROTO__EVENT__EVENT_TYPE_META_EVENT) {
        sb_adds(out, e->event->metaevent->entry ? e->event->metaevent->entry : "");
        return;
    }
    describe(out, e->event);
}

void entry_format_line(strbuf_t *out, const Proto__LogEntry *e)
{
    if (e->timestamp) {
        /* Milliseconds, always three digits so that columns line up; the
         * JSON output keeps all nine. */
        pbjson_format_time(out, e->timestamp->seconds, 0);
        out->len--; /* the 'Z' */
        sb_printf(out, ".%03dZ", e->timestamp->nanos / 1000000);
    } else {
        sb_adds(out, "-                       ");
    }
    sb_printf(out, "  %-11s  ", entry_kind(e));
    entry_text(out, e);
}

void entry_render(strbuf_t *out, strbuf_t *scratch, const Proto__LogEntry *e, bool json)
{
    if (json) {
        pbjson_write(out, &e->base);
    } else {
        /* The sentence comes from the wire: never let it act on a terminal. */
        sb_reset(scratch);
        entry_format_line(scratch, e);
        textsafe(out, scratch->data, scratch->len, 0, 0);
    }
    sb_addc(out, '\n');
}
