/* LogEntry builders of the simulator (src/sim/entries.c). Each emits one
 * entry, stamped now, with Skaffold's own sentence. */
#ifndef SKVIEW_SIM_ENTRIES_H
#define SKVIEW_SIM_ENTRIES_H

#include <stdint.h>
#include <grpc/grpc.h>
#include "skaffold.pb-c.h"

/* A failure: StatusCode, message, and one suggestion (scode 0 = none). */
typedef struct sim_fail {
    int code;
    const char *msg;
    int scode;
    const char *action;
} sim_fail_t;

/* Storage for one ActionableErr with one suggestion. */
typedef struct sim_err {
    Proto__ActionableErr err;
    Proto__Suggestion sugg;
    Proto__Suggestion *list[1];
} sim_err_t;

/* A forward to a service, or to a pod when service is NULL. */
typedef struct sim_port {
    int local, remote;
    const char *service, *pod, *container;
} sim_port_t;

void sim_say(Proto__Event *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
grpc_slice sim_entry_pack(Proto__Event *ev, const char *text, int64_t t_ns);
Proto__ActionableErr *sim_err_fill(sim_err_t *x, int code, const char *msg, int scode, const char *action);

/* The MetaEvent's "Starting Skaffold: &{Version:...}" (v1 and v2 alike):
 * a 2.x version, or a 1.x one from before the v2 service with --no-v2. */
const char *sim_starting(void);
/* InitializeState with these artifacts, then the MetaEvent. */
void sim_meta(char *const *names, size_t n);
void sim_build(const char *artifact, const char *status, const sim_fail_t *f);
void sim_deploy(const char *status, const sim_fail_t *f);
void sim_test(const char *status, const sim_fail_t *f);
void sim_statuscheck(const char *status, const sim_fail_t *f);
/* code: the ResourceStatusCheckEvent.statusCode (and its ActionableErr's,
 * with message) when f is NULL; f: a warning ("In Progress") or failure. */
void sim_resource(const char *res, const char *status, const char *message, const sim_fail_t *f, int code);
void sim_port(const sim_port_t *p);
void sim_sync(int files, const char *image, const char *status, const sim_fail_t *f);
void sim_debug(const char *status, const char *pod, const char *container, const char *artifact);
void sim_devloop(int iteration, const char *status, const sim_fail_t *f);

#endif
