/* BuildKit answers as text: durations and sizes parsed and printed the way
 * buildctl does, and the lines of `skview buildkit` (du, workers, history,
 * prune), shared with the TUI's BuildKit panes. Every daemon string goes
 * through textsafe. */
#ifndef SKVIEW_BK_FORMAT_H
#define SKVIEW_BK_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "buildkit/control.pb-c.h"
#include "buildkit/bk_cache.h"
#include "core/pbjson.h"

/* Go-style durations ("48h", "1h30m", "90s", "500ms"; also "7d") to ns. */
bool bk_parse_duration(const char *s, int64_t *ns);
/* Sizes: "1000", "10GB", "512MiB", "1.5kB" to bytes. */
bool bk_parse_bytes(const char *s, int64_t *out);
/* Go's time.Duration.String() form: "48h0m0s", "1.5s". */
void bk_format_duration(strbuf_t *out, int64_t ns);

/* Text forms of the answers, every daemon string through textsafe with
 * tflags (bk_text_init's). */
void bk_print_du(FILE *f, const bk_cache_t *c, int64_t now_ns, int tflags);
void bk_print_worker(FILE *f, const Moby__Buildkit__V1__Types__WorkerRecord *w, int tflags);
void bk_print_history(FILE *f, const Moby__Buildkit__V1__BuildHistoryEvent *ev, bool header, int tflags);
void bk_print_removed(FILE *f, const Moby__Buildkit__V1__UsageRecord *r, int tflags);
/* Appends m as one rawjson line (BuildKit's v0.13 json tags, its field order
 * and omitempty rules, log data as base64; sources/bk_reader.h reads it
 * back), without the newline. */
void bk_rawjson_write(strbuf_t *out, const Moby__Buildkit__V1__StatusResponse *m);
/* A message as one JSON line (canonical protobuf JSON, BuildKit's names). */
void bk_print_json(FILE *f, const ProtobufCMessage *m);
/* Sets LC_CTYPE from the environment and returns the textsafe flags for
 * output there (TEXTSAFE_ASCII outside UTF-8 locales); the caller keeps them. */
int bk_text_init(void);
/* Appends untrusted text made terminal-safe. */
void bk_safe(strbuf_t *b, const char *s, int max_cols, int tflags);

#endif
