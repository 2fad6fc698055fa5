/* One line of a JSON log, parsed: the parsers the sequential reader
 * (logreader.c) and the parallel pump (logpar.c) share. See logline.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "sources/logline.h"

bool enum_seen_add(enum_seen_t *s, const void *ed, int value)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].ed == ed && s->v[i].value == value) return false;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 8;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n].ed = ed;
    s->v[s->n++].value = value;
    return true;
}

void enum_seen_free(enum_seen_t *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

void logline_unknown_msg(const pbjson_unknown_t *u, char *buf, size_t n)
{
    const char *name = pbjson_enum_synth_name(u->ed, u->value);
    if (name)
        snprintf(buf, n, "%s: %s value \"%s\" is newer than skview's schema; kept as is "
                 "(not reported again)", u->path, u->ed->short_name, name);
    else
        snprintf(buf, n, "%s: %s value %d is newer than skview's schema; kept as UNKNOWN(%d) "
                 "(not reported again)", u->path, u->ed->short_name, u->value, u->value);
}

static void skip_bom(const char **s, size_t *n)
{
    if (*n >= 3 && !memcmp(*s, "\xef\xbb\xbf", 3)) { /* a UTF-8 byte-order mark (editors on Windows) */
        *s += 3;
        *n -= 3;
    }
}

/* A parsed entry must carry something: an {"error": ...} line of the gateway
 * or an unrelated JSON object parses as an empty LogEntry. */
static bool entry_is_empty(const Proto__LogEntry *e)
{
    return !e->timestamp && !e->event && (!e->entry || !*e->entry);
}

bool logline_is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return false;
    return true;
}

pbjson_parser_t *logline_parser(bool no_text)
{
    pbjson_parser_t *p = pbjson_parser_new();
    if (no_text)
        pbjson_parser_skip_text(p, protobuf_c_message_descriptor_get_field_by_name(&proto__log_entry__descriptor, "entry"));
    return p;
}

const Proto__LogEntry *logline_parse(pbjson_parser_t *p, arena_t *arena, const char *s,
                                            size_t n, bool *unwrapped, pbjson_err_t *err)
{
    err->gateway_error = false;
    skip_bom(&s, &n);
    const Proto__LogEntry *e = (const void *)pbjson_parse(
        p, s, n, &proto__log_entry__descriptor, arena, "result", unwrapped, err);
    if (e && entry_is_empty(e)) {
        if (pbjson_stream_error(p, s, n, err)) {
            err->gateway_error = true;
            return NULL;
        }
        snprintf(err->msg, sizeof err->msg, "not a LogEntry (no timestamp, event or entry)");
        return NULL;
    }
    return e;
}

const Proto__V2__Event *logline_parse_v2(pbjson_parser_t *p, arena_t *arena, const char *s,
                                                size_t n, bool *unwrapped, pbjson_err_t *err)
{
    err->gateway_error = false;
    skip_bom(&s, &n);
    const Proto__V2__Event *ev = (const void *)pbjson_parse(
        p, s, n, &proto__v2__event__descriptor, arena, "result", unwrapped, err);
    if (ev && ev->event_type_case != PROTO__V2__EVENT__EVENT_TYPE__NOT_SET)
        return ev;
    /* {"error": ...} names no kind: it fails as one, or parses empty */
    pbjson_err_t gw = {0};
    if (pbjson_stream_error(p, s, n, &gw)) {
        *err = gw;
        err->gateway_error = true;
        return NULL;
    }
    if (ev)
        snprintf(err->msg, sizeof err->msg, "not a v2 Event (no event kind)");
    else if (strstr(err->msg, "kind \"event\" (") || strstr(err->msg, "kind \"entry\" ("))
        snprintf(err->msg, sizeof err->msg, "a v1 LogEntry in a v2 event log (its v1 file is F, "
                 "the v2 one F.v2)");
    return NULL;
}

log_format_t logline_classify(pbjson_parser_t *p, arena_t *arena, const char *s, size_t n)
{
    pbjson_err_t err;
    bool unwrapped;
    const Proto__LogEntry *e = logline_parse(p, arena, s, n, &unwrapped, &err);
    if (e && (e->event || (e->entry && *e->entry)))
        return LOG_JSONL;
    if (logline_parse_v2(p, arena, s, n, &unwrapped, &err))
        return LOG_V2_JSONL;
    return LOG_UNKNOWN;
}
