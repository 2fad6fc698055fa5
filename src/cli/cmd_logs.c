/* `skview logs -a ADDR | FILE`: Skaffold's own output and the application's
 * logs (Skaffold 2.x's v2 API) as lines, each with where it came from.
 *
 * Lines, prefixes, colour and JSON: logprint.h. Here: the options, which
 * lines pass, and the two sources.
 *
 * Live: the v2 Events and ApplicationLogs streams of the session
 * (session_run), and no v1 Events stream: nothing here needs it. Without
 * --follow the command ends once the history has been delivered
 * (session.h, until_history), as `events -a` does. With --follow it
 * reconnects for ever; a reconnect replays (Events: everything
 * since start; ApplicationLogs: the current dev loop's lines), and the
 * replay of lines already printed is recognised and skipped (the session's
 * skip_replayed). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "cli/cli.h"
#include "session/filereport.h"
#include "cli/logprint.h"
#include "core/textsafe.h"
#include "skaffold/logs.h"
#include "session/session.h"
#include "session/session_io.h"

#define LOGS_MAX_KEYS 16

/* ---- options ----------------------------------------------------------------- */

typedef enum key_kind { KEY_TASK, KEY_ARTIFACT, KEY_RESOURCE, KEY_POD, KEY_CONTAINER, KEY__COUNT } key_kind_t;

typedef struct logs_args {
    const char *addr, *path;
    bool follow, json, color, strict;
    unsigned sources;            /* 1 << LOG_SKAFFOLD | 1 << LOG_APP */
    const char *keys[KEY__COUNT][LOGS_MAX_KEYS];
    size_t n_keys[KEY__COUNT];
    int min_level;               /* rank (level_rank); -1 = all */
    uint32_t quiet_ms;           /* --quiet MS; 0 = the default */
} logs_args_t;

static const char *const key_opts[KEY__COUNT] = {"--task", "--artifact", "--resource", "--pod", "--container"};

/* Severity order of Skaffold's LogLevel numbers (logs.h): TRACE lowest,
 * STANDARD (plain console output) as INFO. */
static int level_rank(int level)
{
    static const int rank[] = {1, 2, 3, 4, 5, 6, 0, 2}; /* DEBUG..PANIC, TRACE, STANDARD */
    return level >= 0 && level < 8 ? rank[level] : 2;
}

static int parse_level(const char *s)
{
    if (!strcasecmp(s, "warning"))
        s = "WARN";
    for (unsigned i = 0; i < proto__log_level__descriptor.n_values; i++) {
        const ProtobufCEnumValue *v = &proto__log_level__descriptor.values[i];
        if (!strcasecmp(s, v->name))
            return level_rank(v->value);
    }
    return -1;
}

static int add_key(logs_args_t *a, key_kind_t k, const char *v)
{
    if (!*v)
        return usage_error("logs: %s needs a value", key_opts[k]);
    if (a->n_keys[k] == LOGS_MAX_KEYS)
        return usage_error("logs: at most %d %s", LOGS_MAX_KEYS, key_opts[k]);
    a->keys[k][a->n_keys[k]++] = v;
    return EXIT_OK;
}

/* One option with a value: "--pod P" or "--pod=P". Returns 1 when s is not
 * one of them, else an exit status. */
static int parse_valued(logs_args_t *a, int argc, char **argv, int *i)
{
    const char *s = argv[*i], *v = NULL;
    static const char *const others[] = {"-a", "--addr", "--level", "--quiet"};
    const char *name = NULL;
    for (int k = 0; k < KEY__COUNT + 4 && !name; k++) {
        const char *o = k < KEY__COUNT ? key_opts[k] : others[k - KEY__COUNT];
        size_t n = strlen(o);
        if (!strcmp(s, o)) {
            if (++*i == argc)
                return usage_error("logs: %s needs a value", s);
            name = o, v = argv[*i];
        } else if (!strncmp(s, o, n) && s[n] == '=' && o[1] == '-') {
            name = o, v = s + n + 1;
        }
    }
    if (!name)
        return 1;
    if (!*v)
        return usage_error("logs: %s needs a value", name);
    for (int k = 0; k < KEY__COUNT; k++)
        if (name == key_opts[k])
            return add_key(a, (key_kind_t)k, v);
    if (!strcmp(name, "--level")) {
        if ((a->min_level = parse_level(v)) < 0)
            return usage_error("logs: --level: '%s' is not a level (trace, debug, info, warn, error, fatal, panic)", v);
        return EXIT_OK;
    }
    if (!strcmp(name, "--quiet")) {
        char *end;
        unsigned long ms = strtoul(v, &end, 10);
        if (*end || ms < 1 || ms > 600000)
            return usage_error("logs: --quiet needs milliseconds (1 to 600000)");
        a->quiet_ms = (uint32_t)ms;
        return EXIT_OK;
    }
    a->addr = v;
    return EXIT_OK;
}

static int parse_args(int argc, char **argv, logs_args_t *a)
{
    memset(a, 0, sizeof *a);
    a->min_level = -1;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        arg_kind_t kind = arg_kind(argc, argv, i);
        int rc = kind == ARG_OPTION ? parse_valued(a, argc, argv, &i) : 1;
        if (kind == ARG_END) {
            continue;
        } else if (kind == ARG_OPERAND) {
            if (a->path) return usage_error("logs: one FILE only ('%s')", s);
            a->path = s;
        } else if (rc != 1) {
            if (rc)
                return rc;
        } else if (!strcmp(s, "--follow") || !strcmp(s, "-f")) a->follow = true;
        else if (!strcmp(s, "--json")) a->json = true;
        else if (!strcmp(s, "--strict")) a->strict = true;
        else if (!strcmp(s, "--skaffold")) a->sources |= 1u << LOG_SKAFFOLD;
        else if (!strcmp(s, "--app")) a->sources |= 1u << LOG_APP;
        else return usage_error("logs: unknown option '%s'", s);
    }
    if (a->sources == (1u << LOG_SKAFFOLD | 1u << LOG_APP))
        return usage_error("logs: --skaffold and --app exclude each other (give neither for both)");
    if (!a->path && !a->addr)
        return usage_error("logs: missing -a ADDR or FILE");
    if (a->path && a->addr)
        return usage_error("logs: give FILE or -a ADDR, not both");
    if (a->follow && !a->addr)
        return usage_error("logs: --follow needs -a ADDR");
    return EXIT_OK;
}

/* ---- which lines pass -----------------------------------------------------------
 * Keys of one kind are alternatives (--pod a --pod b); kinds are all
 * required. --artifact matches the subject of Build, Test and Sync lines,
 * --resource that of the other tasks ("web" matches "deployment/web").
 * --task, --artifact and --resource select Skaffold's lines,
 * --pod and --container the application's: with keys of one side only,
 * the other side's lines are not shown; with both, each side by its own. */

static bool any_keys(const logs_args_t *a, key_kind_t from, key_kind_t to)
{
    for (int k = from; k <= (int)to; k++)
        if (a->n_keys[k])
            return true;
    return false;
}

static bool key_match(const logs_args_t *a, key_kind_t k, const char *v, bool (*eq)(const char *, const char *))
{
    if (!a->n_keys[k])
        return true;
    for (size_t i = 0; i < a->n_keys[k]; i++)
        if (eq(a->keys[k][i], v))
            return true;
    return false;
}

static bool eq_exact(const char *key, const char *v) { return !strcmp(key, v); }

/* "web" names "deployment/web" and "pod/web" too. */
static bool eq_resource(const char *key, const char *v)
{
    const char *slash = strchr(v, '/');
    return !strcmp(key, v) || (slash && !strchr(key, '/') && !strcmp(key, slash + 1));
}

/* The task name of a task_id ("Build" of "Build-3"), into buf. */
static const char *task_name(const char *task_id, char *buf, size_t n)
{
    const char *dash = strrchr(task_id, '-');
    size_t len = strlen(task_id);
    if (dash && dash[1] && strspn(dash + 1, "0123456789") == strlen(dash + 1))
        len = (size_t)(dash - task_id);
    if (len >= n)
        len = n - 1;
    memcpy(buf, task_id, len);
    buf[len] = '\0';
    return buf;
}

/* --task matches the name ("build", any case) or the whole id ("Build-2"). */
static bool task_match(const logs_args_t *a, const char *task_id, const char *name)
{
    for (size_t i = 0; i < a->n_keys[KEY_TASK]; i++)
        if (!strcasecmp(a->keys[KEY_TASK][i], name) || !strcmp(a->keys[KEY_TASK][i], task_id))
            return true;
    return !a->n_keys[KEY_TASK];
}

/* A build's, a test's and a sync's subject is an artifact; other tasks' a
 * resource ("deployment/web", "pod/web-1") or a deployer's index. */
static bool is_artifact_task(const char *task)
{
    return !strcmp(task, "Build") || !strcmp(task, "Test") || !strcmp(task, "Sync");
}

static bool pass_skaffold(const logs_args_t *a, const Proto__V2__SkaffoldLogEvent *s, const char *task,
                          const char *subject)
{
    if (a->sources && !(a->sources & 1u << LOG_SKAFFOLD))
        return false;
    if (a->min_level >= 0 && level_rank(s->level) < a->min_level)
        return false;
    if (!any_keys(a, KEY_TASK, KEY_RESOURCE))
        return !any_keys(a, KEY_POD, KEY_CONTAINER);
    bool art = is_artifact_task(task);
    if ((a->n_keys[KEY_ARTIFACT] && !art) || (a->n_keys[KEY_RESOURCE] && art))
        return false;
    return task_match(a, s->task_id, task) && key_match(a, KEY_ARTIFACT, subject, eq_exact) &&
           key_match(a, KEY_RESOURCE, subject, eq_resource);
}

static bool pass_app(const logs_args_t *a, const Proto__V2__ApplicationLogEvent *l)
{
    if (a->sources && !(a->sources & 1u << LOG_APP))
        return false;
    /* The level the line says (logs.h), as the Logs view filters it. */
    if (a->min_level >= 0 && level_rank(logs_text_level(l->message, strlen(l->message))) < a->min_level)
        return false;
    if (!any_keys(a, KEY_POD, KEY_CONTAINER))
        return !any_keys(a, KEY_TASK, KEY_RESOURCE);
    return key_match(a, KEY_POD, l->podname, eq_exact) && key_match(a, KEY_CONTAINER, l->containername, eq_exact);
}

/* ---- which events print ----------------------------------------------------- */

/* The event's Timestamp into m (none: 1970, as before). */
static void event_time(logprint_meta_t *m, const Proto__V2__Event *ev)
{
    m->time_s = ev->timestamp ? ev->timestamp->seconds : 0;
    m->time_nanos = ev->timestamp ? ev->timestamp->nanos : 0;
}

/* One v2 event, of any stream: its log lines, if it has any that pass. */
static void print_event(const logs_args_t *a, logprint_t *p, const Proto__V2__Event *ev)
{
    if (ev->event_type_case == PROTO__V2__EVENT__EVENT_TYPE_APPLICATION_LOG_EVENT) {
        const Proto__V2__ApplicationLogEvent *l = ev->applicationlogevent;
        if (!pass_app(a, l))
            return;
        logprint_meta_t m = {LOG_APP, "", "", "", l->podname, l->containername, l->prefix, LOG_LEVEL_STANDARD,
                             0, 0};
        event_time(&m, ev);
        logprint_message(p, &m, l->message, strlen(l->message));
    } else if (ev->event_type_case == PROTO__V2__EVENT__EVENT_TYPE_SKAFFOLD_LOG_EVENT) {
        const Proto__V2__SkaffoldLogEvent *s = ev->skaffoldlogevent;
        char task[64];
        const char *subject = strcmp(s->subtask_id, "-1") ? s->subtask_id : "";
        task_name(s->task_id, task, sizeof task);
        if (!pass_skaffold(a, s, task, subject))
            return;
        logprint_meta_t m = {LOG_SKAFFOLD, task, s->task_id, subject, "", "", "", s->level, 0, 0};
        event_time(&m, ev);
        logprint_message(p, &m, s->message, strlen(s->message));
    }
}

/* ---- live -------------------------------------------------------------------------- */

typedef struct logs_live {
    const char *what;            /* first: cli_on_message's name */
    const logs_args_t *args;
    logprint_t *p;
    session_t *s;
} logs_live_t;

static void live_on_v2(void *ctx, const Proto__V2__Event *ev, v2_stream_t stream)
{
    logs_live_t *l = ctx;
    print_event(l->args, l->p, ev);
    if (l->p->failed)
        session_end(l->s, l->p->write_errno == EPIPE ? EXIT_OK : EXIT_RUNTIME);
}

/* A message sits after the lines printed before it. */
static void live_on_message(void *ctx, bool error, const char *text)
{
    logprint_flush(((logs_live_t *)ctx)->p);
    cli_on_message(ctx, error, text);
}

#define LOGS_PARTIAL_MS 200 /* --follow: a line without its "\n" waits this long for the rest */

static void live_on_tick(void *ctx)
{
    logs_live_t *l = ctx;
    if (l->args->follow)
        logprint_flush_partial(l->p, LOGS_PARTIAL_MS * 1000000ll);
    logprint_flush(l->p);
    if (l->args->follow && fflush(stdout) == 0 && cli_stdout_gone())
        session_end(l->s, EXIT_OK);
}

static int logs_live(const logs_args_t *a, logprint_t *p, const char *addr)
{
    logs_live_t l = {.what = "logs", .args = a, .p = p};
    session_t s;
    session_init(&s, NULL, NULL, &(session_hooks_t){.ctx = &l, .on_message = live_on_message,
                                                     .on_v2 = live_on_v2, .on_tick = live_on_tick});
    l.s = &s;
    /* --follow outlives the server: it reconnects and goes on where it
     * was; a reconnect's replay (Events: everything since start;
     * ApplicationLogs: the current dev loop's lines) is not printed again. */
    session_live_opts_t o = {.reconnect = a->follow, .first_must_connect = a->follow, .skip_replayed = a->follow,
                             .no_fold_v2 = true, .no_v1 = true, .until_history = !a->follow,
                             .quiet_ms = a->quiet_ms};
    int rc = session_run(&s, addr, &o);
    session_fini(&s);
    return rc;
}

/* ---- FILE ---------------------------------------------------------------------------- */

typedef struct logs_file {
    const logs_args_t *args;
    logprint_t *p;
    uint64_t v2;                 /* v2 events read */
} logs_file_t;

static int file_on_v2(void *ctx, const Proto__V2__Event *ev, v2_stream_t stream)
{
    logs_file_t *f = ctx;
    f->v2++;
    print_event(f->args, f->p, ev);
    return f->p->failed;
}

/* A v2 file, a recording, or a v1 log F with the F.v2 beside it
 * (as replay and `state` read it). */
static int logs_file(const logs_args_t *a, logprint_t *p)
{
    logs_file_t f = {.args = a, .p = p};
    source_sink_t sink = {.ctx = &f, .on_v2 = file_on_v2};
    int rc = filereport_read(a->path, a->strict, true, &sink, NULL);
    if (rc == EXIT_OK && !f.v2 && !p->failed) {
        cli_say("logs", "%s: no v2 events in it (Skaffold 2.x writes them to FILE.v2 beside --event-log-file's "
                "FILE)", a->path);
        rc = EXIT_RUNTIME;
    }
    return rc;
}

/* ---- the command --------------------------------------------------------------------- */

int cmd_logs(int argc, char **argv)
{
    logs_args_t a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc;
    const char *nc = getenv("NO_COLOR");
    a.color = !a.json && isatty(STDOUT_FILENO) && !(nc && *nc);
    const char *addr = NULL;
    if (a.addr && !(addr = session_addr_resolve(a.addr)))
        return EXIT_USAGE;
    logprint_t p;
    logprint_init(&p, a.json, a.color);
    rc = addr ? logs_live(&a, &p, addr) : logs_file(&a, &p);
    logprint_finish(&p);
    if (!p.failed && fflush(stdout) != 0) {
        p.failed = true;
        p.write_errno = errno;
        cli_write_failed("logs", errno);
    }
    if (p.failed && rc == EXIT_OK)
        rc = EXIT_RUNTIME; /* cli_main: 0 when the reader went away */
    logprint_stats(&p);
    logprint_free(&p);
    return rc;
}
