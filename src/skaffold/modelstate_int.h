/* Private to src/skaffold: the model's own state, shared by model.c (v1
 * entries, readers) and tasks.c (v2 events), and the steps both folds take.
 *
 * Sessions: each stream counts its own (v1: a MetaEvent after other
 * entries; v2: see tasks.c), and the model has as many as the stream that
 * is furthest: a session one stream started is the same session when the
 * other stream reaches it, so v1 and v2 of one Skaffold process, however
 * interleaved, make one session. sessions[k - 1] holds the seq of the first
 * v1 entry of session k (UINT64_MAX while only v2 has reached it) and when
 * the session began (the earliest first event of either stream), by which a
 * stream that joins late finds its session (tasks.c). */
#ifndef SKVIEW_MODELSTATE_INT_H
#define SKVIEW_MODELSTATE_INT_H

#include "skaffold/errlog_int.h"
#include "skaffold/history_int.h"
#include "skaffold/mirror_int.h"
#include "skaffold/model.h"
#include "skaffold/rank_int.h"
#include "skaffold/resets_int.h"
#include "skaffold/resources_int.h"
#include "skaffold/tasks_int.h"
#include "skaffold/timeline_int.h"

/* The State maps whose rows keep a stable order (roworder.c). */
enum model_rows { ROWS_ARTS, ROWS_RES, ROWS_PORTS, ROWS__N };

typedef struct model_session {
    uint64_t seq;           /* first v1 entry; UINT64_MAX: none yet */
    int64_t t0;             /* ns; 0 if unknown */
} model_session_t;

struct model {
    model_opts_t opts;
    mirror_t mirror;
    resets_t resets;
    uint64_t seq, generation;
    uint64_t undecodable;   /* history entries reconcile could not decode */
    char *version;
    bool terminated;
    char *term_status;
    int64_t last_time;
    reslist_t res;
    /* The rows' order (roworder.c), kept through resets, clears and
     * reconciles, how many keys of each map it has looked at, and the most
     * a map has held (what its order keeps, besides a window of keys gone). */
    rank_rows_t rows[ROWS__N];
    size_t rows_seen[ROWS__N], rows_peak[ROWS__N];
    model_session_t *sessions;  /* session i + 1 */
    size_t n_sessions, sessions_alloc;
    uint32_t v1_session;    /* the session v1 entries are in (0: none yet) */
    uint32_t session_floor; /* sessions of servers gone (model_new_server): a
                             * stream's next session comes after them */
    bool state_known;       /* a GetState State is in the mirror (model_state_known) */
    bool v1_seen;           /* a v1 entry or a GetState came, ever (model_clear
                             * keeps it: v1 replays, it does not go away) */
    hist_t hist;
    tl_t tl;                /* the timeline from v1 events */
    errlog_t errs;
    tasks_t tasks;          /* what v2 events build */
    logs_t *logs;
    tl_view_t view;         /* the timeline readers see (tasks or v1) */
};

/* Makes sure the model has session k (creating the missing ones); a v1
 * seq (not UINT64_MAX) records where v1 entered it, t (0: unknown) when. */
void model_session_reach(model_t *m, uint32_t k, uint64_t seq, int64_t t);
/* The session a stream's next session (after `after`) beginning at t is:
 * the newest one after `after` that the other stream began by t (give or
 * take a second: Skaffold logs v1's MetaEvent, then v2's), else after + 1.
 * So v2 joining late (a live v1 already past a runner restart; a log whose
 * first sessions are Skaffold 1.x's, without v2) lands in its own session. */
uint32_t model_session_match(const model_t *m, uint32_t after, int64_t t);
/* The resets the server applied before an event, to the mirror and to
 * what follows the State (resources, version, termination). */
void model_apply_resets(model_t *m, unsigned resets);
/* The session's own facts: Skaffold's version sentence, its termination. */
void model_set_version(model_t *m, const char *version);
void model_set_terminated(model_t *m, const char *status);
/* A fresh State mirror (and resources, version, termination): v1 takes
 * over from a mirror that v2 events built. */
void model_mirror_restart(model_t *m);
/* roworder.c: ranks the keys the maps gained: after a fold, the keys it
 * appended (in the stream's order); after a reconcile (all), every key not
 * ranked yet, by name, since GetState's order is random. Nothing for a
 * model without history (a headless fold that only prints the State); a
 * reader would rank what it reads, by name. */
void model_rows_note(model_t *m, bool all);
/* The position in the mirror's map of row i of the Artifacts (ROWS_ARTS)
 * or the Ports (ROWS_PORTS); i below the map's size. */
size_t model_rows_pos(const model_t *m, enum model_rows which, size_t i);
void model_rows_init(model_t *m);
void model_rows_free(model_t *m);
/* Something the timeline shows changed. */
static inline void model_timeline_changed(model_t *m)
{
    m->view.valid = false;
}

#endif
