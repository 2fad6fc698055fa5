/* The command line: `skview [COMMAND] ...`. Exit statuses are part of the
 * contract that users script against. */
#ifndef SKVIEW_CLI_H
#define SKVIEW_CLI_H

#include "core/common.h"

int cli_main(int argc, char **argv);

/* Commands, each parsing its own arguments (argv[0] is the command name). */
int cmd_state(int argc, char **argv);
int cmd_events(int argc, char **argv);
/* skview buildkit du|workers|prune|status ... (src/cli/cmd_buildkit.c) */
int cmd_buildkit(int argc, char **argv);
/* skview logs -a ADDR|FILE ... (src/cli/cmd_logs.c): Skaffold 2.x's output and application logs */
int cmd_logs(int argc, char **argv);

#endif
