/* Private to src/model: the dev-loop timeline, oldest iteration first. */
#ifndef SKVIEW_TIMELINE_INT_H
#define SKVIEW_TIMELINE_INT_H

#include <stdbool.h>
#include "skaffold/model.h"

typedef struct tl_iter {
    iteration_t it;          /* what readers see */
    size_t builds_alloc;
    bool open;               /* still taking phase events */
    uint64_t last_error;     /* newest error raised in it, for error_id */
} tl_iter_t;

typedef struct tl {
    size_t cap;
    tl_iter_t **iters;       /* oldest first */
    size_t n, alloc;
    tl_iter_t *touched;      /* the iteration the current entry went to */
    bool ended;              /* the current entry ended `touched` */
    uint32_t session;        /* given to the iterations opened from now on */
} tl_t;

void tl_init(tl_t *tl, size_t cap);
void tl_free(tl_t *tl);
/* A new session begins at t: the open iteration (if any) ends there, and
 * the next ones belong to `session`. */
void tl_set_session(tl_t *tl, uint32_t session, int64_t t);
/* Folds one event's effect on iterations and spans. */
void tl_fold(tl_t *tl, const Proto__Event *ev, int64_t t);
/* After tl_fold: ties the error the same entry raised (0 = none) to the
 * iteration it went to, and records it as the one that ended it. */
void tl_note_error(tl_t *tl, uint64_t error_id);
/* The number of the newest iteration, 0 if none. */
int32_t tl_current_number(const tl_t *tl);
const iteration_t *tl_at(const tl_t *tl, size_t i);

#endif
