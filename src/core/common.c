/* The one usage-error printer, the one stderr line printer and the
 * command-line word classifier (core/common.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "core/common.h"
#include "core/strbuf.h"
#include "core/textsafe.h"

static void vsay(const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
    strbuf_t raw, safe;
    sb_init(&raw);
    sb_init(&safe);
    sb_adds(&raw, prefix);
    sb_vprintf(&raw, fmt, ap);
    sb_adds(&raw, suffix);
    textsafe(&safe, raw.data ? raw.data : "", raw.len, 0, TEXTSAFE_NEWLINES);
    sb_addc(&safe, '\n');
    fwrite(safe.data, 1, safe.len, stderr);
    sb_free(&raw);
    sb_free(&safe);
}

void say_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay("", fmt, ap, "");
    va_end(ap);
}

int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay("skview: ", fmt, ap, " (see skview --help)");
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

/* The first "--" of argv[1..argc), or argc. */
static int end_of_options(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--"))
            return i;
    return argc;
}

arg_kind_t arg_kind(int argc, char **argv, int i)
{
    int end = end_of_options(argc, argv);
    if (i == end)
        return ARG_END;
    if (i > end || argv[i][0] != '-' || !argv[i][1])
        return ARG_OPERAND;
    return ARG_OPTION;
}
