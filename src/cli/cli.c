/* Command dispatch: `skview [COMMAND] [ARGS]`. Each command parses its own
 * arguments; with no command (or only options) skview opens the live TUI. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "session/session.h"
#include "cli/cmds.h"
#include "core/pbjson.h"
#include "core/textsafe.h"
#include "ui/ui.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} command_t;

static const command_t commands[] = {
    {"state", cmd_state, "state FILE|-a ADDR [--quiet MS] [--strict] [--timeline]  print the folded State (or the live mirror) as JSON, or its dev loops"},
    {"events", cmd_events, "events FILE|-a ADDR [--json] [-f|--follow] [--quiet MS] [--strict]  print the event history"},
    {"logs", cmd_logs, "logs FILE|-a ADDR [-f|--follow] [--quiet MS] [--skaffold|--app] [--task T] [--artifact A] [--resource R]\n"
                       "              [--pod P] [--container C] [--level L] [--json]  Skaffold's output and the app's logs (v2)"},
    {"replay", ui_cmd_replay, "replay FILE [--speed X]       replay a saved log in the TUI"},
    {"ctl", cmd_ctl, "ctl [-a ADDR] build|sync|deploy|auto-build on|off|auto-sync on|off|auto-deploy on|off|state|emit JSON|-|@FILE"},
    {"record", cmd_record, "record -a ADDR -o FILE        record the live stream until Ctrl-C"},
    {"buildkit", cmd_buildkit, "buildkit [--buildkit ADDR] du|workers|prune|status REF [--json]  BuildKit's Control API"},
};

static void print_help(FILE *f)
{
    fprintf(f, "usage: skview [OPTIONS]\n"
               "       skview COMMAND [ARGS]\n\n"
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
    fprintf(f, "\nexit status: 0 ok, 1 runtime error, 2 usage error, 3 malformed input (--strict)\n"
               "See skview(1).\n");
}

int cli_main(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))) {
        print_help(stdout);
        return EXIT_OK;
    }
    if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
        printf("skview %s\n", SKVIEW_VERSION);
        return EXIT_OK;
    }
    if (argc >= 2 && argv[1][0] != '-') {
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (!strcmp(argv[1], commands[i].name))
                return commands[i].run(argc - 1, argv + 1);
        return usage_error("unknown command '%s'", argv[1]);
    }
    return ui_cmd_live(argc, argv);
}
