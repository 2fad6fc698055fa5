/* The pane table, from UI_PANES: each line's ops are referenced by name, so
 * the ops of PANE_X are pane_x_ops by construction. */
#include <string.h>
#include "ui/panes.h"
#include "ui/view.h"

#define PANE_EXTERN_(C, id, name, ...) extern const view_ops_t pane_##name##_ops;
UI_PANES(PANE_EXTERN_, _)
#undef PANE_EXTERN_

const pane_info_t pane_table[PANE__COUNT] = {
#define PANE_ROW_(C, id, name, title, key, group, help) \
    [PANE_##id] = {#name, title, key, PANE_GROUP_##group, &pane_##name##_ops.layout, \
                   &pane_##name##_ops},
    UI_PANES(PANE_ROW_, _)
#undef PANE_ROW_
};

const char *pane_name(pane_id_t p)
{
    return p < PANE__COUNT ? pane_table[p].name : "?";
}

const char *pane_title(pane_id_t p)
{
    return p < PANE__COUNT ? pane_table[p].title : "?";
}

int pane_by_name(const char *name)
{
    for (int p = 0; p < PANE__COUNT; p++)
        if (!strcmp(name, pane_table[p].name))
            return p;
    return -1;
}
