/* skview's recording format: writer side; see rec_format.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/xalloc.h"
#include "sources/rec_format.h"

/* CRC-32C (Castagnoli), reflected, table-driven. */
uint32_t crc32c(uint32_t crc, const void *data, size_t n)
{
    static uint32_t table[256];
    static int ready;
    if (!ready) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
            table[i] = c;
        }
        ready = 1;
    }
    const unsigned char *p = data;
    crc = ~crc;
    while (n--)
        crc = table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

int recording_is_magic(const void *head, size_t n)
{
    return n >= RECORDING_MAGIC_LEN && !memcmp(head, RECORDING_MAGIC, RECORDING_MAGIC_LEN);
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}

static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int recording_check(const void *buf, size_t n, uint32_t *len)
{
    const unsigned char *p = buf;
    *len = 0;
    if (n < RECORDING_HEADER_LEN)
        return RECORD_SHORT;
    uint32_t l = le32(p);
    if (l > RECORDING_MAX)
        return RECORD_BAD;
    *len = l;
    if (n - RECORDING_HEADER_LEN < l)
        return RECORD_SHORT;
    return crc32c(0, p + 8, (size_t)l + 1) == le32(p + 4) ? RECORD_OK : RECORD_BAD;
}

int recording_plausible(const void *buf)
{
    const unsigned char *p = buf;
    return le32(p) <= RECORDING_MAX && p[8] >= RECORD_LOG_ENTRY && p[8] <= RECORD_KIND_MAX;
}

/* The offset of the next whole, valid record after off, or size when none. */
static size_t resync(const unsigned char *d, size_t off, size_t size)
{
    uint32_t len;
    for (size_t k = off + 1; k + RECORDING_HEADER_LEN <= size; k++)
        if (recording_plausible(d + k) && recording_check(d + k, size - k, &len) == RECORD_OK)
            return k;
    return size;
}

/* True when the bytes at d (n of them, the end of the file) are a record cut
 * short by a crash: a partial header, or a plausible header whose payload
 * runs past the end. Anything else is damage, not a tear. */
static bool torn_tail(const unsigned char *d, size_t n)
{
    uint32_t len;
    if (n < RECORDING_HEADER_LEN)
        return true;
    return recording_plausible(d) && recording_check(d, n, &len) == RECORD_SHORT;
}

/* What walking an existing recording found. */
typedef struct walk {
    size_t good_end;      /* just past the last intact record */
    size_t damaged;       /* damaged stretches before it */
    size_t first_bad;     /* offset of the first one */
} walk_t;

/* Walks every record the way the readers do: a record whose CRC fails but is
 * followed by a valid record (or the end) is skipped by its length,
 * otherwise the walk resynchronises on the next valid record. */
static void walk_records(const unsigned char *d, size_t size, walk_t *w)
{
    size_t off = RECORDING_MAGIC_LEN;
    memset(w, 0, sizeof *w);
    w->good_end = off;
    while (off < size) {
        uint32_t len, next_len;
        int c = recording_check(d + off, size - off, &len);
        if (c == RECORD_OK) {
            off += RECORDING_HEADER_LEN + len;
            w->good_end = off;
            continue;
        }
        size_t next = off + RECORDING_HEADER_LEN + len;
        if (c == RECORD_SHORT || le32(d + off) > RECORDING_MAX || next > size ||
            (next < size && recording_check(d + next, size - next, &next_len) != RECORD_OK))
            next = resync(d, off, size);
        if (next == size && c == RECORD_SHORT)
            break; /* nothing valid after it: the tail */
        if (w->damaged++ == 0)
            w->first_bad = off;
        off = next;
    }
}

/* Cuts a torn tail; leaves any other damage in place. Returns 0 or -1. */
static int repair_tail(int fd, off_t size, char *note, size_t notelen)
{
    note[0] = '\0';
    if (size <= RECORDING_MAGIC_LEN)
        return 0;
    unsigned char *d = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (d == MAP_FAILED)
        return -1;
    walk_t w;
    walk_records(d, (size_t)size, &w);
    size_t tail = (size_t)size - w.good_end;
    bool torn = tail > 0 && torn_tail(d + w.good_end, tail);
    munmap(d, (size_t)size);
    int n = 0;
    if (w.damaged)
        n = snprintf(note, notelen, "%zu damaged stretch(es), the first at byte %zu, left in place "
                     "(readers skip them); ", w.damaged, w.first_bad);
    if (torn) {
        if (ftruncate(fd, (off_t)w.good_end) < 0)
            return -1;
        snprintf(note + n, notelen - (size_t)n, "cut off a torn last record (%zu bytes at byte %zu) "
                 "left by an interrupted recording", tail, w.good_end);
    } else if (tail > 0) {
        snprintf(note + n, notelen - (size_t)n, "%zu bytes after the last intact record (byte %zu) "
                 "are not a torn record: left in place, appending after them", tail, w.good_end);
    } else if (n > 0) {
        note[n - 2] = '\0'; /* drop the trailing "; " */
    }
    return 0;
}

static int open_fail(char *errbuf, size_t errlen, const char *path, const char *what, int fd)
{
    snprintf(errbuf, errlen, "%s: %s", path, what);
    if (fd >= 0) close(fd);
    return -1;
}

int recording_open_append(recording_writer_t *w, const char *path, const char **note,
                          char *errbuf, size_t errlen)
{
    *note = NULL;
    memset(w, 0, sizeof *w);
    w->fd = -1;
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return open_fail(errbuf, errlen, path, strerror(errno), -1);
    struct stat st;
    if (fstat(fd, &st) < 0) return open_fail(errbuf, errlen, path, strerror(errno), fd);
    if (st.st_size == 0) {
        if (write_all(fd, RECORDING_MAGIC, RECORDING_MAGIC_LEN) < 0)
            return open_fail(errbuf, errlen, path, strerror(errno), fd);
    } else {
        char head[RECORDING_MAGIC_LEN];
        if (pread(fd, head, sizeof head, 0) != (ssize_t)sizeof head || !recording_is_magic(head, sizeof head))
            return open_fail(errbuf, errlen, path, "not a skview recording (refusing to append to it)", fd);
        static char note_buf[512];
        if (repair_tail(fd, st.st_size, note_buf, sizeof note_buf) < 0)
            return open_fail(errbuf, errlen, path, strerror(errno), fd);
        if (note_buf[0])
            *note = note_buf;
    }
    w->fd = fd;
    w->path = xstrdup(path);
    return 0;
}

int recording_write(recording_writer_t *w, int kind, const ProtobufCMessage *msg)
{
    size_t len = protobuf_c_message_get_packed_size(msg);
    if (len > RECORDING_MAX) { errno = EMSGSIZE; return -1; }
    unsigned char stackbuf[4096], *buf = stackbuf;
    if (len + RECORDING_HEADER_LEN > sizeof stackbuf)
        buf = xmalloc(len + RECORDING_HEADER_LEN);
    buf[8] = (unsigned char)kind;
    protobuf_c_message_pack(msg, buf + RECORDING_HEADER_LEN);
    put_le32(buf, (uint32_t)len);
    put_le32(buf + 4, crc32c(0, buf + 8, len + 1));
    /* One write() per record: a crash can tear only the record in flight. */
    int rc = write_all(w->fd, buf, len + RECORDING_HEADER_LEN);
    if (buf != stackbuf) free(buf);
    if (rc == 0) w->records++;
    return rc;
}

int recording_close(recording_writer_t *w)
{
    int rc = 0;
    if (w->fd >= 0) rc = close(w->fd);
    w->fd = -1;
    free(w->path);
    w->path = NULL;
    return rc;
}

/* ---- reading records from a stream ---------------------------------------------- */

#define REC_CHUNK (256u << 10)

void rec_stream_init(rec_stream_t *s, ssize_t (*read_fn)(void *, void *, size_t), void *ctx,
                     const void *pre, size_t npre, uint64_t offset)
{
    memset(s, 0, sizeof *s);
    s->read = read_fn;
    s->ctx = ctx;
    s->cap = npre > REC_CHUNK ? npre : REC_CHUNK;
    s->buf = xmalloc(s->cap);
    if (npre)
        memcpy(s->buf, pre, npre);
    s->len = npre;
    s->offset = offset;
}

void rec_stream_free(rec_stream_t *s)
{
    free(s->buf);
    s->buf = NULL;
}

/* Makes sure n bytes from the read position are buffered; false at the end. */
static bool rs_have(rec_stream_t *s, size_t n)
{
    while (s->len - s->pos < n) {
        if (s->eof)
            return false;
        if (s->pos > 0) {
            memmove(s->buf, s->buf + s->pos, s->len - s->pos);
            s->offset += s->pos;
            s->len -= s->pos;
            s->pos = 0;
        }
        size_t want = n > REC_CHUNK ? n : REC_CHUNK;
        if (s->len + want > s->cap) {
            size_t cap = s->cap;
            while (cap < s->len + want)
                cap *= 2;
            unsigned char *b = xrealloc(s->buf, cap);
            s->buf = b;
            s->cap = cap;
        }
        ssize_t got = s->read(s->ctx, s->buf + s->len, s->cap - s->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            s->err = errno;
            s->io_error = true;
        }
        if (got <= 0)
            s->eof = true;
        else
            s->len += (size_t)got;
    }
    return true;
}

/* Checks the record k bytes past the read position, reading as needed. */
static int rs_check(rec_stream_t *s, size_t k, uint32_t *len)
{
    *len = 0;
    if (!rs_have(s, k + RECORDING_HEADER_LEN))
        return RECORD_SHORT;
    int c = recording_check(s->buf + s->pos + k, s->len - s->pos - k, len);
    if (c != RECORD_SHORT)
        return c;
    rs_have(s, k + RECORDING_HEADER_LEN + *len);
    return recording_check(s->buf + s->pos + k, s->len - s->pos - k, len);
}

/* Where the next trustworthy record starts past a damaged one; 0 for none. */
static size_t rs_resync(rec_stream_t *s, int c, uint32_t len)
{
    uint32_t l;
    size_t next = RECORDING_HEADER_LEN + (size_t)len;
    if (c == RECORD_BAD && len && (!rs_have(s, next + 1) || rs_check(s, next, &l) == RECORD_OK))
        return next;
    for (size_t k = 1; rs_have(s, k + RECORDING_HEADER_LEN); k++)
        if (recording_plausible(s->buf + s->pos + k) && rs_check(s, k, &l) == RECORD_OK)
            return k;
    return 0;
}

int rec_stream_next(rec_stream_t *s, const unsigned char **rec, uint32_t *len, char *msg, size_t msglen)
{
    if (s->pos == s->len && !rs_have(s, 1))
        return s->io_error ? REC_ERROR : REC_END;
    int c = rs_check(s, 0, len);
    if (c == RECORD_OK) {
        *rec = s->buf + s->pos + 8;
        s->pos += RECORDING_HEADER_LEN + *len;
        return REC_RECORD;
    }
    if (s->io_error)
        return REC_ERROR;
    unsigned long long at = (unsigned long long)(s->offset + s->pos);
    size_t skip = rs_resync(s, c, *len);
    if (skip == 0) {
        snprintf(msg, msglen, "%s at byte %llu (the recording was cut short); the records before it "
                 "are kept", c == RECORD_SHORT ? "torn last record" : "damaged last record", at);
        s->pos = s->len;
        s->eof = true;
        return REC_TORN;
    }
    snprintf(msg, msglen, "damaged record at byte %llu (%s); %zu bytes skipped, reading resumes at "
             "byte %llu", at, c == RECORD_SHORT || !*len ? "its length is broken" : "checksum mismatch",
             skip, at + skip);
    s->pos += skip;
    return REC_DAMAGED;
}
