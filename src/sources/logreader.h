/* Reads a saved event log into LogEntry values (v1) and v2 Events,
 * whatever its format:
 *   LOG_JSONL      Skaffold's --event-log-file F: one JSON LogEntry per line
 *   LOG_GATEWAY    a capture of the HTTP gateway's /v1/events:
 *                  {"result": LogEntry} per line
 *   LOG_V2_JSONL   the F.v2 Skaffold 2.x writes beside F: one v2 Event per
 *                  line (Go jsonpb: lowerCamel names, defaults omitted)
 *   LOG_V2_GATEWAY a capture of the gateway's /v2/events or
 *                  /v2/applicationLogs: {"result": Event} per line, proto
 *                  field names (task_id), unset fields present
 *   LOG_RECORDING  skview's own recording (see rec_format.h): v1 entries and
 *                  v2 events of both streams
 * Recordings are told by their first bytes. JSON lines are v1 or v2 by the
 * first line that is either (a v1 LogEntry has "event" or "entry", a v2
 * Event a kind such as "taskEvent" or "task_event"); after that every line
 * is read as that version (each line may be wrapped in {"result": ...} or
 * not). A v2 Event goes to the stream it travels on: applicationLogEvent on
 * V2_APPLOGS, every other kind on V2_EVENTS. The file is streamed, never
 * loaded whole.
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
    LOG_V2_JSONL,
    LOG_V2_GATEWAY,
} log_format_t;

/* One thing read: a v1 entry or a v2 event (the other NULL). */
typedef struct log_item {
    const Proto__LogEntry *entry;
    const Proto__V2__Event *v2;
    v2_stream_t stream;         /* of v2 */
} log_item_t;

typedef struct logreader logreader_t;

typedef struct logreader_opts {
    bool strict;            /* stop at the first malformed line */
    /* logreader_pump only: parse JSON lines of a regular file on this many
     * worker threads while the caller's thread consumes them in order
     * (0 = automatic: 2 workers for files over 4 MiB; 1 = no threads).
     * The order of entries and errors is the same either way. */
    int threads;
    size_t batch_bytes;     /* bytes per worker batch (0 = 512 KiB); for tests */
    /* For the bench's floor (tests/bench/bench_json_floor.c) only: the workers
     * of logreader_pump tokenize each line with the JSON library and do
     * nothing more; the sink gets no entry, only on_end. */
    bool tokenize_only;
} logreader_opts_t;

/* Opens path ("-" for standard input). Returns NULL with errbuf filled
 * ("FILE: No such file or directory") when it cannot be read, or when it is
 * no event log at all: compressed ("FILE: gzip-compressed; decompress it
 * first (zcat FILE | skview ... -)") or binary. A UTF-8 byte-order mark at
 * the start is skipped. */
logreader_t *logreader_open(const char *path, const logreader_opts_t *opts, char *errbuf,
                            size_t errlen);
void logreader_close(logreader_t *r);

/* Pull interface, for replays: the next entry or v2 event, valid until the
 * next call. Returns 1 with *out set, 0 at the end, -1 when stopped by an
 * error (strict mode, or an I/O error). Malformed input is reported through
 * sink->on_error (sink may be NULL: the reader keeps the last message, see
 * logreader_error); an {"error": ...} line of the gateway and an enum value
 * newer than the schema through sink->on_warning. */
int logreader_next_item(logreader_t *r, const source_sink_t *sink, log_item_t *out);
/* The same for v1 entries only: v2 events are passed over. */
int logreader_next(logreader_t *r, const source_sink_t *sink, const Proto__LogEntry **out);

/* Push interface: feeds every entry to sink->on_entry and every v2 event to
 * sink->on_v2, in file order, then calls on_end. Returns 0 when the whole
 * file was read (malformed lines skipped), 1 on an I/O error, 3 when stopped
 * by a malformed line in strict mode, or the non-zero value returned by
 * on_entry or on_v2. */
int logreader_pump(logreader_t *r, const source_sink_t *sink);

/* The format; for JSON lines LOG_JSONL until a line told v1 from v2 (at open
 * when one of the first lines does). */
log_format_t logreader_format(const logreader_t *r);
/* Whether a line told the version (JSON lines; recordings always tell). */
bool logreader_version_known(const logreader_t *r);
bool log_format_is_v2(log_format_t f);
const char *log_format_name(log_format_t f);
uint64_t logreader_line(const logreader_t *r);      /* current line (record) number */
uint64_t logreader_skipped(const logreader_t *r);   /* malformed lines skipped */
uint64_t logreader_entries(const logreader_t *r);   /* entries and v2 events logreader_pump delivered */
uint64_t logreader_v2_events(const logreader_t *r); /* of which v2 events */
const char *logreader_path(const logreader_t *r);
const char *logreader_error(const logreader_t *r);  /* last error message, or NULL */
bool logreader_stopped(const logreader_t *r);       /* by a malformed line in strict mode */
const char *logreader_io_error(const logreader_t *r); /* strerror of a read failure, or NULL */

#endif
