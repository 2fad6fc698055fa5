/* The action table generated from UI_ACTIONS. */
#include <string.h>
#include "ui/actions.h"

const action_info_t action_table[ACT__COUNT] = {
    [ACT_NONE] = {"none", GROUP_GENERAL, "Unbind the key"},
#define X(id, name, group, help) [ACT_##id] = {name, group, help},
    UI_ACTIONS(X)
#undef X
};

const char *action_name(action_t a)
{
    return a < ACT__COUNT ? action_table[a].name : "?";
}

action_t action_by_name(const char *name, int *found)
{
    for (int a = 0; a < ACT__COUNT; a++) {
        if (!strcmp(action_table[a].name, name)) {
            if (found) *found = 1;
            return (action_t)a;
        }
    }
    if (found) *found = 0;
    return ACT_NONE;
}

int action_focus_pane(action_t a)
{
    switch (a) {
#define FOCUS_CASE_(C, id, ...) case ACT_FOCUS_##id: return PANE_##id;
        UI_PANES(FOCUS_CASE_, _)
#undef FOCUS_CASE_
    default: return -1;
    }
}

const char *action_group_name(action_group_t g)
{
    static const char *const names[GROUP__COUNT] = {"General", "Panes and rows", "Dev loop",
                                                    "Replay", "BuildKit", "Logs"};
    return g < GROUP__COUNT ? names[g] : "?";
}
