/* skview's own recording format: an appendable, self-identifying log of
 * protobuf messages that survives a crash of the writer. Here (recording_*):
 * the writer of records and the record check the readers share (logreader.h,
 * bk_reader.h); rec_live.h records a live Skaffold stream with it.
 *
 * Layout (all integers little-endian):
 *   file header, once:  "SKVREC\x01\n"                 (8 bytes, magic+version)
 *   then records:       u32 length  (of payload, at most RECORDING_MAX)
 *                       u32 crc32c  (of kind byte + payload)
 *                       u8  kind    (enum record_kind)
 *                       payload     (the packed protobuf message)
 * A record is written with one write() call, so a crash can leave only the
 * last record torn (cut short). Damage elsewhere (a flipped bit on disk) is
 * confined to the records it touches: a record whose length is intact but
 * whose CRC fails is skipped by its length; otherwise readers resynchronise
 * on the next offset that holds a whole record with a known kind and a valid
 * CRC. Readers report each damaged stretch with its byte offset and keep
 * every intact record. recording_open_append() cuts only a true torn tail (a
 * header or a record running past the end of the file); anything else it
 * leaves in place and appends after it. */
#ifndef SKVIEW_REC_FORMAT_H
#define SKVIEW_REC_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>
#include <stdio.h>
#include <protobuf-c/protobuf-c.h>

#define RECORDING_MAGIC "SKVREC\x01\n"
#define RECORDING_MAGIC_LEN 8
#define RECORDING_HEADER_LEN 9 /* length + crc + kind */
#define RECORDING_MAX (64u << 20)

/* Kinds a reader does not know (a newer skview's) are whole records with a
 * valid CRC: readers pass over them like another stream's (the readers
 * before v2 pass over RECORD_V2_* so). */
enum record_kind {
    RECORD_LOG_ENTRY = 1,        /* proto.LogEntry */
    RECORD_BUILDKIT_STATUS = 2,  /* moby.buildkit.v1.StatusResponse */
    RECORD_V2_EVENT = 3,         /* proto.v2.Event of the v2 Events stream */
    RECORD_V2_APPLOG = 4,        /* proto.v2.Event of the v2 ApplicationLogs stream */
    RECORD_BUILDKIT_DU = 5,      /* moby.buildkit.v1.DiskUsageResponse */
    RECORD_BUILDKIT_WORKERS = 6, /* moby.buildkit.v1.ListWorkersResponse */
    RECORD_KIND_MAX = 6,
};

typedef struct recording_writer {
    int fd;
    char *path;
    uint64_t records;  /* written by this writer */
} recording_writer_t;

/* Opens (creating with mode 0600, as Skaffold does for its event log) for
 * appending. An existing file must be a recording; a torn last record is cut
 * off, damage before it is left in place; either is reported through *note
 * (a sentence valid until the next call, or NULL when the file was intact).
 * Returns 0, or -1 with errbuf filled ("FILE: not a skview recording"). */
int recording_open_append(recording_writer_t *w, const char *path, const char **note,
                          char *errbuf, size_t errlen);
/* Appends one record. Returns 0 or -1 with errno set. */
int recording_write(recording_writer_t *w, int kind, const ProtobufCMessage *msg);
int recording_close(recording_writer_t *w);

uint32_t crc32c(uint32_t crc, const void *data, size_t n);

/* What recording_check finds at a place in a recording. */
enum record_check {
    RECORD_OK,      /* a whole record whose CRC matches */
    RECORD_SHORT,   /* the header or the payload runs past the n bytes given */
    RECORD_BAD,     /* length out of range, or the CRC does not match */
};

/* Checks the record starting at p, of which n bytes are available; *len is
 * its payload length when the header is there and in range (else 0). */
int recording_check(const void *p, size_t n, uint32_t *len);

/* True when p (at least RECORDING_HEADER_LEN bytes) could start a record a
 * resynchronising reader may trust once its CRC checks: a length in range
 * and a kind skview writes. */
int recording_plausible(const void *p);

/* Reading records from a stream (a file, a pipe), the one implementation of
 * the readers' rules above: a whole record is returned; a damaged one is
 * skipped by its length when that is intact (what follows is a valid record
 * or the end), else by resynchronising on the next valid record; a record
 * cut short with nothing valid after it is the torn tail. Memory: the
 * largest record, plus what resynchronising looks ahead. */
typedef struct rec_stream {
    ssize_t (*read)(void *ctx, void *buf, size_t n);   /* <0 error (errno), 0 end */
    void *ctx;
    unsigned char *buf;      /* unread bytes are buf[pos..len) */
    size_t pos, len, cap;
    bool eof, io_error;
    int err;                 /* errno of a read error */
    uint64_t offset;         /* file offset of buf[0] */
} rec_stream_t;

enum rec_next {
    REC_ERROR = -1,          /* a read error: s->err */
    REC_END = 0,
    REC_RECORD = 1,          /* *rec (kind byte, then the payload) and *len */
    REC_DAMAGED = 2,         /* a damaged stretch was skipped: msg says where; go on */
    REC_TORN = 3,            /* the torn tail: msg says where; the end */
};

/* Starts after the magic: pre holds bytes already read (npre of them) that
 * start at file offset `offset`. */
void rec_stream_init(rec_stream_t *s, ssize_t (*read)(void *, void *, size_t), void *ctx,
                     const void *pre, size_t npre, uint64_t offset);
void rec_stream_free(rec_stream_t *s);
/* The next record; the pointer is valid until the next call. */
int rec_stream_next(rec_stream_t *s, const unsigned char **rec, uint32_t *len, char *msg, size_t msglen);

/* True when the first bytes of a file are the recording magic. */
int recording_is_magic(const void *head, size_t n);

#endif
