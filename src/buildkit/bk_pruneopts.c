/* The prune prompt's options; see bk_pruneopts.h. */
#include <stdio.h>
#include <string.h>
#include "buildkit/bk_format.h"
#include "buildkit/bk_pruneopts.h"

/* One word into o; false when it is not an option. */
static bool option(bk_prune_opts_t *o, char *w)
{
    if (!strcmp(w, "all") || !strcmp(w, "--all")) {
        o->all = true;
        return true;
    }
    if (!strncmp(w, "keep-duration=", 14))
        return bk_parse_duration(w + 14, &o->keep_duration);
    if (!strncmp(w, "keep-bytes=", 11)) /* field 4, as the command sends it */
        return bk_parse_bytes(w + 11, &o->keep_bytes);
    if (!strncmp(w, "filter=", 7))
        w += 7;
    else if (!strstr(w, "==") && !strstr(w, "!=") && !strstr(w, "~="))
        return false;
    if (o->n_filter == BK_PRUNE_FILTERS_MAX)
        return false;
    o->filter[o->n_filter++] = w;
    return true;
}

bool bk_prune_parse(const char *text, bk_prune_opts_t *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    if (strlen(text) >= sizeof o->words) {
        snprintf(err, errlen, "prune: the options are longer than %zu bytes", sizeof o->words - 1);
        return false;
    }
    snprintf(o->words, sizeof o->words, "%s", text);
    char *save = NULL;
    for (char *w = strtok_r(o->words, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (!option(o, w)) {
            snprintf(err, errlen, "prune: '%s' is not an option (all, filter=F, keep-duration=24h, keep-bytes=10GB)",
                     w);
            return false;
        }
    }
    return true;
}

void bk_prune_describe(const bk_prune_opts_t *o, strbuf_t *out)
{
    sb_printf(out, "%s records", o->all ? "all" : "unused");
    for (size_t i = 0; i < o->n_filter; i++)
        sb_printf(out, "%s%s", i ? ", " : " where ", o->filter[i]);
    if (o->keep_duration) {
        sb_adds(out, ", keep those used in ");
        bk_format_duration(out, o->keep_duration);
    }
    if (o->keep_bytes) {
        sb_adds(out, ", keep ");
        bk_format_bytes(out, o->keep_bytes);
    }
}
