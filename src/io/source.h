/* The one interface between sources of LogEntry values and their consumers.
 *
 * Every source takes this sink: the log file readers (logreader_next/pump),
 * recordings, the live Skaffold stream (live_client_new) and a replay
 * (replay_open). A source that has no use for a callback never calls it
 * (which ones each source calls is listed below); any callback may be NULL.
 *
 * All calls come on one thread (the loop thread for live and replay) in this
 * order:
 *   on_reset  (live, replay) a new stream of entries begins: forget what was
 *             folded so far. Live calls it just before the first entry of
 *             each new Events stream; a replay on open-from-start and before
 *             it folds again after seeking backwards.
 *   on_entry  zero or more times, once per LogEntry, in stream order. The entry
 *             and everything it points to belong to the source and are valid
 *             only during the call: a consumer that keeps anything copies it.
 *             Returning non-zero asks a file reader to stop (no further
 *             on_entry); live and replay ignore the value.
 *   on_state_request, on_state (live only) a GetState answer; tag is what
 *             on_state_request returned when the GetState was sent (the
 *             consumer passes its model_seq()).
 *   on_conn   (live only) connection changes; detail names the cause
 *             ("UNAVAILABLE: Connection refused"), retry_ms the delay before
 *             the next attempt (see live/client.h).
 *   on_change (replay only) position, pause state or speed changed: the
 *             viewer redraws.
 *   on_error  for each problem the source recovered from or stopped at; where
 *             names the place ("FILE:LINE", "Events", "GetState"), msg says
 *             what is wrong. fatal tells whether the source stops because of it.
 *   on_warning for what the source read but wants the user to know (an
 *             enum value newer than our schema, an error the HTTP gateway
 *             wrote into its stream); nothing was lost and reading goes on.
 *   on_end    (file readers) exactly once, last: status 0 for a clean end (end
 *             of file), non-zero when it stopped on an error. Live reports its
 *             end as on_conn(LIVE_STOPPED); a replay can seek back, so it
 *             has no last call. */
#ifndef SKVIEW_SOURCE_H
#define SKVIEW_SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include "skaffold.pb-c.h"

/* The connection state of a live source (on_conn). */
typedef enum live_conn {
    LIVE_CONNECTING,     /* first attempt under way */
    LIVE_CONNECTED,      /* Events stream open */
    LIVE_RECONNECTING,   /* lost or refused; retry_ms until the next attempt */
    LIVE_STOPPED,
} live_conn_t;

typedef struct source_sink {
    void *ctx;
    int (*on_entry)(void *ctx, const Proto__LogEntry *entry);
    void (*on_error)(void *ctx, const char *where, const char *msg, bool fatal);
    void (*on_end)(void *ctx, int status);
    void (*on_warning)(void *ctx, const char *where, const char *msg);
    void (*on_reset)(void *ctx);
    uint64_t (*on_state_request)(void *ctx);
    void (*on_state)(void *ctx, const Proto__State *state, uint64_t tag);
    void (*on_conn)(void *ctx, live_conn_t conn, const char *detail, uint64_t retry_ms);
    void (*on_change)(void *ctx);
} source_sink_t;

#endif
