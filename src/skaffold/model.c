/* The model: folds LogEntry values into the mirror of Skaffold's State
 * (mirror.c), the timeline, the error list, the resource details and the
 * history, and answers the readers. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/pbjson.h"
#include "skaffold/model.h"
#include "skaffold/model_int.h"
#include "skaffold/modelstate_int.h"

/* ---- allocation ------------------------------------------------------------ */

void *model_grow(void *arr, size_t *alloc, size_t need, size_t elem, size_t limit)
{
    if (need <= *alloc)
        return arr;
    size_t n = *alloc ? *alloc * 2 : 8;
    if (n < need)
        n = need;
    if (limit != 0 && n > limit)
        n = limit > need ? limit : need;
    arr = xrealloc(arr, n * elem);
    *alloc = n;
    return arr;
}

int64_t model_time_ns(const Proto__LogEntry *e)
{
    if (e->timestamp == NULL)
        return 0;
    /* Saturated past 2262 (found by fuzzing: year 4042). */
    return pbjson_time_ns(e->timestamp->seconds, e->timestamp->nanos);
}

void *pb_new(const ProtobufCMessageDescriptor *d)
{
    void *msg = xmalloc(d->sizeof_message);
    protobuf_c_message_init(d, msg);
    return msg;
}

/* The unknown-field counts of msg and every message below it, in a fixed
 * walk order: saved and zeroed (restore false), or put back (true). */
typedef struct unk_saved {
    size_t *at, n, alloc;
} unk_saved_t;

static void unknowns_walk(ProtobufCMessage *m, unk_saved_t *sv, bool restore)
{
    if (restore) {
        m->n_unknown_fields = sv->at[sv->n++];
    } else {
        if (sv->n == sv->alloc) {
            sv->alloc = sv->alloc ? 2 * sv->alloc : 16;
            sv->at = xrealloc(sv->at, sv->alloc * sizeof *sv->at);
        }
        sv->at[sv->n++] = m->n_unknown_fields;
        m->n_unknown_fields = 0;
    }
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        char *base = (char *)m;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t count = *(size_t *)(base + f->quantifier_offset);
            ProtobufCMessage **arr = *(ProtobufCMessage ***)(base + f->offset);
            for (size_t k = 0; k < count; k++)
                unknowns_walk(arr[k], sv, restore);
            continue;
        }
        if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) && *(uint32_t *)(base + f->quantifier_offset) != f->id)
            continue;
        ProtobufCMessage *sub = *(ProtobufCMessage **)(base + f->offset);
        if (sub)
            unknowns_walk(sub, sv, restore);
    }
}

static ProtobufCMessage *pack_unpack(const ProtobufCMessage *msg)
{
    size_t n = protobuf_c_message_get_packed_size(msg);
    uint8_t *buf = xmalloc(n);
    protobuf_c_message_pack(msg, buf);
    ProtobufCMessage *copy = protobuf_c_message_unpack(msg->descriptor, NULL, n, buf);
    free(buf);
    return copy;
}

ProtobufCMessage *pb_dup(const ProtobufCMessage *msg)
{
    if (msg == NULL)
        return NULL;
    ProtobufCMessage *copy = pack_unpack(msg);
    if (copy != NULL)
        return copy;
    /* Hostile input: unknown fields that protobuf-c kept but cannot read
     * back once packed (a known field's number with another wire type).
     * Copy without the unknown fields (the counts are put back at once:
     * msg is the caller's, on this thread). */
    unk_saved_t sv = {0};
    unknowns_walk((ProtobufCMessage *)msg, &sv, false);
    copy = pack_unpack(msg);
    sv.n = 0;
    unknowns_walk((ProtobufCMessage *)msg, &sv, true);
    free(sv.at);
    /* Never NULL: the known fields of a decoded message pack back, but an
     * empty message is what a caller gets rather than an abort. */
    return copy ? copy : pb_new(msg->descriptor);
}

const char *phase_name(phase_t p)
{
    static const char *const names[PHASE__COUNT] = {
        [PHASE_BUILD] = "build",
        [PHASE_TEST] = "test",
        [PHASE_DEPLOY] = "deploy",
        [PHASE_STATUSCHECK] = "status check",
        [PHASE_RESOURCE] = "resource",
        [PHASE_SYNC] = "sync",
        [PHASE_DEVLOOP] = "dev loop",
        [PHASE_TERMINATION] = "termination",
    };
    return (unsigned)p < PHASE__COUNT ? names[p] : "unknown";
}

static void str_replace(char **dst, const char *src)
{
    free(*dst);
    *dst = xstrdup(src ? src : "");
}

void model_set_version(model_t *m, const char *version)
{
    str_replace(&m->version, version);
}

void model_set_terminated(model_t *m, const char *status)
{
    m->terminated = true;
    str_replace(&m->term_status, status);
}

/* ---- life cycle ---------------------------------------------------------------- */

static size_t cap_or(size_t cap, size_t dflt)
{
    return cap ? cap : dflt;
}

static void model_init_parts(model_t *m)
{
    mirror_init(&m->mirror);
    resets_init(&m->resets);
    reslist_init(&m->res);
    m->v1_session = 0;
    m->version = xstrdup("");
    m->term_status = xstrdup("");
    hist_init(&m->hist, m->opts.history_cap);
    tl_init(&m->tl, m->opts.timeline_cap);
    errlog_init(&m->errs, m->opts.errors_cap);
}

static void model_free_parts(model_t *m)
{
    mirror_free(&m->mirror);
    reslist_free(&m->res);
    free(m->version);
    free(m->term_status);
    hist_free(&m->hist);
    tl_free(&m->tl);
    errlog_free(&m->errs);
}

model_t *model_new(const model_opts_t *opts)
{
    model_t *m = xcalloc(1, sizeof *m);
    model_opts_t o = opts ? *opts : (model_opts_t){ 0 };

    m->opts = o;
    m->opts.history_cap = cap_or(o.history_cap, MODEL_HISTORY_DEFAULT);
    m->opts.timeline_cap = cap_or(o.timeline_cap, MODEL_TIMELINE_DEFAULT);
    m->opts.errors_cap = cap_or(o.errors_cap, MODEL_ERRORS_DEFAULT);
    model_init_parts(m);
    model_rows_init(m);
    tasks_init(&m->tasks, m->opts.timeline_cap);
    m->logs = logs_new(o.logs_cap);
    return m;
}

void model_free(model_t *m)
{
    if (m == NULL)
        return;
    model_free_parts(m);
    model_rows_free(m);
    tasks_free(&m->tasks);
    logs_free(m->logs);
    tl_view_free(&m->view);
    free(m->sessions);
    free(m);
}

void model_clear(model_t *m)
{
    model_free_parts(m);
    m->seq = 0;
    m->terminated = false;
    m->last_time = 0;
    m->state_known = false;
    model_init_parts(m);
    /* What v2 folded stays (its stream replays on its own, model_clear_v2):
     * its sessions, with no v1 entry in them now; the errors it raised went
     * with the list, the mirror it built with the mirror. */
    if (m->n_sessions > m->tasks.session)
        m->n_sessions = m->tasks.session;
    for (size_t i = 0; i < m->n_sessions; i++)
        m->sessions[i].seq = UINT64_MAX;
    m->tasks.n_errs = 0;
    tl_forget_errors(&m->tasks.tl);
    m->tasks.mirror_used = false;
    model_timeline_changed(m);
    m->generation++;
}

void model_new_server(model_t *m)
{
    const log_line_t *last = logs_count(m->logs) ? logs_get(m->logs, logs_last(m->logs)) : NULL;
    uint32_t held = last ? last->session : 0;
    if (held < m->n_sessions)
        held = (uint32_t)m->n_sessions;
    if (m->session_floor < held)
        m->session_floor = held;
}

void model_mirror_restart(model_t *m)
{
    mirror_free(&m->mirror);
    mirror_init(&m->mirror);
    m->state_known = false;
    reslist_clear(&m->res);
    str_replace(&m->version, "");
    m->terminated = false;
    str_replace(&m->term_status, "");
}

/* ---- folding ------------------------------------------------------------------- */

/* What the model keeps about the session itself, outside the State. */
static void model_fold_session(model_t *m, const Proto__Event *ev)
{
    if (ev->event_type_case == PROTO__EVENT__EVENT_TYPE_META_EVENT)
        model_set_version(m, ev->metaevent->entry);
    else if (ev->event_type_case == PROTO__EVENT__EVENT_TYPE_TERMINATION_EVENT)
        model_set_terminated(m, ev->terminationevent->status);
}

void model_session_reach(model_t *m, uint32_t k, uint64_t seq, int64_t t)
{
    while (m->n_sessions < k) {
        m->sessions = model_grow(m->sessions, &m->sessions_alloc, m->n_sessions + 1,
                                 sizeof *m->sessions, 0);
        m->sessions[m->n_sessions++] = (model_session_t){ UINT64_MAX, t };
    }
    if (k < 1)
        return;
    model_session_t *s = &m->sessions[k - 1];
    if (seq != UINT64_MAX)
        s->seq = seq;
    if (t != 0 && (s->t0 == 0 || t < s->t0))
        s->t0 = t;
}

uint32_t model_session_match(const model_t *m, uint32_t after, int64_t t)
{
    const int64_t slack = 1000000000; /* 1 s */
    int64_t by = t > INT64_MAX - slack ? INT64_MAX : t + slack;
    if (after < m->session_floor)
        after = m->session_floor;
    if (t != 0)
        for (size_t k = m->n_sessions; k > after; k--)
            if (m->sessions[k - 1].t0 != 0 && m->sessions[k - 1].t0 <= by)
                return (uint32_t)k;
    return after + 1;
}

/* v1 enters its next session with this entry (the first one, or a
 * MetaEvent after others); v2 may have started it already. */
static void model_session_start(model_t *m, uint64_t seq, int64_t t)
{
    if (m->v1_session < m->session_floor)
        m->v1_session = m->session_floor;
    m->v1_session++;
    model_session_reach(m, m->v1_session, seq, t);
    tl_set_session(&m->tl, m->v1_session, t);
}

void model_apply_resets(model_t *m, unsigned resets)
{
    if (resets == 0)
        return;
    mirror_reset(&m->mirror, resets);
    /* Every reset but the test's empties the resources map. */
    if (resets & (MIRROR_RESET_SESSION | MIRROR_RESET_BUILD | MIRROR_RESET_DEPLOY))
        reslist_clear(&m->res);
    if (resets & MIRROR_RESET_SESSION) {
        str_replace(&m->version, "");
        m->terminated = false;
        str_replace(&m->term_status, "");
    }
}

/* What the viewer shows beside the mirror: the resources' details, the
 * timeline first, so an error is tied to the iteration its entry opened or
 * ended; then the error, so the timeline can point at it. */
static void model_fold_views(model_t *m, const Proto__LogEntry *e, uint64_t seq, int64_t t)
{
    const Proto__Event *ev = e->event;
    if (ev->event_type_case == PROTO__EVENT__EVENT_TYPE_RESOURCE_STATUS_CHECK_EVENT)
        reslist_fold(&m->res, ev->resourcestatuscheckevent, t);
    tl_fold(&m->tl, ev, t);
    uint64_t eid = errlog_fold(&m->errs, ev, model_nz(e->entry), seq, t, tl_current_number(&m->tl),
                               m->v1_session);
    tl_note_error(&m->tl, eid);
}

int model_fold(model_t *m, const Proto__LogEntry *e)
{
    return model_fold_packed(m, e, NULL, 0);
}

int model_fold_packed(model_t *m, const Proto__LogEntry *e, const uint8_t *packed, size_t len)
{
    const Proto__Event *ev = e->event;
    if (!m->v1_seen)
        tasks_v1_arrives(m);
    uint64_t seq = m->seq++;
    int64_t t = model_time_ns(e);
    bool has_event = ev != NULL && ev->event_type_case != PROTO__EVENT__EVENT_TYPE__NOT_SET;
    unsigned resets = has_event ? resets_before(&m->resets, ev) : 0;

    m->generation++;
    model_timeline_changed(m);
    if (m->v1_session == 0 || (resets & MIRROR_RESET_SESSION))
        model_session_start(m, seq, t);
    if (!m->opts.no_history)
        hist_push(&m->hist, e, (uint8_t)resets, packed, len);
    if (t != 0)
        m->last_time = t;
    if (!has_event)
        return -1;
    model_apply_resets(m, resets);
    mirror_fold(&m->mirror, ev);
    model_rows_note(m, false);
    model_fold_session(m, ev);
    if (!m->opts.state_only)
        model_fold_views(m, e, seq, t);
    return 0;
}

/* Folds seq again from the history onto the mirror, with its resets. */
static void model_refold(model_t *m, uint64_t seq)
{
    size_t len;
    uint8_t resets = 0;
    const uint8_t *data = hist_get(&m->hist, seq, &len, &resets);
    /* protobuf-c keeps unknown fields it cannot pack back into a valid
     * message (field number 0, found by fuzzing), so a hostile entry can
     * fail to decode from the history: skip it, never die on wire data. */
    Proto__LogEntry *e = data ? proto__log_entry__unpack(NULL, len, data) : NULL;
    if (e == NULL) {
        m->undecodable++;
        return;
    }
    if (e->event != NULL && e->event->event_type_case != PROTO__EVENT__EVENT_TYPE__NOT_SET) {
        mirror_reset(&m->mirror, resets);
        mirror_fold(&m->mirror, e->event);
    }
    protobuf_c_message_free_unpacked(&e->base, NULL);
}

void model_reconcile(model_t *m, const Proto__State *server, uint64_t since_seq)
{
    if (!m->v1_seen)
        tasks_v1_arrives(m);
    mirror_adopt(&m->mirror, (Proto__State *)pb_dup(&server->base));
    /* Entries older than the history keeps are gone; what is left is the best
     * that can be re-applied. */
    uint64_t seq = since_seq > m->hist.first ? since_seq : m->hist.first;
    if (m->opts.no_history)
        seq = m->seq; /* nothing kept to re-apply */
    for (; seq < m->seq; seq++)
        model_refold(m, seq);
    reslist_sync(&m->res, m->mirror.s->statuscheckstate);
    m->state_known = true;
    model_rows_note(m, true);
    m->generation++;
}

bool model_state_known(const model_t *m)
{
    return m->state_known;
}

/* ---- readers ------------------------------------------------------------------- */

uint64_t model_seq(const model_t *m)
{
    return m->seq;
}

uint64_t model_undecodable(const model_t *m)
{
    return m->undecodable;
}

uint64_t model_generation(const model_t *m)
{
    return m->generation;
}

const Proto__State *model_state(const model_t *m)
{
    return m->mirror.s;
}

const char *model_version(const model_t *m)
{
    return m->version;
}

bool model_terminated(const model_t *m, const char **status)
{
    if (status != NULL)
        *status = m->term_status;
    return m->terminated;
}

int64_t model_last_time(const model_t *m)
{
    return m->last_time;
}

/* The timeline readers see: v1's alone until a session has tasks; then
 * built on demand after a change (a cache inside the model, like the
 * resource tree). */
static const tl_view_t *model_view(const model_t *m)
{
    model_t *mm = (model_t *)m;
    if (!mm->view.valid)
        tl_view_build(&mm->view, &mm->tl, &mm->tasks.tl, mm->tasks.has_tasks, mm->tasks.n_has,
                      mm->v1_seen, mm->opts.timeline_cap);
    return &mm->view;
}

size_t model_iteration_count(const model_t *m)
{
    return m->tasks.sessions_with_tasks ? model_view(m)->n : m->tl.n;
}

const iteration_t *model_iteration(const model_t *m, size_t i)
{
    if (!m->tasks.sessions_with_tasks)
        return tl_at(&m->tl, i);
    const tl_view_t *vw = model_view(m);
    return i < vw->n ? vw->v[i] : NULL;
}

const iteration_t *model_current_iteration(const model_t *m)
{
    size_t n = model_iteration_count(m);
    return n ? model_iteration(m, n - 1) : NULL;
}

size_t model_error_count(const model_t *m)
{
    return errlog_count(&m->errs);
}

const model_error_t *model_error_at(const model_t *m, size_t i)
{
    return errlog_at(&m->errs, i);
}

const model_error_t *model_error_by_id(const model_t *m, uint64_t id)
{
    return errlog_by_id(&m->errs, id);
}

size_t model_unresolved_errors(const model_t *m)
{
    return errlog_unresolved(&m->errs);
}

size_t model_resource_count(const model_t *m)
{
    return m->res.n;
}

const model_resource_t *model_resource_at(const model_t *m, size_t i)
{
    return i < m->res.n ? &m->res.v[i] : NULL;
}

const model_resource_t *model_resource_find(const model_t *m, const char *name)
{
    return reslist_find(&m->res, name);
}

const model_resource_t *model_resource_owner(const model_t *m, const model_resource_t *r)
{
    return reslist_owner(&m->res, r);
}

const model_resource_t *model_resource_tree_at(const model_t *m, size_t i, int *depth)
{
    model_t *w = (model_t *)m; /* the tree is a reader's cache */
    return reslist_tree_at(&w->res, &w->rows[ROWS_RES].rank, i, depth);
}

uint32_t model_session(const model_t *m)
{
    return m->n_sessions ? (uint32_t)m->n_sessions : 1;
}

uint32_t model_session_of(const model_t *m, uint64_t seq)
{
    size_t lo = 0, hi = m->n_sessions;
    /* The number of sessions that started at or before seq. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->sessions[mid].seq <= seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? (uint32_t)lo : 1;
}

uint64_t model_history_first(const model_t *m)
{
    return m->hist.first;
}

Proto__LogEntry *model_history_get(const model_t *m, uint64_t seq, ProtobufCAllocator *alloc)
{
    return hist_unpack(&m->hist, seq, alloc);
}

size_t model_history_bytes(const model_t *m)
{
    return hist_bytes(&m->hist);
}
