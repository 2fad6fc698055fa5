/* Headless commands on a live server: `skview ctl`, `skview record` and
 * `skview events -a ADDR`. Each runs a libuv loop around one live client. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <uv.h>
#include "cli/cli.h"
#include "transport/addr.h"
#include "skaffold/entryfmt.h"
#include "sources/recording.h"
#include "transport/client.h"
#include "cli/cmds.h"
#include "sources/recorder.h"
#include "skaffold/model.h"
#include "core/pbjson.h"
#include "core/textsafe.h"

#define EVENTS_QUIET_MS 300  /* events without --follow: end after this much quiet */
#define EVENTS_FLUSH_MS 100  /* --follow: flush buffered output this often */
#define STATE_QUIET_MS 200   /* state -a: no entry for this long before the answer */
/* state -a against a stream that never goes quiet: after this long the
 * next answer is taken anyway (the reconcile has folded every entry that
 * came after it was asked, so the mirror is the server's State as of now). */
#define STATE_MAX_WAIT_MS 5000

/* Prints "skview: WHAT: MSG", terminal-safe (say_line). */
static void say_error(const char *what, const char *msg)
{
    say_line("skview: %s: %s", what, msg ? msg : "");
}

static void close_loop(uv_loop_t *loop)
{
    /* Every handle is closed by now; run once more for their callbacks. */
    (void)uv_run(loop, UV_RUN_DEFAULT);  /* ends when every handle closed */
    int rc = uv_loop_close(loop);
    if (rc < 0)
        fprintf(stderr, "skview: uv_loop_close: %s\n", uv_strerror(rc));
}

/* ---- skview ctl ---------------------------------------------------------------- */

#define CTL_ALREADY_EXISTS 6  /* grpc_status_code GRPC_STATUS_ALREADY_EXISTS */

typedef enum ctl_op { CTL_EXECUTE, CTL_AUTO, CTL_STATE, CTL_EMIT } ctl_op_t;

typedef struct ctl {
    const char *what;        /* "ctl auto-build", for messages */
    ctl_op_t op;
    bool build, sync, deploy;
    live_trigger_t trigger;
    bool enabled;
    Proto__Event *event;     /* CTL_EMIT */
    live_client_t *client;
    strbuf_t state_json;
    int rc;
} ctl_t;

static void ctl_on_state(void *ctx, const Proto__State *st, uint64_t tag)
{
    ctl_t *k = ctx;
    sb_reset(&k->state_json);
    pbjson_write(&k->state_json, &st->base);
    sb_addc(&k->state_json, '\n');
}

static void ctl_done(void *arg, const live_result_t *r)
{
    ctl_t *k = arg;
    if (r->code == 0) {
        k->rc = EXIT_OK;
        if (k->op == CTL_STATE)
            fwrite(k->state_json.data, 1, k->state_json.len, stdout);
    } else if (r->code == CTL_ALREADY_EXISTS && k->op == CTL_AUTO) {
        /* Skaffold's answer to a trigger already as asked: the state the
         * user wants holds, which is what a script needs to know. */
        say_line("skview: %s: already %s", k->what, k->enabled ? "on" : "off");
        k->rc = EXIT_OK;
    } else {
        say_error(k->what, r->message);
        k->rc = EXIT_RUNTIME;
    }
    live_client_stop(k->client, NULL, NULL);
}

static int ctl_send(ctl_t *k)
{
    live_client_t *c = k->client;
    switch (k->op) {
    case CTL_EXECUTE:
        return live_execute(c, k->build, k->sync, k->deploy, ctl_done, k);
    case CTL_AUTO:
        return live_auto(c, k->trigger, k->enabled, ctl_done, k);
    case CTL_STATE:
        return live_get_state(c, ctl_done, k);
    case CTL_EMIT:
        return live_handle(c, k->event, ctl_done, k);
    }
    return -1;
}

static int ctl_parse_onoff(ctl_t *k, const char *cmd, const char *arg)
{
    if (!arg)
        return usage_error("ctl %s: needs on or off", cmd);
    if (!strcmp(arg, "on") || !strcmp(arg, "true"))
        k->enabled = true;
    else if (!strcmp(arg, "off") || !strcmp(arg, "false"))
        k->enabled = false;
    else
        return usage_error("ctl %s: '%s' is not on or off", cmd, arg);
    return EXIT_OK;
}

#define EMIT_MAX (64u << 20)

/* The text of `emit -` (standard input) or `emit @FILE`, NUL-terminated in
 * the arena; NULL after printing why. */
static char *emit_read(const char *arg, arena_t *arena)
{
    bool is_stdin = !strcmp(arg, "-");
    FILE *f = is_stdin ? stdin : fopen(arg + 1, "rb");
    if (!f) {
        say_line("skview: ctl emit: %s: %s", arg + 1, strerror(errno));
        return NULL;
    }
    strbuf_t b;
    sb_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= EMIT_MAX)
        sb_add(&b, chunk, n);
    bool bad = ferror(f), big = b.len > EMIT_MAX;
    if (!is_stdin)
        fclose(f);
    char *text = bad || big ? NULL : arena_strndup(arena, b.data ? b.data : "", b.len);
    sb_free(&b);
    if (bad || big)
        say_line("skview: ctl emit: %s: %s", is_stdin ? "standard input" : arg + 1,
                big ? "larger than 64 MiB" : strerror(errno));
    return text;
}

/* The Event of user-typed JSON, strictly (an unknown key anywhere is an
 * error with its path). A LogEntry given by mistake ({"event": ...}, as a
 * line of an event log) is accepted: its event is sent (the timestamp and
 * the entry are the server's to set). NULL with err filled. */
static Proto__Event *emit_parse(const char *json, arena_t *arena, pbjson_err_t *err)
{
    pbjson_parser_t *p = pbjson_parser_new();
    size_t n = strlen(json);
    Proto__Event *ev = (Proto__Event *)pbjson_parse_strict(p, json, n, &proto__event__descriptor, arena, err);
    if (!ev) {
        pbjson_err_t lerr;
        Proto__LogEntry *le = (Proto__LogEntry *)pbjson_parse_strict(p, json, n, &proto__log_entry__descriptor,
                                                                     arena, &lerr);
        bool looks_like_entry = !strncmp(err->msg, "event: ", 7) || !strncmp(err->msg, "timestamp: ", 11) ||
                                !strncmp(err->msg, "entry: ", 7);
        if (le && le->event)
            ev = le->event;
        else if (le)
            snprintf(err->msg, sizeof err->msg, "a LogEntry without an event: nothing to emit");
        else if (looks_like_entry)
            *err = lerr; /* a LogEntry with a mistake inside: say where */
    }
    pbjson_parser_free(p);
    if (ev && ev->event_type_case == PROTO__EVENT__EVENT_TYPE__NOT_SET) {
        snprintf(err->msg, sizeof err->msg, "the Event has no kind (buildEvent, deployEvent, ... see "
                 "proto/skaffold.proto)");
        ev = NULL;
    }
    return ev;
}

static int ctl_parse_emit(ctl_t *k, const char *arg, arena_t *arena)
{
    if (!arg)
        return usage_error("ctl emit: needs an Event as JSON, - (standard input) or @FILE");
    const char *json = arg;
    if (!strcmp(arg, "-") || arg[0] == '@') {
        json = emit_read(arg, arena);
        if (!json)
            return EXIT_RUNTIME;
    }
    pbjson_err_t err;
    k->event = emit_parse(json, arena, &err);
    if (!k->event) {
        strbuf_t safe;
        sb_init(&safe);
        textsafe(&safe, err.msg, strlen(err.msg), 0, 0);
        int rc = usage_error("ctl emit: %s", safe.data ? safe.data : "");
        sb_free(&safe);
        return rc;
    }
    return EXIT_OK;
}

/* Parses COMMAND [ARG] into k. */
static int ctl_parse_cmd(ctl_t *k, const char *cmd, const char *arg, arena_t *arena)
{
    static const char *const autos[] = {"auto-build", "auto-sync", "auto-deploy"};
    k->op = CTL_EXECUTE;
    if (!strcmp(cmd, "build") || !strcmp(cmd, "sync") || !strcmp(cmd, "deploy")) {
        k->build = cmd[0] == 'b';
        k->sync = cmd[0] == 's';
        k->deploy = cmd[0] == 'd';
        return arg ? usage_error("ctl %s: takes no argument", cmd) : EXIT_OK;
    }
    for (int i = 0; i < 3; i++)
        if (!strcmp(cmd, autos[i])) {
            k->op = CTL_AUTO;
            k->trigger = (live_trigger_t)i;
            return ctl_parse_onoff(k, cmd, arg);
        }
    if (!strcmp(cmd, "state")) {
        k->op = CTL_STATE;
        return arg ? usage_error("ctl state: takes no argument") : EXIT_OK;
    }
    if (!strcmp(cmd, "emit")) {
        k->op = CTL_EMIT;
        return ctl_parse_emit(k, arg, arena);
    }
    return usage_error("ctl: unknown command '%s'", cmd);
}

/* Splits argv into -a ADDR and the words; at most COMMAND ARG. */
static int ctl_parse_args(int argc, char **argv, const char **addr, const char *words[3], int *n)
{
    *n = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        arg_kind_t kind = arg_kind(argc, argv, i);
        if (kind == ARG_END)
            continue;
        if (kind == ARG_OPERAND || *n > 0) {
            if (*n == 2)
                return usage_error("ctl: too many arguments ('%s')", s);
            words[(*n)++] = s;
        } else if (!strcmp(s, "-a") || !strcmp(s, "--addr")) {
            if (++i == argc)
                return usage_error("ctl: %s needs an address", s);
            *addr = argv[i];
        } else if (!strncmp(s, "--addr=", 7)) {
            *addr = s + 7;
        } else {
            return usage_error("ctl: unknown option '%s'", s);
        }
    }
    if (*n == 0)
        return usage_error("ctl: missing command (build, sync, deploy, auto-build on|off, "
                               "auto-sync on|off, auto-deploy on|off, state, emit JSON)");
    return EXIT_OK;
}

static int ctl_run(ctl_t *k, const char *addr)
{
    uv_loop_t loop;
    int rc = uv_loop_init(&loop);
    if (rc < 0) {
        fprintf(stderr, "skview: %s: uv_loop_init: %s\n", k->what, uv_strerror(rc));
        return EXIT_RUNTIME;
    }
    live_opts_t o = {.addr = addr, .reconnect = false};
    live_callbacks_t cb = {.ctx = k, .on_state = ctl_on_state};
    k->client = live_client_new(&loop, &o, &cb);
    k->rc = EXIT_RUNTIME;
    if (!k->client) {
        say_line("skview: %s: cannot create the client", k->what);
    } else if (ctl_send(k) != 0) {
        say_line("skview: %s: cannot start the call", k->what);
        live_client_stop(k->client, NULL, NULL);
    }
    (void)uv_run(&loop, UV_RUN_DEFAULT);  /* ends when every handle closed */
    live_client_free(k->client);
    close_loop(&loop);
    return k->rc;
}

int cmd_ctl(int argc, char **argv)
{
    const char *addr = NULL, *words[3] = {NULL, NULL, NULL};
    int n;
    int rc = ctl_parse_args(argc, argv, &addr, words, &n);
    if (rc)
        return rc;
    ctl_t k = {0};
    arena_t arena;
    arena_init(&arena);
    char what[64];
    snprintf(what, sizeof what, "ctl %s", words[0]);
    k.what = what;
    sb_init(&k.state_json);
    rc = ctl_parse_cmd(&k, words[0], words[1], &arena);
    const char *target = rc == EXIT_OK ? addr_resolve(addr) : NULL;
    if (rc == EXIT_OK)
        rc = target ? ctl_run(&k, target) : EXIT_USAGE;
    fflush(stdout);
    sb_free(&k.state_json);
    arena_free(&arena);
    return rc;
}

/* ---- skview events -a ADDR -------------------------------------------------------- */

typedef struct events {
    uv_loop_t *loop;
    const char *addr;
    live_client_t *client;
    uv_timer_t timer;        /* quiet detection, or periodic flush with --follow */
    uv_signal_t sigint, sigterm;
    bool json, follow, connected, stopping;
    bool lost;               /* --follow: the connection was lost */
    uint64_t last_ms;        /* loop time of the last entry */
    uint64_t count;
    dedup_t dedup;           /* --follow: a replay after a reconnect prints nothing twice */
    strbuf_t line, safe;
    int rc;
} events_t;

static void events_close_cb(uv_handle_t *h)
{
    (void)h;
}

static void events_stopped(void *arg, const live_result_t *r)
{
    events_t *ev = arg;
    uv_close((uv_handle_t *)&ev->timer, events_close_cb);
    uv_close((uv_handle_t *)&ev->sigint, events_close_cb);
    uv_close((uv_handle_t *)&ev->sigterm, events_close_cb);
}

static void events_stop(events_t *ev, int rc)
{
    if (ev->stopping)
        return;
    ev->stopping = true;
    ev->rc = rc;
    live_client_stop(ev->client, events_stopped, ev);
}

static void events_on_reset(void *ctx)
{
    dedup_reset(&((events_t *)ctx)->dedup);
}

/* --follow after a reconnect: false for the replay of what was printed; a
 * new session gets a boundary line on stderr first. */
static bool events_is_new(events_t *ev, const Proto__LogEntry *e)
{
    dedup_kind_t k = dedup_check(&ev->dedup, e);
    if (k == DEDUP_OLD)
        return false;
    if (k == DEDUP_NEW_SESSION || k == DEDUP_DIVERGED) {
        fflush(stdout); /* the boundary sits between the two sessions */
        if (k == DEDUP_NEW_SESSION)
            say_line("skview: events: --- a new session (another history) on %s ---",
                    ev->addr);
        else
            fprintf(stderr, "skview: events: the replayed history differs from entry %zu on\n",
                    dedup_matched(&ev->dedup) + 1);
    }
    return true;
}

static int events_on_entry(void *ctx, const Proto__LogEntry *e)
{
    events_t *ev = ctx;
    if (ev->stopping || (ev->follow && !events_is_new(ev, e)))
        return 0;
    sb_reset(&ev->line);
    entry_render(&ev->line, &ev->safe, e, ev->json); /* as `skview events FILE` */
    if (fwrite(ev->line.data, 1, ev->line.len, stdout) != ev->line.len) {
        cli_write_failed("events", errno);
        events_stop(ev, EXIT_RUNTIME); /* cli_main: 0 when the reader went away */
    }
    ev->count++;
    ev->last_ms = uv_now(ev->loop);
    return 0;
}

static void events_on_timer(uv_timer_t *t)
{
    events_t *ev = t->data;
    if (ev->follow) {
        if (fflush(stdout) != 0) { /* the reader went away, or worse */
            cli_write_failed("events", errno);
            events_stop(ev, EXIT_RUNTIME);
        }
        return;
    }
    if (ev->connected && uv_now(ev->loop) - ev->last_ms >= EVENTS_QUIET_MS)
        events_stop(ev, EXIT_OK);
}

static void events_on_conn(void *ctx, live_conn_t conn, const char *detail, uint64_t retry_ms)
{
    events_t *ev = ctx;
    if (conn == LIVE_CONNECTED && ev->lost) {
        ev->lost = false;
        say_line("skview: events: reconnected to %s", ev->addr);
    } else if (conn == LIVE_CONNECTED && !ev->connected) {
        ev->connected = true;
        ev->last_ms = uv_now(ev->loop);
    } else if (conn == LIVE_RECONNECTING && !ev->stopping && !ev->connected) {
        say_error("events", detail); /* --follow needs a first connection */
        events_stop(ev, EXIT_RUNTIME);
    } else if (conn == LIVE_RECONNECTING && !ev->stopping && !ev->lost) {
        char what[96];
        fflush(stdout);
        snprintf(what, sizeof what, "events: connection lost; retrying in %.1f s", (double)retry_ms / 1000);
        say_error(what, detail);
        ev->lost = true;
    } else if (conn == LIVE_STOPPED && !ev->stopping) {
        /* NULL detail: the server ended the stream cleanly. */
        if (detail)
            say_error("events", detail);
        events_stop(ev, detail ? EXIT_RUNTIME : EXIT_OK);
    }
}

static void events_on_signal(uv_signal_t *s, int signum)
{
    events_stop(s->data, EXIT_OK);
}

static int events_handles(events_t *ev)
{
    int rc;
    if ((rc = uv_timer_init(ev->loop, &ev->timer)) < 0 || (rc = uv_signal_init(ev->loop, &ev->sigint)) < 0 ||
        (rc = uv_signal_init(ev->loop, &ev->sigterm)) < 0) {
        fprintf(stderr, "skview: events: libuv: %s\n", uv_strerror(rc));
        return -1;
    }
    ev->timer.data = ev->sigint.data = ev->sigterm.data = ev;
    uint64_t every = ev->follow ? EVENTS_FLUSH_MS : 50;
    if ((rc = uv_timer_start(&ev->timer, events_on_timer, every, every)) < 0 ||
        (rc = uv_signal_start(&ev->sigint, events_on_signal, SIGINT)) < 0 ||
        (rc = uv_signal_start(&ev->sigterm, events_on_signal, SIGTERM)) < 0) {
        fprintf(stderr, "skview: events: libuv: %s\n", uv_strerror(rc));
        return -1;
    }
    return 0;
}

int events_live(const char *addr, bool json, bool follow)
{
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    uv_loop_t loop;
    if (uv_loop_init(&loop) < 0)
        return EXIT_RUNTIME;
    events_t ev = {.loop = &loop, .addr = addr, .json = json, .follow = follow, .rc = EXIT_RUNTIME};
    sb_init(&ev.line);
    sb_init(&ev.safe);
    dedup_init(&ev.dedup);
    /* --follow outlives the server: it reconnects and goes on where it was. */
    live_opts_t o = {.addr = addr, .reconnect = follow};
    live_callbacks_t cb = {.ctx = &ev, .on_reset = events_on_reset, .on_entry = events_on_entry,
                           .on_conn = events_on_conn};
    ev.client = live_client_new(&loop, &o, &cb);
    if (!ev.client || events_handles(&ev) != 0 || live_client_start(ev.client) != 0) {
        fprintf(stderr, "skview: events: cannot start the client\n");
        abort(); /* handles may be half set up; nothing sensible to unwind */
    }
    (void)uv_run(&loop, UV_RUN_DEFAULT);  /* ends when every handle closed */
    live_client_free(ev.client);
    close_loop(&loop);
    ev.rc = cli_flush("events", ev.rc);
    setvbuf(stdout, NULL, _IOLBF, 0);
    sb_free(&ev.line);
    sb_free(&ev.safe);
    dedup_free(&ev.dedup);
    return ev.rc;
}

/* ---- skview state -a ADDR ------------------------------------------------------- */

/* skview's own live mirror, as the viewer keeps it: the stream folded, then
 * reconciled with GetState (the client sends one once the stream has been
 * quiet, client.h). Printed once an answer arrives with the stream still
 * quiet and no entry since the request: then nothing is missing. */
typedef struct mirror {
    uv_loop_t *loop;
    live_client_t *client;
    model_t *model;
    const char *addr;
    uint64_t last_entry_ms, connected_ms;
    uv_timer_t deadline;         /* STATE_MAX_WAIT_MS after connecting: ask anyway */
    bool printed, stopping;
    int rc;
} mirror_t;

static void mirror_stop(mirror_t *m, int rc)
{
    if (m->stopping)
        return;
    m->stopping = true;
    m->rc = rc;
    uv_close((uv_handle_t *)&m->deadline, NULL);
    live_client_stop(m->client, NULL, NULL);
}

/* The stream has not been quiet since connecting: a GetState of our own,
 * whose answer mirror_on_state takes as it comes. */
static void mirror_on_deadline(uv_timer_t *t)
{
    mirror_t *m = t->data;
    if (!m->stopping && live_get_state(m->client, NULL, NULL) != 0) {
        char what[300];
        snprintf(what, sizeof what, "state -a %s: GetState", m->addr);
        say_error(what, "the call could not be sent");
        mirror_stop(m, EXIT_RUNTIME);
    }
}

static void mirror_on_reset(void *ctx)
{
    model_clear(((mirror_t *)ctx)->model);
}

static int mirror_on_entry(void *ctx, const Proto__LogEntry *e)
{
    mirror_t *m = ctx;
    model_fold(m->model, e);
    m->last_entry_ms = uv_now(m->loop);
    return 0;
}

static uint64_t mirror_on_request(void *ctx)
{
    return model_seq(((mirror_t *)ctx)->model);
}

static void mirror_on_state(void *ctx, const Proto__State *st, uint64_t tag)
{
    mirror_t *m = ctx;
    model_reconcile(m->model, st, tag);
    uint64_t now = uv_now(m->loop);
    bool waited = m->connected_ms && now - m->connected_ms >= STATE_MAX_WAIT_MS;
    if (m->stopping || (!waited && (tag != model_seq(m->model) || now - m->last_entry_ms < STATE_QUIET_MS)))
        return;
    strbuf_t out;
    sb_init(&out);
    pbjson_write(&out, &model_state(m->model)->base);
    sb_addc(&out, '\n');
    fwrite(out.data, 1, out.len, stdout);
    sb_free(&out);
    m->printed = true;
    mirror_stop(m, EXIT_OK);
}

static void mirror_on_conn(void *ctx, live_conn_t conn, const char *detail, uint64_t retry_ms)
{
    mirror_t *m = ctx;
    if (conn == LIVE_CONNECTED) {
        m->last_entry_ms = m->connected_ms = uv_now(m->loop);
        int rc = uv_timer_start(&m->deadline, mirror_on_deadline, STATE_MAX_WAIT_MS, 0);
        if (rc < 0) {
            char what[300];
            snprintf(what, sizeof what, "state -a %s: timer", m->addr);
            say_error(what, uv_strerror(rc));
            mirror_stop(m, EXIT_RUNTIME);
        }
    } else if (conn == LIVE_STOPPED && !m->stopping) {
        char what[300];
        snprintf(what, sizeof what, "state -a %s: Events", m->addr);
        say_error(what, detail ? detail : "the server ended the stream before its state could be read");
        mirror_stop(m, EXIT_RUNTIME);
    }
}

int state_live(const char *addr)
{
    if (!addr)
        return EXIT_USAGE; /* addr_resolve() refused it and said why */
    uv_loop_t loop;
    int rc = uv_loop_init(&loop);
    if (rc < 0) {
        fprintf(stderr, "skview: state: uv_loop_init: %s\n", uv_strerror(rc));
        return EXIT_RUNTIME;
    }
    mirror_t m = {.loop = &loop, .addr = addr, .rc = EXIT_RUNTIME};
    (void)uv_timer_init(&loop, &m.deadline);  /* always 0 */
    m.deadline.data = &m;
    m.model = model_new(NULL);
    live_opts_t o = {.addr = addr, .reconnect = false};
    live_callbacks_t cb = {.ctx = &m, .on_reset = mirror_on_reset, .on_entry = mirror_on_entry,
                           .on_state_request = mirror_on_request, .on_state = mirror_on_state,
                           .on_conn = mirror_on_conn};
    m.client = live_client_new(&loop, &o, &cb);
    if (!m.client || live_client_start(m.client) != 0) {
        say_line("skview: state: cannot start the client for %s", addr);
        abort(); /* handles may be half set up; nothing sensible to unwind */
    }
    (void)uv_run(&loop, UV_RUN_DEFAULT);  /* ends when every handle closed */
    live_client_free(m.client);
    close_loop(&loop);
    model_free(m.model);
    return cli_flush("state", m.rc);
}

/* ---- skview record ---------------------------------------------------------------- */

/* A reconnect replays the server's whole history: the recorder (recorder.h)
 * writes each entry of a session once, and a new session after the old one. */
typedef struct record {
    uv_loop_t *loop;
    live_client_t *client;
    uv_signal_t sigint, sigterm;
    recorder_t rec;
    const char *path;
    bool stopping;
    int rc;
} record_t;

static void record_stopped(void *arg, const live_result_t *res)
{
    record_t *r = arg;
    uv_close((uv_handle_t *)&r->sigint, NULL);
    uv_close((uv_handle_t *)&r->sigterm, NULL);
}

static void record_stop(record_t *r, int rc)
{
    if (r->stopping)
        return;
    r->stopping = true;
    r->rc = rc;
    live_client_stop(r->client, record_stopped, r);
}

static void record_on_reset(void *ctx)
{
    recorder_reset(&((record_t *)ctx)->rec);
}

static int record_on_entry(void *ctx, const Proto__LogEntry *e)
{
    record_t *r = ctx;
    if (r->stopping)
        return 0;
    int k = recorder_entry(&r->rec, e);
    if (k < 0) {
        say_line("skview: record: %s: %s", r->path, strerror(errno));
        record_stop(r, EXIT_RUNTIME);
    } else if (k == DEDUP_NEW_SESSION) {
        fprintf(stderr, "skview: record: --- a new session (another history): recorded whole "
                        "after the previous one ---\n");
    } else if (k == DEDUP_DIVERGED) {
        fprintf(stderr, "skview: record: the replayed history differs from entry %zu on: "
                        "recording from there\n", dedup_matched(&r->rec.dedup) + 1);
    }
    return 0;
}

static void record_on_conn(void *ctx, live_conn_t conn, const char *detail, uint64_t retry_ms)
{
    record_t *r = ctx;
    if (r->stopping)
        return;
    if (conn == LIVE_CONNECTED) {
        fprintf(stderr, "skview: record: connected\n");
    } else if (conn == LIVE_RECONNECTING) {
        char what[64];
        snprintf(what, sizeof what, "record: retrying in %.1f s", (double)retry_ms / 1000);
        say_error(what, detail);
    }
}

static void record_on_signal(uv_signal_t *s, int signum)
{
    record_stop(s->data, EXIT_OK);
}

static int record_parse(int argc, char **argv, const char **addr, const char **out)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        arg_kind_t kind = arg_kind(argc, argv, i);
        if (kind == ARG_END)
            continue;
        if (kind == ARG_OPERAND) {
            return usage_error("record: unexpected argument '%s'", s);
        } else if (!strcmp(s, "-a") || !strcmp(s, "--addr") || !strcmp(s, "-o") || !strcmp(s, "--output")) {
            if (++i == argc)
                return usage_error("record: %s needs a value", s);
            *(s[1] == 'a' || s[2] == 'a' ? addr : out) = argv[i];
        } else if (!strncmp(s, "--addr=", 7)) {
            *addr = s + 7;
        } else if (!strncmp(s, "--output=", 9)) {
            *out = s + 9;
        } else {
            return usage_error("record: unknown option '%s'", s);
        }
    }
    if (!*out)
        return usage_error("record: missing -o FILE");
    return EXIT_OK;
}

static int record_handles(record_t *r)
{
    int rc;
    if ((rc = uv_signal_init(r->loop, &r->sigint)) < 0 || (rc = uv_signal_init(r->loop, &r->sigterm)) < 0 ||
        (rc = uv_signal_start(&r->sigint, record_on_signal, SIGINT)) < 0 ||
        (rc = uv_signal_start(&r->sigterm, record_on_signal, SIGTERM)) < 0) {
        fprintf(stderr, "skview: record: libuv: %s\n", uv_strerror(rc));
        return -1;
    }
    r->sigint.data = r->sigterm.data = r;
    return 0;
}

int cmd_record(int argc, char **argv)
{
    const char *addr = NULL, *out = NULL, *note = NULL;
    int rc = record_parse(argc, argv, &addr, &out);
    if (rc)
        return rc;
    const char *target = addr_resolve(addr);
    if (!target)
        return EXIT_USAGE;
    record_t r = {.path = out, .rc = EXIT_OK};
    char err[512];
    if (recorder_open(&r.rec, out, &note, err, sizeof err) != 0) {
        say_line("skview: record: %s", err);
        return EXIT_RUNTIME;
    }
    if (note)
        say_line("skview: record: %s: %s", out, note);
    uv_loop_t loop;
    if (uv_loop_init(&loop) < 0)
        return EXIT_RUNTIME;
    r.loop = &loop;
    live_opts_t o = {.addr = target, .reconnect = true};
    live_callbacks_t cb = {.ctx = &r, .on_reset = record_on_reset, .on_entry = record_on_entry,
                           .on_conn = record_on_conn};
    r.client = live_client_new(&loop, &o, &cb);
    if (!r.client || record_handles(&r) != 0 || live_client_start(r.client) != 0) {
        fprintf(stderr, "skview: record: cannot start the client\n");
        abort();
    }
    (void)uv_run(&loop, UV_RUN_DEFAULT);  /* ends when every handle closed */
    live_client_free(r.client);
    close_loop(&loop);
    uint64_t written = r.rec.written, skipped = r.rec.skipped;
    if (recorder_close(&r.rec) != 0 && r.rc == EXIT_OK) {
        say_line("skview: record: %s: %s", out, strerror(errno));
        r.rc = EXIT_RUNTIME;
    }
    char also[80] = "";
    if (skipped)
        snprintf(also, sizeof also, " (%llu replayed entries already recorded)", (unsigned long long)skipped);
    say_line("skview: record: %llu entries written to %s%s", (unsigned long long)written, out, also);
    return r.rc;
}
