/* The parallel pump for large JSON-lines files (logpar.c says how): the
 * rest of an open file parsed by worker threads and handed to the sink in
 * file order, exactly as logreader_pump would. It knows nothing of the
 * reader: logreader_pump calls it with the file and its options and takes
 * the totals back (logline.h holds the line parsers both use). */
#ifndef SKVIEW_LOGPAR_H
#define SKVIEW_LOGPAR_H

#include <stdbool.h>
#include <stdint.h>
#include "sources/logreader.h"

typedef struct logpar_in {
    int fd;                    /* read with pread from offset 0 */
    const char *path;          /* for "FILE:LINE" */
    const logreader_opts_t *opts; /* strict, threads, batch_bytes */
    log_format_t format;       /* decided by the reader: v1 or v2 JSON lines */
} logpar_in_t;

typedef struct logpar_out {
    uint64_t lines, skipped, entries, v2_events;
    log_format_t format;       /* the gateway forms once seen unwrapped */
    char last_error[700];      /* "" when none */
} logpar_out_t;

/* True when the parallel pump applies: a regular file, large enough (or
 * threads forced above 1). */
bool logpar_wanted(int fd, const logreader_opts_t *opts);
/* Pumps the whole file into sink (on_end last, as logreader_pump); returns
 * the status on_end got. */
int logpar_pump(const logpar_in_t *in, const source_sink_t *sink, logpar_out_t *out);

#endif
