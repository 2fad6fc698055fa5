/* The command line: `skview [COMMAND] ...`. Exit statuses are part of the
 * contract that users script against. */
#ifndef SKVIEW_CLI_H
#define SKVIEW_CLI_H

#include <stdbool.h>
#include "core/common.h"
#include "session/session.h"

int cli_main(int argc, char **argv);

/* Commands, each parsing its own arguments (argv[0] is the command name). */
int cmd_state(int argc, char **argv);
int cmd_events(int argc, char **argv);
/* skview buildkit du|workers|prune|status ... (src/cmd_buildkit.c) */
int cmd_buildkit(int argc, char **argv);
/* skview logs -a ADDR|FILE ... (src/cli/cmd_logs.c): Skaffold 2.x's output and application logs */
int cmd_logs(int argc, char **argv);

/* Reads the whole file through sink (with sibling, a v1 log's F.v2 too,
 * merged by time: sources/logset.h), its problems printed as
 * "FILE:LINE: what"; says how many lines of each were skipped. Returns the
 * exit status: a file of malformed lines only, with no valid entry in it,
 * is a runtime error (1), not an empty log (src/cli/cmd_file.c). */
int cli_read_file(const char *path, bool strict, source_sink_t *sink, bool sibling);

/* The CLI's one printer for problems (src/cli/say.c): "skview: WHAT: TEXT"
 * on stderr, TEXT terminal-safe (it may come from the wire, a file or the
 * command line). */
void cli_say(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A session's on_message for a headless command; ctx points to the
 * command's name (a `const char *`, or a struct whose first member is one,
 * "events"). Output written so far is flushed first, so that a message
 * sits where it happened. */
void cli_on_message(void *ctx, bool error, const char *text);

#endif
