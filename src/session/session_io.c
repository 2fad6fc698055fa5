/* The viewer's passes to the sources and the transport. See session_io.h. */
#include <stdio.h>
#include <string.h>
#include "core/common.h"
#include "session/session_io.h"
#include "sources/spool.h"
#include "transport/addr.h"
#include "transport/engine.h"

bool session_replay_info(const session_t *s, session_replay_info_t *out)
{
    const replay_t *r = s->replay;
    if (!r)
        return false;
    *out = (session_replay_info_t){
        .pos = replay_pos(r), .total = replay_total(r), .paused = replay_paused(r), .ended = replay_ended(r),
        .speed = replay_speed(r), .iteration = replay_iteration(r), .iterations = replay_iterations(r),
    };
    return true;
}

/* --at error:N: just after the Nth error of the Errors pane. */
static int seek_error(session_t *s, unsigned long n)
{
    for (unsigned long k = 0; k < n; k++)
        if (session_next_error(s))
            return usage_error("--at error:%lu: %s holds %lu error%s", n, s->replay_path, k, k == 1 ? "" : "s");
    return 0;
}

int session_replay_seek_at(session_t *s, const char *at)
{
    replay_t *r = s->replay;
    unsigned long n;
    if (!strcmp(at, "END") || !strcmp(at, "end"))
        replay_seek_end(r);
    else if (sscanf(at, "iter:%lu", &n) == 1)
        while (n-- > 0 && !replay_next_iteration(r))
            ;
    else if (sscanf(at, "error:%lu", &n) == 1)
        return seek_error(s, n);
    else if (sscanf(at, "%lu", &n) == 1)
        replay_seek(r, n);
    else
        return usage_error("--at: END, N, iter:N or error:N");
    return 0;
}

void session_replay_start(session_t *s, bool paused)
{
    replay_set_paused(s->replay, paused);
    replay_start(s->replay);
}

int session_spool(const char *path, char *err, size_t errlen)
{
    return spool_copy(path, err, errlen);
}

const char *session_addr_resolve(const char *given)
{
    return addr_resolve(given);
}

bool session_addr_is_remote(const char *addr)
{
    return sk_addr_is_remote(addr);
}

void session_quiet_logs(bool quiet)
{
    eng_log_quiet(quiet);
}
