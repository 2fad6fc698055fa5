/* The replay pacer; see pacer.h. */
#include <stdio.h>
#include "core/pbjson.h"
#include "sources/pacer.h"

static const double speeds[] = {0.5, 1, 2, 4, 8, 16, 32, 64, 0};
#define N_SPEEDS (sizeof speeds / sizeof speeds[0])

int pacer_init(pacer_t *p, uv_loop_t *loop, double speed, bool paused, pacer_tick_cb tick, void *data)
{
    p->tick = tick;
    p->last_ns = 0;
    p->paused = paused;
    p->speed_i = 1;
    for (size_t i = 0; i < N_SPEEDS; i++)
        if (speeds[i] == speed)
            p->speed_i = i;
    int rc = uv_timer_init(loop, &p->timer);
    p->timer.data = data;
    return rc;
}

void pacer_close(pacer_t *p, uv_close_cb closed)
{
    uv_close((uv_handle_t *)&p->timer, closed);
}

void *pacer_data(const pacer_t *p)
{
    return p->timer.data;
}

int64_t pacer_ts_ns(const Google__Protobuf__Timestamp *t)
{
    return t ? pbjson_time_ns(t->seconds, t->nanos) : 0;
}

uint64_t pacer_delay_ms(double speed, int64_t last_ns, int64_t next_ns)
{
    if (speed <= 0 || !last_ns || !next_ns || next_ns <= last_ns)
        return 0;
    /* In double: the difference of two int64 can overflow. */
    double ms = ((double)next_ns - (double)last_ns) / 1e6 / speed;
    return ms > PACER_MAX_GAP_MS ? PACER_MAX_GAP_MS : (uint64_t)ms;
}

/* The timer's callback finds the pacer by its handle: the timer is the
 * first member. */
static void on_timer(uv_timer_t *t)
{
    pacer_t *p = (pacer_t *)t;
    p->tick(p);
}

int pacer_arm(pacer_t *p, int64_t next_ns)
{
    uv_timer_stop(&p->timer); /* always 0 */
    if (p->paused)
        return 0;
    return uv_timer_start(&p->timer, on_timer, pacer_delay_ms(speeds[p->speed_i], p->last_ns, next_ns), 0);
}

void pacer_stop(pacer_t *p)
{
    uv_timer_stop(&p->timer);
}

void pacer_delivered(pacer_t *p, int64_t t_ns)
{
    if (t_ns)
        p->last_ns = t_ns;
}

void pacer_rewind(pacer_t *p)
{
    p->last_ns = 0;
}

void pacer_set_paused(pacer_t *p, bool paused)
{
    p->paused = paused;
    if (paused)
        uv_timer_stop(&p->timer);
}

bool pacer_paused(const pacer_t *p) { return p->paused; }
double pacer_speed(const pacer_t *p) { return speeds[p->speed_i]; }
bool pacer_at_max(const pacer_t *p) { return speeds[p->speed_i] == 0; }

void pacer_faster(pacer_t *p)
{
    if (p->speed_i + 1 < N_SPEEDS)
        p->speed_i++;
}

void pacer_slower(pacer_t *p)
{
    if (p->speed_i > 0)
        p->speed_i--;
}

void pacer_speed_name(const pacer_t *p, char *buf, size_t len)
{
    if (pacer_at_max(p))
        snprintf(buf, len, "max");
    else
        snprintf(buf, len, "%gx", speeds[p->speed_i]);
}
