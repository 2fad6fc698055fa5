/* BuildKit's plain progress (`docker buildx build --progress=plain`,
 * progressui's textMux in util/progress/progressui/printer.go) from a stream
 * of StatusResponse messages: every step's log line, status and end, each
 * prefixed with the step's number in order of first output:
 *
 *   #1 [internal] load build definition from Dockerfile
 *   #1 transferring dockerfile: 2B done
 *   #1 DONE 0.0s
 *
 *   #5 [builder 4/4] RUN go build
 *   #5 0.234 ./cmd/app/main.go:12:2: undefined: cfg.Load
 *   #5 ERROR: process "/bin/sh -c go build" did not complete successfully: exit code: 1
 *
 * Unlike the tty display's end frame it loses no log line of a step that
 * succeeded, so it is what a file or a pipe gets. Differences from
 * progressui, for deterministic output: a status line is printed when it is
 * first seen and when it completes (progressui also prints some updates in
 * between, throttled by wall-clock time), and the choice of the step to print
 * among several running ones follows message order. Log lines are joined
 * across messages (a chunk may end mid-line or mid-character) and every
 * string goes through textsafe. Pure: no I/O. */
#ifndef SKVIEW_BK_PLAIN_H
#define SKVIEW_BK_PLAIN_H

#include "buildkit/bk_progress.h"
#include "buildkit/control.pb-c.h"
#include "core/pbjson.h"

typedef struct bk_plain bk_plain_t;

/* tflags: textsafe flags (TEXTSAFE_ASCII for a non-UTF-8 output). model:
 * the build's one vertex model (bk_progress.h), which decides every step's
 * state (DONE, CACHED, ERROR, CANCELED) for plain as for the tty display; it
 * must outlive p. */
bk_plain_t *bk_plain_new(int tflags, const bk_progress_t *model);
void bk_plain_free(bk_plain_t *p);
/* Appends the lines one message causes to out. The caller folds m into the
 * model first. */
void bk_plain_feed(bk_plain_t *p, const Moby__Buildkit__V1__StatusResponse *m, strbuf_t *out);
/* At the end of the stream: a log line left without its newline, and for
 * each failed step the block progressui closes with (its name and the last
 * BK_PLAIN_ERROR_LINES lines of its log between "------" rules). */
void bk_plain_finish(bk_plain_t *p, strbuf_t *out);

#define BK_PLAIN_ERROR_LINES 10

#endif
