/* The command line: `skview [COMMAND] ...`. Exit statuses are part of the
 * contract that users script against. */
#ifndef SKVIEW_CLI_H
#define SKVIEW_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "core/common.h"
#include "session/session.h"

int cli_main(int argc, char **argv);
/* Flushes stdout at a command's end: rc, or EXIT_RUNTIME after saying why
 * (cli_write_failed) when a write failed. A reader that went away is no
 * error: cli_main turns any status into 0 for it, for every command. */
int cli_flush(const char *cmd, int rc);
/* A write to stdout failed with errno err: says so, unless the reader went
 * away (EPIPE, said by nobody). */
void cli_write_failed(const char *cmd, int err);
/* stdout is a pipe whose reader has gone (poll says POLLERR for it): a
 * --follow with nothing to write checks it, or it would outlive `| head`
 * until its next line. */
bool cli_stdout_gone(void);

/* Commands, each parsing its own arguments (argv[0] is the command name). */
int cmd_state(int argc, char **argv);
int cmd_events(int argc, char **argv);
/* skview buildkit du|workers|prune|status ... (src/cli/cmd_buildkit.c) */
int cmd_buildkit(int argc, char **argv);
void cmd_buildkit_help(FILE *f);
/* skview logs -a ADDR|FILE ... (src/cli/cmd_logs.c): Skaffold 2.x's output and application logs */
int cmd_logs(int argc, char **argv);

/* Prints a State as `skview state` does: canonical JSON, one line
 * (src/cli/cmd_file.c). */
void cli_print_state(const Proto__State *st);

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
