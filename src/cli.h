/* The command line: `skview [COMMAND] ...`. Exit statuses are part of the
 * contract that users script against. */
#ifndef SKVIEW_CLI_H
#define SKVIEW_CLI_H

enum exit_status {
    EXIT_OK = 0,
    EXIT_RUNTIME = 1,    /* runtime error: unreadable file, server unreachable, RPC failed */
    EXIT_USAGE = 2,      /* bad command line */
    EXIT_MALFORMED = 3,  /* malformed input under --strict */
};

#define SKVIEW_VERSION "0.1.0"
#define SKVIEW_DEFAULT_ADDR "127.0.0.1:50051"

int cli_main(int argc, char **argv);

/* Commands, each parsing its own arguments (argv[0] is the command name). */
int cmd_state(int argc, char **argv);
int cmd_events(int argc, char **argv);
/* skview buildkit du|workers|prune|status ... (src/cmd_buildkit.c) */
int cmd_buildkit(int argc, char **argv);

/* The address to dial: the given one (-a, even when empty), else
 * $SKVIEW_ADDR (when set), else the default; checked and normalised by
 * live_addr_parse (live/addr.h: "localhost" dials localhost:50051). NULL
 * after a usage error naming the address: the caller exits EXIT_USAGE.
 * The string is valid until the next call. */
const char *cli_addr(const char *given);
/* Prints "skview: " + message to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
