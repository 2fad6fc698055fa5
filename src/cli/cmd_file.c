/* `skview state FILE` and `skview events FILE|-a ADDR`: the headless views of
 * a saved log, the contract users and the other parts script against. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "skaffold/entryfmt.h"
#include "sources/logreader.h"
#include "sources/logset.h"
#include "cli/cmds.h"
#include "skaffold/model.h"
#include "core/pbjson.h"
#include "core/codes.h"
#include "core/textsafe.h"
#include "session/session.h"

typedef struct file_args {
    const char *path;
    const char *addr;
    bool strict, json, follow, timeline;
    uint32_t quiet_ms;           /* -a without --follow: --quiet MS (session.h); 0 = the default */
} file_args_t;

/* --quiet MS: how long every stream must be quiet before the history is
 * taken for delivered (then a GetState confirms it). */
static int parse_quiet(const char *cmd, const char *v, uint32_t *out)
{
    char *end;
    unsigned long ms = v ? strtoul(v, &end, 10) : 0;
    if (!v || !*v || *end || ms < 1 || ms > 600000)
        return usage_error("%s: --quiet needs milliseconds (1 to 600000)", cmd);
    *out = (uint32_t)ms;
    return EXIT_OK;
}

/* Parses FILE and the flags `want` allows ("j" --json, "f" --follow, "a" -a,
 * "t" --timeline). */
static int parse_args(int argc, char **argv, const char *want, file_args_t *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--strict")) a->strict = true;
        else if (!strcmp(s, "--json") && strchr(want, 'j')) a->json = true;
        else if ((!strcmp(s, "--follow") || !strcmp(s, "-f")) && strchr(want, 'f')) a->follow = true;
        else if (!strcmp(s, "--quiet") && strchr(want, 'a')) {
            int rc = parse_quiet(argv[0], ++i < argc ? argv[i] : NULL, &a->quiet_ms);
            if (rc) return rc;
        }
        else if (!strcmp(s, "--timeline") && strchr(want, 't')) a->timeline = true;
        else if ((!strcmp(s, "-a") || !strcmp(s, "--addr")) && strchr(want, 'a')) {
            if (++i == argc) return usage_error("%s: %s needs an address", argv[0], s);
            a->addr = argv[i];
        } else if (!strncmp(s, "--addr=", 7) && strchr(want, 'a')) a->addr = s + 7;
        else if (s[0] == '-' && s[1]) return usage_error("%s: unknown option '%s'", argv[0], s);
        else if (a->path) return usage_error("%s: one FILE only ('%s')", argv[0], s);
        else a->path = s;
    }
    if (!a->path && !a->addr) return usage_error("%s: missing FILE", argv[0]);
    if (a->path && a->addr) return usage_error("%s: give FILE or -a ADDR, not both", argv[0]);
    return EXIT_OK;
}

/* Where malformed lines are reported: "FILE:LINE: what is wrong". */
static void print_error(void *ctx, const char *where, const char *msg, bool fatal)
{
    strbuf_t safe;
    sb_init(&safe);
    textsafe(&safe, msg, strlen(msg), 0, 0);
    fprintf(stderr, "%s: %s%s\n", where, safe.data ? safe.data : "", fatal ? "" : " (skipped)");
    sb_free(&safe);
}

/* What the source read but reports (an error the gateway wrote into its
 * stream, an enum value newer than our schema): nothing lost, not counted. */
static void print_warning(void *ctx, const char *where, const char *msg)
{
    strbuf_t safe;
    sb_init(&safe);
    textsafe(&safe, msg, strlen(msg), 0, 0);
    fprintf(stderr, "%s: %s\n", where, safe.data ? safe.data : "");
    sb_free(&safe);
}

/* See cli.h. */
int cli_read_file(const char *path, bool strict, source_sink_t *sink, bool sibling)
{
    char err[512];
    logreader_opts_t o = {.strict = strict};
    logset_t *set = logset_open(path, &o, sibling, err, sizeof err);
    if (!set) {
        fprintf(stderr, "skview: %s\n", err);
        return EXIT_RUNTIME;
    }
    sink->on_error = print_error;
    sink->on_warning = print_warning;
    int rc = logset_pump(set, sink);
    uint64_t skipped = 0;
    for (size_t i = 0; i < logset_count(set); i++) {
        logreader_t *r = logset_reader(set, i);
        const char *unit = logreader_format(r) == LOG_RECORDING ? "record(s)" : "line(s)";
        skipped += logreader_skipped(r);
        if (logreader_skipped(r) && !strict)
            fprintf(stderr, "skview: %s: skipped %llu malformed %s of %llu\n", logreader_path(r),
                    (unsigned long long)logreader_skipped(r), unit, (unsigned long long)logreader_line(r));
    }
    if (rc == 0 && skipped && logset_items(set) == 0) {
        logreader_t *r = logset_reader(set, 0);
        fprintf(stderr, "skview: %s: no valid entry in it, only malformed %s\n", logreader_path(r),
                logreader_format(r) == LOG_RECORDING ? "record(s)" : "line(s)");
        rc = 1;
    }
    logset_close(set);
    return rc == 3 ? EXIT_MALFORMED : rc ? EXIT_RUNTIME : EXIT_OK;
}

/* ---- --timeline: one line per iteration and per step that ran ---- */

static void tl_time(strbuf_t *out, int64_t ns)
{
    if (ns == 0) sb_adds(out, " -");
    else sb_printf(out, " %lld.%09lld", (long long)(ns / 1000000000), (long long)(ns % 1000000000));
}

/* "status start end", the status as one word ("in_progress"). */
static void tl_span(strbuf_t *out, const span_t *sp)
{
    sb_addc(out, ' ');
    for (const char *c = status_kind_name(sp->status); *c; c++) sb_addc(out, *c == ' ' ? '_' : *c);
    tl_time(out, sp->start_ns);
    tl_time(out, sp->end_ns);
}

static void tl_step(strbuf_t *out, const char *name, const span_t *sp)
{
    if (sp->status == STATUS_NONE) return;
    sb_printf(out, "  %s", name);
    tl_span(out, sp);
    sb_addc(out, '\n');
}

static void tl_iteration(strbuf_t *out, const model_t *m, const iteration_t *it, strbuf_t *safe)
{
    const model_error_t *e = it->error_id ? model_error_by_id(m, it->error_id) : NULL;
    sb_printf(out, "iteration %d session %u %s", it->number, it->session, it->implicit ? "implicit" : "explicit");
    tl_span(out, &it->span);
    sb_printf(out, " error %s\n", e ? status_code_name(e->code) : "-");
    for (size_t i = 0; i < it->n_builds; i++) {
        const artifact_span_t *b = &it->builds[i];
        static const char *const cache[] = {"-", "checking", "hit", "miss"};
        sb_reset(safe);
        textsafe(safe, b->artifact, strlen(b->artifact), 0, 0);
        sb_printf(out, "  build %s", safe->data ? safe->data : "");
        tl_span(out, &b->span);
        sb_printf(out, " cache %s\n", cache[b->cache]);
    }
    tl_step(out, "test", &it->test);
    tl_step(out, "render", &it->render);
    tl_step(out, "deploy", &it->deploy);
    tl_step(out, "statuscheck", &it->statuscheck);
    tl_step(out, "sync", &it->sync);
    tl_step(out, "verify", &it->verify);
    tl_step(out, "exec", &it->exec);
}

static void print_timeline(const model_t *m)
{
    strbuf_t out, safe;
    sb_init(&out);
    sb_init(&safe);
    for (size_t i = 0; i < model_iteration_count(m); i++)
        tl_iteration(&out, m, model_iteration(m, i), &safe);
    if (out.len) fwrite(out.data, 1, out.len, stdout);
    sb_free(&out);
    sb_free(&safe);
}

int cmd_state(int argc, char **argv)
{
    file_args_t a;
    int rc = parse_args(argc, argv, "at", &a);
    if (rc) return rc;
    if (a.addr && a.timeline) return usage_error("state: --timeline needs a FILE");
    if (a.addr) return state_live(session_addr(a.addr), a.quiet_ms);
    /* The viewer's session, fed by the file; printing the State needs no
     * history. */
    model_opts_t mo = {.no_history = true};
    session_t ses;
    session_init(&ses, NULL, &mo, &(session_hooks_t){0});
    source_sink_t sink = session_file_sink(&ses);
    rc = cli_read_file(a.path, a.strict, &sink, true);
    if (rc == EXIT_OK && a.timeline) {
        print_timeline(ses.model);
    } else if (rc == EXIT_OK) {
        strbuf_t out;
        sb_init(&out);
        pbjson_write(&out, &model_state(ses.model)->base);
        sb_addc(&out, '\n');
        fwrite(out.data, 1, out.len, stdout);
        sb_free(&out);
    }
    session_fini(&ses);
    return rc;
}

typedef struct printer {
    strbuf_t line, safe;
    bool json;
} printer_t;

static int print_entry(void *ctx, const Proto__LogEntry *e)
{
    printer_t *p = ctx;
    sb_reset(&p->line);
    entry_render(&p->line, &p->safe, e, p->json);
    fwrite(p->line.data, 1, p->line.len, stdout);
    return 0;
}

static int print_v2(void *ctx, const Proto__V2__Event *ev, v2_stream_t stream)
{
    printer_t *p = ctx;
    sb_reset(&p->line);
    entry_v2_render(&p->line, &p->safe, ev, p->json);
    fwrite(p->line.data, 1, p->line.len, stdout);
    return 0;
}

int cmd_events(int argc, char **argv)
{
    file_args_t a;
    int rc = parse_args(argc, argv, "jfa", &a);
    if (rc) return rc;
    if (a.addr) {
        const char *addr = session_addr(a.addr);
        return addr ? events_live(addr, a.json, a.follow, a.quiet_ms) : EXIT_USAGE;
    }
    if (a.follow) return usage_error("events: --follow needs -a ADDR");
    printer_t p = {.json = a.json};
    sb_init(&p.line);
    sb_init(&p.safe);
    /* The file given, as it is: F's v1 entries, F.v2's v2 events (the
     * viewer and `state` read F with its F.v2). */
    source_sink_t sink = {.ctx = &p, .on_entry = print_entry, .on_v2 = print_v2};
    rc = cli_read_file(a.path, a.strict, &sink, false);
    sb_free(&p.line);
    sb_free(&p.safe);
    if (fflush(stdout) != 0 && rc == EXIT_OK) {
        perror("skview: events: stdout");
        rc = EXIT_RUNTIME;
    }
    return rc;
}
