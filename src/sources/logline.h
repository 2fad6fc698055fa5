/* One line of a JSON log, parsed: what the sequential reader (logreader.c)
 * and the parallel JSON-lines pump (logpar.c) share, so that neither calls
 * the other's internals (logreader calls logpar_pump; logpar calls only
 * these). Pure: no I/O; the results live in the arena given. */
#ifndef SKVIEW_LOGLINE_H
#define SKVIEW_LOGLINE_H

#include "sources/logreader.h"
#include "core/pbjson.h"

/* Parses one JSON line (a LogEntry or the gateway's {"result": LogEntry});
 * a leading UTF-8 byte-order mark is skipped. NULL with err filled when it is
 * not one; err->gateway_error then tells a stream error the gateway wrote
 * ({"error": {...}}, err->msg says it), which is no malformed line. */
/* A parser for the lines (pbjson_parser_free): with no_text, a LogEntry's
 * entry is not copied (logreader_opts_t.no_text). */
pbjson_parser_t *logline_parser(bool no_text);
const Proto__LogEntry *logline_parse(pbjson_parser_t *p, arena_t *arena, const char *s, size_t n, bool *unwrapped, pbjson_err_t *err);
bool logline_is_blank(const char *s, size_t n);
/* The same for a v2 Event (Skaffold's F.v2 or a gateway /v2 capture): NULL
 * with err filled when the line is none, or is a gateway error. */
const Proto__V2__Event *logline_parse_v2(pbjson_parser_t *p, arena_t *arena, const char *s,
                                                size_t n, bool *unwrapped, pbjson_err_t *err);
/* Which version the JSON line is: LOG_JSONL (v1), LOG_V2_JSONL, or
 * LOG_UNKNOWN when it tells neither (malformed, a gateway error, a bare
 * timestamp). Uses the arena. */
log_format_t logline_classify(pbjson_parser_t *p, arena_t *arena, const char *s, size_t n);

/* Enum values newer than the schema are warned about once per (enum,
 * value), at their first line. */
typedef struct enum_seen {
    struct seen_value { const void *ed; int value; } *v;
    size_t n, cap;
} enum_seen_t;
/* True when (ed, value) was not in s (it is now). */
bool enum_seen_add(enum_seen_t *s, const void *ed, int value);
void enum_seen_free(enum_seen_t *s);
/* "event.x.errCode: StatusCode value 1234 is newer than skview's schema ..." */
void logline_unknown_msg(const pbjson_unknown_t *u, char *buf, size_t n);

#endif
