/* The pane registry: every pane is one line here plus its file, pane_NAME.c,
 * which defines `const view_ops_t pane_NAME_ops` (view.h): how it draws,
 * what it does with its own actions, its own default key bindings (keys)
 * and where it wants to go (layout: column, rank, history, big_only). The
 * line generates the pane's id (PANE_ID), its focus action (ACT_FOCUS_ID,
 * named "focus-NAME", actions.h), its default focus key (keys.c), the
 * number in its title (the key), and ties the ops to the id (panes.c), so a
 * pane cannot be wired to another's ops.
 *
 * X(C, ID, name, "Title", "key", group, "focus help")
 *   C       the caller's context, passed through (actions.h passes its X)
 *   name    a bare word: the pane's name in --focus, `bind` and its ops
 *   key     the default focus key, in the config syntax; also its number
 *   group   PANE_GROUP_SKAFFOLD, or PANE_GROUP_BUILDKIT: shown only when
 *           BuildKit is in use (--buildkit, BUILDKIT_HOST, --ref or a
 *           BuildKit replay; see ui/bk.h)
 * The order of the lines is the focus order (Tab). */
#ifndef SKVIEW_UI_PANES_H
#define SKVIEW_UI_PANES_H

#include <stdbool.h>

#define UI_PANES(X, C) \
    X(C, ARTIFACTS, artifacts, "Artifacts", "1", SKAFFOLD, "Artifacts") \
    X(C, RESOURCES, resources, "Resources", "2", SKAFFOLD, "Resources") \
    X(C, PORTS,     ports,     "Ports",     "3", SKAFFOLD, "Ports") \
    X(C, ERRORS,    errors,    "Errors",    "4", SKAFFOLD, "Errors") \
    X(C, EVENTS,    events,    "Events",    "5", SKAFFOLD, "Events") \
    X(C, TIMELINE,  timeline,  "Timeline",  "6", SKAFFOLD, "Timeline") \
    X(C, LOGS,      logs,      "Logs",      "L", SKAFFOLD, "Logs (Skaffold's output, application logs)") \
    X(C, DEBUG,     debug,     "Debugging", "7", SKAFFOLD, "Debugging containers") \
    X(C, BUILD,     build,     "Build",     "8", BUILDKIT, "Build (BuildKit)") \
    X(C, CACHE,     cache,     "Cache",     "9", BUILDKIT, "Cache (BuildKit)") \
    X(C, WORKERS,   workers,   "Workers",   "0", BUILDKIT, "Workers (BuildKit)")

typedef enum pane_id {
#define PANE_ENUM_(C, id, ...) PANE_##id,
    UI_PANES(PANE_ENUM_, _)
#undef PANE_ENUM_
    PANE__COUNT
} pane_id_t;

typedef enum pane_group {
    PANE_GROUP_SKAFFOLD,
    PANE_GROUP_BUILDKIT,
} pane_group_t;

typedef enum pane_column {
    PANE_COLUMN_LEFT,
    PANE_COLUMN_RIGHT,
} pane_column_t;

typedef struct view_ops view_ops_t;

/* Where a pane wants to go (layout.h); in its ops (view_ops.layout). */
typedef struct pane_layout {
    pane_column_t column;      /* its column when Skaffold's panes alone take two */
    int rank;                  /* its place in its group's stack, top first */
    bool history;              /* its rows are a history that grows (iterations,
                                * errors, lines): it gets rows after the state
                                * panes, and the rows nobody wants */
    bool big_only;             /* stacked only from 160x48 (under the other
                                * panes of its column); below, shown alone
                                * while focused (Logs) */
} pane_layout_t;

typedef struct pane_info {
    const char *name;          /* "artifacts" */
    const char *title;         /* "Artifacts" */
    const char *key;           /* "1": the default focus key, shown in the title */
    pane_group_t group;
    const pane_layout_t *layout; /* &ops->layout */
    const view_ops_t *ops;
} pane_info_t;

/* Indexed by pane_id_t. */
extern const pane_info_t pane_table[PANE__COUNT];

const char *pane_name(pane_id_t p);   /* "artifacts"; "?" out of range */
const char *pane_title(pane_id_t p);  /* "Artifacts"; "?" out of range */
/* PANE_ID from its name, or -1. */
int pane_by_name(const char *name);
/* BuildKit's panes. */
static inline int pane_is_buildkit(int p)
{
    return p >= 0 && p < PANE__COUNT && pane_table[p].group == PANE_GROUP_BUILDKIT;
}

#endif
