/* The one interface between sources of LogEntry values and their consumers.
 *
 * A source (a log file reader, the gRPC Events stream, a replay) calls, on one
 * thread and in this order:
 *   on_entry  zero or more times, once per LogEntry, in stream order. The entry
 *             and everything it points to belong to the source and are valid
 *             only during the call: a consumer that keeps anything copies it.
 *             Returning non-zero asks the source to stop (no further on_entry).
 *   on_error  for each problem the source recovered from or stopped at; where
 *             names the place ("FILE:LINE", "Events", "GetState"), msg says
 *             what is wrong. fatal tells whether the source stops because of it.
 *   on_warning for what the source read but wants the user to know (an
 *             enum value newer than our schema, an error the HTTP gateway
 *             wrote into its stream); nothing was lost and reading goes on.
 *   on_end    exactly once, last: status 0 for a clean end (end of file, the
 *             server closed the stream), non-zero when it stopped on an error.
 * Any callback may be NULL. */
#ifndef SKVIEW_SOURCE_H
#define SKVIEW_SOURCE_H

#include <stdbool.h>
#include "skaffold.pb-c.h"

typedef struct source_sink {
    void *ctx;
    int (*on_entry)(void *ctx, const Proto__LogEntry *entry);
    void (*on_error)(void *ctx, const char *where, const char *msg, bool fatal);
    void (*on_end)(void *ctx, int status);
    void (*on_warning)(void *ctx, const char *where, const char *msg);
} source_sink_t;

#endif
