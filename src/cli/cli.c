/* Command dispatch: `skview [COMMAND] [ARGS]`. Each command parses its own
 * arguments; with no command (or only options) skview opens the live TUI.
 *
 * The rules every command shares live here, once: the locale (LC_CTYPE
 * from the environment, so that wide and accented text is measured and
 * kept; LC_NUMERIC stays "C" for JSON), --help and -h anywhere before a
 * "--" (the command's usage on stdout, exit 0), and a reader of stdout
 * that went away (`| head`, a pager quit): SIGPIPE is ignored, and a
 * command whose output could not be written because of it exits 0. */
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "session/session.h"
#include "cli/cmds.h"
#include "ui/keydoc.h"
#include "ui/ui.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;           /* the line of `skview --help` */
    const char *help;            /* `skview NAME --help` after the usage line */
    void (*help_fn)(FILE *f);    /* else this prints the whole --help */
} command_t;

static void replay_help(FILE *f)
{
    fprintf(f, "usage: skview replay FILE [OPTIONS]   (FILE: an event log, - or a recording)\n");
    ui_print_options(f, true);
}

static const char state_help[] =
    "  FILE            an event log (- for standard input), with FILE.v2 beside it if there is one\n"
    "  -a, --addr ADDR the live server's State, as the viewer mirrors it\n"
    "  --quiet MS      with -a: the quiet before GetState confirms the history (default 300)\n"
    "  --timeline      one line per dev-loop iteration and per step: status, start, duration\n"
    "  --json          with --timeline: one JSON object per iteration, times and durations as numbers\n"
    "  --strict        stop at the first malformed line (exit 3)\n";
static const char events_help[] =
    "  FILE            an event log (- for standard input); FILE.v2 prints Skaffold 2.x's v2 events\n"
    "  -a, --addr ADDR the live server's history (ends once it has been delivered: see --quiet)\n"
    "  -f, --follow    with -a: keep following, across reconnects, until Ctrl-C\n"
    "  --quiet MS      with -a: every stream quiet this long (default 300), then a GetState\n"
    "                  must agree with what arrived, else it waits again; no answer in 10 s\n"
    "                  is an error (exit 1)\n"
    "  --json          one LogEntry per line as Skaffold writes them\n"
    "  --strict        stop at the first malformed line (exit 3)\n";
static const char logs_help[] =
    "  FILE            FILE.v2, a recording, or FILE with its FILE.v2\n"
    "  -a, --addr ADDR the live server's v2 Events and ApplicationLogs streams\n"
    "  -f, --follow    with -a: keep following, across reconnects, until Ctrl-C; a line\n"
    "                  without its newline (a prompt) shows after 200 ms\n"
    "  --quiet MS      with -a: the quiet before GetState confirms the history (default 300)\n"
    "  --skaffold      Skaffold's own lines only      --app  the application's lines only\n"
    "  --task T, --artifact A, --resource R   Skaffold's lines of that task/artifact/resource\n"
    "  --pod P, --container C                 the application's lines of that pod/container\n"
    "  --level L       lines of level L and above (trace..panic; the app's by what they say)\n"
    "  --json          one JSON object per line\n"
    "  --strict        stop at the first malformed line (exit 3)\n";
static const char ctl_help[] =
    "  -a, --addr ADDR             the server (default $SKVIEW_ADDR, else " SKVIEW_DEFAULT_ADDR ")\n"
    "  build | sync | deploy       run that phase now (with auto off)\n"
    "  auto-build|auto-sync|auto-deploy on|off\n"
    "                              turn the automatic trigger on or off; one already as\n"
    "                              asked is no error (\"already on\", exit 0)\n"
    "  state                       the server's State as JSON\n"
    "  emit JSON | - | @FILE       send an Event to the server (Handle)\n";
static const char record_help[] =
    "  -a, --addr ADDR   the server (default $SKVIEW_ADDR, else " SKVIEW_DEFAULT_ADDR ")\n"
    "  -o, --output FILE the recording (appended to when it exists)\n";

static const char keys_help[] =
    "  --config     the bind lines, a config to start from (the default)\n"
    "  --markdown   the tables of doc/keys.md      --man  the KEYS section of skview(1)\n";

/* skview keys: the default bindings, from the table the viewer uses. */
static int cmd_keys(int argc, char **argv)
{
    keydoc_format_t fmt = KEYDOC_CONFIG;
    for (int i = 1; i < argc; i++) {
        arg_kind_t kind = arg_kind(argc, argv, i);
        if (kind == ARG_END)
            continue;
        if (kind == ARG_OPERAND)
            return usage_error("keys: unexpected argument '%s'", argv[i]);
        if (!strcmp(argv[i], "--config"))
            fmt = KEYDOC_CONFIG;
        else if (!strcmp(argv[i], "--markdown"))
            fmt = KEYDOC_MARKDOWN;
        else if (!strcmp(argv[i], "--man"))
            fmt = KEYDOC_MAN;
        else
            return usage_error("keys: unknown option '%s'", argv[i]);
    }
    strbuf_t out;
    sb_init(&out);
    keydoc(&out, fmt);
    fwrite(out.data, 1, out.len, stdout);
    sb_free(&out);
    return cli_flush("keys", EXIT_OK);
}

static const command_t commands[] = {
    {"state", cmd_state, "state FILE|-a ADDR [--quiet MS] [--strict] [--timeline [--json]]  the folded State as JSON, or its dev loops",
     state_help, NULL},
    {"events", cmd_events, "events FILE|-a ADDR [--json] [-f|--follow] [--quiet MS] [--strict]  print the event history",
     events_help, NULL},
    {"logs", cmd_logs, "logs FILE|-a ADDR [-f|--follow] [--quiet MS] [--skaffold|--app] [--task T] [--artifact A] [--resource R]\n"
                       "              [--pod P] [--container C] [--level L] [--json]  Skaffold's output and the app's logs (v2)",
     logs_help, NULL},
    {"replay", ui_cmd_replay, "replay FILE [--speed X]       replay a saved log in the TUI", NULL, replay_help},
    {"ctl", cmd_ctl, "ctl [-a ADDR] build|sync|deploy|auto-build on|off|auto-sync on|off|auto-deploy on|off|state|emit JSON|-|@FILE",
     ctl_help, NULL},
    {"record", cmd_record, "record -a ADDR -o FILE        record the live stream until Ctrl-C", record_help, NULL},
    {"buildkit", cmd_buildkit, "buildkit [--buildkit ADDR] du|workers|prune|status|history|info|show ... [--json]  BuildKit's Control API",
     NULL, cmd_buildkit_help},
    {"keys", cmd_keys, "keys [--config|--markdown|--man]  the default key bindings (a config, doc/keys.md, skview(1))",
     keys_help, NULL},
};

static void print_help(FILE *f)
{
    fprintf(f, "usage: skview [OPTIONS]\n"
               "       skview COMMAND [ARGS]   (skview COMMAND --help: its options)\n\n"
               "Watch and steer a Skaffold dev loop. With no command, opens the live view on\n"
               "ADDR (default $SKVIEW_ADDR, else " SKVIEW_DEFAULT_ADDR ").\n\noptions of the viewer:\n");
    ui_print_options(f, false);
    fprintf(f, "\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  skview %s\n", commands[i].usage);
    fprintf(f, "\n-a ADDR without --follow prints the history the server holds and ends: once every\n"
               "stream has been quiet for --quiet MS (default %d), a GetState must agree with what\n"
               "arrived (else it waits again); no answer for %d s is an error (exit 1).\n",
            SESSION_QUIET_DEFAULT_MS, SESSION_FIRST_ANSWER_MS / 1000);
    fprintf(f, "\n\"--\" ends the options: every word after it is an operand (a FILE named -x).\n"
               "exit status: 0 ok (also when the reader of the output went away), 1 runtime error,\n"
               "2 usage error, 3 malformed input (--strict)\n"
               "See skview(1).\n");
}

static void print_command_help(const command_t *c)
{
    if (c->help)
        printf("usage: skview %s\n%s", c->usage, c->help);
    else
        c->help_fn(stdout);
}

/* --help or -h among the options (before any "--"). */
static bool wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (arg_kind(argc, argv, i) == ARG_OPTION && (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")))
            return true;
    return false;
}

bool cli_stdout_gone(void)
{
    struct pollfd p = {.fd = STDOUT_FILENO, .events = POLLOUT};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

void cli_write_failed(const char *cmd, int err)
{
    if (err != EPIPE)
        say_line("skview: %s: standard output: %s", cmd, strerror(err));
}

int cli_flush(const char *cmd, int rc)
{
    if (fflush(stdout) == 0)
        return rc;
    cli_write_failed(cmd, errno);
    return rc == EXIT_OK ? EXIT_RUNTIME : rc;
}

/* A write to stdout failed because its reader went away: that is how
 * `| head` ends a command, no error. */
static int finish(int rc)
{
    if (fflush(stdout) != 0 && errno != EPIPE && rc == EXIT_OK)
        rc = EXIT_RUNTIME; /* a command that did not flush: cannot happen, but never exit 0 */
    if (rc != EXIT_USAGE && ferror(stdout) && cli_stdout_gone())
        return EXIT_OK;
    return rc;
}

static int dispatch(int argc, char **argv)
{
    bool help = wants_help(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "help"))
        help = true;
    else if (argc >= 2 && arg_kind(argc, argv, 1) == ARG_OPERAND) {
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (!strcmp(argv[1], commands[i].name)) {
                if (!help)
                    return commands[i].run(argc - 1, argv + 1);
                print_command_help(&commands[i]);
                return EXIT_OK;
            }
        return usage_error("unknown command '%s'", argv[1]);
    }
    if (help) {
        print_help(stdout);
        return EXIT_OK;
    }
    if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
        printf("skview %s\n", SKVIEW_VERSION);
        return EXIT_OK;
    }
    return ui_cmd_live(argc, argv);
}

int cli_main(int argc, char **argv)
{
    setlocale(LC_CTYPE, "");
    signal(SIGPIPE, SIG_IGN);
    int rc = dispatch(argc, argv);
    return finish(rc);
}
