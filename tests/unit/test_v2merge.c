/* The v2 replays merged by time: what each stream replays comes out oldest
 * first across the two streams, each stream in its own order; an event is
 * held only while the other stream may still bring an older one; a live
 * event or a quiet stream ends its replay; outside a replay nothing waits.
 * An event pushed with its bytes as received (a live stream's) is held as
 * those bytes and comes out the same as a decoded copy would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "sources/v2merge.h"

#define MAXOUT 64

typedef struct got {
    char text[MAXOUT][32];       /* the messages delivered, in order */
    int stream[MAXOUT];
    size_t n;
} got_t;

static void out(void *ctx, const Proto__V2__Event *ev, v2_stream_t stream)
{
    got_t *g = ctx;
    assert_true(g->n < MAXOUT);
    const char *msg = ev->event_type_case == PROTO__V2__EVENT__EVENT_TYPE_APPLICATION_LOG_EVENT
                          ? ev->applicationlogevent->message
                          : ev->skaffoldlogevent->message;
    snprintf(g->text[g->n], sizeof g->text[0], "%s", msg);
    g->stream[g->n++] = (int)stream;
}

/* Whether push hands over the event's bytes too, as the live session does. */
static bool with_wire;

/* An event of stream s at sec seconds since the epoch (0: no timestamp);
 * with_wire: its packed bytes beside it, in a buffer gone after the push. */
static void push(v2merge_t *m, v2_stream_t s, int64_t sec, const char *msg)
{
    Google__Protobuf__Timestamp ts = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
    Proto__V2__Event ev = PROTO__V2__EVENT__INIT;
    Proto__V2__ApplicationLogEvent a = PROTO__V2__APPLICATION_LOG_EVENT__INIT;
    Proto__V2__SkaffoldLogEvent k = PROTO__V2__SKAFFOLD_LOG_EVENT__INIT;
    ts.seconds = sec;
    ev.timestamp = sec ? &ts : NULL;
    if (s == V2_APPLOGS) {
        a.message = (char *)msg;
        ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_APPLICATION_LOG_EVENT;
        ev.applicationlogevent = &a;
    } else {
        k.message = (char *)msg;
        ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_SKAFFOLD_LOG_EVENT;
        ev.skaffoldlogevent = &k;
    }
    uint8_t wire[256];
    size_t len = with_wire ? protobuf_c_message_pack(&ev.base, wire) : 0;
    v2merge_push(m, &ev, s, with_wire ? wire : NULL, len);
    memset(wire, 'x', sizeof wire);
}

static char *joined(const got_t *g)
{
    static char buf[MAXOUT * 33];
    buf[0] = '\0';
    for (size_t i = 0; i < g->n; i++) {
        strcat(buf, i ? " " : "");
        strcat(buf, g->text[i]);
    }
    return buf;
}

static void finish(uv_loop_t *loop, v2merge_t *m)
{
    v2merge_close(m);
    uv_run(loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(loop), 0);
}

/* A merger on loop with both streams' replays under way (the events of
 * either may wait for the other's). */
static v2merge_t *replaying(uv_loop_t *loop, uint64_t quiet_ms, v2merge_out_fn fn, void *ctx)
{
    uv_loop_init(loop);
    v2merge_t *m = v2merge_new(loop, quiet_ms, fn, ctx);
    v2merge_reset(m, V2_EVENTS);
    v2merge_reset(m, V2_APPLOGS);
    return m;
}

#define PAST 1600000000          /* 2020: every replayed event is older than now */

static void nothing_waits_outside_a_replay(void **state)
{
    (void)state;
    uv_loop_t loop;
    got_t g = {0};
    uv_loop_init(&loop);
    v2merge_t *m = v2merge_new(&loop, 50, out, &g);
    push(m, V2_APPLOGS, PAST + 9, "a9");
    push(m, V2_EVENTS, PAST + 1, "e1");
    assert_string_equal(joined(&g), "a9 e1"); /* no reset: arrival order, at once */
    assert_int_equal(v2merge_held(m), 0);
    finish(&loop, m);
}

static void replays_come_out_by_time(void **state)
{
    (void)state;
    uv_loop_t loop;
    got_t g = {0};
    uv_loop_init(&loop);
    v2merge_t *m = v2merge_new(&loop, 10000, out, &g);
    /* The current loop's application lines come first, as on a real connect. */
    v2merge_reset(m, V2_APPLOGS);
    push(m, V2_APPLOGS, PAST + 40, "a40");
    push(m, V2_APPLOGS, PAST + 42, "a42");
    assert_int_equal(g.n, 0);                /* Events may still bring older lines */
    v2merge_reset(m, V2_EVENTS);
    push(m, V2_EVENTS, PAST + 1, "e1");
    push(m, V2_EVENTS, PAST + 20, "e20");
    assert_string_equal(joined(&g), "e1 e20");  /* older than anything held of the other */
    push(m, V2_EVENTS, PAST + 41, "e41");
    /* a40 is older; e41 is older than a42, and what ApplicationLogs
     * replays after a42 comes later still. */
    assert_string_equal(joined(&g), "e1 e20 a40 e41");
    push(m, V2_EVENTS, PAST + 42, "e42");    /* a tie: Events first... */
    push(m, V2_EVENTS, PAST + 50, "e50");
    assert_string_equal(joined(&g), "e1 e20 a40 e41 e42 a42");
    assert_int_equal(v2merge_held(m), 1);
    v2merge_flush(m);                        /* ...and the rest when told */
    assert_string_equal(joined(&g), "e1 e20 a40 e41 e42 a42 e50");
    assert_int_equal(g.stream[2], V2_APPLOGS);
    assert_int_equal(g.stream[6], V2_EVENTS);
    push(m, V2_APPLOGS, PAST + 3, "a3");     /* the replay is over: at once */
    assert_string_equal(g.text[7], "a3");
    finish(&loop, m);
}

static void held_bytes_come_out_by_time(void **state)
{
    with_wire = true;
    replays_come_out_by_time(state);
    with_wire = false;
}

static void a_live_event_ends_its_replay(void **state)
{
    (void)state;
    uv_loop_t loop;
    got_t g = {0};
    uv_loop_init(&loop);
    v2merge_t *m = v2merge_new(&loop, 100000, out, &g);
    int64_t now = (int64_t)time(NULL);
    v2merge_reset(m, V2_EVENTS);
    push(m, V2_EVENTS, PAST + 1, "e1");
    v2merge_reset(m, V2_APPLOGS);
    push(m, V2_APPLOGS, PAST + 5, "a5");
    assert_string_equal(joined(&g), "e1");
    push(m, V2_APPLOGS, now + 60, "alive");  /* stamped after the replay began */
    push(m, V2_EVENTS, PAST + 7, "e7");
    assert_string_equal(joined(&g), "e1 a5 e7");
    push(m, V2_EVENTS, now + 61, "elive");   /* both live: everything goes */
    assert_string_equal(joined(&g), "e1 a5 e7 alive elive");
    assert_int_equal(v2merge_held(m), 0);
    push(m, V2_EVENTS, PAST + 8, "e8");
    assert_int_equal(g.n, 6);
    finish(&loop, m);
}

static void quiet_ends_the_replay(void **state)
{
    (void)state;
    uv_loop_t loop;
    got_t g = {0};
    uv_loop_init(&loop);
    v2merge_t *m = v2merge_new(&loop, 20, out, &g);
    v2merge_reset(m, V2_EVENTS);             /* ApplicationLogs never says a word */
    push(m, V2_EVENTS, PAST + 1, "e1");
    push(m, V2_EVENTS, 0, "e-untimed");      /* takes its stream's last time */
    push(m, V2_EVENTS, PAST + 2, "e2");
    assert_int_equal(g.n, 0);
    while (v2merge_held(m))                  /* both quiet: the timer lets all go */
        uv_run(&loop, UV_RUN_ONCE);
    assert_string_equal(joined(&g), "e1 e-untimed e2");
    finish(&loop, m);
}

static void a_reset_delivers_its_streams_held_events_first(void **state)
{
    (void)state;
    uv_loop_t loop;
    got_t g = {0};
    v2merge_t *m = replaying(&loop, 100000, out, &g);
    push(m, V2_APPLOGS, PAST + 5, "a5");
    push(m, V2_EVENTS, PAST + 9, "e9");
    assert_string_equal(joined(&g), "a5");
    v2merge_reset(m, V2_EVENTS);             /* a new Events stream: e9 belongs to the old one */
    assert_string_equal(joined(&g), "a5 e9");
    push(m, V2_EVENTS, PAST + 1, "e1");
    assert_string_equal(joined(&g), "a5 e9 e1");
    finish(&loop, m);
}

/* Counts what comes out and checks the order: "aN" with N rising. */
typedef struct counted {
    size_t n;
    long last;
} counted_t;

static void count_out(void *ctx, const Proto__V2__Event *ev, v2_stream_t stream)
{
    counted_t *c = ctx;
    long i = strtol(ev->applicationlogevent->message + 1, NULL, 10);
    assert_int_equal(stream, V2_APPLOGS);
    assert_true(i > c->last);
    c->last = i;
    c->n++;
}

/* What was held goes on at most V2MERGE_SLICE a turn of the loop, in order,
 * and a line pushed meanwhile after it. */
static void a_backlog_goes_on_a_slice_a_turn(void **state)
{
    (void)state;
    uv_loop_t loop;
    counted_t c = {0, -1};
    char msg[32];
    const size_t held = 3 * V2MERGE_SLICE + 5;
    v2merge_t *m = replaying(&loop, 20, count_out, &c); /* Events may bring older lines: all held */
    for (size_t i = 0; i < held; i++) {
        snprintf(msg, sizeof msg, "a%zu", i);
        push(m, V2_APPLOGS, PAST + 100 + (int64_t)i, msg);
    }
    assert_int_equal(c.n, 0);
    assert_int_equal(v2merge_held(m), held);
    size_t turns = 0;
    while (v2merge_held(m)) {                /* once Events is quiet: a slice a turn */
        size_t before = c.n;
        uv_run(&loop, UV_RUN_ONCE);
        assert_true(c.n - before <= V2MERGE_SLICE);
        turns += c.n > before;
        if (turns == 1 && c.n > before) {    /* a line meanwhile queues behind */
            snprintf(msg, sizeof msg, "a%zu", held);
            push(m, V2_APPLOGS, PAST + 100 + (int64_t)held, msg);
        }
    }
    assert_int_equal(c.n, held + 1);
    assert_int_equal(c.last, (long)held);
    assert_true(turns >= 3);
    finish(&loop, m);
}

/* An out that flushes the merger from its first event (as a hook that ends
 * a run does) and then reads that event again. */
typedef struct flushing {
    v2merge_t *m;
    got_t g;
    char first[32];
} flushing_t;

static void out_flushing(void *ctx, const Proto__V2__Event *ev, v2_stream_t stream)
{
    flushing_t *f = ctx;
    out(&f->g, ev, stream);
    if (f->g.n > 1)
        return;
    v2merge_flush(f->m);                     /* the rest, decoded beside this one */
    snprintf(f->first, sizeof f->first, "%s", ev->applicationlogevent->message);
}

static void a_flush_from_out_keeps_the_event_being_delivered(void **state)
{
    (void)state;
    uv_loop_t loop;
    flushing_t f = {0};
    f.m = replaying(&loop, 100000, out_flushing, &f);
    with_wire = true;                        /* held as bytes, decoded when they go */
    push(f.m, V2_APPLOGS, PAST + 5, "a5");
    push(f.m, V2_APPLOGS, PAST + 6, "a6");
    push(f.m, V2_APPLOGS, PAST + 7, "a7-longer-than-the-first");
    with_wire = false;
    push(f.m, V2_EVENTS, PAST + 9, "e9");    /* a5 may go: out flushes a6, a7, e9 */
    assert_string_equal(joined(&f.g), "a5 a6 a7-longer-than-the-first e9");
    assert_string_equal(f.first, "a5");
    finish(&loop, f.m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nothing_waits_outside_a_replay),
        cmocka_unit_test(replays_come_out_by_time),
        cmocka_unit_test(held_bytes_come_out_by_time),
        cmocka_unit_test(a_live_event_ends_its_replay),
        cmocka_unit_test(quiet_ends_the_replay),
        cmocka_unit_test(a_reset_delivers_its_streams_held_events_first),
        cmocka_unit_test(a_backlog_goes_on_a_slice_a_turn),
        cmocka_unit_test(a_flush_from_out_keeps_the_event_being_delivered),
    };
    return cmocka_run_group_tests_name("v2merge", tests, NULL, NULL);
}
