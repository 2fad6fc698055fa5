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
