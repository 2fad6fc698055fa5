/* Readers of saved BuildKit progress; see bk_reader.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "sources/bk_reader.h"
#include "sources/spool.h"
#include "sources/rec_format.h"

struct bk_reader {
    FILE *f;
    char *path;
    bk_format_t format;
    uint64_t line;           /* line (JSON) or record (recording) number */
    char *buf;               /* getline's buffer / a record's payload */
    size_t cap;
    arena_t arena;
    pbjson_parser_t *parser;
    rec_stream_t rec;        /* recordings */
    bool rec_started;
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
    FILE *f = spool_fopen(path);
    if (!f) {
        snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    bk_reader_t *r = xcalloc(1, sizeof *r);
    r->f = f;
    r->path = xstrdup(path);
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
    if (r->rec_started)
        rec_stream_free(&r->rec);
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

static ssize_t read_file(void *ctx, void *buf, size_t n)
{
    FILE *f = ctx;
    size_t got = fread(buf, 1, n, f);
    return got == 0 && ferror(f) ? -1 : (ssize_t)got;
}

/* Records through the shared stream reader (rec_format.h): damaged ones in
 * the middle are skipped and reported, a torn tail ends the file. */
/* The message type of each BuildKit record kind (NULL: not BuildKit's). */
static const ProtobufCMessageDescriptor *kind_type(unsigned kind)
{
    switch (kind) {
    case RECORD_BUILDKIT_STATUS: return &moby__buildkit__v1__status_response__descriptor;
    case RECORD_BUILDKIT_DU: return &moby__buildkit__v1__disk_usage_response__descriptor;
    case RECORD_BUILDKIT_WORKERS: return &moby__buildkit__v1__list_workers_response__descriptor;
    default: return NULL;
    }
}

static int next_record(bk_reader_t *r, bk_msg_t *out, char *err, size_t errlen)
{
    if (!r->rec_started) {
        rec_stream_init(&r->rec, read_file, r->f, NULL, 0, RECORDING_MAGIC_LEN);
        r->rec_started = true;
    }
    for (;;) {
        const unsigned char *body;
        uint32_t len;
        char msg[256];
        int rc = rec_stream_next(&r->rec, &body, &len, msg, sizeof msg);
        if (rc == REC_END)
            return BK_READ_END;
        r->line++;
        if (rc == REC_ERROR) {
            snprintf(err, errlen, "%s:record %llu: %s", r->path, (unsigned long long)r->line, strerror(r->rec.err));
            return BK_READ_FAIL;
        }
        if (rc == REC_DAMAGED || rc == REC_TORN) {
            snprintf(err, errlen, "%s:record %llu: %s", r->path, (unsigned long long)r->line, msg);
            return rc == REC_TORN ? BK_READ_FAIL : BK_READ_BAD;
        }
        const ProtobufCMessageDescriptor *type = kind_type(body[0]);
        if (!type)
            continue;
        arena_reset(&r->arena);
        out->kind = body[0];
        out->m = protobuf_c_message_unpack(type, &r->arena.pb, len, body + 1);
        if (out->m)
            return BK_READ_MSG;
        snprintf(err, errlen, "%s:record %llu: not a %s", r->path, (unsigned long long)r->line, type->short_name);
        return BK_READ_BAD;
    }
}

int bk_reader_next_any(bk_reader_t *r, bk_msg_t *out, char *err, size_t errlen)
{
    *out = (bk_msg_t){RECORD_BUILDKIT_STATUS, NULL};
    if (r->format == BK_FMT_RECORDING)
        return next_record(r, out, err, errlen);
    const Moby__Buildkit__V1__StatusResponse *m = NULL;
    int rc = next_json(r, &m, err, errlen);
    out->m = m ? &m->base : NULL;
    return rc;
}

int bk_reader_next(bk_reader_t *r, const Moby__Buildkit__V1__StatusResponse **out, char *err, size_t errlen)
{
    bk_msg_t msg;
    int rc;
    while ((rc = bk_reader_next_any(r, &msg, err, errlen)) == BK_READ_MSG && msg.kind != RECORD_BUILDKIT_STATUS)
        ;
    *out = rc == BK_READ_MSG ? (const Moby__Buildkit__V1__StatusResponse *)msg.m : NULL;
    return rc;
}
