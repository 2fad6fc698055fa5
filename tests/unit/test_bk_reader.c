/* Readers of saved BuildKit progress: rawjson with v0.13 json tags, the
 * older trace form with Go field names, malformed lines ("FILE:LINE: ..."),
 * skview recordings of StatusResponse records, and the rawjson writer read
 * back. No real recording exists (see the wire notes): the lines below are
 * HAND-MADE, shaped like BuildKit's encoder output (sha256 digests,
 * RFC 3339 nanosecond times, base64 log data). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "sources/bk_reader.h"
#include "sources/rec_format.h"
#include "buildkit/bk_format.h"
#include "buildkit/bk_progress.h"
#include "skaffold.pb-c.h"

#define DG "sha256:6b2e1c5d9a0f4e3b8c7d6a5f4e3d2c1b0a9f8e7d6c5b4a3928171615141312ab"
#define DR "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* v0.13+ rawjson: the log "✓ compiled" is split inside ✓ across two lines
 * ("4pyT" is base64 of E2 9C 93: the first chunk ends with 4pw= = E2 9C). */
static const char rawjson[] =
    "{\"vertexes\":[{\"digest\":\"" DG "\",\"name\":\"[internal] load build definition from Dockerfile\"},"
    "{\"digest\":\"" DR "\",\"inputs\":[\"" DG "\"],\"name\":\"[2/2] RUN go build ./...\"}]}\n"
    "{\"vertexes\":[{\"digest\":\"" DG "\",\"name\":\"[internal] load build definition from Dockerfile\","
    "\"started\":\"2024-05-01T10:00:00.012345678Z\",\"completed\":\"2024-05-01T10:00:00.052Z\"}],"
    "\"statuses\":[{\"id\":\"transferring dockerfile:\",\"vertex\":\"" DG "\",\"current\":1234,"
    "\"timestamp\":\"2024-05-01T10:00:00.05Z\",\"started\":\"2024-05-01T10:00:00.02Z\",\"completed\":\"2024-05-01T10:00:00.05Z\"}]}\n"
    "\n"
    "{\"vertexes\":[{\"digest\":\"" DR "\",\"inputs\":[\"" DG "\"],\"name\":\"[2/2] RUN go build ./...\","
    "\"started\":\"2024-05-01T12:00:01+02:00\"}]}\n"
    "{\"logs\":[{\"vertex\":\"" DR "\",\"stream\":1,\"data\":\"4pw=\",\"timestamp\":\"2024-05-01T10:00:01.5Z\"}]}\n"
    "{\"logs\":[{\"vertex\":\"" DR "\",\"stream\":1,\"data\":\"kyBjb21waWxlZAo=\",\"timestamp\":\"2024-05-01T10:00:01.6Z\"}],"
    "\"warnings\":[{\"vertex\":\"" DR "\",\"level\":1,\"short\":\"SnNvbkFyZ3NSZWNvbW1lbmRlZA==\","
    "\"detail\":[\"SlNPTiBhcmd1bWVudHM=\"],\"url\":\"https://docs.docker.com/go/dockerfile/rule/json-args-recommended/\","
    "\"sourceInfo\":{\"filename\":\"Dockerfile\",\"language\":\"Dockerfile\"},\"range\":[{\"start\":{\"line\":3},\"end\":{\"line\":3}}]}]}\n"
    "{\"vertexes\":[{\"digest\":\"" DR "\",\"inputs\":[\"" DG "\"],\"name\":\"[2/2] RUN go build ./...\",\"started\":\"2024-05-01T10:00:01Z\","
    "\"completed\":\"2024-05-01T10:00:02.25Z\",\"error\":\"process did not complete successfully: exit code: 1\"}]}\n";

/* The pre-v0.13 trace form: Go field names, nulls for absent pointers, a
 * zero time for a value time.Time. */
static const char trace[] =
    "{\"Vertexes\":[{\"Digest\":\"" DG "\",\"Inputs\":null,\"Name\":\"[1/1] FROM docker.io/library/alpine:3.19\","
    "\"Started\":\"2024-05-01T10:00:00Z\",\"Completed\":null,\"Cached\":false,\"Error\":\"\",\"ProgressGroup\":null}],"
    "\"Statuses\":null,\"Logs\":null,\"Warnings\":null}\n"
    "{\"Vertexes\":null,\"Statuses\":[{\"ID\":\"sha256:4abcf2066143\",\"Vertex\":\"" DG "\",\"Name\":\"\",\"Total\":3410000,"
    "\"Current\":1230000,\"Timestamp\":\"2024-05-01T10:00:00.5Z\",\"Started\":\"2024-05-01T10:00:00.1Z\",\"Completed\":null}],"
    "\"Logs\":[{\"Vertex\":\"" DG "\",\"Stream\":2,\"Data\":\"cHVsbGluZwo=\",\"Timestamp\":\"0001-01-01T00:00:00Z\"}],\"Warnings\":null}\n";

static char *write_tmp(const char *content, size_t n)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/skview-bkr.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, n), (ssize_t)n);
    close(fd);
    return path;
}

/* Reads a whole file into a progress model; returns the messages read and
 * copies the first error. */
static int read_all(const char *path, bk_progress_t *p, char *first_err, size_t errlen)
{
    char err[512];
    bk_reader_t *r = bk_reader_open(path, err, sizeof err);
    assert_non_null(r);
    const Moby__Buildkit__V1__StatusResponse *m;
    int n = 0, rc;
    first_err[0] = '\0';
    while ((rc = bk_reader_next(r, &m, err, sizeof err)) != BK_READ_END) {
        if (rc == BK_READ_MSG) {
            bk_progress_fold(p, m);
            n++;
        } else if (!first_err[0]) {
            snprintf(first_err, errlen, "%s", err);
        }
        if (rc == BK_READ_FAIL)
            break;
    }
    bk_reader_close(r);
    return n;
}

static void test_rawjson(void **state)
{
    (void)state;
    char *path = write_tmp(rawjson, sizeof rawjson - 1);
    bk_progress_t *p = bk_progress_new(NULL);
    char err[512];
    assert_int_equal(read_all(path, p, err, sizeof err), 6);
    assert_string_equal(err, "");
    assert_int_equal(bk_progress_count(p), 2);
    const bk_vertex_t *g = bk_progress_vertex(p, 0), *r = bk_progress_vertex(p, 1);
    assert_int_equal(g->started, 1714557600012345678LL);
    assert_int_equal(g->statuses[0].current, 1234);
    assert_int_equal(r->started, 1714557601000000000LL); /* +02:00 taken into account */
    assert_int_equal(r->n_inputs, 1);
    assert_int_equal(bk_vertex_state(r), BK_ERROR);
    size_t len;
    assert_int_equal(bk_log_count(&r->log), 1);
    assert_string_equal(bk_log_line(&r->log, 0, &len), "\xE2\x9C\x93 compiled");
    assert_int_equal(bk_progress_warning_count(p), 1);
    assert_string_equal(bk_progress_warning(p, 0)->short_, "JsonArgsRecommended");
    assert_string_equal(bk_progress_warning(p, 0)->detail[0], "JSON arguments");
    bk_progress_free(p);
    unlink(path);
}

static void test_trace_go_names(void **state)
{
    (void)state;
    char *path = write_tmp(trace, sizeof trace - 1);
    bk_progress_t *p = bk_progress_new(NULL);
    char err[512];
    assert_int_equal(read_all(path, p, err, sizeof err), 2);
    assert_string_equal(err, "");
    const bk_vertex_t *v = bk_progress_vertex(p, 0);
    assert_string_equal(v->name, "[1/1] FROM docker.io/library/alpine:3.19");
    assert_int_equal(bk_vertex_state(v), BK_RUNNING);
    assert_int_equal(v->statuses[0].total, 3410000);
    assert_int_equal(v->statuses[0].timestamp, 1714557600500000000LL);
    size_t len;
    assert_string_equal(bk_log_line(&v->log, 0, &len), "pulling");
    bk_progress_free(p);
    unlink(path);
}

static void test_malformed_lines(void **state)
{
    (void)state;
    const char text[] = "{\"vertexes\":[{\"digest\":\"" DG "\",\"name\":\"a\"}]}\n"
                        "{\"vertexes\":[{\"digest\":\"" DG "\",\"started\":\"yesterday\"}]}\n"
                        "{\"logs\":[\n"
                        "{\"logs\":[{\"vertex\":\"" DG "\",\"data\":\"aGkK\"}]}\n";
    char *path = write_tmp(text, sizeof text - 1);
    char err[512], where[600];
    bk_reader_t *r = bk_reader_open(path, err, sizeof err);
    const Moby__Buildkit__V1__StatusResponse *m;
    assert_int_equal(bk_reader_next(r, &m, err, sizeof err), BK_READ_MSG);
    assert_int_equal(bk_reader_next(r, &m, err, sizeof err), BK_READ_BAD);
    snprintf(where, sizeof where, "%s:2: not a SolveStatus: vertexes.started: invalid RFC 3339 time \"yesterday\"", path);
    assert_string_equal(err, where);
    assert_int_equal(bk_reader_next(r, &m, err, sizeof err), BK_READ_BAD);
    snprintf(where, sizeof where, "%s:3: not a SolveStatus: truncated JSON", path);
    assert_string_equal(err, where);
    assert_int_equal(bk_reader_next(r, &m, err, sizeof err), BK_READ_MSG);
    assert_int_equal(m->logs[0]->msg.len, 3);
    assert_int_equal(bk_reader_next(r, &m, err, sizeof err), BK_READ_END);
    bk_reader_close(r);
    unlink(path);
    assert_null(bk_reader_open("/nonexistent/x.jsonl", err, sizeof err));
    assert_string_equal(err, "/nonexistent/x.jsonl: No such file or directory");
}

/* A recording holds StatusResponses among other kinds; a torn tail stops. */
static void test_recording(void **state)
{
    (void)state;
    char path[] = "/tmp/skview-bkrec.XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    recording_writer_t w;
    const char *note;
    char err[512];
    assert_int_equal(recording_open_append(&w, path, &note, err, sizeof err), 0);
    pbjson_parser_t *pp = pbjson_parser_new();
    arena_t a;
    arena_init(&a);
    pbjson_err_t perr;
    const char *line = strchr(rawjson, '\n') + 1; /* the second message */
    Moby__Buildkit__V1__StatusResponse *m = bk_rawjson_parse(pp, line, (size_t)(strchr(line, '\n') - line), &a, &perr);
    assert_non_null(m);
    Proto__LogEntry e = PROTO__LOG_ENTRY__INIT;
    e.entry = "a Skaffold entry, skipped by the BuildKit reader";
    assert_int_equal(recording_write(&w, RECORD_LOG_ENTRY, &e.base), 0);
    assert_int_equal(recording_write(&w, RECORD_BUILDKIT_STATUS, &m->base), 0);
    assert_int_equal(recording_write(&w, RECORD_BUILDKIT_STATUS, &m->base), 0);
    recording_close(&w);
    assert_int_equal(truncate(path, 8 + 9 + (off_t)protobuf_c_message_get_packed_size(&e.base) +
                                        2 * (9 + (off_t)protobuf_c_message_get_packed_size(&m->base)) - 3), 0);
    bk_reader_t *r = bk_reader_open(path, err, sizeof err);
    assert_int_equal(bk_reader_format(r), BK_FMT_RECORDING);
    const Moby__Buildkit__V1__StatusResponse *got;
    assert_int_equal(bk_reader_next(r, &got, err, sizeof err), BK_READ_MSG);
    assert_string_equal(got->statuses[0]->id, "transferring dockerfile:");
    assert_int_equal(bk_reader_next(r, &got, err, sizeof err), BK_READ_FAIL);
    char want[600];
    long long at = 8 + 9 + (long long)protobuf_c_message_get_packed_size(&e.base) + 9 +
                   (long long)protobuf_c_message_get_packed_size(&m->base);
    snprintf(want, sizeof want, "%s:record 3: torn last record at byte %lld (the recording was cut short); "
             "the records before it are kept", path, at);
    assert_string_equal(err, want);
    bk_reader_close(r);
    unlink(path);
    arena_free(&a);
    pbjson_parser_free(pp);
}

/* Every hand-made line survives write -> parse -> write unchanged in meaning. */
static void test_rawjson_roundtrip(void **state)
{
    (void)state;
    pbjson_parser_t *pp = pbjson_parser_new();
    arena_t a;
    arena_init(&a);
    strbuf_t once, twice;
    sb_init(&once);
    sb_init(&twice);
    for (const char *line = rawjson; *line; line = strchr(line, '\n') + 1) {
        size_t n = (size_t)(strchr(line, '\n') - line);
        if (n == 0)
            continue;
        pbjson_err_t perr;
        Moby__Buildkit__V1__StatusResponse *m = bk_rawjson_parse(pp, line, n, &a, &perr);
        assert_non_null(m);
        sb_reset(&once);
        bk_rawjson_write(&once, m);
        Moby__Buildkit__V1__StatusResponse *m2 = bk_rawjson_parse(pp, once.data, once.len, &a, &perr);
        assert_non_null(m2);
        sb_reset(&twice);
        bk_rawjson_write(&twice, m2);
        assert_string_equal(once.data, twice.data);
    }
    sb_reset(&once);
    pbjson_err_t perr;
    const char *last = strstr(rawjson, "{\"logs\":[{\"vertex\":\"" DR "\",\"stream\":1,\"data\":\"4pw=\"");
    Moby__Buildkit__V1__StatusResponse *m = bk_rawjson_parse(pp, last, (size_t)(strchr(last, '\n') - last), &a, &perr);
    bk_rawjson_write(&once, m);
    assert_string_equal(once.data, "{\"logs\":[{\"vertex\":\"" DR "\",\"stream\":1,\"data\":\"4pw=\",\"timestamp\":\"2024-05-01T10:00:01.500Z\"}]}");
    sb_free(&once);
    sb_free(&twice);
    arena_free(&a);
    pbjson_parser_free(pp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rawjson),
        cmocka_unit_test(test_trace_go_names),
        cmocka_unit_test(test_malformed_lines),
        cmocka_unit_test(test_recording),
        cmocka_unit_test(test_rawjson_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
