/* The viewer's loop turns, frames and keys, timed (loopstat.h). */
#include "ui/loopstat.h"
#include <time.h>

/* The loop thread's CPU time. */
static uint64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void on_prepare(uv_prepare_t *p)
{
    loopstat_t *ls = p->data;
    uint64_t now = uv_hrtime(), idle = uv_metrics_idle_time(p->loop), cpu = thread_cpu_ns();
    if (ls->last_ns) {
        uint64_t waited = idle - ls->last_idle_ns, span = now - ls->last_ns;
        uint64_t busy = span > waited ? span - waited : 0;
        ls->turns++;
        if (busy > ls->turn_max_ns)
            ls->turn_max_ns = busy;
        if (cpu - ls->last_cpu_ns > ls->turn_cpu_max_ns)
            ls->turn_cpu_max_ns = cpu - ls->last_cpu_ns;
    }
    ls->last_ns = now;
    ls->last_idle_ns = idle;
    ls->last_cpu_ns = cpu;
}

int loopstat_start(loopstat_t *ls, uv_loop_t *loop)
{
    int rc = uv_loop_configure(loop, UV_METRICS_IDLE_TIME);
    if (rc < 0 || (rc = uv_prepare_init(loop, &ls->prep)) < 0)
        return rc;
    ls->prep.data = ls;
    ls->started = true;
    uv_unref((uv_handle_t *)&ls->prep);
    return uv_prepare_start(&ls->prep, on_prepare);
}

static void on_closed(uv_handle_t *h)
{
}

void loopstat_close(loopstat_t *ls)
{
    if (ls->started && !uv_is_closing((uv_handle_t *)&ls->prep))
        uv_close((uv_handle_t *)&ls->prep, on_closed);
}

uint64_t loopstat_since(uint64_t t0)
{
    return uv_hrtime() - t0;
}

/* How many of the ring's frames are within a second before now_ms (with
 * the one at now_ms, the newest). */
uint64_t loopstat_frame_ago(const loopstat_t *ls, unsigned k)
{
    if (k == 0 || k > ls->frames || k > LOOPSTAT_FPS_RING)
        return 0;
    return ls->frame_ms[(ls->frames - k) % LOOPSTAT_FPS_RING];
}

static unsigned frames_in_second(const loopstat_t *ls, uint64_t now_ms)
{
    unsigned n = 0;
    uint64_t t;
    while ((t = loopstat_frame_ago(ls, n + 1)) != 0 && now_ms - t < 1000)
        n++;
    return n;
}

void loopstat_frame(loopstat_t *ls, uint64_t now_ms, uint64_t ns)
{
    ls->frame_ms[ls->frames % LOOPSTAT_FPS_RING] = now_ms;
    ls->frames++;
    unsigned n = frames_in_second(ls, now_ms);
    if (n > ls->fps_max)
        ls->fps_max = n;
    ls->frame_sum_ns += ns;
    if (ns > ls->frame_max_ns)
        ls->frame_max_ns = ns;
}

void loopstat_key_read(loopstat_t *ls)
{
    if (!ls->key_read_ns) /* the first key that waits for a frame */
        ls->key_read_ns = uv_hrtime();
}

void loopstat_key_drawn(loopstat_t *ls)
{
    if (!ls->key_read_ns)
        return;
    uint64_t ns = loopstat_since(ls->key_read_ns);
    ls->key_read_ns = 0;
    ls->keys++;
    if (ns > ls->key_max_ns)
        ls->key_max_ns = ns;
}

static double ms(uint64_t ns)
{
    return (double)ns / 1e6;
}

void loopstat_print(const loopstat_t *ls, FILE *f)
{
    fprintf(f, "turns %llu turn_max_ms %.1f turn_cpu_max_ms %.1f frame_max_ms %.1f frame_avg_ms %.2f "
            "key_max_ms %.1f blocked %llu fps_max %u\n", (unsigned long long)ls->turns, ms(ls->turn_max_ns),
            ms(ls->turn_cpu_max_ns), ms(ls->frame_max_ns), ls->frames ? ms(ls->frame_sum_ns / ls->frames) : 0.0,
            ms(ls->key_max_ns), (unsigned long long)ls->blocked, ls->fps_max);
}
