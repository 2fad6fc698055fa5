/* Every user action, defined once. The X-macro generates the enum, the names
 * used in `bind` lines and the help overlay, so the three cannot drift.
 * X(ID, "name", group, "help text")
 * Each pane's focus action (ACT_FOCUS_ID, "focus-NAME") comes from its line
 * in UI_PANES (panes.h). */
#ifndef SKVIEW_UI_ACTIONS_H
#define SKVIEW_UI_ACTIONS_H

#include <stddef.h>
#include "ui/panes.h"

typedef enum action_group {
    GROUP_GENERAL,
    GROUP_MOVE,
    GROUP_DEVLOOP,
    GROUP_REPLAY,
    GROUP_BUILDKIT,
    GROUP_LOGS,
    GROUP__COUNT
} action_group_t;

#define ACTION_FOCUS_(X, id, name, title, key, group, help) \
    X(FOCUS_##id, "focus-" #name, GROUP_MOVE, "Focus " help)

#define UI_ACTIONS(X) \
    X(QUIT,        "quit",          GROUP_GENERAL, "Quit skview") \
    X(HELP,        "help",          GROUP_GENERAL, "Show or hide this help") \
    X(DETAILS,     "details",       GROUP_GENERAL, "Details of the selected item") \
    X(FILTER,      "filter",        GROUP_GENERAL, "Filter rows by text (kind:NAME); Logs: search") \
    X(NEXT_MATCH,  "next-match",    GROUP_GENERAL, "Next row matching the filter") \
    X(PREV_MATCH,  "prev-match",    GROUP_GENERAL, "Previous row matching the filter") \
    X(FOLLOW,      "follow",        GROUP_GENERAL, "Follow new rows on or off") \
    X(COPY_URL,    "copy-url",      GROUP_GENERAL, "Copy the port's URL (OSC 52)") \
    X(COPY,        "copy",          GROUP_GENERAL, "Copy the error, the suggested command, or the popup's text (OSC 52)") \
    X(REDRAW,      "redraw",        GROUP_GENERAL, "Redraw the screen") \
    X(ZOOM,        "zoom",          GROUP_GENERAL, "The focused pane full screen, or back (Esc, q)") \
    X(FOCUS_NEXT,  "focus-next",    GROUP_MOVE,    "Focus the next pane") \
    X(FOCUS_PREV,  "focus-prev",    GROUP_MOVE,    "Focus the previous pane") \
    UI_PANES(ACTION_FOCUS_, X) \
    X(MOVE_UP,     "move-up",       GROUP_MOVE,    "Select the previous row") \
    X(MOVE_DOWN,   "move-down",     GROUP_MOVE,    "Select the next row") \
    X(PAGE_UP,     "page-up",       GROUP_MOVE,    "Scroll one page up") \
    X(PAGE_DOWN,   "page-down",     GROUP_MOVE,    "Scroll one page down") \
    X(MOVE_FIRST,  "move-first",    GROUP_MOVE,    "Select the first row") \
    X(MOVE_LAST,   "move-last",     GROUP_MOVE,    "Select the last row") \
    X(BUILD,       "build",         GROUP_DEVLOOP, "Build once (Execute)") \
    X(SYNC,        "sync",          GROUP_DEVLOOP, "Sync once (Execute)") \
    X(DEPLOY,      "deploy",        GROUP_DEVLOOP, "Deploy once (Execute)") \
    X(AUTO_BUILD,  "toggle-auto-build",  GROUP_DEVLOOP, "Toggle auto-build") \
    X(AUTO_SYNC,   "toggle-auto-sync",   GROUP_DEVLOOP, "Toggle auto-sync") \
    X(AUTO_DEPLOY, "toggle-auto-deploy", GROUP_DEVLOOP, "Toggle auto-deploy") \
    X(PAUSE,       "pause",         GROUP_REPLAY,  "Pause or resume the replay") \
    X(FASTER,      "faster",        GROUP_REPLAY,  "Replay faster (up to 64x, then max)") \
    X(SLOWER,      "slower",        GROUP_REPLAY,  "Replay slower (down to 0.5x)") \
    X(STEP,        "step",          GROUP_REPLAY,  "Step one entry") \
    X(NEXT_ITER,   "next-iteration", GROUP_REPLAY, "Jump to the next dev-loop iteration") \
    X(PREV_ITER,   "prev-iteration", GROUP_REPLAY, "Jump to the previous dev-loop iteration") \
    X(NEXT_ERROR,  "next-error",    GROUP_REPLAY,  "Jump to the next error") \
    X(PICK_BUILD,  "pick-build",    GROUP_BUILDKIT, "List the daemon's builds to pick one") \
    X(EXPAND,      "expand",        GROUP_BUILDKIT, "Show the step's whole log (picks a build in the list)") \
    X(PRUNE,       "prune",         GROUP_BUILDKIT, "Prune the build cache (asks first)") \
    X(SORT_SIZE,   "sort-size",     GROUP_BUILDKIT, "Sort the cache by size") \
    X(SORT_LAST_USED, "sort-last-used", GROUP_BUILDKIT, "Sort the cache by last use") \
    X(REFRESH,     "refresh",       GROUP_BUILDKIT, "Ask the daemon again (cache, workers, builds)") \
    X(LOG_JUMP,    "log-jump",      GROUP_LOGS,    "Logs of the selected artifact, resource, error or iteration") \
    X(LOG_SOLO,    "log-solo",      GROUP_LOGS,    "Solo the line's container (all its pods) or subject") \
    X(LOG_MUTE,    "log-mute",      GROUP_LOGS,    "Mute the line's container (all its pods) or subject") \
    X(LOG_CLEAR,   "log-clear",     GROUP_LOGS,    "Clear the log filters (solo, mute, source, level, text)") \
    X(LOG_SOURCE,  "log-source",    GROUP_LOGS,    "Lines from: all, Skaffold, the application (cycle)") \
    X(LOG_LEVEL,   "log-level",     GROUP_LOGS,    "Lines from level: all, info, warn, error (cycle)") \
    X(LOG_REGEX,   "log-regex",     GROUP_LOGS,    "The / text is a regular expression, or plain text") \
    X(LOG_ONLY,    "log-only-matches", GROUP_LOGS, "Only lines matching the / text, or all with matches marked") \
    X(LOG_WRAP,    "log-wrap",      GROUP_LOGS,    "Wrap long lines on or off") \
    X(LOG_TIMES,   "log-times",     GROUP_LOGS,    "Timestamps on or off") \
    X(LOG_MARK,    "log-mark",      GROUP_LOGS,    "Start or drop a selection at the line (for copy)") \
    X(LOG_COPY,    "log-copy",      GROUP_LOGS,    "Copy the selected lines (OSC 52)") \
    X(LOG_SAVE,    "log-save",      GROUP_LOGS,    "Save the shown lines to a file")

typedef enum action {
    ACT_NONE = 0,
#define X(id, name, group, help) ACT_##id,
    UI_ACTIONS(X)
#undef X
    ACT__COUNT
} action_t;

typedef struct action_info {
    const char *name;
    action_group_t group;
    const char *help;
} action_info_t;

/* Indexed by action_t; [ACT_NONE] is {"none", ...}. */
extern const action_info_t action_table[ACT__COUNT];

const char *action_name(action_t a);
/* ACT_NONE when name is unknown (and for "none", which unbinds a key). */
action_t action_by_name(const char *name, int *found);
const char *action_group_name(action_group_t g);
/* The pane an ACT_FOCUS_* action focuses, or -1. */
int action_focus_pane(action_t a);

#endif
