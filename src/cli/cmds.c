/* Headless commands on a live server: `skview ctl`, `skview record`,
 * `skview events -a ADDR` and `skview state -a ADDR`. Each runs the session
 * (session_run: one loop, signals, when to stop) with its own hooks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include "cli/cli.h"
#include "skaffold/entryfmt.h"
#include "cli/cmds.h"
#include "session/session.h"
#include "session/session_io.h"
#include "skaffold/model.h"
#include "core/pbjson.h"
#include "core/textsafe.h"

/* state -a against a stream that never goes quiet: after this long the
 * next GetState answer is taken anyway (its reconcile folds every entry
 * that came after it was asked: the mirror is the server's State). */
#define STATE_MAX_WAIT_MS 15000

/* ---- skview ctl ---------------------------------------------------------------- */

#define CTL_ALREADY_EXISTS 6  /* grpc_status_code GRPC_STATUS_ALREADY_EXISTS */

typedef enum ctl_op { CTL_EXECUTE, CTL_AUTO, CTL_STATE, CTL_EMIT } ctl_op_t;

typedef struct ctl {
    const char *what;        /* "ctl auto-build", for messages */
    ctl_op_t op;
    bool build, sync, deploy;
    sk_trigger_t trigger;
    bool enabled;
    Proto__Event *event;     /* CTL_EMIT */
    strbuf_t state_json;
} ctl_t;

static void ctl_on_state(void *ctx, const Proto__State *st)
{
    ctl_t *k = ctx;
    sb_reset(&k->state_json);
    pbjson_write(&k->state_json, &st->base);
    sb_addc(&k->state_json, '\n');
}

static int ctl_done(void *arg, int code, const char *message)
{
    ctl_t *k = arg;
    if (code == CTL_ALREADY_EXISTS && k->op == CTL_AUTO) {
        /* Skaffold's answer to a trigger already as asked: the state the
         * user wants holds, which is what a script needs to know. */
        cli_say(k->what, "already %s", k->enabled ? "on" : "off");
        return EXIT_OK;
    }
    if (code != 0) {
        cli_say(k->what, "%s", message);
        return EXIT_RUNTIME;
    }
    if (k->op == CTL_STATE)
        fwrite(k->state_json.data, 1, k->state_json.len, stdout);
    return EXIT_OK;
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
        cli_say("ctl emit", "%s: %s", arg + 1, strerror(errno));
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
        cli_say("ctl emit", "%s: %s", is_stdin ? "standard input" : arg + 1, big ? "larger than 64 MiB" : strerror(errno));
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
            k->trigger = (sk_trigger_t)i;
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
    static const session_call_kind_t kinds[] = {[CTL_EXECUTE] = SESSION_CALL_EXECUTE, [CTL_AUTO] = SESSION_CALL_AUTO,
                                                [CTL_STATE] = SESSION_CALL_STATE, [CTL_EMIT] = SESSION_CALL_EMIT};
    session_t s;
    session_init(&s, NULL, NULL, &(session_hooks_t){.ctx = k, .on_message = cli_on_message, .on_state = ctl_on_state});
    session_call_t call = {kinds[k->op], k->build, k->sync, k->deploy, k->trigger, k->enabled, k->event,
                           ctl_done, k};
    int rc = session_run_call(&s, addr, &call);
    session_fini(&s);
    return rc;
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
    const char *target = rc == EXIT_OK ? session_addr_resolve(addr) : NULL;
    if (rc == EXIT_OK)
        rc = target ? ctl_run(&k, target) : EXIT_USAGE;
    fflush(stdout);
    sb_free(&k.state_json);
    arena_free(&arena);
    return rc;
}

/* ---- skview events -a ADDR -------------------------------------------------------- */

typedef struct events {
    const char *what;        /* first: cli_on_message's name */
    session_t *s;
    bool json, follow;
    strbuf_t line, safe;
    bool failed;
} events_t;

/* stdout failed (cli_main: 0 when the reader went away). */
static void events_failed(events_t *ev)
{
    ev->failed = true;
    cli_write_failed("events", errno);
    session_end(ev->s, EXIT_RUNTIME);
}

static void events_on_entry(void *ctx, const Proto__LogEntry *e)
{
    events_t *ev = ctx;
    if (ev->failed)
        return;
    sb_reset(&ev->line);
    entry_render(&ev->line, &ev->safe, e, ev->json); /* as `skview events FILE` */
    if (fwrite(ev->line.data, 1, ev->line.len, stdout) != ev->line.len)
        events_failed(ev);
}

static void events_on_tick(void *ctx)
{
    events_t *ev = ctx;
    if (!ev->follow || ev->failed)
        return;
    if (fflush(stdout) != 0)
        events_failed(ev);
    else if (cli_stdout_gone())
        session_end(ev->s, EXIT_OK);
}

int events_live(const char *addr, bool json, bool follow, uint32_t quiet_ms)
{
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    events_t ev = {.what = "events", .json = json, .follow = follow};
    sb_init(&ev.line);
    sb_init(&ev.safe);
    session_t s;
    /* The entries go out as they come: the model's mirror serves the end
     * of the history (until_history), its history of them nobody reads,
     * nor its timeline and errors (state_only). */
    model_opts_t mo = {.no_history = true, .state_only = true};
    session_init(&s, NULL, &mo, &(session_hooks_t){.ctx = &ev, .on_message = cli_on_message,
                                                    .on_entry = events_on_entry, .on_tick = events_on_tick});
    ev.s = &s;
    /* --follow outlives the server: it reconnects and goes on where it was,
     * printing nothing twice. Without, the history and then the end. */
    session_live_opts_t o = {.reconnect = follow, .first_must_connect = follow, .skip_replayed = follow,
                             .no_v2 = true, .until_history = !follow, .quiet_ms = quiet_ms};
    int rc = session_run(&s, addr, &o);
    session_fini(&s);
    rc = cli_flush("events", rc);
    setvbuf(stdout, NULL, _IOLBF, 0);
    sb_free(&ev.line);
    sb_free(&ev.safe);
    return rc;
}

/* ---- skview state -a ADDR ------------------------------------------------------- */

/* skview's own live mirror, as the viewer keeps it: the stream folded, then
 * reconciled with the GetState that ends the run (session_run's
 * until_history: the history delivered, the mirror agreeing with the
 * server's State). */
int state_live(const char *addr, uint32_t quiet_ms)
{
    if (!addr)
        return EXIT_USAGE; /* session_addr_resolve() refused it and said why */
    const char *what = "state";
    session_t s;
    session_init(&s, NULL, NULL, &(session_hooks_t){.ctx = &what, .on_message = cli_on_message});
    session_live_opts_t o = {.no_v2 = true, .until_history = true, .quiet_ms = quiet_ms,
                             .max_wait_ms = STATE_MAX_WAIT_MS};
    int rc = session_run(&s, addr, &o);
    if (rc == EXIT_OK)
        cli_print_state(model_state(s.model));
    session_fini(&s);
    return cli_flush("state", rc);
}

/* ---- skview record ---------------------------------------------------------------- */

/* The session records (session_record: v1 and both v2 streams, a reconnect's
 * replay written once) and reconnects for ever, until SIGINT or SIGTERM. */
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

int cmd_record(int argc, char **argv)
{
    const char *addr = NULL, *out = NULL, *note = NULL;
    int rc = record_parse(argc, argv, &addr, &out);
    if (rc)
        return rc;
    const char *target = session_addr_resolve(addr);
    if (!target)
        return EXIT_USAGE;
    const char *what = "record";
    session_t s;
    session_init(&s, NULL, NULL, &(session_hooks_t){.ctx = &what, .on_message = cli_on_message});
    char err[512];
    if (session_record(&s, out, &note, err, sizeof err) != 0) {
        cli_say("record", "%s", err);
        session_fini(&s);
        return EXIT_RUNTIME;
    }
    if (note)
        cli_say("record", "%s: %s", out, note);
    rc = session_run(&s, target, &(session_live_opts_t){.reconnect = true, .say_connected = true});
    uint64_t written = s.rec.written, written_v2 = s.rec.written_v2, skipped = s.rec.skipped;
    if (session_record_close(&s) != 0 && rc == EXIT_OK) {
        cli_say("record", "%s: %s", out, strerror(errno));
        rc = EXIT_RUNTIME;
    }
    session_fini(&s);
    char more[96] = "";
    if (skipped)
        snprintf(more, sizeof more, " (%llu replayed entries already recorded)", (unsigned long long)skipped);
    cli_say("record", "%llu entries written to %s, with %llu v2 events%s", (unsigned long long)written, out,
            (unsigned long long)written_v2, more);
    return rc;
}
