/* Between the session's live callbacks (session.c) and the headless run
 * (run.c): each is called only while session_run runs (s->run set), on the
 * loop thread. */
#ifndef SKVIEW_SESSION_RUN_INT_H
#define SKVIEW_SESSION_RUN_INT_H

#include "session/session.h"

/* A message for the command (session.c). */
void session_say(session_t *s, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The run is ending: what still arrives is not folded nor passed on (the
 * mirror stays the one the end was decided on). */
bool run_ending(const session_t *s);
/* The connection changed. */
void run_conn(session_t *s, live_conn_t conn, const char *detail, uint64_t retry_ms);
/* A GetState answer: false when the session must not reconcile it (a
 * one-shot's answer to another question). */
bool run_state(session_t *s, const Proto__State *st, uint64_t tag);
void run_v2_avail(session_t *s, v2_avail_t avail, const char *detail);
/* A v2 stream failed or is not served (where: "v2 Events", ...). */
void run_error(session_t *s, const char *where, const char *msg, bool fatal);

#endif
