/* A BuildKit build replayed from a file into a bk_sink_t. See bk_replay.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/common.h"
#include "core/xalloc.h"
#include "buildkit/bk_progress.h"
#include "sources/bk_reader.h"
#include "sources/bk_replay.h"
#include "sources/spool.h"
#include "sources/rec_format.h"
#include "sources/pacer.h"

struct bk_replay {
    bk_sink_t sink;
    pacer_t pacer;              /* the timer, the speed, paused */
    char *path;
    bk_reader_t *reader;
    const Moby__Buildkit__V1__StatusResponse *next; /* read ahead, not folded yet */
    uint64_t pos, total;        /* messages folded; in the file */
    uint64_t *errors;           /* message numbers that bring a failure */
    size_t n_errors;
    bool ended;
};

/* ---- detection ------------------------------------------------------------- */

/* Skaffold logs start with "timestamp"/"result"; a SolveStatus with one of
 * these (either key style). */
static bool rawjson_head(const char *s)
{
    static const char *const keys[] = {"\"vertexes\"", "\"statuses\"", "\"logs\"", "\"warnings\""};
    while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
        s++;
    if (*s++ != '{')
        return false;
    while (*s == ' ')
        s++;
    for (int i = 0; i < 4; i++)
        if (!strncasecmp(s, keys[i], strlen(keys[i])))
            return true;
    return false;
}

bool bk_replay_is_file(const char *path)
{
    FILE *f = spool_fopen(path);
    if (!f)
        return false;
    char head[512] = {0};
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    if (!recording_is_magic(head, n))
        return rawjson_head(head);
    int kind = n > RECORDING_MAGIC_LEN + 8 ? head[RECORDING_MAGIC_LEN + 8] : 0; /* the first record's */
    return kind == RECORD_BUILDKIT_STATUS || kind == RECORD_BUILDKIT_DU || kind == RECORD_BUILDKIT_WORKERS;
}

/* ---- messages --------------------------------------------------------------- */

static bk_time_t max_t(bk_time_t a, const Google__Protobuf__Timestamp *t)
{
    bk_time_t v = bk_time_from_ts(t);
    return v > a ? v : a;
}

/* The newest time in a message: what paces it. */
static bk_time_t msg_time(const Moby__Buildkit__V1__StatusResponse *m)
{
    bk_time_t t = 0;
    for (size_t i = 0; i < m->n_vertexes; i++)
        t = max_t(max_t(t, m->vertexes[i]->started), m->vertexes[i]->completed);
    for (size_t i = 0; i < m->n_statuses; i++)
        t = max_t(max_t(max_t(t, m->statuses[i]->timestamp), m->statuses[i]->started),
                  m->statuses[i]->completed);
    for (size_t i = 0; i < m->n_logs; i++)
        t = max_t(t, m->logs[i]->timestamp);
    return t;
}

static bool msg_fails(const Moby__Buildkit__V1__StatusResponse *m)
{
    for (size_t i = 0; i < m->n_vertexes; i++) {
        const char *e = m->vertexes[i]->error;
        if (e && *e && !strstr(e, "context canceled"))
            return true;
    }
    return false;
}

/* One sentence for the status line. */
static void say(bk_replay_t *r, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(bk_replay_t *r, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    message_vsend(r->sink.on_message, r->sink.ctx, error, fmt, ap);
    va_end(ap);
}

static void changed(bk_replay_t *r)
{
    if (r->sink.on_change)
        r->sink.on_change(r->sink.ctx);
}

/* Hands an answer recorded beside the build (DiskUsage, ListWorkers) on as
 * it is read: it carries no time to pace it by. */
static void answer(bk_replay_t *r, const bk_msg_t *m)
{
    if (m->kind == RECORD_BUILDKIT_DU && r->sink.on_du)
        r->sink.on_du(r->sink.ctx, (const Moby__Buildkit__V1__DiskUsageResponse *)m->m);
    else if (m->kind == RECORD_BUILDKIT_WORKERS && r->sink.on_workers)
        r->sink.on_workers(r->sink.ctx, (const Moby__Buildkit__V1__ListWorkersResponse *)m->m);
}

/* Reads the next good Status message into r->next (NULL at the end). */
static void read_ahead(bk_replay_t *r)
{
    char err[600];
    bk_msg_t m;
    int rc;
    r->next = NULL;
    while ((rc = bk_reader_next_any(r->reader, &m, err, sizeof err)) == BK_READ_BAD ||
           (rc == BK_READ_MSG && m.kind != RECORD_BUILDKIT_STATUS)) {
        if (rc == BK_READ_BAD)
            say(r, true, "%s", err);
        else
            answer(r, &m);
    }
    if (rc == BK_READ_FAIL)
        say(r, true, "%s", err);
    if (rc == BK_READ_MSG)
        r->next = (const Moby__Buildkit__V1__StatusResponse *)m.m;
}

/* Folds r->next and reads the one after. false at the end. */
static bool fold_one(bk_replay_t *r)
{
    if (!r->next) {
        r->ended = true;
        return false;
    }
    pacer_delivered(&r->pacer, msg_time(r->next));
    r->sink.on_status(r->sink.ctx, r->next);
    r->pos++;
    read_ahead(r);
    r->ended = r->next == NULL;
    return true;
}

static int reopen(bk_replay_t *r, char *err, size_t errlen)
{
    bk_reader_close(r->reader);
    r->reader = bk_reader_open(r->path, err, errlen);
    if (!r->reader)
        return -1;
    r->pos = 0;
    pacer_rewind(&r->pacer);
    r->ended = false;
    r->sink.on_reset(r->sink.ctx);
    read_ahead(r);
    r->ended = r->next == NULL;
    return 0;
}

/* One pass over the file: its length and the messages that fail a step. */
static int scan(bk_replay_t *r, char *err, size_t errlen)
{
    bk_reader_t *rd = bk_reader_open(r->path, err, errlen);
    if (!rd)
        return -1;
    const Moby__Buildkit__V1__StatusResponse *m;
    char e[600];
    int rc;
    size_t cap = 0;
    while ((rc = bk_reader_next(rd, &m, e, sizeof e)) != BK_READ_END && rc != BK_READ_FAIL) {
        if (rc != BK_READ_MSG)
            continue;
        r->total++;
        if (!msg_fails(m))
            continue;
        if (r->n_errors == cap)
            r->errors = xrealloc(r->errors, (cap = cap ? cap * 2 : 8) * sizeof *r->errors);
        r->errors[r->n_errors++] = r->total;
    }
    bk_reader_close(rd);
    return 0;
}

/* ---- pacing ------------------------------------------------------------------- */

static void schedule(bk_replay_t *r);

static void on_tick(pacer_t *p)
{
    bk_replay_t *r = pacer_data(p);
    fold_one(r);
    changed(r);
    schedule(r);
}

/* Arms the timer for the next message, by its time after the last one. */
static void schedule(bk_replay_t *r)
{
    int rc;
    if (r->ended || !r->next)
        pacer_stop(&r->pacer);
    else if ((rc = pacer_arm(&r->pacer, msg_time(r->next))) < 0) {
        r->ended = true;
        say(r, true, "replay timer: %s", uv_strerror(rc));
    }
}

static void on_timer_closed(uv_handle_t *h)
{
    bk_replay_t *r = h->data;
    bk_reader_close(r->reader);
    free(r->errors);
    free(r->path);
    free(r);
}

bk_replay_t *bk_replay_open(uv_loop_t *loop, const char *path, double speed, const bk_sink_t *sink, char *err,
                            size_t errlen)
{
    bk_replay_t *r = xcalloc(1, sizeof *r);
    r->sink = *sink;
    r->path = xstrdup(path);
    int rc = pacer_init(&r->pacer, loop, speed, true, on_tick, r);
    if (rc < 0) {
        snprintf(err, errlen, "%s: replay timer: %s", path, uv_strerror(rc));
        free(r->path);
        free(r);
        return NULL;
    }
    if (scan(r, err, errlen) || reopen(r, err, errlen)) {
        bk_replay_close(r);
        return NULL;
    }
    return r;
}

void bk_replay_close(bk_replay_t *r)
{
    if (r)
        pacer_close(&r->pacer, on_timer_closed);
}

void bk_replay_start(bk_replay_t *r, bool paused)
{
    pacer_set_paused(&r->pacer, paused);
    schedule(r);
}

static void seek(bk_replay_t *r, uint64_t pos)
{
    char err[600];
    if (pos < r->pos && reopen(r, err, sizeof err)) {
        say(r, true, "%s", err);
        return;
    }
    while (r->pos < pos && fold_one(r))
        ;
    changed(r);
}

int bk_replay_seek_at(bk_replay_t *r, const char *at)
{
    unsigned long long n;
    char extra;
    if (!strcmp(at, "END") || !strcmp(at, "end"))
        seek(r, UINT64_MAX);
    else if (sscanf(at, "error:%llu%c", &n, &extra) == 1 && n > r->n_errors)
        return usage_error("--at error:%llu: %s holds %zu error%s", n, r->path, r->n_errors,
                           r->n_errors == 1 ? "" : "s");
    else if (sscanf(at, "error:%llu%c", &n, &extra) == 1)
        seek(r, n ? r->errors[n - 1] : UINT64_MAX);
    else if (sscanf(at, "%llu%c", &n, &extra) == 1)
        seek(r, n);
    else
        return usage_error("--at: END, N or error:N for a BuildKit replay");
    return 0;
}

/* ---- keys --------------------------------------------------------------------- */

static void next_error(bk_replay_t *r)
{
    for (size_t i = 0; i < r->n_errors; i++) {
        if (r->errors[i] > r->pos) {
            pacer_set_paused(&r->pacer, true);
            seek(r, r->errors[i]);
            say(r, false, "paused at an error");
            return;
        }
    }
    say(r, false, "no later error");
}

void bk_replay_command(bk_replay_t *r, bk_replay_cmd_t cmd)
{
    switch (cmd) {
    case BK_REPLAY_PAUSE:
        pacer_set_paused(&r->pacer, !pacer_paused(&r->pacer));
        say(r, false, "%s", pacer_paused(&r->pacer) ? "paused" : "playing");
        break;
    case BK_REPLAY_FASTER: pacer_faster(&r->pacer); break;
    case BK_REPLAY_SLOWER: pacer_slower(&r->pacer); break;
    case BK_REPLAY_STEP:
        pacer_set_paused(&r->pacer, true);
        if (!fold_one(r))
            say(r, false, "end of the build");
        break;
    case BK_REPLAY_NEXT_ERROR: next_error(r); break;
    }
    schedule(r);
    changed(r);
}

void bk_replay_info(const bk_replay_t *r, bk_replay_info_t *out)
{
    out->pos = r->pos;
    out->total = r->total;
    out->paused = pacer_paused(&r->pacer);
    out->ended = r->ended;
    pacer_speed_name(&r->pacer, out->speed, sizeof out->speed);
}

bool bk_replay_ended(const bk_replay_t *r)
{
    return r->ended;
}
