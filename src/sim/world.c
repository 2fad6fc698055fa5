/* The simulator's world: the log every Events call replays, the server's
 * State (state.c), the fold of the log as a client mirrors it (sim.model, the
 * State while a log is played), and the files the tests read (--event-log,
 * --state-log). */
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "transport/rpc_int.h"
#include "core/pbjson.h"
#include "core/status.h"
#include "sim/sim_int.h"

sim_t sim;

void sim_world_init(void)
{
    pthread_mutex_init(&sim.mu, NULL);
    pthread_cond_init(&sim.cond, NULL);
    sim.model = model_new(NULL);
    /* `skaffold dev` starts with every auto trigger on, unless told. */
    sim.auto_build = sim.opts.auto_build;
    sim.auto_sync = sim.opts.auto_sync;
    sim.auto_deploy = sim.opts.auto_deploy;
}

int sim_thread_start(pthread_t *th, void *(*fn)(void *), const char *what, bool *running)
{
    if (pthread_create(th, NULL, fn, NULL) != 0) {
        fprintf(stderr, "skview-sim: cannot start the %s thread\n", what);
        return -1;
    }
    *running = true;
    return 0;
}

void sim_thread_stop(pthread_t th, bool *running)
{
    pthread_mutex_lock(&sim.mu);
    sim.stopping = true;
    pthread_cond_broadcast(&sim.cond);
    pthread_mutex_unlock(&sim.mu);
    if (*running)
        pthread_join(th, NULL);
    *running = false;
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
    sim_state_free();
    sim_v2_free();
    if (sim.calls_log)
        fclose(sim.calls_log);
    if (sim.event_log)
        fclose(sim.event_log);
    if (sim.state_log)
        fclose(sim.state_log);
    pthread_cond_destroy(&sim.cond);
    pthread_mutex_destroy(&sim.mu);
}

/* Skaffold's --event-log-file: one canonical-JSON LogEntry a line. */
static void event_log_write(const Proto__LogEntry *e)
{
    if (!sim.event_log)
        return;
    strbuf_t sb;
    sb_init(&sb);
    pbjson_write(&sb, &e->base);
    sb_addc(&sb, '\n');
    fwrite(sb.data, 1, sb.len, sim.event_log);
    fflush(sim.event_log);
    sb_free(&sb);
    sim.event_log_lines++;
}

/* What the stream shows again once an event comes. */
static void unseen_update(const Proto__Event *ev)
{
    if (ev && ev->event_type_case == PROTO__EVENT__EVENT_TYPE_FILE_SYNC_EVENT)
        sim.unseen &= ~(unsigned)UNSEEN_SYNC;
}

void sim_append_locked(grpc_slice s, const Proto__LogEntry *e)
{
    if (sim.n_hist == sim.cap_hist) {
        sim.cap_hist = sim.cap_hist ? 2 * sim.cap_hist : 1024;
        sim.hist = xrealloc(sim.hist, sim.cap_hist * sizeof *sim.hist);
    }
    sim.hist[sim.n_hist++] = s;
    model_fold(sim.model, e);
    sim_state_handle(e->event);
    unseen_update(e->event);
    event_log_write(e);
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

/* The resets Execute and Auto*(true) apply at once: Skaffold's
 * ResetStateOnBuild / ResetStateOnDeploy, with no event to show them. */
void sim_reset_locked(unsigned phases)
{
    if (!sim.state)
        return;
    if (phases & SIM_BUILD) {
        sim_state_reset_build();
        sim.unseen |= UNSEEN_ARTIFACTS | UNSEEN_BUILD_CODE | UNSEEN_SYNC | UNSEEN_DEPLOY | UNSEEN_TEST;
    } else if (phases & SIM_DEPLOY) {
        sim_state_reset_deploy();
        sim.unseen |= UNSEEN_DEPLOY;
    }
}

static void unseen_json(strbuf_t *sb)
{
    static const struct { unsigned bit; const char *paths; } parts[] = {
        {UNSEEN_ARTIFACTS, "\"buildState.artifacts\""},
        {UNSEEN_BUILD_CODE, "\"buildState.statusCode\""},
        {UNSEEN_SYNC, "\"fileSyncState.status\""},
        {UNSEEN_DEPLOY, "\"deployState.status\",\"deployState.statusCode\",\"statusCheckState\","
                        "\"forwardedPorts\",\"debuggingContainers\""},
        {UNSEEN_TEST, "\"testState\""},
    };
    bool first = true;
    sb_addc(sb, '[');
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (sim.unseen & parts[i].bit) {
            sb_adds(sb, first ? "" : ",");
            sb_adds(sb, parts[i].paths);
            first = false;
        }
    sb_addc(sb, ']');
}

/* --state-log: {"line":N,"iteration":I,"unseen":[...],"state":STATE} where
 * N is the number of lines of the event log when GetState would have given
 * STATE (the auto triggers left out: no event carries them), and unseen the
 * parts changed by resets no event shows. */
void sim_state_log(int iteration)
{
    if (!sim.state_log)
        return;
    Proto__State st;
    Proto__BuildState bs;
    Proto__DeployState ds;
    Proto__FileSyncState fs;
    strbuf_t sb;
    sb_init(&sb);
    pthread_mutex_lock(&sim.mu);
    sim_state_with_flags(&st, &bs, &ds, &fs);
    bs.autotrigger = ds.autotrigger = fs.autotrigger = false;
    sb_printf(&sb, "{\"line\":%llu,\"iteration\":%d,\"unseen\":",
              (unsigned long long)sim.event_log_lines, iteration);
    unseen_json(&sb);
    sb_adds(&sb, ",\"state\":");
    pbjson_write(&sb, &st.base);
    pthread_mutex_unlock(&sim.mu);
    sb_adds(&sb, "}\n");
    fwrite(sb.data, 1, sb.len, sim.state_log);
    fflush(sim.state_log);
    sb_free(&sb);
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
