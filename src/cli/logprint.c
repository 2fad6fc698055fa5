/* Printing log lines for `skview logs`; see logprint.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>
#include "cli/cli.h"
#include "core/xalloc.h"
#include "cli/logprint.h"
#include "core/pbjson.h"
#include "core/textsafe.h"
#include "skaffold.pb-c.h"

#define LOGPRINT_FLUSH_BYTES 65536

/* An origin's text so far without its "\n" (a message cut mid-line). */
struct logprint_origin {
    logprint_origin_t *next, *older, *newer; /* bucket chain; all origins, newest first */
    int64_t part_ns;                 /* mono_ns() of the partial line's last piece */
    char *a, *b;                     /* task_id + subject, or pod + container */
    log_src_t src;
    strbuf_t part;
    logprint_meta_t meta;            /* of the partial line; strings in names */
    char names[];                    /* a, b, task name or prefix */
};

static const char *level_name(int level)
{
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(&proto__log_level__descriptor, level);
    return v ? v->name : "UNKNOWN";
}

static int64_t mono_ns(void)
{
    return (int64_t)uv_hrtime();
}

void logprint_flush(logprint_t *p)
{
    if (p->out.len && !p->failed && fwrite(p->out.data, 1, p->out.len, stdout) != p->out.len) {
        p->write_errno = errno;
        cli_write_failed("logs", errno);
        p->failed = true;
    }
    sb_reset(&p->out);
}

/* SGR for a style (from the default). */
static void put_style(strbuf_t *o, const sgr_style_t *st)
{
    sb_adds(o, "\033[0");
    static const char *const attrs[] = {";1", ";2", ";3", ";4", ";7"};
    for (int i = 0; i < 5; i++)
        if (st->attrs & 1 << i)
            sb_adds(o, attrs[i]);
    if (st->fg >= 0)
        st->fg < 8 ? sb_printf(o, ";%d", 30 + st->fg) : st->fg < 16 ? sb_printf(o, ";%d", 90 + st->fg - 8)
                   : sb_printf(o, ";38;5;%d", st->fg);
    if (st->bg >= 0)
        st->bg < 8 ? sb_printf(o, ";%d", 40 + st->bg) : st->bg < 16 ? sb_printf(o, ";%d", 100 + st->bg - 8)
                   : sb_printf(o, ";48;5;%d", st->bg);
    sb_addc(o, 'm');
}

static bool style_eq(const sgr_style_t *a, const sgr_style_t *b)
{
    return a->fg == b->fg && a->bg == b->bg && a->attrs == b->attrs;
}

/* A run of a coloured line: its style when it changes, then its text. */
static void color_run(void *ctx, const char *text, size_t len, const sgr_style_t *style)
{
    logprint_t *p = ctx;
    if (!style_eq(style, &p->cur)) {
        put_style(&p->out, style);
        p->cur = *style;
    }
    textsafe(&p->out, text, len, 0, 0);
}

static bool plain_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
            return false;
    return true;
}

/* The text of a line: coloured on a terminal, without any escape in a pipe. */
static void put_text(logprint_t *p, const char *s, size_t n)
{
    if (plain_ascii(s, n)) {
        sb_add(&p->out, s, n);
    } else if (p->color) {
        sgr_style_t st = SGR_STYLE_DEFAULT, dflt = SGR_STYLE_DEFAULT;
        p->cur = dflt;
        sgr_walk(s, n, &st, color_run, p);
        if (!style_eq(&p->cur, &dflt))
            sb_adds(&p->out, "\033[0m");
    } else {
        sb_reset(&p->tmp);
        sgr_strip(&p->tmp, s, n);
        textsafe(&p->out, p->tmp.data ? p->tmp.data : "", p->tmp.len, 0, 0);
    }
}

/* A prefix's colour on a terminal: one of six by its name, as Skaffold
 * gives each container its own. */
static int prefix_color(const char *a, const char *b)
{
    unsigned h = 2166136261u;
    for (const char *s = a; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    for (const char *s = b; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return 31 + (int)(h % 6);
}

static void put_prefix(logprint_t *p, const logprint_meta_t *m)
{
    bool app = m->src == LOG_APP;
    const char *a = app ? m->pod : m->task, *b = app ? m->container : m->subject;
    if (p->color)
        sb_printf(&p->out, "\033[%dm", app ? prefix_color(a, b) : 2);
    sb_addc(&p->out, '[');
    textsafe(&p->out, a, strlen(a), 0, 0);
    if (*b) {
        sb_addc(&p->out, ' ');
        textsafe(&p->out, b, strlen(b), 0, 0);
    }
    sb_addc(&p->out, ']');
    if (p->color)
        sb_adds(&p->out, "\033[0m");
    sb_addc(&p->out, ' ');
}

static void put_json(logprint_t *p, const logprint_meta_t *m, const char *s, size_t n)
{
    strbuf_t *o = &p->out;
    sb_adds(o, m->src == LOG_APP ? "{\"source\":\"app\",\"time\":\"" : "{\"source\":\"skaffold\",\"time\":\"");
    pbjson_format_time(o, m->time_s, m->time_nanos);
    sb_addc(o, '"');
    const char *fields[][2] = {{"task", m->task}, {"task_id", m->task_id}, {"subject", m->subject},
                               {"pod", m->pod}, {"container", m->container}, {"prefix", m->prefix}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        sb_printf(o, ",\"%s\":", fields[i][0]);
        sb_json_string(o, fields[i][1], strlen(fields[i][1]));
    }
    sb_printf(o, ",\"level\":\"%s\",\"text\":", level_name(m->level));
    sb_reset(&p->tmp);
    sgr_strip(&p->tmp, s, n);
    sb_json_string(o, p->tmp.data ? p->tmp.data : "", p->tmp.len);
    sb_adds(o, "}\n");
}

/* One whole line (without its "\n"). */
static void emit_line(logprint_t *p, const logprint_meta_t *m, const char *s, size_t n)
{
    if (n && s[n - 1] == '\r')
        n--;
    if (p->json) {
        put_json(p, m, s, n);
    } else {
        put_prefix(p, m);
        put_text(p, s, n);
        sb_addc(&p->out, '\n');
    }
    p->lines++;
    if (p->timed) { /* a clock read per line, only for logprint_stats */
        p->last_ns = mono_ns();
        if (!p->first_ns)
            p->first_ns = p->last_ns;
    }
    if (p->out.len >= LOGPRINT_FLUSH_BYTES)
        logprint_flush(p);
}

static unsigned origin_hash(log_src_t src, const char *a, const char *b)
{
    unsigned h = 2166136261u ^ (unsigned)src;
    for (const char *s = a; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    h = (h ^ 0x1f) * 16777619u;
    for (const char *s = b; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h % LOGPRINT_BUCKETS;
}

static logprint_origin_t *origin_find(logprint_t *p, const logprint_meta_t *m, unsigned *h)
{
    bool app = m->src == LOG_APP;
    const char *a = app ? m->pod : m->task_id, *b = app ? m->container : m->subject;
    *h = origin_hash(m->src, a, b);
    for (logprint_origin_t *o = p->buckets[*h]; o; o = o->next)
        if (o->src == m->src && !strcmp(o->a, a) && !strcmp(o->b, b))
            return o;
    return NULL;
}

static void origin_unlink(logprint_t *p, logprint_origin_t *o)
{
    logprint_origin_t **pp = &p->buckets[origin_hash(o->src, o->a, o->b)];
    while (*pp != o)
        pp = &(*pp)->next;
    *pp = o->next;
    *(o->newer ? &o->newer->older : &p->origins) = o->older;
    *(o->older ? &o->older->newer : &p->oldest) = o->newer;
    p->n_partial--;
    sb_free(&o->part);
    free(o);
}

/* Its partial line printed as it is; the origin goes (only origins with a
 * partial line are kept). */
static void origin_emit(logprint_t *p, logprint_origin_t *o)
{
    emit_line(p, &o->meta, o->part.data ? o->part.data : "", o->part.len);
    origin_unlink(p, o);
}

/* A new partial line's origin; at most LOGS_MAX_PENDING of them, as the
 * log ring keeps (one more prints the oldest partial line). */
static logprint_origin_t *origin_new(logprint_t *p, const logprint_meta_t *m, unsigned h)
{
    if (p->n_partial >= LOGS_MAX_PENDING)
        origin_emit(p, p->oldest);
    bool app = m->src == LOG_APP;
    const char *a = app ? m->pod : m->task_id, *b = app ? m->container : m->subject;
    const char *n1 = app ? m->prefix : m->task;
    size_t la = strlen(a) + 1, lb = strlen(b) + 1, l1 = strlen(n1) + 1;
    logprint_origin_t *o = xcalloc(1, sizeof *o + la + lb + l1);
    o->a = memcpy(o->names, a, la);
    o->b = memcpy(o->names + la, b, lb);
    char *name = memcpy(o->names + la + lb, n1, l1);
    o->src = m->src;
    o->meta = (logprint_meta_t){m->src, app ? "" : name, app ? "" : o->a, app ? "" : o->b,
                            app ? o->a : "", app ? o->b : "", app ? name : "", m->level, m->time_s, m->time_nanos};
    sb_init(&o->part);
    o->next = p->buckets[h];
    p->buckets[h] = o;
    o->older = p->origins;
    *(p->origins ? &p->origins->newer : &p->oldest) = o;
    p->origins = o;
    p->n_partial++;
    return o;
}

/* A message of one origin: its whole lines are printed, the rest waits. */
void logprint_message(logprint_t *p, const logprint_meta_t *m, const char *s, size_t n)
{
    const char *nl = memchr(s, '\n', n);
    if (!p->n_partial && nl == s + n - 1) { /* the common case: one whole line */
        emit_line(p, m, s, n - 1);
        return;
    }
    unsigned h;
    logprint_origin_t *o = origin_find(p, m, &h);
    while (n) {
        nl = memchr(s, '\n', n);
        size_t piece = nl ? (size_t)(nl - s) : n;
        if (!o && nl) {
            emit_line(p, m, s, piece);
        } else if (piece || nl) {
            if (!o)
                o = origin_new(p, m, h);
            sb_add(&o->part, s, piece);
            o->part_ns = mono_ns();
            if (nl || o->part.len >= LOGS_MAX_LINE) {
                origin_emit(p, o);
                o = NULL;
            }
        }
        s += piece + (nl != NULL);
        n -= piece + (nl != NULL);
    }
}

void logprint_flush_partial(logprint_t *p, int64_t age_ns)
{
    int64_t now = mono_ns();
    for (logprint_origin_t *o = p->oldest, *newer; o; o = newer) {
        newer = o->newer;
        if (now - o->part_ns >= age_ns)
            origin_emit(p, o);
    }
}

/* The input ended: the lines still without their "\n", oldest origin first. */
void logprint_finish(logprint_t *p)
{
    while (p->oldest)
        origin_emit(p, p->oldest);
    logprint_flush(p);
}

void logprint_init(logprint_t *p, bool json, bool color)
{
    memset(p, 0, sizeof *p);
    p->json = json;
    p->color = color;
    p->timed = getenv("SKVIEW_STATS") != NULL;
    sb_init(&p->out);
    sb_init(&p->tmp);
    sb_init(&p->safe);
}

void logprint_free(logprint_t *p)
{
    while (p->oldest)
        origin_unlink(p, p->oldest);
    sb_free(&p->out);
    sb_free(&p->tmp);
    sb_free(&p->safe);
}

/* SKVIEW_STATS: lines and the rate between the first and the last line. */
void logprint_stats(const logprint_t *p)
{
    if (!getenv("SKVIEW_STATS"))
        return;
    double s = p->first_ns && p->last_ns > p->first_ns ? (double)(p->last_ns - p->first_ns) / 1e9 : 0;
    fprintf(stderr, "skview: logs: %llu lines in %.3f s = %.0f lines/s\n", (unsigned long long)p->lines, s,
            s > 0 ? (double)p->lines / s : 0);
}
