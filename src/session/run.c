/* The headless run of a session: one loop, its signals, the stop rules and
 * the first-answer limit for every command; see session.h. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "core/common.h"
#include "core/xalloc.h"
#include "core/pbjson.h"
#include "session/run_int.h"

#define RUN_TICK_MS 25

typedef struct session_run {
    session_t *s;
    uv_timer_t tick;
    uv_signal_t sig[2];
    int handles;               /* initialised, closed at the end */
    int rc;
    bool ending, connected, lost, answered;
    uint64_t start_ms, last_ms, last_arrived;
    bool probing;              /* a barrier GetState in flight */
    uint64_t probe_arrived;    /* s->arrived when it was sent */
    bool probe_agreed;         /* its answer agreed with the mirror */
    bool probe_taken;          /* max_wait: its answer became the mirror */
    const session_call_t *call;
} session_run_t;

static uint32_t quiet_ms(const session_t *s)
{
    return s->opts.quiet_ms ? s->opts.quiet_ms : SESSION_QUIET_DEFAULT_MS;
}

static uint32_t first_ms(const session_t *s)
{
    return s->opts.first_answer_ms ? s->opts.first_answer_ms : SESSION_FIRST_ANSWER_MS;
}

/* ---- ending ------------------------------------------------------------------- */

static void run_stopped(void *arg)
{
    session_run_t *run = arg;
    session_close(run->s); /* the v2 merger's timer */
    for (int i = 0; i < run->handles; i++)
        uv_close(i == 0 ? (uv_handle_t *)&run->tick : (uv_handle_t *)&run->sig[i - 1], NULL);
    run->handles = 0;
}

bool run_ending(const session_t *s)
{
    return s->run && s->run->ending;
}

void session_end(session_t *s, int rc)
{
    session_run_t *run = s->run;
    if (!run || run->ending)
        return;
    if (s->v2merge)
        v2merge_flush(s->v2merge); /* what a replay held reaches the hooks, in order */
    run->ending = true;
    run->rc = rc;
    session_stop(s, run_stopped, run);
}

static void on_signal(uv_signal_t *h, int signum)
{
    session_run_t *run = h->data;
    if (run->s->opts.until_history && !run->ending)
        session_say(run->s, false, "interrupted: what was printed may be incomplete");
    session_end(run->s, EXIT_OK);
}

/* ---- the one-shot's end: quiet, then a GetState as a barrier ----------------------- */

static bool waited_enough(const session_t *s)
{
    return s->opts.max_wait_ms && uv_now(s->loop) - s->run->start_ms >= s->opts.max_wait_ms;
}

static void probe_done(void *arg, const sk_result_t *r)
{
    session_t *s = arg;
    session_run_t *run = s->run;
    run->probing = false;
    if (!r || run->ending)
        return;
    if (r->code != 0) {
        session_say(s, true, "%s: GetState: %s", s->addr, r->message);
        session_end(s, EXIT_RUNTIME);
        return;
    }
    run->answered = true;
    if (run->probe_taken) {
        session_end(s, EXIT_OK);
        return;
    }
    bool v2_known = s->opts.no_v2 || !s->hooks.on_v2 || s->v2 != V2_UNKNOWN;
    if (run->probe_agreed && s->arrived == run->probe_arrived && v2_known)
        session_end(s, EXIT_OK);
    else
        run->last_ms = uv_now(s->loop); /* another quiet window, another question */
}

static void probe_send(session_t *s)
{
    session_run_t *run = s->run;
    run->probing = true;
    run->probe_agreed = false;
    run->probe_arrived = s->arrived;
    if (sk_client_get_state(s->client, probe_done, s) != 0) {
        run->probing = false;
        session_say(s, true, "%s: GetState: the call could not be sent", s->addr);
        session_end(s, EXIT_RUNTIME);
    }
}

bool run_state(session_t *s, const Proto__State *st, uint64_t tag)
{
    session_run_t *run = s->run;
    if (!s->opts.until_history)
        return true;
    if (!run->probing)
        return false;
    if (waited_enough(s)) {
        /* Whatever arrives, the server's State as of this answer: entries
         * that came with it may be a replay's, not newer ones. */
        model_reconcile(s->model, st, model_seq(s->model));
        run->probe_taken = true;
        return false;
    }
    run->probe_agreed = tag == model_seq(s->model) && s->arrived == run->probe_arrived &&
                        session_history_agrees(model_state(s->model), st);
    return true;
}

static void no_answer(session_t *s)
{
    bool v1 = s->run->answered;
    session_say(s, true, "%s: no answer %sin %.1f s (the server took the call and sent nothing)", s->addr,
                v1 ? "on the v2 streams " : "", first_ms(s) / 1000.0);
    session_end(s, EXIT_RUNTIME);
}

static void on_tick(uv_timer_t *t)
{
    session_run_t *run = t->data;
    session_t *s = run->s;
    uint64_t now = uv_now(s->loop);
    if (s->arrived != run->last_arrived) {
        run->last_arrived = s->arrived;
        run->last_ms = now;
        run->answered = true;
    }
    if (s->hooks.on_tick)
        s->hooks.on_tick(s->hooks.ctx);
    if (!s->opts.until_history || run->ending)
        return;
    bool v2_waiting = !s->opts.no_v2 && s->hooks.on_v2 && s->v2 == V2_UNKNOWN;
    if ((!run->answered || v2_waiting) && now - run->start_ms >= first_ms(s))
        no_answer(s);
    else if (!run->probing && (now - run->last_ms >= quiet_ms(s) || (run->answered && waited_enough(s))))
        probe_send(s);
}

/* ---- what the client says ---------------------------------------------------------- */

void run_conn(session_t *s, live_conn_t conn, const char *detail, uint64_t retry_ms)
{
    session_run_t *run = s->run;
    if (run->ending)
        return;
    if (conn == LIVE_CONNECTED) {
        if (run->lost)
            session_say(s, false, "reconnected to %s", s->addr);
        else if (s->opts.say_connected)
            session_say(s, false, "connected to %s", s->addr);
        run->lost = false;
        run->connected = true;
    } else if (conn == LIVE_RECONNECTING && !run->connected && s->opts.first_must_connect) {
        session_say(s, true, "%s: Events: %s", s->addr, detail ? detail : "");
        session_end(s, EXIT_RUNTIME);
    } else if (conn == LIVE_RECONNECTING && !run->lost) {
        session_say(s, true, "connection lost; retrying in %.1f s: %s", (double)retry_ms / 1000,
                    detail ? detail : "");
        run->lost = true;
    } else if (conn == LIVE_STOPPED) {
        /* NULL detail: the server ended the stream cleanly. */
        if (detail)
            session_say(s, true, "%s: Events: %s", s->addr, detail);
        session_end(s, detail ? EXIT_RUNTIME : EXIT_OK);
    }
}

void run_v2_avail(session_t *s, v2_avail_t avail, const char *detail)
{
    if (avail != V2_UNAVAILABLE || !s->hooks.on_v2 || s->run->ending)
        return;
    session_say(s, true, "%s: %s (a Skaffold before 2.x): no v2 events or logs to show; `skview events -a %s` "
                "shows its v1 events", s->addr, detail ? detail : "no v2 API", s->addr);
    session_end(s, EXIT_RUNTIME);
}

void run_error(session_t *s, const char *where, const char *msg, bool fatal)
{
    if (s->run->ending)
        return;
    session_say(s, fatal, "%s: %s: %s", s->addr, where, msg);
    if (fatal)
        session_end(s, EXIT_RUNTIME);
}

/* ---- the run ----------------------------------------------------------------------- */

static int run_handles(session_run_t *run, uv_loop_t *loop)
{
    static const int signums[2] = {SIGINT, SIGTERM};
    int rc = uv_timer_init(loop, &run->tick);
    run->handles = rc < 0 ? 0 : 1;
    run->tick.data = run;
    for (int i = 0; i < 2 && rc >= 0; i++)
        if ((rc = uv_signal_init(loop, &run->sig[i])) >= 0) {
            run->handles++;
            run->sig[i].data = run;
            rc = uv_signal_start(&run->sig[i], on_signal, signums[i]);
        }
    if (rc >= 0)
        rc = uv_timer_start(&run->tick, on_tick, RUN_TICK_MS, RUN_TICK_MS);
    if (rc < 0)
        session_say(run->s, true, "libuv: %s", uv_strerror(rc));
    return rc < 0 ? -1 : 0;
}

static void call_done(void *arg, const sk_result_t *r)
{
    session_t *s = arg;
    if (!r || s->run->ending)
        return;
    const session_call_t *k = s->run->call;
    session_end(s, k->done(k->arg, r->code, r->message));
}

static int call_send(session_t *s, const session_call_t *k)
{
    sk_client_t *c = s->client;
    switch (k->kind) {
    case SESSION_CALL_EXECUTE: return sk_client_execute(c, k->build, k->sync, k->deploy, call_done, s);
    case SESSION_CALL_AUTO: return sk_client_auto(c, k->trigger, k->enabled, call_done, s);
    case SESSION_CALL_STATE: return sk_client_get_state(c, call_done, s);
    case SESSION_CALL_EMIT: return sk_client_handle(c, k->event, call_done, s);
    }
    return -1;
}

/* Starts what the run is for: the streams, or the one call. */
static void run_begin(session_t *s, const char *addr, const session_live_opts_t *o)
{
    session_run_t *run = s->run;
    if (session_live_start_opts(s, addr, o) != 0) {
        session_say(s, true, "%s: cannot start the client", addr);
        session_end(s, EXIT_RUNTIME);
    } else if (run->call && call_send(s, run->call) != 0) {
        session_say(s, true, "%s: cannot start the call", addr);
        session_end(s, EXIT_RUNTIME);
    }
}

static int run_loop(session_t *s, const char *addr, const session_live_opts_t *o, const session_call_t *call)
{
    uv_loop_t loop;
    int rc = uv_loop_init(&loop);
    if (rc < 0) {
        session_say(s, true, "uv_loop_init: %s", uv_strerror(rc));
        return EXIT_RUNTIME;
    }
    session_run_t run = {.s = s, .rc = EXIT_OK, .call = call};
    s->loop = &loop;
    s->run = &run;
    run.start_ms = run.last_ms = uv_now(&loop);
    if (run_handles(&run, &loop) == 0)
        run_begin(s, addr, o);
    else
        session_end(s, EXIT_RUNTIME);
    (void)uv_run(&loop, UV_RUN_DEFAULT); /* ends when every handle is closed */
    (void)uv_run(&loop, UV_RUN_DEFAULT);
    if ((rc = uv_loop_close(&loop)) < 0)
        session_say(s, true, "uv_loop_close: %s", uv_strerror(rc));
    s->loop = NULL;
    s->run = NULL;
    return run.rc;
}

int session_run(session_t *s, const char *addr, const session_live_opts_t *o)
{
    return run_loop(s, addr, o, NULL);
}

int session_run_call(session_t *s, const char *addr, const session_call_t *call)
{
    return run_loop(s, addr, &(session_live_opts_t){.calls_only = true}, call);
}

/* ---- does the mirror say what the server says ------------------------------------------ */

/* What events decide of a State: without the autoTrigger flags and the
 * metadata; the artifacts only those of `known` (the mirror's). The copies
 * share the originals' strings; arts is the caller's array. */
typedef struct projection {
    Proto__State st;
    Proto__BuildState b;
    Proto__DeployState d;
    Proto__FileSyncState f;
} projection_t;

static bool known_artifact(const Proto__BuildState *known, const char *key)
{
    for (size_t i = 0; known && i < known->n_artifacts; i++)
        if (!strcmp(known->artifacts[i]->key, key))
            return true;
    return false;
}

static void project(projection_t *p, const Proto__State *in, const Proto__BuildState *known,
                    Proto__BuildState__ArtifactsEntry **arts)
{
    p->st = *in;
    p->st.metadata = NULL;
    if (in->buildstate) {
        p->b = *in->buildstate;
        p->b.autotrigger = false;
        p->b.n_artifacts = 0;
        p->b.artifacts = arts;
        for (size_t i = 0; i < in->buildstate->n_artifacts; i++)
            if (!known || known_artifact(known, in->buildstate->artifacts[i]->key))
                arts[p->b.n_artifacts++] = in->buildstate->artifacts[i];
        p->st.buildstate = &p->b;
    }
    if (in->deploystate) {
        p->d = *in->deploystate;
        p->d.autotrigger = false;
        p->st.deploystate = &p->d;
    }
    if (in->filesyncstate) {
        p->f = *in->filesyncstate;
        p->f.autotrigger = false;
        p->st.filesyncstate = &p->f;
    }
}

static Proto__BuildState__ArtifactsEntry **arts_for(const Proto__State *st)
{
    size_t n = st->buildstate ? st->buildstate->n_artifacts : 0;
    return xcalloc(n ? n : 1, sizeof(Proto__BuildState__ArtifactsEntry *));
}

bool session_history_agrees(const Proto__State *mirror, const Proto__State *server)
{
    projection_t pm, ps;
    Proto__BuildState__ArtifactsEntry **am = arts_for(mirror), **as = arts_for(server);
    project(&pm, mirror, NULL, am);
    project(&ps, server, mirror->buildstate, as);
    strbuf_t a, b;
    sb_init(&a);
    sb_init(&b);
    pbjson_write(&a, &pm.st.base);
    pbjson_write(&b, &ps.st.base);
    bool same = a.len == b.len && (!a.len || !memcmp(a.data, b.data, a.len));
    sb_free(&a);
    sb_free(&b);
    free(am);
    free(as);
    return same;
}
