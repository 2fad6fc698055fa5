/* libFuzzer: the config and theme parser (one syntax for both). The first
 * input byte picks config or theme-file mode; the rest is the file. Every bad
 * line must be reported with its file and line, and counted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "ui/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct tally {
    int reports;
} tally_t;

static void report(void *ctx, const char *msg)
{
    /* "FILE:LINE: what": the place is always named. */
    if (strncmp(msg, "fuzz.conf:", 10) != 0) abort();
    ((tally_t *)ctx)->reports++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    ui_config_t c;
    config_init(&c);
    tally_t t = {0};
    int flags = data[0] & 1 ? CONFIG_THEME_FILE : 0;
    int bad = config_parse(&c, (const char *)data + 1, size - 1, "fuzz.conf", flags, report, &t);
    if (bad != t.reports) abort(); /* every bad line reported once */
    config_free(&c);
    return 0;
}
