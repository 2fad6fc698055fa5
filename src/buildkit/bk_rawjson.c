/* StatusResponse -> BuildKit's rawjson line (client.SolveStatus with the
 * json tags of client/graph.go, v0.13): field order and omitempty as Go's
 * encoder gives them, so the output reads back in both BuildKit's tools and
 * bk_reader. */
#include <string.h>
#include "buildkit/bk_format.h"

static void b64(strbuf_t *out, const uint8_t *d, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    sb_addc(out, '"');
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < n ? (uint32_t)d[i + 1] << 8 : 0) | (i + 2 < n ? d[i + 2] : 0);
        char q[4] = {tab[v >> 18 & 63], tab[v >> 12 & 63], i + 1 < n ? tab[v >> 6 & 63] : '=', i + 2 < n ? tab[v & 63] : '='};
        sb_add(out, q, 4);
    }
    sb_addc(out, '"');
}

/* Writes ,"key": (the comma unless first) */
static void key(strbuf_t *out, bool *first, const char *k)
{
    if (!*first)
        sb_addc(out, ',');
    *first = false;
    sb_printf(out, "\"%s\":", k);
}

static void str_field(strbuf_t *out, bool *first, const char *k, const char *v, bool always)
{
    if (!always && (!v || !*v))
        return;
    key(out, first, k);
    sb_json_string(out, v ? v : "", v ? strlen(v) : 0);
}

static void time_field(strbuf_t *out, bool *first, const char *k, const Google__Protobuf__Timestamp *t, bool always)
{
    if (!t && !always)
        return;
    key(out, first, k);
    sb_addc(out, '"');
    if (t)
        pbjson_format_time(out, t->seconds, t->nanos);
    else
        sb_adds(out, "0001-01-01T00:00:00Z"); /* Go's zero time */
    sb_addc(out, '"');
}

static void int_field(strbuf_t *out, bool *first, const char *k, int64_t v, bool always)
{
    if (!v && !always)
        return;
    key(out, first, k);
    sb_printf(out, "%lld", (long long)v);
}

static void write_vertex(strbuf_t *out, const Moby__Buildkit__V1__Vertex *v)
{
    bool first = true;
    sb_addc(out, '{');
    str_field(out, &first, "digest", v->digest, false);
    if (v->n_inputs) {
        key(out, &first, "inputs");
        sb_addc(out, '[');
        for (size_t i = 0; i < v->n_inputs; i++) {
            if (i)
                sb_addc(out, ',');
            sb_json_string(out, v->inputs[i], strlen(v->inputs[i]));
        }
        sb_addc(out, ']');
    }
    str_field(out, &first, "name", v->name, false);
    time_field(out, &first, "started", v->started, false);
    time_field(out, &first, "completed", v->completed, false);
    if (v->cached) {
        key(out, &first, "cached");
        sb_adds(out, "true");
    }
    str_field(out, &first, "error", v->error, false);
    if (v->progressgroup) {
        bool f2 = true;
        key(out, &first, "progressGroup");
        sb_addc(out, '{');
        str_field(out, &f2, "id", v->progressgroup->id, false);
        str_field(out, &f2, "name", v->progressgroup->name, false);
        if (v->progressgroup->weak) {
            key(out, &f2, "weak");
            sb_adds(out, "true");
        }
        sb_addc(out, '}');
    }
    sb_addc(out, '}');
}

static void write_status(strbuf_t *out, const Moby__Buildkit__V1__VertexStatus *s)
{
    bool first = true;
    sb_addc(out, '{');
    str_field(out, &first, "id", s->id, true);
    str_field(out, &first, "vertex", s->vertex, false);
    str_field(out, &first, "name", s->name, false);
    int_field(out, &first, "total", s->total, false);
    int_field(out, &first, "current", s->current, true);
    time_field(out, &first, "timestamp", s->timestamp, true);
    time_field(out, &first, "started", s->started, false);
    time_field(out, &first, "completed", s->completed, false);
    sb_addc(out, '}');
}

static void write_log(strbuf_t *out, const Moby__Buildkit__V1__VertexLog *l)
{
    bool first = true;
    sb_addc(out, '{');
    str_field(out, &first, "vertex", l->vertex, false);
    int_field(out, &first, "stream", l->stream, false);
    key(out, &first, "data");
    b64(out, l->msg.data, l->msg.len);
    time_field(out, &first, "timestamp", l->timestamp, true);
    sb_addc(out, '}');
}

static void write_warning(strbuf_t *out, const Moby__Buildkit__V1__VertexWarning *w)
{
    bool first = true;
    sb_addc(out, '{');
    str_field(out, &first, "vertex", w->vertex, false);
    int_field(out, &first, "level", w->level, false);
    if (w->short_.len) {
        key(out, &first, "short");
        b64(out, w->short_.data, w->short_.len);
    }
    if (w->n_detail) {
        key(out, &first, "detail");
        sb_addc(out, '[');
        for (size_t i = 0; i < w->n_detail; i++) {
            if (i)
                sb_addc(out, ',');
            b64(out, w->detail[i].data, w->detail[i].len);
        }
        sb_addc(out, ']');
    }
    str_field(out, &first, "url", w->url, false);
    sb_addc(out, '}');
}

#define WRITE_LIST(name, n, arr, fn)                  \
    if (n) {                                          \
        key(out, &first, name);                       \
        sb_addc(out, '[');                            \
        for (size_t i = 0; i < (n); i++) {            \
            if (i)                                    \
                sb_addc(out, ',');                    \
            fn(out, (arr)[i]);                        \
        }                                             \
        sb_addc(out, ']');                            \
    }

void bk_rawjson_write(strbuf_t *out, const Moby__Buildkit__V1__StatusResponse *m)
{
    bool first = true;
    sb_addc(out, '{');
    WRITE_LIST("vertexes", m->n_vertexes, m->vertexes, write_vertex)
    WRITE_LIST("statuses", m->n_statuses, m->statuses, write_status)
    WRITE_LIST("logs", m->n_logs, m->logs, write_log)
    WRITE_LIST("warnings", m->n_warnings, m->warnings, write_warning)
    sb_addc(out, '}');
}
