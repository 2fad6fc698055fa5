/* Reading a whole file for a headless command (state, events, logs), and
 * saying what in it could not be read, once and briefly.
 *
 * The first FILEREPORT_SHOWN malformed lines are said as they come
 * ("FILE:LINE: what is wrong (skipped)"); after them, nothing more line
 * by line. Warnings (an error the gateway wrote into its stream, an enum
 * value newer than our schema, each value once: nothing lost) are all said. At
 * the end one line per file sums up: "skipped N malformed line(s) of M",
 * or, when nothing valid was read at all, that the file is not an event
 * log of the kind asked for, with the count (a README given as a log is one
 * error with three reasons, not 300 lines). Under --strict the first
 * malformed line is the error (exit 3). Every line is terminal-safe. */
#ifndef SKVIEW_FILEREPORT_H
#define SKVIEW_FILEREPORT_H

#include <stdbool.h>
#include <stdint.h>
#include "sources/source.h"

#define FILEREPORT_SHOWN 3
#define FILEREPORT_SHOWN_S "3"

/* Opens path (with sibling, a v1 log's F.v2 too, merged by time: logset.h)
 * and pumps it whole through sink, whose on_error and on_warning are set
 * here. Returns the exit status: EXIT_MALFORMED under --strict, EXIT_RUNTIME
 * for an unreadable file, a stop asked by the sink, or a file of malformed
 * lines only; *items (may be NULL) is what was read. */
int filereport_read(const char *path, bool strict, bool sibling, source_sink_t *sink, uint64_t *items);

#endif
