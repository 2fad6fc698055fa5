/* The progress of one BuildKit build: a fold of moby.buildkit.v1
 * StatusResponse messages (from the Status stream, a rawjson file or a
 * recording), the way BuildKit's own progress display (progressui) folds
 * them. Pure: no I/O, no clock (callers pass "now").
 *
 * What is kept:
 *   vertexes   in first-seen order, by digest; a later message for the same
 *              digest updates it (name, inputs, cached, started, completed,
 *              error, progress group). A vertex that starts again after it
 *              completed gets a new interval; its time is the sum of its
 *              merged intervals, as progressui counts it. A message saying
 *              completed closes every open interval (buildx: completed
 *              means done), so a step that v0.8 reported started and then
 *              cached and completed with another start is done, not running.
 *              This one model decides every display's states (tty, plain,
 *              the Build pane).
 *   statuses   per vertex, by ID, in first-seen order (current/total bytes,
 *              started, completed).
 *   logs       per vertex, as lines. Chunks are not line-aligned: a partial
 *              last line is kept until its '\n' arrives, a UTF-8 sequence
 *              split across chunks is rejoined, and '\r' returns to the start
 *              of the current line, whose characters are then overwritten
 *              as on a terminal ("50%\r60%" shows "60%", "\r\n" keeps the
 *              line). Each vertex keeps at most log_max bytes of lines (the
 *              oldest go first; a count says how many); when all logs
 *              together pass logs_total_max, the whole logs of vertexes that
 *              completed without error are cut to their tail, so the logs of
 *              failed and running vertexes survive.
 *   warnings   in order, with the vertex they belong to.
 *
 * Strings are copied: the messages folded need not outlive the call. All
 * strings are as received (untrusted): sanitise them before drawing. */
#ifndef SKVIEW_BK_PROGRESS_H
#define SKVIEW_BK_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buildkit/control.pb-c.h"
#include "core/pbjson.h"

#define BK_TAIL_DEFAULT 6                 /* progressui's termHeightMin */
#define BK_LOG_MAX_DEFAULT (2u << 20)     /* the daemon's per-step clip */
#define BK_LOGS_TOTAL_DEFAULT (64u << 20)
#define BK_LINE_MAX 65536                 /* longer lines wrap */

typedef struct bk_progress_opts {
    unsigned tail_lines;       /* lines of a running vertex's log shown; 0 = 6 */
    size_t log_max;            /* bytes of log lines kept per vertex; 0 = 2 MiB */
    size_t logs_total_max;     /* bytes of all logs; 0 = 64 MiB */
} bk_progress_opts_t;

/* Nanoseconds since the Unix epoch; 0 means "not set". */
typedef int64_t bk_time_t;
#define BK_TIME_MAX_S 9000000000LL   /* year 2255: later times are clamped */

/* A Timestamp as bk_time_t: absent or Go's zero time -> 0; clamped. */
bk_time_t bk_time_from_ts(const Google__Protobuf__Timestamp *t);

typedef struct bk_interval {
    bk_time_t start, stop;     /* stop 0: still running */
} bk_interval_t;

typedef struct bk_status {
    char *id, *name;
    int64_t current, total;
    bk_time_t timestamp, started, completed;
} bk_status_t;

typedef struct bk_line {
    char *text;                /* NUL-terminated, may hold any byte but '\n' */
    size_t len;
} bk_line_t;

/* One vertex's log. lines[first .. first+n) are complete lines; partial is
 * the line being written (cursor: the byte offset '\r' moved to). */
typedef struct bk_log {
    bk_line_t *lines;
    size_t first, n, cap;
    size_t bytes;              /* text bytes in lines */
    uint64_t dropped;          /* lines dropped from the front */
    strbuf_t partial;
    size_t cursor;
    unsigned char pend[4];     /* an incomplete UTF-8 sequence ending a chunk */
    unsigned pend_len;
    uint64_t total_bytes;      /* every byte received */
    bool whole_dropped;        /* cut to its tail under logs_total_max */
} bk_log_t;

typedef enum bk_state {
    BK_PENDING,                /* known (an input of another) but not started */
    BK_RUNNING,
    BK_DONE,
    BK_CACHED,
    BK_ERROR,
    BK_CANCELED,               /* the error ends with "context canceled" */
} bk_state_t;

typedef struct bk_vertex {
    char *digest, *name, *error;
    char **inputs;
    size_t n_inputs;
    bool cached;
    bk_time_t started, completed;   /* of the latest message */
    bk_interval_t *iv;
    size_t n_iv;
    char *group_id, *group_name;    /* progress group, or NULL */
    bool group_weak;
    bk_status_t *statuses;
    size_t n_statuses;
    bk_log_t log;
    unsigned warnings;
} bk_vertex_t;

typedef struct bk_warning {
    char *vertex;              /* digest */
    int64_t level;
    char *short_;              /* NUL-terminated copy of the bytes */
    char **detail;
    size_t n_detail;
    char *url;
} bk_warning_t;

typedef struct bk_progress bk_progress_t;

bk_progress_t *bk_progress_new(const bk_progress_opts_t *opts);
void bk_progress_free(bk_progress_t *p);
/* Forgets everything folded (a new build, a replay from the start). */
void bk_progress_reset(bk_progress_t *p);
void bk_progress_fold(bk_progress_t *p, const Moby__Buildkit__V1__StatusResponse *msg);
/* Messages folded since the last reset (so a viewer knows when to redraw). */
uint64_t bk_progress_seq(const bk_progress_t *p);
/* The newest time in any message folded: "now" when replaying a file, so a
 * build that was cut short shows the times it had then. */
bk_time_t bk_progress_last_time(const bk_progress_t *p);

size_t bk_progress_count(const bk_progress_t *p);
const bk_vertex_t *bk_progress_vertex(const bk_progress_t *p, size_t i);
/* The index of a digest, or -1. */
long bk_progress_find(const bk_progress_t *p, const char *digest);
size_t bk_progress_warning_count(const bk_progress_t *p);
const bk_warning_t *bk_progress_warning(const bk_progress_t *p, size_t i);
unsigned bk_progress_tail_lines(const bk_progress_t *p);

/* The header's (completed/total), counted as progressui counts them: every
 * known digest, vertexes in a progress group counting once as their group,
 * groups whose members are all weak not at all; completed = has a stop time. */
void bk_progress_counts(const bk_progress_t *p, unsigned *completed, unsigned *total);
/* From the first start to now, or to the last completion once all is done. */
int64_t bk_progress_elapsed_ns(const bk_progress_t *p, bk_time_t now);
/* True once something started and every started vertex completed. */
bool bk_progress_done(const bk_progress_t *p);
/* The first vertex that failed (not canceled), or NULL. */
const bk_vertex_t *bk_progress_failed(const bk_progress_t *p);
/* The first vertex that was canceled, or NULL: the build did not finish. */
const bk_vertex_t *bk_progress_canceled(const bk_progress_t *p);

bk_state_t bk_vertex_state(const bk_vertex_t *v);
const char *bk_state_name(bk_state_t s);
/* The sum of the vertex's merged intervals; running ones end at now. */
int64_t bk_vertex_duration_ns(const bk_vertex_t *v, bk_time_t now);
int64_t bk_status_duration_ns(const bk_status_t *s, bk_time_t now);
/* The time on v's line: its own, or for a progress group the union of all
 * its members' intervals. */
int64_t bk_progress_line_duration_ns(const bk_progress_t *p, const bk_vertex_t *v, bk_time_t now);

/* Lines of a vertex's log: the complete ones, then the partial line if it is
 * not empty. Index 0 is the oldest kept. */
size_t bk_log_count(const bk_log_t *l);
const char *bk_log_line(const bk_log_t *l, size_t i, size_t *len);

/* Sizes as progressui prints them (tonistiigi/units, decimal): "99B",
 * "1.23kB", "45.60MB". */
void bk_format_bytes(strbuf_t *out, int64_t n);

/* The rows a progressui-like view shows, in order: each started vertex (a
 * progress group once, on its first member), then its statuses, then its
 * log (the tail while it runs; every kept line when it is the expanded
 * vertex; none in the final frame), then its warnings. A pane draws these
 * rows; bk_progress_render prints them. */
typedef enum bk_row_kind {
    BK_ROW_VERTEX,
    BK_ROW_STATUS,             /* item: index in the vertex's statuses */
    BK_ROW_LOG,                /* item: line index for bk_log_line */
    BK_ROW_WARNING,            /* item: index for bk_progress_warning */
} bk_row_kind_t;

typedef struct bk_row {
    bk_row_kind_t kind;
    size_t vertex;             /* index for bk_progress_vertex */
    size_t item;
} bk_row_t;

/* Fills *rows (grown as needed; *cap is its capacity; free() it) and
 * returns the count. expanded: the index of a vertex whose whole log is
 * shown, or -1. flags: BK_RENDER_FINAL drops the log tails. */
size_t bk_progress_rows(const bk_progress_t *p, int flags, long expanded, bk_row_t **rows, size_t *cap);

/* One row as bk_progress_render prints it (one line, '\n' included; nothing
 * when the width is too narrow for it), for a pane that draws row by row. */
void bk_progress_row_text(const bk_progress_t *p, const bk_row_t *row, int width, bk_time_t now, int flags,
                          strbuf_t *out);

enum bk_render_flags {
    BK_RENDER_FINAL = 1,       /* the final frame: no tails, failed logs after */
    BK_RENDER_ASCII = 2,       /* the terminal is not UTF-8 (textsafe's ASCII mode) */
};

/* Renders the build as progressui's tty shows it, as plain text lines (no
 * escapes, strings not yet sanitised): the header "[+] Building 12.3s (8/10)"
 * (+ " FINISHED" when final and complete), one " => " line per vertex with a
 * right-aligned timer, " => => ID cur / total" status lines, " => => # "
 * log tail lines for running vertexes, "WARN: " lines, and with
 * BK_RENDER_FINAL the logs of each failed vertex between "------" lines.
 * Like progressui, only vertexes that started are drawn, and a progress group
 * is one line. Every string goes through textsafe (names cut to fit with an
 * ellipsis), so the text is safe to print as it is. */
void bk_progress_render(const bk_progress_t *p, int width, bk_time_t now, int flags, strbuf_t *out);

#endif
