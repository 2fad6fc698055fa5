/* The Build pane through the real command: `skview replay FILE
 * --dump-screen` of a BuildKit rawjson file and of the same build as a
 * skview recording, with size, time zone and locale pinned. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "ui_fixture.h"
#include "sources/bk_reader.h"
#include "sources/rec_format.h"
#include "ui/ui.h"

static char json_path[64] = "/tmp/skview-test-bk-XXXXXX";
static char rec_path[64] = "/tmp/skview-test-bkrec-XXXXXX";

/* Hand-made, not captured from a daemon: BuildKit v0.13's rawjson (json
 * tags, log bytes in base64) for a four-step build: a done step, a CACHED
 * one, a download with a byte status that is CANCELED halfway when the
 * fourth step fails (ERROR) after writing three log lines. */
static const char rawjson[] =
    "{\"vertexes\":[{\"digest\":\"sha256:aaaa0000000000000000000000000000000000000000000000000000000000a1\",\"name\":\"[internal] load build definition from Dockerfile\",\"started\":\"2024-05-01T10:00:00.000Z\",\"completed\":\"2024-05-01T10:00:00.100Z\"}]}\n"
    "{\"vertexes\":[{\"digest\":\"sha256:bbbb0000000000000000000000000000000000000000000000000000000000b2\",\"name\":\"[1/3] FROM docker.io/library/alpine:3.19\",\"inputs\":[\"sha256:aaaa0000000000000000000000000000000000000000000000000000000000a1\"],\"cached\":true,\"started\":\"2024-05-01T10:00:00.100Z\",\"completed\":\"2024-05-01T10:00:00.100Z\"}]}\n"
    "{\"vertexes\":[{\"digest\":\"sha256:cccc0000000000000000000000000000000000000000000000000000000000c3\",\"name\":\"[2/3] ADD https://example.com/big.tar /big.tar\",\"inputs\":[\"sha256:bbbb0000000000000000000000000000000000000000000000000000000000b2\"],\"started\":\"2024-05-01T10:00:00.200Z\"}],\"statuses\":[{\"id\":\"big.tar\",\"vertex\":\"sha256:cccc0000000000000000000000000000000000000000000000000000000000c3\",\"name\":\"downloading\",\"current\":2000000,\"total\":4000000,\"timestamp\":\"2024-05-01T10:00:00.600Z\",\"started\":\"2024-05-01T10:00:00.200Z\"}]}\n"
    "{\"vertexes\":[{\"digest\":\"sha256:dddd0000000000000000000000000000000000000000000000000000000000d4\",\"name\":\"[3/3] RUN make\",\"inputs\":[\"sha256:bbbb0000000000000000000000000000000000000000000000000000000000b2\"],\"started\":\"2024-05-01T10:00:00.300Z\"}],\"logs\":[{\"vertex\":\"sha256:dddd0000000000000000000000000000000000000000000000000000000000d4\",\"stream\":1,\"data\":\"Y2MgLWMgbWFpbi5jCg==\",\"timestamp\":\"2024-05-01T10:00:00.400Z\"}]}\n"
    "{\"logs\":[{\"vertex\":\"sha256:dddd0000000000000000000000000000000000000000000000000000000000d4\",\"stream\":2,\"data\":\"bWFpbi5jOjM6IGVycm9yOiBleHBlY3RlZCAnOycKbWFrZTogKioqIFthbGxdIEVycm9yIDIK\",\"timestamp\":\"2024-05-01T10:00:01.200Z\"}]}\n"
    "{\"vertexes\":[{\"digest\":\"sha256:dddd0000000000000000000000000000000000000000000000000000000000d4\",\"name\":\"[3/3] RUN make\",\"inputs\":[\"sha256:bbbb0000000000000000000000000000000000000000000000000000000000b2\"],\"started\":\"2024-05-01T10:00:00.300Z\",\"completed\":\"2024-05-01T10:00:01.300Z\",\"error\":\"process \\\"/bin/sh -c make\\\" did not complete successfully: exit code: 2\"},{\"digest\":\"sha256:cccc0000000000000000000000000000000000000000000000000000000000c3\",\"name\":\"[2/3] ADD https://example.com/big.tar /big.tar\",\"inputs\":[\"sha256:bbbb0000000000000000000000000000000000000000000000000000000000b2\"],\"started\":\"2024-05-01T10:00:00.200Z\",\"completed\":\"2024-05-01T10:00:01.300Z\",\"error\":\"context canceled\"}]}\n";

static void must_have(const char *screen, const char *what)
{
    if (!strstr(screen, what))
        fail_msg("the screen lacks \"%s\":\n%s", what, screen);
}

/* The last frame: header, CACHED, CANCELED with its half-full byte bar,
 * ERROR, and the failed step's whole log after every step. */
static void test_rawjson_final_frame(void **state)
{
    char *s =ui_dump(json_path, "100x30", "END", NULL);
    must_have(s, "8 Build  Building 1.3s (4/4) ERROR");
    must_have(s, " => CACHED [1/3] FROM docker.io/library/alpine:3.19");
    must_have(s, " => CANCELED [2/3] ADD https://example.com/big.tar /big.tar");
    must_have(s, "[\xE2\x96\x88\xE2\x96\x88\xE2\x96\x88\xE2\x96\x88\xE2\x96\x88\xE2\x96\x88\xE2\x96\x88\xE2\x96\x88"
                 "\xE2\x96\x88\xE2\x96\x88\xE2\x94\x80"); /* [██████████─ : half of the bar */
    must_have(s, "2.00MB / 4.00MB");
    must_have(s, " => ERROR [3/3] RUN make");
    must_have(s, "replay ended 6/6");
    const char *err = strstr(s, " => ERROR"), *block = strstr(s, "------\n > [3/3] RUN make:\n");
    assert_non_null(block);
    assert_true(block > err); /* the log comes after the steps */
    must_have(block, "cc -c main.c\nmain.c:3: error: expected ';'\nmake: *** [all] Error 2\n------\n");
    free(s);
}

/* Mid-build: running steps show their log tail and no failed block yet. */
static void test_rawjson_running(void **state)
{
    char *s =ui_dump(json_path, "100x30", "4", NULL);
    must_have(s, "Building 0.6s (2/4)");
    must_have(s, " => [3/3] RUN make");
    must_have(s, " => => # cc -c main.c");
    assert_null(strstr(s, "------"));
    free(s);
}

/* Enter on a step shows its whole log in place, under the step; again
 * hides it. (At the end, logs are only in the failed block.) */
static void test_expand_a_step(void **state)
{
    char *s =ui_dump(json_path, "100x30", "END", "g j j j j Enter");
    const char *step = strstr(s, " => ERROR [3/3] RUN make ");
    assert_non_null(step);
    assert_ptr_equal(strstr(s, " => => # cc -c main.c\n"), strchr(step, '\n') + 1);
    must_have(s, " => => # make: *** [all] Error 2");
    free(s);
    s =ui_dump(json_path, "100x30", "END", "g j j j j Enter Enter");
    assert_null(strstr(s, " => => # cc -c main.c"));
    free(s);
}

/* The same build recorded by skview plays alike. */
static void test_recording_plays_alike(void **state)
{
    char *a =ui_dump(json_path, "100x30", "END", NULL), *b =ui_dump(rec_path, "100x30", "END", NULL);
    assert_string_equal(strchr(a, '\n'), strchr(b, '\n')); /* all but the file name */
    free(a);
    free(b);
}

/* Skaffold's control keys in a BuildKit replay: the session's one rule
 * (no Skaffold to ask: read-only), as in a Skaffold replay. */
static void test_control_keys_are_read_only(void **state)
{
    char *s = ui_dump(json_path, "100x30", "END", "b");
    must_have(s, "\n replay is read-only ");
    free(s);
}

/* Converts the rawjson into a recording with the reader and the writer. */
static void write_recording(void)
{
    char err[512];
    int fd = mkstemp(rec_path);
    assert_true(fd >= 0);
    close(fd);
    unlink(rec_path);
    recording_writer_t w;
    const char *note;
    assert_int_equal(recording_open_append(&w, rec_path, &note, err, sizeof err), 0);
    bk_reader_t *r = bk_reader_open(json_path, err, sizeof err);
    assert_non_null(r);
    const Moby__Buildkit__V1__StatusResponse *m;
    while (bk_reader_next(r, &m, err, sizeof err) == BK_READ_MSG)
        assert_int_equal(recording_write(&w, RECORD_BUILDKIT_STATUS, &m->base), 0);
    bk_reader_close(r);
    recording_close(&w);
}

static int setup(void **state)
{
    int fd = mkstemp(json_path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, rawjson, sizeof rawjson - 1), (ssize_t)(sizeof rawjson - 1));
    close(fd);
    write_recording();
    return 0;
}

static int teardown(void **state)
{
    unlink(json_path);
    unlink(rec_path);
    return 0;
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rawjson_final_frame),
        cmocka_unit_test(test_rawjson_running),
        cmocka_unit_test(test_expand_a_step),
        cmocka_unit_test(test_recording_plays_alike),
        cmocka_unit_test(test_control_keys_are_read_only),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
