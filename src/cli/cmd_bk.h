/* Private to `skview buildkit` (cmd_buildkit.c): the parsed command line.
 * The text forms of the answers are buildkit/bk_format.h. */
#ifndef SKVIEW_CMD_BK_H
#define SKVIEW_CMD_BK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "buildkit/control.pb-c.h"
#include "buildkit/bk_format.h"

#define BK_MAX_FILTERS 32

typedef struct bk_args {
    const char *addr, *sort, *ref_file, *keep_duration, *keep_bytes, *max_used, *min_free, *record, *width,
               *wait;    /* status: how long to wait for the build to start */
    const char *progress;   /* tty|plain|rawjson (status, show) */
    bool json, all, yes, active;
    char *filters[BK_MAX_FILTERS];
    size_t n_filters;
    const char *pos[4];
    size_t n_pos;
} bk_args_t;

#endif
