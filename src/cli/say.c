/* The CLI's one printer for problems; see cli.h. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "core/textsafe.h"

void cli_say(const char *what, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    strbuf_t safe;
    sb_init(&safe);
    textsafe(&safe, text, strlen(text), 0, 0);
    fprintf(stderr, "skview: %s: %s\n", what, safe.data ? safe.data : "");
    sb_free(&safe);
}

void cli_on_message(void *ctx, bool error, const char *text)
{
    (void)error;
    const char *const *what = ctx; /* the command's first member */
    fflush(stdout);
    cli_say(*what, "%s", text);
}
