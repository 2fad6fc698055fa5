/* The v2 side of the simulated dev loop (src/sim/story2.c): Skaffold 2.x's
 * task and subtask events and its console output as SkaffoldLogEvents, cut
 * and coloured as Skaffold writes them. The scenario calls these beside the
 * v1 builders of entries.h; t is the timestamp of the v1 entry of the same
 * step (0: now). Task names are Skaffold's phases ("Build", "Deploy", ...);
 * ids are "<task>-<iteration>" with the v2 iteration (sim.iteration2). */
#ifndef SKVIEW_SIM_STORY2_H
#define SKVIEW_SIM_STORY2_H

#include <stdbool.h>
#include <stdint.h>
#include "sim/entries.h"

/* Levels of SkaffoldLogEvent (proto.LogLevel). */
enum { V2_INFO = 1, V2_WARN = 2, V2_ERROR = 3, V2_STANDARD = 7 };

/* The runner's start: InitializeState and the MetaEvent. */
void v2_session_start(char *const *artifacts, size_t n);
/* A dev loop: InitializeState, DevLoop-N "InProgress" (N = it + 1, it the
 * v1 iteration) and the MetaEvent Skaffold logs with it. */
void v2_devloop_start(char *const *artifacts, size_t n, int it, int64_t t);
/* DevLoop-N "Succeeded", or "Failed" with f (and f's text as an ERROR line). */
void v2_devloop_end(const sim_fail_t *f, int64_t t);

void v2_task(const char *task, const char *status, const char *desc, const sim_fail_t *f, int64_t t);
/* A SkaffoldLogEvent of task's current id; subtask NULL is "-1". */
void v2_log(const char *task, const char *subtask, int level, const char *msg);
void v2_logf(const char *task, const char *subtask, int level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Subtasks; v1 statuses ("In Progress", "Complete") are spelled the v2 way. */
void v2_build_sub(const char *artifact, const char *step, const char *status, const sim_fail_t *f, int64_t t);
void v2_test_sub(const char *status, const sim_fail_t *f, int64_t t);
void v2_render_sub(const char *status, int64_t t);
void v2_deploy_sub(const char *status, const sim_fail_t *f, int64_t t);
void v2_sc_sub(const char *res, const char *status, const char *message, const sim_fail_t *f, int code, int64_t t);
void v2_port(const sim_port_t *p, int64_t t);
void v2_sync(int files, const char *image, const char *status, const sim_fail_t *f, int64_t t);
void v2_debug(const char *status, const char *pod, const char *container, const char *artifact, int64_t t);

/* Skaffold's console output for the phases. */
/* The tag Skaffold gives the artifact's image ("frontend:v1.8.0-3f2a1b0"). */
void v2_image_tag(char *buf, size_t len, const char *artifact);
void v2_out_build_start(char *const *artifacts, size_t n, const bool *hit);
void v2_out_build_steps(const char *artifact, unsigned rollout, bool first_half);
void v2_out_build_error(const char *artifact);
void v2_out_test(bool fails);
void v2_out_deploy_start(char *const *artifacts, size_t n, unsigned rollout);
void v2_out_deploy_done(unsigned rollout);
void v2_out_deploy_error(const sim_fail_t *f);
void v2_out_watching(char *const *artifacts, size_t n, bool first);

/* One application log line of pod/container (message without "\n");
 * rich: the prefix's colour (an SGR number, 0 for none). */
void v2_applog(const char *pod, const char *container, const char *msg, int colour);

#endif
