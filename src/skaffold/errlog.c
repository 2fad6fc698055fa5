/* The error list: every failure the events report (with its ActionableErr,
 * or legacy err/errCode pair), tied to where it came from, folded when
 * repeated, and resolved when the same thing later succeeds. The rule of
 * what is an error lives here once (model_event_error). */
#include <stdlib.h>
#include <string.h>
#include "skaffold/errlog_int.h"
#include "skaffold/model_int.h"

/* Where an event's error comes from, in one shape for every event kind. */
typedef struct err_src {
    phase_t phase;
    const char *subject;              /* artifact, resource, image or "" */
    const char *status;
    const Proto__ActionableErr *ae;   /* NULL if the event has none */
    const char *legacy_msg;           /* deprecated err string, "" if none */
    int legacy_code;                  /* deprecated errCode */
} err_src_t;

void errlog_init(errlog_t *el, size_t cap)
{
    memset(el, 0, sizeof *el);
    el->cap = cap;
    el->next_id = 1;
}

static void errlog_error_free(model_error_t *e)
{
    free(e->subject);
    free(e->message);
    for (size_t i = 0; i < e->n_suggestions; i++)
        free(e->suggestions[i].action);
    free(e->suggestions);
}

static model_error_t *errlog_oldest(const errlog_t *el, size_t i)
{
    return &el->ring[(el->head + i) % el->alloc];
}

void errlog_free(errlog_t *el)
{
    for (size_t i = 0; i < el->count; i++)
        errlog_error_free(errlog_oldest(el, i));
    free(el->ring);
    free(el->open);
    errlog_init(el, el->cap);
}

static const char *str_or_empty(const char *s)
{
    return s ? s : "";
}

static void src_set(err_src_t *s, phase_t p, const char *subject, const char *status,
                    const Proto__ActionableErr *ae, const char *legacy_msg, int legacy_code)
{
    s->phase = p;
    s->subject = str_or_empty(subject);
    s->status = str_or_empty(status);
    s->ae = ae;
    s->legacy_msg = str_or_empty(legacy_msg);
    s->legacy_code = legacy_code;
}

/* Fills s from the events that can carry an error; false for the others. */
static bool errlog_source(const Proto__Event *ev, err_src_t *s)
{
    const Proto__BuildEvent *b = ev->buildevent;
    const Proto__DeployEvent *d = ev->deployevent;
    const Proto__StatusCheckEvent *sc = ev->statuscheckevent;
    const Proto__ResourceStatusCheckEvent *r = ev->resourcestatuscheckevent;
    const Proto__FileSyncEvent *f = ev->filesyncevent;

    switch (ev->event_type_case) {
    case PROTO__EVENT__EVENT_TYPE_BUILD_EVENT:
        src_set(s, PHASE_BUILD, b->artifact, b->status, b->actionableerr, b->err, b->errcode);
        return true;
    case PROTO__EVENT__EVENT_TYPE_DEPLOY_EVENT:
        src_set(s, PHASE_DEPLOY, "", d->status, d->actionableerr, d->err, d->errcode);
        return true;
    case PROTO__EVENT__EVENT_TYPE_STATUS_CHECK_EVENT:
        src_set(s, PHASE_STATUSCHECK, "", sc->status, sc->actionableerr, sc->err, sc->errcode);
        return true;
    case PROTO__EVENT__EVENT_TYPE_RESOURCE_STATUS_CHECK_EVENT:
        src_set(s, PHASE_RESOURCE, r->resource, r->status, r->actionableerr, r->err,
                r->statuscode);
        return true;
    case PROTO__EVENT__EVENT_TYPE_FILE_SYNC_EVENT:
        src_set(s, PHASE_SYNC, f->image, f->status, f->actionableerr, f->err, f->errcode);
        return true;
    case PROTO__EVENT__EVENT_TYPE_TEST_EVENT:
        src_set(s, PHASE_TEST, "", ev->testevent->status, ev->testevent->actionableerr, "", 0);
        return true;
    case PROTO__EVENT__EVENT_TYPE_DEV_LOOP_EVENT:
        src_set(s, PHASE_DEVLOOP, "", ev->devloopevent->status, ev->devloopevent->err, "", 0);
        return true;
    case PROTO__EVENT__EVENT_TYPE_TERMINATION_EVENT:
        src_set(s, PHASE_TERMINATION, "", ev->terminationevent->status,
                ev->terminationevent->err, "", 0);
        return true;
    default:
        return false;
    }
}

/* Which errors a success of (phase, subject) fixes. */
static bool errlog_fixes(phase_t ok, const char *subject, const model_error_t *e)
{
    switch (ok) {
    case PHASE_BUILD:
    case PHASE_RESOURCE:
        return e->phase == ok && strcmp(e->subject, subject) == 0;
    case PHASE_STATUSCHECK:
        return e->phase == PHASE_STATUSCHECK || e->phase == PHASE_RESOURCE;
    case PHASE_TEST:
    case PHASE_DEPLOY:
    case PHASE_SYNC:
    case PHASE_DEVLOOP:
        return e->phase == ok;
    default:
        return false; /* a termination is final: nothing after it fixes it */
    }
}

static void errlog_resolve(errlog_t *el, phase_t ok, const char *subject)
{
    size_t kept = 0;
    for (size_t i = 0; i < el->n_open; i++) {
        model_error_t *e = (model_error_t *)errlog_by_id(el, el->open[i]);
        if (errlog_fixes(ok, subject, e))
            e->resolved = true;
        else
            el->open[kept++] = el->open[i];
    }
    el->n_open = kept;
}

/* The newest unresolved error of phase+subject, if it says the same thing. */
static model_error_t *errlog_repeat_of(const errlog_t *el, phase_t p, const char *subject,
                                       int code, const char *message)
{
    for (size_t i = el->n_open; i-- > 0;) {
        model_error_t *e = (model_error_t *)errlog_by_id(el, el->open[i]);
        if (e->phase != p || strcmp(e->subject, subject) != 0)
            continue;
        return e->code == code && strcmp(e->message, message) == 0 ? e : NULL;
    }
    return NULL;
}

/* The open phase error of the session that says exactly this, if any (an
 * error that repeats keeps the iteration of its first report, so the
 * iteration is not compared). */
static model_error_t *errlog_restated(const errlog_t *el, int code, const char *message,
                                      uint32_t session)
{
    for (size_t i = el->n_open; i-- > 0;) {
        model_error_t *e = (model_error_t *)errlog_by_id(el, el->open[i]);
        if (e->phase != PHASE_DEVLOOP && e->session == session &&
            e->code == code && strcmp(e->message, message) == 0)
            return e;
    }
    return NULL;
}

static void errlog_open_push(errlog_t *el, uint64_t id)
{
    el->open = model_grow(el->open, &el->open_alloc, el->n_open + 1, sizeof *el->open, el->cap);
    el->open[el->n_open++] = id;
}

/* The oldest error is leaving the ring: if it is still open, it is the
 * first id of the open list. */
static void errlog_open_evict(errlog_t *el, uint64_t id)
{
    if (el->n_open && el->open[0] == id)
        memmove(el->open, el->open + 1, --el->n_open * sizeof *el->open);
}

static void errlog_copy_suggestions(model_error_t *e, const Proto__ActionableErr *ae)
{
    if (ae == NULL || ae->n_suggestions == 0)
        return;
    e->suggestions = xcalloc(ae->n_suggestions, sizeof *e->suggestions);
    for (size_t i = 0; i < ae->n_suggestions; i++) {
        e->suggestions[i].code = ae->suggestions[i]->suggestioncode;
        e->suggestions[i].action = xstrdup(str_or_empty(ae->suggestions[i]->action));
    }
    e->n_suggestions = ae->n_suggestions;
}

/* A fresh slot for the newest error, evicting the oldest when full. */
static model_error_t *errlog_slot(errlog_t *el)
{
    model_error_t *e;

    if (el->count == el->cap) {
        e = errlog_oldest(el, 0);
        errlog_open_evict(el, e->id);
        errlog_error_free(e);
        el->head = (el->head + 1) % el->alloc;
    } else {
        /* Not yet wrapped, so head is 0 and the ring can grow in place. */
        el->ring = model_grow(el->ring, &el->alloc, el->count + 1, sizeof *el->ring, el->cap);
        e = &el->ring[el->count++];
    }
    memset(e, 0, sizeof *e);
    return e;
}

bool model_event_error(const Proto__Event *ev, phase_t *phase)
{
    err_src_t s;

    if (ev == NULL || !errlog_source(ev, &s) || status_kind(s.status) != STATUS_FAILED)
        return false;
    if (phase != NULL)
        *phase = s.phase;
    return true;
}

bool model_entry_error(const Proto__LogEntry *e, phase_t *phase)
{
    return e != NULL && model_event_error(e->event, phase);
}

bool model_v2_error(const Proto__V2__Event *ev)
{
    if (ev->event_type_case == PROTO__V2__EVENT__EVENT_TYPE_TASK_EVENT)
        return status_kind(ev->taskevent->status) == STATUS_FAILED &&
               (!ev->taskevent->task || strcmp(ev->taskevent->task, "DevLoop") != 0);
    return ev->event_type_case == PROTO__V2__EVENT__EVENT_TYPE_STATUS_CHECK_SUBTASK_EVENT &&
           status_kind(ev->statuschecksubtaskevent->status) == STATUS_FAILED;
}

typedef struct err_what {
    int code;
    const char *message;
    const Proto__ActionableErr *ae;
} err_what_t;

/* What a failure reports: its ActionableErr, or the legacy pair, worded by
 * its LogEntry sentence when it says nothing itself. */
static void errlog_what(const err_src_t *s, const char *entry, err_what_t *w)
{
    w->ae = s->ae;
    w->code = s->ae && s->ae->errcode ? (int)s->ae->errcode : s->legacy_code;
    w->message = s->ae && s->ae->message && *s->ae->message ? s->ae->message : s->legacy_msg;
    if (*w->message == '\0')
        w->message = str_or_empty(entry);
}

uint64_t errlog_fold(errlog_t *el, const Proto__Event *ev, const char *entry,
                     uint64_t seq, int64_t t, int32_t iteration, uint32_t session)
{
    err_src_t s;
    err_what_t w;

    if (!errlog_source(ev, &s))
        return 0;
    status_kind_t k = status_kind(s.status);
    /* Resolve first: a success never resolves what it reports itself. */
    if (k == STATUS_SUCCEEDED)
        errlog_resolve(el, s.phase, s.subject);
    if (k != STATUS_FAILED)
        return 0;
    errlog_what(&s, entry, &w);
    model_error_t *rep = errlog_repeat_of(el, s.phase, s.subject, w.code, w.message);
    if (rep != NULL) {
        rep->repeats++;
        return rep->id;
    }
    /* Skaffold ends a failed iteration with a DevLoopEvent carrying the
     * phase's own error again: that is the same failure, not a second row. */
    if (s.phase == PHASE_DEVLOOP && (rep = errlog_restated(el, w.code, w.message, session)))
        return rep->id;
    model_error_t *e = errlog_slot(el);
    e->id = el->next_id++;
    e->seq = seq;
    e->time_ns = t;
    e->phase = s.phase;
    e->subject = xstrdup(s.subject);
    e->iteration = iteration;
    e->session = session;
    e->code = w.code;
    e->message = xstrdup(w.message);
    errlog_copy_suggestions(e, w.ae);
    errlog_open_push(el, e->id);
    return e->id;
}

size_t errlog_count(const errlog_t *el)
{
    return el->count;
}

const model_error_t *errlog_at(const errlog_t *el, size_t newest_i)
{
    return newest_i < el->count ? errlog_oldest(el, el->count - 1 - newest_i) : NULL;
}

const model_error_t *errlog_by_id(const errlog_t *el, uint64_t id)
{
    if (el->count == 0)
        return NULL;
    uint64_t first = errlog_oldest(el, 0)->id;
    if (id < first)
        return NULL;
    if (!el->gaps)
        return id - first < el->count ? errlog_oldest(el, (size_t)(id - first)) : NULL;
    size_t lo = 0, hi = el->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        model_error_t *e = errlog_oldest(el, mid);
        if (e->id == id)
            return e;
        if (e->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static bool ids_has(const uint64_t *ids, size_t n, uint64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] == id)
            return true;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Rewrites the ring oldest first from slot 0 without the retracted errors;
 * the open list loses them too. */
void errlog_retract(errlog_t *el, const uint64_t *ids, size_t n)
{
    if (n == 0 || el->count == 0)
        return;
    model_error_t *ring = xcalloc(el->alloc, sizeof *ring);
    size_t kept = 0;
    for (size_t i = 0; i < el->count; i++) {
        model_error_t *e = errlog_oldest(el, i);
        if (ids_has(ids, n, e->id))
            errlog_error_free(e);
        else
            ring[kept++] = *e;
    }
    if (kept == el->count) {
        free(ring);
        return;
    }
    free(el->ring);
    el->ring = ring;
    el->head = 0;
    el->count = kept;
    el->gaps = true;
    size_t open_kept = 0;
    for (size_t i = 0; i < el->n_open; i++)
        if (!ids_has(ids, n, el->open[i]))
            el->open[open_kept++] = el->open[i];
    el->n_open = open_kept;
}

size_t errlog_unresolved(const errlog_t *el)
{
    return el->n_open;
}
