/* Readers of saved BuildKit progress; see bk_reader.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "io/bk_reader.h"
#include "io/input.h"
#include "io/recording.h"

struct bk_reader {
    FILE *f;
    char *path;
    bk_format_t format;
    uint64_t line;           /* line (JSON) or record (recording) number */
    char *buf;               /* getline's buffer / a record's payload */
    size_t cap;
    arena_t arena;
    pbjson_parser_t *parser;
};

/* Keys of the JSON forms that are not the .proto names up to case. */
static const pbjson_alias_t bk_aliases[] = {
    {"data", "msg"},
    {"sourceInfo", "info"},
    {"range", "ranges"},
};
static const pbjson_keys_t bk_keys = {bk_aliases, sizeof bk_aliases / sizeof bk_aliases[0]};

Moby__Buildkit__V1__StatusResponse *bk_rawjson_parse(pbjson_parser_t *p, const char *line, size_t n,
                                                     arena_t *arena, pbjson_err_t *err)
{
    return (Moby__Buildkit__V1__StatusResponse *)pbjson_parse_keys(
        p, line, n, &moby__buildkit__v1__status_response__descriptor, arena, &bk_keys, err);
}

/* One byte of look-ahead (all ungetc promises) tells the forms apart: a
 * recording starts with 'S' of its magic, JSON lines never do. */
static bk_format_t detect(FILE *f)
{
    int c = getc(f);
    if (c == EOF)
        return BK_FMT_RAWJSON; /* empty: no messages */
    if (c != 'S')
        return ungetc(c, f) == EOF ? BK_FMT_UNKNOWN : BK_FMT_RAWJSON;
    unsigned char head[RECORDING_MAGIC_LEN] = {'S'};
    size_t n = 1 + fread(head + 1, 1, sizeof head - 1, f);
    return recording_is_magic(head, n) ? BK_FMT_RECORDING : BK_FMT_UNKNOWN;
}

bk_reader_t *bk_reader_open(const char *path, char *errbuf, size_t errlen)
{
    FILE *f = input_fopen(path);
    if (!f) {
        snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    bk_reader_t *r = calloc(1, sizeof *r);
    if (!r)
        abort();
    r->f = f;
    r->path = strdup(path);
    arena_init(&r->arena);
    r->parser = pbjson_parser_new();
    r->format = detect(f);
    if (r->format == BK_FMT_UNKNOWN) {
        snprintf(errbuf, errlen, "%s: neither BuildKit rawjson nor a skview recording", path);
        bk_reader_close(r);
        return NULL;
    }
    return r;
}

void bk_reader_close(bk_reader_t *r)
{
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    free(r->path);
    free(r->buf);
    arena_free(&r->arena);
    pbjson_parser_free(r->parser);
    free(r);
}

bk_format_t bk_reader_format(const bk_reader_t *r) { return r->format; }

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

static int next_json(bk_reader_t *r, const Moby__Buildkit__V1__StatusResponse **out, char *err, size_t errlen)
{
    for (;;) {
        errno = 0;
        ssize_t n = getline(&r->buf, &r->cap, r->f);
        if (n < 0) {
            if (ferror(r->f)) {
                snprintf(err, errlen, "%s:%llu: %s", r->path, (unsigned long long)r->line + 1, strerror(errno));
                return BK_READ_FAIL;
            }
            return BK_READ_END;
        }
        r->line++;
        if (blank(r->buf, (size_t)n))
            continue;
        arena_reset(&r->arena);
        pbjson_err_t perr;
        size_t bom = n >= 3 && !memcmp(r->buf, "\xef\xbb\xbf", 3) ? 3 : 0; /* UTF-8 byte-order mark */
        *out = bk_rawjson_parse(r->parser, r->buf + bom, (size_t)n - bom, &r->arena, &perr);
        if (*out)
            return BK_READ_MSG;
        snprintf(err, errlen, "%s:%llu: not a SolveStatus: %s", r->path, (unsigned long long)r->line, perr.msg);
        return BK_READ_BAD;
    }
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int torn(bk_reader_t *r, char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s:record %llu: %s; the records before it are kept", r->path,
             (unsigned long long)r->line, what);
    return BK_READ_FAIL;
}

/* Reads one record's payload (kind byte first) into r->buf; 0 at a clean end. */
static int read_record(bk_reader_t *r, uint32_t *len, char *err, size_t errlen)
{
    unsigned char hdr[RECORDING_HEADER_LEN];
    size_t got = fread(hdr, 1, sizeof hdr, r->f);
    if (got == 0 && feof(r->f))
        return 0;
    r->line++;
    if (got < sizeof hdr)
        return torn(r, err, errlen, "torn record header");
    *len = le32(hdr);
    if (*len > RECORDING_MAX)
        return torn(r, err, errlen, "record length out of range");
    if ((size_t)*len + 1 > r->cap) {
        char *nb = realloc(r->buf, (size_t)*len + 1);
        if (!nb)
            abort();
        r->buf = nb;
        r->cap = (size_t)*len + 1;
    }
    r->buf[0] = (char)hdr[8];
    if (fread(r->buf + 1, 1, *len, r->f) != *len)
        return torn(r, err, errlen, "torn record");
    if (crc32c(0, r->buf, (size_t)*len + 1) != le32(hdr + 4))
        return torn(r, err, errlen, "record fails its checksum");
    return 1;
}

static int next_record(bk_reader_t *r, const Moby__Buildkit__V1__StatusResponse **out, char *err, size_t errlen)
{
    for (;;) {
        uint32_t len = 0;
        int rc = read_record(r, &len, err, errlen);
        if (rc <= 0)
            return rc;
        if (r->buf[0] != RECORD_BUILDKIT_STATUS)
            continue;
        arena_reset(&r->arena);
        *out = (Moby__Buildkit__V1__StatusResponse *)protobuf_c_message_unpack(
            &moby__buildkit__v1__status_response__descriptor, &r->arena.pb, len, (const uint8_t *)r->buf + 1);
        if (*out)
            return BK_READ_MSG;
        snprintf(err, errlen, "%s:record %llu: not a StatusResponse", r->path, (unsigned long long)r->line);
        return BK_READ_BAD;
    }
}

int bk_reader_next(bk_reader_t *r, const Moby__Buildkit__V1__StatusResponse **out, char *err, size_t errlen)
{
    *out = NULL;
    return r->format == BK_FMT_RECORDING ? next_record(r, out, err, errlen) : next_json(r, out, err, errlen);
}
