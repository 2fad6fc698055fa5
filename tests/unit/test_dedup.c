/* Recognising a replayed history (src/sources/dedup.c): the same session
 * coming back is skipped up to where it was and continues; another history
 * is a new session from its first entry; a part-way divergence is new from
 * where it differs. Entries differ by their sentence and timestamp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include "sources/dedup.h"

/* One entry: sentence "S-N" at second N (S names the history). */
typedef struct fake {
    Proto__LogEntry e;
    Google__Protobuf__Timestamp ts;
    char text[32];
} fake_t;

static const Proto__LogEntry *entry(fake_t *f, char history, int n)
{
    proto__log_entry__init(&f->e);
    google__protobuf__timestamp__init(&f->ts);
    f->ts.seconds = n;
    snprintf(f->text, sizeof f->text, "%c-%d", history, n);
    f->e.timestamp = &f->ts;
    f->e.entry = f->text;
    return &f->e;
}

/* Feeds entries [from, to) of history h; returns how many got kind k. */
static int feed(dedup_t *d, char h, int from, int to, dedup_kind_t k)
{
    fake_t f;
    int n = 0;
    for (int i = from; i < to; i++)
        n += dedup_check(d, entry(&f, h, i)) == k;
    return n;
}

static void same_session_replay_is_skipped_then_continues(void **state)
{
    (void)state;
    dedup_t d;
    dedup_init(&d);
    dedup_reset(&d);
    assert_int_equal(feed(&d, 'A', 0, 10, DEDUP_NEW), 10);
    dedup_reset(&d); /* reconnect: the server replays 0..10, then logs 10..15 */
    assert_int_equal(feed(&d, 'A', 0, 10, DEDUP_OLD), 10);
    assert_int_equal(feed(&d, 'A', 10, 15, DEDUP_NEW), 5);
    dedup_reset(&d); /* and again: all 15 are old now */
    assert_int_equal(feed(&d, 'A', 0, 15, DEDUP_OLD), 15);
    assert_int_equal(d.sessions, 0);
    dedup_free(&d);
}

static void another_history_is_a_new_session(void **state)
{
    (void)state;
    dedup_t d;
    dedup_init(&d);
    feed(&d, 'A', 0, 10, DEDUP_NEW);
    dedup_reset(&d);
    fake_t f;
    assert_int_equal(dedup_check(&d, entry(&f, 'B', 0)), DEDUP_NEW_SESSION);
    assert_int_equal(feed(&d, 'B', 1, 4, DEDUP_NEW), 3);
    assert_int_equal(d.sessions, 1);
    dedup_reset(&d); /* the new session's replay is recognised in turn */
    assert_int_equal(feed(&d, 'B', 0, 4, DEDUP_OLD), 4);
    dedup_free(&d);
}

static void divergence_is_new_from_where_it_differs(void **state)
{
    (void)state;
    dedup_t d;
    dedup_init(&d);
    feed(&d, 'A', 0, 10, DEDUP_NEW);
    dedup_reset(&d);
    assert_int_equal(feed(&d, 'A', 0, 4, DEDUP_OLD), 4);
    fake_t f;
    assert_int_equal(dedup_check(&d, entry(&f, 'C', 4)), DEDUP_DIVERGED);
    assert_int_equal(dedup_matched(&d), 4);
    dedup_reset(&d); /* remembered: A 0..4 then C 4 */
    assert_int_equal(feed(&d, 'A', 0, 4, DEDUP_OLD), 4);
    assert_int_equal(feed(&d, 'C', 4, 5, DEDUP_OLD), 1);
    dedup_free(&d);
}

static void first_stream_is_all_new(void **state)
{
    (void)state;
    dedup_t d;
    dedup_init(&d);
    dedup_reset(&d); /* nothing seen yet: nothing to compare with */
    assert_int_equal(feed(&d, 'A', 0, 3, DEDUP_NEW), 3);
    assert_int_equal(d.sessions, 0);
    dedup_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_session_replay_is_skipped_then_continues),
        cmocka_unit_test(another_history_is_a_new_session),
        cmocka_unit_test(divergence_is_new_from_where_it_differs),
        cmocka_unit_test(first_stream_is_all_new),
    };
    return cmocka_run_group_tests_name("dedup", tests, NULL, NULL);
}
