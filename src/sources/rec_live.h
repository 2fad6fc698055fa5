/* Recording a live Skaffold stream (recorder_*, on rec_format.h's writer):
 * one recorder for `skview record` and the viewer's --record, so both write
 * each entry of a session once however often the connection is lost
 * (dedup.h recognises the replayed history).
 *
 * A new session (another Skaffold process: another history) is appended
 * after the old one; it starts with its own MetaEvent, which is where a
 * reader of the recording sees the boundary. A replay that diverges from the
 * recorded history part-way (not expected from one Skaffold process) is
 * recorded from where it differs.
 *
 * Use: recorder_open(); on each new stream (the Skaffold client's on_reset)
 * recorder_reset(); each entry through recorder_entry(); the v2 streams
 * likewise (recorder_v2_reset, recorder_v2); recorder_close(). */
#ifndef SKVIEW_REC_LIVE_H
#define SKVIEW_REC_LIVE_H

#include <stddef.h>
#include <stdint.h>
#include "sources/rec_format.h"
#include "sources/dedup.h"
#include "sources/source.h"

typedef struct recorder {
    recording_writer_t w;
    dedup_t dedup;
    dedup_t v2dedup[2];    /* per v2 stream: Events (history), ApplicationLogs (tail) */
    uint64_t written;      /* v1 entries written by this recorder */
    uint64_t written_v2;   /* v2 events written by this recorder */
    uint64_t skipped;      /* replayed entries already recorded */
    int open;
} recorder_t;

/* Opens path for appending (recording_open_append: *note says if a torn
 * tail was cut). What the file holds already is read first: a second
 * `record` of the same live session recognises the replay of its last
 * session (v1 and both v2 streams) and appends only what is new. Returns 0, or -1 with errbuf filled. */
int recorder_open(recorder_t *r, const char *path, const char **note, char *errbuf,
                  size_t errlen);
void recorder_reset(recorder_t *r);
/* Writes e unless it is the replay of a recorded one. Returns what
 * dedup_check said, or -1 with errno set when the write failed (the
 * recorder stays open; the caller decides to close it). */
int recorder_entry(recorder_t *r, const Proto__LogEntry *e);
/* The v2 streams (Skaffold 2.x): recorder_v2_reset() when that stream
 * begins again (the Skaffold client's on_v2_reset), recorder_v2() for each event
 * (RECORD_V2_EVENT or RECORD_V2_APPLOG). A reconnect's replay is recognised
 * as for v1: Events replays the whole history, ApplicationLogs the current
 * dev loop's lines (the last RECORDER_APPLOG_DEDUP are remembered). Returns
 * as recorder_entry. */
#define RECORDER_APPLOG_DEDUP (1u << 20)
void recorder_v2_reset(recorder_t *r, v2_stream_t stream);
int recorder_v2(recorder_t *r, const Proto__V2__Event *ev, v2_stream_t stream);
const char *recorder_path(const recorder_t *r);
/* Closes the file and frees everything; 0, or -1 with errno set. */
int recorder_close(recorder_t *r);

#endif
