/* Recognising what a reconnect replays on the v2 streams (src/session/
 * v2seen.c), as Skaffold 2.x's server replays: v2 Events everything since
 * start (the same server comes back: skipped up to where it was, then new;
 * another first event: a new session), ApplicationLogs the current dev
 * loop's lines only (a tail of what was seen, found by its first line; an
 * emptied buffer: every line new). Events differ by message and time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include "session/v2seen.h"

typedef struct fake {
    Proto__V2__Event ev;
    Proto__V2__ApplicationLogEvent app;
    Google__Protobuf__Timestamp ts;
    char text[32];
} fake_t;

/* Line n of history h: message "h-n" at second n. */
static const Proto__V2__Event *line(fake_t *f, char h, int n)
{
    proto__v2__event__init(&f->ev);
    proto__v2__application_log_event__init(&f->app);
    google__protobuf__timestamp__init(&f->ts);
    f->ts.seconds = n;
    snprintf(f->text, sizeof f->text, "%c-%d\n", h, n);
    f->app.podname = (char *)"web-1";
    f->app.containername = (char *)"web";
    f->app.message = f->text;
    f->ev.timestamp = &f->ts;
    f->ev.event_type_case = PROTO__V2__EVENT__EVENT_TYPE_APPLICATION_LOG_EVENT;
    f->ev.applicationlogevent = &f->app;
    return &f->ev;
}

/* Feeds lines [from, to) of history h; returns how many got kind k. */
static int feed(v2seen_t *s, char h, int from, int to, v2seen_kind_t k)
{
    fake_t f;
    int n = 0;
    for (int i = from; i < to; i++)
        n += v2seen_check(s, line(&f, h, i)) == k;
    return n;
}

static void events_replay_is_skipped_then_continues(void **state)
{
    v2seen_t s;
    v2seen_init(&s, V2SEEN_ALL);
    assert_int_equal(feed(&s, 'a', 0, 10, V2SEEN_NEW), 10);
    v2seen_reset(&s);
    assert_int_equal(feed(&s, 'a', 0, 10, V2SEEN_OLD), 10);
    assert_int_equal(feed(&s, 'a', 10, 15, V2SEEN_NEW), 5);
    v2seen_reset(&s); /* twice: the list grew with the new ones */
    assert_int_equal(feed(&s, 'a', 0, 15, V2SEEN_OLD), 15);
    assert_int_equal(feed(&s, 'a', 15, 16, V2SEEN_NEW), 1);
    v2seen_free(&s);
}

static void events_another_history_is_a_new_session(void **state)
{
    v2seen_t s;
    fake_t f;
    v2seen_init(&s, V2SEEN_ALL);
    feed(&s, 'a', 0, 10, V2SEEN_NEW);
    v2seen_reset(&s);
    assert_int_equal(v2seen_check(&s, line(&f, 'b', 0)), V2SEEN_NEW_SESSION);
    assert_int_equal(feed(&s, 'b', 1, 5, V2SEEN_NEW), 4);
    v2seen_reset(&s); /* the new session is what a replay is compared with */
    assert_int_equal(feed(&s, 'b', 0, 5, V2SEEN_OLD), 5);
    v2seen_free(&s);
}

static void events_first_stream_is_no_boundary(void **state)
{
    v2seen_t s;
    fake_t f;
    v2seen_init(&s, V2SEEN_ALL);
    v2seen_reset(&s); /* on_v2_reset comes before the first stream's first event too */
    assert_int_equal(v2seen_check(&s, line(&f, 'a', 0)), V2SEEN_NEW);
    v2seen_free(&s);
}

static void applogs_replay_of_the_current_loop_is_a_tail(void **state)
{
    v2seen_t s;
    v2seen_init(&s, V2SEEN_TAIL);
    v2seen_reset(&s);
    feed(&s, 'a', 0, 20, V2SEEN_NEW); /* loop 1: 0..9, loop 2: 10..19 */
    v2seen_reset(&s);                 /* the server keeps loop 2's lines only */
    assert_int_equal(feed(&s, 'a', 10, 20, V2SEEN_OLD), 10);
    assert_int_equal(feed(&s, 'a', 20, 25, V2SEEN_NEW), 5);
    v2seen_reset(&s);
    assert_int_equal(feed(&s, 'a', 10, 25, V2SEEN_OLD), 15);
    assert_int_equal(s.n, (size_t)15); /* loop 1's lines were forgotten */
    v2seen_free(&s);
}

static void applogs_emptied_buffer_makes_every_line_new(void **state)
{
    v2seen_t s;
    v2seen_init(&s, V2SEEN_TAIL);
    feed(&s, 'a', 0, 10, V2SEEN_NEW);
    v2seen_reset(&s); /* a new dev loop began while disconnected */
    assert_int_equal(feed(&s, 'a', 30, 35, V2SEEN_NEW), 5);
    assert_int_equal(s.n, (size_t)5);
    v2seen_reset(&s);
    assert_int_equal(feed(&s, 'a', 30, 35, V2SEEN_OLD), 5);
    v2seen_free(&s);
}

static void a_replay_that_stops_matching_is_new_from_there(void **state)
{
    v2seen_t s;
    v2seen_init(&s, V2SEEN_ALL);
    feed(&s, 'a', 0, 10, V2SEEN_NEW);
    v2seen_reset(&s);
    assert_int_equal(feed(&s, 'a', 0, 4, V2SEEN_OLD), 4);
    assert_int_equal(feed(&s, 'c', 4, 6, V2SEEN_NEW), 2);
    assert_int_equal(feed(&s, 'a', 4, 6, V2SEEN_NEW), 2); /* no longer replaying */
    v2seen_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(events_replay_is_skipped_then_continues),
        cmocka_unit_test(events_another_history_is_a_new_session),
        cmocka_unit_test(events_first_stream_is_no_boundary),
        cmocka_unit_test(applogs_replay_of_the_current_loop_is_a_tail),
        cmocka_unit_test(applogs_emptied_buffer_makes_every_line_new),
        cmocka_unit_test(a_replay_that_stops_matching_is_new_from_there),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
