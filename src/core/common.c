/* The one usage-error printer, the one stderr line printer, the
 * command-line word classifier and the wall clock (core/common.h). */
#include <langinfo.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/common.h"
#include "core/strbuf.h"
#include "core/textsafe.h"

/* Whether stderr's terminal takes UTF-8 (the locale's character set, once
 * cli_main has set LC_CTYPE): else ASCII only, since a control picture's
 * bytes (E2 90 9B) hold 0x9b, a CSI to an 8-bit terminal. */
static int say_flags(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8")) ? 0 : TEXTSAFE_ASCII;
}

/* prefix + the message + suffix, terminal-safe, on stderr; newline when nl. */
static void vsay(const char *prefix, const char *fmt, va_list ap, const char *suffix, bool nl)
{
    strbuf_t raw, safe;
    sb_init(&raw);
    sb_init(&safe);
    sb_adds(&raw, prefix);
    sb_vprintf(&raw, fmt, ap);
    sb_adds(&raw, suffix);
    textsafe(&safe, raw.data ? raw.data : "", raw.len, 0, TEXTSAFE_NEWLINES | say_flags());
    if (nl)
        sb_addc(&safe, '\n');
    fwrite(safe.data, 1, safe.len, stderr);
    sb_free(&raw);
    sb_free(&safe);
}

void say_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay("", fmt, ap, "", true);
    va_end(ap);
}

void say_prompt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay("", fmt, ap, "", false);
    va_end(ap);
    fflush(stderr);
}

int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay("skview: ", fmt, ap, " (see skview --help)", true);
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

int64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
