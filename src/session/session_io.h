/* What the viewer needs of the sources and the transport beyond the
 * session's commands, so that nothing above the session reaches a reader, a
 * client or an address parser itself: where a Skaffold replay stands and
 * how to move it before it starts (--at, --paused), a pipe spooled before a
 * replay reads it several times, the address to dial, whether it travels in
 * clear, and gRPC's log lines kept off the screen. Each is a thin pass to
 * the one implementation below the session. Loop thread. */
#ifndef SKVIEW_SESSION_IO_H
#define SKVIEW_SESSION_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "session/session.h"

/* Where a Skaffold replay stands, for the header. */
typedef struct session_replay_info {
    uint64_t pos, total;       /* items delivered; in the file */
    bool paused, ended;
    double speed;              /* 0 for max */
    size_t iteration, iterations;
} session_replay_info_t;

/* false when the session has no replay. */
bool session_replay_info(const session_t *s, session_replay_info_t *out);
/* --at: "END", an item number, "iter:N" (start of the Nth iteration) or
 * "error:N" (just after the Nth error of the Errors pane). 0, or a usage
 * error printed (EXIT_USAGE's -1) naming the count when there are fewer. */
int session_replay_seek_at(session_t *s, const char *at);
/* Starts pacing, paused or not. */
void session_replay_start(session_t *s, bool paused);

/* A pipe or FIFO at path is copied to a temporary file first (a replay
 * reads its file more than once). -1 with err filled. */
int session_spool(const char *path, char *err, size_t errlen);
/* The Skaffold address to dial (-a, $SKVIEW_ADDR, the default); NULL after
 * a usage error naming it. */
const char *session_addr_resolve(const char *given);
/* True when addr is plaintext and not loopback (the header warns). */
bool session_addr_is_remote(const char *addr);
/* gRPC's log lines off (the viewer owns the terminal) or back on stderr. */
void session_quiet_logs(bool quiet);

#endif
