/* The simulator's v2 history (Skaffold 2.x's proto.v2 service): the Events
 * log every v2 Events call replays, the application logs of the current dev
 * loop that ApplicationLogs replays, the v2 State's fold (v2_state.c) and
 * FILE.v2. One history with v1: the scenario emits each step's v1 entry and
 * its v2 events one after the other, with the same timestamp. */
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "transport/rpc_int.h"
#include "core/pbjson.h"
#include "sim/sim_int.h"

static void push(grpc_slice **arr, size_t *n, size_t *cap, grpc_slice s)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 1024;
        *arr = xrealloc(*arr, *cap * sizeof **arr);
    }
    (*arr)[(*n)++] = s;
}

/* jsonpb writes lowerCamel names; the three v2 fields with an underscore
 * are renamed after pbjson_write (which writes the .proto names). A key is
 * a quoted name right after '{' or ','; inside a JSON string a quote is
 * always escaped, so the pattern cannot match a value. */
void sim_v2_json(strbuf_t *sb, const Proto__V2__Event *ev)
{
    static const struct { const char *from, *to; } keys[] = {
        {"\"task_id\":", "\"taskId\":"},
        {"\"subtask_id\":", "\"subtaskId\":"},
        {"\"ready_revision\":", "\"readyRevision\":"},
    };
    strbuf_t raw;
    sb_init(&raw);
    pbjson_write(&raw, &ev->base);
    for (size_t i = 0; i < raw.len;) {
        bool renamed = false;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0] && i > 0; k++) {
            size_t n = strlen(keys[k].from);
            char prev = raw.data[i - 1];
            if ((prev == '{' || prev == ',') && raw.len - i >= n && !memcmp(raw.data + i, keys[k].from, n)) {
                sb_adds(sb, keys[k].to);
                i += n;
                renamed = true;
                break;
            }
        }
        if (!renamed)
            sb_addc(sb, raw.data[i++]);
    }
    sb_free(&raw);
}

/* Skaffold's FILE.v2: every v2 event but the application logs. */
static void event_log2_write(const Proto__V2__Event *ev)
{
    if (!sim.event_log2)
        return;
    strbuf_t sb;
    sb_init(&sb);
    sim_v2_json(&sb, ev);
    sb_addc(&sb, '\n');
    fwrite(sb.data, 1, sb.len, sim.event_log2);
    fflush(sim.event_log2);
    sb_free(&sb);
}

/* The lowest application log a subscriber still has to send. */
static uint64_t applog_needed_locked(void)
{
    uint64_t low = sim.applog_start;
    for (sim_sub_t *s = sim.subs; s; s = s->next)
        if (s->stream == SIM_STREAM_APPLOGS && !s->dead && s->next_idx < low)
            low = s->next_idx;
    return low;
}

void sim_v2_trim_locked(void)
{
    uint64_t low = applog_needed_locked();
    if (low <= sim.applog_base)
        return;
    size_t drop = (size_t)(low - sim.applog_base);
    if (drop > sim.n_applog)
        drop = sim.n_applog;
    for (size_t i = 0; i < drop; i++)
        grpc_slice_unref(sim.applog[i]);
    memmove(sim.applog, sim.applog + drop, (sim.n_applog - drop) * sizeof *sim.applog);
    sim.n_applog -= drop;
    sim.applog_base += drop;
}

/* TaskInProgress(DevLoop) empties the application logs the server keeps
 * (a DevLoop task sent through Handle does not: it only joins the log). */
void sim_v2_applogs_reset_locked(void)
{
    sim.applog_start = sim.applog_base + sim.n_applog;
    sim_v2_trim_locked();
}

void sim_v2_emit(Proto__V2__Event *ev, int64_t t_ns)
{
    Google__Protobuf__Timestamp ts = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
    if (!t_ns)
        t_ns = sim_now_ns();
    ts.seconds = t_ns / 1000000000;
    ts.nanos = (int32_t)(t_ns % 1000000000);
    Google__Protobuf__Timestamp *old = ev->timestamp;
    ev->timestamp = &ts;
    grpc_slice s = rpc_pack_slice(&ev->base);
    pthread_mutex_lock(&sim.mu);
    if (ev->event_type_case == PROTO__V2__EVENT__EVENT_TYPE_APPLICATION_LOG_EVENT) {
        push(&sim.applog, &sim.n_applog, &sim.cap_applog, s);
    } else {
        push(&sim.hist2, &sim.n_hist2, &sim.cap_hist2, s);
        sim_state2_handle(ev);
        event_log2_write(ev);
    }
    for (sim_sub_t *sub = sim.subs; sub; sub = sub->next)
        sim_pump_locked(sub);
    pthread_mutex_unlock(&sim.mu);
    ev->timestamp = old;
}

void sim_v2_free(void)
{
    for (size_t i = 0; i < sim.n_hist2; i++)
        grpc_slice_unref(sim.hist2[i]);
    free(sim.hist2);
    for (size_t i = 0; i < sim.n_applog; i++)
        grpc_slice_unref(sim.applog[i]);
    free(sim.applog);
    for (size_t i = 0; i < sim.n_logflood; i++)
        grpc_slice_unref(sim.logflood[i]);
    free(sim.logflood);
    sim_state2_free();
    if (sim.event_log2)
        fclose(sim.event_log2);
}
