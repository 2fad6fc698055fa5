/* `skview state --timeline`: the dev loops of a fold, one line per
 * iteration and one per step that ran in it (each artifact's build, test,
 * render, deploy, status check, sync, verify, exec).
 *
 * Text, for a person: "iteration N session S explicit|implicit STATUS START
 * DURATION error CODE|-", then "  build ARTIFACT STATUS START DURATION cache
 * -|checking|hit|miss" and "  STEP STATUS START DURATION". STATUS is one word
 * ("in_progress"), START the UTC time to the millisecond (RFC 3339, as
 * `skview events` prints), DURATION as the viewer shows it ("850ms",
 * "4.2s", "1m05s"); "-" for a time not known (not started, not ended),
 * "out-of-range" for one before 1677 or after 2262 (the model keeps
 * nanoseconds: such a time is saturated, its value lost).
 * Wire text is terminal-safe.
 *
 * JSON (--json), for a program: one object per iteration, the numbers kept:
 * {"iteration", "session", "implicit", "status", "start", "end", "duration",
 * "error", "steps": [{"step", "artifact", "status", "start", "end",
 * "duration", "cache"}]}: start and end in seconds since 1970 and duration
 * in seconds, each with nine decimals, or null when not known or out of
 * range; error the
 * status code's name or null; artifact and cache only for builds. */
#ifndef SKVIEW_TLPRINT_H
#define SKVIEW_TLPRINT_H

#include <stdbool.h>
#include "core/strbuf.h"
#include "skaffold/model.h"

/* Appends the timeline of m to out, as text or JSON lines. */
void tlprint(strbuf_t *out, const model_t *m, bool json);

#endif
