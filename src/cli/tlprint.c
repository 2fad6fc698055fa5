/* `skview state --timeline` (cli/tlprint.h). */
#include <stdint.h>
#include <string.h>
#include "cli/tlprint.h"
#include "core/codes.h"
#include "core/pbjson.h"
#include "core/textsafe.h"
#include "ui/draw.h"

typedef struct tl {
    strbuf_t *out, safe;
    bool json;
    bool first_step;
} tl_t;

static const char *const cache_names[] = {"-", "checking", "hit", "miss"};

/* The status as one word ("in_progress"). */
static void put_status(strbuf_t *out, status_kind_t k)
{
    for (const char *c = status_kind_name(k); *c; c++)
        sb_addc(out, *c == ' ' ? '_' : *c);
}

/* ns as a JSON number of seconds with nine decimals ("-0.500000000"). */
static void put_secs(strbuf_t *out, int64_t ns)
{
    uint64_t a = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;
    sb_printf(out, "%s%llu.%09llu", ns < 0 ? "-" : "", (unsigned long long)(a / 1000000000u),
              (unsigned long long)(a % 1000000000u));
}

/* A time the model holds as it came: not 0 (unknown) nor saturated (a
 * year before 1677 or after 2262, pbjson_time_ns), whose value is lost. */
static bool known(int64_t ns)
{
    return ns && ns != INT64_MAX && ns != INT64_MIN + 1;
}

/* " START DURATION" for a person. */
static void text_span(strbuf_t *out, const span_t *sp)
{
    sb_addc(out, ' ');
    put_status(out, sp->status);
    if (!known(sp->start_ns)) {
        sb_adds(out, sp->start_ns ? " out-of-range -" : " - -");
        return;
    }
    int64_t sec = sp->start_ns / 1000000000, ns = sp->start_ns % 1000000000;
    if (ns < 0)
        sec--, ns += 1000000000;
    sb_addc(out, ' ');
    pbjson_format_time(out, sec, (int32_t)(ns - ns % 1000000));
    char d[32] = "-";
    if (known(sp->end_ns) && sp->end_ns >= sp->start_ns)
        draw_duration(d, sizeof d, pbjson_time_span(sp->start_ns, sp->end_ns));
    sb_printf(out, " %s", d);
}

static void json_span(strbuf_t *out, const span_t *sp)
{
    sb_adds(out, ",\"status\":\"");
    put_status(out, sp->status);
    sb_adds(out, "\",\"start\":");
    known(sp->start_ns) ? put_secs(out, sp->start_ns) : sb_adds(out, "null");
    sb_adds(out, ",\"end\":");
    known(sp->end_ns) ? put_secs(out, sp->end_ns) : sb_adds(out, "null");
    sb_adds(out, ",\"duration\":");
    if (known(sp->start_ns) && known(sp->end_ns) && sp->end_ns >= sp->start_ns)
        put_secs(out, pbjson_time_span(sp->start_ns, sp->end_ns));
    else
        sb_adds(out, "null");
}

/* One step: "  NAME [ARTIFACT] ..." or {"step": NAME, ...}. */
static void step(tl_t *t, const char *name, const char *artifact, const span_t *sp, int cache)
{
    if (t->json) {
        sb_printf(t->out, "%s{\"step\":\"%s\"", t->first_step ? "" : ",", name);
        t->first_step = false;
        if (artifact) {
            sb_adds(t->out, ",\"artifact\":");
            sb_json_string(t->out, artifact, strlen(artifact));
        }
        json_span(t->out, sp);
        if (artifact)
            sb_printf(t->out, ",\"cache\":\"%s\"", cache_names[cache]);
        sb_addc(t->out, '}');
        return;
    }
    sb_printf(t->out, "  %s", name);
    if (artifact) {
        sb_reset(&t->safe);
        textsafe(&t->safe, artifact, strlen(artifact), 0, 0);
        sb_printf(t->out, " %s", t->safe.data ? t->safe.data : "");
    }
    text_span(t->out, sp);
    if (artifact)
        sb_printf(t->out, " cache %s", cache_names[cache]);
    sb_addc(t->out, '\n');
}

static void steps(tl_t *t, const iteration_t *it)
{
    for (size_t i = 0; i < it->n_builds; i++)
        step(t, "build", it->builds[i].artifact, &it->builds[i].span, it->builds[i].cache);
    const struct { const char *name; const span_t *sp; } s[] = {
        {"test", &it->test}, {"render", &it->render}, {"deploy", &it->deploy},
        {"statuscheck", &it->statuscheck}, {"sync", &it->sync}, {"verify", &it->verify}, {"exec", &it->exec},
    };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        if (s[i].sp->status != STATUS_NONE)
            step(t, s[i].name, NULL, s[i].sp, 0);
}

static void iteration(tl_t *t, const model_t *m, const iteration_t *it)
{
    const model_error_t *e = it->error_id ? model_error_by_id(m, it->error_id) : NULL;
    if (t->json) {
        sb_printf(t->out, "{\"iteration\":%d,\"session\":%u,\"implicit\":%s", it->number, it->session,
                  it->implicit ? "true" : "false");
        json_span(t->out, &it->span);
        sb_adds(t->out, ",\"error\":");
        if (e)
            sb_json_string(t->out, status_code_name(e->code), strlen(status_code_name(e->code)));
        else
            sb_adds(t->out, "null");
        sb_adds(t->out, ",\"steps\":[");
        t->first_step = true;
        steps(t, it);
        sb_adds(t->out, "]}\n");
        return;
    }
    sb_printf(t->out, "iteration %d session %u %s", it->number, it->session, it->implicit ? "implicit" : "explicit");
    text_span(t->out, &it->span);
    sb_printf(t->out, " error %s\n", e ? status_code_name(e->code) : "-");
    steps(t, it);
}

void tlprint(strbuf_t *out, const model_t *m, bool json)
{
    tl_t t = {.out = out, .json = json};
    sb_init(&t.safe);
    for (size_t i = 0; i < model_iteration_count(m); i++)
        iteration(&t, m, model_iteration(m, i));
    sb_free(&t.safe);
}
