/* The log readers on real files, on each kind of malformed line, and the
 * recording format including a torn last record. Runs from the repo root,
 * with ../shared beside it as in CI. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "sources/logreader.h"
#include "sources/rec_format.h"
#include "core/pbjson.h"

#define HELM "../shared/data/skaffold-v1.29-helm-events.jsonl"
#define GATEWAY "../shared/data/http-gateway-getting-started.jsonl"

/* Collects what a reader reports. */
typedef struct collect {
    int entries;
    strbuf_t trace;          /* every entry's sentence and every error, in order */
    int errors, warnings;
    char first_where[256], first_msg[256], warning[512];
    bool last_fatal;
    int end_status;
    char kinds[64][16];
} collect_t;

static int on_entry(void *ctx, const Proto__LogEntry *e)
{
    collect_t *c = ctx;
    if (c->entries < 64 && e->event)
        snprintf(c->kinds[c->entries], 16, "%d", (int)e->event->event_type_case);
    c->entries++;
    sb_printf(&c->trace, "E %s\n", e->entry);
    return 0;
}

static void on_error(void *ctx, const char *where, const char *msg, bool fatal)
{
    collect_t *c = ctx;
    if (c->errors++ == 0) {
        snprintf(c->first_where, sizeof c->first_where, "%s", where);
        snprintf(c->first_msg, sizeof c->first_msg, "%s", msg);
    }
    c->last_fatal = fatal;
    sb_printf(&c->trace, "! %s %s %d\n", where, msg, fatal);
}

static void on_warning(void *ctx, const char *where, const char *msg)
{
    collect_t *c = ctx;
    if (c->warnings++ == 0)
        snprintf(c->warning, sizeof c->warning, "%s: %s", where, msg);
    sb_printf(&c->trace, "W %s %s\n", where, msg);
}

static void on_end(void *ctx, int status) { ((collect_t *)ctx)->end_status = status; }

static int pump_opts(const char *path, logreader_opts_t o, collect_t *c, log_format_t *fmt)
{
    char err[512];
    logreader_t *r = logreader_open(path, &o, err, sizeof err);
    assert_non_null(r);
    memset(c, 0, sizeof *c);
    source_sink_t sink = {.ctx = c, .on_entry = on_entry, .on_error = on_error, .on_end = on_end,
                         .on_warning = on_warning};
    int rc = logreader_pump(r, &sink);
    if (fmt) *fmt = logreader_format(r);
    logreader_close(r);
    return rc;
}

static int pump(const char *path, bool strict, collect_t *c, log_format_t *fmt)
{
    logreader_opts_t o = {.strict = strict, .threads = 1};
    int rc = pump_opts(path, o, c, fmt);
    sb_free(&c->trace);
    return rc;
}

static char *write_tmp(const char *content, size_t n)
{
    char *path = strdup("/tmp/skview-unit-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, n), (ssize_t)n);
    close(fd);
    return path;
}

static void reads_real_skaffold_event_log(void **state)
{
    (void)state;
    collect_t c;
    log_format_t f;
    assert_int_equal(pump(HELM, false, &c, &f), 0);
    assert_int_equal(f, LOG_JSONL);
    assert_int_equal(c.entries, 19);
    assert_int_equal(c.errors, 0);
    assert_string_equal(c.kinds[0], "1");  /* metaEvent */
    assert_string_equal(c.kinds[1], "9");  /* devLoopEvent */
    assert_string_equal(c.kinds[2], "2");  /* buildEvent */
}

static void reads_real_gateway_capture(void **state)
{
    (void)state;
    collect_t c;
    log_format_t f;
    assert_int_equal(pump(GATEWAY, false, &c, &f), 0);
    assert_int_equal(f, LOG_GATEWAY);
    assert_int_equal(c.entries, 5);
    assert_string_equal(c.kinds[4], "3"); /* deployEvent */
}

/* Each kind of malformed line is reported as FILE:LINE and skipped. */
static void malformed_lines_are_reported_and_skipped(void **state)
{
    (void)state;
    const char text[] =
        "{\"entry\":\"one\"}\n"
        "not json\n"
        "\n"
        "{\"event\":{\"buildEvent\":{\"status\":7}}}\n"
        "{\"timestamp\":\"soon\"}\n"
        "{\"unrelated\":true}\n"
        "{\"entry\":\"two\"\n"
        "{\"result\":{\"entry\":\"three\"}}\n"
        "{\"entry\":\"last, no newline\"}";
    char *path = write_tmp(text, sizeof text - 1);
    collect_t c;
    assert_int_equal(pump(path, false, &c, NULL), 0);
    assert_int_equal(c.entries, 3);
    assert_int_equal(c.errors, 5);
    char where[300];
    snprintf(where, sizeof where, "%s:2", path);
    assert_string_equal(c.first_where, where);
    assert_string_equal(c.first_msg, "invalid JSON");
    assert_false(c.last_fatal);
    unlink(path);
    free(path);
}

static void strict_stops_at_the_first(void **state)
{
    (void)state;
    const char text[] = "{\"entry\":\"one\"}\n{\"event\":{\"devLoopEvent\":{\"iteration\":\"x\"}}}\n{\"entry\":\"three\"}\n";
    char *path = write_tmp(text, sizeof text - 1);
    collect_t c;
    assert_int_equal(pump(path, true, &c, NULL), 3);
    assert_int_equal(c.entries, 1);
    assert_int_equal(c.errors, 1);
    assert_true(c.last_fatal);
    assert_string_equal(c.first_msg, "event.devLoopEvent.iteration: expected an integer, got 'x'");
    assert_int_equal(c.end_status, 3);
    unlink(path);
    free(path);
}

static void missing_file_is_one_clear_error(void **state)
{
    (void)state;
    char err[512];
    assert_null(logreader_open("/nonexistent/events.jsonl", NULL, err, sizeof err));
    assert_string_equal(err, "/nonexistent/events.jsonl: No such file or directory");
    assert_null(logreader_open("/", NULL, err, sizeof err));
    assert_string_equal(err, "/: Is a directory");
}

/* Converts a JSON log into a recording, and reads it back identically. */
static char *record_file(const char *from, int *count)
{
    char *path = strdup("/tmp/skview-rec-XXXXXX");
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    recording_writer_t w;
    const char *note;
    char err[256];
    assert_int_equal(recording_open_append(&w, path, &note, err, sizeof err), 0);
    assert_null(note);
    logreader_t *r = logreader_open(from, NULL, err, sizeof err);
    const Proto__LogEntry *e;
    *count = 0;
    while (logreader_next(r, NULL, &e) == 1) {
        assert_int_equal(recording_write(&w, RECORD_LOG_ENTRY, &e->base), 0);
        (*count)++;
    }
    logreader_close(r);
    assert_int_equal(recording_close(&w), 0);
    return path;
}

static void recording_round_trip(void **state)
{
    (void)state;
    int n;
    char *path = record_file(HELM, &n);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    collect_t c, j;
    log_format_t f;
    assert_int_equal(pump(path, false, &c, &f), 0);
    assert_int_equal(f, LOG_RECORDING);
    assert_int_equal(c.entries, n);
    pump(HELM, false, &j, NULL);
    assert_memory_equal(c.kinds, j.kinds, sizeof c.kinds);
    unlink(path);
    free(path);
}

/* A crash mid-write leaves a torn last record: every record before it is
 * read, the tear is reported, and an append cuts it off first. */
static void torn_recording(void **state)
{
    (void)state;
    int n;
    char *path = record_file(HELM, &n);
    struct stat st;
    stat(path, &st);
    assert_int_equal(truncate(path, st.st_size - 5), 0);
    collect_t c;
    assert_int_equal(pump(path, false, &c, NULL), 0);
    assert_int_equal(c.entries, n - 1);
    assert_int_equal(c.errors, 1);
    assert_non_null(strstr(c.first_msg, "torn last record"));
    assert_non_null(strstr(c.first_where, ":record 19"));
    assert_int_equal(pump(path, true, &c, NULL), 3);
    assert_int_equal(c.entries, n - 1);

    recording_writer_t w;
    const char *note;
    char err[256];
    assert_int_equal(recording_open_append(&w, path, &note, err, sizeof err), 0);
    assert_non_null(note);
    Proto__LogEntry e = PROTO__LOG_ENTRY__INIT;
    e.entry = "appended after the crash";
    assert_int_equal(recording_write(&w, RECORD_LOG_ENTRY, &e.base), 0);
    recording_close(&w);
    assert_int_equal(pump(path, false, &c, NULL), 0);
    assert_int_equal(c.entries, n);
    assert_int_equal(c.errors, 0);
    unlink(path);
    free(path);
}

/* A flipped byte in the middle loses only its record: the reader skips it
 * (its length is intact), names its byte offset, and reads on. */
static void corrupt_record_is_skipped(void **state)
{
    (void)state;
    int n;
    char *path = record_file(HELM, &n);
    int fd = open(path, O_RDWR);
    /* Flip a byte inside the third record's payload. */
    unsigned char hdr[9];
    off_t off = RECORDING_MAGIC_LEN;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pread(fd, hdr, 9, off), 9);
        off += 9 + (hdr[0] | hdr[1] << 8);
    }
    unsigned char b;
    assert_int_equal(pread(fd, &b, 1, off + 12), 1);
    b ^= 0xFF;
    assert_int_equal(pwrite(fd, &b, 1, off + 12), 1);
    close(fd);
    collect_t c;
    assert_int_equal(pump(path, false, &c, NULL), 0);
    assert_int_equal(c.entries, n - 1);
    assert_int_equal(c.errors, 1);
    assert_non_null(strstr(c.first_msg, "checksum mismatch"));
    char at[64];
    snprintf(at, sizeof at, "damaged record at byte %lld (checksum mismatch)", (long long)off);
    assert_non_null(strstr(c.first_msg, at));
    unlink(path);
    free(path);
}

static void refuses_to_append_to_a_non_recording(void **state)
{
    (void)state;
    recording_writer_t w;
    const char *note;
    char err[512];
    char *path = write_tmp("{\"entry\":\"json\"}\n", 17);
    assert_int_equal(recording_open_append(&w, path, &note, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a skview recording"));
    unlink(path);
    free(path);
}

/* The parallel pump (tiny batches, so lines spread over many) reports the
 * same entries and errors, with the same line numbers, in the same order. */
static void parallel_pump_matches_sequential(void **state)
{
    (void)state;
    strbuf_t text;
    sb_init(&text);
    for (int i = 0; i < 500; i++) {
        if (i % 37 == 5) sb_adds(&text, "broken {\n");
        else if (i % 53 == 7) sb_adds(&text, "{\"event\":{\"devLoopEvent\":{\"iteration\":\"x\"}}}\n");
        else if (i % 41 == 3) sb_adds(&text, "\n");
        else sb_printf(&text, "{\"entry\":\"line %d\",\"event\":{\"deployEvent\":{\"status\":\"Complete\"}}}\n", i);
    }
    sb_adds(&text, "{\"entry\":\"no newline at the end\"}");
    char *path = write_tmp(text.data, text.len);
    for (int strict = 0; strict <= 1; strict++) {
        collect_t seq, par;
        log_format_t fs, fp;
        logreader_opts_t o1 = {.strict = strict, .threads = 1};
        logreader_opts_t o2 = {.strict = strict, .threads = 2, .batch_bytes = 100};
        int rs = pump_opts(path, o1, &seq, &fs);
        int rp = pump_opts(path, o2, &par, &fp);
        assert_int_equal(rs, rp);
        assert_int_equal(seq.entries, par.entries);
        assert_int_equal(seq.errors, par.errors);
        assert_string_equal(seq.trace.data, par.trace.data);
        assert_int_equal(fs, fp);
        if (!strict) assert_int_equal(seq.entries, 500 - 14 - 10 - 13 + 1);
        sb_free(&seq.trace);
        sb_free(&par.trace);
    }
    unlink(path);
    free(path);
    sb_free(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_real_skaffold_event_log),
        cmocka_unit_test(reads_real_gateway_capture),
        cmocka_unit_test(malformed_lines_are_reported_and_skipped),
        cmocka_unit_test(strict_stops_at_the_first),
        cmocka_unit_test(missing_file_is_one_clear_error),
        cmocka_unit_test(recording_round_trip),
        cmocka_unit_test(torn_recording),
        cmocka_unit_test(corrupt_record_is_skipped),
        cmocka_unit_test(refuses_to_append_to_a_non_recording),
        cmocka_unit_test(parallel_pump_matches_sequential),
    };
    return cmocka_run_group_tests_name("logreader", tests, NULL, NULL);
}
