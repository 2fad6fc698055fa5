/* skview's own recording format: an appendable, self-identifying log of
 * protobuf messages that survives a crash of the writer.
 *
 * Layout (all integers little-endian):
 *   file header, once:  "SKVREC\x01\n"                 (8 bytes, magic+version)
 *   then records:       u32 length  (of payload, at most RECORDING_MAX)
 *                       u32 crc32c  (of kind byte + payload)
 *                       u8  kind    (RECORD_LOG_ENTRY, RECORD_BUILDKIT_STATUS)
 *                       payload     (the packed protobuf message)
 * A record is written with one write() call. A crash can leave only the last
 * record torn (short, or failing its CRC): readers report it and stop there,
 * keeping every record before it; recording_open_append() cuts a torn tail
 * off before appending, so a resumed recording stays readable. */
#ifndef SKVIEW_RECORDING_H
#define SKVIEW_RECORDING_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <protobuf-c/protobuf-c.h>

#define RECORDING_MAGIC "SKVREC\x01\n"
#define RECORDING_MAGIC_LEN 8
#define RECORDING_HEADER_LEN 9 /* length + crc + kind */
#define RECORDING_MAX (64u << 20)

enum record_kind {
    RECORD_LOG_ENTRY = 1,        /* proto.LogEntry */
    RECORD_BUILDKIT_STATUS = 2,  /* moby.buildkit.v1.StatusResponse */
};

typedef struct recording_writer {
    int fd;
    char *path;
    uint64_t records;  /* written by this writer */
} recording_writer_t;

/* Opens (creating with mode 0600, as Skaffold does for its event log) for
 * appending. An existing file must be a recording; a torn last record is cut
 * off and reported through *note (a static sentence, or NULL when nothing was
 * cut). Returns 0, or -1 with errbuf filled ("FILE: not a skview recording"). */
int recording_open_append(recording_writer_t *w, const char *path, const char **note,
                          char *errbuf, size_t errlen);
/* Appends one record. Returns 0 or -1 with errno set. */
int recording_write(recording_writer_t *w, int kind, const ProtobufCMessage *msg);
int recording_close(recording_writer_t *w);

uint32_t crc32c(uint32_t crc, const void *data, size_t n);

/* True when the first bytes of a file are the recording magic. */
int recording_is_magic(const void *head, size_t n);

#endif
