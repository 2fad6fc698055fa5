/* The simulator's State, kept the way Skaffold's server keeps it
 * (pkg/skaffold/event/event.go): handleExec applies each event, and the dev
 * loop calls InitializeState, the Reset* functions and the statusCode setters
 * itself, beside the events. None of it is inferred from the stream: this is
 * the server side that tests compare the client's inference with. Maps are
 * searched linearly (a server has a handful of keys). Callers hold sim.mu. */
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "transport/rpc_int.h"
#include "core/status.h"
#include "sim/sim_int.h"

static const char not_started[] = "Not Started";

void *sim_pb_new(const ProtobufCMessageDescriptor *d)
{
    void *m = xmalloc(d->sizeof_message);
    protobuf_c_message_init(d, m);
    return m;
}

void sim_pb_str(char **dst, const char *src)
{
    if (*dst && *dst != protobuf_c_empty_string)
        free(*dst);
    *dst = src && *src ? xstrdup(src) : (char *)protobuf_c_empty_string;
}

void *sim_pb_dup(const ProtobufCMessage *m)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = xmalloc(n ? n : 1);
    protobuf_c_message_pack(m, buf);
    void *copy = protobuf_c_message_unpack(m->descriptor, NULL, n, buf);
    free(buf);
    if (!copy)
        abort();
    return copy;
}

void sim_pb_free_all(void **arr, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        protobuf_c_message_free_unpacked(arr[i], NULL);
    free(arr);
    *n = 0;
}

/* ---- InitializeState -------------------------------------------------------- */

void sim_state_init(char *const *artifacts, size_t n, const Proto__Metadata *md)
{
    if (sim.state)
        protobuf_c_message_free_unpacked(&sim.state->base, NULL);
    Proto__State *s = sim.state = sim_pb_new(&proto__state__descriptor);
    s->buildstate = sim_pb_new(&proto__build_state__descriptor);
    s->deploystate = sim_pb_new(&proto__deploy_state__descriptor);
    s->statuscheckstate = sim_pb_new(&proto__status_check_state__descriptor);
    s->filesyncstate = sim_pb_new(&proto__file_sync_state__descriptor);
    sim_pb_str(&s->deploystate->status, not_started);
    sim_pb_str(&s->statuscheckstate->status, not_started);
    sim_pb_str(&s->filesyncstate->status, not_started);
    s->teststate = sim_pb_new(&proto__test_state__descriptor);
    sim_pb_str(&s->teststate->status, not_started);
    s->buildstate->artifacts = xcalloc(n ? n : 1, sizeof *s->buildstate->artifacts);
    for (size_t i = 0; i < n; i++) {
        Proto__BuildState__ArtifactsEntry *e = sim_pb_new(&proto__build_state__artifacts_entry__descriptor);
        sim_pb_str(&e->key, artifacts[i]);
        sim_pb_str(&e->value, not_started);
        s->buildstate->artifacts[s->buildstate->n_artifacts++] = e;
    }
    if (md)
        s->metadata = sim_pb_dup(&md->base);
}

/* ---- handleExec ---------------------------------------------------------------- */

/* map<string,string>[key] = value; entries have key field 1, value field 2. */
void sim_pb_map_set(void ***entries, size_t *n, const ProtobufCMessageDescriptor *d,
                    const char *key, const char *value)
{
    size_t ko = d->fields[0].offset, vo = d->fields[1].offset;
    key = key ? key : "";
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(*(char **)((char *)(*entries)[i] + ko), key)) {
            sim_pb_str((char **)((char *)(*entries)[i] + vo), value);
            return;
        }
    *entries = xrealloc(*entries, (*n + 1) * sizeof **entries);
    void *e = sim_pb_new(d);
    sim_pb_str((char **)((char *)e + ko), key);
    sim_pb_str((char **)((char *)e + vo), value);
    (*entries)[(*n)++] = e;
}

/* map<int32,Message>[key] = a copy of value; the same entry layout. */
void sim_pb_map_set_msg(void ***entries, size_t *n, const ProtobufCMessageDescriptor *d, int32_t key,
                        const ProtobufCMessage *value)
{
    size_t ko = d->fields[0].offset, vo = d->fields[1].offset;
    for (size_t i = 0; i < *n; i++) {
        char *e = (*entries)[i];
        if (*(int32_t *)(e + ko) == key) {
            protobuf_c_message_free_unpacked(*(ProtobufCMessage **)(e + vo), NULL);
            *(ProtobufCMessage **)(e + vo) = sim_pb_dup(value);
            return;
        }
    }
    *entries = xrealloc(*entries, (*n + 1) * sizeof **entries);
    char *e = sim_pb_new(d);
    *(int32_t *)(e + ko) = key;
    *(ProtobufCMessage **)(e + vo) = sim_pb_dup(value);
    (*entries)[(*n)++] = e;
}

static void port_set(Proto__State *s, const Proto__PortEvent *p)
{
    sim_pb_map_set_msg((void ***)&s->forwardedports, &s->n_forwardedports,
                       &proto__state__forwarded_ports_entry__descriptor, p->localport, &p->base);
}

static bool same_container(const Proto__DebuggingContainerEvent *a, const Proto__DebuggingContainerEvent *b)
{
    return !strcmp(a->namespace_, b->namespace_) && !strcmp(a->podname, b->podname) &&
           !strcmp(a->containername, b->containername);
}

static void debug_event(Proto__State *s, const Proto__DebuggingContainerEvent *d)
{
    status_kind_t k = status_kind(d->status);
    if (k == STATUS_STARTED) {
        s->debuggingcontainers = xrealloc(s->debuggingcontainers,
                                         (s->n_debuggingcontainers + 1) * sizeof *s->debuggingcontainers);
        s->debuggingcontainers[s->n_debuggingcontainers++] = sim_pb_dup(&d->base);
    } else if (k == STATUS_TERMINATED) {
        size_t kept = 0;
        for (size_t i = 0; i < s->n_debuggingcontainers; i++) {
            if (same_container(s->debuggingcontainers[i], d))
                protobuf_c_message_free_unpacked(&s->debuggingcontainers[i]->base, NULL);
            else
                s->debuggingcontainers[kept++] = s->debuggingcontainers[i];
        }
        s->n_debuggingcontainers = kept;
    }
}

void sim_state_handle(const Proto__Event *ev)
{
    Proto__State *s = sim.state;
    if (!s || !ev)
        return;
    switch (ev->event_type_case) {
    case PROTO__EVENT__EVENT_TYPE_BUILD_EVENT:
        sim_pb_map_set((void ***)&s->buildstate->artifacts, &s->buildstate->n_artifacts,
                &proto__build_state__artifacts_entry__descriptor, ev->buildevent->artifact,
                ev->buildevent->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_DEPLOY_EVENT:
        sim_pb_str(&s->deploystate->status, ev->deployevent->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_PORT_EVENT:
        port_set(s, ev->portevent);
        break;
    case PROTO__EVENT__EVENT_TYPE_STATUS_CHECK_EVENT:
        sim_pb_str(&s->statuscheckstate->status, ev->statuscheckevent->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_RESOURCE_STATUS_CHECK_EVENT:
        sim_pb_map_set((void ***)&s->statuscheckstate->resources, &s->statuscheckstate->n_resources,
                &proto__status_check_state__resources_entry__descriptor,
                ev->resourcestatuscheckevent->resource, ev->resourcestatuscheckevent->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_FILE_SYNC_EVENT:
        sim_pb_str(&s->filesyncstate->status, ev->filesyncevent->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_DEBUGGING_CONTAINER_EVENT:
        debug_event(s, ev->debuggingcontainerevent);
        break;
    case PROTO__EVENT__EVENT_TYPE_TEST_EVENT:
        sim_pb_str(&s->teststate->status, ev->testevent->status);
        break;
    default:
        break;
    }
}

/* ---- the resets -------------------------------------------------------------------- */

void sim_state_reset_deploy(void)
{
    Proto__State *s = sim.state;
    sim_pb_str(&s->deploystate->status, not_started);
    s->deploystate->statuscode = 0;
    sim_pb_str(&s->statuscheckstate->status, not_started);
    s->statuscheckstate->statuscode = 0;
    sim_pb_free_all((void **)s->statuscheckstate->resources, &s->statuscheckstate->n_resources);
    s->statuscheckstate->resources = NULL;
    sim_pb_free_all((void **)s->forwardedports, &s->n_forwardedports);
    s->forwardedports = NULL;
    sim_pb_free_all((void **)s->debuggingcontainers, &s->n_debuggingcontainers);
    s->debuggingcontainers = NULL;
}

void sim_state_reset_test(void)
{
    sim_pb_str(&sim.state->teststate->status, not_started);
    sim.state->teststate->statuscode = 0;
}

void sim_state_reset_build(void)
{
    Proto__State *s = sim.state;
    for (size_t i = 0; i < s->buildstate->n_artifacts; i++)
        sim_pb_str(&s->buildstate->artifacts[i]->value, not_started);
    s->buildstate->statuscode = 0;
    sim_pb_str(&s->filesyncstate->status, not_started);
    sim_state_reset_test();
    sim_state_reset_deploy();
}

/* The statusCode setters: DeployComplete / DeployFailed,
 * StatusCheckEventEnded, BuildSequenceFailed, TestFailed. */
void sim_state_code(sim_code_t which, int code)
{
    Proto__State *s = sim.state;
    if (which == SIM_CODE_BUILD)
        s->buildstate->statuscode = code;
    else if (which == SIM_CODE_DEPLOY)
        s->deploystate->statuscode = code;
    else if (which == SIM_CODE_STATUSCHECK)
        s->statuscheckstate->statuscode = code;
    else if (which == SIM_CODE_TEST)
        s->teststate->statuscode = code;
}

/* ---- GetState ------------------------------------------------------------------------ */

/* The State a client gets: the server's, with the auto triggers. While a log
 * is played, the server's State is the fold of that log (the played log has
 * no server beside it). */
static const Proto__State *state_now(void)
{
    return sim.playing || !sim.state ? model_state(sim.model) : sim.state;
}

void sim_state_with_flags(Proto__State *st, Proto__BuildState *bs, Proto__DeployState *ds,
                          Proto__FileSyncState *fs)
{
    *st = *state_now();
    *bs = *st->buildstate;
    *ds = *st->deploystate;
    *fs = *st->filesyncstate;
    bs->autotrigger = sim.auto_build;
    ds->autotrigger = sim.auto_deploy;
    fs->autotrigger = sim.auto_sync;
    st->buildstate = bs;
    st->deploystate = ds;
    st->filesyncstate = fs;
}

grpc_byte_buffer *sim_state_pack(void)
{
    Proto__State st;
    Proto__BuildState bs;
    Proto__DeployState ds;
    Proto__FileSyncState fs;
    pthread_mutex_lock(&sim.mu);
    sim_state_with_flags(&st, &bs, &ds, &fs);
    grpc_byte_buffer *bb = sim_pack_shuffled(&st.base);
    pthread_mutex_unlock(&sim.mu);
    return bb;
}

void sim_state_free(void)
{
    if (sim.state)
        protobuf_c_message_free_unpacked(&sim.state->base, NULL);
    sim.state = NULL;
}

/* After --play: the server goes on from the played log's fold. */
void sim_state_adopt_model(void)
{
    sim_state_free();
    sim.state = sim_pb_dup(&model_state(sim.model)->base);
}
