/* Saved event logs -> LogEntry values; see logreader.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/xalloc.h"
#include "sources/logreader.h"
#include "sources/spool.h"
#include "sources/logline.h"
#include "sources/logpar.h"
#include "sources/rec_format.h"
#include "core/pbjson.h"

#define READ_CHUNK (1u << 20)
#define MAX_LINE (64u << 20)

struct logreader {
    int fd;
    char *path;              /* as given, "<stdin>" for "-" */
    logreader_opts_t opts;
    log_format_t format;
    char *buf;               /* unread bytes are buf[pos..len) */
    size_t pos, len, cap;
    bool eof, io_error, stopped;
    uint64_t line, skipped, entries, v2_events;
    uint64_t valid;          /* lines or records read well (the first decides gateway) */
    bool decided;            /* JSON lines: v1 or v2 known */
    uint64_t offset;         /* file offset of buf[0] */
    pbjson_parser_t *json;
    rec_stream_t rec;        /* recordings: the records after the magic */
    bool rec_started;
    enum_seen_t seen;        /* unknown enum values warned about */
    arena_t arena;
    char err[512];
    const char *ioerr;       /* strerror() of a read failure */
};

const char *log_format_name(log_format_t f)
{
    switch (f) {
    case LOG_JSONL: return "Skaffold event log (JSON lines)";
    case LOG_GATEWAY: return "HTTP gateway capture";
    case LOG_RECORDING: return "skview recording";
    case LOG_V2_JSONL: return "Skaffold v2 event log (JSON lines)";
    case LOG_V2_GATEWAY: return "HTTP gateway capture (v2)";
    default: return "unknown";
    }
}

/* Reads more bytes, keeping the unread tail at the start of the buffer.
 * Returns the bytes added (0 at end of file or on error). */
static size_t fill(logreader_t *r, size_t want)
{
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->offset += r->pos;
        r->len -= r->pos;
        r->pos = 0;
    }
    if (r->len + want > r->cap) {
        size_t cap = r->cap;
        while (cap < r->len + want) cap *= 2;
        r->buf = xrealloc(r->buf, cap + 1);
        r->cap = cap;
    }
    size_t added = 0;
    while (added == 0 && !r->eof) {
        ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            r->ioerr = strerror(errno);
            r->io_error = r->eof = true;
            break;
        }
        if (n == 0) r->eof = true;
        r->len += (size_t)n;
        added = (size_t)n;
    }
    return added;
}

/* Compressed files, named with the tool that decompresses them. */
static const struct packed {
    const char *magic;
    size_t n;
    const char *what, *cat;
} packed[] = {
    {"\x1f\x8b", 2, "gzip-compressed", "zcat"},
    {"BZh", 3, "bzip2-compressed", "bzcat"},
    {"\xfd" "7zXZ\0", 6, "xz-compressed", "xzcat"},
    {"\x28\xb5\x2f\xfd", 4, "zstd-compressed", "zstdcat"},
};

/* Says what a file that is no event log at all is (compressed, or binary:
 * a NUL in its first bytes); NULL for text. One clear sentence beats one
 * "invalid JSON" per line. */
static bool not_a_log(logreader_t *r, char *errbuf, size_t errlen)
{
    for (size_t i = 0; i < sizeof packed / sizeof packed[0]; i++)
        if (r->len >= packed[i].n && !memcmp(r->buf, packed[i].magic, packed[i].n)) {
            snprintf(errbuf, errlen, "%s: %s; decompress it first (%s %s | skview ... -)", r->path,
                     packed[i].what, packed[i].cat, r->path);
            return true;
        }
    size_t head = r->len < 4096 ? r->len : 4096;
    if (r->format != LOG_RECORDING && memchr(r->buf, '\0', head)) {
        snprintf(errbuf, errlen, "%s: binary data (a NUL byte in its first %zu bytes), not an event log",
                 r->path, head);
        return true;
    }
    return false;
}

bool logreader_version_known(const logreader_t *r)
{
    return r->decided || r->format != LOG_JSONL;
}

bool log_format_is_v2(log_format_t f)
{
    return f == LOG_V2_JSONL || f == LOG_V2_GATEWAY;
}

/* JSON lines: the version, from the first lines already read that tell it
 * (nothing is consumed); else the first such line read decides. */
static void detect_version(logreader_t *r)
{
    size_t pos = 0;
    for (int k = 0; k < 64 && pos < r->len && !r->decided; k++) {
        char *nl = memchr(r->buf + pos, '\n', r->len - pos);
        if (!nl && !r->eof)
            break; /* a line cut by the end of the buffer */
        size_t n = nl ? (size_t)(nl - (r->buf + pos)) : r->len - pos;
        if (!logline_is_blank(r->buf + pos, n)) {
            log_format_t f = logline_classify(r->json, &r->arena, r->buf + pos, n);
            arena_reset(&r->arena);
            if (f != LOG_UNKNOWN) {
                r->format = f;
                r->decided = true;
            }
        }
        pos += n + 1;
    }
}

/* The format, from the first bytes (kept for the reader: detection consumes
 * nothing). A UTF-8 byte-order mark is skipped. */
static void detect(logreader_t *r)
{
    while (r->len < RECORDING_MAGIC_LEN && fill(r, READ_CHUNK) > 0) {}
    r->format = recording_is_magic(r->buf, r->len) ? LOG_RECORDING : LOG_JSONL;
    if (r->format == LOG_RECORDING)
        r->pos = RECORDING_MAGIC_LEN;
    else
        detect_version(r);
}

logreader_t *logreader_open(const char *path, const logreader_opts_t *opts, char *errbuf,
                            size_t errlen)
{
    bool is_stdin = !strcmp(path, "-");
    int fd = spool_open(path);
    if (fd < 0) {
        snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    logreader_t *r = xcalloc(1, sizeof *r);
    r->fd = fd;
    r->path = xstrdup(is_stdin ? "<stdin>" : path);
    if (opts) r->opts = *opts;
    r->cap = READ_CHUNK;
    r->buf = xmalloc(r->cap + 1);
    r->json = logline_parser(r->opts.no_text);
    arena_init(&r->arena);
    detect(r);
    if (r->io_error || not_a_log(r, errbuf, errlen)) {
        if (r->io_error) snprintf(errbuf, errlen, "%s: %s", r->path, r->ioerr);
        logreader_close(r);
        return NULL;
    }
    return r;
}

void logreader_close(logreader_t *r)
{
    if (!r) return;
    if (r->fd >= 0) close(r->fd);
    free(r->buf);
    free(r->path);
    pbjson_parser_free(r->json);
    enum_seen_free(&r->seen);
    if (r->rec_started) rec_stream_free(&r->rec);
    arena_free(&r->arena);
    free(r);
}

/* Reports a malformed line or record. Returns -1 when it stops the reader
 * (strict mode), 0 when the caller skips it and goes on. */
static int report(logreader_t *r, const source_sink_t *sink, const char *where, const char *msg)
{
    snprintf(r->err, sizeof r->err, "%s: %s", where, msg);
    r->skipped++;
    bool fatal = r->opts.strict;
    if (sink && sink->on_error) sink->on_error(sink->ctx, where, msg, fatal);
    if (fatal) r->stopped = true;
    return fatal ? -1 : 0;
}

/* Something read that is no malformed input: not counted, never fatal. */
static void warn_line(logreader_t *r, const source_sink_t *sink, uint64_t line, const char *msg)
{
    char where[300];
    snprintf(where, sizeof where, "%s:%llu", r->path, (unsigned long long)line);
    if (sink && sink->on_warning) sink->on_warning(sink->ctx, where, msg);
}

static int report_line(logreader_t *r, const source_sink_t *sink, const char *msg)
{
    char where[300];
    snprintf(where, sizeof where, "%s:%llu", r->path, (unsigned long long)r->line);
    return report(r, sink, where, msg);
}

/* The next line as [*s, *s+*n) without its newline; false at the end. */
static bool next_line(logreader_t *r, char **s, size_t *n, bool *too_long)
{
    *too_long = false;
    for (;;) {
        char *start = r->buf + r->pos;
        char *nl = memchr(start, '\n', r->len - r->pos);
        if (nl || (r->eof && r->pos < r->len)) {
            size_t len = nl ? (size_t)(nl - start) : r->len - r->pos;
            r->pos += len + (nl ? 1 : 0);
            r->line++;
            *s = start;
            *n = len;
            return true;
        }
        if (r->eof) return false;
        if (r->len - r->pos >= MAX_LINE) {
            /* Drop what we have of the line; the rest goes with the next newline. */
            r->pos = r->len;
            *too_long = true;
        }
        fill(r, READ_CHUNK);
    }
}

/* An undecided file's line that is no v1 entry but names an event kind we
 * do not know ("fooEvent", "foo_event"): a v2 Event from a newer Skaffold
 * is more likely than a v1 entry holding only its timestamp. */
static bool unknown_v2_kind(const pbjson_err_t *err)
{
    return !strncmp(err->msg, "unknown Event kind", 18) &&
           (strstr(err->msg, "Event\" (") || strstr(err->msg, "_event\" ("));
}

/* One JSON line as the version the file holds; an undecided file's line that
 * is either decides it. Returns true with *it filled. */
static bool parse_json(logreader_t *r, const char *s, size_t n, log_item_t *it, bool *unwrapped,
                       pbjson_err_t *err)
{
    if (!r->decided) {
        log_format_t f = logline_classify(r->json, &r->arena, s, n);
        arena_reset(&r->arena);
        if (f != LOG_UNKNOWN) {
            r->format = f;
            r->decided = true;
        }
    }
    memset(it, 0, sizeof *it);
    if (log_format_is_v2(r->format)) {
        it->v2 = logline_parse_v2(r->json, &r->arena, s, n, unwrapped, err);
        if (it->v2 && it->v2->event_type_case == PROTO__V2__EVENT__EVENT_TYPE_APPLICATION_LOG_EVENT)
            it->stream = V2_APPLOGS;
        return it->v2 != NULL;
    }
    it->entry = logline_parse(r->json, &r->arena, s, n, unwrapped, err);
    if (it->entry && !r->decided && !it->entry->event && !(it->entry->entry && *it->entry->entry)) {
        pbjson_err_t v2err;
        bool u2;
        if (!logline_parse_v2(r->json, &r->arena, s, n, &u2, &v2err) && unknown_v2_kind(&v2err)) {
            *err = v2err;
            it->entry = NULL;
        }
    }
    return it->entry != NULL;
}

static int next_json(logreader_t *r, const source_sink_t *sink, log_item_t *out)
{
    char *s;
    size_t n;
    bool too_long;
    while (next_line(r, &s, &n, &too_long)) {
        if (too_long) {
            if (report_line(r, sink, "line longer than 64 MiB") < 0) return -1;
            continue;
        }
        if (logline_is_blank(s, n)) continue;
        arena_reset(&r->arena);
        pbjson_err_t err;
        bool unwrapped;
        if (!parse_json(r, s, n, out, &unwrapped, &err)) {
            if (err.gateway_error) {
                warn_line(r, sink, r->line, err.msg);
                continue;
            }
            if (report_line(r, sink, err.msg) < 0) return -1;
            continue;
        }
        if (unwrapped && r->valid == 0)
            r->format = log_format_is_v2(r->format) ? LOG_V2_GATEWAY : LOG_GATEWAY;
        r->valid++;
        for (int k = 0; k < err.n_unknown && k < PBJSON_MAX_UNKNOWN; k++)
            if (enum_seen_add(&r->seen, err.unknown[k].ed, err.unknown[k].value)) {
                char msg[300];
                logline_unknown_msg(&err.unknown[k], msg, sizeof msg);
                warn_line(r, sink, r->line, msg);
            }
        return 1;
    }
    return r->io_error ? -1 : 0;
}

static ssize_t read_fd(void *ctx, void *buf, size_t n)
{
    return read(*(int *)ctx, buf, n);
}

/* A record's payload as what its kind says: false for a kind this reader
 * passes over (BuildKit's, or one newer than skview), with *bad set when it
 * does not decode. */
static bool decode_record(logreader_t *r, const unsigned char *body, uint32_t len, log_item_t *it,
                          bool *bad)
{
    memset(it, 0, sizeof *it);
    *bad = false;
    switch (body[0]) {
    case RECORD_LOG_ENTRY:
        it->entry = (const void *)protobuf_c_message_unpack(&proto__log_entry__descriptor,
                                                            &r->arena.pb, len, body + 1);
        *bad = !it->entry;
        return true;
    case RECORD_V2_EVENT:
    case RECORD_V2_APPLOG:
        it->v2 = (const void *)protobuf_c_message_unpack(&proto__v2__event__descriptor, &r->arena.pb,
                                                         len, body + 1);
        it->stream = body[0] == RECORD_V2_APPLOG ? V2_APPLOGS : V2_EVENTS;
        *bad = !it->v2;
        return true;
    default:
        return false;
    }
}

static int next_record(logreader_t *r, const source_sink_t *sink, log_item_t *out)
{
    if (!r->rec_started) { /* the bytes detection read go first */
        rec_stream_init(&r->rec, read_fd, &r->fd, r->buf + r->pos, r->len - r->pos, r->offset + r->pos);
        r->pos = r->len;
        r->rec_started = true;
    }
    for (;;) {
        const unsigned char *body;
        uint32_t len;
        char msg[256], where[300];
        int rc = rec_stream_next(&r->rec, &body, &len, msg, sizeof msg);
        if (rc == REC_END) return 0;
        if (rc == REC_ERROR) {
            r->io_error = true;
            r->ioerr = strerror(r->rec.err);
            return -1;
        }
        r->line++;
        if (rc == REC_DAMAGED || rc == REC_TORN) {
            snprintf(where, sizeof where, "%s:record %llu", r->path, (unsigned long long)r->line);
            if (report(r, sink, where, msg) < 0) return -1;
            continue;
        }
        arena_reset(&r->arena);
        bool bad;
        if (!decode_record(r, body, len, out, &bad))
            continue; /* another stream's record (BuildKit), or a newer kind */
        if (bad) {
            snprintf(where, sizeof where, "%s:record %llu", r->path, (unsigned long long)r->line);
            if (report(r, sink, where, body[0] == RECORD_LOG_ENTRY ? "record does not decode as a LogEntry"
                                                                   : "record does not decode as a v2 Event") < 0)
                return -1;
            continue;
        }
        r->valid++;
        return 1;
    }
}

int logreader_next_item(logreader_t *r, const source_sink_t *sink, log_item_t *out)
{
    if (r->stopped) return -1;
    return r->format == LOG_RECORDING ? next_record(r, sink, out) : next_json(r, sink, out);
}

int logreader_next(logreader_t *r, const source_sink_t *sink, const Proto__LogEntry **out)
{
    log_item_t it;
    int rc;
    while ((rc = logreader_next_item(r, sink, &it)) == 1)
        if (it.entry) {
            *out = it.entry;
            return 1;
        }
    return rc;
}

/* The parallel pump reads JSON lines whose version the first lines told. */
static bool parallel(const logreader_t *r)
{
    return r->decided && r->format != LOG_RECORDING && r->line == 0 && logpar_wanted(r->fd, &r->opts);
}

/* The parallel pump over the rest of the file; its totals become the
 * reader's, so the accessors stay true. */
static int pump_parallel(logreader_t *r, const source_sink_t *sink)
{
    logpar_in_t in = {.fd = r->fd, .path = r->path, .opts = &r->opts, .format = r->format};
    logpar_out_t out;
    int status = logpar_pump(&in, sink, &out);
    r->entries = out.entries;
    r->v2_events = out.v2_events;
    r->line = out.lines;
    r->skipped = out.skipped;
    r->format = out.format;
    if (out.last_error[0]) snprintf(r->err, sizeof r->err, "%.*s", (int)sizeof r->err - 1, out.last_error);
    r->eof = true;
    r->pos = r->len;
    return status;
}

int logreader_pump(logreader_t *r, const source_sink_t *sink)
{
    log_item_t it;
    int rc, status = 0;
    if (parallel(r))
        return pump_parallel(r, sink);
    while ((rc = logreader_next_item(r, sink, &it)) == 1) {
        r->entries++;
        if (it.v2) {
            r->v2_events++;
            if (sink->on_v2 && (status = sink->on_v2(sink->ctx, it.v2, it.stream)) != 0) break;
        } else if (sink->on_entry && (status = sink->on_entry(sink->ctx, it.entry)) != 0) {
            break;
        }
    }
    if (rc < 0) {
        status = r->stopped ? 3 : 1;
        if (r->io_error && sink->on_error) sink->on_error(sink->ctx, r->path, r->ioerr, true);
    }
    if (sink->on_end) sink->on_end(sink->ctx, status);
    return status;
}

log_format_t logreader_format(const logreader_t *r) { return r->format; }
uint64_t logreader_line(const logreader_t *r) { return r->line; }
uint64_t logreader_skipped(const logreader_t *r) { return r->skipped; }
uint64_t logreader_entries(const logreader_t *r) { return r->entries; }
uint64_t logreader_v2_events(const logreader_t *r) { return r->v2_events; }
const char *logreader_path(const logreader_t *r) { return r->path; }
const char *logreader_error(const logreader_t *r) { return r->err[0] ? r->err : NULL; }
bool logreader_stopped(const logreader_t *r) { return r->stopped; }
const char *logreader_io_error(const logreader_t *r) { return r->io_error ? r->ioerr : NULL; }
