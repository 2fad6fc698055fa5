/* log-jump: from the selection of another pane to its lines in the Logs
 * view. An artifact: its build output (subject); a resource: its status
 * check lines and its pods' logs (a deployment: the pods listed under it);
 * an error: its subject's (or task's) lines in its iteration, at the last
 * one; an iteration of the Timeline: its lines, from the first one. The
 * filter (it replaces the view's, / text included) is tried first
 * (logs_find): with no line to show, the view stays as it was and the
 * status line says so. */
#include <stdio.h>
#include <string.h>
#include "skaffold/viewmodel.h"
#include "ui/logs_priv.h"
#include "ui/logs_view.h"
#include "ui/view.h"

typedef struct jump {
    log_filter_t f;
    bool from_first;           /* position at the first line, not the last */
    char what[160];
} jump_t;

static const char *phase_task(phase_t ph)
{
    switch (ph) {
    case PHASE_BUILD: return "Build";
    case PHASE_TEST: return "Test";
    case PHASE_DEPLOY: return "Deploy";
    case PHASE_STATUSCHECK: case PHASE_RESOURCE: return "StatusCheck";
    case PHASE_SYNC: return "Sync";
    default: return NULL;
    }
}

/* The selected row of pane id, or false when it has none. */
static bool selected_row(const pane_ctx_t *pc, pane_id_t id, size_t *row)
{
    view_t *v = &pc->views[id];
    view_settle(pc, v);
    if (view_rows(pc, v) == 0)
        return false;
    *row = view_source_row(v, v->cursor);
    return true;
}

static bool from_artifact(const pane_ctx_t *pc, jump_t *j)
{
    size_t row;
    vm_artifact_t a;
    if (!selected_row(pc, PANE_ARTIFACTS, &row) || !vm_artifact_at(pc->model, row, &a))
        return false;
    log_filter_solo(&j->f, LOG_KEY_SUBJECT, a.name);
    snprintf(j->what, sizeof j->what, "artifact %s", a.name);
    return true;
}

static bool from_resource(const pane_ctx_t *pc, jump_t *j)
{
    size_t row;
    int depth;
    if (!selected_row(pc, PANE_RESOURCES, &row))
        return false;
    const model_resource_t *r = model_resource_tree_at(pc->model, row, &depth);
    if (!r)
        return false;
    /* A pod: its lines; a deployment (any workload): its containers'
     * lines across its pods and rollouts. */
    const char *slash = strchr(r->name, '/');
    log_filter_solo(&j->f, LOG_KEY_SUBJECT, r->name);
    if (!strncmp(r->name, "pod/", 4))
        log_filter_solo(&j->f, LOG_KEY_POD, r->name + 4);
    else if (slash && slash[1])
        log_filter_solo(&j->f, LOG_KEY_WORKLOAD, slash + 1);
    snprintf(j->what, sizeof j->what, "%s", r->name);
    return true;
}

static bool from_error(const pane_ctx_t *pc, jump_t *j)
{
    const model_error_t *e = errors_pane_selected(pc);
    if (!e)
        return false;
    const char *task = phase_task(e->phase);
    if (e->subject && *e->subject)
        log_filter_solo(&j->f, LOG_KEY_SUBJECT, e->subject);
    else if (task)
        log_filter_solo(&j->f, LOG_KEY_TASK, task);
    j->f.iteration = e->iteration;
    snprintf(j->what, sizeof j->what, "the %s error of iteration %d", phase_name(e->phase),
             e->iteration);
    return true;
}

static bool from_iteration(const pane_ctx_t *pc, jump_t *j)
{
    size_t row;
    if (!selected_row(pc, PANE_TIMELINE, &row) || row >= model_iteration_count(pc->model))
        return false;
    const iteration_t *it = model_iteration(pc->model, row);
    j->f.iteration = it->number;
    j->from_first = true;
    snprintf(j->what, sizeof j->what, "iteration %d", it->number);
    return true;
}

/* Puts j's filter into the view in place of its filters and / text. */
static void apply(const pane_ctx_t *pc, pane_req_t *req, view_t *v, jump_t *j, uint64_t seq)
{
    lv_priv_t *p = lv_priv(pc, v);
    log_filter_free(&p->f);
    p->f = j->f;
    log_filter_init(&j->f);
    p->text[0] = 0;
    log_filter_set_text(&p->hl, NULL, false, NULL, 0);
    lv_filter_changed(p);
    lv_goto(v, j->from_first ? seq : 0);
    req->focus = PANE_LOGS;
    pane_say(req, false, "logs of %s (x clears the filter)", j->what);
}

int logs_view_jump(const pane_ctx_t *pc, pane_req_t *req)
{
    jump_t j = {.from_first = false};
    log_filter_init(&j.f);
    bool ok;
    switch (pc->focus) {
    case PANE_ARTIFACTS: ok = from_artifact(pc, &j); break;
    case PANE_RESOURCES: ok = from_resource(pc, &j); break;
    case PANE_ERRORS: ok = from_error(pc, &j); break;
    case PANE_TIMELINE: ok = from_iteration(pc, &j); break;
    default:
        pane_say(req, false, "J jumps to the logs of the selected artifact, resource, error or "
                              "iteration");
        log_filter_free(&j.f);
        return UI_REDRAW;
    }
    const logs_t *l = model_logs(pc->model);
    uint64_t seq = ok ? logs_find(l, &j.f, j.from_first ? logs_first(l) : logs_last(l), j.from_first)
                      : 0;
    if (!ok)
        pane_say(req, true, "nothing selected");
    else if (!seq)
        pane_say(req, true, "no log lines for %s", j.what);
    else
        apply(pc, req, &pc->views[PANE_LOGS], &j, seq);
    log_filter_free(&j.f);
    return UI_REDRAW;
}
