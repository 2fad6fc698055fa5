/* Recording a live stream without duplicates: see recorder.h. */
#include <stdlib.h>
#include "sources/recorder.h"

int recorder_open(recorder_t *r, const char *path, const char **note, char *errbuf, size_t errlen)
{
    *r = (recorder_t){0};
    if (recording_open_append(&r->w, path, note, errbuf, errlen) != 0)
        return -1;
    dedup_init(&r->dedup);
    dedup_init(&r->v2dedup[V2_EVENTS]);
    dedup_init_tail(&r->v2dedup[V2_APPLOGS], RECORDER_APPLOG_DEDUP);
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
    r->written++;
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
