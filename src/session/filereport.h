/* Reading a whole file for a headless command (state, events, logs), and
 * saying what in it could not be read, once and briefly.
 *
 * The first FILEREPORT_SHOWN malformed lines are told, then only counted;
 * what is told is said at the end, when it is known whether the file held
 * anything valid. With valid entries: "FILE:LINE: what is wrong (skipped)"
 * for each told, then "skview: FILE: skipped N malformed line(s) of M".
 * With none, the file is in another format: one error, "skview: FILE: not
 * an event log: no valid entry, N malformed line(s) of M (line 1: invalid
 * JSON; line 3: ...; ...)" (a README given as a log, not 300 lines).
 * Warnings (an error the gateway wrote into its stream, an enum value newer
 * than our schema, each value once: nothing lost) are all said as they come.
 * Under --strict the first malformed line is the error (exit 3), said at
 * once. Every line is terminal-safe. */
#ifndef SKVIEW_FILEREPORT_H
#define SKVIEW_FILEREPORT_H

#include <stdbool.h>
#include <stdint.h>

struct source_sink; /* sources/source.h: cli reads files through the sink only */

#define FILEREPORT_SHOWN 3
#define FILEREPORT_SHOWN_S "3"

/* Opens path (with sibling, a v1 log's F.v2 too, merged by time: logset.h)
 * and pumps it whole through sink, whose on_error and on_warning are set
 * here. Returns the exit status: EXIT_MALFORMED under --strict, EXIT_RUNTIME
 * for an unreadable file, a stop asked by the sink, or a file of malformed
 * lines only; *items (may be NULL) is what was read. */
int filereport_read(const char *path, bool strict, bool sibling, struct source_sink *sink, uint64_t *items);
/* The same for a command that prints only the State: the entries' text is
 * not read (logreader_opts_t.no_text). */
int filereport_read_state(const char *path, bool strict, struct source_sink *sink);

#endif
