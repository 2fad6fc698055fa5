/* What every layer shares with the command line: the exit statuses (part of
 * the contract users script against), the version and the default address,
 * the one way a usage error is reported, and the one way a message is
 * formatted for a hook. */
#ifndef SKVIEW_COMMON_H
#define SKVIEW_COMMON_H

#include <stdarg.h>
#include <stdbool.h>

enum exit_status {
    EXIT_OK = 0,
    EXIT_RUNTIME = 1,    /* runtime error: unreadable file, server unreachable, RPC failed */
    EXIT_USAGE = 2,      /* bad command line */
    EXIT_MALFORMED = 3,  /* malformed input under --strict */
};

#define SKVIEW_VERSION "0.1.0"
#define SKVIEW_DEFAULT_ADDR "127.0.0.1:50051"

/* Prints "skview: " + message + " (see skview --help)" to stderr; returns
 * EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A status-line message: formats fmt (cut at 700 bytes) and passes it to
 * on_message(ctx, error, text) unless on_message is NULL. The one body of
 * the session's and the sources' "say" functions. */
typedef void (*message_fn)(void *ctx, bool error, const char *text);
void message_vsend(message_fn on_message, void *ctx, bool error, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

#endif
