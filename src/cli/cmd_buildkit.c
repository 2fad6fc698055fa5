/* `skview buildkit`: BuildKit's Control API from the command line.
 *
 *   skview buildkit [--buildkit ADDR] du [--sort size|last-used] [--filter F]... [--json] [--record FILE]
 *   skview buildkit workers [--json] [--record FILE]
 *   skview buildkit prune [--all] [--filter F]... [--keep-duration DUR] [--keep-bytes N]
 *                         [--max-used-space N] [--min-free-space N] [--yes|--force|-f] [--json]
 *   skview buildkit status REF|--ref-file FILE [--progress tty|plain|rawjson] [--json]
 *                          [--record FILE] [--width N] [--wait DUR]
 *   skview buildkit history [--active] [--json]
 *   skview buildkit info [--json]
 *   skview buildkit show FILE [--progress tty|plain]  (a rawjson file or recording, rendered)
 *
 * status and show print BuildKit's tty display's end frame when standard
 * output is a terminal, else its plain progress (buildkit/bk_plain.h: every log
 * line of every step, as `docker buildx build --progress=plain`); --progress
 * chooses, rawjson being --json. A ref the daemon does not know yet ("no
 * such job": its build has not started) is an error at once, or with --wait
 * DUR is asked for again with backoff until DUR passed ("waiting for build
 * REF" once on stderr), so that status can be started before the build.
 *
 * ADDR: --buildkit, else $BUILDKIT_HOST, else unix:///run/buildkit/buildkitd.sock;
 * "docker" or "docker://PATH" for the BuildKit inside a Docker daemon.
 * Each command is one call on the session (session/bk_run.h: the answers
 * folded into a BuildKit model, then printed by the hooks here), or for
 * show the file read through it. Failures are one line, "skview: buildkit
 * CMD: STATUS: message" (cli_say), exit 1; usage errors exit 2. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/cmd_bk.h"
#include "session/bk_run.h"
#include "buildkit/bk_model.h"
#include "buildkit/bk_plain.h"
#include "buildkit/bk_progress.h"

/* ---- options: one table, each option naming the commands it applies to --- */

enum { C_DU = 1, C_WORKERS = 2, C_PRUNE = 4, C_STATUS = 8, C_HISTORY = 16, C_INFO = 32, C_SHOW = 64, C_ANY = 127 };
typedef enum { OPT_FLAG, OPT_VALUE, OPT_LIST } opt_kind_t;

typedef struct bk_opt {
    const char *name;
    opt_kind_t kind;
    size_t off;
    unsigned cmds;
} bk_opt_t;

#define OPT(n, k, field, c) {n, k, offsetof(bk_args_t, field), c}
static const bk_opt_t bk_opts[] = {
    OPT("--buildkit", OPT_VALUE, addr, C_ANY),
    OPT("--json", OPT_FLAG, json, C_ANY & ~C_SHOW),
    OPT("--sort", OPT_VALUE, sort, C_DU),
    OPT("--filter", OPT_LIST, filters, C_DU | C_PRUNE),
    OPT("--all", OPT_FLAG, all, C_PRUNE),
    OPT("--yes", OPT_FLAG, yes, C_PRUNE),
    OPT("--force", OPT_FLAG, yes, C_PRUNE),   /* docker builder prune's names */
    OPT("-f", OPT_FLAG, yes, C_PRUNE),
    OPT("--progress", OPT_VALUE, progress, C_STATUS | C_SHOW),
    OPT("--keep-duration", OPT_VALUE, keep_duration, C_PRUNE),
    OPT("--keep-bytes", OPT_VALUE, keep_bytes, C_PRUNE),
    OPT("--max-used-space", OPT_VALUE, max_used, C_PRUNE),
    OPT("--min-free-space", OPT_VALUE, min_free, C_PRUNE),
    OPT("--ref-file", OPT_VALUE, ref_file, C_STATUS),
    OPT("--wait", OPT_VALUE, wait, C_STATUS),
    OPT("--record", OPT_VALUE, record, C_STATUS | C_DU | C_WORKERS),
    OPT("--width", OPT_VALUE, width, C_STATUS | C_SHOW),
    OPT("--active", OPT_FLAG, active, C_HISTORY),
};

static const struct {
    const char *name;
    unsigned bit;
} bk_cmds[] = {{"du", C_DU}, {"workers", C_WORKERS}, {"prune", C_PRUNE}, {"status", C_STATUS},
               {"history", C_HISTORY}, {"info", C_INFO}, {"show", C_SHOW}};

static int set_opt(bk_args_t *a, const bk_opt_t *o, const char *val)
{
    char *p = (char *)a + o->off;
    if (o->kind == OPT_FLAG) {
        *(bool *)p = true;
    } else if (o->kind == OPT_VALUE) {
        *(const char **)p = val;
    } else {
        if (a->n_filters == BK_MAX_FILTERS)
            return usage_error("buildkit: at most %d filters", BK_MAX_FILTERS);
        a->filters[a->n_filters++] = (char *)val;
    }
    return EXIT_OK;
}

static const char bk_usage[] =
    "usage: skview buildkit [--buildkit ADDR] COMMAND [OPTIONS]\n"
    "  du [--sort size|last-used] [--filter F]... [--json]   the build cache, totals, reclaimable\n"
    "  workers [--json]                                      workers: platforms, labels, GC policies\n"
    "  prune [--all] [--filter F]... [--keep-duration DUR] [--keep-bytes N]\n"
    "        [--max-used-space N] [--min-free-space N] [--yes|--force|-f] [--json]\n"
    "  status REF|--ref-file FILE [--progress tty|plain|rawjson] [--json] [--record FILE] [--width N]\n"
    "         [--wait DUR]                                  (wait up to DUR for the build to start)\n"
    "  history [--active] [--json]                           builds the daemon knows (v0.11+)\n"
    "  info [--json]                                         the daemon's version (v0.11+)\n"
    "  show FILE [--progress tty|plain] [--width N]          a rawjson file or skview recording\n"
    "status and show: the tty display's end frame on a terminal, else plain progress\n"
    "--record FILE (status, du, workers): the answers appended to a recording that\n"
    "`skview replay` shows in the Build, Cache and Workers panes\n"
    "ADDR: unix:///path, tcp://host:port or host:port (default $BUILDKIT_HOST, else\n"
    BK_RUN_DEFAULT_ADDR "); docker for Docker's BuildKit ($DOCKER_HOST, else\n"
    "/var/run/docker.sock), docker://PATH for the one on that socket.\n";

void cmd_buildkit_help(FILE *f)
{
    fputs(bk_usage, f);
}

/* Options may come before or after the command name. */
static int parse_args(int argc, char **argv, bk_args_t *a, unsigned *cmd, const char **cmd_name)
{
    memset(a, 0, sizeof *a);
    *cmd = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            fputs(bk_usage, stdout);
            return -1;
        }
        arg_kind_t kind = arg_kind(argc, argv, i);
        if (kind == ARG_END)
            continue;
        if (kind == ARG_OPERAND) {
            for (size_t k = 0; !*cmd && k < sizeof bk_cmds / sizeof bk_cmds[0]; k++)
                if (!strcmp(s, bk_cmds[k].name)) {
                    *cmd = bk_cmds[k].bit;
                    *cmd_name = bk_cmds[k].name;
                    s = NULL;
                }
            if (s && !*cmd)
                return usage_error("buildkit: unknown command '%s' (du, workers, prune, status, history, info, show)", s);
            if (s && a->n_pos < 4)
                a->pos[a->n_pos++] = s;
            continue;
        }
        const bk_opt_t *o = NULL;
        for (size_t k = 0; !o && k < sizeof bk_opts / sizeof bk_opts[0]; k++)
            if (!strcmp(s, bk_opts[k].name))
                o = &bk_opts[k];
        if (!o)
            return usage_error("buildkit: unknown option '%s'", s);
        if (*cmd && !(o->cmds & *cmd))
            return usage_error("buildkit %s: %s does not apply", *cmd_name, s);
        if (o->kind != OPT_FLAG && i + 1 >= argc)
            return usage_error("buildkit: %s needs a value", s);
        int rc = set_opt(a, o, o->kind == OPT_FLAG ? NULL : argv[++i]);
        if (rc)
            return rc;
    }
    if (!*cmd)
        return usage_error("buildkit: which command? du, workers, prune, status, history, info or show");
    return EXIT_OK;
}

/* ---- one call, on the session (session/bk_run.h) -------------------------------- */

typedef struct bk_cmd {
    const char *what;            /* first: cli_on_message's name ("buildkit du") */
    bk_args_t *args;
    bk_run_opts_t run;
    bk_model_t model;            /* what the answers folded into */
    bk_plain_t *plain;           /* status/show in plain mode */
    Moby__Buildkit__V1__PruneRequest prune;
    char version[64];            /* the daemon's BuildKit version, "" if it does not say */
    unsigned count;
    int64_t bytes;
} bk_cmd_t;

/* textsafe flags of the output (bk_text_init: ASCII outside UTF-8 locales). */
static int tflags;

typedef void (*answer_fn)(void *ctx, const bk_model_t *model, const ProtobufCMessage *m);
typedef int (*end_fn)(void *ctx, const bk_model_t *model, int code, bool interrupted);

/* One call as k->run says, with the command's hooks. */
static int run_call(bk_cmd_t *k, bk_run_call_t call, answer_fn on_answer, end_fn on_end)
{
    k->run.addr = k->args->addr;
    k->run.call = call;
    bk_run_hooks_t h = {.ctx = k, .on_message = cli_on_message, .on_answer = on_answer, .on_end = on_end};
    return bk_run(&k->run, &k->model, &h);
}

static void put(strbuf_t *b)
{
    if (b->len)
        fwrite(b->data, 1, b->len, stdout);
    sb_free(b);
}

/* ---- du ------------------------------------------------------------------------- */

static int du_end(void *ctx, const bk_model_t *model, int code, bool interrupted)
{
    bk_cmd_t *k = ctx;
    (void)interrupted;
    if (code == 0 && !k->args->json)
        bk_print_du(stdout, &model->cache, wall_ns(), tflags);
    return EXIT_OK;
}

/* --json keeps the daemon's records whole: printed as they come, in the
 * cache's order. */
static void du_json_answer(void *ctx, const bk_model_t *model, const ProtobufCMessage *m)
{
    const Moby__Buildkit__V1__DiskUsageResponse *r = (const void *)m;
    (void)ctx;
    for (size_t i = 0; i < model->cache.n; i++)
        for (size_t j = 0; j < r->n_record; j++)
            if (!strcmp(r->record[j]->id, model->cache.rec[i].id))
                bk_print_json(stdout, &r->record[j]->base);
}

static int cmd_du(bk_cmd_t *k)
{
    bk_cache_sort_t by = BK_SORT_SIZE;
    if (k->args->sort && !bk_cache_sort_parse(k->args->sort, &by))
        return usage_error("buildkit du: --sort is size or last-used, not '%s'", k->args->sort);
    bk_model_sort(&k->model, by);
    k->run.filters = k->args->filters;
    k->run.n_filters = k->args->n_filters;
    k->run.record = k->args->record;
    return run_call(k, BK_RUN_DU, k->args->json ? du_json_answer : NULL, du_end);
}

/* ---- workers, info ----------------------------------------------------------------- */

static void workers_answer(void *ctx, const bk_model_t *model, const ProtobufCMessage *m)
{
    bk_cmd_t *k = ctx;
    const Moby__Buildkit__V1__ListWorkersResponse *r = (const void *)m;
    (void)model;
    for (size_t i = 0; i < r->n_record; i++) {
        if (k->args->json) {
            bk_print_json(stdout, &r->record[i]->base);
            continue;
        }
        if (i)
            fputc('\n', stdout);
        bk_print_worker(stdout, r->record[i], tflags);
    }
}

static void info_answer(void *ctx, const bk_model_t *model, const ProtobufCMessage *m)
{
    bk_cmd_t *k = ctx;
    const Moby__Buildkit__V1__InfoResponse *r = (const void *)m;
    (void)model;
    if (k->args->json) {
        bk_print_json(stdout, m);
        return;
    }
    strbuf_t b;
    sb_init(&b);
    if (r->buildkitversion) {
        bk_safe(&b, r->buildkitversion->package, 0, tflags);
        sb_addc(&b, ' ');
        bk_safe(&b, r->buildkitversion->version, 0, tflags);
        sb_addc(&b, ' ');
        bk_safe(&b, r->buildkitversion->revision, 0, tflags);
    }
    printf("BuildKit: %s\n", b.data ? b.data : "(unknown)");
    sb_free(&b);
}

/* ---- prune --------------------------------------------------------------------------- */

static void prune_answer(void *ctx, const bk_model_t *model, const ProtobufCMessage *m)
{
    bk_cmd_t *k = ctx;
    const Moby__Buildkit__V1__UsageRecord *r = (const void *)m;
    (void)model;
    k->count++;
    k->bytes += r->size;
    if (k->args->json)
        bk_print_json(stdout, m);
    else
        bk_print_removed(stdout, r, tflags);
    fflush(stdout); /* each record as it streams back */
}

static int prune_end(void *ctx, const bk_model_t *model, int code, bool interrupted)
{
    bk_cmd_t *k = ctx;
    (void)model, (void)interrupted;
    if (code == 0 && !k->args->json) {
        strbuf_t b;
        sb_init(&b);
        bk_format_bytes(&b, k->bytes);
        printf("Total: %u record%s, %s reclaimed\n", k->count, k->count == 1 ? "" : "s", b.data);
        sb_free(&b);
    }
    return EXIT_OK;
}

static int prune_parse(bk_cmd_t *k)
{
    const bk_args_t *a = k->args;
    Moby__Buildkit__V1__PruneRequest *p = &k->prune;
    moby__buildkit__v1__prune_request__init(p);
    p->all = a->all;
    p->filter = (char **)a->filters;
    p->n_filter = a->n_filters;
    if (a->keep_duration && !bk_parse_duration(a->keep_duration, &p->keepduration))
        return usage_error("buildkit prune: bad --keep-duration '%s' (e.g. 24h, 90m)", a->keep_duration);
    /* keep-bytes goes in field 4: keepBytes for old daemons, reservedSpace
     * (read as the same limit) for v0.17+. */
    const char *names[] = {"--keep-bytes", "--max-used-space", "--min-free-space"};
    const char *vals[] = {a->keep_bytes, a->max_used, a->min_free};
    int64_t *dst[] = {&p->reservedspace, &p->maxusedspace, &p->minfreespace};
    for (int i = 0; i < 3; i++)
        if (vals[i] && !bk_parse_bytes(vals[i], dst[i]))
            return usage_error("buildkit prune: bad %s '%s' (e.g. 10GB, 512MiB)", names[i], vals[i]);
    return EXIT_OK;
}

/* Without --yes: ask on a terminal, refuse otherwise. */
static int prune_confirm(bk_cmd_t *k)
{
    if (k->args->yes)
        return EXIT_OK;
    if (!isatty(STDIN_FILENO)) {
        cli_say(k->what, "refusing to prune without --yes (standard input is not a terminal)");
        return EXIT_USAGE;
    }
    say_prompt("Prune the build cache of %s (%s%s%zu filter%s)? [y/N] ", bk_run_addr(k->args->addr),
            k->args->all ? "all records" : "unused records",
            k->args->keep_duration || k->args->keep_bytes ? ", with keep limits, " : ", ", k->args->n_filters,
            k->args->n_filters == 1 ? "" : "s");
    char line[16];
    if (!fgets(line, sizeof line, stdin) || (line[0] != 'y' && line[0] != 'Y')) {
        cli_say(k->what, "not confirmed, nothing removed");
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

static void version_answer(void *ctx, const bk_model_t *model, const ProtobufCMessage *m)
{
    bk_cmd_t *k = ctx;
    const Moby__Buildkit__V1__ListWorkersResponse *r = (const void *)m;
    (void)model;
    if (r->n_record && r->record[0]->buildkitversion && r->record[0]->buildkitversion->version)
        snprintf(k->version, sizeof k->version, "%s", r->record[0]->buildkitversion->version);
}

/* Whether "vMAJOR.MINOR..." is at least v0.minor. */
static bool version_at_least(const char *v, int minor)
{
    int maj, min;
    return sscanf(v, "v%d.%d", &maj, &min) == 2 && (maj > 0 || min >= minor);
}

/* --max-used-space and --min-free-space are fields 5 and 6 of v0.17: an
 * older daemon ignores them and prunes with the other options alone, so they
 * are refused before anything is removed. Workers say the version (v0.11+;
 * none at all means older). */
static int prune_check_daemon(bk_cmd_t *k)
{
    const bk_args_t *a = k->args;
    if (!a->max_used && !a->min_free)
        return EXIT_OK;
    int rc = run_call(k, BK_RUN_WORKERS, version_answer, NULL);
    if (rc != EXIT_OK)
        return rc;
    if (version_at_least(k->version, 17))
        return EXIT_OK;
    /* the version came from the daemon: cli_say makes it inert */
    cli_say(k->what, "%s needs BuildKit v0.17 or later; this daemon is %s, which would ignore it and prune "
            "with the other options alone: nothing removed", a->max_used ? "--max-used-space" : "--min-free-space",
            k->version[0] ? k->version : "older than v0.11");
    return EXIT_RUNTIME;
}

static int cmd_prune(bk_cmd_t *k)
{
    int rc = prune_parse(k);
    if (rc == EXIT_OK)
        rc = prune_check_daemon(k);
    if (rc == EXIT_OK)
        rc = prune_confirm(k);
    k->run.prune = &k->prune;
    return rc == EXIT_OK ? run_call(k, BK_RUN_PRUNE, prune_answer, prune_end) : rc;
}

/* ---- status, show ---------------------------------------------------------------------- */

static int render_width(const bk_args_t *a)
{
    const char *w = a->width ? a->width : getenv("COLUMNS");
    int n = w ? atoi(w) : 0;
    return n >= 20 && n <= 1000 ? n : 80;
}

/* --progress: tty or plain (rawjson is --json); by default tty on a
 * terminal, plain otherwise. */
static int progress_mode(bk_args_t *a, bool *plain)
{
    const char *m = a->progress;
    *plain = m ? !strcmp(m, "plain") : !isatty(STDOUT_FILENO);
    if (m && !strcmp(m, "rawjson"))
        a->json = true;
    else if (m && strcmp(m, "tty") && strcmp(m, "plain"))
        return usage_error("buildkit: --progress is tty, plain or rawjson, not '%s'", m);
    return EXIT_OK;
}

/* Each Status message, after the model folded it: rawjson as it comes, or
 * in plain mode the lines it causes, written at once (a pipe reader sees
 * the build as it goes). */
static void status_answer(void *ctx, const bk_model_t *model, const ProtobufCMessage *m)
{
    bk_cmd_t *k = ctx;
    const Moby__Buildkit__V1__StatusResponse *r = (const void *)m;
    (void)model;
    strbuf_t b;
    sb_init(&b);
    if (k->args->json) {
        bk_rawjson_write(&b, r);
        sb_addc(&b, '\n');
    } else if (k->plain) {
        bk_plain_feed(k->plain, r, &b);
    } else {
        return;
    }
    put(&b);
    fflush(stdout);
}

/* The final frame (tty) or the closing lines (plain), and exit 1 when a step
 * failed (as buildctl does) or the build was canceled. now: the clock live,
 * the file's last time for a file. */
static int print_final(bk_cmd_t *k, bk_time_t now)
{
    const bk_progress_t *p = k->model.progress;
    strbuf_t b;
    sb_init(&b);
    if (k->plain)
        bk_plain_finish(k->plain, &b);
    else
        bk_progress_render(p, render_width(k->args), now, BK_RENDER_FINAL | (tflags ? BK_RENDER_ASCII : 0), &b);
    put(&b);
    const bk_vertex_t *f = bk_progress_failed(p);
    if (!f && !bk_progress_canceled(p))
        return EXIT_OK;
    fflush(stdout);
    if (f)
        cli_say(k->what, "build failed: %s: %s", f->name, f->error);
    else
        cli_say(k->what, "build canceled"); /* it did not finish: not a success */
    return EXIT_RUNTIME;
}

static int status_end(void *ctx, const bk_model_t *model, int code, bool interrupted)
{
    bk_cmd_t *k = ctx;
    strbuf_t b;
    sb_init(&b);
    if (code == 0 && !k->args->json)
        return print_final(k, wall_ns());
    if (k->plain) /* what the plain lines still owe */
        bk_plain_finish(k->plain, &b);
    else if (interrupted && !k->args->json) /* Ctrl-C: the frame as it stands, running steps with their tails */
        bk_progress_render(model->progress, render_width(k->args), wall_ns(), tflags ? BK_RENDER_ASCII : 0, &b);
    put(&b);
    return EXIT_OK;
}

/* The ref in a file as buildctl --ref-file writes it (the ref alone) or a
 * buildx ref "builder/node/ref" (the last part). */
static int read_ref_file(bk_cmd_t *k, const char *path, char *out, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        cli_say(k->what, "%s: %s", path, strerror(errno));
        return EXIT_RUNTIME;
    }
    char line[512] = "";
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    fclose(f);
    line[strcspn(line, "\r\n \t")] = '\0';
    const char *slash = strrchr(line, '/');
    snprintf(out, n, "%s", slash ? slash + 1 : line);
    if (!*out) {
        cli_say(k->what, "%s: no ref in the file", path);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

/* REF or --ref-file, and --wait. */
static int status_args(bk_cmd_t *k, char *ref, size_t n)
{
    bk_args_t *a = k->args;
    if (a->ref_file) {
        int rc = read_ref_file(k, a->ref_file, ref, n);
        if (rc)
            return rc;
    } else if (a->n_pos == 1) {
        snprintf(ref, n, "%s", a->pos[0]);
    } else {
        return usage_error("buildkit status: give one REF or --ref-file FILE (see `skview buildkit history`)");
    }
    k->run.ref = ref;
    if (a->wait && (!bk_parse_duration(a->wait, &k->run.wait_ns) || k->run.wait_ns <= 0))
        return usage_error("buildkit status: bad --wait '%s' (e.g. 30s, 5m)", a->wait);
    return EXIT_OK;
}

static int cmd_status(bk_cmd_t *k)
{
    char ref[512];
    bool plain;
    int rc = progress_mode(k->args, &plain);
    if (rc == EXIT_OK)
        rc = status_args(k, ref, sizeof ref);
    if (rc)
        return rc;
    k->run.record = k->args->record;
    k->plain = plain && !k->args->json ? bk_plain_new(tflags, k->model.progress) : NULL;
    return run_call(k, BK_RUN_STATUS, status_answer, status_end);
}

/* A file's problems are "FILE:LINE: why": said without the command's name. */
static void show_message(void *ctx, bool error, const char *text)
{
    (void)ctx, (void)error;
    fflush(stdout);
    say_line("skview: %s", text);
}

static int cmd_show(bk_cmd_t *k)
{
    if (k->args->n_pos != 1)
        return usage_error("buildkit show: give one FILE (rawjson or a skview recording)");
    bool plain;
    int prc = progress_mode(k->args, &plain);
    if (prc || k->args->json)
        return prc ? prc : usage_error("buildkit show: --progress is tty or plain (the file is the rawjson)");
    k->plain = plain ? bk_plain_new(tflags, k->model.progress) : NULL;
    char err[1200];
    bk_run_hooks_t h = {.ctx = k, .on_message = show_message, .on_answer = status_answer};
    int rc = bk_run_file(k->args->pos[0], &k->model, &h, err, sizeof err);
    if (rc < 0) {
        cli_say(k->what, "%s", err);
        return EXIT_RUNTIME;
    }
    int out = print_final(k, bk_progress_last_time(k->model.progress));
    return rc ? rc : out;
}

/* ---- history ------------------------------------------------------------------------------ */

static void history_answer(void *ctx, const bk_model_t *model, const ProtobufCMessage *m)
{
    bk_cmd_t *k = ctx;
    (void)model;
    if (k->args->json)
        bk_print_json(stdout, m);
    else
        bk_print_history(stdout, (const Moby__Buildkit__V1__BuildHistoryEvent *)m, k->count == 0, tflags);
    k->count++;
}

/* ---- dispatch --------------------------------------------------------------------------------- */

static int dispatch(bk_cmd_t *k, unsigned cmd)
{
    switch (cmd) {
    case C_DU: return cmd_du(k);
    case C_WORKERS:
        k->run.record = k->args->record;
        return run_call(k, BK_RUN_WORKERS, workers_answer, NULL);
    case C_PRUNE: return cmd_prune(k);
    case C_STATUS: return cmd_status(k);
    case C_HISTORY:
        k->run.active = k->args->active;
        return run_call(k, BK_RUN_HISTORY, history_answer, NULL);
    case C_INFO: return run_call(k, BK_RUN_INFO, info_answer, NULL);
    case C_SHOW: return cmd_show(k);
    }
    return EXIT_USAGE;
}

int cmd_buildkit(int argc, char **argv)
{
    bk_args_t args;
    unsigned cmd;
    const char *name = NULL;
    int rc = parse_args(argc, argv, &args, &cmd, &name);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    tflags = bk_text_init();
    if (args.n_pos && cmd != C_STATUS && cmd != C_SHOW)
        return usage_error("buildkit %s: unexpected argument '%s'", name, args.pos[0]);
    char what[64];
    snprintf(what, sizeof what, "buildkit %s", name);
    bk_cmd_t k;
    memset(&k, 0, sizeof k);
    k.what = what;
    k.args = &args;
    bk_model_init(&k.model, 0);
    rc = dispatch(&k, cmd);
    bk_plain_free(k.plain);
    bk_model_fini(&k.model);
    return rc;
}
