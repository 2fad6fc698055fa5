/* The one interface between sources of LogEntry values and their consumers.
 *
 * Every source takes this sink: the log file readers (logreader_next/pump),
 * recordings, the live Skaffold stream (sk_client_new) and a replay
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
 *             the next attempt (see transport/client.h).
 *   on_change (replay only) position, pause state or speed changed: the
 *             viewer redraws.
 *   on_error  for each problem the source recovered from or stopped at; where
 *             names the place ("FILE:LINE", "Events", "GetState"), msg says
 *             what is wrong. fatal tells whether the source stops because of it.
 *   on_warning for what the source read but wants the user to know (an
 *             enum value newer than our schema, an error the HTTP gateway
 *             wrote into its stream); nothing was lost and reading goes on.
 *   on_v2     zero or more times, once per v2 Event (Skaffold 2.x's
 *             SkaffoldV2Service, proto/v2/skaffold_v2.proto), from the live
 *             v2 Events stream (stream V2_EVENTS: every kind but
 *             applicationLogEvent) or ApplicationLogs stream (V2_APPLOGS),
 *             a FILE.v2, a gateway /v2/events or /v2/applicationLogs
 *             capture, or a recording (which says which stream each came
 *             from). Same ownership and return value as on_entry. v1 entries
 *             and v2 events come from different streams and are not ordered
 *             with each other; each stream is in order.
 *   on_v2_reset (live, replay) that v2 stream begins again and will replay
 *             what the server keeps (Events: everything since start;
 *             ApplicationLogs: the current dev loop's lines only): forget
 *             what was folded from it.
 *   on_v2_avail (live only) whether the server has the v2 service:
 *             V2_AVAILABLE once a v2 stream opened, V2_UNAVAILABLE after
 *             UNIMPLEMENTED (a Skaffold before 2.x: the session goes on with
 *             v1 alone), with a detail for the header.
 *   on_end    (file readers) exactly once, last: status 0 for a clean end (end
 *             of file), non-zero when it stopped on an error. Live reports its
 *             end as on_conn(LIVE_STOPPED); a replay can seek back, so it
 *             has no last call. */
#ifndef SKVIEW_SOURCE_H
#define SKVIEW_SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include "skaffold.pb-c.h"
#include "v2/skaffold_v2.pb-c.h"

/* The connection state of a live source (on_conn). */
typedef enum live_conn {
    LIVE_CONNECTING,     /* first attempt under way */
    LIVE_CONNECTED,      /* Events stream open */
    LIVE_RECONNECTING,   /* lost or refused; retry_ms until the next attempt */
    LIVE_STOPPED,
} live_conn_t;

/* The two v2 streams (on_v2, on_v2_reset). */
typedef enum v2_stream {
    V2_EVENTS,           /* v2 Events: tasks, subtasks, Skaffold's output */
    V2_APPLOGS,          /* v2 ApplicationLogs: the containers' output */
} v2_stream_t;

/* Whether the server serves v2 (on_v2_avail). */
typedef enum v2_avail {
    V2_UNKNOWN,          /* not asked yet (or the connection is down) */
    V2_AVAILABLE,
    V2_UNAVAILABLE,      /* UNIMPLEMENTED: v1 alone */
} v2_avail_t;

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
    int (*on_v2)(void *ctx, const Proto__V2__Event *ev, v2_stream_t stream);
    void (*on_v2_reset)(void *ctx, v2_stream_t stream);
    void (*on_v2_avail)(void *ctx, v2_avail_t avail, const char *detail);
} source_sink_t;

#endif
