/* What every layer shares with the command line: the exit statuses (part of
 * the contract users script against), the version and the default address,
 * the one way a usage error (and any message quoting what a user or a peer
 * gave) is reported, how a word of the command line is classified, and the
 * one way a message is formatted for a hook, and the wall clock. */
#ifndef SKVIEW_COMMON_H
#define SKVIEW_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

enum exit_status {
    EXIT_OK = 0,
    EXIT_RUNTIME = 1,    /* runtime error: unreadable file, server unreachable, RPC failed */
    EXIT_USAGE = 2,      /* bad command line */
    EXIT_MALFORMED = 3,  /* malformed input under --strict */
};

#define SKVIEW_VERSION "0.1.0"
#define SKVIEW_DEFAULT_ADDR "127.0.0.1:50051"

/* Prints "skview: " + message + " (see skview --help)" to stderr; returns
 * EXIT_USAGE. The whole line is made terminal-safe, as say_line() does. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the message and a newline to stderr, made terminal-safe as a
 * whole (core/textsafe.h): a path or a word of the command line, a server's
 * text or a file's in it shows its escape sequences (ESC as U+241B; "^[" when
 * the locale is not UTF-8) instead of acting on the terminal. The one rule for every message that quotes
 * something the user or a peer gave. */
void say_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same without the newline: a question asked on stderr ("...? [y/N] "). */
void say_prompt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A word of a command line, as every command's parser reads it: an option
 * ("-x", "--x", "--x=V"), an operand (a word without a leading '-', "-"
 * alone, and every word after the first "--"), or that "--" itself, which
 * ends the options and is skipped. */
typedef enum arg_kind { ARG_OPTION, ARG_OPERAND, ARG_END } arg_kind_t;
arg_kind_t arg_kind(int argc, char **argv, int i);

/* The wall clock in nanoseconds since the Unix epoch (durations shown
 * against "now"). */
int64_t wall_ns(void);

/* A status-line message: formats fmt (cut at 700 bytes) and passes it to
 * on_message(ctx, error, text) unless on_message is NULL. The one body of
 * the session's and the sources' "say" functions. */
typedef void (*message_fn)(void *ctx, bool error, const char *text);
void message_vsend(message_fn on_message, void *ctx, bool error, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

#endif
