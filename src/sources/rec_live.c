/* Recording a live stream without duplicates: see rec_live.h. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/xalloc.h"
#include "sources/logreader.h"
#include "sources/rec_live.h"

/* Reading what a recording holds: the dedups see each stream in order. A
 * v1 MetaEvent starts a session (a Skaffold process): what came before it
 * is another history. The v2 Events of a session are those from its
 * MetaEvent's time on (v2 sends a MetaEvent with every dev loop's
 * InitializeState, and its records may precede the v1 one). */
typedef struct seeding {
    recorder_t *r;
    int64_t meta_ns;             /* the last v1 MetaEvent's time */
    int64_t *v2_ns;              /* each v2 Events event's time */
    size_t n, cap;
} seeding_t;

static int64_t ts_ns(const Google__Protobuf__Timestamp *t)
{
    return t ? t->seconds * 1000000000 + t->nanos : 0;
}

static int seed_entry(void *ctx, const Proto__LogEntry *e)
{
    seeding_t *sd = ctx;
    if (e->event && e->event->event_type_case == PROTO__EVENT__EVENT_TYPE_META_EVENT) {
        sd->r->dedup.n = 0;
        sd->meta_ns = ts_ns(e->timestamp);
    }
    dedup_check(&sd->r->dedup, e);
    return 0;
}

static int seed_v2(void *ctx, const Proto__V2__Event *ev, v2_stream_t stream)
{
    seeding_t *sd = ctx;
    dedup_t *d = &sd->r->v2dedup[stream == V2_APPLOGS];
    if (stream == V2_EVENTS) {
        if (sd->n == sd->cap) {
            sd->cap = sd->cap ? 2 * sd->cap : 1024;
            sd->v2_ns = xrealloc(sd->v2_ns, sd->cap * sizeof *sd->v2_ns);
        }
        sd->v2_ns[sd->n++] = ts_ns(ev->timestamp);
    }
    dedup_check_msg(d, &ev->base);
    return 0;
}

/* The v2 Events kept: the last session's. */
static void seed_cut_v2(seeding_t *sd)
{
    dedup_t *d = &sd->r->v2dedup[V2_EVENTS];
    size_t from = 0;
    while (from < sd->n && sd->v2_ns[from] < sd->meta_ns)
        from++;
    if (from && d->n == sd->n) {
        memmove(d->hashes, d->hashes + from, (d->n - from) * sizeof *d->hashes);
        d->n -= from;
    }
}

/* What path already holds, the last session of each stream, is what a
 * replay of that session will be recognised against. */
static void seed(recorder_t *r, const char *path)
{
    char err[256];
    logreader_opts_t o = {0};
    logreader_t *lr = access(path, F_OK) == 0 ? logreader_open(path, &o, err, sizeof err) : NULL;
    if (!lr)
        return;
    seeding_t sd = {.r = r};
    if (logreader_format(lr) == LOG_RECORDING) {
        source_sink_t sink = {.ctx = &sd, .on_entry = seed_entry, .on_v2 = seed_v2};
        (void)logreader_pump(lr, &sink);
        seed_cut_v2(&sd);
    }
    free(sd.v2_ns);
    logreader_close(lr);
    for (int i = 0; i < 2; i++)
        dedup_reset(&r->v2dedup[i]);
    dedup_reset(&r->dedup);
}

int recorder_open(recorder_t *r, const char *path, const char **note, char *errbuf, size_t errlen)
{
    *r = (recorder_t){0};
    dedup_init(&r->dedup);
    dedup_init(&r->v2dedup[V2_EVENTS]);
    dedup_init_tail(&r->v2dedup[V2_APPLOGS], RECORDER_APPLOG_DEDUP);
    seed(r, path);
    if (recording_open_append(&r->w, path, note, errbuf, errlen) != 0) {
        for (int i = 0; i < 2; i++)
            dedup_free(&r->v2dedup[i]);
        dedup_free(&r->dedup);
        return -1;
    }
    r->open = 1;
    return 0;
}

void recorder_reset(recorder_t *r)
{
    dedup_reset(&r->dedup);
}

int recorder_entry(recorder_t *r, const Proto__LogEntry *e)
{
    dedup_kind_t k = dedup_check(&r->dedup, e);
    if (k == DEDUP_OLD) {
        r->skipped++;
        return k;
    }
    if (recording_write(&r->w, RECORD_LOG_ENTRY, &e->base) != 0)
        return -1;
    r->written++;
    return k;
}

void recorder_v2_reset(recorder_t *r, v2_stream_t stream)
{
    dedup_reset(&r->v2dedup[stream == V2_APPLOGS]);
}

int recorder_v2(recorder_t *r, const Proto__V2__Event *ev, v2_stream_t stream)
{
    dedup_kind_t k = dedup_check_msg(&r->v2dedup[stream == V2_APPLOGS], &ev->base);
    if (k == DEDUP_OLD) {
        r->skipped++;
        return k;
    }
    if (recording_write(&r->w, stream == V2_APPLOGS ? RECORD_V2_APPLOG : RECORD_V2_EVENT, &ev->base) != 0)
        return -1;
    r->written_v2++;
    return k;
}

const char *recorder_path(const recorder_t *r)
{
    return r->w.path;
}

int recorder_close(recorder_t *r)
{
    if (!r->open)
        return 0;
    r->open = 0;
    dedup_free(&r->dedup);
    dedup_free(&r->v2dedup[0]);
    dedup_free(&r->v2dedup[1]);
    return recording_close(&r->w);
}
