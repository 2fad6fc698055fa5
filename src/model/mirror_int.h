/* Private to src/model: the State mirror and its fold rules, shared by
 * model_fold and model_reconcile so that the rules have one code path. */
#ifndef SKVIEW_MIRROR_INT_H
#define SKVIEW_MIRROR_INT_H

#include "skaffold.pb-c.h"

/* Skaffold's empty State: deploy, status check and file sync "Not Started". */
Proto__State *mirror_new(void);
/* Adds the parts a State lacks (a sparse server State), as mirror_new has
 * them, so readers can rely on the four parts being there. */
void mirror_complete(Proto__State *s);
/* Applies one event by Skaffold's State rules (plain assignments). */
void mirror_fold(Proto__State *s, const Proto__Event *ev);

#endif
