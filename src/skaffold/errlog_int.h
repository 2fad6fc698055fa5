/* Private to src/skaffold: the error list, a ring of the newest errors_cap
 * errors. Ids increase; while they are consecutive (only the oldest ever
 * evicted) an id maps straight to its slot. Retracting errors (errlog_retract:
 * v2 errors that v1 takes over) leaves gaps; lookups then search. */
#ifndef SKVIEW_ERRLOG_INT_H
#define SKVIEW_ERRLOG_INT_H

#include "skaffold/model.h"

typedef struct errlog {
    size_t cap;
    model_error_t *ring;     /* oldest first from head */
    size_t alloc, head, count;
    uint64_t next_id;
    /* Ids of the unresolved errors, ascending. Resolving and repeat checks
     * look only here: a long session holds up to cap errors, mostly resolved,
     * and scanning them all on every success event cost 60% of a 1M fold. */
    uint64_t *open;
    size_t n_open, open_alloc;
    bool gaps;               /* ids are no longer consecutive */
} errlog_t;

void errlog_init(errlog_t *el, size_t cap);
void errlog_free(errlog_t *el);
/* Records the failure an event reports (model_event_error) and resolves
 * what its success fixes. Returns the id of the error raised or repeated, 0
 * if none. `entry` is the LogEntry sentence, the message of last resort for
 * a bare failure. */
uint64_t errlog_fold(errlog_t *el, const Proto__Event *ev, const char *entry,
                     uint64_t seq, int64_t t, int32_t iteration, uint32_t session);
size_t errlog_count(const errlog_t *el);
const model_error_t *errlog_at(const errlog_t *el, size_t newest_i);
const model_error_t *errlog_by_id(const errlog_t *el, uint64_t id);
size_t errlog_unresolved(const errlog_t *el);
/* Removes the errors with these ids (ascending; ids no longer held are
 * skipped). The others keep their ids and order. */
void errlog_retract(errlog_t *el, const uint64_t *ids, size_t n);

#endif
