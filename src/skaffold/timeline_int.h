/* Private to src/skaffold: the dev-loop timeline, oldest iteration first. */
#ifndef SKVIEW_TIMELINE_INT_H
#define SKVIEW_TIMELINE_INT_H

#include <stdbool.h>
#include "core/keyidx.h"
#include "skaffold/model.h"

typedef struct tl_iter {
    iteration_t it;          /* what readers see */
    size_t builds_alloc;
    keyidx_t builds_ix;      /* it.builds by artifact (keyidx.h) */
    bool open;               /* still taking phase events */
    uint64_t last_error;     /* newest error raised in it, for error_id */
} tl_iter_t;

typedef struct tl {
    size_t cap;
    tl_iter_t **iters;       /* a ring once full: the oldest at head (tl_iter) */
    size_t n, alloc, head;
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

/* ---- v2 tasks (tasks.c) ------------------------------------------------------
 * The same timeline built from TaskEvents and subtask events: the caller
 * gives model iteration numbers (v2's minus one) and status kinds. Call
 * tl_begin before each event, then at most one of these, then
 * tl_note_error as with tl_fold. */
typedef enum tl_span_id {
    TL_SPAN_TEST,
    TL_SPAN_DEPLOY,
    TL_SPAN_STATUSCHECK,
    TL_SPAN_SYNC,
    TL_SPAN_RENDER,
    TL_SPAN_VERIFY,
    TL_SPAN_EXEC,
} tl_span_id_t;

void tl_begin(tl_t *tl);
/* A DevLoop task: InProgress opens iteration `number`, a final status ends it. */
void tl_task_devloop(tl_t *tl, int32_t number, status_kind_t k, int64_t t);
/* A phase task: its span in iteration `number` (the open one, or an
 * implicit one when no dev loop is open). */
void tl_task_phase(tl_t *tl, tl_span_id_t id, int32_t number, status_kind_t k, int64_t t);
/* A BuildSubtaskEvent: step "Build" (cache_step false) moves the
 * artifact's span; step "Cache" only its cache result. platforms (may be
 * NULL or "") replaces the artifact's platforms when given. */
void tl_task_build(tl_t *tl, int32_t number, const char *artifact, bool cache_step,
                   status_kind_t k, const char *platforms, int64_t t);
/* Ends the open iteration, if any, at t (a new session). */
void tl_close_open(tl_t *tl, int64_t t);
/* The error list the iterations point into was emptied. */
void tl_forget_errors(tl_t *tl);

/* What readers see: session by session, the tasks' iterations (v2) for a
 * session that has tasks (tasks[session - 1] != 0), else v1's; the newest
 * cap. With relink (v1 keeps the errors), each tasks iteration first takes
 * the error_id of v1's iteration of the same session and number (0 if v1
 * has none yet). */
typedef struct tl_view {
    const iteration_t **v;
    size_t n, alloc;
    bool valid;              /* cleared by whoever changes what it shows */
} tl_view_t;

void tl_view_build(tl_view_t *vw, const tl_t *v1, tl_t *v2, const uint8_t *tasks, size_t n_tasks,
                   bool relink, size_t cap);
void tl_view_free(tl_view_t *vw);

#endif
