/* The Logs view (pane_logs.c, logs_act.c) as the rest of the UI sees it. */
#ifndef SKVIEW_UI_LOGS_VIEW_H
#define SKVIEW_UI_LOGS_VIEW_H

#include "skaffold/model.h"
#include "ui/pane_ctx.h"

/* log-jump: the lines of what the focused pane (pc->focus) has selected (an
 * artifact, a resource, an error, an iteration) in the Logs view; req asks
 * for the focus on Logs and says what is shown. Returns UI_* flags. */
int logs_view_jump(const pane_ctx_t *pc, pane_req_t *req);

/* pane_errors.c: the error under the Errors pane's cursor, NULL if none. */
const model_error_t *errors_pane_selected(const pane_ctx_t *pc);

#endif
