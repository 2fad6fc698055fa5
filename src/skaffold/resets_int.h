/* Private to src/skaffold: which of Skaffold's resets happened before an entry,
 * inferred from the stream (the rules are in model.h). The server calls its
 * Reset* functions beside the events, never through one, so the mirror has
 * to see them in the order of the events around them. */
#ifndef SKVIEW_RESETS_INT_H
#define SKVIEW_RESETS_INT_H

#include <stdbool.h>
#include "skaffold.pb-c.h"

typedef struct resets {
    bool any;            /* an event was seen (so a MetaEvent starts a new session) */
    bool devloop;        /* the session sends DevLoopEvents */
    bool later_iter;     /* the current iteration is not the session's first */
    bool built, tested;  /* the current iteration saw a build / test event */
    bool after_build;    /* no dev loop: a later phase ran since the last build */
} resets_t;

void resets_init(resets_t *r);
/* The MIRROR_RESET_* bits the server applied right before ev. */
unsigned resets_before(resets_t *r, const Proto__Event *ev);

#endif
