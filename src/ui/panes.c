/* Pane names, from UI_PANES. */
#include "ui/panes.h"

static const char *const names[PANE__COUNT] = {
#define X(id, name, title) [PANE_##id] = name,
    UI_PANES(X)
#undef X
};
static const char *const titles[PANE__COUNT] = {
#define X(id, name, title) [PANE_##id] = title,
    UI_PANES(X)
#undef X
};

const char *pane_name(pane_id_t p)
{
    return p < PANE__COUNT ? names[p] : "?";
}

const char *pane_title(pane_id_t p)
{
    return p < PANE__COUNT ? titles[p] : "?";
}
