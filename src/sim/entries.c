/* LogEntry builders for the simulator, with the sentences Skaffold writes
 * ("Build started for artifact X"). Messages are assembled on the stack and
 * handed to sim_emit, which packs them. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/xalloc.h"
#include "transport/rpc_int.h"
#include "sim/entries.h"
#include "sim/sim_int.h"

static __thread int64_t last_stamp;

int64_t sim_last_stamp(void)
{
    return last_stamp;
}

int64_t sim_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void entry_fill(Proto__LogEntry *e, Google__Protobuf__Timestamp *ts, Proto__Event *ev,
                       char *text, int64_t t_ns)
{
    ts->seconds = t_ns / 1000000000;
    ts->nanos = (int32_t)(t_ns % 1000000000);
    last_stamp = t_ns;
    e->timestamp = ts;
    e->event = ev;
    e->entry = text;
}

void sim_say(Proto__Event *ev, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    Proto__LogEntry e = PROTO__LOG_ENTRY__INIT;
    Google__Protobuf__Timestamp ts = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
    entry_fill(&e, &ts, ev, text, sim_now_ns());
    sim_emit(&e);
}

grpc_slice sim_entry_pack(Proto__Event *ev, const char *text, int64_t t_ns)
{
    Proto__LogEntry e = PROTO__LOG_ENTRY__INIT;
    Google__Protobuf__Timestamp ts = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
    entry_fill(&e, &ts, ev, (char *)text, t_ns);
    return rpc_pack_slice(&e.base);
}

Proto__ActionableErr *sim_err_fill(sim_err_t *x, int code, const char *msg, int scode, const char *action)
{
    if (!code)
        return NULL;
    proto__actionable_err__init(&x->err);
    proto__suggestion__init(&x->sugg);
    x->err.errcode = code;
    x->err.message = (char *)msg;
    if (scode) {
        x->sugg.suggestioncode = scode;
        x->sugg.action = (char *)action;
        x->list[0] = &x->sugg;
        x->err.suggestions = x->list;
        x->err.n_suggestions = 1;
    }
    return &x->err;
}

void sim_build(const char *artifact, const char *status, const sim_fail_t *f)
{
    Proto__BuildEvent b = PROTO__BUILD_EVENT__INIT;
    Proto__Event ev = PROTO__EVENT__INIT;
    sim_err_t x;
    b.artifact = (char *)artifact;
    b.status = (char *)status;
    if (f) {
        b.err = (char *)f->msg;
        b.errcode = f->code;
        b.actionableerr = sim_err_fill(&x, f->code, f->msg, f->scode, f->action);
    }
    ev.event_type_case = PROTO__EVENT__EVENT_TYPE_BUILD_EVENT;
    ev.buildevent = &b;
    const char *verb = !strcmp(status, "In Progress") ? "started" : !strcmp(status, "Complete") ? "completed"
                     : !strcmp(status, "Failed") ? "failed" : "canceled";
    sim_say(&ev, "Build %s for artifact %s", verb, artifact);
}

void sim_deploy(const char *status, const sim_fail_t *f)
{
    Proto__DeployEvent d = PROTO__DEPLOY_EVENT__INIT;
    Proto__Event ev = PROTO__EVENT__INIT;
    sim_err_t x;
    d.status = (char *)status;
    if (f) {
        d.err = (char *)f->msg;
        d.errcode = f->code;
        d.actionableerr = sim_err_fill(&x, f->code, f->msg, f->scode, f->action);
    }
    ev.event_type_case = PROTO__EVENT__EVENT_TYPE_DEPLOY_EVENT;
    ev.deployevent = &d;
    sim_say(&ev, "Deploy %s", !strcmp(status, "In Progress") ? "started"
                              : !strcmp(status, "Complete") ? "completed" : "failed");
}

void sim_test(const char *status, const sim_fail_t *f)
{
    Proto__TestEvent t = PROTO__TEST_EVENT__INIT;
    Proto__Event ev = PROTO__EVENT__INIT;
    sim_err_t x;
    t.status = (char *)status;
    if (f)
        t.actionableerr = sim_err_fill(&x, f->code, f->msg, f->scode, f->action);
    ev.event_type_case = PROTO__EVENT__EVENT_TYPE_TEST_EVENT;
    ev.testevent = &t;
    sim_say(&ev, "Test %s", !strcmp(status, "In Progress") ? "started"
                            : !strcmp(status, "Complete") ? "completed" : "failed");
}

void sim_statuscheck(const char *status, const sim_fail_t *f)
{
    Proto__StatusCheckEvent s = PROTO__STATUS_CHECK_EVENT__INIT;
    Proto__Event ev = PROTO__EVENT__INIT;
    sim_err_t x;
    s.status = (char *)status;
    if (f) {
        s.message = (char *)f->msg;
        s.err = (char *)f->msg;
        s.errcode = f->code;
        s.actionableerr = sim_err_fill(&x, f->code, f->msg, f->scode, f->action);
    } else if (!strcmp(status, "Succeeded")) {
        s.errcode = PROTO__STATUS_CODE__STATUSCHECK_SUCCESS;
    }
    ev.event_type_case = PROTO__EVENT__EVENT_TYPE_STATUS_CHECK_EVENT;
    ev.statuscheckevent = &s;
    sim_say(&ev, "Status check %s", !strcmp(status, "Started") ? "started"
                                    : !strcmp(status, "Succeeded") ? "succeeded" : "failed");
}

void sim_resource(const char *res, const char *status, const char *message, const sim_fail_t *f, int code)
{
    Proto__ResourceStatusCheckEvent r = PROTO__RESOURCE_STATUS_CHECK_EVENT__INIT;
    Proto__Event ev = PROTO__EVENT__INIT;
    sim_err_t x;
    r.resource = (char *)res;
    r.status = (char *)status;
    r.message = (char *)message;
    r.statuscode = code;
    if (f) {
        if (!strcmp(status, "Failed"))
            r.err = (char *)f->msg;
        r.statuscode = f->code;
        r.actionableerr = sim_err_fill(&x, f->code, f->msg, f->scode, f->action);
    } else if (code) {
        /* Progress and success come as an ActionableErr too. */
        r.actionableerr = sim_err_fill(&x, code, message, 0, NULL);
    }
    ev.event_type_case = PROTO__EVENT__EVENT_TYPE_RESOURCE_STATUS_CHECK_EVENT;
    ev.resourcestatuscheckevent = &r;
    if (!strcmp(status, "Succeeded"))
        sim_say(&ev, "Resource %s status completed successfully", res);
    else if (!strcmp(status, "Failed"))
        sim_say(&ev, "Resource %s status failed with %s", res, message);
    else
        sim_say(&ev, "Resource %s status updated to %s", res, status);
}

void sim_port(const sim_port_t *p)
{
    Proto__PortEvent pe = PROTO__PORT_EVENT__INIT;
    Proto__IntOrString target = PROTO__INT_OR_STRING__INIT;
    Proto__Event ev = PROTO__EVENT__INIT;
    pe.localport = p->local;
    pe.remoteport = p->remote;
    pe.podname = (char *)p->pod;
    pe.containername = (char *)p->container;
    pe.namespace_ = (char *)"default";
    pe.portname = (char *)"http";
    pe.resourcetype = (char *)(p->service ? "service" : "pod");
    pe.resourcename = (char *)(p->service ? p->service : p->pod);
    pe.address = (char *)"127.0.0.1";
    target.intval = p->remote;
    pe.targetport = &target;
    ev.event_type_case = PROTO__EVENT__EVENT_TYPE_PORT_EVENT;
    ev.portevent = &pe;
    sim_say(&ev, "Port forwarding %s/%s in namespace default, remote port %d -> http://127.0.0.1:%d",
            pe.resourcetype, pe.resourcename, p->remote, p->local);
}

void sim_sync(int files, const char *image, const char *status, const sim_fail_t *f)
{
    Proto__FileSyncEvent s = PROTO__FILE_SYNC_EVENT__INIT;
    Proto__Event ev = PROTO__EVENT__INIT;
    sim_err_t x;
    s.filecount = files;
    s.image = (char *)image;
    s.status = (char *)status;
    if (f) {
        s.err = (char *)f->msg;
        s.errcode = f->code;
        s.actionableerr = sim_err_fill(&x, f->code, f->msg, f->scode, f->action);
    }
    ev.event_type_case = PROTO__EVENT__EVENT_TYPE_FILE_SYNC_EVENT;
    ev.filesyncevent = &s;
    sim_say(&ev, "File sync %s for %d files for %s", !strcmp(status, "In Progress") ? "started"
                 : !strcmp(status, "Succeeded") ? "succeeded" : "failed", files, image);
}

void sim_debug(const char *status, const char *pod, const char *container, const char *artifact)
{
    Proto__DebuggingContainerEvent d = PROTO__DEBUGGING_CONTAINER_EVENT__INIT;
    Proto__DebuggingContainerEvent__DebugPortsEntry port = PROTO__DEBUGGING_CONTAINER_EVENT__DEBUG_PORTS_ENTRY__INIT;
    Proto__DebuggingContainerEvent__DebugPortsEntry *ports[1] = {&port};
    Proto__Event ev = PROTO__EVENT__INIT;
    d.status = (char *)status;
    d.podname = (char *)pod;
    d.containername = (char *)container;
    d.namespace_ = (char *)"default";
    d.artifact = (char *)artifact;
    d.runtime = (char *)"go";
    d.workingdir = (char *)"/app";
    port.key = (char *)"dlv";
    port.value = 56268;
    d.debugports = ports;
    d.n_debugports = 1;
    ev.event_type_case = PROTO__EVENT__EVENT_TYPE_DEBUGGING_CONTAINER_EVENT;
    ev.debuggingcontainerevent = &d;
    sim_say(&ev, "Debuggable container %s pod/%s:%s (default)",
            !strcmp(status, "Started") ? "started" : "terminated", pod, container);
}

void sim_devloop(int iteration, const char *status, const sim_fail_t *f)
{
    Proto__DevLoopEvent d = PROTO__DEV_LOOP_EVENT__INIT;
    Proto__Event ev = PROTO__EVENT__INIT;
    sim_err_t x;
    d.iteration = iteration;
    d.status = (char *)status;
    if (f)
        d.err = sim_err_fill(&x, f->code, f->msg, f->scode, f->action);
    ev.event_type_case = PROTO__EVENT__EVENT_TYPE_DEV_LOOP_EVENT;
    ev.devloopevent = &d;
    sim_say(&ev, "%s", !strcmp(status, "In Progress") ? "Update initiated"
                       : !strcmp(status, "Succeeded") ? "Update succeeded" : "Update failed");
}

/* What the server says it is: Skaffold 2.x, or a 1.x from before the v2
 * service (2021) with --no-v2. */
const char *sim_starting(void)
{
    return sim.opts.no_v2
        ? "Starting Skaffold: &{Version:v1.20.0 ConfigVersion:skaffold/v2beta11 GitVersion: "
          "GitCommit:7d4ba29a1c2e8d0f5f3c2b1a0e9d8c7b6a5f4e3d BuildDate:2021-02-02T19:05:01Z "
          "GoVersion:go1.15.6 Compiler:gc Platform:linux/amd64}"
        : "Starting Skaffold: &{Version:v2.10.1 ConfigVersion:skaffold/v4beta9 GitVersion: "
          "GitCommit:3f4c2a1b9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b BuildDate:2024-01-09T17:01:19Z "
          "GoVersion:go1.21.5 Compiler:gc Platform:linux/amd64 User:}";
}

void sim_meta(char *const *names, size_t n)
{
    int artifacts = (int)n;
    Proto__BuildMetadata__ImageBuilder docker = PROTO__BUILD_METADATA__IMAGE_BUILDER__INIT;
    Proto__BuildMetadata__ImageBuilder *builders[1] = {&docker};
    Proto__BuildMetadata bm = PROTO__BUILD_METADATA__INIT;
    Proto__DeployMetadata__Deployer helm = PROTO__DEPLOY_METADATA__DEPLOYER__INIT;
    Proto__DeployMetadata__Deployer *deployers[1] = {&helm};
    Proto__DeployMetadata dm = PROTO__DEPLOY_METADATA__INIT;
    Proto__Metadata md = PROTO__METADATA__INIT;
    Proto__MetaEvent me = PROTO__META_EVENT__INIT;
    Proto__Event ev = PROTO__EVENT__INIT;
    docker.type = PROTO__BUILDER_TYPE__DOCKER;
    docker.count = artifacts;
    bm.numberofartifacts = artifacts;
    bm.builders = builders;
    bm.n_builders = 1;
    bm.type = PROTO__BUILD_TYPE__LOCAL;
    helm.type = PROTO__DEPLOYER_TYPE__HELM;
    helm.count = 1;
    dm.deployers = deployers;
    dm.n_deployers = 1;
    dm.cluster = PROTO__CLUSTER_TYPE__MINIKUBE;
    Proto__TestMetadata__Tester unit = PROTO__TEST_METADATA__TESTER__INIT;
    Proto__TestMetadata__Tester *testers[1] = {&unit};
    Proto__TestMetadata tm = PROTO__TEST_METADATA__INIT;
    unit.type = PROTO__TESTER_TYPE__UNIT;
    unit.count = 1;
    tm.testers = testers;
    tm.n_testers = 1;
    md.build = &bm;
    md.deploy = &dm;
    md.test = &tm;
    me.entry = (char *)sim_starting();
    me.metadata = &md;
    ev.event_type_case = PROTO__EVENT__EVENT_TYPE_META_EVENT;
    ev.metaevent = &me;
    /* InitializeState, then the MetaEvent that carries the same metadata. */
    pthread_mutex_lock(&sim.mu);
    sim_state_init(names, n, &md);
    pthread_mutex_unlock(&sim.mu);
    /* MetaEvent entries carry their sentence in metaEvent.entry only. */
    Proto__LogEntry e = PROTO__LOG_ENTRY__INIT;
    Google__Protobuf__Timestamp ts = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
    entry_fill(&e, &ts, &ev, (char *)"", sim_now_ns());
    sim_emit(&e);
}

/* ~145-byte entries like a busy build, for --flood. */
void sim_flood_init(void)
{
    static const char *const arts[] = {"frontend", "backend", "worker", "gcr.io/skview-demo/api"};
    static const char *const st[] = {"In Progress", "Complete"};
    sim.n_flood = 256;
    sim.flood = xcalloc(sim.n_flood, sizeof *sim.flood);
    int64_t t = sim_now_ns();
    for (size_t i = 0; i < sim.n_flood; i++) {
        const char *a = arts[i % 4], *s = st[(i / 4) % 2];
        Proto__BuildEvent b = PROTO__BUILD_EVENT__INIT;
        Proto__Event ev = PROTO__EVENT__INIT;
        b.artifact = (char *)a;
        b.status = (char *)s;
        ev.event_type_case = PROTO__EVENT__EVENT_TYPE_BUILD_EVENT;
        ev.buildevent = &b;
        char text[160];
        snprintf(text, sizeof text, "Build %s for artifact %s (flood entry %zu of a simulated busy loop)",
                 s[0] == 'I' ? "started" : "completed", a, i);
        sim.flood[i] = sim_entry_pack(&ev, text, t + (int64_t)i * 1000);
    }
}

/* --burst N: N entries like the flood's, added to the log at once, so every
 * subscriber gets them in its replay and GetState reflects them (unlike
 * --flood, which only streams). The log shares the templates' slices, so a
 * million cost 16 bytes each. The lock is let go every 4096 entries so that
 * unary calls are served during the burst. */
void sim_burst(uint64_t n)
{
    if (!sim.flood)
        sim_flood_init();
    Proto__LogEntry **dec = xcalloc(sim.n_flood, sizeof *dec);
    for (size_t i = 0; i < sim.n_flood; i++) {
        const grpc_slice *s = &sim.flood[i];
        dec[i] = proto__log_entry__unpack(NULL, GRPC_SLICE_LENGTH(*s), GRPC_SLICE_START_PTR(*s));
        if (!dec[i])
            abort();
    }
    for (uint64_t i = 0; i < n;) {
        pthread_mutex_lock(&sim.mu);
        if (sim.stopping) {
            pthread_mutex_unlock(&sim.mu);
            break;
        }
        for (uint64_t end = i + 4096; i < n && i < end; i++) {
            size_t k = i % sim.n_flood;
            sim_append_locked(grpc_slice_ref(sim.flood[k]), dec[k]);
        }
        for (sim_sub_t *sub = sim.subs; sub; sub = sub->next)
            sim_pump_locked(sub);
        pthread_mutex_unlock(&sim.mu);
    }
    for (size_t i = 0; i < sim.n_flood; i++)
        proto__log_entry__free_unpacked(dec[i], NULL);
    free(dec);
}

/* --big-entry MIB: one build entry whose sentence is MIB MiB long (it
 * repeats the first artifact's last status, so the State does not change),
 * to try a client's message size limit. */
void sim_big_entry(unsigned mib)
{
    static const char head[] = "Build completed for artifact frontend, with a huge sentence: ";
    size_t len = (size_t)mib << 20;
    char *text = xmalloc(len + 1);
    memset(text, '.', len);
    memcpy(text, head, len < sizeof head - 1 ? len : sizeof head - 1);
    text[len] = '\0';
    pthread_mutex_lock(&sim.mu);
    const Proto__BuildState *bs = model_state(sim.model)->buildstate;
    char *artifact = xstrdup(bs && bs->n_artifacts ? bs->artifacts[0]->key : "frontend");
    char *status = xstrdup(bs && bs->n_artifacts ? bs->artifacts[0]->value : "Complete");
    pthread_mutex_unlock(&sim.mu);
    Proto__BuildEvent b = PROTO__BUILD_EVENT__INIT;
    Proto__Event ev = PROTO__EVENT__INIT;
    b.artifact = artifact;
    b.status = status;
    ev.event_type_case = PROTO__EVENT__EVENT_TYPE_BUILD_EVENT;
    ev.buildevent = &b;
    Proto__LogEntry e = PROTO__LOG_ENTRY__INIT;
    Google__Protobuf__Timestamp ts = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
    entry_fill(&e, &ts, &ev, text, sim_now_ns());
    sim_emit(&e);
    free(artifact);
    free(status);
    free(text);
}
