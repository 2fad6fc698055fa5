/* The panes, in focus order (keys 1-7, then 8, 9, 0 for BuildKit's). Each is
 * one file, pane_NAME.c, that fills a view_ops_t (view.h). The last three
 * exist only when BuildKit is in use (--buildkit, BUILDKIT_HOST, --ref or a
 * BuildKit replay; see bk.h). */
#ifndef SKVIEW_UI_PANES_H
#define SKVIEW_UI_PANES_H

#define UI_PANES(X) \
    X(ARTIFACTS, "artifacts", "Artifacts") \
    X(RESOURCES, "resources", "Resources") \
    X(PORTS,     "ports",     "Ports") \
    X(ERRORS,    "errors",    "Errors") \
    X(EVENTS,    "events",    "Events") \
    X(TIMELINE,  "timeline",  "Timeline") \
    X(DEBUG,     "debug",     "Debugging") \
    X(BUILD,     "build",     "Build") \
    X(CACHE,     "cache",     "Cache") \
    X(WORKERS,   "workers",   "Workers")

typedef enum pane_id {
#define X(id, name, title) PANE_##id,
    UI_PANES(X)
#undef X
    PANE__COUNT
} pane_id_t;

const char *pane_name(pane_id_t p);   /* "artifacts" */
const char *pane_title(pane_id_t p);  /* "Artifacts" */

#endif
