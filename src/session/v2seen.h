/* Recognising what a reconnect replays on Skaffold 2.x's v2 streams, so that
 * a consumer that writes events out (`skview logs --follow`) writes each
 * once however often the connection is lost (dedup.h does the same for v1).
 *
 * The two streams replay differently (source.h, on_v2_reset):
 *   V2SEEN_ALL   v2 Events replays everything since the server started: the
 *                replay is the list seen from its start. Another first event
 *                is another server (a new session): a boundary.
 *   V2SEEN_TAIL  ApplicationLogs replays the current dev loop's lines only:
 *                the replay is a tail of the list, found by its first event.
 *                Not found: the server emptied its buffer (a new dev loop)
 *                and every line is new; lines before the tail can never
 *                come again and are forgotten.
 * Events are compared by a 64-bit hash of their bytes (8 bytes each); at
 * most V2SEEN_MAX are kept (the older half goes first: a replay longer
 * than that would repeat lines).
 *
 * Use: v2seen_init(); v2seen_reset() at each on_v2_reset; v2seen_check() on
 * each event; v2seen_free(). */
#ifndef SKVIEW_V2SEEN_H
#define SKVIEW_V2SEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "v2/skaffold_v2.pb-c.h"

#define V2SEEN_MAX (4u << 20)

typedef enum v2seen_mode { V2SEEN_ALL, V2SEEN_TAIL } v2seen_mode_t;

typedef enum v2seen_kind {
    V2SEEN_OLD,                  /* the replay of one seen: skip it */
    V2SEEN_NEW,                  /* not seen before: write it */
    V2SEEN_NEW_SESSION,          /* ALL: another history begins with it */
} v2seen_kind_t;

typedef struct v2seen {
    v2seen_mode_t mode;
    uint64_t *h;                 /* hashes, oldest first */
    size_t n, cap;
    size_t at;                   /* the replay's next index; SIZE_MAX before its first */
    bool replaying;
    uint8_t *buf;                /* packing scratch */
    size_t buf_cap;
} v2seen_t;

void v2seen_init(v2seen_t *s, v2seen_mode_t mode);
void v2seen_free(v2seen_t *s);
/* The stream begins again: what follows is its replay. */
void v2seen_reset(v2seen_t *s);
v2seen_kind_t v2seen_check(v2seen_t *s, const Proto__V2__Event *ev);

#endif
