/* View models over the mirror and the history; see viewmodel.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "skaffold/entryfmt.h"
#include "skaffold/model_int.h"
#include "skaffold/modelstate_int.h"
#include "skaffold/viewmodel.h"

size_t vm_artifact_count(const model_t *m)
{
    const Proto__BuildState *b = model_state(m)->buildstate;
    return b ? b->n_artifacts : 0;
}

bool vm_artifact_at(const model_t *m, size_t i, vm_artifact_t *out)
{
    if (i >= vm_artifact_count(m))
        return false;
    const Proto__BuildState__ArtifactsEntry *a = model_state(m)->buildstate->artifacts[model_rows_pos(m, ROWS_ARTS, i)];
    *out = (vm_artifact_t){.name = a->key, .status = a->value, .kind = status_kind(a->value)};
    return true;
}

size_t vm_port_count(const model_t *m)
{
    return model_state(m)->n_forwardedports;
}

size_t vm_endpoint_count(const model_t *m)
{
    size_t n = 0;
    uint32_t session = model_session(m);
    for (size_t i = 0; i < model_endpoint_count(m); i++)
        n += model_endpoint_at(m, i)->session == session;
    return n;
}

const model_endpoint_t *vm_endpoint_at(const model_t *m, size_t i)
{
    uint32_t session = model_session(m);
    for (size_t k = 0; k < model_endpoint_count(m); k++) {
        const model_endpoint_t *e = model_endpoint_at(m, k);
        if (e->session == session && i-- == 0)
            return e;
    }
    return NULL;
}

bool vm_port_at(const model_t *m, size_t i, vm_port_t *out)
{
    if (i >= vm_port_count(m))
        return false;
    const Proto__PortEvent *p = model_state(m)->forwardedports[model_rows_pos(m, ROWS_PORTS, i)]->value;
    const Proto__IntOrString *t = p->targetport;
    *out = (vm_port_t){
        .address = p->address ? p->address : "",
        .local_port = p->localport,
        .remote_port = p->remoteport,
        .resource_type = p->resourcetype,
        .resource_name = p->resourcename,
        .pod = p->podname,
        .container = p->containername,
        .namespace_ = p->namespace_,
        .port_name = p->portname,
        .target_name = t && t->type == 1 && t->strval && *t->strval ? t->strval : NULL,
        .target_port = t && t->intval ? t->intval : p->remoteport,
    };
    return true;
}

size_t vm_debug_count(const model_t *m)
{
    return model_state(m)->n_debuggingcontainers;
}

bool vm_debug_at(const model_t *m, size_t i, vm_debug_t *out)
{
    if (i >= vm_debug_count(m))
        return false;
    const Proto__DebuggingContainerEvent *d = model_state(m)->debuggingcontainers[i];
    *out = (vm_debug_t){.pod = d->podname, .container = d->containername,
                        .namespace_ = d->namespace_, .artifact = d->artifact,
                        .runtime = d->runtime, .working_dir = d->workingdir,
                        .status = d->status, .n_ports = d->n_debugports};
    return true;
}

static int by_port_name(const void *a, const void *b)
{
    const Proto__DebuggingContainerEvent__DebugPortsEntry *const *x = a, *const *y = b;
    return strcmp(model_nz((*x)->key), model_nz((*y)->key));
}

/* debugPorts is a map: by name, whatever order GetState gave. */
void vm_debug_ports(const model_t *m, size_t i, strbuf_t *out)
{
    if (i >= vm_debug_count(m))
        return;
    const Proto__DebuggingContainerEvent *d = model_state(m)->debuggingcontainers[i];
    size_t n = d->n_debugports;
    Proto__DebuggingContainerEvent__DebugPortsEntry **v = xmalloc((n ? n : 1) * sizeof *v);
    memcpy(v, d->debugports, n * sizeof *v);
    qsort(v, n, sizeof *v, by_port_name);
    for (size_t k = 0; k < n; k++)
        sb_printf(out, "%s%s=%u", k ? " " : "", model_nz(v[k]->key), v[k]->value);
    free(v);
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

void vm_loop(const model_t *m, vm_loop_t *out)
{
    const Proto__State *s = model_state(m);
    *out = (vm_loop_t){
        .auto_build = s->buildstate && s->buildstate->autotrigger,
        .auto_sync = s->filesyncstate && s->filesyncstate->autotrigger,
        .auto_deploy = s->deploystate && s->deploystate->autotrigger,
        .auto_known = model_state_known(m),
        .file_sync = s->filesyncstate ? or_empty(s->filesyncstate->status) : "",
        .test = s->teststate ? or_empty(s->teststate->status) : "",
    };
}

static const char *enum_name(const ProtobufCEnumDescriptor *d, int v)
{
    const ProtobufCEnumValue *e = protobuf_c_enum_descriptor_get_value(d, v);
    return e ? e->name : "?";
}

void vm_pipeline(const model_t *model, strbuf_t *out, const char *arrow)
{
    const Proto__Metadata *m = model_state(model)->metadata;
    if (!m)
        return;
    for (size_t i = 0; m->build && i < m->build->n_builders; i++) {
        const Proto__BuildMetadata__ImageBuilder *b = m->build->builders[i];
        sb_printf(out, "%s%s", i ? "," : "", enum_name(&proto__builder_type__descriptor, b->type));
        if (b->count > 1)
            sb_printf(out, "x%d", b->count);
    }
    if (m->deploy && m->deploy->n_deployers) {
        sb_printf(out, " %s ", arrow);
        for (size_t i = 0; i < m->deploy->n_deployers; i++)
            sb_printf(out, "%s%s", i ? "," : "",
                      enum_name(&proto__deployer_type__descriptor, m->deploy->deployers[i]->type));
    }
    if (m->deploy && m->deploy->cluster)
        sb_printf(out, " on %s", enum_name(&proto__cluster_type__descriptor, m->deploy->cluster));
}

static bool running(const char *status)
{
    return status && status_kind(status) == STATUS_IN_PROGRESS;
}

bool vm_phase_running(const model_t *m)
{
    const Proto__State *s = model_state(m);
    for (size_t i = 0; s->buildstate && i < s->buildstate->n_artifacts; i++)
        if (running(s->buildstate->artifacts[i]->value))
            return true;
    return (s->deploystate && running(s->deploystate->status)) ||
           (s->statuscheckstate && running(s->statuscheckstate->status));
}

bool vm_event_get(const model_t *m, uint64_t seq, vm_event_t *out, strbuf_t *text)
{
    Proto__LogEntry *e = model_history_get(m, seq, NULL);
    if (!e)
        return false;
    entry_text(text, e);
    *out = (vm_event_t){
        .seq = seq,
        .has_time = e->timestamp != NULL,
        .sec = e->timestamp ? e->timestamp->seconds : 0,
        .nanos = e->timestamp ? e->timestamp->nanos : 0,
        .kind = entry_kind(e),
        .error = model_entry_error(e, NULL),
        .session = model_session_of(m, seq),
    };
    out->session_start = out->session > 1 && (seq == 0 || model_session_of(m, seq - 1) != out->session);
    protobuf_c_message_free_unpacked(&e->base, NULL);
    return true;
}

ProtobufCMessage *vm_event_message(const model_t *m, uint64_t seq)
{
    Proto__LogEntry *e = model_history_get(m, seq, NULL);
    return e ? &e->base : NULL;
}
