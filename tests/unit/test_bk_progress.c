/* The BuildKit progress fold: log lines across chunk boundaries (mid-line,
 * mid-UTF-8, '\r'), counting as progressui counts, CACHED/ERROR/CANCELED,
 * warnings, intervals, bounds, and the tty-style text rendering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "buildkit/bk_plain.h"
#include "buildkit/bk_progress.h"
#include "bk_fixture.h"

#define NS(s) ((bk_time_t)((T0 + (s)) * 1000000000LL))

static int setup(void **state)
{
    arena_init(&fx_arena);
    *state = bk_progress_new(NULL);
    return 0;
}

static int teardown(void **state)
{
    bk_progress_free(*state);
    arena_free(&fx_arena);
    return 0;
}

/* Folds one vertex (started at 0, running) so logs have somewhere to go. */
static void start_vertex(bk_progress_t *p, const char *digest)
{
    Moby__Buildkit__V1__Vertex *v[] = {fx_vertex(digest, "[2/3] RUN make", 0, -1, 0, NULL)};
    bk_progress_fold(p, fx_resp(1, v, 0, NULL, 0, NULL));
}

static void feed(bk_progress_t *p, const char *digest, const char *bytes, size_t n)
{
    Moby__Buildkit__V1__VertexLog *l[] = {fx_log(digest, bytes, n)};
    bk_progress_fold(p, fx_resp(0, NULL, 0, NULL, 1, l));
}

#define FEED(p, s) feed(p, D1, s, sizeof(s) - 1)

/* Every line of D1's log joined with '|' (the partial line last). */
static char *lines_of(bk_progress_t *p)
{
    static char buf[4096];
    const bk_vertex_t *v = bk_progress_vertex(p, (size_t)bk_progress_find(p, D1));
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < bk_log_count(&v->log); i++) {
        size_t len;
        const char *s = bk_log_line(&v->log, i, &len);
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%.*s", i ? "|" : "", (int)len, s);
    }
    return buf;
}

static void test_log_split_mid_line(void **state)
{
    bk_progress_t *p = *state;
    start_vertex(p, D1);
    FEED(p, "go: downloading github.com/spf13/co");
    FEED(p, "bra v1.8.0\ngo: downl");
    assert_string_equal(lines_of(p), "go: downloading github.com/spf13/cobra v1.8.0|go: downl");
    FEED(p, "oading golang.org/x/sys v0.20.0\n");
    assert_string_equal(lines_of(p), "go: downloading github.com/spf13/cobra v1.8.0|go: downloading golang.org/x/sys v0.20.0");
    FEED(p, "\n");
    assert_int_equal(bk_log_count(&bk_progress_vertex(p, 0)->log), 3); /* an empty line is a line */
}

static void test_log_split_mid_utf8(void **state)
{
    bk_progress_t *p = *state;
    start_vertex(p, D1);
    /* "✓ built café" with ✓ (E2 9C 93) cut after its first byte and é (C3 A9)
     * after its first byte: each half alone is invalid UTF-8. */
    FEED(p, "\xE2");
    FEED(p, "\x9C\x93 built caf\xC3");
    FEED(p, "\xA9\n");
    assert_string_equal(lines_of(p), "\xE2\x9C\x93 built caf\xC3\xA9");
}

static void test_log_carriage_return(void **state)
{
    bk_progress_t *p = *state;
    start_vertex(p, D1);
    FEED(p, "Downloading  10%\rDownloading  60%\r");
    FEED(p, "Downloading 100%\n");
    FEED(p, "abcdef\rXY\n");          /* overwrites, keeps the rest */
    FEED(p, "done\r\n");              /* CRLF keeps the line */
    assert_string_equal(lines_of(p), "Downloading 100%|XYcdef|done");
}

static void test_log_carriage_return_utf8(void **state)
{
    bk_progress_t *p = *state;
    start_vertex(p, D1);
    FEED(p, "abc\r\xE2\x9C");       /* ✓ split across chunks, in overwrite mode */
    FEED(p, "\x93\n");
    FEED(p, "\xE2\x9C\x93xy\rZ\n");   /* one byte replaces a three-byte character */
    FEED(p, "\xC3\r\xA9\n");          /* cut by \r: not merged; the stray byte overwrites */
    assert_string_equal(lines_of(p), "\xE2\x9C\x93" "bc|Zxy|\xA9");
}

static void test_log_bounded(void **state)
{
    (void)state; /* a model with its own bounds; the fixture's stays unused */
    bk_progress_opts_t o = {.log_max = 40};
    bk_progress_t *p = bk_progress_new(&o);
    start_vertex(p, D1);
    for (int i = 0; i < 20; i++) {
        char line[32];
        int n = snprintf(line, sizeof line, "line %02d\n", i);
        feed(p, D1, line, (size_t)n);
    }
    const bk_vertex_t *v = bk_progress_vertex(p, 0);
    assert_int_equal(bk_log_count(&v->log), 5);   /* 5 x 7 bytes <= 40 */
    assert_int_equal(v->log.dropped, 15);
    size_t len;
    assert_string_equal(bk_log_line(&v->log, 4, &len), "line 19");
    bk_progress_free(p);
}

static void test_log_long_line_wraps(void **state)
{
    bk_progress_t *p = *state;
    start_vertex(p, D1);
    size_t n = BK_LINE_MAX + 10;
    char *big = malloc(n);
    memset(big, 'x', n);
    big[BK_LINE_MAX - 1] = '\xC3'; /* a sequence across the wrap point */
    big[BK_LINE_MAX] = '\xA9';
    feed(p, D1, big, n);
    const bk_vertex_t *v = bk_progress_vertex(p, 0);
    size_t len;
    assert_int_equal(bk_log_count(&v->log), 2);
    bk_log_line(&v->log, 0, &len);
    assert_int_equal(len, BK_LINE_MAX - 1);
    const char *second = bk_log_line(&v->log, 1, &len);
    assert_int_equal(len, 11);
    assert_memory_equal(second, "\xC3\xA9xxxxxxxxx", 11);
    free(big);
}

static void fold_build(bk_progress_t *p)
{
    Moby__Buildkit__V1__Vertex *v[] = {
        fx_vertex(D1, "[internal] load build definition from Dockerfile", 0, 0.04, 0, NULL),
        fx_vertex(D2, "[1/3] FROM docker.io/library/alpine:3.19", 0.1, 0.2, 1, NULL),
        fx_vertex(D3, "[2/3] RUN make", 0.2, 1.4, 0, "process \"/bin/sh -c make\" did not complete successfully: exit code: 2"),
        fx_vertex(D4, "[3/3] COPY --from=build /out /app", 0.2, 0.3, 0, "context canceled"),
    };
    Moby__Buildkit__V1__VertexStatus *s[] = {
        fx_status(D1, "transferring dockerfile:", 99, 0, 0, 0.01),
        fx_status(D2, "sha256:4abcf2066143", 1230000, 3410000, 0.1, -1),
    };
    bk_progress_fold(p, fx_resp(4, v, 2, s, 0, NULL));
    feed(p, D3, "cc -o app main.c\nmain.c:3: error: expected ';'\nmake: *** [app] Err", 66);
    feed(p, D3, "or 1\n", 5);
}

static void test_states(void **state)
{
    bk_progress_t *p = *state;
    fold_build(p);
    assert_int_equal(bk_vertex_state(bk_progress_vertex(p, 0)), BK_DONE);
    assert_int_equal(bk_vertex_state(bk_progress_vertex(p, 1)), BK_CACHED);
    assert_int_equal(bk_vertex_state(bk_progress_vertex(p, 2)), BK_ERROR);
    assert_int_equal(bk_vertex_state(bk_progress_vertex(p, 3)), BK_CANCELED);
    assert_ptr_equal(bk_progress_failed(p), bk_progress_vertex(p, 2));
    assert_true(bk_progress_done(p));
    assert_int_equal(bk_progress_elapsed_ns(p, NS(99)), 1400000000);
}

static void test_counts(void **state)
{
    bk_progress_t *p = *state;
    Moby__Buildkit__V1__Vertex *v[] = {
        fx_vertex(D1, "a", 0, 1, 0, NULL), fx_vertex(D2, "b", 0.5, -1, 0, NULL),
        fx_vertex(D3, "c", -1, -1, 0, NULL),
    };
    bk_progress_fold(p, fx_resp(3, v, 0, NULL, 0, NULL));
    unsigned done, total;
    bk_progress_counts(p, &done, &total);
    assert_int_equal(done, 1);
    assert_int_equal(total, 3);   /* the pending one counts in the total */
    assert_false(bk_progress_done(p));
    assert_int_equal(bk_progress_elapsed_ns(p, NS(2)), 2000000000);
    /* Two members of one progress group count once, as the group. */
    Pb__ProgressGroup g = PB__PROGRESS_GROUP__INIT;
    g.id = "pg1";
    g.name = "pushing layers";
    Moby__Buildkit__V1__Vertex *m[] = {fx_vertex(D4, "push 1", 1, 2, 0, NULL),
                                       fx_vertex("sha256:ff", "push 2", 1, 2, 0, NULL)};
    m[0]->progressgroup = m[1]->progressgroup = &g;
    bk_progress_fold(p, fx_resp(2, m, 0, NULL, 0, NULL));
    bk_progress_counts(p, &done, &total);
    assert_int_equal(total, 4);
    assert_int_equal(done, 2);
    /* A weak-only group is hidden: it does not count. */
    g.weak = 1;
    bk_progress_reset(p);
    bk_progress_fold(p, fx_resp(2, m, 0, NULL, 0, NULL));
    bk_progress_counts(p, &done, &total);
    assert_int_equal(total, 0);
}

static void test_intervals_and_duplicates(void **state)
{
    bk_progress_t *p = *state;
    Moby__Buildkit__V1__Vertex *a[] = {fx_vertex(D1, "[1/2] RUN x", 0, 1, 0, NULL)};
    Moby__Buildkit__V1__Vertex *b[] = {fx_vertex(D1, "[1/2] RUN x", 0.5, 2, 0, NULL)}; /* overlaps */
    Moby__Buildkit__V1__Vertex *c[] = {fx_vertex(D1, "[1/2] RUN x", 5, -1, 0, NULL)};  /* restart */
    Moby__Buildkit__V1__Vertex *dup[] = {fx_vertex(D1, "[1/2] RUN x", -1, -1, 0, NULL)};
    bk_progress_fold(p, fx_resp(1, a, 0, NULL, 0, NULL));
    bk_progress_fold(p, fx_resp(1, b, 0, NULL, 0, NULL));
    assert_int_equal(bk_vertex_duration_ns(bk_progress_vertex(p, 0), NS(9)), 2000000000);
    bk_progress_fold(p, fx_resp(1, c, 0, NULL, 0, NULL));
    bk_progress_fold(p, fx_resp(1, dup, 0, NULL, 0, NULL)); /* must not reset the start */
    const bk_vertex_t *v = bk_progress_vertex(p, 0);
    assert_int_equal(bk_vertex_state(v), BK_RUNNING);
    assert_int_equal(bk_vertex_duration_ns(v, NS(6)), 3000000000);
    assert_int_equal(bk_progress_count(p), 1);
}

/* BuildKit v0.8 (dockerd 20.10) merges status updates: the step is reported
 * started, then again as cached and completed with another start. */
static void test_merged_cached_update(void **state)
{
    bk_progress_t *p = *state;
    Moby__Buildkit__V1__Vertex *a[] = {fx_vertex(D1, "[1/3] FROM skview-bb:1", 1, -1, 0, NULL),
                                       fx_vertex(D2, "[2/3] RUN echo hi", 1, 1.5, 0, NULL)};
    Moby__Buildkit__V1__Vertex *b[] = {fx_vertex(D1, "[1/3] FROM skview-bb:1", 1.2, 1.21, 1, NULL)};
    bk_progress_fold(p, fx_resp(2, a, 0, NULL, 0, NULL));
    bk_progress_fold(p, fx_resp(1, b, 0, NULL, 0, NULL));
    const bk_vertex_t *v = bk_progress_vertex(p, 0);
    assert_int_equal(bk_vertex_state(v), BK_CACHED);
    assert_int_equal(bk_vertex_duration_ns(v, NS(11)), 10000000); /* not 10 s */
    unsigned done, total;
    bk_progress_counts(p, &done, &total);
    assert_int_equal(done, 2);
    assert_int_equal(total, 2);
    assert_true(bk_progress_done(p));
    strbuf_t out;
    sb_init(&out);
    bk_progress_render(p, 80, NS(11), BK_RENDER_FINAL, &out);
    assert_non_null(strstr(out.data, "(2/2) FINISHED\n"));
    assert_non_null(strstr(out.data, " => CACHED [1/3] FROM skview-bb:1"));
    sb_free(&out);
    /* A later start without a completion is a real restart. */
    Moby__Buildkit__V1__Vertex *c[] = {fx_vertex(D2, "[2/3] RUN echo hi", 3, -1, 0, NULL)};
    bk_progress_fold(p, fx_resp(1, c, 0, NULL, 0, NULL));
    assert_int_equal(bk_vertex_state(bk_progress_vertex(p, 1)), BK_RUNNING);
}

/* Plain mode on v0.8's stream: the context's load completed, then at once
 * again as cached; plain says CACHED as the tty display does, once. */
static void test_plain_merged_cached(void **state)
{
    bk_progress_t *p = *state;
    bk_plain_t *pl = bk_plain_new(0, p);
    Moby__Buildkit__V1__Vertex *msgs[][1] = {
        {fx_vertex(D1, "[internal] load remote build context", 1, -1, 0, NULL)},
        {fx_vertex(D1, "[internal] load remote build context", 1, 1.004, 0, NULL)},
        {fx_vertex(D1, "[internal] load remote build context", 1.005, 1.006, 1, NULL)},
        {fx_vertex(D2, "copy /context /", 1.01, 1.1, 0, NULL)},
    };
    strbuf_t out;
    sb_init(&out);
    for (size_t i = 0; i < 4; i++) {
        Moby__Buildkit__V1__StatusResponse *r = fx_resp(1, msgs[i], 0, NULL, 0, NULL);
        bk_progress_fold(p, r);
        bk_plain_feed(pl, r, &out);
    }
    bk_plain_finish(pl, &out);
    assert_string_equal(out.data, "#1 [internal] load remote build context\n#1 CACHED\n\n"
                                  "#2 copy /context /\n#2 DONE 0.1s\n");
    sb_free(&out);
    bk_plain_free(pl);
}

static void test_warnings(void **state)
{
    bk_progress_t *p = *state;
    start_vertex(p, D1);
    Moby__Buildkit__V1__VertexWarning w = MOBY__BUILDKIT__V1__VERTEX_WARNING__INIT;
    ProtobufCBinaryData detail = {5, (uint8_t *)"line1"};
    w.vertex = D1;
    w.level = 1;
    w.short_ = (ProtobufCBinaryData){40, (uint8_t *)"FromAsCasing: 'as' and 'FROM' do not mat"};
    w.n_detail = 1;
    w.detail = &detail;
    w.url = "https://docs.docker.com/go/dockerfile/rule/from-as-casing/";
    Moby__Buildkit__V1__VertexWarning *ws[] = {&w};
    Moby__Buildkit__V1__StatusResponse r = MOBY__BUILDKIT__V1__STATUS_RESPONSE__INIT;
    r.n_warnings = 1;
    r.warnings = ws;
    bk_progress_fold(p, &r);
    assert_int_equal(bk_progress_warning_count(p), 1);
    const bk_warning_t *got = bk_progress_warning(p, 0);
    assert_string_equal(got->short_, "FromAsCasing: 'as' and 'FROM' do not mat");
    assert_string_equal(got->detail[0], "line1");
    assert_int_equal(bk_progress_vertex(p, 0)->warnings, 1);
    strbuf_t out;
    sb_init(&out);
    bk_progress_render(p, 80, NS(1), 0, &out);
    assert_non_null(strstr(out.data, " => WARN: FromAsCasing: 'as' and 'FROM' do not mat\n"));
    sb_free(&out);
}

static void test_render_final(void **state)
{
    bk_progress_t *p = *state;
    fold_build(p);
    strbuf_t out;
    sb_init(&out);
    bk_progress_render(p, 80, NS(99), BK_RENDER_FINAL, &out);
    const char *want =
        "[+] Building 1.4s (4/4) FINISHED\n"
        " => [internal] load build definition from Dockerfile                        0.0s\n"
        " => => transferring dockerfile: 99B                                         0.0s\n"
        " => CACHED [1/3] FROM docker.io/library/alpine:3.19                         0.1s\n"
        " => => sha256:4abcf2066143 1.23MB / 3.41MB                                 98.9s\n"
        " => ERROR [2/3] RUN make                                                    1.2s\n"
        " => CANCELED [3/3] COPY --from=build /out /app                              0.1s\n"
        "------\n"
        " > [2/3] RUN make:\n"
        "cc -o app main.c\n"
        "main.c:3: error: expected ';'\n"
        "make: *** [app] Error 1\n"
        "------\n";
    assert_string_equal(out.data, want);
    sb_free(&out);
}

static void test_render_running_tail(void **state)
{
    bk_progress_t *p = *state;
    start_vertex(p, D1);
    for (int i = 1; i <= 8; i++) {
        char line[32];
        int n = snprintf(line, sizeof line, "step %d of 8\n", i);
        feed(p, D1, line, (size_t)n);
    }
    FEED(p, "partial \x1b[31mred");
    strbuf_t out;
    sb_init(&out);
    bk_progress_render(p, 60, NS(3.25), 0, &out);
    const char *want =
        "[+] Building 3.2s (0/1)\n"
        " => [2/3] RUN make                                      3.2s\n"
        " => => # step 4 of 8\n"
        " => => # step 5 of 8\n"
        " => => # step 6 of 8\n"
        " => => # step 7 of 8\n"
        " => => # step 8 of 8\n"
        " => => # partial \xE2\x90\x9B[31mred\n"; /* ESC shown, not acted on */
    assert_string_equal(out.data, want);
    sb_free(&out);
}

static void test_render_narrow(void **state)
{
    bk_progress_t *p = *state;
    Moby__Buildkit__V1__Vertex *v[] = {fx_vertex(D1, "[builder 4/4] RUN go build -o /out/app ./cmd/app", 0, 2, 0, NULL)};
    bk_progress_fold(p, fx_resp(1, v, 0, NULL, 0, NULL));
    strbuf_t out;
    sb_init(&out);
    bk_progress_render(p, 40, NS(3), 0, &out);
    assert_string_equal(out.data, "[+] Building 2.0s (1/1)\n"
                                  " => [builder 4/4] RUN go build -o\xE2\x80\xA6  2.0s\n");
    sb_reset(&out);
    bk_progress_render(p, 20, NS(3), 0, &out); /* too narrow: progressui drops the line */
    assert_string_equal(out.data, "[+] Building 2.0s (1/1)\n");
    sb_free(&out);
}

static void test_total_budget(void **state)
{
    (void)state;
    bk_progress_opts_t o = {.logs_total_max = 100, .tail_lines = 2};
    bk_progress_t *p = bk_progress_new(&o);
    Moby__Buildkit__V1__Vertex *v[] = {fx_vertex(D1, "ok", 0, 1, 0, NULL), fx_vertex(D2, "bad", 0, 1, 0, "exit code: 1")};
    bk_progress_fold(p, fx_resp(2, v, 0, NULL, 0, NULL));
    for (int i = 0; i < 10; i++) {
        feed(p, D2, "failing step output\n", 20);
        feed(p, D1, "successful output..\n", 20);
    }
    assert_true(bk_progress_vertex(p, 0)->log.whole_dropped);
    assert_int_equal(bk_log_count(&bk_progress_vertex(p, 0)->log), 2);
    assert_int_equal(bk_log_count(&bk_progress_vertex(p, 1)->log), 10); /* the failed log is kept */
    bk_progress_free(p);
}

/* Rows: a running vertex's tail, the whole log of an expanded vertex, a
 * progress group drawn once, a vertex not started yet not at all. */
static void test_rows(void **state)
{
    bk_progress_t *p = *state;
    Pb__ProgressGroup g = PB__PROGRESS_GROUP__INIT;
    g.id = "pg";
    g.name = "pushing";
    Moby__Buildkit__V1__Vertex *v[] = {
        fx_vertex(D1, "[1/2] RUN make", 0, -1, 0, NULL), fx_vertex(D2, "push a", 1, -1, 0, NULL),
        fx_vertex(D3, "push b", 1, -1, 0, NULL), fx_vertex(D4, "[2/2] later", -1, -1, 0, NULL),
    };
    v[1]->progressgroup = v[2]->progressgroup = &g;
    Moby__Buildkit__V1__VertexStatus *s[] = {fx_status(D1, "sha256:aa", 5, 10, 0, -1)};
    bk_progress_fold(p, fx_resp(4, v, 1, s, 0, NULL));
    for (int i = 0; i < 9; i++)
        FEED(p, "a line\n");
    bk_row_t *rows = NULL;
    size_t cap = 0, n = bk_progress_rows(p, 0, -1, &rows, &cap);
    assert_int_equal(n, 1 + 1 + 6 + 1); /* vertex, status, 6 tail lines, the group */
    assert_int_equal(rows[0].kind, BK_ROW_VERTEX);
    assert_int_equal(rows[1].kind, BK_ROW_STATUS);
    assert_int_equal(rows[2].kind, BK_ROW_LOG);
    assert_int_equal(rows[2].item, 3);  /* lines 3..8: the last six */
    assert_int_equal(rows[8].kind, BK_ROW_VERTEX);
    assert_int_equal(rows[8].vertex, 1);
    n = bk_progress_rows(p, 0, 0, &rows, &cap); /* expanded: all nine lines */
    assert_int_equal(n, 1 + 1 + 9 + 1);
    n = bk_progress_rows(p, BK_RENDER_FINAL, -1, &rows, &cap);
    assert_int_equal(n, 1 + 1 + 1);
    strbuf_t t;
    sb_init(&t);
    FEED(p, "x"); /* no-op for the group; its second member ran 1..3 */
    Moby__Buildkit__V1__Vertex *b2[] = {fx_vertex(D3, "push b", 1.5, 3, 0, NULL)};
    b2[0]->progressgroup = &g;
    bk_progress_fold(p, fx_resp(1, b2, 0, NULL, 0, NULL));
    bk_progress_row_text(p, &rows[2], 40, NS(2.5), 0, &t); /* the group's line: its name, the union */
    assert_string_equal(t.data, " => pushing                         2.0s\n");
    sb_free(&t);
    free(rows);
}

static void test_format_bytes(void **state)
{
    (void)state;
    strbuf_t b;
    sb_init(&b);
    bk_format_bytes(&b, 99);
    sb_addc(&b, ' ');
    bk_format_bytes(&b, 1234);
    sb_addc(&b, ' ');
    bk_format_bytes(&b, 45600000);
    sb_addc(&b, ' ');
    bk_format_bytes(&b, 3000000000LL);
    assert_string_equal(b.data, "99B 1.23kB 45.60MB 3.00GB");
    sb_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_log_split_mid_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_split_mid_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_carriage_return, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_carriage_return_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_long_line_wraps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_states, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_intervals_and_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merged_cached_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plain_merged_cached, setup, teardown),
        cmocka_unit_test_setup_teardown(test_warnings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_final, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_running_tail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_narrow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_total_budget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rows, setup, teardown),
        cmocka_unit_test(test_format_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
