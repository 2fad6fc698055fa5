/* The one usage-error printer (core/common.h). */
#include <stdarg.h>
#include <stdio.h>
#include "core/common.h"

int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("skview: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see skview --help)\n", stderr);
    va_end(ap);
    return EXIT_USAGE;
}

void message_vsend(message_fn on_message, void *ctx, bool error, const char *fmt, va_list ap)
{
    char text[700];
    if (!on_message)
        return;
    vsnprintf(text, sizeof text, fmt, ap);
    on_message(ctx, error, text);
}
