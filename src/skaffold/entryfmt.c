/* How a LogEntry reads to a person; see entryfmt.h. */
#include <string.h>
#include "skaffold/entryfmt.h"
#include "core/sgr.h"
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
        int ms = e->timestamp->nanos / 1000000;
        ms = ms < 0 ? 0 : ms > 999 ? 999 : ms;
        char b[5] = {'.', (char)('0' + ms / 100), (char)('0' + ms / 10 % 10), (char)('0' + ms % 10), 'Z'};
        out->len--; /* the 'Z' */
        sb_add(out, b, sizeof b);
    } else {
        sb_adds(out, "-                       ");
    }
    /* "  %-11s  " without printf: this runs once per printed entry. */
    const char *kind = entry_kind(e);
    size_t klen = strlen(kind);
    sb_add(out, "  ", 2);
    sb_add(out, kind, klen);
    sb_add(out, "             ", klen < 11 ? 13 - klen : 2);
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

/* ---- v2 events ------------------------------------------------------------------ */

typedef struct v2_kind_info {
    Proto__V2__Event__EventTypeCase which;
    const char *name;
} v2_kind_info_t;

static const v2_kind_info_t v2_kinds[] = {
    {PROTO__V2__EVENT__EVENT_TYPE_META_EVENT, "meta"},
    {PROTO__V2__EVENT__EVENT_TYPE_SKAFFOLD_LOG_EVENT, "log"},
    {PROTO__V2__EVENT__EVENT_TYPE_APPLICATION_LOG_EVENT, "app"},
    {PROTO__V2__EVENT__EVENT_TYPE_TASK_EVENT, "task"},
    {PROTO__V2__EVENT__EVENT_TYPE_BUILD_SUBTASK_EVENT, "build"},
    {PROTO__V2__EVENT__EVENT_TYPE_DEPLOY_SUBTASK_EVENT, "deploy"},
    {PROTO__V2__EVENT__EVENT_TYPE_PORT_EVENT, "port"},
    {PROTO__V2__EVENT__EVENT_TYPE_STATUS_CHECK_SUBTASK_EVENT, "statuscheck"},
    {PROTO__V2__EVENT__EVENT_TYPE_FILE_SYNC_EVENT, "sync"},
    {PROTO__V2__EVENT__EVENT_TYPE_DEBUGGING_CONTAINER_EVENT, "debug"},
    {PROTO__V2__EVENT__EVENT_TYPE_TERMINATION_EVENT, "termination"},
    {PROTO__V2__EVENT__EVENT_TYPE_TEST_EVENT, "test"},
    {PROTO__V2__EVENT__EVENT_TYPE_RENDER_EVENT, "render"},
    {PROTO__V2__EVENT__EVENT_TYPE_VERIFY_EVENT, "verify"},
    {PROTO__V2__EVENT__EVENT_TYPE_CLOUD_RUN_READY_EVENT, "cloudrun"},
    {PROTO__V2__EVENT__EVENT_TYPE_EXEC_EVENT, "exec"},
};

const char *entry_v2_kind(const Proto__V2__Event *ev)
{
    for (size_t i = 0; i < sizeof v2_kinds / sizeof v2_kinds[0]; i++)
        if (v2_kinds[i].which == ev->event_type_case) return v2_kinds[i].name;
    return "none";
}

static const char *str(const char *s) { return s ? s : ""; }

/* ": CODE: message" of an error, when there is one. */
static void v2_err(strbuf_t *out, const Proto__V2__ActionableErr *e)
{
    if (!e || (!e->errcode && !has(e->message))) return;
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(&proto__status_code__descriptor, e->errcode);
    if (v) sb_printf(out, ": %s", v->name);
    else sb_printf(out, ": %d", e->errcode);
    if (has(e->message)) sb_printf(out, ": %s", e->message);
}

/* A subtask of the kinds that carry only id, task, status and error. */
static void v2_subtask(strbuf_t *out, const char *task, const char *id, const char *status,
                       const Proto__V2__ActionableErr *e)
{
    sb_printf(out, "%s %s %s", str(task), str(id), str(status));
    v2_err(out, e);
}

/* A message without its final newline (the line's end). */
static void v2_message(strbuf_t *out, const char *m)
{
    size_t n = strlen(str(m));
    if (n && m[n - 1] == '\n') n--;
    if (n && m[n - 1] == '\r') n--;
    sb_add(out, str(m), n);
}

static void v2_build(strbuf_t *out, const Proto__V2__BuildSubtaskEvent *b)
{
    sb_printf(out, "%s %s %s %s", str(b->task_id), str(b->artifact), str(b->step), str(b->status));
    if (b->step && !strcmp(b->step, "Cache") && b->status) {
        if (!strcmp(b->status, "Succeeded")) sb_adds(out, " (hit)");
        else if (!strcmp(b->status, "Failed")) sb_adds(out, " (miss)");
    }
    v2_err(out, b->actionableerr);
}

static void v2_port(strbuf_t *out, const Proto__V2__PortForwardEvent *p)
{
    sb_printf(out, "%s %s/%s in %s to %s:%d", str(p->task_id), str(p->resourcetype), str(p->resourcename),
              str(p->namespace_), has(p->address) ? p->address : "127.0.0.1", p->localport);
    const Proto__V2__IntOrString *t = p->targetport;
    if (t && has(t->strval)) sb_printf(out, " (remote %s)", t->strval);
    else if (t && t->intval) sb_printf(out, " (remote %d)", t->intval);
}

static void v2_logline(strbuf_t *out, const Proto__V2__SkaffoldLogEvent *l)
{
    sb_printf(out, "[%s", str(l->task_id));
    if (has(l->subtask_id) && strcmp(l->subtask_id, "-1")) sb_printf(out, " %s", l->subtask_id);
    sb_adds(out, "] ");
    v2_message(out, l->message);
}

static void v2_subtasks(strbuf_t *out, const Proto__V2__Event *ev)
{
    switch (ev->event_type_case) {
    case PROTO__V2__EVENT__EVENT_TYPE_DEPLOY_SUBTASK_EVENT: {
        const Proto__V2__DeploySubtaskEvent *d = ev->deploysubtaskevent;
        v2_subtask(out, d->task_id, d->id, d->status, d->actionableerr);
        break;
    }
    case PROTO__V2__EVENT__EVENT_TYPE_TEST_EVENT: {
        const Proto__V2__TestSubtaskEvent *d = ev->testevent;
        v2_subtask(out, d->task_id, d->id, d->status, d->actionableerr);
        break;
    }
    case PROTO__V2__EVENT__EVENT_TYPE_RENDER_EVENT: {
        const Proto__V2__RenderSubtaskEvent *d = ev->renderevent;
        v2_subtask(out, d->task_id, d->id, d->status, d->actionableerr);
        break;
    }
    case PROTO__V2__EVENT__EVENT_TYPE_VERIFY_EVENT: {
        const Proto__V2__VerifySubtaskEvent *d = ev->verifyevent;
        v2_subtask(out, d->task_id, d->id, d->status, d->actionableerr);
        break;
    }
    case PROTO__V2__EVENT__EVENT_TYPE_EXEC_EVENT: {
        const Proto__V2__ExecSubtaskEvent *d = ev->execevent;
        v2_subtask(out, d->task_id, d->id, d->status, d->actionableerr);
        break;
    }
    default:
        break;
    }
}

static void v2_describe(strbuf_t *out, const Proto__V2__Event *ev)
{
    switch (ev->event_type_case) {
    case PROTO__V2__EVENT__EVENT_TYPE_TASK_EVENT:
        sb_printf(out, "%s %s", str(ev->taskevent->id), str(ev->taskevent->status));
        v2_err(out, ev->taskevent->actionableerr);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_BUILD_SUBTASK_EVENT:
        v2_build(out, ev->buildsubtaskevent);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_STATUS_CHECK_SUBTASK_EVENT: {
        const Proto__V2__StatusCheckSubtaskEvent *s = ev->statuschecksubtaskevent;
        sb_printf(out, "%s %s %s", str(s->task_id), str(s->resource), str(s->status));
        if (has(s->message)) sb_printf(out, ": %s", s->message);
        break;
    }
    case PROTO__V2__EVENT__EVENT_TYPE_PORT_EVENT:
        v2_port(out, ev->portevent);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_FILE_SYNC_EVENT:
        sb_printf(out, "%s %s %s (%d files)", str(ev->filesyncevent->task_id), str(ev->filesyncevent->image),
                  str(ev->filesyncevent->status), ev->filesyncevent->filecount);
        v2_err(out, ev->filesyncevent->actionableerr);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_DEBUGGING_CONTAINER_EVENT:
        sb_printf(out, "%s %s/%s %s", str(ev->debuggingcontainerevent->task_id),
                  str(ev->debuggingcontainerevent->podname), str(ev->debuggingcontainerevent->containername),
                  str(ev->debuggingcontainerevent->status));
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_CLOUD_RUN_READY_EVENT:
        sb_printf(out, "%s %s ready at %s", str(ev->cloudrunreadyevent->task_id),
                  str(ev->cloudrunreadyevent->resource), str(ev->cloudrunreadyevent->url));
        if (has(ev->cloudrunreadyevent->ready_revision))
            sb_printf(out, " (%s)", ev->cloudrunreadyevent->ready_revision);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_TERMINATION_EVENT:
        sb_printf(out, "Skaffold terminated: %s", str(ev->terminationevent->status));
        v2_err(out, ev->terminationevent->err);
        break;
    default:
        v2_subtasks(out, ev);
        break;
    }
}

void entry_v2_text(strbuf_t *out, const Proto__V2__Event *ev)
{
    switch (ev->event_type_case) {
    case PROTO__V2__EVENT__EVENT_TYPE_META_EVENT:
        sb_adds(out, str(ev->metaevent->entry));
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_SKAFFOLD_LOG_EVENT:
        v2_logline(out, ev->skaffoldlogevent);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_APPLICATION_LOG_EVENT:
        sb_printf(out, "[%s %s] ", str(ev->applicationlogevent->podname),
                  str(ev->applicationlogevent->containername));
        v2_message(out, ev->applicationlogevent->message);
        break;
    default:
        v2_describe(out, ev);
        break;
    }
}

static void format_time(strbuf_t *out, const Google__Protobuf__Timestamp *t)
{
    if (!t) {
        sb_adds(out, "-                       ");
        return;
    }
    pbjson_format_time(out, t->seconds, 0);
    out->len--; /* the 'Z' */
    sb_printf(out, ".%03dZ", t->nanos / 1000000);
}

void entry_v2_format_line(strbuf_t *out, const Proto__V2__Event *ev)
{
    format_time(out, ev->timestamp);
    sb_printf(out, "  %-11s  ", entry_v2_kind(ev));
    entry_v2_text(out, ev);
}

void entry_v2_render(strbuf_t *out, strbuf_t *scratch, const Proto__V2__Event *ev, bool json)
{
    if (json) {
        pbjson_write(out, &ev->base);
    } else {
        /* Skaffold's console colours go (a pipe gets none, as `skview logs`
         * prints); whatever else the message holds shows inert. The
         * stripped text passes through out's tail to scratch. */
        sb_reset(scratch);
        entry_v2_format_line(scratch, ev);
        size_t at = out->len;
        sgr_strip(out, scratch->data, scratch->len);
        sb_reset(scratch);
        sb_add(scratch, out->data + at, out->len - at);
        out->len = at;
        textsafe(out, scratch->data, scratch->len, 0, 0);
    }
    sb_addc(out, '\n');
}
