/* The simulator's v2 State, kept the way Skaffold 2.x's server keeps it
 * (pkg/skaffold/event/v2/event.go): InitializeState at the start of every
 * dev loop (every status "NotStarted", the artifacts and the auto triggers
 * from the configuration and flags), handleExec for each event, and the
 * resets the v2 control calls cause. statusCheckState.status and the
 * statusCode fields are never set by an event (they stay "NotStarted" and
 * OK). Independent of the v1 State (state.c) and of any client's fold.
 * Callers hold sim.mu. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/xalloc.h"
#include "transport/rpc_int.h"
#include "sim/sim_int.h"

static const char not_started[] = "NotStarted";

/* A UUID-shaped id, one per process as Skaffold's run id is one per run
 * (a restarted server is another run, whatever its --seed). */
static const char *run_id(void)
{
    static char id[40];
    if (!id[0]) {
        uint64_t x = (uint64_t)sim_now_ns() ^ ((uint64_t)getpid() << 32);
        x *= 0x9E3779B97F4A7C15ull;
        snprintf(id, sizeof id, "%08x-%04x-4%03x-9%03x-%012llx", (unsigned)(x >> 32), (unsigned)(x >> 16) & 0xffff,
                 (unsigned)x & 0xfff, (unsigned)(x >> 20) & 0xfff, (unsigned long long)(x * 0xBF58476D1CE4E5B9ull) & 0xffffffffffffull);
    }
    return id;
}

/* Skaffold's initializeMetadata: the artifacts (docker, with their
 * context), a local build, one helm deployer on minikube, the run id. */
static Proto__V2__Metadata *metadata_new(char *const *artifacts, size_t n)
{
    Proto__V2__Metadata *md = sim_pb_new(&proto__v2__metadata__descriptor);
    md->build = sim_pb_new(&proto__v2__build_metadata__descriptor);
    md->build->type = PROTO__BUILD_TYPE__LOCAL;
    md->build->artifacts = xcalloc(n ? n : 1, sizeof *md->build->artifacts);
    for (size_t i = 0; i < n; i++) {
        Proto__V2__BuildMetadata__Artifact *a = sim_pb_new(&proto__v2__build_metadata__artifact__descriptor);
        char ctx[96];
        snprintf(ctx, sizeof ctx, "services/%s", artifacts[i]);
        a->type = PROTO__BUILDER_TYPE__DOCKER;
        sim_pb_str(&a->name, artifacts[i]);
        sim_pb_str(&a->context, ctx);
        sim_pb_str(&a->dockerfile, "Dockerfile");
        md->build->artifacts[md->build->n_artifacts++] = a;
    }
    md->render = sim_pb_new(&proto__v2__render_metadata__descriptor);
    md->deploy = sim_pb_new(&proto__v2__deploy_metadata__descriptor);
    Proto__V2__DeployMetadata__Deployer *helm = sim_pb_new(&proto__v2__deploy_metadata__deployer__descriptor);
    helm->type = PROTO__DEPLOYER_TYPE__HELM;
    helm->count = 1;
    md->deploy->deployers = xmalloc(sizeof *md->deploy->deployers);
    md->deploy->deployers[0] = helm;
    md->deploy->n_deployers = 1;
    md->deploy->cluster = PROTO__CLUSTER_TYPE__MINIKUBE;
    sim_pb_str(&md->runid, run_id());
    return md;
}

/* emptyStatusCheckState */
static Proto__V2__StatusCheckState *sc_empty(void)
{
    Proto__V2__StatusCheckState *sc = sim_pb_new(&proto__v2__status_check_state__descriptor);
    sim_pb_str(&sc->status, not_started);
    return sc;
}

/* emptyStateWithArtifacts: artifacts (map entries, taken), metadata (taken). */
static Proto__V2__State *state_empty(Proto__V2__BuildState__ArtifactsEntry **arts, size_t n,
                                     Proto__V2__Metadata *md, bool ab, bool ad, bool as)
{
    Proto__V2__State *s = sim_pb_new(&proto__v2__state__descriptor);
    s->buildstate = sim_pb_new(&proto__v2__build_state__descriptor);
    s->buildstate->artifacts = arts;
    s->buildstate->n_artifacts = n;
    s->buildstate->autotrigger = ab;
    s->teststate = sim_pb_new(&proto__v2__test_state__descriptor);
    sim_pb_str(&s->teststate->status, not_started);
    s->renderstate = sim_pb_new(&proto__v2__render_state__descriptor);
    sim_pb_str(&s->renderstate->status, not_started);
    s->deploystate = sim_pb_new(&proto__v2__deploy_state__descriptor);
    sim_pb_str(&s->deploystate->status, not_started);
    s->deploystate->autotrigger = ad;
    s->statuscheckstate = sc_empty();
    s->filesyncstate = sim_pb_new(&proto__v2__file_sync_state__descriptor);
    sim_pb_str(&s->filesyncstate->status, not_started);
    s->filesyncstate->autotrigger = as;
    s->metadata = md;
    return s;
}

static Proto__V2__BuildState__ArtifactsEntry **arts_not_started(char *const *names, size_t n)
{
    Proto__V2__BuildState__ArtifactsEntry **arts = xcalloc(n ? n : 1, sizeof *arts);
    for (size_t i = 0; i < n; i++) {
        arts[i] = sim_pb_new(&proto__v2__build_state__artifacts_entry__descriptor);
        sim_pb_str(&arts[i]->key, names[i]);
        sim_pb_str(&arts[i]->value, not_started);
    }
    return arts;
}

static void state_replace(Proto__V2__State *s)
{
    sim_state2_free();
    sim.state2 = s;
}

void sim_state2_init(char *const *artifacts, size_t n)
{
    state_replace(state_empty(arts_not_started(artifacts, n), n, metadata_new(artifacts, n),
                              sim.opts.auto_build, sim.opts.auto_deploy, sim.opts.auto_sync));
}

/* ResetStateOnBuild: an empty State with the same artifacts "NotStarted";
 * the auto triggers and metadata kept. */
void sim_state2_reset_build(void)
{
    Proto__V2__State *old = sim.state2;
    if (!old)
        return;
    size_t n = old->buildstate->n_artifacts;
    char **names = xcalloc(n ? n : 1, sizeof *names);
    for (size_t i = 0; i < n; i++)
        names[i] = old->buildstate->artifacts[i]->key;
    Proto__V2__State *s = state_empty(arts_not_started(names, n), n, sim_pb_dup(&old->metadata->base),
                                      old->buildstate->autotrigger, old->deploystate->autotrigger,
                                      old->filesyncstate->autotrigger);
    free(names);
    state_replace(s);
}

/* ResetStateOnDeploy */
void sim_state2_reset_deploy(void)
{
    Proto__V2__State *s = sim.state2;
    if (!s)
        return;
    sim_pb_str(&s->deploystate->status, not_started);
    s->deploystate->statuscode = 0;
    protobuf_c_message_free_unpacked(&s->statuscheckstate->base, NULL);
    s->statuscheckstate = sc_empty();
    sim_pb_free_all((void **)s->forwardedports, &s->n_forwardedports);
    s->forwardedports = NULL;
    sim_pb_free_all((void **)s->debuggingcontainers, &s->n_debuggingcontainers);
    s->debuggingcontainers = NULL;
}

/* ---- handleExec ---------------------------------------------------------------- */

static void port_set(Proto__V2__State *s, const Proto__V2__PortForwardEvent *p)
{
    sim_pb_map_set_msg((void ***)&s->forwardedports, &s->n_forwardedports,
                       &proto__v2__state__forwarded_ports_entry__descriptor, p->localport, &p->base);
}

static void debug_event(Proto__V2__State *s, const Proto__V2__DebuggingContainerEvent *d)
{
    if (!strcmp(d->status, "Started")) {
        s->debuggingcontainers = xrealloc(s->debuggingcontainers,
                                         (s->n_debuggingcontainers + 1) * sizeof *s->debuggingcontainers);
        s->debuggingcontainers[s->n_debuggingcontainers++] = sim_pb_dup(&d->base);
    } else if (!strcmp(d->status, "Terminated")) {
        size_t kept = 0;
        for (size_t i = 0; i < s->n_debuggingcontainers; i++) {
            Proto__V2__DebuggingContainerEvent *x = s->debuggingcontainers[i];
            if (!strcmp(x->namespace_, d->namespace_) && !strcmp(x->podname, d->podname) &&
                !strcmp(x->containername, d->containername))
                protobuf_c_message_free_unpacked(&x->base, NULL);
            else
                s->debuggingcontainers[kept++] = x;
        }
        s->n_debuggingcontainers = kept;
    }
}

void sim_state2_handle(const Proto__V2__Event *ev)
{
    Proto__V2__State *s = sim.state2;
    if (!s)
        return;
    switch (ev->event_type_case) {
    case PROTO__V2__EVENT__EVENT_TYPE_BUILD_SUBTASK_EVENT:
        if (!strcmp(ev->buildsubtaskevent->step, "Build"))
            sim_pb_map_set((void ***)&s->buildstate->artifacts, &s->buildstate->n_artifacts,
                           &proto__v2__build_state__artifacts_entry__descriptor,
                           ev->buildsubtaskevent->artifact, ev->buildsubtaskevent->status);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_TEST_EVENT:
        sim_pb_str(&s->teststate->status, ev->testevent->status);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_RENDER_EVENT:
        sim_pb_str(&s->renderstate->status, ev->renderevent->status);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_DEPLOY_SUBTASK_EVENT:
        sim_pb_str(&s->deploystate->status, ev->deploysubtaskevent->status);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_PORT_EVENT:
        port_set(s, ev->portevent);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_STATUS_CHECK_SUBTASK_EVENT:
        sim_pb_map_set((void ***)&s->statuscheckstate->resources, &s->statuscheckstate->n_resources,
                       &proto__v2__status_check_state__resources_entry__descriptor,
                       ev->statuschecksubtaskevent->resource, ev->statuschecksubtaskevent->status);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_FILE_SYNC_EVENT:
        sim_pb_str(&s->filesyncstate->status, ev->filesyncevent->status);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_DEBUGGING_CONTAINER_EVENT:
        debug_event(s, ev->debuggingcontainerevent);
        break;
    default:
        break;
    }
}

grpc_byte_buffer *sim_state2_pack(void)
{
    pthread_mutex_lock(&sim.mu);
    grpc_byte_buffer *bb;
    if (sim.state2) {
        bb = sim_pack_shuffled(&sim.state2->base);
    } else {
        Proto__V2__State empty = PROTO__V2__STATE__INIT;
        bb = rpc_pack(&empty.base);
    }
    pthread_mutex_unlock(&sim.mu);
    return bb;
}

void sim_state2_free(void)
{
    if (sim.state2)
        protobuf_c_message_free_unpacked(&sim.state2->base, NULL);
    sim.state2 = NULL;
}
