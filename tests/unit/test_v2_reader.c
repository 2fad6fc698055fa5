/* The v2 forms of the log readers: Skaffold's F.v2 (Go jsonpb, lowerCamel,
 * defaults omitted), captures of the gateway's /v2/events and
 * /v2/applicationLogs (proto field names, unset fields present), appended
 * sessions, malformed lines with their line numbers, strict mode, and the
 * round trip F.v2 -> canonical JSON. Expected values come from the files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "sources/logreader.h"
#include "sources/logline.h"
#include "core/pbjson.h"
#include "file_fixture.h"

#define FILE_V2 "tests/data/skaffold-2x-events.jsonl.v2"
#define FILE_V1 "tests/data/skaffold-2x-events.jsonl"
#define GW_EVENTS "tests/data/gateway-events.v2.jsonl"
#define GW_APPLOGS "tests/data/gateway-applogs.v2.jsonl"

typedef struct collect {
    int entries, v2[2];            /* v1 entries; v2 events per stream */
    int kinds[32];                 /* v2 events per event_type_case */
    int errors, warnings, fatal;
    int end_status;
    int no_task;                   /* subtasks and log events without a task_id */
    strbuf_t trace;                /* "! where msg" and "W where msg" lines */
} collect_t;

static int on_entry(void *ctx, const Proto__LogEntry *e)
{
    (void)e;
    ((collect_t *)ctx)->entries++;
    return 0;
}

/* The task a subtask or a log event points to, or NULL for other kinds. */
static const char *task_of(const Proto__V2__Event *ev)
{
    switch (ev->event_type_case) {
    case PROTO__V2__EVENT__EVENT_TYPE_SKAFFOLD_LOG_EVENT: return ev->skaffoldlogevent->task_id;
    case PROTO__V2__EVENT__EVENT_TYPE_BUILD_SUBTASK_EVENT: return ev->buildsubtaskevent->task_id;
    case PROTO__V2__EVENT__EVENT_TYPE_DEPLOY_SUBTASK_EVENT: return ev->deploysubtaskevent->task_id;
    case PROTO__V2__EVENT__EVENT_TYPE_STATUS_CHECK_SUBTASK_EVENT: return ev->statuschecksubtaskevent->task_id;
    case PROTO__V2__EVENT__EVENT_TYPE_RENDER_EVENT: return ev->renderevent->task_id;
    case PROTO__V2__EVENT__EVENT_TYPE_TEST_EVENT: return ev->testevent->task_id;
    case PROTO__V2__EVENT__EVENT_TYPE_PORT_EVENT: return ev->portevent->task_id;
    default: return NULL;
    }
}

static int on_v2(void *ctx, const Proto__V2__Event *ev, v2_stream_t stream)
{
    collect_t *c = ctx;
    c->v2[stream]++;
    if ((unsigned)ev->event_type_case < 32) c->kinds[ev->event_type_case]++;
    const char *t = task_of(ev);
    if (ev->event_type_case != PROTO__V2__EVENT__EVENT_TYPE_TASK_EVENT &&
        ev->event_type_case != PROTO__V2__EVENT__EVENT_TYPE_META_EVENT &&
        ev->event_type_case != PROTO__V2__EVENT__EVENT_TYPE_TERMINATION_EVENT &&
        ev->event_type_case != PROTO__V2__EVENT__EVENT_TYPE_APPLICATION_LOG_EVENT && !(t && *t))
        c->no_task++;
    return 0;
}

static void on_error(void *ctx, const char *where, const char *msg, bool fatal)
{
    collect_t *c = ctx;
    c->errors++;
    c->fatal += fatal;
    sb_printf(&c->trace, "! %s %s\n", where, msg);
}

static void on_warning(void *ctx, const char *where, const char *msg)
{
    collect_t *c = ctx;
    c->warnings++;
    sb_printf(&c->trace, "W %s %s\n", where, msg);
}

static void on_end(void *ctx, int status) { ((collect_t *)ctx)->end_status = status; }

static int pump_opts(const char *path, logreader_opts_t o, collect_t *c, log_format_t *fmt);

static int pump(const char *path, bool strict, collect_t *c, log_format_t *fmt)
{
    return pump_opts(path, (logreader_opts_t){.strict = strict, .threads = 1}, c, fmt);
}

static int pump_opts(const char *path, logreader_opts_t o, collect_t *c, log_format_t *fmt)
{
    char err[512];
    logreader_t *r = logreader_open(path, &o, err, sizeof err);
    assert_non_null(r);
    memset(c, 0, sizeof *c);
    sb_init(&c->trace);
    source_sink_t sink = {.ctx = c, .on_entry = on_entry, .on_v2 = on_v2, .on_error = on_error,
                          .on_end = on_end, .on_warning = on_warning};
    int rc = logreader_pump(r, &sink);
    if (fmt) *fmt = logreader_format(r);
    assert_int_equal(logreader_entries(r), (uint64_t)(c->entries + c->v2[0] + c->v2[1]));
    assert_int_equal(logreader_v2_events(r), (uint64_t)(c->v2[0] + c->v2[1]));
    logreader_close(r);
    return rc;
}

static void done(collect_t *c) { sb_free(&c->trace); }

/* The file's lines, and how many of them hold needle. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    strbuf_t b;
    sb_init(&b);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sb_add(&b, buf, n);
    fclose(f);
    *len = b.len;
    return b.data;
}

static int count_lines(const char *path, const char *needle)
{
    size_t len;
    char *s = slurp(path, &len);
    int n = 0;
    for (char *p = s, *nl; p < s + len; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(s + len - p));
        if (!nl) nl = s + len;
        size_t l = (size_t)(nl - p);
        char save = *nl;
        *nl = '\0';
        if (l && (!needle || strstr(p, needle))) n++;
        *nl = save;
    }
    free(s);
    return n;
}

static void reads_skaffold_file_v2(void **state)
{
    (void)state;
    collect_t c;
    log_format_t f;
    assert_int_equal(pump(FILE_V2, false, &c, &f), 0);
    assert_int_equal(f, LOG_V2_JSONL);
    assert_int_equal(c.errors + c.warnings, 0);
    assert_int_equal(c.entries, 0);
    assert_int_equal(c.v2[V2_EVENTS], count_lines(FILE_V2, NULL));
    assert_int_equal(c.v2[V2_APPLOGS], 0); /* F.v2 holds no application logs */
    assert_int_equal(c.kinds[PROTO__V2__EVENT__EVENT_TYPE_TASK_EVENT], count_lines(FILE_V2, "\"taskEvent\""));
    assert_int_equal(c.kinds[PROTO__V2__EVENT__EVENT_TYPE_SKAFFOLD_LOG_EVENT],
                     count_lines(FILE_V2, "\"skaffoldLogEvent\""));
    assert_int_equal(c.kinds[PROTO__V2__EVENT__EVENT_TYPE_BUILD_SUBTASK_EVENT],
                     count_lines(FILE_V2, "\"buildSubtaskEvent\""));
    assert_int_equal(c.no_task, 0); /* "taskId" was read into task_id */
    assert_int_equal(c.end_status, 0);
    done(&c);
}

/* The v1 file beside it stays v1: no v2 event comes out of it. */
static void v1_file_stays_v1(void **state)
{
    (void)state;
    collect_t c;
    log_format_t f;
    assert_int_equal(pump(FILE_V1, false, &c, &f), 0);
    assert_int_equal(f, LOG_JSONL);
    assert_int_equal(c.entries, count_lines(FILE_V1, NULL));
    assert_int_equal(c.v2[0] + c.v2[1], 0);
    done(&c);
}

/* Every line Skaffold wrote comes back byte for byte from the writer. */
static void file_v2_round_trip(void **state)
{
    (void)state;
    size_t len;
    char *s = slurp(FILE_V2, &len);
    pbjson_parser_t *p = pbjson_parser_new();
    arena_t a;
    arena_init(&a);
    strbuf_t out;
    sb_init(&out);
    int lines = 0;
    for (char *l = s, *nl; l < s + len; l = nl + 1) {
        nl = memchr(l, '\n', (size_t)(s + len - l));
        assert_non_null(nl);
        pbjson_err_t err;
        bool unwrapped;
        const Proto__V2__Event *ev = logline_parse_v2(p, &a, l, (size_t)(nl - l), &unwrapped, &err);
        assert_non_null(ev);
        assert_false(unwrapped);
        sb_reset(&out);
        pbjson_write(&out, &ev->base);
        if (out.len != (size_t)(nl - l) || memcmp(out.data, l, out.len))
            fail_msg("line %d differs:\n  file:  %.*s\n  wrote: %s", lines + 1, (int)(nl - l), l, out.data);
        arena_reset(&a);
        lines++;
    }
    assert_int_equal(lines, count_lines(FILE_V2, NULL));
    sb_free(&out);
    arena_free(&a);
    pbjson_parser_free(p);
    free(s);
}

/* /v2/events: proto names, unset fields present (zeros, "", null), and the
 * gateway's {"error": ...} line reported as a warning with its line. */
static void reads_gateway_v2_events(void **state)
{
    (void)state;
    collect_t c;
    log_format_t f;
    assert_int_equal(pump(GW_EVENTS, false, &c, &f), 0);
    assert_int_equal(f, LOG_V2_GATEWAY);
    int errline = count_lines(GW_EVENTS, NULL);
    assert_int_equal(c.v2[V2_EVENTS], errline - count_lines(GW_EVENTS, "{\"error\":"));
    assert_int_equal(c.v2[V2_APPLOGS], 0);
    assert_int_equal(c.errors, 0);
    assert_int_equal(c.warnings, 1);
    char want[128];
    snprintf(want, sizeof want, "W %s:%d the gateway reported an error: 14 UNAVAILABLE", GW_EVENTS, errline);
    assert_non_null(strstr(c.trace.data, want));
    assert_int_equal(c.kinds[PROTO__V2__EVENT__EVENT_TYPE_SKAFFOLD_LOG_EVENT],
                     count_lines(GW_EVENTS, "\"skaffoldLogEvent\""));
    assert_int_equal(c.no_task, 0); /* "task_id" read */
    done(&c);
}

static void reads_gateway_v2_applogs(void **state)
{
    (void)state;
    collect_t c;
    log_format_t f;
    assert_int_equal(pump(GW_APPLOGS, false, &c, &f), 0);
    assert_int_equal(f, LOG_V2_GATEWAY);
    assert_int_equal(c.errors + c.warnings, 0);
    assert_int_equal(c.v2[V2_APPLOGS], count_lines(GW_APPLOGS, "\"applicationLogEvent\""));
    assert_int_equal(c.v2[V2_APPLOGS], count_lines(GW_APPLOGS, NULL));
    assert_int_equal(c.v2[V2_EVENTS], 0);
    done(&c);
}

/* Reads one line with the pull interface: the fields of a gateway line whose
 * unset members are present. */
static void gateway_unset_fields_are_unset(void **state)
{
    (void)state;
    static const char line[] =
        "{\"result\":{\"timestamp\":\"2025-03-04T10:15:02.5Z\",\"task_event\":{\"id\":\"Build-1\","
        "\"task\":\"Build\",\"description\":\"\",\"iteration\":1,\"status\":\"InProgress\","
        "\"actionable_err\":null}}}\n"
        "{\"result\":{\"timestamp\":null,\"buildSubtaskEvent\":{\"id\":\"web\",\"task_id\":\"Build-1\","
        "\"artifact\":\"web\",\"step\":\"Cache\",\"status\":\"Failed\",\"actionableErr\":{\"errCode\":\"OK\","
        "\"message\":\"\",\"suggestions\":[]},\"hostPlatform\":\"\",\"targetPlatforms\":\"\"}}}\n";
    char path[] = "/tmp/skview-v2-XXXXXX";
    fixture_write(path, line, sizeof line - 1);
    char err[256];
    logreader_t *r = logreader_open(path, NULL, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(logreader_format(r), LOG_V2_JSONL); /* decided at open; gateway on the first read */
    log_item_t it;
    assert_int_equal(logreader_next_item(r, NULL, &it), 1);
    assert_int_equal(logreader_format(r), LOG_V2_GATEWAY);
    assert_null(it.entry);
    assert_int_equal(it.stream, V2_EVENTS);
    assert_int_equal(it.v2->event_type_case, PROTO__V2__EVENT__EVENT_TYPE_TASK_EVENT);
    assert_string_equal(it.v2->taskevent->id, "Build-1");
    assert_int_equal(it.v2->taskevent->iteration, 1);
    assert_null(it.v2->taskevent->actionableerr);
    assert_int_equal(logreader_next_item(r, NULL, &it), 1);
    assert_null(it.v2->timestamp);
    assert_string_equal(it.v2->buildsubtaskevent->task_id, "Build-1");
    assert_string_equal(it.v2->buildsubtaskevent->step, "Cache");
    assert_int_equal(it.v2->buildsubtaskevent->actionableerr->errcode, 0);
    assert_int_equal(logreader_next_item(r, NULL, &it), 0);
    logreader_close(r);
    unlink(path);
}

/* F.v2 is appended per session: two sessions, and lines of both JSON forms
 * (a gateway line pasted in, a snake_case kind) read as one file. */
static void appended_sessions_and_mixed_forms(void **state)
{
    (void)state;
    size_t n1, n2;
    char *a = slurp(FILE_V2, &n1), *g = slurp(GW_APPLOGS, &n2);
    strbuf_t b;
    sb_init(&b);
    sb_add(&b, a, n1);
    sb_add(&b, a, n1);
    sb_add(&b, g, n2);
    sb_adds(&b, "{\"timestamp\":\"2024-11-29T08:50:00Z\",\"task_event\":{\"id\":\"DevLoop-1\",\"task\":\"DevLoop\","
                "\"iteration\":1,\"status\":\"InProgress\"}}\n");
    char path[] = "/tmp/skview-v2-XXXXXX";
    fixture_write(path, b.data, b.len);
    collect_t c;
    log_format_t f;
    assert_int_equal(pump(path, false, &c, &f), 0);
    assert_int_equal(f, LOG_V2_JSONL);
    int file_lines = count_lines(FILE_V2, NULL), app_lines = count_lines(GW_APPLOGS, NULL);
    assert_int_equal(c.errors + c.warnings, 0);
    assert_int_equal(c.v2[V2_EVENTS], 2 * file_lines + 1);
    assert_int_equal(c.v2[V2_APPLOGS], app_lines);
    assert_int_equal(c.kinds[PROTO__V2__EVENT__EVENT_TYPE_META_EVENT], 2);
    done(&c);
    unlink(path);
    sb_free(&b);
    free(a);
    free(g);
}

static const char bad_lines[] =
    "{\"timestamp\":\"2024-11-29T08:46:40.1Z\",\"taskEvent\":{\"id\":\"DevLoop-1\",\"task\":\"DevLoop\",\"iteration\":1,\"status\":\"InProgress\"}}\n"
    "{\"timestamp\":\"2024-11-29T08:46:40.2Z\",\"taskEvent\":{\"id\":\"Build-1\"\n"
    "{\"timestamp\":\"2024-11-29T08:46:40.3Z\",\"hologramEvent\":{\"id\":\"x\"}}\n"
    "{\"timestamp\":\"2024-11-29T08:46:40.4Z\"}\n"
    "\n"
    "{\"timestamp\":\"2024-11-29T08:46:40.5Z\",\"event\":{\"buildEvent\":{\"artifact\":\"web\"}},\"entry\":\"v1\"}\n"
    "{\"timestamp\":\"2024-11-29T08:46:40.6Z\",\"taskEvent\":{\"id\":\"Build-1\",\"iteration\":\"first\"}}\n"
    "{\"timestamp\":\"2024-11-29T08:46:40.7Z\",\"taskEvent\":{\"id\":\"Build-1\"},\"skaffoldLogEvent\":{\"message\":\"x\"}}\n"
    "{\"timestamp\":\"2024-11-29T08:46:40.8Z\",\"skaffoldLogEvent\":{\"taskId\":\"Build-1\",\"level\":\"SHOUT\",\"message\":\"a\\n\"}}\n"
    "{\"timestamp\":\"2024-11-29T08:46:40.9Z\",\"skaffoldLogEvent\":{\"taskId\":\"Build-1\",\"level\":\"SHOUT\",\"message\":\"b\\n\"}}\n";

/* Each malformed line is FILE:LINE: what, skipped; reading goes on. An enum
 * name newer than the schema is a warning, once, and the line is kept. */
static void malformed_lines_name_their_line(void **state)
{
    (void)state;
    char path[] = "/tmp/skview-v2-XXXXXX";
    fixture_write(path, bad_lines, sizeof bad_lines - 1);
    collect_t c;
    log_format_t f;
    assert_int_equal(pump(path, false, &c, &f), 0);
    assert_int_equal(f, LOG_V2_JSONL);
    assert_int_equal(c.v2[V2_EVENTS], 3);
    assert_int_equal(c.errors, 6);
    assert_int_equal(c.fatal, 0);
    assert_int_equal(c.warnings, 1);
    const char *want[] = {":2 truncated JSON", ":3 unknown Event kind \"hologramEvent\"",
                          ":4 not a v2 Event (no event kind)", ":6 a v1 LogEntry in a v2 event log",
                          ":7 taskEvent.iteration: expected an integer",
                          ":8 two Event kinds in one object: \"taskEvent\" and \"skaffoldLogEvent\"",
                          ":9 skaffoldLogEvent.level: LogLevel value \"SHOUT\" is newer"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char w[160];
        snprintf(w, sizeof w, "%s%s", path, want[i]);
        if (!strstr(c.trace.data, w)) fail_msg("missing \"%s\" in:\n%s", w, c.trace.data);
    }
    done(&c);
    unlink(path);
}

static void strict_stops_at_the_first(void **state)
{
    (void)state;
    char path[] = "/tmp/skview-v2-XXXXXX";
    fixture_write(path, bad_lines, sizeof bad_lines - 1);
    collect_t c;
    assert_int_equal(pump(path, true, &c, NULL), 3);
    assert_int_equal(c.v2[V2_EVENTS], 1);
    assert_int_equal(c.errors, 1);
    assert_int_equal(c.fatal, 1);
    assert_int_equal(c.end_status, 3);
    char w[160];
    snprintf(w, sizeof w, "! %s:2 ", path);
    assert_non_null(strstr(c.trace.data, w));
    done(&c);
    unlink(path);
}

/* Lines that tell neither version do not decide: the first v2 line does, and
 * an unknown kind before it is reported as one (not taken for a v1 entry
 * with only a timestamp). */
static void version_decided_by_first_telling_line(void **state)
{
    (void)state;
    static const char text[] =
        "not json\n"
        "{\"timestamp\":\"2024-11-29T08:46:40.3Z\",\"hologramEvent\":{}}\n"
        "{\"error\":{\"code\":14,\"message\":\"transport is closing\"}}\n"
        "{\"timestamp\":\"2024-11-29T08:46:40.5Z\",\"terminationEvent\":{\"status\":\"Completed\"}}\n";
    char path[] = "/tmp/skview-v2-XXXXXX";
    fixture_write(path, text, sizeof text - 1);
    collect_t c;
    log_format_t f;
    assert_int_equal(pump(path, false, &c, &f), 0);
    assert_int_equal(f, LOG_V2_JSONL);
    assert_int_equal(c.entries, 0);
    assert_int_equal(c.v2[V2_EVENTS], 1);
    assert_int_equal(c.errors, 2);
    assert_int_equal(c.warnings, 1);
    char w[160];
    snprintf(w, sizeof w, "! %s:2 unknown Event kind \"hologramEvent\"", path);
    assert_non_null(strstr(c.trace.data, w));
    snprintf(w, sizeof w, "W %s:3 the gateway reported an error", path);
    assert_non_null(strstr(c.trace.data, w));
    done(&c);
    unlink(path);
}

/* The parallel pump (two workers, small batches) gives what the sequential
 * reader gives: the same events per stream and kind, the same errors and
 * warnings at the same lines, in the same order. */
static void parallel_pump_matches_sequential(void **state)
{
    (void)state;
    size_t n1, n2;
    char *a = slurp(FILE_V2, &n1), *g = slurp(GW_APPLOGS, &n2);
    strbuf_t b;
    sb_init(&b);
    for (int k = 0; k < 4; k++) {
        sb_add(&b, a, n1);
        sb_add(&b, bad_lines, sizeof bad_lines - 1);
        sb_add(&b, g, n2);
    }
    char path[] = "/tmp/skview-v2-XXXXXX";
    fixture_write(path, b.data, b.len);
    for (int strict = 0; strict < 2; strict++) {
        collect_t seq, par;
        log_format_t fs, fp;
        int rs = pump_opts(path, (logreader_opts_t){.strict = strict, .threads = 1}, &seq, &fs);
        int rp = pump_opts(path, (logreader_opts_t){.strict = strict, .threads = 2, .batch_bytes = 4096}, &par, &fp);
        assert_int_equal(rs, rp);
        assert_int_equal(fs, fp);
        assert_int_equal(seq.v2[V2_EVENTS], par.v2[V2_EVENTS]);
        assert_int_equal(seq.v2[V2_APPLOGS], par.v2[V2_APPLOGS]);
        assert_memory_equal(seq.kinds, par.kinds, sizeof seq.kinds);
        assert_string_equal(seq.trace.data, par.trace.data);
        if (!strict) assert_int_equal(seq.v2[V2_APPLOGS], 4 * count_lines(GW_APPLOGS, NULL));
        done(&seq);
        done(&par);
    }
    unlink(path);
    sb_free(&b);
    free(a);
    free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_skaffold_file_v2),
        cmocka_unit_test(v1_file_stays_v1),
        cmocka_unit_test(file_v2_round_trip),
        cmocka_unit_test(reads_gateway_v2_events),
        cmocka_unit_test(reads_gateway_v2_applogs),
        cmocka_unit_test(gateway_unset_fields_are_unset),
        cmocka_unit_test(appended_sessions_and_mixed_forms),
        cmocka_unit_test(malformed_lines_name_their_line),
        cmocka_unit_test(strict_stops_at_the_first),
        cmocka_unit_test(version_decided_by_first_telling_line),
        cmocka_unit_test(parallel_pump_matches_sequential),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
