/* A saved session read as one stream in time order: a log file and, beside
 * a v1 log F, the F.v2 Skaffold 2.x writes next to it.
 *
 * Why: `skaffold dev --event-log-file F` writes the v1 entries to F and the
 * v2 events (tasks, Skaffold's output) to F.v2. Opening F with siblings
 * (replay, the viewer, `skview state F`) reads both and merges them by
 * timestamp, so the session is whole; F.v2 given by itself, a gateway
 * capture or a recording (which holds both already) is read alone.
 *
 * The rule: with LOGSET_SIBLING, a path other than "-" whose lines are v1
 * (or tell nothing yet) gets PATH.v2 when that exists. A PATH.v2 that is
 * PATH itself (a link) or whose lines are v1 (a copy of PATH) is refused:
 * merged, every entry would be folded twice. Merging: each file is
 * in its own order; the item with the earlier timestamp goes first, the v1
 * file's on a tie; an item without a timestamp goes as soon as it is next in
 * its file. Errors and warnings name their own file ("F.v2:12: ..."). */
#ifndef SKVIEW_LOGSET_H
#define SKVIEW_LOGSET_H

#include <stdbool.h>
#include <stddef.h>
#include "sources/logreader.h"

#define LOGSET_MAX 2

typedef struct logset logset_t;

/* Opens path (and its sibling when sibling is true). NULL with errbuf filled
 * when either cannot be read (logreader_open's messages). */
logset_t *logset_open(const char *path, const logreader_opts_t *opts, bool sibling, char *errbuf,
                      size_t errlen);
void logset_close(logset_t *s);

/* logreader_next_item over the set, in time order; same contract. */
int logset_next(logset_t *s, const source_sink_t *sink, log_item_t *out);
/* logreader_pump over the set: on_entry and on_v2 in time order, on_end
 * once. Same return values. */
int logset_pump(logset_t *s, const source_sink_t *sink);

/* The files read: 1, or 2 with the sibling (index 1). */
size_t logset_count(const logset_t *s);
logreader_t *logset_reader(const logset_t *s, size_t i);
/* Items delivered by logset_next/pump. */
uint64_t logset_items(const logset_t *s);

/* PATH.v2 when path has a sibling the rule above would open, else NULL
 * (malloc'd). */
char *logset_sibling(const char *path);

#endif
