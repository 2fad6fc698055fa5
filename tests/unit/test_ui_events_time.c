/* The Events pane's time column for any Timestamp the wire can carry: years
 * past 2262 and before 1678 (beyond int64 nanoseconds), nanos outside
 * 0..999999999, and seconds no calendar can hold. The entries go through a
 * real recording file and the real replay command. */
#include <fcntl.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "sources/rec_format.h"
#include "model_fixture.h"
#include "ui_fixture.h"

typedef struct stamp {
    int64_t sec;
    int32_t nanos;
    char want[16];             /* filled from gmtime_r where it applies */
} stamp_t;

/* HH:MM:SS.mmm of sec + ms in UTC, the way the test derives it. */
static void hms(int64_t sec, int ms, char *buf, size_t len)
{
    time_t t = (time_t)sec;
    struct tm tm;
    assert_non_null(gmtime_r(&t, &tm));
    snprintf(buf, len, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

static void write_recording(const char *path, stamp_t *st, size_t n)
{
    recording_writer_t w;
    char err[256];
    const char *note;
    assert_int_equal(recording_open_append(&w, path, &note, err, sizeof err), 0);
    for (size_t i = 0; i < n; i++) {
        char text[32];
        snprintf(text, sizeof text, "row-%zu", i);
        Proto__LogEntry *e = fx_entry(0, ev_build("app", "Complete"), text);
        e->timestamp = fx_new(&google__protobuf__timestamp__descriptor);
        e->timestamp->seconds = st[i].sec;
        e->timestamp->nanos = st[i].nanos;
        assert_int_equal(recording_write(&w, RECORD_LOG_ENTRY, &e->base), 0);
        protobuf_c_message_free_unpacked(&e->base, NULL);
    }
    assert_int_equal(recording_close(&w), 0);
}

static void test_any_timestamp(void **state)
{
    stamp_t st[] = {
        {10000000000LL, 123000000, ""},   /* 2286-11-20, past int64 ns */
        {-10000000000LL, 456000000, ""},  /* 1653-02-10, before it */
        {253402300799LL, 999000000, ""},  /* 9999-12-31T23:59:59.999 */
        {5, 2100000000, "00:00:07.100"},  /* nanos past a second carry */
        {5, -500000000, "00:00:04.500"},  /* negative nanos borrow */
        {INT64_MAX, 999999999, "out-of-range"},
        {INT64_MIN, -999999999, "out-of-range"},
    };
    size_t n = sizeof st / sizeof st[0];
    for (size_t i = 0; i < 3; i++)
        hms(st[i].sec, st[i].nanos / 1000000, st[i].want, sizeof st[i].want);
    char path[] = "/tmp/skview-test-times-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    write_recording(path, st, n);
    char *screen = ui_dump(path, "100x40", "END", "5");
    for (size_t i = 0; i < n; i++) {
        char text[32], want[64];
        snprintf(text, sizeof text, "row-%zu", i);
        const char *row = strstr(screen, text);
        assert_non_null(row);
        const char *line = row;
        while (line > screen && line[-1] != '\n')
            line--;
        snprintf(want, sizeof want, " %s ", st[i].want);
        if (strncmp(line, want, strlen(want)))
            fail_msg("entry %zu (%lld s, %d ns): want '%s', row '%.*s'", i, (long long)st[i].sec,
                     st[i].nanos, want, (int)(row - line + strlen(text)), line);
    }
    free(screen);
    unlink(path);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_any_timestamp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
