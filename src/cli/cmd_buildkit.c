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
 * Each command runs one libuv loop around one call. Failures are one line,
 * "skview: buildkit CMD: STATUS: message", exit 1; usage errors exit 2. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>
#include "cli/cli.h"
#include "cli/cmd_bk.h"
#include "sources/bk_reader.h"
#include "sources/recording.h"
#include "transport/bk_client.h"
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
    BK_DEFAULT_ADDR "); docker for Docker's BuildKit ($DOCKER_HOST, else\n"
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

/* ---- one call on one loop ---------------------------------------------------- */

typedef struct bk_cmd bk_cmd_t;

/* textsafe flags of the output (bk_text_init: ASCII outside UTF-8 locales). */
static int tflags;
typedef bk_call_t *(*bk_start_fn)(bk_cmd_t *k);

struct bk_cmd {
    const char *what;            /* "buildkit du", for messages */
    bk_args_t *args;
    uv_loop_t loop;
    bk_client_t *client;
    int rc;
    /* per command */
    bk_cache_t cache;
    bk_progress_t *progress;
    bk_plain_t *plain;           /* status/show in plain mode */
    Moby__Buildkit__V1__PruneRequest prune;
    Moby__Buildkit__V1__BuildHistoryRequest history;
    const char *ref;
    char version[64];            /* the daemon's BuildKit version, "" if it does not say */
    unsigned count;
    int64_t bytes;
    recording_writer_t rec;
    bool recording;
    uv_signal_t sigint;
    bool sig_ok, interrupted;
    /* status --wait: the build's ref is asked for again until it starts */
    uv_timer_t wait_timer;       /* the next try, or the current try's deadline */
    bool wait_ok, waiting, wait_said, wait_expired;
    bk_call_t *call;             /* the current Status try */
    char last_msg[256];          /* the daemon's last "no such job" */
    int64_t wait_ns;             /* --wait */
    uint64_t wait_until;         /* uv_now() limit */
    unsigned attempts, msgs;
};

static void say(const char *what, const char *msg)
{
    say_line("skview: %s: %s", what, msg ? msg : "");
}

/* --record: the answer appended to the recording (status, du, workers;
 * `skview replay` shows them in the Build, Cache and Workers panes). */
static void record(bk_cmd_t *k, int kind, const ProtobufCMessage *m)
{
    if (k->recording && recording_write(&k->rec, kind, m) != 0) {
        say_line("skview: %s: --record: %s", k->what, strerror(errno));
        k->recording = false;
    }
}

static int record_open(bk_cmd_t *k)
{
    char err[1200];
    const char *note;
    if (!k->args->record)
        return 0;
    if (recording_open_append(&k->rec, k->args->record, &note, err, sizeof err) != 0) {
        say_line("skview: %s: %s", k->what, err);
        return EXIT_RUNTIME;
    }
    k->recording = true;
    return 0;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void on_closed(uv_handle_t *h) { (void)h; }

static void end_common(bk_cmd_t *k, int code, const char *msg)
{
    if (k->interrupted) {
        k->rc = 130; /* as a shell reports SIGINT */
    } else if (code != 0) {
        say(k->what, msg);
        k->rc = EXIT_RUNTIME;
    }
    if (k->sig_ok && !uv_is_closing((uv_handle_t *)&k->sigint))
        uv_close((uv_handle_t *)&k->sigint, on_closed);
    if (k->wait_ok && !uv_is_closing((uv_handle_t *)&k->wait_timer))
        uv_close((uv_handle_t *)&k->wait_timer, on_closed);
    bk_client_stop(k->client, NULL, NULL);
}

/* Ctrl-C cancels the call (the daemon sees the stream end) instead of
 * killing the process in the middle of a write or a recording. Between two
 * tries of --wait no call is open: the command ends here. */
static void on_sigint(uv_signal_t *s, int sig)
{
    bk_cmd_t *k = s->data;
    k->interrupted = true;
    if (k->waiting)
        end_common(k, 0, "");
    else
        bk_client_stop(k->client, NULL, NULL);
}

static int run_call(bk_cmd_t *k, bk_start_fn start)
{
    char err[1200];
    int rc = uv_loop_init(&k->loop);
    if (rc < 0) {
        fprintf(stderr, "skview: %s: uv_loop_init: %s\n", k->what, uv_strerror(rc));
        return EXIT_RUNTIME;
    }
    k->client = bk_client_new(&k->loop, bk_addr(k->args->addr), err, sizeof err);
    if (!k->client) {
        say(k->what, err);
        (void)uv_loop_close(&k->loop);  /* nothing was added to it */
        return EXIT_USAGE;
    }
    k->sigint.data = k;
    if ((rc = uv_signal_init(&k->loop, &k->sigint)) == 0) {
        k->sig_ok = true;
        if ((rc = uv_signal_start(&k->sigint, on_sigint, SIGINT)) < 0) /* Ctrl-C then just kills */
            fprintf(stderr, "skview: %s: uv_signal_start: %s\n", k->what, uv_strerror(rc));
    } else {
        fprintf(stderr, "skview: %s: uv_signal_init: %s\n", k->what, uv_strerror(rc));
    }
    if (!start(k)) {
        say(k->what, "INTERNAL: cannot start the call");
        k->rc = EXIT_RUNTIME;
        if (k->sig_ok)
            uv_close((uv_handle_t *)&k->sigint, on_closed);
        bk_client_stop(k->client, NULL, NULL);
    }
    (void)uv_run(&k->loop, UV_RUN_DEFAULT);  /* ends when every handle closed */
    bk_client_free(k->client);
    if ((rc = uv_loop_close(&k->loop)) < 0)
        fprintf(stderr, "skview: %s: uv_loop_close: %s\n", k->what, uv_strerror(rc));
    return k->rc;
}

/* ---- du ------------------------------------------------------------------------- */

static void du_msg(void *arg, const ProtobufCMessage *m)
{
    record(arg, RECORD_BUILDKIT_DU, m);
    bk_cache_load(&((bk_cmd_t *)arg)->cache, (const Moby__Buildkit__V1__DiskUsageResponse *)m);
}

static void du_end(void *arg, int code, const char *msg)
{
    bk_cmd_t *k = arg;
    if (code == 0) {
        bk_cache_sort_t by = BK_SORT_SIZE;
        if (k->args->sort)
            bk_cache_sort_parse(k->args->sort, &by);
        bk_cache_sort(&k->cache, by);
        if (!k->args->json)
            bk_print_du(stdout, &k->cache, now_ns(), tflags);
    }
    end_common(k, code, msg);
}

/* --json keeps the daemon's records whole: printed as they come, sorted. */
static void du_json_msg(void *arg, const ProtobufCMessage *m)
{
    bk_cmd_t *k = arg;
    const Moby__Buildkit__V1__DiskUsageResponse *r = (const void *)m;
    du_msg(arg, m);
    bk_cache_sort_t by = BK_SORT_SIZE;
    if (k->args->sort)
        bk_cache_sort_parse(k->args->sort, &by);
    bk_cache_sort(&k->cache, by);
    for (size_t i = 0; i < k->cache.n; i++)
        for (size_t j = 0; j < r->n_record; j++)
            if (!strcmp(r->record[j]->id, k->cache.rec[i].id))
                bk_print_json(stdout, &r->record[j]->base);
}

static bk_call_t *du_start(bk_cmd_t *k)
{
    return bk_disk_usage(k->client, k->args->filters, k->args->n_filters, k->args->json ? du_json_msg : du_msg,
                         du_end, k);
}

static int cmd_du(bk_cmd_t *k)
{
    bk_cache_sort_t by;
    if (k->args->sort && !bk_cache_sort_parse(k->args->sort, &by))
        return usage_error("buildkit du: --sort is size or last-used, not '%s'", k->args->sort);
    if (record_open(k))
        return EXIT_RUNTIME;
    bk_cache_init(&k->cache);
    int rc = run_call(k, du_start);
    bk_cache_free(&k->cache);
    if (k->recording || k->args->record)
        recording_close(&k->rec);
    return rc;
}

/* ---- workers, info ----------------------------------------------------------------- */

static void workers_msg(void *arg, const ProtobufCMessage *m)
{
    bk_cmd_t *k = arg;
    const Moby__Buildkit__V1__ListWorkersResponse *r = (const void *)m;
    record(k, RECORD_BUILDKIT_WORKERS, m);
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

static void plain_end(void *arg, int code, const char *msg) { end_common(arg, code, msg); }

static bk_call_t *workers_start(bk_cmd_t *k) { return bk_list_workers(k->client, workers_msg, plain_end, k); }

static int cmd_workers(bk_cmd_t *k)
{
    if (record_open(k))
        return EXIT_RUNTIME;
    int rc = run_call(k, workers_start);
    if (k->recording || k->args->record)
        recording_close(&k->rec);
    return rc;
}

static void info_msg(void *arg, const ProtobufCMessage *m)
{
    bk_cmd_t *k = arg;
    const Moby__Buildkit__V1__InfoResponse *r = (const void *)m;
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

static bk_call_t *info_start(bk_cmd_t *k) { return bk_info(k->client, info_msg, plain_end, k); }

/* ---- prune --------------------------------------------------------------------------- */

static void prune_msg(void *arg, const ProtobufCMessage *m)
{
    bk_cmd_t *k = arg;
    const Moby__Buildkit__V1__UsageRecord *r = (const void *)m;
    k->count++;
    k->bytes += r->size;
    if (k->args->json)
        bk_print_json(stdout, m);
    else
        bk_print_removed(stdout, r, tflags);
    fflush(stdout); /* each record as it streams back */
}

static void prune_end(void *arg, int code, const char *msg)
{
    bk_cmd_t *k = arg;
    if (code == 0 && !k->args->json) {
        strbuf_t b;
        sb_init(&b);
        bk_format_bytes(&b, k->bytes);
        printf("Total: %u record%s, %s reclaimed\n", k->count, k->count == 1 ? "" : "s", b.data);
        sb_free(&b);
    }
    end_common(k, code, msg);
}

static bk_call_t *prune_start(bk_cmd_t *k) { return bk_prune(k->client, &k->prune, prune_msg, prune_end, k); }

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
        fprintf(stderr, "skview: buildkit prune: refusing to prune without --yes (standard input is not a terminal)\n");
        return EXIT_USAGE;
    }
    say_prompt("Prune the build cache of %s (%s%s%zu filter%s)? [y/N] ", bk_addr(k->args->addr),
            k->args->all ? "all records" : "unused records",
            k->args->keep_duration || k->args->keep_bytes ? ", with keep limits, " : ", ", k->args->n_filters,
            k->args->n_filters == 1 ? "" : "s");
    char line[16];
    if (!fgets(line, sizeof line, stdin) || (line[0] != 'y' && line[0] != 'Y')) {
        fprintf(stderr, "skview: buildkit prune: not confirmed, nothing removed\n");
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

static void version_msg(void *arg, const ProtobufCMessage *m)
{
    bk_cmd_t *k = arg;
    const Moby__Buildkit__V1__ListWorkersResponse *r = (const void *)m;
    if (r->n_record && r->record[0]->buildkitversion && r->record[0]->buildkitversion->version)
        snprintf(k->version, sizeof k->version, "%s", r->record[0]->buildkitversion->version);
}

static bk_call_t *version_start(bk_cmd_t *k) { return bk_list_workers(k->client, version_msg, plain_end, k); }

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
    int rc = run_call(k, version_start);
    if (rc != EXIT_OK)
        return rc;
    if (version_at_least(k->version, 17))
        return EXIT_OK;
    strbuf_t m;
    sb_init(&m);
    sb_printf(&m, "%s needs BuildKit v0.17 or later; this daemon is %s, which would ignore it and prune with "
              "the other options alone: nothing removed", a->max_used ? "--max-used-space" : "--min-free-space",
              k->version[0] ? k->version : "older than v0.11");
    say(k->what, m.data); /* the version came from the daemon: say() makes it inert */
    sb_free(&m);
    return EXIT_RUNTIME;
}

static int cmd_prune(bk_cmd_t *k)
{
    int rc = prune_parse(k);
    if (rc == EXIT_OK)
        rc = prune_check_daemon(k);
    if (rc == EXIT_OK)
        rc = prune_confirm(k);
    return rc == EXIT_OK ? run_call(k, prune_start) : rc;
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

/* Plain mode: the lines a message causes, written at once (a pipe reader
 * sees the build as it goes). */
static void plain_feed(bk_plain_t *pl, const Moby__Buildkit__V1__StatusResponse *r)
{
    strbuf_t b;
    sb_init(&b);
    bk_plain_feed(pl, r, &b);
    if (b.len)
        fwrite(b.data, 1, b.len, stdout);
    fflush(stdout);
    sb_free(&b);
}

/* The final frame (tty) or the closing lines (plain), and exit 1 when a step
 * failed (as buildctl does) or the build was canceled. now: the clock live, the file's last time for
 * a file. */
static int print_final(const bk_progress_t *p, bk_plain_t *pl, const bk_args_t *a, const char *what,
                       bk_time_t now)
{
    strbuf_t b;
    sb_init(&b);
    if (pl)
        bk_plain_finish(pl, &b);
    else
        bk_progress_render(p, render_width(a), now, BK_RENDER_FINAL | (tflags ? BK_RENDER_ASCII : 0), &b);
    if (b.len)
        fwrite(b.data, 1, b.len, stdout);
    sb_free(&b);
    const bk_vertex_t *f = bk_progress_failed(p);
    if (!f && !bk_progress_canceled(p))
        return EXIT_OK;
    fflush(stdout);
    strbuf_t m;
    sb_init(&m);
    if (f)
        sb_printf(&m, "build failed: %s: %s", f->name, f->error);
    else
        sb_adds(&m, "build canceled"); /* it did not finish: not a success */
    say(what, m.data);
    sb_free(&m);
    return EXIT_RUNTIME;
}

static void status_msg(void *arg, const ProtobufCMessage *m)
{
    bk_cmd_t *k = arg;
    const Moby__Buildkit__V1__StatusResponse *r = (const void *)m;
    k->msgs++;
    record(k, RECORD_BUILDKIT_STATUS, m);
    if (k->args->json) {
        strbuf_t b;
        sb_init(&b);
        bk_rawjson_write(&b, r);
        sb_addc(&b, '\n');
        if (b.len)
            fwrite(b.data, 1, b.len, stdout);
        fflush(stdout);
        sb_free(&b);
        return;
    }
    bk_progress_fold(k->progress, r);
    if (k->plain)
        plain_feed(k->plain, r);
}

static bool status_retry(bk_cmd_t *k, int code, const char *msg);

static void status_end(void *arg, int code, const char *msg)
{
    bk_cmd_t *k = arg;
    if (status_retry(k, code, msg))
        return;
    if (code == 0 && !k->args->json) {
        k->rc = print_final(k->progress, k->plain, k->args, k->what, now_ns());
    } else if (k->plain) {
        strbuf_t b;
        sb_init(&b);
        bk_plain_finish(k->plain, &b);
        if (b.len)
            fwrite(b.data, 1, b.len, stdout);
        sb_free(&b);
    } else if (k->interrupted && !k->args->json) {
        /* Ctrl-C: the frame as it stands, running steps with their tails. */
        strbuf_t b;
        sb_init(&b);
        bk_progress_render(k->progress, render_width(k->args), now_ns(), tflags ? BK_RENDER_ASCII : 0, &b);
        if (b.len)
            fwrite(b.data, 1, b.len, stdout);
        sb_free(&b);
    }
    end_common(k, code, msg);
}

static void on_wait_deadline(uv_timer_t *t);

/* One Status try. With --wait, the limit is counted from the first try and
 * a try still unanswered then is cancelled (v0.8 keeps each one 3 s). */
static bk_call_t *status_start(bk_cmd_t *k)
{
    k->call = bk_status(k->client, k->ref, status_msg, status_end, k);
    if (!k->call || !k->wait_ns)
        return k->call;
    uint64_t now = uv_now(&k->loop);
    if (!k->wait_until)
        k->wait_until = now + (uint64_t)(k->wait_ns / 1000000);
    if (!k->wait_ok && uv_timer_init(&k->loop, &k->wait_timer) == 0) {
        k->wait_ok = true;
        k->wait_timer.data = k;
    }
    if (k->wait_ok)
        uv_timer_start(&k->wait_timer, on_wait_deadline, now < k->wait_until ? k->wait_until - now : 0, 0);
    return k->call;
}

static void on_wait_deadline(uv_timer_t *t)
{
    bk_cmd_t *k = t->data;
    if (k->msgs)
        return; /* the build started: followed to its end */
    k->wait_expired = true;
    bk_rpc_cancel(k->call);
}

static void on_wait_timer(uv_timer_t *t)
{
    bk_cmd_t *k = t->data;
    k->waiting = false;
    if (!status_start(k))
        end_common(k, 1, "INTERNAL: cannot start the call");
}

/* The wait is over: the failure says so, with the daemon's last answer. */
static void wait_expired(bk_cmd_t *k)
{
    strbuf_t m, d;
    sb_init(&m);
    sb_init(&d);
    bk_format_duration(&d, k->wait_ns);
    sb_printf(&m, "build %s did not start within %s", k->ref, d.data);
    if (k->last_msg[0])
        sb_printf(&m, " (%s)", k->last_msg);
    end_common(k, 1, m.data);
    sb_free(&m);
    sb_free(&d);
}

/* --wait: a ref the daemon does not know yet ("no such job", before any
 * message) is asked for again after the engine's backoff, until the limit.
 * Returns whether the end was taken care of. */
static bool status_retry(bk_cmd_t *k, int code, const char *msg)
{
    if (!k->wait_ns || k->msgs || k->interrupted)
        return false;
    if (k->wait_expired) { /* the deadline cancelled the try */
        wait_expired(k);
        return true;
    }
    if (code == 0 || !strstr(msg, "no such job"))
        return false;
    snprintf(k->last_msg, sizeof k->last_msg, "%s", msg);
    uint64_t now = uv_now(&k->loop);
    if (now >= k->wait_until || !k->wait_ok) {
        wait_expired(k);
        return true;
    }
    if (!k->wait_said) {
        strbuf_t m;
        sb_init(&m);
        sb_printf(&m, "waiting for build %s", k->ref);
        say(k->what, m.data);
        sb_free(&m);
        k->wait_said = true;
    }
    uint64_t d = bk_client_backoff(k->client, k->attempts++);
    k->waiting = true;
    uv_timer_start(&k->wait_timer, on_wait_timer, d < k->wait_until - now ? d : k->wait_until - now, 0);
    return true;
}

/* The ref in a file as buildctl --ref-file writes it (the ref alone) or a
 * buildx ref "builder/node/ref" (the last part). */
static int read_ref_file(const char *path, char *out, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        say_line("skview: buildkit status: %s: %s", path, strerror(errno));
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
        say_line("skview: buildkit status: %s: no ref in the file", path);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

static int cmd_status(bk_cmd_t *k)
{
    char ref[512];
    bk_args_t *a = k->args;
    bool plain;
    int prc = progress_mode(a, &plain);
    if (prc)
        return prc;
    if (a->ref_file) {
        int rc = read_ref_file(a->ref_file, ref, sizeof ref);
        if (rc)
            return rc;
    } else if (a->n_pos == 1) {
        snprintf(ref, sizeof ref, "%s", a->pos[0]);
    } else {
        return usage_error("buildkit status: give one REF or --ref-file FILE (see `skview buildkit history`)");
    }
    k->ref = ref;
    if (a->wait && (!bk_parse_duration(a->wait, &k->wait_ns) || k->wait_ns <= 0))
        return usage_error("buildkit status: bad --wait '%s' (e.g. 30s, 5m)", a->wait);
    if (record_open(k))
        return EXIT_RUNTIME;
    k->progress = bk_progress_new(NULL);
    k->plain = plain && !a->json ? bk_plain_new(tflags, k->progress) : NULL;
    int rc = run_call(k, status_start);
    bk_progress_free(k->progress);
    bk_plain_free(k->plain);
    if (k->recording || a->record)
        recording_close(&k->rec);
    return rc;
}

static int cmd_show(bk_cmd_t *k)
{
    if (k->args->n_pos != 1)
        return usage_error("buildkit show: give one FILE (rawjson or a skview recording)");
    bool plain;
    int prc = progress_mode(k->args, &plain);
    if (prc || k->args->json)
        return prc ? prc : usage_error("buildkit show: --progress is tty or plain (the file is the rawjson)");
    char err[1200];
    bk_reader_t *r = bk_reader_open(k->args->pos[0], err, sizeof err);
    if (!r) {
        say_line("skview: buildkit show: %s", err);
        return EXIT_RUNTIME;
    }
    bk_progress_t *p = bk_progress_new(NULL);
    bk_plain_t *pl = plain ? bk_plain_new(tflags, p) : NULL;
    const Moby__Buildkit__V1__StatusResponse *m;
    int rc;
    while ((rc = bk_reader_next(r, &m, err, sizeof err)) != BK_READ_END && rc != BK_READ_FAIL) {
        if (rc == BK_READ_MSG) {
            bk_progress_fold(p, m);
            if (pl)
                plain_feed(pl, m);
        } else {
            say_line("skview: %s", err);
        }
    }
    if (rc == BK_READ_FAIL)
        say_line("skview: %s", err);
    int out = print_final(p, pl, k->args, k->what, bk_progress_last_time(p));
    bk_progress_free(p);
    bk_plain_free(pl);
    bk_reader_close(r);
    return rc == BK_READ_FAIL ? EXIT_RUNTIME : out;
}

/* ---- history ------------------------------------------------------------------------------ */

static void history_msg(void *arg, const ProtobufCMessage *m)
{
    bk_cmd_t *k = arg;
    if (k->args->json)
        bk_print_json(stdout, m);
    else
        bk_print_history(stdout, (const Moby__Buildkit__V1__BuildHistoryEvent *)m, k->count == 0, tflags);
    k->count++;
}

static bk_call_t *history_start(bk_cmd_t *k)
{
    moby__buildkit__v1__build_history_request__init(&k->history);
    k->history.activeonly = k->args->active;
    k->history.earlyexit = true; /* the list as it is now, then end */
    return bk_history(k->client, &k->history, history_msg, plain_end, k);
}

/* ---- dispatch --------------------------------------------------------------------------------- */

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
    switch (cmd) {
    case C_DU: return cmd_du(&k);
    case C_WORKERS: return cmd_workers(&k);
    case C_PRUNE: return cmd_prune(&k);
    case C_STATUS: return cmd_status(&k);
    case C_HISTORY: return run_call(&k, history_start);
    case C_INFO: return run_call(&k, info_start);
    case C_SHOW: return cmd_show(&k);
    }
    return EXIT_USAGE;
}
