/* The v2 side of the simulated dev loop; see story2.h. Builders assemble an
 * event on the stack and hand it to sim_v2_emit, which packs it. The
 * console output follows what Skaffold 2.x prints with the docker builder
 * (BuildKit's plain progress), the helm deployer and the status check;
 * messages are cut as Skaffold writes them: a message can carry several
 * lines, or part of a line that the next one continues. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/sim_int.h"
#include "sim/story2.h"

#define RED "\033[31m"
#define YELLOW "\033[33m"
#define GREEN "\033[32m"
#define BLUE "\033[34m"
#define RESET "\033[0m"

/* ---- builders ---------------------------------------------------------------- */

/* v1 spells statuses with a space and "Complete"; v2 without, and its
 * subtasks end in "Succeeded". */
static const char *v2_status(const char *v1)
{
    if (!strcmp(v1, "In Progress"))
        return "InProgress";
    if (!strcmp(v1, "Complete"))
        return "Succeeded";
    return v1;
}

static int iter(void)
{
    pthread_mutex_lock(&sim.mu);
    int it = sim.iteration2;
    pthread_mutex_unlock(&sim.mu);
    return it;
}

static void task_id(char *buf, size_t len, const char *task)
{
    snprintf(buf, len, "%s-%d", task, iter());
}

/* Storage for one v2 ActionableErr with one suggestion. */
typedef struct v2_err {
    Proto__V2__ActionableErr err;
    Proto__V2__Suggestion sugg;
    Proto__V2__Suggestion *list[1];
} v2_err_t;

static Proto__V2__ActionableErr *err_fill(v2_err_t *x, int code, const char *msg, int scode, const char *action)
{
    if (!code)
        return NULL;
    proto__v2__actionable_err__init(&x->err);
    proto__v2__suggestion__init(&x->sugg);
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

static Proto__V2__ActionableErr *err_of(v2_err_t *x, const sim_fail_t *f)
{
    return f ? err_fill(x, f->code, f->msg, f->scode, f->action) : NULL;
}

void v2_log(const char *task, const char *subtask, int level, const char *msg)
{
    Proto__V2__SkaffoldLogEvent l = PROTO__V2__SKAFFOLD_LOG_EVENT__INIT;
    Proto__V2__Event ev = PROTO__V2__EVENT__INIT;
    char id[64];
    task_id(id, sizeof id, task);
    l.task_id = id;
    l.subtask_id = (char *)(subtask ? subtask : "-1");
    l.level = level;
    l.message = (char *)msg;
    ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_SKAFFOLD_LOG_EVENT;
    ev.skaffoldlogevent = &l;
    sim_v2_emit(&ev, 0);
}

void v2_logf(const char *task, const char *subtask, int level, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    v2_log(task, subtask, level, msg);
}

void v2_task(const char *task, const char *status, const char *desc, const sim_fail_t *f, int64_t t)
{
    Proto__V2__TaskEvent te = PROTO__V2__TASK_EVENT__INIT;
    Proto__V2__Event ev = PROTO__V2__EVENT__INIT;
    v2_err_t x;
    char id[64];
    /* TaskFailed writes the error once as Skaffold's output first. */
    if (f && !strcmp(status, "Failed"))
        v2_logf(task, NULL, V2_ERROR, "%s\n", f->msg);
    task_id(id, sizeof id, task);
    te.id = id;
    te.task = (char *)task;
    te.description = (char *)(desc ? desc : "");
    te.iteration = iter();
    te.status = (char *)v2_status(status);
    te.actionableerr = err_of(&x, f);
    ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_TASK_EVENT;
    ev.taskevent = &te;
    sim_v2_emit(&ev, t);
}

static void meta(void)
{
    Proto__V2__MetaEvent me = PROTO__V2__META_EVENT__INIT;
    Proto__V2__Event ev = PROTO__V2__EVENT__INIT;
    me.entry = (char *)sim_starting();
    ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_META_EVENT;
    ev.metaevent = &me;
    /* LogMetaEvent sends the State's metadata; the State is only read here
     * and replaced by this thread, so the copy below stays valid. */
    pthread_mutex_lock(&sim.mu);
    Proto__V2__Metadata *md = sim.state2 ? sim_pb_dup(&sim.state2->metadata->base) : NULL;
    pthread_mutex_unlock(&sim.mu);
    me.metadata = md;
    sim_v2_emit(&ev, 0);
    if (md)
        protobuf_c_message_free_unpacked(&md->base, NULL);
}

void v2_session_start(char *const *artifacts, size_t n)
{
    pthread_mutex_lock(&sim.mu);
    sim_state2_init(artifacts, n);
    pthread_mutex_unlock(&sim.mu);
    meta();
}

void v2_devloop_start(char *const *artifacts, size_t n, int it, int64_t t)
{
    pthread_mutex_lock(&sim.mu);
    sim_state2_init(artifacts, n);
    sim.iteration2 = it + 1;
    sim.in_devloop = true;
    sim_v2_applogs_reset_locked();
    pthread_mutex_unlock(&sim.mu);
    v2_task("DevLoop", "InProgress", "", NULL, t);
    meta();
}

void v2_devloop_end(const sim_fail_t *f, int64_t t)
{
    v2_task("DevLoop", f ? "Failed" : "Succeeded", NULL, f, t);
    pthread_mutex_lock(&sim.mu);
    sim.in_devloop = false;
    pthread_cond_broadcast(&sim.cond);
    pthread_mutex_unlock(&sim.mu);
}

/* The worker is built for two platforms, the others for the host's. */
static const char *platforms_of(const char *artifact)
{
    return !strcmp(artifact, "worker") ? "linux/amd64,linux/arm64" : "linux/amd64";
}

void v2_build_sub(const char *artifact, const char *step, const char *status, const sim_fail_t *f, int64_t t)
{
    Proto__V2__BuildSubtaskEvent b = PROTO__V2__BUILD_SUBTASK_EVENT__INIT;
    Proto__V2__Event ev = PROTO__V2__EVENT__INIT;
    v2_err_t x;
    char id[64];
    task_id(id, sizeof id, "Build");
    b.id = (char *)artifact;
    b.task_id = id;
    b.artifact = (char *)artifact;
    b.step = (char *)step;
    b.status = (char *)v2_status(status);
    b.actionableerr = err_of(&x, f);
    if (!strcmp(step, "Build")) {
        b.hostplatform = (char *)"linux/amd64";
        b.targetplatforms = (char *)platforms_of(artifact);
    }
    ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_BUILD_SUBTASK_EVENT;
    ev.buildsubtaskevent = &b;
    sim_v2_emit(&ev, t);
}

/* Test, render and deploy subtasks have the same shape: id (the tester or
 * deployer index), task_id, status, actionableErr. */
void v2_test_sub(const char *status, const sim_fail_t *f, int64_t t)
{
    Proto__V2__TestSubtaskEvent s = PROTO__V2__TEST_SUBTASK_EVENT__INIT;
    Proto__V2__Event ev = PROTO__V2__EVENT__INIT;
    v2_err_t x;
    char id[64];
    task_id(id, sizeof id, "Test");
    s.id = (char *)"0";
    s.task_id = id;
    s.status = (char *)v2_status(status);
    s.actionableerr = err_of(&x, f);
    ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_TEST_EVENT;
    ev.testevent = &s;
    sim_v2_emit(&ev, t);
}

void v2_render_sub(const char *status, int64_t t)
{
    Proto__V2__RenderSubtaskEvent s = PROTO__V2__RENDER_SUBTASK_EVENT__INIT;
    Proto__V2__Event ev = PROTO__V2__EVENT__INIT;
    char id[64];
    task_id(id, sizeof id, "Render");
    s.id = (char *)"0";
    s.task_id = id;
    s.status = (char *)v2_status(status);
    ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_RENDER_EVENT;
    ev.renderevent = &s;
    sim_v2_emit(&ev, t);
}

void v2_deploy_sub(const char *status, const sim_fail_t *f, int64_t t)
{
    Proto__V2__DeploySubtaskEvent s = PROTO__V2__DEPLOY_SUBTASK_EVENT__INIT;
    Proto__V2__Event ev = PROTO__V2__EVENT__INIT;
    v2_err_t x;
    char id[64];
    task_id(id, sizeof id, "Deploy");
    s.id = (char *)"0";
    s.task_id = id;
    s.status = (char *)v2_status(status);
    s.actionableerr = err_of(&x, f);
    ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_DEPLOY_SUBTASK_EVENT;
    ev.deploysubtaskevent = &s;
    sim_v2_emit(&ev, t);
}

/* Skaffold's status check reports under the Deploy task (status_check.go):
 * "InProgress" with the condition's message and code, "Succeeded" with
 * message "Succeeded", "Failed" with the code and error only. Each update
 * also prints " - RESOURCE: MESSAGE" under the resource. */
void v2_sc_sub(const char *res, const char *status, const char *message, const sim_fail_t *f, int code, int64_t t)
{
    Proto__V2__StatusCheckSubtaskEvent s = PROTO__V2__STATUS_CHECK_SUBTASK_EVENT__INIT;
    Proto__V2__Event ev = PROTO__V2__EVENT__INIT;
    v2_err_t x;
    char id[64];
    const char *st = v2_status(status);
    task_id(id, sizeof id, "Deploy");
    s.id = (char *)res;
    s.task_id = id;
    s.resource = (char *)res;
    s.status = (char *)st;
    if (!strcmp(st, "Succeeded")) {
        s.message = (char *)"Succeeded";
        s.statuscode = PROTO__STATUS_CODE__STATUSCHECK_SUCCESS;
    } else if (f) {
        s.statuscode = f->code;
        s.actionableerr = err_of(&x, f);
        if (!strcmp(st, "InProgress"))
            s.message = (char *)f->msg;
    } else {
        s.message = (char *)message;
        s.statuscode = code;
        s.actionableerr = err_fill(&x, code, message, 0, NULL);
    }
    ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_STATUS_CHECK_SUBTASK_EVENT;
    ev.statuschecksubtaskevent = &s;
    sim_v2_emit(&ev, t);
}

void v2_port(const sim_port_t *p, int64_t t)
{
    Proto__V2__PortForwardEvent pe = PROTO__V2__PORT_FORWARD_EVENT__INIT;
    Proto__V2__IntOrString target = PROTO__V2__INT_OR_STRING__INIT;
    Proto__V2__Event ev = PROTO__V2__EVENT__INIT;
    char id[64];
    task_id(id, sizeof id, "PortForward");
    pe.task_id = id;
    pe.localport = p->local;
    pe.podname = (char *)p->pod;
    pe.containername = (char *)p->container;
    pe.namespace_ = (char *)"default";
    pe.portname = (char *)"http";
    pe.resourcetype = (char *)(p->service ? "service" : "pod");
    pe.resourcename = (char *)(p->service ? p->service : p->pod);
    pe.address = (char *)"127.0.0.1";
    target.intval = p->remote;
    pe.targetport = &target;
    ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_PORT_EVENT;
    ev.portevent = &pe;
    sim_v2_emit(&ev, t);
    v2_logf("PortForward", NULL, V2_STANDARD,
            "Port forwarding %s/%s in namespace default, remote port %d -> http://127.0.0.1:%d\n",
            pe.resourcetype, pe.resourcename, p->remote, p->local);
}

void v2_sync(int files, const char *image, const char *status, const sim_fail_t *f, int64_t t)
{
    Proto__V2__FileSyncEvent s = PROTO__V2__FILE_SYNC_EVENT__INIT;
    Proto__V2__Event ev = PROTO__V2__EVENT__INIT;
    v2_err_t x;
    char id[64];
    task_id(id, sizeof id, "Sync");
    s.id = (char *)image;
    s.task_id = id;
    s.filecount = files;
    s.image = (char *)image;
    s.status = (char *)v2_status(status);
    s.actionableerr = err_of(&x, f);
    ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_FILE_SYNC_EVENT;
    ev.filesyncevent = &s;
    sim_v2_emit(&ev, t);
}

void v2_debug(const char *status, const char *pod, const char *container, const char *artifact, int64_t t)
{
    Proto__V2__DebuggingContainerEvent d = PROTO__V2__DEBUGGING_CONTAINER_EVENT__INIT;
    Proto__V2__DebuggingContainerEvent__DebugPortsEntry port = PROTO__V2__DEBUGGING_CONTAINER_EVENT__DEBUG_PORTS_ENTRY__INIT;
    Proto__V2__DebuggingContainerEvent__DebugPortsEntry *ports[1] = {&port};
    Proto__V2__Event ev = PROTO__V2__EVENT__INIT;
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
    ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_DEBUGGING_CONTAINER_EVENT;
    ev.debuggingcontainerevent = &d;
    sim_v2_emit(&ev, t);
}

void v2_applog(const char *pod, const char *container, const char *msg, int colour)
{
    Proto__V2__ApplicationLogEvent a = PROTO__V2__APPLICATION_LOG_EVENT__INIT;
    Proto__V2__Event ev = PROTO__V2__EVENT__INIT;
    char prefix[128], line[1200], rich[1400];
    snprintf(prefix, sizeof prefix, "[%s]", container);
    snprintf(line, sizeof line, "%s\n", msg);
    if (colour)
        snprintf(rich, sizeof rich, "\033[%dm%s\033[0m %s", colour, prefix, line);
    else
        snprintf(rich, sizeof rich, "%s %s", prefix, line);
    a.podname = (char *)pod;
    a.containername = (char *)container;
    a.prefix = prefix;
    a.message = line;
    a.richformattedmessage = rich;
    ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_APPLICATION_LOG_EVENT;
    ev.applicationlogevent = &a;
    sim_v2_emit(&ev, 0);
}

/* ---- Skaffold's console --------------------------------------------------------- */

static void digest(char *buf, size_t len, const char *name, unsigned rollout)
{
    unsigned h = 2166136261u;
    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    h ^= rollout * 2654435761u;
    snprintf(buf, len, "%08x%08x", h, h * 2246822519u);
}

void v2_image_tag(char *buf, size_t len, const char *artifact)
{
    char d[24];
    digest(d, sizeof d, artifact, 0);
    snprintf(buf, len, "%s:v1.8.0-%.7s", artifact, d);
}

void v2_out_build_start(char *const *artifacts, size_t n, const bool *hit)
{
    char msg[1024], tag[200];
    size_t k = 0;
    k += (size_t)snprintf(msg + k, sizeof msg - k, "Generating tags...\n");
    for (size_t i = 0; i < n && k < sizeof msg; i++) {
        v2_image_tag(tag, sizeof tag, artifacts[i]);
        k += (size_t)snprintf(msg + k, sizeof msg - k, " - %s -> %s\n", artifacts[i], tag);
    }
    v2_log("Build", NULL, V2_STANDARD, msg);
    v2_log("Build", NULL, V2_INFO, "Tags generated in 1.084 milliseconds\n");
    v2_log("Build", NULL, V2_STANDARD, "Checking cache...\n");
    for (size_t i = 0; i < n; i++) {
        v2_build_sub(artifacts[i], "Cache", "InProgress", NULL, 0);
        v2_logf("Build", artifacts[i], V2_STANDARD, " - %s: %s\n", artifacts[i],
                hit[i] ? GREEN "Found Locally" RESET : "Not found. Building");
        v2_build_sub(artifacts[i], "Cache", hit[i] ? "Succeeded" : "Failed", NULL, 0);
    }
    v2_log("Build", NULL, V2_INFO, "Cache check completed in 9.7 milliseconds\n");
}

/* BuildKit's plain progress for a Go service; the second half follows the
 * compile step. Cut like a pipe's reads: whole blocks, and one line split. */
void v2_out_build_steps(const char *artifact, unsigned rollout, bool first_half)
{
    char d[24];
    digest(d, sizeof d, artifact, rollout);
    if (first_half) {
        v2_logf("Build", artifact, V2_STANDARD, "Building [%s]...\nTarget platforms: [%s]\n", artifact,
                platforms_of(artifact));
        v2_log("Build", artifact, V2_STANDARD, "#0 building with \"default\" instance using docker driver\n\n"
                                                 "#1 [internal] load build definition from Dockerfile\n"
                                                 "#1 transferring dockerfile: 412B done\n#1 DONE 0.0s\n\n");
        v2_log("Build", artifact, V2_STANDARD, "#2 [internal] load metadata for docker.io/library/golang:1.22-alpine\n"
                                                 "#2 DONE 0.8s\n\n#3 [internal] load .dockerignore\n#3 DONE 0.0s\n\n");
        v2_logf("Build", artifact, V2_STANDARD, "#4 [builder 1/5] FROM docker.io/library/golang:1.22-alpine\n#4 CACHED\n\n"
                                                  "#5 [builder 2/5] WORKDIR /src\n#5 CACHED\n\n"
                                                  "#6 [builder 3/5] COPY go.mod go.sum ./\n#6 CACHED\n\n"
                                                  "#7 [builder 4/5] COPY . .\n#7 DONE 0.1s\n\n");
        v2_log("Build", artifact, V2_STANDARD, "#8 [builder 5/5] RUN go bu");
        return;
    }
    v2_logf("Build", artifact, V2_STANDARD, "ild -o /app ./cmd/%s\n#8 DONE 4.2s\n\n", artifact);
    v2_logf("Build", artifact, V2_STANDARD, "#9 [stage-1 2/2] COPY --from=builder /app /app\n#9 DONE 0.0s\n\n"
                                              "#10 exporting to image\n#10 exporting layers 0.1s done\n"
                                              "#10 writing image sha256:%s%s done\n"
                                              "#10 naming to docker.io/library/%s:v1.8.0-%.7s done\n#10 DONE 0.2s\n",
            d, d, artifact, d);
    v2_logf("Build", artifact, V2_STANDARD, "Build [%s] succeeded\n", artifact);
}

/* The compile error, in colour as BuildKit prints it on a terminal. */
void v2_out_build_error(const char *artifact)
{
    v2_logf("Build", artifact, V2_STANDARD, "ild -o /app ./cmd/%s\n#8 0.412 # example.com/demo/cmd/%s\n",
            artifact, artifact);
    v2_logf("Build", artifact, V2_STANDARD,
            "#8 0.412 " RED "./cmd/%s/main.go:42:9: undefined: handlerFunc" RESET "\n"
            "#8 " RED "ERROR: process \"/bin/sh -c go build -o /app ./cmd/%s\" did not complete successfully: "
            "exit code: 1" RESET "\n", artifact, artifact);
    v2_logf("Build", artifact, V2_STANDARD,
            "------\n > [builder 5/5] RUN go build -o /app ./cmd/%s:\n0.412 # example.com/demo/cmd/%s\n"
            "0.412 ./cmd/%s/main.go:42:9: undefined: handlerFunc\n------\n", artifact, artifact, artifact);
    v2_logf("Build", artifact, V2_STANDARD,
            "Dockerfile:12\n--------------------\n  10 |     COPY . .\n  11 |     \n"
            "  12 | >>> RUN go build -o /app ./cmd/%s\n  13 |     \n--------------------\n", artifact);
    v2_logf("Build", artifact, V2_ERROR,
            RED "ERROR: failed to solve: process \"/bin/sh -c go build -o /app ./cmd/%s\" did not complete "
            "successfully: exit code: 1" RESET "\n", artifact);
}

void v2_out_test(bool fails)
{
    v2_log("Test", NULL, V2_STANDARD, "Starting test...\nTesting images...\n");
    v2_log("Test", "0", V2_STANDARD, "Running custom test command: \"go test ./...\"\n");
    if (!fails) {
        v2_log("Test", "0", V2_STANDARD, "ok  \texample.com/demo/cmd/backend\t0.012s\n"
                                          "ok  \texample.com/demo/cmd/frontend\t0.009s\n");
        v2_log("Test", "0", V2_STANDARD, "?   \texample.com/demo/cmd/worker\t[no test files]\n");
        return;
    }
    v2_log("Test", "0", V2_STANDARD, RED "--- FAIL: TestHandler (0.00s)" RESET "\n"
                                      "    handler_test.go:31: got 500, want 200\n");
    v2_log("Test", "0", V2_STANDARD, RED "FAIL" RESET "\n" RED "FAIL" RESET "\texample.com/demo/cmd/backend\t0.015s\n"
                                      "ok  \texample.com/demo/cmd/frontend\t0.009s\n" RED "FAIL" RESET "\n");
}

void v2_out_deploy_start(char *const *artifacts, size_t n, unsigned rollout)
{
    char msg[1024], d[24];
    size_t k = (size_t)snprintf(msg, sizeof msg, "Tags used in deployment:\n");
    for (size_t i = 0; i < n && k < sizeof msg; i++) {
        digest(d, sizeof d, artifacts[i], rollout);
        k += (size_t)snprintf(msg + k, sizeof msg - k, " - %s -> %s:v1.8.0-%.7s@sha256:%s%s\n", artifacts[i],
                              artifacts[i], d, d, d);
    }
    v2_log("Deploy", NULL, V2_STANDARD, msg);
    v2_log("Deploy", NULL, V2_STANDARD, "Starting deploy...\n");
    if (rollout <= 1)
        v2_log("Deploy", "0", V2_STANDARD, "Helm release demo not installed. Installing...\n");
}

void v2_out_deploy_done(unsigned rollout)
{
    v2_logf("Deploy", "0", V2_STANDARD, "%sNAME: demo\nLAST DEPLOYED: %s\nNAMESPACE: default\n"
            "STATUS: deployed\nREVISION: %u\nTEST SUITE: None\n",
            rollout <= 1 ? "" : "Release \"demo\" has been upgraded. Happy Helming!\n",
            "Sun Nov 29 12:00:00 2026", rollout);
    v2_log("Deploy", NULL, V2_INFO, "Deploy completed in 1.873 seconds\n");
}

void v2_out_deploy_error(const sim_fail_t *f)
{
    v2_logf("Deploy", "0", V2_STANDARD, RED "Error: %s" RESET "\n", f->msg);
}

void v2_out_watching(char *const *artifacts, size_t n, bool first)
{
    if (first) {
        char msg[512];
        size_t k = (size_t)snprintf(msg, sizeof msg, "Listing files to watch...\n");
        for (size_t i = 0; i < n && k < sizeof msg; i++)
            k += (size_t)snprintf(msg + k, sizeof msg - k, " - %s\n", artifacts[i]);
        v2_log("DevLoop", NULL, V2_STANDARD, msg);
        v2_log("DevLoop", NULL, V2_STANDARD, YELLOW "Press Ctrl+C to exit" RESET "\n");
    }
    v2_log("DevLoop", NULL, V2_STANDARD, "Watching for changes...\n");
}
