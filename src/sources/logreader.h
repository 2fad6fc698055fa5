/* Reads a saved event log into LogEntry values, whatever its format:
 *   LOG_JSONL      Skaffold's --event-log-file: one JSON LogEntry per line
 *   LOG_GATEWAY    a capture of the HTTP gateway: {"result": LogEntry} per line
 *   LOG_RECORDING  skview's own recording (see recording.h)
 * The format is detected from the first bytes (JSON lines may mix the two
 * JSON forms). The file is streamed, never loaded whole.
 *
 * Bad input: a malformed line (or a torn recording record) is reported as
 * "FILE:LINE: what is wrong" through the sink's on_error; by default the line
 * is skipped and reading goes on, with --strict reading stops there. */
#ifndef SKVIEW_LOGREADER_H
#define SKVIEW_LOGREADER_H

#include <stdbool.h>
#include <stdint.h>
#include "sources/source.h"
#include "core/arena.h"

typedef enum log_format {
    LOG_UNKNOWN,
    LOG_JSONL,
    LOG_GATEWAY,
    LOG_RECORDING,
} log_format_t;

typedef struct logreader logreader_t;

typedef struct logreader_opts {
    bool strict;            /* stop at the first malformed line */
    /* logreader_pump only: parse JSON lines of a regular file on this many
     * worker threads while the caller's thread consumes them in order
     * (0 = automatic: 2 workers for files over 4 MiB; 1 = no threads).
     * The order of entries and errors is the same either way. */
    int threads;
    size_t batch_bytes;     /* bytes per worker batch (0 = 1 MiB); for tests */
} logreader_opts_t;

/* Opens path ("-" for standard input). Returns NULL with errbuf filled
 * ("FILE: No such file or directory") when it cannot be read, or when it is
 * no event log at all: compressed ("FILE: gzip-compressed; decompress it
 * first (zcat FILE | skview ... -)") or binary. A UTF-8 byte-order mark at
 * the start is skipped. */
logreader_t *logreader_open(const char *path, const logreader_opts_t *opts, char *errbuf,
                            size_t errlen);
void logreader_close(logreader_t *r);

/* Pull interface, for replays: the next entry, valid until the next call.
 * Returns 1 with *out set, 0 at the end, -1 when stopped by an error (strict
 * mode, or an I/O error). Malformed input is reported through sink->on_error
 * (sink may be NULL: the reader keeps the last message, see logreader_error). */
int logreader_next(logreader_t *r, const source_sink_t *sink, const Proto__LogEntry **out);

/* Push interface: feeds every entry to sink, then calls on_end. Returns 0 when
 * the whole file was read (malformed lines skipped), 1 on an I/O error, 3 when
 * stopped by a malformed line in strict mode, or the non-zero value returned
 * by on_entry. */
int logreader_pump(logreader_t *r, const source_sink_t *sink);

log_format_t logreader_format(const logreader_t *r);
const char *log_format_name(log_format_t f);
uint64_t logreader_line(const logreader_t *r);      /* current line (record) number */
uint64_t logreader_skipped(const logreader_t *r);   /* malformed lines skipped */
uint64_t logreader_entries(const logreader_t *r);   /* entries logreader_pump delivered */
const char *logreader_path(const logreader_t *r);
const char *logreader_error(const logreader_t *r);  /* last error message, or NULL */

#endif
