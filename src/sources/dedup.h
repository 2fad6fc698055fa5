/* Recognising a replayed history.
 *
 * Skaffold's Events stream replays every entry since the server started on
 * each (re)connect. A consumer that writes entries out (a recording,
 * `skview events -a --follow`) must not write that replay twice, and must
 * tell the same session coming back from another session (a new Skaffold
 * process: another MetaEvent, other first entries).
 *
 * A dedup_t keeps, in order, a 64-bit hash of each packed entry of the
 * current session (8 bytes per entry). Call dedup_reset() when a new stream
 * begins (the Skaffold client's on_reset), then dedup_check() on each entry:
 *
 *   DEDUP_OLD          the replay of the entry at the same index: skip it.
 *   DEDUP_NEW          an entry of the same session not seen before: write it.
 *   DEDUP_NEW_SESSION  the first entry of another history (its first entry
 *                      differs from this session's first): a boundary; the
 *                      session restarts with this entry, and every entry of
 *                      the new history is DEDUP_NEW from here on.
 *   DEDUP_DIVERGED     the replay matched the first dedup_matched() entries,
 *                      then differed. One Skaffold process's log only grows,
 *                      so this is not expected; the entry and what follows
 *                      are new (the consumer should say so).
 * The entry after a reset that matches is followed by more DEDUP_OLD until
 * the replay reaches what was seen, then DEDUP_NEW. */
#ifndef SKVIEW_DEDUP_H
#define SKVIEW_DEDUP_H

#include <stddef.h>
#include <stdint.h>
#include "skaffold.pb-c.h"

typedef enum dedup_kind {
    DEDUP_OLD,
    DEDUP_NEW,
    DEDUP_NEW_SESSION,
    DEDUP_DIVERGED,
} dedup_kind_t;

/* A tail dedup (dedup_init_tail) serves a stream whose replay starts
 * anywhere in what was seen: v2 ApplicationLogs replays the current dev
 * loop's lines only. After a reset its first message is looked up among the
 * hashes kept (the last `cap`, oldest dropped first); found, the replay
 * continues from there (DEDUP_OLD while it matches); not found, it is new.
 * It never reports DEDUP_NEW_SESSION or DEDUP_DIVERGED: what differs is new. */
typedef struct dedup {
    uint64_t *hashes;      /* of the session's entries, in order */
    size_t n, cap;
    size_t at;             /* replay position: next hash a replay must match */
    int replaying;         /* after a reset, until the replay stops matching */
    uint8_t *buf;          /* packing scratch */
    size_t buf_cap;
    uint64_t sessions;     /* DEDUP_NEW_SESSION seen */
    size_t tail_cap;       /* a tail dedup: hashes kept; 0 for the history kind */
    int searching;         /* tail: the first message after a reset not looked up yet */
} dedup_t;

void dedup_init(dedup_t *d);
void dedup_free(dedup_t *d);
/* A new stream begins: what follows is compared with the session seen. */
void dedup_reset(dedup_t *d);
dedup_kind_t dedup_check(dedup_t *d, const Proto__LogEntry *e);
/* The same for any message (v2 Events). */
dedup_kind_t dedup_check_msg(dedup_t *d, const ProtobufCMessage *m);
/* A tail dedup keeping the last cap hashes (at least 2). */
void dedup_init_tail(dedup_t *d, size_t cap);
/* Entries of the replay in progress that matched so far. */
size_t dedup_matched(const dedup_t *d);

#endif
