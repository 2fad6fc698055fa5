/* What a Prune asks for, as the viewer's prune prompt takes it: words as
 * `skview buildkit prune` takes its options,
 *   all   filter=EXPR or a bare EXPR with ==, != or ~=   keep-duration=DUR
 *   keep-bytes=SIZE
 * (none: unused records), parsed into a plain struct the session turns into
 * the PruneRequest, and the sentence that says what will go. Pure. */
#ifndef SKVIEW_BK_PRUNEOPTS_H
#define SKVIEW_BK_PRUNEOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/strbuf.h"

#define BK_PRUNE_TEXT_MAX 128
#define BK_PRUNE_FILTERS_MAX 16

typedef struct bk_prune_opts {
    bool all;
    const char *filter[BK_PRUNE_FILTERS_MAX]; /* point into words */
    size_t n_filter;
    int64_t keep_duration;                    /* ns; 0: none */
    int64_t keep_bytes;                       /* 0: none (the request's reservedspace) */
    char words[BK_PRUNE_TEXT_MAX];            /* the text, cut into words */
} bk_prune_opts_t;

/* Parses text (shorter than BK_PRUNE_TEXT_MAX). false with err saying what
 * is wrong: the text too long, or "'WORD' is not an option (...)". */
bool bk_prune_parse(const char *text, bk_prune_opts_t *o, char *err, size_t errlen);
/* "all records where F, keep those used in 48h0m0s, keep 10.00GB". */
void bk_prune_describe(const bk_prune_opts_t *o, strbuf_t *out);

#endif
