/* Printing log lines for `skview logs`: line assembly per origin, Skaffold's
 * prefixes, colour or none, JSON.
 *
 * Messages arrive cut anywhere (a SkaffoldLogEvent can hold several lines or
 * part of one): text is assembled per origin (Skaffold: task_id + subject;
 * application: pod + container) and cut at "\n" ("\r\n" loses its "\r"),
 * as the log ring does (skaffold/logs.h). A piece still without its "\n"
 * waits for the rest, or until logprint_flush_partial finds it old enough
 * (a prompt, a progress bar: `logs -f` shows it after a short delay);
 * logprint_finish prints what is left, oldest origin first. A partial
 * line longer than LOGS_MAX_LINE is printed there. Only origins with a
 * partial line are kept, at most LOGS_MAX_PENDING (as the ring): one more
 * prints the oldest partial line.
 *
 * Text: "[pod container] " before an application line (Skaffold's
 * --log-prefix=podAndContainer), "[Task subject] " or "[Task] " before one
 * of Skaffold's. With color (a terminal, NO_COLOR unset) the text's SGR
 * colours are kept (sgr_walk) and the prefix is coloured; every other
 * escape is inert (textsafe). Without, no escape sequence at all
 * (sgr_strip, then textsafe). JSON: one object per line (source, time,
 * task, task_id, subject, pod, container, prefix, level, text without
 * escape sequences).
 *
 * Output is buffered and written to stdout every LOGPRINT_FLUSH_BYTES, at
 * logprint_flush and at logprint_finish; a failed write sets failed and
 * write_errno, and nothing more is written. */
#ifndef SKVIEW_LOGPRINT_H
#define SKVIEW_LOGPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/sgr.h"
#include "core/strbuf.h"
#include "skaffold/logs.h"

#define LOGPRINT_BUCKETS 256

/* Where a message came from, and when. Strings are only read during the
 * call. */
typedef struct logprint_meta {
    log_src_t src;
    const char *task, *task_id, *subject;  /* Skaffold: "Build", "Build-2", "web" */
    const char *pod, *container, *prefix;  /* application */
    int level;                             /* LogLevel */
    int64_t time_s;                        /* the wire's Timestamp as it is: */
    int32_t time_nanos;                    /* any year prints as itself */
} logprint_meta_t;

typedef struct logprint_origin logprint_origin_t;

typedef struct logprint {
    bool json, color;
    strbuf_t out, tmp, safe;
    logprint_origin_t *buckets[LOGPRINT_BUCKETS];
    logprint_origin_t *origins;    /* with a partial line, newest first */
    logprint_origin_t *oldest;
    size_t n_partial;              /* origins with a partial line */
    uint64_t lines;                /* printed */
    bool timed;                    /* SKVIEW_STATS: first_ns and last_ns are kept */
    int64_t first_ns, last_ns;     /* uv_hrtime() of the first and last line */
    sgr_style_t cur;               /* a coloured line's style so far */
    bool failed;                   /* writing to stdout failed */
    int write_errno;
} logprint_t;

void logprint_init(logprint_t *p, bool json, bool color);
/* One message (a SkaffoldLogEvent's or an ApplicationLogEvent's). */
void logprint_message(logprint_t *p, const logprint_meta_t *m, const char *s, size_t n);
void logprint_flush(logprint_t *p);
/* Prints the partial lines whose last piece is at least age_ns old. */
void logprint_flush_partial(logprint_t *p, int64_t age_ns);
/* The input ended: the partial lines, then flush. */
void logprint_finish(logprint_t *p);
void logprint_free(logprint_t *p);
/* SKVIEW_STATS set: "N lines in T s = R lines/s" (first to last line) on stderr. */
void logprint_stats(const logprint_t *p);

#endif
