/* The simulator's world: the log every Events call replays, and the State
 * folded from it with the model the client uses (so "mirror == GetState" is a
 * meaningful check), plus the fields only a server knows. */
#include <stdlib.h>
#include <string.h>
#include "live/rpc_int.h"
#include "model/status.h"
#include "sim/sim_int.h"

sim_t sim;

void sim_world_init(void)
{
    pthread_mutex_init(&sim.mu, NULL);
    pthread_cond_init(&sim.cond, NULL);
    sim.model = model_new(NULL);
    /* `skaffold dev` starts with every auto trigger on. */
    sim.auto_build = sim.auto_sync = sim.auto_deploy = true;
}

void sim_world_free(void)
{
    for (size_t i = 0; i < sim.n_hist; i++)
        grpc_slice_unref(sim.hist[i]);
    free(sim.hist);
    for (size_t i = 0; i < sim.n_flood; i++)
        grpc_slice_unref(sim.flood[i]);
    free(sim.flood);
    model_free(sim.model);
    if (sim.calls_log)
        fclose(sim.calls_log);
    pthread_cond_destroy(&sim.cond);
    pthread_mutex_destroy(&sim.mu);
}

/* The server's statusCode fields follow the phase results: the error code of
 * a failure, the phase's success code when it completes. */
static void sim_codes_locked(const Proto__Event *ev)
{
    if (!ev)
        return;
    switch (ev->event_type_case) {
    case PROTO__EVENT__EVENT_TYPE_BUILD_EVENT:
        if (ev->buildevent->errcode)
            sim.build_code = ev->buildevent->errcode;
        else if (status_kind(ev->buildevent->status) == STATUS_SUCCEEDED)
            sim.build_code = PROTO__STATUS_CODE__BUILD_SUCCESS;
        break;
    case PROTO__EVENT__EVENT_TYPE_DEPLOY_EVENT:
        if (ev->deployevent->errcode)
            sim.deploy_code = ev->deployevent->errcode;
        else if (status_kind(ev->deployevent->status) == STATUS_SUCCEEDED)
            sim.deploy_code = PROTO__STATUS_CODE__DEPLOY_SUCCESS;
        break;
    case PROTO__EVENT__EVENT_TYPE_STATUS_CHECK_EVENT:
        if (ev->statuscheckevent->errcode)
            sim.sc_code = ev->statuscheckevent->errcode;
        break;
    default:
        break;
    }
}

void sim_append_locked(grpc_slice s, const Proto__LogEntry *e)
{
    if (sim.n_hist == sim.cap_hist) {
        sim.cap_hist = sim.cap_hist ? 2 * sim.cap_hist : 1024;
        sim.hist = realloc(sim.hist, sim.cap_hist * sizeof *sim.hist);
        if (!sim.hist)
            abort();
    }
    sim.hist[sim.n_hist++] = s;
    model_fold(sim.model, e);
    sim_codes_locked(e->event);
}

/* Appends to the log, folds, and wakes the subscribers waiting for more. */
void sim_emit(const Proto__LogEntry *e)
{
    grpc_slice s = rpc_pack_slice(&e->base);
    pthread_mutex_lock(&sim.mu);
    sim_append_locked(s, e);
    for (sim_sub_t *sub = sim.subs; sub; sub = sub->next)
        sim_pump_locked(sub);
    pthread_mutex_unlock(&sim.mu);
}

/* GetState: the model's mirror with the server-only fields laid over it.
 * Shallow copies on the stack: nothing is allocated but the packed bytes. */
grpc_byte_buffer *sim_state_pack(void)
{
    pthread_mutex_lock(&sim.mu);
    Proto__State st = *model_state(sim.model);
    Proto__BuildState bs = *st.buildstate;
    Proto__DeployState ds = *st.deploystate;
    Proto__StatusCheckState sc = *st.statuscheckstate;
    Proto__FileSyncState fs = *st.filesyncstate;
    bs.autotrigger = sim.auto_build;
    bs.statuscode = sim.build_code;
    ds.autotrigger = sim.auto_deploy;
    ds.statuscode = sim.deploy_code;
    sc.statuscode = sim.sc_code;
    fs.autotrigger = sim.auto_sync;
    st.buildstate = &bs;
    st.deploystate = &ds;
    st.statuscheckstate = &sc;
    st.filesyncstate = &fs;
    grpc_byte_buffer *bb = rpc_pack(&st.base);
    pthread_mutex_unlock(&sim.mu);
    return bb;
}

static char not_started[] = "Not Started";

/* Skaffold's ResetStateOnBuild: every artifact back to "Not Started", and
 * everything after the build emptied. */
static void reset_build(Proto__State *st, Proto__BuildState *bs,
                        Proto__BuildState__ArtifactsEntry **arts, Proto__BuildState__ArtifactsEntry *ae)
{
    for (size_t i = 0; i < bs->n_artifacts; i++) {
        ae[i] = *bs->artifacts[i];
        ae[i].value = not_started;
        arts[i] = &ae[i];
    }
    bs->artifacts = arts;
    st->filesyncstate->status = not_started;
}

/* Skaffold's ResetStateOnDeploy. */
static void reset_deploy(Proto__State *st)
{
    st->deploystate->status = not_started;
    st->statuscheckstate->status = not_started;
    st->statuscheckstate->n_resources = 0;
    st->statuscheckstate->resources = NULL;
    st->n_forwardedports = 0;
    st->forwardedports = NULL;
    st->n_debuggingcontainers = 0;
    st->debuggingcontainers = NULL;
}

/* Applies the resets of a new build / deploy / sync to the model's mirror
 * (model_reconcile with nothing to re-fold replaces it). */
void sim_reset_locked(unsigned phases)
{
    Proto__State st = *model_state(sim.model);
    Proto__BuildState bs = *st.buildstate;
    Proto__DeployState ds = *st.deploystate;
    Proto__StatusCheckState sc = *st.statuscheckstate;
    Proto__FileSyncState fs = *st.filesyncstate;
    st.buildstate = &bs;
    st.deploystate = &ds;
    st.statuscheckstate = &sc;
    st.filesyncstate = &fs;
    size_t n = bs.n_artifacts ? bs.n_artifacts : 1;
    Proto__BuildState__ArtifactsEntry **arts = calloc(n, sizeof *arts);
    Proto__BuildState__ArtifactsEntry *ae = calloc(n, sizeof *ae);
    if (!arts || !ae)
        abort();
    if (phases & SIM_BUILD) {
        reset_build(&st, &bs, arts, ae);
        sim.build_code = 0;
    }
    if (phases & (SIM_BUILD | SIM_DEPLOY)) {
        reset_deploy(&st);
        sim.deploy_code = sim.sc_code = 0;
    }
    if (phases & SIM_SYNC)
        fs.status = not_started;
    model_reconcile(sim.model, &st, model_seq(sim.model));
    free(arts);
    free(ae);
}

void sim_log_call(const char *json)
{
    if (!sim.calls_log)
        return;
    fputs(json, sim.calls_log);
    fputc('\n', sim.calls_log);
    fflush(sim.calls_log);
}

void sim_request_exit(void)
{
    sim.exit_requested = true;
}
