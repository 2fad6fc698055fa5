/* Replays of Skaffold 2.x sessions: a v1 log F with its F.v2 beside it
 * plays as one stream in time order (each file's own order kept); F.v2
 * alone has its iterations and errors from the tasks; seeking back resets
 * both v2 streams as well as v1. Expected values come from the files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "sources/logreader.h"
#include "sources/logset.h"
#include "sources/pacer.h"
#include "sources/replay.h"

#define FILE_V1 "tests/data/skaffold-2x-events.jsonl"
#define FILE_V2 "tests/data/skaffold-2x-events.jsonl.v2"

typedef struct seen {
    int resets, v2resets[2];
    int entries, v2;
    int64_t last_ns;
    bool out_of_order;
    uint64_t v1hash, v2hash;   /* of each stream's sequence, in delivery order */
    int v1_loops, v2_loops;    /* dev loops started: v1 DevLoopEvents, v2 DevLoop tasks */
} seen_t;

static uint64_t mix(uint64_t h, const ProtobufCMessage *m)
{
    uint8_t buf[65536];
    size_t n = protobuf_c_message_get_packed_size(m);
    assert_true(n <= sizeof buf);
    protobuf_c_message_pack(m, buf);
    for (size_t i = 0; i < n; i++) h = (h ^ buf[i]) * 0x100000001b3ull;
    return (h ^ n) * 0x100000001b3ull;
}

static void at(seen_t *s, const Google__Protobuf__Timestamp *t)
{
    int64_t ns = pacer_ts_ns(t);
    if (ns < s->last_ns) s->out_of_order = true;
    s->last_ns = ns;
}

static void on_reset(void *ctx) { ((seen_t *)ctx)->resets++; }
static void on_v2_reset(void *ctx, v2_stream_t st) { ((seen_t *)ctx)->v2resets[st]++; }

static int on_entry(void *ctx, const Proto__LogEntry *e)
{
    seen_t *s = ctx;
    s->entries++;
    at(s, e->timestamp);
    if (e->event && e->event->event_type_case == PROTO__EVENT__EVENT_TYPE_DEV_LOOP_EVENT &&
        !strcmp(e->event->devloopevent->status, "In Progress"))
        s->v1_loops++;
    s->v1hash = mix(s->v1hash, &e->base);
    return 0;
}

static int on_v2(void *ctx, const Proto__V2__Event *ev, v2_stream_t st)
{
    seen_t *s = ctx;
    assert_int_equal(st, V2_EVENTS);
    s->v2++;
    at(s, ev->timestamp);
    if (ev->event_type_case == PROTO__V2__EVENT__EVENT_TYPE_TASK_EVENT && !strcmp(ev->taskevent->task, "DevLoop") &&
        !strcmp(ev->taskevent->status, "InProgress"))
        s->v2_loops++;
    s->v2hash = mix(s->v2hash, &ev->base);
    return 0;
}

/* What a plain read of one file gives: its items' count and hash. */
static void file_hash(const char *path, int *n, uint64_t *h)
{
    char err[256];
    logreader_t *r = logreader_open(path, NULL, err, sizeof err);
    assert_non_null(r);
    log_item_t it;
    *n = 0;
    *h = 0;
    while (logreader_next_item(r, NULL, &it) == 1) {
        ++*n;
        *h = mix(*h, it.entry ? &it.entry->base : &it.v2->base);
    }
    logreader_close(r);
}

static replay_t *open_replay(uv_loop_t *loop, const char *path, seen_t *s)
{
    memset(s, 0, sizeof *s);
    source_sink_t cb = {.ctx = s, .on_reset = on_reset, .on_entry = on_entry, .on_v2 = on_v2,
                        .on_v2_reset = on_v2_reset};
    char err[256];
    uv_loop_init(loop);
    replay_t *r = replay_open(loop, path, 0, &cb, err, sizeof err);
    if (!r) fail_msg("%s", err);
    return r;
}

static void close_replay(uv_loop_t *loop, replay_t *r)
{
    replay_close(r);
    uv_run(loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(loop), 0);
}

/* F plays with F.v2 merged in: everything, in time order, each file's own
 * sequence intact. */
static void v1_with_sibling_plays_merged(void **state)
{
    (void)state;
    int n1, n2;
    uint64_t h1, h2;
    file_hash(FILE_V1, &n1, &h1);
    file_hash(FILE_V2, &n2, &h2);
    uv_loop_t loop;
    seen_t s;
    replay_t *r = open_replay(&loop, FILE_V1, &s);
    assert_int_equal(replay_total(r), (uint64_t)(n1 + n2));
    replay_start(r);
    uv_run(&loop, UV_RUN_DEFAULT); /* max speed: plays to the end */
    assert_true(replay_ended(r));
    assert_int_equal(s.entries, n1);
    assert_int_equal(s.v2, n2);
    assert_false(s.out_of_order);
    assert_true(s.v1hash == h1);
    assert_true(s.v2hash == h2);
    close_replay(&loop, r);
}

/* Seeking back re-folds from the start: v1 and both v2 streams reset. */
static void seeking_back_resets_both_streams(void **state)
{
    (void)state;
    uv_loop_t loop;
    seen_t s;
    replay_t *r = open_replay(&loop, FILE_V1, &s);
    uint64_t total = replay_total(r);
    replay_seek(r, total / 2);
    assert_int_equal(s.resets + s.v2resets[0] + s.v2resets[1], 0);
    assert_int_equal((uint64_t)(s.entries + s.v2), total / 2);
    replay_seek(r, total / 4);
    assert_int_equal(s.resets, 1);
    assert_int_equal(s.v2resets[V2_EVENTS], 1);
    assert_int_equal(s.v2resets[V2_APPLOGS], 1);
    assert_int_equal((uint64_t)(s.entries + s.v2), total / 2 + total / 4);
    assert_int_equal(replay_pos(r), total / 4);
    close_replay(&loop, r);
}

/* Seeking to an iteration of F with its F.v2 delivers both its starts:
 * v1's DevLoopEvent and v2's DevLoop task, whichever comes second. */
static void iteration_seek_delivers_both_starts(void **state)
{
    (void)state;
    uv_loop_t loop;
    seen_t s;
    replay_t *r = open_replay(&loop, FILE_V1, &s);
    int n = 0;
    while (replay_next_iteration(r) == 0) {
        n++;
        assert_int_equal(s.v1_loops, n);
        assert_int_equal(s.v2_loops, n);
        assert_int_equal(replay_iteration(r), (size_t)n);
    }
    assert_int_equal((size_t)n, replay_iterations(r));
    assert_true(n > 1);
    assert_int_equal(replay_prev_iteration(r), 0);
    assert_int_equal(s.v1_loops - s.v2_loops, 0);
    close_replay(&loop, r);
}

/* Counts the lines of path holding every needle given. */
static int lines_with(const char *path, const char *a, const char *b, const char *not)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[16384];
    int n = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, a) && (!b || strstr(line, b)) && (!not || !strstr(line, not))) n++;
    fclose(f);
    return n;
}

/* F.v2 alone: its iterations are the DevLoop tasks, its errors the failed
 * tasks (DevLoop's failure repeats its phase's). */
static void v2_alone_has_iterations_from_tasks(void **state)
{
    (void)state;
    int n2;
    uint64_t h2;
    file_hash(FILE_V2, &n2, &h2);
    uv_loop_t loop;
    seen_t s;
    replay_t *r = open_replay(&loop, FILE_V2, &s);
    assert_int_equal(replay_total(r), (uint64_t)n2);
    int iters = lines_with(FILE_V2, "\"task\":\"DevLoop\"", "\"status\":\"InProgress\"", NULL);
    int fails = lines_with(FILE_V2, "\"taskEvent\"", "\"status\":\"Failed\"", "\"task\":\"DevLoop\"");
    assert_true(iters > 1 && fails > 0);
    assert_int_equal(replay_iterations(r), (size_t)iters);
    int stops = 0;
    while (replay_next_error(r) == 0) stops++;
    assert_int_equal(stops, fails);
    replay_seek(r, 0);
    while (replay_next_iteration(r) == 0) {}
    assert_int_equal(replay_iteration(r), (size_t)iters);
    close_replay(&loop, r);
}

/* The merge itself: logset without the sibling reads F alone. */
static void logset_sibling_rule(void **state)
{
    (void)state;
    char *sib = logset_sibling(FILE_V1);
    assert_non_null(sib);
    assert_string_equal(sib, FILE_V2);
    free(sib);
    assert_null(logset_sibling(FILE_V2)); /* no F.v2.v2 */
    assert_null(logset_sibling("-"));
    char err[256];
    logset_t *ls = logset_open(FILE_V1, NULL, false, err, sizeof err);
    assert_int_equal(logset_count(ls), 1);
    logset_close(ls);
    ls = logset_open(FILE_V1, NULL, true, err, sizeof err);
    assert_int_equal(logset_count(ls), 2);
    assert_int_equal(logreader_format(logset_reader(ls, 1)), LOG_V2_JSONL);
    logset_close(ls);
    ls = logset_open(FILE_V2, NULL, true, err, sizeof err);
    assert_int_equal(logset_count(ls), 1);
    logset_close(ls);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(v1_with_sibling_plays_merged),
        cmocka_unit_test(seeking_back_resets_both_streams),
        cmocka_unit_test(v2_alone_has_iterations_from_tasks),
        cmocka_unit_test(iteration_seek_delivers_both_starts),
        cmocka_unit_test(logset_sibling_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
