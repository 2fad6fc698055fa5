/* The log ring's own speed, for tests/bench/bench_logs.sh: N application lines
 * (8 pods, about 90 bytes each) added to a ring of the default cap, as
 * whole messages and as messages cut in two; then a substring and a regex
 * filter over the held lines. Prints "name lines_per_second" lines and the
 * ring's logs_bytes. Built by the script against the layer libraries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "skaffold/logs.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static size_t line(char *buf, size_t cap, char *pod, size_t i)
{
    snprintf(pod, 32, "web-7d9f-%zu", i % 8);
    return (size_t)snprintf(buf, cap, "2026-11-29T12:00:00Z INFO request id=%zu path=/api/v1/items status=200 took=%zums\n",
                            i, i % 97);
}

/* Lines per second over the held lines for filter f. */
static double filter_rate(const logs_t *l, const log_filter_t *f)
{
    double t = now();
    size_t hits = 0;
    for (uint64_t s = logs_first(l); s <= logs_last(l); s++)
        hits += log_filter_match(f, logs_get(l, s));
    t = now() - t;
    return hits <= logs_count(l) ? (double)logs_count(l) / (t > 0 ? t : 1e-9) : 0;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    logs_t *l = logs_new(0);
    char buf[256], pod[32];
    double t0 = now();
    for (size_t i = 0; i < n; i++) {
        size_t len = line(buf, sizeof buf, pod, i);
        logs_add_app(l, (int64_t)i, pod, "web", "[web]", buf, len, 0, 1);
    }
    double t1 = now();
    for (size_t i = 0; i < n; i++) {
        size_t len = line(buf, sizeof buf, pod, i);
        logs_add_app(l, (int64_t)i, pod, "web", "[web]", buf, len / 2, 0, 1);
        logs_add_app(l, (int64_t)i, pod, "web", "[web]", buf + len / 2, len - len / 2, 0, 1);
    }
    double t2 = now();
    printf("whole %.0f\n", (double)n / (t1 - t0));
    printf("halves %.0f\n", (double)n / (t2 - t1));
    log_filter_t f;
    log_filter_init(&f);
    log_filter_set_text(&f, "ID=1999", false, NULL, 0);
    printf("substring %.0f\n", filter_rate(l, &f));
    log_filter_set_text(&f, "id=19+ ", true, NULL, 0);
    printf("regex %.0f\n", filter_rate(l, &f));
    printf("held %zu\nbytes %zu\n", logs_count(l), logs_bytes(l));
    log_filter_free(&f);
    logs_free(l);
    return 0;
}
