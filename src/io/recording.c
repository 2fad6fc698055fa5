/* skview's recording format: writer side; see recording.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "recording.h"

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

/* Walks the records of an existing recording and returns the offset just
 * past the last complete, intact one. */
static off_t last_good_offset(int fd, off_t size)
{
    off_t off = RECORDING_MAGIC_LEN;
    unsigned char hdr[RECORDING_HEADER_LEN];
    unsigned char *buf = NULL;
    size_t cap = 0;
    while (off + RECORDING_HEADER_LEN <= size) {
        if (pread(fd, hdr, sizeof hdr, off) != (ssize_t)sizeof hdr) break;
        uint32_t len = le32(hdr);
        if (len > RECORDING_MAX || off + RECORDING_HEADER_LEN + (off_t)len > size) break;
        if (len + 1 > cap) {
            cap = len + 1;
            unsigned char *nb = realloc(buf, cap);
            if (!nb) break;
            buf = nb;
        }
        buf[0] = hdr[8];
        if (pread(fd, buf + 1, len, off + RECORDING_HEADER_LEN) != (ssize_t)len) break;
        if (crc32c(0, buf, len + 1) != le32(hdr + 4)) break;
        off += RECORDING_HEADER_LEN + (off_t)len;
    }
    free(buf);
    return off;
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
        off_t good = last_good_offset(fd, st.st_size);
        if (good < st.st_size) {
            if (ftruncate(fd, good) < 0) return open_fail(errbuf, errlen, path, strerror(errno), fd);
            *note = "cut off a torn last record left by an interrupted recording";
        }
    }
    w->fd = fd;
    w->path = strdup(path);
    return 0;
}

int recording_write(recording_writer_t *w, int kind, const ProtobufCMessage *msg)
{
    size_t len = protobuf_c_message_get_packed_size(msg);
    if (len > RECORDING_MAX) { errno = EMSGSIZE; return -1; }
    unsigned char stackbuf[4096], *buf = stackbuf;
    if (len + RECORDING_HEADER_LEN > sizeof stackbuf && !(buf = malloc(len + RECORDING_HEADER_LEN)))
        return -1;
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
