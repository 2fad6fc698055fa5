/* The log ring: bounded and flat, seqs that survive drops, lines assembled
 * from messages cut anywhere, attribution, filters, find and tail_of. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/sgr.h"
#include "core/strbuf.h"
#include "skaffold/logs.h"

static void app(logs_t *l, const char *pod, const char *msg)
{
    logs_add_app(l, 0, pod, "main", "[main]", msg, strlen(msg), 0, 1);
}

static void sk(logs_t *l, const char *task_id, const char *subtask, int level, const char *msg)
{
    logs_add_skaffold(l, 0, task_id, subtask, level, msg, strlen(msg), 1);
}

/* Line i of the ring test: its length varies with i. */
static size_t ring_line(char *buf, size_t cap, size_t i)
{
    int n = snprintf(buf, cap, "line %zu %.*s\n", i, (int)(i % 37), "abcdefghijklmnopqrstuvwxyz0123456789#");
    return (size_t)n;
}

static void ring_keeps_newest_cap_lines_in_flat_memory(void **state)
{
    (void)state;
    const size_t cap = 1000, total = 10 * cap;
    logs_t *l = logs_new(cap);
    char buf[128];
    size_t max_len = 0, full_bytes = 0, peak = 0;
    for (size_t i = 1; i <= total; i++) {
        size_t n = ring_line(buf, sizeof buf, i);
        max_len = n > max_len ? n : max_len;
        logs_add_app(l, (int64_t)i, "pod-a", "main", "", buf, n, 0, 1);
        if (i == 2 * cap)
            full_bytes = logs_bytes(l);
        if (i > 2 * cap && logs_bytes(l) > peak)
            peak = logs_bytes(l);
    }
    assert_int_equal(logs_count(l), cap);
    assert_int_equal(logs_first(l), total - cap + 1);
    assert_int_equal(logs_last(l), total);
    assert_int_equal(logs_dropped(l), total - cap);
    assert_null(logs_get(l, logs_first(l) - 1));
    assert_null(logs_get(l, logs_last(l) + 1));
    for (uint64_t s = logs_first(l); s <= logs_last(l); s++) {
        const log_line_t *ln = logs_get(l, s);
        size_t n = ring_line(buf, sizeof buf, (size_t)s);
        assert_non_null(ln);
        assert_int_equal(ln->seq, s);
        assert_int_equal(ln->time_ns, (int64_t)s);
        assert_int_equal(ln->len, n - 1);
        assert_memory_equal(ln->text, buf, n - 1);
        assert_int_equal(ln->text[ln->len], '\0');
        assert_int_equal(ln->flags, 0);
    }
    /* Flat: after the first two turns memory no longer grows past a quarter
     * more; and it is within a few times what the held lines need. */
    size_t need = cap * (sizeof(log_line_t) + max_len + 1);
    assert_true(peak <= full_bytes + full_bytes / 4);
    assert_true(logs_bytes(l) <= 3 * need);
    logs_free(l);
}

static void default_cap_and_seqs_across_drops(void **state)
{
    (void)state;
    logs_t *l = logs_new(0);
    assert_true(logs_first(l) > logs_last(l));
    assert_int_equal(logs_count(l), 0);
    app(l, "p", "first\n");
    uint64_t held = logs_first(l);
    assert_int_equal(held, 1);
    for (size_t i = 0; i < LOGS_DEFAULT_CAP; i++)
        app(l, "p", "x\n");
    assert_int_equal(logs_count(l), LOGS_DEFAULT_CAP);
    assert_int_equal(logs_dropped(l), 1);
    assert_null(logs_get(l, held));                 /* the reader's position is gone */
    assert_int_equal(logs_first(l), held + 1);
    assert_int_equal(logs_last(l), LOGS_DEFAULT_CAP + 1);
    logs_free(l);
}

/* Splits text at "\n" as the ring should: each line without "\n" and one
 * trailing "\r"; a last piece without "\n" is a partial line. */
static size_t expected_lines(const char *text, char out[][64], bool *last_partial)
{
    size_t n = 0;
    const char *p = text;
    *last_partial = false;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len && p[len - 1] == '\r')       /* a partial line's too: "\n" may follow */
            len--;
        snprintf(out[n++], 64, "%.*s", (int)len, p);
        if (!nl) {
            *last_partial = true;
            break;
        }
        p = nl + 1;
    }
    return n;
}

static void assert_lines(const logs_t *l, const char *text)
{
    char want[16][64];
    bool partial;
    size_t n = expected_lines(text, want, &partial);
    assert_int_equal(logs_count(l), n);
    for (size_t i = 0; i < n; i++) {
        const log_line_t *ln = logs_get(l, logs_first(l) + i);
        assert_non_null(ln);
        assert_int_equal(ln->len, strlen(want[i]));
        assert_string_equal(ln->text, want[i]);
        assert_int_equal(ln->text[ln->len], '\0');
        assert_int_equal(!!(ln->flags & LOG_PARTIAL), partial && i == n - 1);
    }
}

static void lines_assemble_from_messages_cut_anywhere(void **state)
{
    (void)state;
    const char *texts[] = {
        "Building [web]...\nStep 1/3 : FROM golang\r\n\n---> abc\r\nStep 2/3 : RUN make\n",
        "no newline at all",
        "two\nthen part",
        "\r\n\r\nx\r",
        "a\rb\r\rc\r\n",                     /* only the "\r" before "\n" goes */
    };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        const char *text = texts[t];
        size_t n = strlen(text);
        for (size_t cut1 = 0; cut1 <= n; cut1++)
            for (size_t cut2 = cut1; cut2 <= n; cut2 += 3) {
                logs_t *l = logs_new(64);
                logs_add_skaffold(l, 0, "Build-1", "web", 1, text, cut1, 1);
                logs_add_skaffold(l, 0, "Build-1", "web", 1, text + cut1, cut2 - cut1, 1);
                logs_add_skaffold(l, 0, "Build-1", "web", 1, text + cut2, n - cut2, 1);
                assert_lines(l, text);
                logs_free(l);
            }
        /* One byte per message. */
        logs_t *l = logs_new(64);
        for (size_t i = 0; i < n; i++)
            logs_add_skaffold(l, 0, "Build-1", "web", 1, text + i, 1, 1);
        assert_lines(l, text);
        logs_free(l);
    }
}

/* ---- many origins, random cuts, against a plain model --------------------- */

#define MODEL_ORIGINS 5                  /* model_pods + model_subjects */
#define MODEL_LINES 4096

typedef struct model_line {
    size_t msg;                  /* the message that began it */
    int origin;
    strbuf_t text;
    bool done;
} model_line_t;

typedef struct model {
    model_line_t lines[MODEL_LINES];
    size_t n;
    int open[MODEL_ORIGINS];     /* index of the origin's partial line; -1 */
} model_t;

/* What the ring should hold after origin o sent msg: lines cut at "\n",
 * each without one "\r" before its "\n". */
static void model_add(model_t *m, size_t msg_no, int o, const char *msg, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (m->open[o] < 0) {
            assert_true(m->n < MODEL_LINES);
            model_line_t *ln = &m->lines[m->n];
            ln->msg = msg_no;
            ln->origin = o;
            ln->done = false;
            sb_init(&ln->text);
            sb_add(&ln->text, "", 0);
            m->open[o] = (int)m->n++;
        }
        model_line_t *ln = &m->lines[m->open[o]];
        if (msg[i] != '\n') {
            sb_addc(&ln->text, msg[i]);
            continue;
        }
        if (ln->text.len && ln->text.data[ln->text.len - 1] == '\r')
            ln->text.data[--ln->text.len] = '\0';
        ln->done = true;
        m->open[o] = -1;
    }
}

/* Origins 0..2 are pods, 3..4 the artifacts of one build. */
static const char *model_pods[] = {"web-1", "web-2", "db-0"}, *model_subjects[] = {"web", "api"};
#define MODEL_PODS (sizeof model_pods / sizeof model_pods[0])

static void origin_send(logs_t *l, int o, const char *msg, size_t len)
{
    if ((size_t)o < MODEL_PODS)
        logs_add_app(l, 0, model_pods[o], "main", "", msg, len, 0, 1);
    else
        logs_add_skaffold(l, 0, "Build-1", model_subjects[(size_t)o - MODEL_PODS], 1, msg, len, 1);
}

static void random_cuts_from_many_origins_match_a_plain_model(void **state)
{
    (void)state;
    static const char alphabet[] = "ab\n\r x";
    model_t *m = calloc(1, sizeof *m);
    for (int o = 0; o < MODEL_ORIGINS; o++)
        m->open[o] = -1;
    logs_t *l = logs_new(MODEL_LINES);
    uint32_t seed = 7;
    char msg[16];
    for (size_t k = 0; k < 3000; k++) {
        seed = seed * 1103515245u + 12345u;
        int o = (int)((seed >> 16) % MODEL_ORIGINS);
        size_t len = (seed >> 8) % sizeof msg;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            msg[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        if (len == 0)
            continue;                            /* an empty message starts nothing */
        origin_send(l, o, msg, len);
        model_add(m, k, o, msg, len);
    }
    assert_true(m->n < MODEL_LINES);
    assert_int_equal(logs_count(l), m->n);
    for (size_t i = 0; i < m->n; i++) {
        const log_line_t *ln = logs_get(l, logs_first(l) + i);
        model_line_t *want = &m->lines[i];
        size_t shown = want->text.len;
        if (!want->done && shown && want->text.data[shown - 1] == '\r')
            shown--;                             /* a partial line hides its last "\r" */
        assert_int_equal(ln->len, shown);
        assert_memory_equal(ln->text, want->text.data, shown);
        assert_int_equal(!(ln->flags & LOG_PARTIAL), want->done);
        size_t o = (size_t)want->origin;
        if (o < MODEL_PODS)
            assert_string_equal(ln->pod, model_pods[o]);
        else
            assert_string_equal(ln->subject, model_subjects[o - MODEL_PODS]);
        sb_free(&want->text);
    }
    logs_free(l);
    free(m);
}

static void partial_line_grows_in_place(void **state)
{
    (void)state;
    logs_t *l = logs_new(16);
    logs_add_app(l, 5, "web-1", "web", "[web]", "GET /health", 11, 3, 2);
    uint64_t seq = logs_last(l), gen = logs_generation(l);
    const log_line_t *ln = logs_get(l, seq);
    assert_true(ln->flags & LOG_PARTIAL);
    assert_string_equal(ln->text, "GET /health");
    logs_add_app(l, 9, "web-1", "web", "[web]", " 200\r", 5, 3, 2);
    assert_int_equal(logs_last(l), seq);
    assert_true(logs_generation(l) != gen);
    ln = logs_get(l, seq);
    assert_int_equal(ln->len, strlen("GET /health 200"));   /* the "\r" of a coming "\r\n" is not shown */
    assert_string_equal(ln->text, "GET /health 200");
    logs_add_app(l, 12, "web-1", "web", "[web]", "\n", 1, 3, 2);
    ln = logs_get(l, seq);
    assert_int_equal(logs_count(l), 1);
    assert_int_equal(ln->flags & LOG_PARTIAL, 0);
    assert_string_equal(ln->text, "GET /health 200");
    assert_int_equal(ln->time_ns, 5);                      /* of the message that began it */
    assert_string_equal(ln->pod, "web-1");
    assert_string_equal(ln->container, "web");
    assert_string_equal(ln->prefix, "[web]");
    assert_int_equal(ln->iteration, 3);
    assert_int_equal(ln->session, 2);
    assert_int_equal(ln->src, LOG_APP);
    assert_int_equal(ln->level, LOG_LEVEL_STANDARD);
    assert_string_equal(ln->task, "");
    logs_free(l);
}

static void interleaved_origins_do_not_mix(void **state)
{
    (void)state;
    const char *pods[] = {"web-1", "worker-1"};
    const char *first[] = {"web says ", "worker says "}, *second[] = {"hello\n", "goodbye\n"};
    logs_t *l = logs_new(16);
    for (int i = 0; i < 2; i++)
        app(l, pods[i], first[i]);
    for (int i = 0; i < 2; i++)
        app(l, pods[i], second[i]);
    assert_int_equal(logs_count(l), 2);
    for (int i = 0; i < 2; i++) {
        const log_line_t *ln = logs_get(l, logs_first(l) + (uint64_t)i);
        char want[64];
        snprintf(want, sizeof want, "%s%.*s", first[i], (int)strlen(second[i]) - 1, second[i]);
        assert_string_equal(ln->text, want);
        assert_string_equal(ln->pod, pods[i]);
        assert_int_equal(ln->flags, 0);
    }
    /* Skaffold origins: one task, two subtasks; and the same container
     * name in two pods. */
    sk(l, "Build-2", "web", 1, "web: step ");
    sk(l, "Build-2", "api", 1, "api: step ");
    sk(l, "Build-2", "web", 1, "one\n");
    sk(l, "Build-2", "api", 1, "two\n");
    uint64_t s = logs_last(l) - 1;
    assert_string_equal(logs_get(l, s)->text, "web: step one");
    assert_string_equal(logs_get(l, s)->subject, "web");
    assert_string_equal(logs_get(l, s + 1)->text, "api: step two");
    assert_string_equal(logs_get(l, s + 1)->subject, "api");
    logs_free(l);
}

static void skaffold_lines_are_attributed(void **state)
{
    (void)state;
    struct { const char *task_id, *subtask, *task, *subject; int iteration; } cases[] = {
        {"Build-3", "gcr.io/x/web", "Build", "gcr.io/x/web", 3 - 1},
        {"DevLoop-1", "-1", "DevLoop", "", 1 - 1},
        {"StatusCheck-12", "deployment/web", "StatusCheck", "deployment/web", 12 - 1},
        {"Deploy-2", "0", "Deploy", "0", 2 - 1},
        {"Cleanup", "", "Cleanup", "", -1},
        {"", "-1", "", "", -1},
        {"Odd-name-x", NULL, "Odd-name-x", "", -1},
    };
    logs_t *l = logs_new(16);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int level = (int)i % 8;
        logs_add_skaffold(l, (int64_t)i, cases[i].task_id, cases[i].subtask, level, "msg\n", 4, 7);
        const log_line_t *ln = logs_get(l, logs_last(l));
        assert_string_equal(ln->task, cases[i].task);
        assert_string_equal(ln->subject, cases[i].subject);
        assert_int_equal(ln->iteration, cases[i].iteration);
        assert_int_equal(ln->level, level);
        assert_int_equal(ln->session, 7);
        assert_int_equal(ln->src, LOG_SKAFFOLD);
        assert_string_equal(ln->pod, "");
        assert_string_equal(ln->prefix, "");
        assert_string_equal(ln->text, "msg");
    }
    logs_free(l);
}

static void names_are_interned_and_reclaimed(void **state)
{
    (void)state;
    const size_t cap = 500;
    logs_t *l = logs_new(cap);
    app(l, "web-1", "a\n");
    app(l, "web-1", "b\n");
    assert_ptr_equal(logs_get(l, 1)->pod, logs_get(l, 2)->pod);
    assert_ptr_equal(logs_get(l, 1)->prefix, logs_get(l, 2)->prefix);
    /* Every line from a new pod (a crash loop's fresh names): the names of
     * dropped lines go, so memory stays flat. */
    char pod[32];
    size_t at_two_turns = 0, peak = 0;
    for (size_t i = 0; i < 20 * cap; i++) {
        snprintf(pod, sizeof pod, "web-%zu-abcdef", i);
        app(l, pod, "GET /\n");
        if (i == 2 * cap)
            at_two_turns = logs_bytes(l);
        if (i > 2 * cap && logs_bytes(l) > peak)
            peak = logs_bytes(l);
    }
    assert_true(peak <= at_two_turns + at_two_turns / 4);
    logs_free(l);
}

static void long_lines_are_cut(void **state)
{
    (void)state;
    const size_t total = 2 * LOGS_MAX_LINE + 10, piece = 1000;
    char *text = malloc(total + 1);
    for (size_t i = 0; i < total; i++)
        text[i] = (char)('a' + i % 26);
    text[total] = '\n';
    /* In pieces without "\n": cut at LOGS_MAX_LINE, the rest partial. */
    logs_t *l = logs_new(16);
    app(l, "p", "");                              /* an empty message adds nothing */
    assert_int_equal(logs_count(l), 0);
    for (size_t at = 0; at < total; at += piece)
        logs_add_app(l, 0, "p", "c", "", text + at, at + piece > total ? total - at : piece, 0, 1);
    size_t lines = (total + LOGS_MAX_LINE - 1) / LOGS_MAX_LINE, off = 0;
    assert_int_equal(logs_count(l), lines);
    for (uint64_t s = logs_first(l); s <= logs_last(l); s++) {
        const log_line_t *ln = logs_get(l, s);
        size_t want = total - off < LOGS_MAX_LINE ? total - off : LOGS_MAX_LINE;
        assert_int_equal(ln->len, want);
        assert_memory_equal(ln->text, text + off, want);
        assert_int_equal(!!(ln->flags & LOG_PARTIAL), s == logs_last(l));
        off += want;
    }
    assert_int_equal(off, total);
    logs_free(l);
    /* In one message with its "\n": all complete. */
    l = logs_new(16);
    logs_add_app(l, 0, "p", "c", "", text, total + 1, 0, 1);
    assert_int_equal(logs_count(l), lines);
    assert_int_equal(logs_get(l, logs_last(l))->flags, 0);
    assert_int_equal(logs_get(l, logs_last(l))->len, total - (lines - 1) * LOGS_MAX_LINE);
    logs_free(l);
    free(text);
}

static void partial_origins_are_bounded(void **state)
{
    (void)state;
    const size_t pods = LOGS_MAX_PENDING + 10;
    logs_t *l = logs_new(1000);
    char pod[32];
    for (size_t i = 0; i < pods; i++) {
        snprintf(pod, sizeof pod, "pod-%zu", i);
        app(l, pod, "half");
    }
    size_t partial = 0;
    for (uint64_t s = logs_first(l); s <= logs_last(l); s++)
        partial += (logs_get(l, s)->flags & LOG_PARTIAL) != 0;
    assert_int_equal(partial, LOGS_MAX_PENDING);
    /* The oldest were finished: pod-0's next piece is a line of its own. */
    assert_int_equal(logs_get(l, 1)->flags, 0);
    assert_true(logs_get(l, logs_last(l))->flags & LOG_PARTIAL);
    app(l, "pod-0", "rest\n");
    assert_string_equal(logs_get(l, logs_last(l))->text, "rest");
    assert_string_equal(logs_get(l, 1)->text, "half");
    logs_free(l);
}

static void a_partial_line_dropped_by_the_ring(void **state)
{
    (void)state;
    const size_t cap = 8;
    logs_t *l = logs_new(cap);
    app(l, "slow", "begun ");
    for (size_t i = 0; i < 2 * cap; i++)
        app(l, "fast", "x\n");
    assert_null(logs_get(l, 1));
    assert_int_equal(logs_count(l), cap);
    app(l, "slow", "ended\n");
    const log_line_t *ln = logs_get(l, logs_last(l));
    assert_string_equal(ln->text, "ended");
    assert_string_equal(ln->pod, "slow");
    assert_int_equal(ln->flags, 0);
    logs_free(l);
}

static void clear_one_source_or_both(void **state)
{
    (void)state;
    logs_t *l = logs_new(64);
    size_t n_sk = 0;
    for (int i = 0; i < 10; i++) {
        if (i % 3 == 0) {
            sk(l, "Build-1", "web", 1, "built\n");
            n_sk++;
        } else {
            app(l, "web-1", "hi\n");
        }
    }
    app(l, "web-1", "partial");
    uint64_t last = logs_last(l);
    logs_clear(l, LOG_APP);
    assert_int_equal(logs_count(l), n_sk);
    size_t seen = 0;
    for (uint64_t s = logs_first(l); s <= logs_last(l); s++) {
        const log_line_t *ln = logs_get(l, s);
        if (!ln)
            continue;
        assert_int_equal(ln->src, LOG_SKAFFOLD);
        seen++;
    }
    assert_int_equal(seen, n_sk);
    /* The app's partial went too: its next piece starts a new line. */
    app(l, "web-1", "new\n");
    assert_int_equal(logs_last(l), last + 1);
    assert_string_equal(logs_get(l, last + 1)->text, "new");
    logs_clear(l, -1);
    assert_int_equal(logs_count(l), 0);
    assert_true(logs_first(l) > logs_last(l));
    app(l, "web-1", "after\n");
    assert_int_equal(logs_first(l), last + 2);            /* seqs are never reused */
    assert_int_equal(logs_count(l), 1);
    logs_free(l);
}

/* ---- filters ---------------------------------------------------------------- */

typedef struct sample {
    logs_t *l;
    uint64_t build_web, build_api, deploy, warn, trace, app_web, app_db, colour, iter2;
} sample_t;

static int sample_setup(void **state)
{
    sample_t *s = calloc(1, sizeof *s);
    s->l = logs_new(64);
    logs_t *l = s->l;
    sk(l, "Build-1", "web", 1, "Step 1/2 : FROM golang\n");  s->build_web = logs_last(l);
    sk(l, "Build-1", "api", 0, "cache miss\n");              s->build_api = logs_last(l);
    sk(l, "Deploy-1", "0", 7, "deployment.apps/web created\n"); s->deploy = logs_last(l);
    sk(l, "StatusCheck-1", "deployment/web", 2, "Waiting for rollout\n"); s->warn = logs_last(l);
    sk(l, "Build-1", "web", 6, "trace detail\n");            s->trace = logs_last(l);
    logs_add_app(l, 0, "web-1", "web", "[web]", "GET / 200\n", 10, 0, 1);   s->app_web = logs_last(l);
    logs_add_app(l, 0, "db-0", "postgres", "[db]", "ready\n", 6, 0, 1);     s->app_db = logs_last(l);
    const char *col = "\x1b[31mERR\x1b[0mOR: main.go:12: undefined: foo\n";
    sk(l, "Build-1", "web", 3, col);                         s->colour = logs_last(l);
    sk(l, "Build-2", "web", 1, "second build\n");            s->iter2 = logs_last(l);
    *state = s;
    return 0;
}

static int sample_teardown(void **state)
{
    sample_t *s = *state;
    logs_free(s->l);
    free(s);
    return 0;
}

/* The seqs that pass f, in order, as a 0-terminated list compared to want. */
static void assert_passing(const sample_t *s, const log_filter_t *f, const uint64_t *want)
{
    size_t k = 0;
    for (uint64_t q = logs_first(s->l); q <= logs_last(s->l); q++)
        if (log_filter_match(f, logs_get(s->l, q))) {
            assert_int_equal(q, want[k]);
            k++;
        }
    assert_int_equal(want[k], 0);
}

static void filter_sources_levels_iterations(void **state)
{
    sample_t *s = *state;
    log_filter_t f;
    log_filter_init(&f);
    uint64_t all[] = {s->build_web, s->build_api, s->deploy, s->warn, s->trace, s->app_web, s->app_db,
                      s->colour, s->iter2, 0};
    assert_passing(s, &f, all);
    f.sources = 1u << LOG_APP;
    assert_passing(s, &f, (uint64_t[]){s->app_web, s->app_db, 0});
    f.sources = 1u << LOG_SKAFFOLD;
    f.min_level = 2;                              /* WARN and up */
    assert_passing(s, &f, (uint64_t[]){s->warn, s->colour, 0});
    f.min_level = 1;                              /* INFO: STANDARD counts as INFO */
    assert_passing(s, &f, (uint64_t[]){s->build_web, s->deploy, s->warn, s->colour, s->iter2, 0});
    f.min_level = 0;                              /* DEBUG: all but TRACE */
    f.sources = 0;
    assert_passing(s, &f, (uint64_t[]){s->build_web, s->build_api, s->deploy, s->warn, s->app_web,
                                        s->app_db, s->colour, s->iter2, 0});
    f.min_level = 6;                              /* TRACE is lowest: everything */
    assert_passing(s, &f, all);
    f.min_level = 5;                              /* PANIC: no line (the app's say none: INFO) */
    assert_passing(s, &f, (uint64_t[]){0});
    f.min_level = -1;
    f.iteration = 1;                              /* "Build-2" */
    assert_passing(s, &f, (uint64_t[]){s->iter2, 0});
    log_filter_free(&f);
}

static void filter_solo_and_mute_keys(void **state)
{
    sample_t *s = *state;
    log_filter_t f;
    log_filter_init(&f);
    assert_int_equal(log_filter_solo(&f, LOG_KEY_SUBJECT, "web"), 0);
    assert_passing(s, &f, (uint64_t[]){s->build_web, s->trace, s->colour, s->iter2, 0});
    assert_int_equal(log_filter_solo(&f, LOG_KEY_CONTAINER, "postgres"), 0);
    assert_passing(s, &f, (uint64_t[]){s->build_web, s->trace, s->app_db, s->colour, s->iter2, 0});
    assert_int_equal(log_filter_mute(&f, LOG_KEY_TASK, "Build"), 0);
    assert_passing(s, &f, (uint64_t[]){s->app_db, 0});
    /* Toggling removes. */
    assert_int_equal(log_filter_mute(&f, LOG_KEY_TASK, "Build"), 0);
    assert_int_equal(log_filter_solo(&f, LOG_KEY_SUBJECT, "web"), 0);
    assert_int_equal(f.n_solo, 1);
    assert_passing(s, &f, (uint64_t[]){s->app_db, 0});
    assert_int_equal(log_filter_solo(&f, LOG_KEY_CONTAINER, "postgres"), 0);
    assert_int_equal(log_filter_mute(&f, LOG_KEY_POD, "web-1"), 0);
    assert_passing(s, &f, (uint64_t[]){s->build_web, s->build_api, s->deploy, s->warn, s->trace,
                                        s->app_db, s->colour, s->iter2, 0});
    /* Full: -1, and the filter keeps what it had. */
    char v[16];
    for (int i = 0; (size_t)i < LOG_FILTER_MAX_KEYS; i++) {
        snprintf(v, sizeof v, "k%d", i);
        assert_int_equal(log_filter_solo(&f, LOG_KEY_POD, v), 0);
    }
    assert_int_equal(log_filter_solo(&f, LOG_KEY_POD, "one-more"), -1);
    assert_int_equal(f.n_solo, LOG_FILTER_MAX_KEYS);
    log_filter_free(&f);
}

static void filter_text_ignores_case_and_colour(void **state)
{
    sample_t *s = *state;
    log_filter_t f;
    log_filter_init(&f);
    char err[128];
    assert_int_equal(log_filter_set_text(&f, "error: MAIN", false, err, sizeof err), 0);
    assert_passing(s, &f, (uint64_t[]){s->colour, 0});
    assert_int_equal(log_filter_set_text(&f, "31m", false, err, sizeof err), 0);
    assert_passing(s, &f, (uint64_t[]){0});      /* the sequence itself is not text */
    assert_int_equal(log_filter_set_text(&f, "^(get|step) [0-9/]+", true, err, sizeof err), 0);
    assert_true(f.regex);
    assert_passing(s, &f, (uint64_t[]){s->build_web, s->app_web, 0});
    /* A bad regex: -1, the compiler's message, the filter unchanged. */
    err[0] = '\0';
    assert_int_equal(log_filter_set_text(&f, "(unclosed", true, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
    assert_string_equal(f.text, "^(get|step) [0-9/]+");
    assert_passing(s, &f, (uint64_t[]){s->build_web, s->app_web, 0});
    assert_int_equal(log_filter_set_text(&f, NULL, false, NULL, 0), 0);
    assert_null(f.text);
    assert_int_equal(log_filter_spans(&f, logs_get(s->l, s->colour), (size_t[4][2]){{0}}, 4), 0);
    log_filter_free(&f);
}

/* Whether raw[k] is a byte of an ESC [ ... m sequence. */
static bool in_sequence(const char *raw, size_t k)
{
    for (const char *p = raw; (p = strchr(p, '\x1b')) != NULL; p++) {
        const char *m = strchr(p, 'm');
        if (m && raw + k >= p && raw + k <= m)
            return true;
    }
    return false;
}

static void spans_are_raw_offsets_around_sequences(void **state)
{
    sample_t *s = *state;
    const log_line_t *ln = logs_get(s->l, s->colour);
    const char *raw = ln->text;
    log_filter_t f;
    log_filter_init(&f);
    size_t sp[8][2];
    /* "error" spans "ERR" ESC[0m "OR": from E to after R, the reset inside. */
    assert_int_equal(log_filter_set_text(&f, "error", false, NULL, 0), 0);
    assert_int_equal(log_filter_spans(&f, ln, sp, 8), 1);
    const char *e = strstr(raw, "ERR"), *or = strstr(raw, "OR:");
    assert_int_equal(sp[0][0], (size_t)(e - raw));
    assert_int_equal(sp[0][1], (size_t)(or + 2 - raw));
    /* Every match, each mapped past the sequences before it: "O" of ERROR,
     * "main.go" and the o's after it (POSIX: leftmost, then longest). */
    assert_int_equal(log_filter_set_text(&f, "[a-z]+\\.go|o", true, NULL, 0), 0);
    size_t n = log_filter_spans(&f, ln, sp, 8);
    strbuf_t plain;
    sb_init(&plain);
    sgr_strip(&plain, raw, ln->len);
    const char *go = strstr(plain.data, "main.go");
    size_t want = 1;                             /* main.go */
    for (const char *p = plain.data; *p; p++)
        want += (*p == 'o' || *p == 'O') && !(p >= go && p < go + strlen("main.go"));
    assert_int_equal(n, want);
    bool saw_go = false;
    for (size_t i = 0; i < n; i++) {
        assert_true(sp[i][0] < sp[i][1] && sp[i][1] <= ln->len);
        assert_false(in_sequence(raw, sp[i][0]));
        assert_false(in_sequence(raw, sp[i][1] - 1));
        if (i)
            assert_true(sp[i][0] >= sp[i - 1][1]);
        saw_go |= sp[i][1] - sp[i][0] == strlen("main.go") && !memcmp(raw + sp[i][0], "main.go", strlen("main.go"));
    }
    assert_true(saw_go);
    /* max bounds the output. */
    assert_int_equal(log_filter_spans(&f, ln, sp, 1), 1);
    sb_free(&plain);
    log_filter_free(&f);
}

static void find_backward_and_forward(void **state)
{
    sample_t *s = *state;
    log_filter_t f;
    log_filter_init(&f);
    log_filter_solo(&f, LOG_KEY_SUBJECT, "web");
    uint64_t last = logs_last(s->l), first = logs_first(s->l);
    assert_int_equal(logs_find(s->l, &f, last, false), s->iter2);
    assert_int_equal(logs_find(s->l, &f, s->iter2 - 1, false), s->colour);
    assert_int_equal(logs_find(s->l, &f, s->colour - 1, false), s->trace);
    assert_int_equal(logs_find(s->l, &f, s->trace - 1, false), s->build_web);
    assert_int_equal(s->build_web, first);
    assert_int_equal(logs_find(s->l, &f, first - 1, false), 0);          /* before the first */
    assert_int_equal(logs_find(s->l, &f, first, true), s->build_web);
    assert_int_equal(logs_find(s->l, &f, s->build_web + 1, true), s->trace);
    assert_int_equal(logs_find(s->l, &f, last + 100, false), s->iter2);   /* clamped */
    assert_int_equal(logs_find(s->l, &f, last + 1, true), 0);
    log_filter_set_text(&f, "no such text", false, NULL, 0);
    assert_int_equal(logs_find(s->l, &f, last, false), 0);
    assert_int_equal(logs_find(s->l, &f, first, true), 0);
    log_filter_free(&f);
}

static void tail_of_one_build(void **state)
{
    (void)state;
    const size_t n_lines = 12, want = 5;
    logs_t *l = logs_new(128);
    char msg[32];
    for (size_t i = 0; i < n_lines; i++) {
        snprintf(msg, sizeof msg, "web %zu\n", i);
        sk(l, "Build-2", "web", 1, msg);
        sk(l, "Build-2", "api", 1, "api line\n");       /* other artifact */
        sk(l, "Build-1", "web", 1, "older loop\n");     /* other iteration */
        app(l, "web-1", "app line\n");
    }
    const log_line_t *out[16];
    size_t got = logs_tail_of(l, "Build", "web", 1, 1, out, want);
    assert_int_equal(got, want);
    for (size_t i = 0; i < got; i++) {
        snprintf(msg, sizeof msg, "web %zu", n_lines - want + i);
        assert_string_equal(out[i]->text, msg);
        assert_string_equal(out[i]->task, "Build");
    }
    assert_int_equal(logs_tail_of(l, "Build", "web", 1, 1, out, 16), n_lines);
    assert_int_equal(logs_tail_of(l, "Build", "web", 1, 2, out, 16), 0);    /* other session */
    assert_int_equal(logs_tail_of(l, "Build", "nope", 1, 1, out, 16), 0);
    assert_int_equal(logs_tail_of(l, "Deploy", "web", 1, 1, out, 16), 0);
    /* A later session: lines of the earlier one stop the scan, not mix in. */
    logs_add_skaffold(l, 0, "Build-2", "web", 1, "new session\n", 12, 2);
    assert_int_equal(logs_tail_of(l, "Build", "web", 1, 2, out, 16), 1);
    assert_string_equal(out[0]->text, "new session");
    logs_free(l);
}

/* A pod's workload: without the generated suffixes a rollout changes. */
static void workload_of_a_pod_name(void **state)
{
    (void)state;
    static const struct { const char *pod, *workload; } cases[] = {
        {"leeroy-app-7f5d8c6b9-kq2vn", "leeroy-app"},   /* a deployment's pod */
        {"frontend-2f0a9c1e-1a2b3", "frontend"},        /* skview-sim's names */
        {"fluentd-x2x4z", "fluentd"},                   /* a daemonset's */
        {"my-backend-bcdfg", "my-backend"},             /* no vowel: generated */
        {"my-backend-abcde", "my-backend-abcde"},       /* a word, not a suffix */
        {"web-0", "web-0"},                             /* a statefulset's: stable */
        {"db", "db"},
        {"-x2x4z", "-x2x4z"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = logs_workload_len(cases[i].pod);
        assert_int_equal(n, strlen(cases[i].workload));
        assert_memory_equal(cases[i].pod, cases[i].workload, n);
    }
}

/* Solo and mute a workload's container: the pods of every rollout. */
static void workload_keys_follow_rollouts(void **state)
{
    (void)state;
    logs_t *l = logs_new(64);
    static const char *const pods[] = {"web-7f5d8c6b9-kq2vn", "web-7f5d8c6b9-zz9x8", "web-5c4b7d9f8-m2n3p",
                                       "webhook-6d7c8b9f5-q2w3e"};
    for (size_t i = 0; i < 4; i++) {
        logs_add_app(l, 0, pods[i], "app", "", "a line\n", 7, 0, 1);
        logs_add_app(l, 0, pods[i], "proxy", "", "a proxy line\n", 13, 0, 1);
    }
    sk(l, "Deploy-1", "deployment/web", 1, "deployed\n");
    log_filter_t f;
    log_filter_init(&f);
    assert_int_equal(log_filter_solo(&f, LOG_KEY_WORKLOAD, "web/app"), 0);
    size_t n = 0, pods_seen = 0;
    for (uint64_t q = logs_first(l); q <= logs_last(l); q++) {
        const log_line_t *ln = logs_get(l, q);
        if (log_filter_match(&f, ln)) {
            n++;
            assert_string_equal(ln->container, "app");
            pods_seen |= 1u << (q - logs_first(l)) / 2;
        }
    }
    assert_int_equal(n, 3);                  /* the three pods of two rollouts, not webhook's */
    assert_int_equal(pods_seen, 7);
    log_filter_solo(&f, LOG_KEY_WORKLOAD, "web/app");   /* toggled off */
    assert_int_equal(log_filter_mute(&f, LOG_KEY_WORKLOAD, "web"), 0);
    n = 0;
    for (uint64_t q = logs_first(l); q <= logs_last(l); q++)
        n += log_filter_match(&f, logs_get(l, q));
    assert_int_equal(n, 3);                  /* webhook's two lines and Skaffold's */
    log_filter_free(&f);
    logs_free(l);
}

/* The level an application's line says it has. */
static void text_levels(void **state)
{
    (void)state;
    static const struct { const char *text; int level; } cases[] = {
        {"level=info msg=\"request\" method=GET", 1},
        {"time=2024-01-02T10:00:00Z level=WARN msg=slow", 2},
        {"ts=1 lvl=error caller=main.go:10", 3},
        {"{\"time\":\"2024\",\"level\":\"error\",\"msg\":\"x\"}", 3},
        {"{\"severity\": \"DEBUG\", \"message\": \"x\"}", 0},
        {"W1207 10:00:00.123456       1 reflector.go:424] watch ended", 2},
        {"E1207 10:00:00.123456       1 main.go:1] failed", 3},
        {"I1207 10:00:00.123456       1 main.go:1] ok", 1},
        {"\033[33mWARN\033[0m GET /api/v1/items/7 200 (slow)", 2},
        {"[ERROR] connection refused", 3},
        {"2024/01/02 10:00:00 INFO listening", 1},
        {"2024-01-02T10:00:00.123Z TRACE enter", 6},
        {"panic: runtime error: index out of range", 5},
        {"FATAL: cannot start", 4},
        {"GET /api/items 200 3.1ms", LOG_LEVEL_STANDARD},
        {"Error handling is hard", LOG_LEVEL_STANDARD},    /* a word, not a marker */
        {"clevel=error", LOG_LEVEL_STANDARD},              /* not a key */
        {"level=loud", LOG_LEVEL_STANDARD},
        {"INFORMATION", LOG_LEVEL_STANDARD},
        {"Istanbul", LOG_LEVEL_STANDARD},
        {"", LOG_LEVEL_STANDARD},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = logs_text_level(cases[i].text, strlen(cases[i].text));
        if (got != cases[i].level)
            fail_msg("\"%s\": level %d, want %d", cases[i].text, got, cases[i].level);
    }
}

/* The level filter applies to the application's lines by what they say. */
static void level_filter_on_application_lines(void **state)
{
    (void)state;
    logs_t *l = logs_new(16);
    logs_add_app(l, 0, "api-0", "api", "", "level=info msg=a\n", 17, 0, 1);
    logs_add_app(l, 0, "api-0", "api", "", "level=error msg=b\n", 18, 0, 1);
    logs_add_app(l, 0, "api-0", "api", "", "plain\n", 6, 0, 1);
    logs_add_app(l, 0, "api-0", "api", "", "lev", 3, 0, 1);          /* partial: grows */
    assert_int_equal(logs_get(l, logs_last(l))->level, LOG_LEVEL_STANDARD);
    logs_add_app(l, 0, "api-0", "api", "", "el=warn\n", 8, 0, 1);
    assert_int_equal(logs_get(l, logs_last(l))->level, 2);
    log_filter_t f;
    log_filter_init(&f);
    f.min_level = 3;                                                 /* ERROR and up */
    size_t n = 0;
    for (uint64_t q = logs_first(l); q <= logs_last(l); q++)
        if (log_filter_match(&f, logs_get(l, q))) {
            assert_string_equal(logs_get(l, q)->text, "level=error msg=b");
            n++;
        }
    assert_int_equal(n, 1);
    f.min_level = 2;
    assert_int_equal(logs_find(l, &f, logs_last(l), false), logs_last(l));
    log_filter_free(&f);
    logs_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ring_keeps_newest_cap_lines_in_flat_memory),
        cmocka_unit_test(default_cap_and_seqs_across_drops),
        cmocka_unit_test(lines_assemble_from_messages_cut_anywhere),
        cmocka_unit_test(random_cuts_from_many_origins_match_a_plain_model),
        cmocka_unit_test(partial_line_grows_in_place),
        cmocka_unit_test(interleaved_origins_do_not_mix),
        cmocka_unit_test(skaffold_lines_are_attributed),
        cmocka_unit_test(names_are_interned_and_reclaimed),
        cmocka_unit_test(long_lines_are_cut),
        cmocka_unit_test(partial_origins_are_bounded),
        cmocka_unit_test(a_partial_line_dropped_by_the_ring),
        cmocka_unit_test(clear_one_source_or_both),
        cmocka_unit_test_setup_teardown(filter_sources_levels_iterations, sample_setup, sample_teardown),
        cmocka_unit_test_setup_teardown(filter_solo_and_mute_keys, sample_setup, sample_teardown),
        cmocka_unit_test_setup_teardown(filter_text_ignores_case_and_colour, sample_setup, sample_teardown),
        cmocka_unit_test_setup_teardown(spans_are_raw_offsets_around_sequences, sample_setup, sample_teardown),
        cmocka_unit_test_setup_teardown(find_backward_and_forward, sample_setup, sample_teardown),
        cmocka_unit_test(tail_of_one_build),
        cmocka_unit_test(workload_of_a_pod_name),
        cmocka_unit_test(workload_keys_follow_rollouts),
        cmocka_unit_test(text_levels),
        cmocka_unit_test(level_filter_on_application_lines),
    };
    return cmocka_run_group_tests_name("logs", tests, NULL, NULL);
}
