/* The CLI's one printer for problems; see cli.h. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "core/common.h"

void cli_say(const char *what, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    say_line("skview: %s: %s", what, text); /* terminal-safe, as every quoted string */
}

void cli_on_message(void *ctx, bool error, const char *text)
{
    (void)error;
    const char *const *what = ctx; /* the command's first member */
    fflush(stdout);
    cli_say(*what, "%s", text);
}
