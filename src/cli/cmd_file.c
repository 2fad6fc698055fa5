/* `skview state FILE` and `skview events FILE|-a ADDR`: the headless views of
 * a saved log, the contract users and the other parts script against. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "session/filereport.h"
#include "cli/tlprint.h"
#include "session/session_io.h"
#include "skaffold/entryfmt.h"
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
 * "t" --timeline); a word after "--" is the FILE whatever it looks like. */
static int parse_args(int argc, char **argv, const char *want, file_args_t *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        arg_kind_t kind = arg_kind(argc, argv, i);
        if (kind == ARG_END) continue;
        if (kind == ARG_OPERAND) {
            if (a->path) return usage_error("%s: one FILE only ('%s')", argv[0], s);
            a->path = s;
        } else if (!strcmp(s, "--strict")) a->strict = true;
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
        else return usage_error("%s: unknown option '%s'", argv[0], s);
    }
    if (!a->path && !a->addr) return usage_error("%s: missing FILE", argv[0]);
    if (a->path && a->addr) return usage_error("%s: give FILE or -a ADDR, not both", argv[0]);
    return EXIT_OK;
}

/* Writes the line to stdout; nonzero (and said why) when that failed: the
 * reading stops. */
static int put_line(const strbuf_t *line)
{
    if (fwrite(line->data, 1, line->len, stdout) == line->len)
        return 0;
    cli_write_failed("events", errno);
    return 1;
}

/* Reads the whole file through sink (with sibling, a v1 log's F.v2 too);
 * what could not be read is said as session/filereport.h says. */
static int read_file(const file_args_t *a, source_sink_t *sink, bool sibling)
{
    return filereport_read(a->path, a->strict, sibling, sink, NULL);
}

/* --timeline: the dev loops (cli/tlprint.h). */
static void print_timeline(const model_t *m, bool json)
{
    strbuf_t out;
    sb_init(&out);
    tlprint(&out, m, json);
    if (out.len) fwrite(out.data, 1, out.len, stdout);
    sb_free(&out);
}

void cli_print_state(const Proto__State *st)
{
    strbuf_t out;
    sb_init(&out);
    pbjson_write(&out, &st->base);
    sb_addc(&out, '\n');
    fwrite(out.data, 1, out.len, stdout);
    sb_free(&out);
}

int cmd_state(int argc, char **argv)
{
    file_args_t a;
    int rc = parse_args(argc, argv, "atj", &a);
    if (rc) return rc;
    if (a.addr && a.timeline) return usage_error("state: --timeline needs a FILE");
    if (a.json && !a.timeline) return usage_error("state: --json goes with --timeline (the State is JSON already)");
    if (a.addr) return state_live(session_addr_resolve(a.addr), a.quiet_ms);
    /* The viewer's session, fed by the file; printing the State needs no
     * history, nor (without --timeline) the timeline and the errors. */
    model_opts_t mo = {.no_history = true, .state_only = !a.timeline};
    session_t ses;
    session_init(&ses, NULL, &mo, &(session_hooks_t){0});
    source_sink_t sink = session_file_sink(&ses);
    rc = a.timeline ? read_file(&a, &sink, true) : filereport_read_state(a.path, a.strict, &sink);
    if (rc == EXIT_OK && a.timeline) {
        print_timeline(ses.model, a.json);
    } else if (rc == EXIT_OK) {
        cli_print_state(model_state(ses.model));
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
    return put_line(&p->line);
}

static int print_v2(void *ctx, const Proto__V2__Event *ev, v2_stream_t stream)
{
    printer_t *p = ctx;
    sb_reset(&p->line);
    entry_v2_render(&p->line, &p->safe, ev, p->json);
    return put_line(&p->line);
}

int cmd_events(int argc, char **argv)
{
    file_args_t a;
    int rc = parse_args(argc, argv, "jfa", &a);
    if (rc) return rc;
    if (a.addr) {
        const char *addr = session_addr_resolve(a.addr);
        return addr ? events_live(addr, a.json, a.follow, a.quiet_ms) : EXIT_USAGE;
    }
    if (a.follow) return usage_error("events: --follow needs -a ADDR");
    printer_t p = {.json = a.json};
    sb_init(&p.line);
    sb_init(&p.safe);
    /* The file given, as it is: F's v1 entries, F.v2's v2 events (the
     * viewer and `state` read F with its F.v2). */
    source_sink_t sink = {.ctx = &p, .on_entry = print_entry, .on_v2 = print_v2};
    rc = read_file(&a, &sink, false);
    sb_free(&p.line);
    sb_free(&p.safe);
    return cli_flush("events", rc);
}
