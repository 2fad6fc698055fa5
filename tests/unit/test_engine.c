/* The shared gRPC engine (src/transport/engine.h) against a unix socket nobody
 * listens on (in a fresh temporary folder): a refused call ends once with
 * UNAVAILABLE and never reports headers; the backoff follows its documented
 * schedule; a lost connection schedules a retry that eng_stop cancels; the
 * engine stops cleanly with and without calls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <grpc/status.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "google/protobuf/empty.pb-c.h"
#include "transport/engine.h"
#include "transport/rpc_int.h"

typedef struct probe {
    int md, msgs, ends, code;
    bool stopped, retried;
    int conns[8];
    uint64_t retry_ms;
    size_t n_conns;
} probe_t;

static char target[128], dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/skview-engine.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(target, sizeof target, "unix://%s/nobody.sock", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return rmdir(dir);
}

static void on_md(void *arg) { ((probe_t *)arg)->md++; }
static void on_msg(void *arg, const ProtobufCMessage *m, const uint8_t *wire, size_t len)
{
    ((probe_t *)arg)->msgs++;
}
static void on_end(void *arg, const eng_end_t *end)
{
    probe_t *p = arg;
    p->ends++;
    p->code = end->code;
}
static void on_stopped(void *arg) { ((probe_t *)arg)->stopped = true; }
static void on_retry(void *arg) { ((probe_t *)arg)->retried = true; }
static void on_conn(void *arg, live_conn_t conn, const char *detail, uint64_t retry_ms)
{
    probe_t *p = arg;
    if (p->n_conns < sizeof p->conns / sizeof p->conns[0])
        p->conns[p->n_conns++] = conn;
    p->retry_ms = retry_ms;
}

/* Stops e and runs the loop until everything is released. */
static void stop_and_free(uv_loop_t *loop, eng_t *e, probe_t *p)
{
    eng_stop(e, on_stopped, p);
    assert_int_equal(uv_run(loop, UV_RUN_DEFAULT), 0);
    assert_true(p->stopped);
    assert_int_equal(eng_conn(e), LIVE_STOPPED);
    eng_free(e);
}

static void refused_call_ends_unavailable(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    eng_t *e = eng_new(&loop, target, "test");
    assert_non_null(e);
    probe_t p = {0};
    Google__Protobuf__Empty empty = GOOGLE__PROTOBUF__EMPTY__INIT;
    eng_req_t req = {
        .method = RPC_METHOD_EVENTS, .request = &empty.base, .response = &google__protobuf__empty__descriptor,
        .on_md = on_md, .on_msg = on_msg, .on_end = on_end, .arg = &p,
    };
    assert_non_null(eng_call(e, &req));
    while (p.ends == 0)
        uv_run(&loop, UV_RUN_ONCE);
    assert_int_equal(p.ends, 1);
    assert_int_equal(p.code, GRPC_STATUS_UNAVAILABLE);
    assert_int_equal(p.md, 0);
    assert_int_equal(p.msgs, 0);
    stop_and_free(&loop, e, &p);
    assert_int_equal(p.ends, 1);
    assert_int_equal(uv_loop_close(&loop), 0);
}

static void backoff_follows_the_schedule(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    eng_t *e = eng_new(&loop, target, "test");
    double base = ENG_BACKOFF_INITIAL_MS;
    for (int i = 0; i < 16; i++) {
        double want = base < ENG_BACKOFF_MAX_MS ? base : ENG_BACKOFF_MAX_MS;
        uint64_t got = eng_backoff_next(e);
        if (got < want * (1 - ENG_BACKOFF_JITTER) - 1 || got > want * (1 + ENG_BACKOFF_JITTER) + 1)
            fail_msg("attempt %d: %llu ms, want %.0f +-%.0f%%", i, (unsigned long long)got, want,
                     ENG_BACKOFF_JITTER * 100);
        base *= ENG_BACKOFF_FACTOR;
    }
    probe_t p = {0};
    stop_and_free(&loop, e, &p);
    assert_int_equal(uv_loop_close(&loop), 0);
}

static void lost_schedules_a_retry_that_stop_cancels(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    eng_t *e = eng_new(&loop, target, "test");
    probe_t p = {0};
    eng_conn_watch(e, on_conn, on_retry, &p);
    eng_conn_set(e, LIVE_CONNECTING, NULL, 0);
    eng_conn_lost(e, "UNAVAILABLE: test");
    assert_int_equal(p.n_conns, 2);
    assert_int_equal(p.conns[0], LIVE_CONNECTING);
    assert_int_equal(p.conns[1], LIVE_RECONNECTING);
    assert_true(p.retry_ms >= ENG_BACKOFF_INITIAL_MS * (1 - ENG_BACKOFF_JITTER) - 1);
    assert_true(p.retry_ms <= ENG_BACKOFF_INITIAL_MS * (1 + ENG_BACKOFF_JITTER) + 1);
    stop_and_free(&loop, e, &p);
    assert_false(p.retried);
    assert_int_equal(uv_loop_close(&loop), 0);
}

static void status_text_names_the_code(void **state)
{
    (void)state;
    char *s = eng_status_text(GRPC_STATUS_UNAVAILABLE, "Socket closed");
    assert_string_equal(s, "UNAVAILABLE: Socket closed");
    free(s);
    s = eng_status_text(GRPC_STATUS_NOT_FOUND, "");
    assert_string_equal(s, "NOT_FOUND");
    free(s);
    s = eng_status_text(GRPC_STATUS_OK, "ignored");
    assert_string_equal(s, "");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refused_call_ends_unavailable),
        cmocka_unit_test(backoff_follows_the_schedule),
        cmocka_unit_test(lost_schedules_a_retry_that_stop_cancels),
        cmocka_unit_test(status_text_names_the_code),
    };
    return cmocka_run_group_tests_name("engine", tests, setup, teardown);
}
