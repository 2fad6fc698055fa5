/* The canonical JSON mapping: reading every kind of field, writing what Go's
 * jsonpb writes, round trips, and errors that name the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/codes.h"
#include "core/pbdump.h"
#include "core/pbjson.h"
#include "skaffold.pb-c.h"
#include "v2/skaffold_v2.pb-c.h"

typedef struct fixture {
    pbjson_parser_t *p;
    arena_t arena;
    strbuf_t out;
    pbjson_err_t err;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->p = pbjson_parser_new();
    arena_init(&f->arena);
    sb_init(&f->out);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    pbjson_parser_free(f->p);
    arena_free(&f->arena);
    sb_free(&f->out);
    free(f);
    return 0;
}

static ProtobufCMessage *parse(fixture_t *f, const char *json, const ProtobufCMessageDescriptor *d)
{
    return pbjson_parse(f->p, json, strlen(json), d, &f->arena, NULL, NULL, &f->err);
}

static const char *write_json(fixture_t *f, const ProtobufCMessage *m)
{
    sb_reset(&f->out);
    pbjson_write(&f->out, m);
    return f->out.data;
}

/* A line of the real Skaffold v1.29 log reads into the right fields. */
static void reads_real_build_event(void **state)
{
    fixture_t *f = *state;
    const char *line = "{\"timestamp\":\"2021-08-11T19:19:41.763416940Z\",\"event\":{\"buildEvent\":"
                       "{\"artifact\":\"skaffold-helm\",\"status\":\"In Progress\"}},"
                       "\"entry\":\"Build started for artifact skaffold-helm\"}";
    Proto__LogEntry *e = (void *)parse(f, line, &proto__log_entry__descriptor);
    assert_non_null(e);
    assert_int_equal(e->timestamp->seconds, 1628709581);
    assert_int_equal(e->timestamp->nanos, 763416940);
    assert_int_equal(e->event->event_type_case, PROTO__EVENT__EVENT_TYPE_BUILD_EVENT);
    assert_string_equal(e->event->buildevent->artifact, "skaffold-helm");
    assert_string_equal(e->event->buildevent->status, "In Progress");
    assert_string_equal(e->entry, "Build started for artifact skaffold-helm");
    assert_string_equal(write_json(f, &e->base), line);
}

static void enums_as_names_or_numbers(void **state)
{
    fixture_t *f = *state;
    Proto__ResourceStatusCheckEvent *r = (void *)parse(
        f, "{\"statusCode\":\"STATUSCHECK_SUCCESS\"}", &proto__resource_status_check_event__descriptor);
    assert_non_null(r);
    assert_int_equal(r->statuscode, PROTO__STATUS_CODE__STATUSCHECK_SUCCESS);
    r = (void *)parse(f, "{\"statusCode\":357}", &proto__resource_status_check_event__descriptor);
    assert_non_null(r);
    assert_int_equal(r->statuscode, PROTO__STATUS_CODE__STATUSCHECK_UNHEALTHY);
    assert_string_equal(write_json(f, &r->base), "{\"statusCode\":\"STATUSCHECK_UNHEALTHY\"}");
    assert_int_equal(f->err.n_unknown, 0);
}

/* Values newer than the schema: a number is kept and written back as the
 * number; a name is interned to a synthetic number written back as the name
 * and shown by codes.c; each parse lists them with their path. */
static void unknown_enum_values_are_kept(void **state)
{
    fixture_t *f = *state;
    const ProtobufCMessageDescriptor *d = &proto__resource_status_check_event__descriptor;
    Proto__ResourceStatusCheckEvent *r = (void *)parse(f, "{\"statusCode\":1234}", d);
    assert_non_null(r);
    assert_int_equal(r->statuscode, 1234);
    assert_string_equal(write_json(f, &r->base), "{\"statusCode\":1234}");
    assert_string_equal(status_code_name(1234), "UNKNOWN(1234)");
    assert_int_equal(f->err.n_unknown, 1);
    assert_ptr_equal(f->err.unknown[0].ed, &proto__status_code__descriptor);
    assert_string_equal(f->err.unknown[0].path, "statusCode");
    r = (void *)parse(f, "{\"statusCode\":\"STATUSCHECK_NEWER\"}", d);
    assert_non_null(r);
    int synth = (int)r->statuscode;
    assert_true(synth >= PBJSON_ENUM_SYNTH_BASE);
    assert_string_equal(write_json(f, &r->base), "{\"statusCode\":\"STATUSCHECK_NEWER\"}");
    assert_string_equal(status_code_name(synth), "STATUSCHECK_NEWER");
    assert_int_equal(f->err.n_unknown, 1);
    assert_int_equal(f->err.unknown[0].value, synth);
    /* The same name again: the same number; another enum: its own. */
    r = (void *)parse(f, "{\"statusCode\":\"STATUSCHECK_NEWER\"}", d);
    assert_int_equal(r->statuscode, synth);
    assert_null(pbjson_enum_synth_name(&proto__suggestion_code__descriptor, synth));
    /* User-typed input (ctl emit) may not invent names. */
    const char *typed = "{\"statusCode\":\"NOT_A_CODE\"}";
    assert_null(pbjson_parse_strict(f->p, typed, strlen(typed), d, &f->arena, &f->err));
    assert_string_equal(f->err.msg, "statusCode: unknown StatusCode value \"NOT_A_CODE\"");
}

/* protobuf's JSON reads a field's .proto name too: Skaffold's are lowerCamel,
 * so the other spelling is snake_case. */
static void proto_field_names_are_read(void **state)
{
    fixture_t *f = *state;
    Proto__PortEvent *p = (void *)parse(f, "{\"local_port\":4503,\"pod_name\":\"web-0\",\"remotePort\":80}",
                                        &proto__port_event__descriptor);
    assert_non_null(p);
    assert_int_equal(p->localport, 4503);
    assert_int_equal(p->remoteport, 80);
    assert_string_equal(p->podname, "web-0");
    assert_string_equal(write_json(f, &p->base), "{\"localPort\":4503,\"remotePort\":80,\"podName\":\"web-0\"}");
    assert_non_null(parse(f, "{\"local__port\":1}", &proto__port_event__descriptor)); /* skipped, not a name */
}

/* Event is one oneof: a key naming none of its kinds is a kind we do not
 * know (an error, not a silently empty event); two kinds name both. */
static void event_kinds_are_checked(void **state)
{
    fixture_t *f = *state;
    const ProtobufCMessageDescriptor *d = &proto__log_entry__descriptor;
    assert_null(parse(f, "{\"event\":{\"fooEvent\":{}}}", d));
    assert_string_equal(f->err.msg, "event: unknown Event kind \"fooEvent\" (from a newer Skaffold?)");
    assert_null(parse(f, "{\"event\":{\"buildEvent\":{},\"deployEvent\":{}}}", d));
    assert_string_equal(f->err.msg, "event: two Event kinds in one object: \"buildEvent\" and \"deployEvent\"");
    const char *typed = "{\"event\":{\"buildEvent\":{\"artifactt\":\"a\"}}}";
    assert_null(pbjson_parse_strict(f->p, typed, strlen(typed), d, &f->arena, &f->err));
    assert_string_equal(f->err.msg, "event.buildEvent.artifactt: unknown field");
}

static void unknown_keys_and_nulls_are_skipped(void **state)
{
    fixture_t *f = *state;
    Proto__LogEntry *e = (void *)parse(
        f, "{\"future\":{\"deep\":[1,{\"x\":[true,null]}]},\"entry\":\"kept\",\"event\":null,"
           "\"testEvent\":{\"status\":\"x\"}}", &proto__log_entry__descriptor);
    assert_non_null(e);
    assert_string_equal(e->entry, "kept");
    assert_null(e->event);
}

static void timestamps_take_zero_to_nine_digits(void **state)
{
    (void)state;
    static const struct { const char *text; int64_t s; int32_t ns; } cases[] = {
        {"2021-08-11T19:19:41Z", 1628709581, 0},
        {"2021-08-11T19:19:41.7Z", 1628709581, 700000000},
        {"2021-08-11T19:19:41.71Z", 1628709581, 710000000},
        {"2021-08-11T19:19:41.711480Z", 1628709581, 711480000},
        {"2021-08-11T19:19:41.711480752Z", 1628709581, 711480752},
        {"2021-08-11T21:19:41.5+02:00", 1628709581, 500000000},
        {"1970-01-01T00:00:00Z", 0, 0},
        {"1969-12-31T23:59:59.5Z", -1, 500000000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t s;
        int32_t ns;
        assert_true(pbjson_parse_time(cases[i].text, strlen(cases[i].text), &s, &ns));
        assert_int_equal(s, cases[i].s);
        assert_int_equal(ns, cases[i].ns);
    }
    int64_t s;
    int32_t ns;
    const char *bad[] = {"2021-08-11T19:19:41.1234567891Z", "2021-08-11T19:19:41", "2021-13-11T19:19:41Z",
                         "2021-08-11T19:19:41.Z", "yesterday", "2021-08-11T19:19:41Zjunk"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(pbjson_parse_time(bad[i], strlen(bad[i]), &s, &ns));
}

/* Nanoseconds since 1970 saturate outside 1677..2262 instead of
 * overflowing (issue 17: 2300-01-01 came out as 1715-06-13, UBSan at the
 * product); the seconds still print the year as it is. */
static void time_ns_saturates(void **state)
{
    (void)state;
    int64_t s;
    int32_t ns;
    assert_int_equal(pbjson_time_ns(1628709581, 763416940), 1628709581763416940LL);
    assert_int_equal(pbjson_time_ns(-1, 999999999), -1);
    assert_int_equal(pbjson_time_ns(0, 0), 0);
    assert_true(pbjson_parse_time("2262-04-11T23:47:16.854775807Z", 30, &s, &ns));
    assert_int_equal(pbjson_time_ns(s, ns), INT64_MAX);      /* the last that fits */
    assert_true(pbjson_parse_time("2262-04-11T23:47:16.854775808Z", 30, &s, &ns));
    assert_int_equal(pbjson_time_ns(s, ns), INT64_MAX);      /* one past: saturated */
    assert_true(pbjson_parse_time("2300-01-01T00:00:00Z", 20, &s, &ns));
    assert_int_equal(pbjson_time_ns(s, ns), INT64_MAX);
    assert_true(pbjson_parse_time("1600-01-01T00:00:00Z", 20, &s, &ns));
    assert_int_equal(pbjson_time_ns(s, ns), INT64_MIN + 1);
    assert_int_equal(pbjson_time_ns(INT64_MAX, 999999999), INT64_MAX);
    assert_int_equal(pbjson_time_ns(INT64_MIN, -999999999), INT64_MIN + 1);
    /* Spans between such times: saturated too, never an overflow. */
    assert_int_equal(pbjson_time_span(INT64_MIN + 1, INT64_MAX), INT64_MAX);
    assert_int_equal(pbjson_time_span(-5, 7), 12);
    assert_int_equal(pbjson_time_span(7, 5), 0);
    assert_int_equal(pbjson_time_span(INT64_MAX, INT64_MIN + 1), 0);
    strbuf_t out;
    sb_init(&out);
    assert_true(pbjson_parse_time("2300-01-01T00:00:00Z", 20, &s, &ns));
    pbjson_format_time(&out, s, ns);
    assert_string_equal(out.data, "2300-01-01T00:00:00Z");
    sb_free(&out);
}

static void timestamps_print_like_jsonpb(void **state)
{
    fixture_t *f = *state;
    static const struct { int32_t ns; const char *text; } cases[] = {
        {0, "2021-08-11T19:19:41Z"},
        {700000000, "2021-08-11T19:19:41.700Z"},
        {711480000, "2021-08-11T19:19:41.711480Z"},
        {711480752, "2021-08-11T19:19:41.711480752Z"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sb_reset(&f->out);
        pbjson_format_time(&f->out, 1628709581, cases[i].ns);
        assert_string_equal(f->out.data, cases[i].text);
    }
    /* Out-of-range values from a peer are clamped to protobuf's range. */
    sb_reset(&f->out);
    pbjson_format_time(&f->out, INT64_MAX, -5);
    assert_string_equal(f->out.data, "9999-12-31T23:59:59.999999999Z");
    sb_reset(&f->out);
    pbjson_format_time(&f->out, INT64_MIN, 5);
    assert_string_equal(f->out.data, "0001-01-01T00:00:00Z");
}

/* Maps read from objects and print with sorted keys; int keys are strings. */
static void maps_round_trip_sorted(void **state)
{
    fixture_t *f = *state;
    const char *in = "{\"buildState\":{\"artifacts\":{\"b\":\"Complete\",\"a\":\"Failed\"}},"
                     "\"forwardedPorts\":{\"9001\":{\"localPort\":9001},\"80\":{\"localPort\":80}}}";
    Proto__State *s = (void *)parse(f, in, &proto__state__descriptor);
    assert_non_null(s);
    assert_int_equal(s->buildstate->n_artifacts, 2);
    assert_int_equal(s->n_forwardedports, 2);
    assert_string_equal(write_json(f, &s->base),
                        "{\"buildState\":{\"artifacts\":{\"a\":\"Failed\",\"b\":\"Complete\"}},"
                        "\"forwardedPorts\":{\"80\":{\"localPort\":80},\"9001\":{\"localPort\":9001}}}");
    Proto__DebuggingContainerEvent *d = (void *)parse(
        f, "{\"debugPorts\":{\"dlv\":56268}}", &proto__debugging_container_event__descriptor);
    assert_non_null(d);
    assert_int_equal(d->debugports[0]->value, 56268);
}

/* TriggerState.enabled lives in a oneof: false must stay on the wire and in JSON. */
static void oneof_false_is_kept(void **state)
{
    fixture_t *f = *state;
    Proto__TriggerRequest *t = (void *)parse(f, "{\"state\":{\"enabled\":false}}", &proto__trigger_request__descriptor);
    assert_non_null(t);
    assert_int_equal(t->state->val_case, PROTO__TRIGGER_STATE__VAL_ENABLED);
    assert_false(t->state->enabled);
    assert_string_equal(write_json(f, &t->base), "{\"state\":{\"enabled\":false}}");
    t = (void *)parse(f, "{\"state\":{}}", &proto__trigger_request__descriptor);
    assert_int_equal(t->state->val_case, PROTO__TRIGGER_STATE__VAL__NOT_SET);
    assert_string_equal(write_json(f, &t->base), "{\"state\":{}}");
}

static void defaults_are_omitted(void **state)
{
    fixture_t *f = *state;
    Proto__DevLoopEvent ev = PROTO__DEV_LOOP_EVENT__INIT;
    ev.status = "In Progress";
    assert_string_equal(write_json(f, &ev.base), "{\"status\":\"In Progress\"}");
    ev.iteration = 3;
    assert_string_equal(write_json(f, &ev.base), "{\"iteration\":3,\"status\":\"In Progress\"}");
}

/* Strings from the wire are escaped so the JSON is valid and inert. */
static void strings_escape_controls_and_bad_utf8(void **state)
{
    fixture_t *f = *state;
    Proto__LogEntry e = PROTO__LOG_ENTRY__INIT;
    e.entry = "a\"b\\c\n\x1b]0;t\x07\x7f\xff\xc3\xa9";
    assert_string_equal(write_json(f, &e.base),
                        "{\"entry\":\"a\\\"b\\\\c\\n\\u001b]0;t\\u0007\\u007f\\ufffd\xc3\xa9\"}");
    Proto__LogEntry *back = (void *)parse(f, f->out.data, &proto__log_entry__descriptor);
    assert_non_null(back);
    assert_string_equal(back->entry, "a\"b\\c\n\x1b]0;t\x07\x7f\xef\xbf\xbd\xc3\xa9");
}

/* Go's encoder escapes <, >, & and the line separators; so do we, so that a
 * real Skaffold line comes back byte for byte. */
static void escapes_like_go(void **state)
{
    fixture_t *f = *state;
    Proto__LogEntry e = PROTO__LOG_ENTRY__INIT;
    e.entry = "&{a<b>} \xe2\x80\xa8\xe2\x80\xa9";
    assert_string_equal(write_json(f, &e.base), "{\"entry\":\"\\u0026{a\\u003cb\\u003e} \\u2028\\u2029\"}");
}

static void unicode_escapes_and_surrogates(void **state)
{
    fixture_t *f = *state;
    Proto__LogEntry *e = (void *)parse(f, "{\"entry\":\"\\u00e9\\ud83d\\ude00\\ud800x\\/\"}", &proto__log_entry__descriptor);
    assert_non_null(e);
    assert_string_equal(e->entry, "\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbdx/");
}

static void int64_and_bytes(void **state)
{
    fixture_t *f = *state;
    Proto__LogEntry *e = (void *)parse(f, "{\"timestamp\":\"2021-08-11T19:19:41Z\"}", &proto__log_entry__descriptor);
    assert_non_null(e);
    /* Timestamp.seconds is int64: as a bare message it prints as a string. */
    assert_string_equal(write_json(f, &e->timestamp->base), "\"2021-08-11T19:19:41Z\"");
    Proto__PortEvent *p = (void *)parse(f, "{\"localPort\":\"9000\",\"targetPort\":{\"intVal\":8080.0}}",
                                        &proto__port_event__descriptor);
    assert_non_null(p);
    assert_int_equal(p->localport, 9000);
    assert_int_equal(p->targetport->intval, 8080);
}

/* Each kind of bad input is refused with a message naming the field. */
static void errors_name_the_field(void **state)
{
    fixture_t *f = *state;
    static const struct { const char *json, *msg; } cases[] = {
        {"{\"event\":{\"buildEvent\":{\"status\":5}}}", "event.buildEvent.status: expected a string"},
        {"{\"event\":{\"devLoopEvent\":{\"iteration\":\"x\"}}}", "event.devLoopEvent.iteration: expected an integer, got 'x'"},
        {"{\"event\":{\"devLoopEvent\":{\"iteration\":1.5}}}", "event.devLoopEvent.iteration: expected an integer, got '1.5'"},
        {"{\"event\":{\"devLoopEvent\":{\"iteration\":99999999999}}}", "event.devLoopEvent.iteration: integer out of range: 99999999999"},
        {"{\"timestamp\":\"noon\"}", "timestamp: invalid RFC 3339 time \"noon\""},
        {"{\"event\":[]}", "event: expected an object for Event"},
        {"{\"entry\":\"x\"", "truncated JSON"},
        {"{\"entry\":x}", "invalid JSON"},
        {"[1,2]", "expected a JSON object"},
        {"{} {}", "unexpected text after the JSON object"},
        {"{\"a\",\"entry\":\"x\"}", "invalid JSON: a key without a value"},
        {"{\"event\":{\"buildEvent\",\"x\":1}}", "event: invalid JSON: a key without a value"},
        {"", "no JSON value"},
        {"{\"event\":{\"portEvent\":{\"targetPort\":{\"intVal\":true}}}}", "event.portEvent.targetPort.intVal: expected an integer"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_null(parse(f, cases[i].json, &proto__log_entry__descriptor));
        assert_string_equal(f->err.msg, cases[i].msg);
    }
}

static void gateway_result_is_unwrapped(void **state)
{
    fixture_t *f = *state;
    const char *line = "{\"result\":{\"timestamp\":\"2019-10-16T18:26:12.391721823Z\",\"event\":"
                       "{\"deployEvent\":{\"status\":\"In Progress\"}},\"entry\":\"Deploy started\"}}";
    bool unwrapped = false;
    Proto__LogEntry *e = (void *)pbjson_parse(f->p, line, strlen(line), &proto__log_entry__descriptor,
                                              &f->arena, "result", &unwrapped, &f->err);
    assert_non_null(e);
    assert_true(unwrapped);
    assert_string_equal(e->event->deployevent->status, "In Progress");
}

/* A deep hostile document in an unknown key costs no recursion. */
static void deep_unknown_nesting_is_skipped(void **state)
{
    fixture_t *f = *state;
    strbuf_t b;
    sb_init(&b);
    sb_adds(&b, "{\"x\":");
    for (int i = 0; i < 100000; i++) sb_addc(&b, '[');
    for (int i = 0; i < 100000; i++) sb_addc(&b, ']');
    sb_adds(&b, ",\"entry\":\"ok\"}");
    Proto__LogEntry *e = (void *)pbjson_parse(f->p, b.data, b.len, &proto__log_entry__descriptor,
                                              &f->arena, NULL, NULL, &f->err);
    assert_non_null(e);
    assert_string_equal(e->entry, "ok");
    sb_free(&b);
}

/* The details popup's text of an event: every set field, nested ones
 * indented, the oneof's member alone, the time as RFC 3339, an enum by
 * name and number; fields at their default are left out. */
static void dumps_set_fields(void **state)
{
    fixture_t *f = *state;
    const char *line = "{\"timestamp\":\"2021-08-11T19:19:41.763416940Z\",\"event\":{\"buildEvent\":"
                       "{\"artifact\":\"app\",\"status\":\"Failed\",\"actionableErr\":"
                       "{\"errCode\":\"BUILD_DOCKER_DAEMON_NOT_RUNNING\",\"message\":\"no docker\","
                       "\"suggestions\":[{\"action\":\"start docker\"},{\"action\":\"retry\"}]}}},"
                       "\"entry\":\"Build failed\"}";
    ProtobufCMessage *m = parse(f, line, &proto__log_entry__descriptor);
    assert_non_null(m);
    sb_reset(&f->out);
    pb_dump_fields(&f->out, m, 0);
    assert_non_null(f->out.data);
    assert_non_null(strstr(f->out.data, "timestamp: 2021-08-11T19:19:41.763416940Z\n"));
    assert_non_null(strstr(f->out.data, "event:\n  buildEvent:\n    artifact: app\n"));
    assert_non_null(strstr(f->out.data, "    status: Failed\n"));
    char code[80];
    snprintf(code, sizeof code, "      errCode: BUILD_DOCKER_DAEMON_NOT_RUNNING (%d)\n",
             PROTO__STATUS_CODE__BUILD_DOCKER_DAEMON_NOT_RUNNING);
    assert_non_null(strstr(f->out.data, code));
    assert_non_null(strstr(f->out.data, "      suggestions[1]:\n        action: retry\n"));
    assert_non_null(strstr(f->out.data, "entry: Build failed\n"));
    assert_null(strstr(f->out.data, "deployEvent")); /* the oneof's other members */
    assert_null(strstr(f->out.data, "suggestionCode")); /* at its default */
}

/* One parser remembers the last timestamp's minute (pbjson_time_memo_t):
 * timestamps in a row within it, after it, before a bad one sharing it and
 * after that read as each would alone. */
static void timestamps_in_a_row_read_as_alone(void **state)
{
    fixture_t *f = *state;
    static const char *const ts[] = {
        "2021-08-11T19:19:41.5Z", "2021-08-11T19:19:59Z", "2021-08-11T19:20:00.000000001Z",
        "2021-08-11T19:20:61Z", "2021-08-11T19:20:07+01:30", "2021-08-11T19:20:07.1234567891Z",
        "2021-08-11T19:20:07-00:30", "2021-08-12T19:20:07Z", "2021-08-12T19:20Z",
    };
    char line[128];
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
        int64_t sec = 0;
        int32_t ns = 0;
        bool alone = pbjson_parse_time(ts[i], strlen(ts[i]), &sec, &ns);
        snprintf(line, sizeof line, "{\"timestamp\":\"%s\",\"entry\":\"x\"}", ts[i]);
        Proto__LogEntry *e = (void *)parse(f, line, &proto__log_entry__descriptor);
        assert_int_equal(e != NULL, alone);
        if (e) {
            assert_int_equal(e->timestamp->seconds, sec);
            assert_int_equal(e->timestamp->nanos, ns);
        }
    }
    int64_t sec;
    int32_t ns;
    assert_true(pbjson_parse_time(ts[4], strlen(ts[4]), &sec, &ns));
    assert_int_equal(sec, 1628709607 - 5400);
}

/* Every message type reachable from roots, once each. */
static size_t collect_types(const ProtobufCMessageDescriptor *d, const ProtobufCMessageDescriptor **seen,
                            size_t n, size_t cap)
{
    for (size_t i = 0; i < n; i++)
        if (seen[i] == d)
            return n;
    assert_true(n < cap);
    seen[n++] = d;
    for (unsigned i = 0; i < d->n_fields; i++)
        if (d->fields[i].type == PROTOBUF_C_TYPE_MESSAGE)
            n = collect_types(d->fields[i].descriptor, seen, n, cap);
    return n;
}

/* The field tables (a hash of a key's length and bytes, built per type):
 * every field of every Skaffold message is found by its name, and a key one
 * byte off (the last, the first, the middle, one more, one less) names none
 * of them unless protobuf-c's own lookup finds it too. */
static void every_field_is_found_by_its_name(void **state)
{
    fixture_t *f = *state;
    const ProtobufCMessageDescriptor *types[256];
    size_t n = collect_types(&proto__log_entry__descriptor, types, 0, 256);
    n = collect_types(&proto__state__descriptor, types, n, 256);
    n = collect_types(&proto__v2__event__descriptor, types, n, 256);
    n = collect_types(&proto__v2__state__descriptor, types, n, 256);
    char key[128], json[160];
    size_t fields = 0, misses = 0;
    for (size_t t = 0; t < n; t++) {
        for (unsigned i = 0; i < types[t]->n_fields; i++, fields++) {
            const char *name = types[t]->fields[i].name;
            size_t len = strlen(name);
            snprintf(json, sizeof json, "{\"%s\": null}", name);
            assert_non_null(pbjson_parse_strict(f->p, json, strlen(json), types[t], &f->arena, &f->err));
            for (int m = 0; m < 5; m++) {
                snprintf(key, sizeof key, "%s", name);
                if (m == 0) key[len - 1] = '~';
                if (m == 1) key[0] = '~';
                if (m == 2) key[len / 2] = '~';
                if (m == 3) snprintf(key, sizeof key, "%s~", name);
                if (m == 4 && len > 1) key[len - 1] = '\0';
                snprintf(json, sizeof json, "{\"%s\": null}", key);
                bool found = pbjson_parse_strict(f->p, json, strlen(json), types[t], &f->arena, &f->err);
                assert_int_equal(found, protobuf_c_message_descriptor_get_field_by_name(types[t], key) != NULL);
                misses += !found;
            }
        }
    }
    assert_true(n > 40);
    assert_true(misses > 4 * fields);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(reads_real_build_event, setup, teardown),
        cmocka_unit_test_setup_teardown(dumps_set_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(enums_as_names_or_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_enum_values_are_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(proto_field_names_are_read, setup, teardown),
        cmocka_unit_test_setup_teardown(event_kinds_are_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_keys_and_nulls_are_skipped, setup, teardown),
        cmocka_unit_test(timestamps_take_zero_to_nine_digits),
        cmocka_unit_test(time_ns_saturates),
        cmocka_unit_test_setup_teardown(timestamps_print_like_jsonpb, setup, teardown),
        cmocka_unit_test_setup_teardown(maps_round_trip_sorted, setup, teardown),
        cmocka_unit_test_setup_teardown(oneof_false_is_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(defaults_are_omitted, setup, teardown),
        cmocka_unit_test_setup_teardown(strings_escape_controls_and_bad_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(escapes_like_go, setup, teardown),
        cmocka_unit_test_setup_teardown(unicode_escapes_and_surrogates, setup, teardown),
        cmocka_unit_test_setup_teardown(int64_and_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(errors_name_the_field, setup, teardown),
        cmocka_unit_test_setup_teardown(gateway_result_is_unwrapped, setup, teardown),
        cmocka_unit_test_setup_teardown(deep_unknown_nesting_is_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(every_field_is_found_by_its_name, setup, teardown),
        cmocka_unit_test_setup_teardown(timestamps_in_a_row_read_as_alone, setup, teardown),
    };
    return cmocka_run_group_tests_name("pbjson", tests, NULL, NULL);
}
