/* Protobuf's canonical JSON mapping for protobuf-c messages, driven by the
 * generated descriptors (so it serves every message of every schema).
 *
 * Reading: lowerCamel names as in the .proto (skview's schemas use Skaffold's
 * own field names, which are already the JSON names) and their snake_case
 * forms (local_port), unknown keys skipped (but a key naming no member of a
 * message that is one oneof, such as Event, is an error: an event kind we do
 * not know; two members of one oneof in one object are an error naming both),
 * enums as names or numbers, 64-bit integers as strings or numbers,
 * google.protobuf.Timestamp as RFC 3339 with 0 to 9 fractional digits, maps as
 * objects with string keys, bytes as base64, null as "not set".
 *
 * Writing: the mapping Skaffold's gateway (Go jsonpb) uses: fields in number
 * order, default values omitted, enums as names, int64 as strings, map keys
 * sorted (so output is deterministic and two equal messages print alike),
 * Timestamp with 0, 3, 6 or 9 fractional digits. Untrusted strings are escaped
 * (every control character and DEL as \uXXXX); invalid UTF-8 is replaced by
 * U+FFFD so the output is always valid JSON. */
#ifndef SKVIEW_PBJSON_H
#define SKVIEW_PBJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include "core/arena.h"
#include "core/strbuf.h"


/* Enum values newer than the schema (a newer Skaffold) lose nothing:
 *   a number we do not know is kept as that number (as protobuf does), and
 *     written back as the number;
 *   a name we do not know is interned, process-wide, to a synthetic number
 *     PBJSON_ENUM_SYNTH_BASE + k, which the writer writes back as the same
 *     name and pbjson_enum_synth_name() (codes.c's names) shows. A real
 *     value in that range would be taken for an interned name.
 * Each parse lists the unknown values it met (first PBJSON_MAX_UNKNOWN) in
 * its pbjson_err_t, so a reader can warn once per (enum, value). */
#define PBJSON_ENUM_SYNTH_BASE 0x7FFF0000
#define PBJSON_ENUM_SYNTH_MAX 4096
#define PBJSON_MAX_UNKNOWN 4

typedef struct pbjson_unknown {
    const ProtobufCEnumDescriptor *ed;
    int value;                 /* a synthetic number for an unknown name */
    char path[96];             /* "event.buildEvent.actionableErr.errCode" */
} pbjson_unknown_t;

/* The interned name of a synthetic value of ed, else NULL. Thread-safe. */
const char *pbjson_enum_synth_name(const ProtobufCEnumDescriptor *ed, int value);

/* The error of a failed parse: a short sentence naming the field path,
 * e.g. "event.buildEvent.status: expected a string". A successful parse
 * fills only the unknown enum values it met. */
typedef struct pbjson_err {
    char msg[256];
    bool gateway_error;   /* set by readers for an {"error": ...} line (see below) */
    int n_unknown;        /* unknown enum values met (may exceed PBJSON_MAX_UNKNOWN) */
    pbjson_unknown_t unknown[PBJSON_MAX_UNKNOWN];
} pbjson_err_t;

/* A reusable JSON parser (it keeps its token buffer between calls). */
typedef struct pbjson_parser pbjson_parser_t;

pbjson_parser_t *pbjson_parser_new(void);
void pbjson_parser_free(pbjson_parser_t *p);
/* The string field f is text nobody reads (the entry of a LogEntry for a
 * command that prints only the State): its value must still be a string,
 * but is not copied; it reads "" when empty, else PBJSON_TEXT_SKIPPED (a
 * text starting with an escape is read, since "\u0000..." reads empty).
 * NULL: every field is read. */
#define PBJSON_TEXT_SKIPPED "(not read)"
void pbjson_parser_skip_text(pbjson_parser_t *p, const ProtobufCFieldDescriptor *f);

/* Only tokenizes json with the parser's JSON library (jsmn): the token
 * count, or a negative jsmn error. For the bench's floor: what the library
 * alone costs on a file, beside a whole parse. */
int pbjson_tokenize(pbjson_parser_t *p, const char *json, size_t len);

/* Parses one JSON text (json, len) as a message of type desc, allocating the
 * message and everything in it from arena. When unwrap_key is not NULL and the
 * top-level object has that key, the value under it is parsed instead (the
 * HTTP gateway wraps each entry as {"result": LogEntry}); *unwrapped tells
 * whether that happened. Returns NULL and fills err on failure. */
ProtobufCMessage *pbjson_parse(pbjson_parser_t *p, const char *json, size_t len,
                               const ProtobufCMessageDescriptor *desc, arena_t *arena,
                               const char *unwrap_key, bool *unwrapped, pbjson_err_t *err);

/* Key matching for JSON that uses other names than the .proto (BuildKit's
 * rawjson has Go's json tags, its older trace files Go's field names): a
 * key that names no field exactly is matched ignoring ASCII case, then
 * through the aliases (key, ignoring case -> field name), in any message. */
typedef struct pbjson_alias {
    const char *key, *field;
} pbjson_alias_t;

typedef struct pbjson_keys {
    const pbjson_alias_t *aliases;
    size_t n_aliases;
} pbjson_keys_t;

/* pbjson_parse for input a user typed (ctl emit): a key that names no field
 * ("event.buildEvent.artifactt: unknown field") and an enum name not in the
 * schema are errors naming their path; proto names (local_port) are read. */
ProtobufCMessage *pbjson_parse_strict(pbjson_parser_t *p, const char *json, size_t len,
                                      const ProtobufCMessageDescriptor *desc, arena_t *arena,
                                      pbjson_err_t *err);

/* pbjson_parse with that key matching (no unwrapping). */
ProtobufCMessage *pbjson_parse_keys(pbjson_parser_t *p, const char *json, size_t len,
                                    const ProtobufCMessageDescriptor *desc, arena_t *arena,
                                    const pbjson_keys_t *keys, pbjson_err_t *err);

/* The gRPC-gateway writes a stream error as one line of its own:
 * {"error": {"grpcCode": N, "httpCode": N, "message": "...", "httpStatus": "...",
 * "details": []}} (older gateways: {"error": {"code": N, "message": "..."}}).
 * When json is such a line, fills err->msg with "the gateway reported an
 * error: CODE NAME: MESSAGE" and returns true. */
bool pbjson_stream_error(pbjson_parser_t *p, const char *json, size_t len, pbjson_err_t *err);

/* protoc-c marks no map entries, so recognise the shape protoc gives them:
 * a nested message "<Field>Entry" with exactly key=1 and value=2. */
bool pbjson_is_map_entry(const ProtobufCMessageDescriptor *d);
/* Whether a singular field's value at p is its proto3 default (0, "",
 * false, empty bytes, no message): canonical JSON leaves it out. */
bool pbjson_is_default(const ProtobufCFieldDescriptor *f, const void *p);

/* Appends msg as compact canonical JSON. */
void pbjson_write(strbuf_t *out, const ProtobufCMessage *msg);

/* Timestamps: nanoseconds since the Unix epoch <-> RFC 3339. */
bool pbjson_parse_time(const char *s, size_t n, int64_t *seconds, int32_t *nanos);
void pbjson_format_time(strbuf_t *out, int64_t seconds, int32_t nanos);
/* Nanoseconds since 1970 of a Timestamp's seconds and nanos: the one
 * conversion every part uses. They fit int64 from 1677 to 2262; the wire
 * can say anything (year 2300, 9999, garbage), so a time outside is
 * saturated (INT64_MAX, or INT64_MIN + 1 before), never an overflow. Keep
 * the seconds to print such a time (pbjson_format_time). */
int64_t pbjson_time_ns(int64_t seconds, int32_t nanos);
/* The nanoseconds from start to end (two such times), saturated at
 * INT64_MAX (a year-1600 start and a year-2300 end differ by more than
 * int64 holds); 0 when end is not after start. */
int64_t pbjson_time_span(int64_t start, int64_t end);

#endif
