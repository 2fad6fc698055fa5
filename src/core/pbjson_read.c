/* Canonical JSON -> protobuf-c message, driven by descriptors; see pbjson.h.
 * jsmn (Debian's libjsmn-dev) tokenizes; this file maps tokens onto fields.
 * jsmn was chosen by measurement: on 1M Skaffold log lines (189 MB) it
 * tokenized in 0.20 s where cJSON parsed in 0.52 s and json-c in 1.24 s. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>
#include "core/xalloc.h"
#include "google/protobuf/timestamp.pb-c.h"
#include "core/pbjson.h"
#include "core/pbjson_int.h"
#include "core/utf8.h"

#define MAX_DEPTH 32
#define MAX_TOKENS (4u << 20)

/* Field lookup by name, per message type: an open-addressed table of the
 * fields' indexes (+1; 0 is empty) by a hash of the name's length and its
 * first and last bytes, built the first time the parser meets the type.
 * A scan comparing names cost about 700 instructions a Skaffold line. */
#define FIELD_SLOTS 64
#define FIELD_TABLE_MAX 40        /* more fields than this: scanned */
#define TYPE_SLOTS 64

typedef struct field_table {
    const ProtobufCMessageDescriptor *desc;   /* NULL: slot empty */
    bool scan;                                /* too many fields for the table */
    uint8_t slot[FIELD_SLOTS];
    uint8_t name_len[FIELD_TABLE_MAX];        /* by field index */
} field_table_t;

/* Enum values by name, the ones met last: protobuf-c's lookup is a binary
 * search with strcmp over every value of the enum (StatusCode has
 * hundreds), ~300 instructions a status code. */
#define ENUM_MEMO 16
typedef struct enum_memo {
    const ProtobufCEnumDescriptor *ed;        /* NULL: empty */
    const ProtobufCEnumValue *v;
} enum_memo_t;

struct pbjson_parser {
    jsmntok_t *toks;
    unsigned ntoks;
    field_table_t *types;         /* TYPE_SLOTS tables, made on first use */
    enum_memo_t enums[ENUM_MEMO];
    const ProtobufCFieldDescriptor *skip_text;   /* pbjson_parser_skip_text */
    pbjson_time_memo_t time_memo; /* the last timestamp's minute */
};

/* One parse: the text, its tokens, the arena, and the field path for errors. */
typedef struct ctx {
    const char *js;
    const jsmntok_t *t;
    int count;
    arena_t *arena;
    const char *path[MAX_DEPTH];
    int depth;
    pbjson_err_t *err;
    const pbjson_keys_t *keys;   /* NULL: exact names only */
    bool strict;                 /* unknown keys and enum names are errors */
    pbjson_parser_t *p;          /* its field tables; NULL: names are scanned */
    const char *unwrap;          /* the root object's key to unwrap, NULL: none */
    size_t unwrap_len;
    int unwrap_at;               /* its value's token once met, else -1 */
} ctx_t;

#define MEMBER(msg, off, type) (*(type *)((char *)(msg) + (off)))

/* A ctx for one parse, field by field: path[] is read only below depth, and
 * zeroing it each line (a rep stos) was 2% of skview state. */
static void ctx_init(ctx_t *c, const char *js, pbjson_parser_t *p, int count, arena_t *arena,
                     pbjson_err_t *err)
{
    c->js = js;
    c->t = p->toks;
    c->count = count;
    c->arena = arena;
    c->depth = 0;
    c->err = err;
    c->keys = NULL;
    c->strict = false;
    c->p = p;
    c->unwrap = NULL;
    c->unwrap_at = -1;
}

pbjson_parser_t *pbjson_parser_new(void)
{
    pbjson_parser_t *p = xcalloc(1, sizeof *p);
    p->ntoks = 256;
    p->toks = xmalloc(p->ntoks * sizeof *p->toks);
    return p;
}

void pbjson_parser_skip_text(pbjson_parser_t *p, const ProtobufCFieldDescriptor *f)
{
    p->skip_text = f;
}

void pbjson_parser_free(pbjson_parser_t *p)
{
    if (!p)
        return;
    free(p->toks);
    free(p->types);
    free(p);
}

/* Records "path: message" once (the innermost failure wins). Returns false so
 * callers can `return fail(...)`. */
static bool fail(ctx_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(ctx_t *c, const char *fmt, ...)
{
    if (c->err->msg[0])
        return false;
    size_t n = 0, cap = sizeof c->err->msg;
    for (int i = 0; i < c->depth && n < cap; i++)
        n += (size_t)snprintf(c->err->msg + n, cap - n, "%s%s", i ? "." : "", c->path[i]);
    if (n && n < cap)
        n += (size_t)snprintf(c->err->msg + n, cap - n, ": ");
    if (n < cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err->msg + n, cap - n, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* Index of the token after the subtree at i (each token has `size` children). */
static int skip(const ctx_t *c, int i)
{
    int pending = 1;
    while (pending > 0 && i < c->count) {
        pending += c->t[i].size - 1;
        i++;
    }
    return i;
}

static size_t tok_len(const jsmntok_t *t) { return (size_t)(t->end - t->start); }

/* jsmn, even strict, accepts some broken objects such as {"a","b":1}: a key
 * must be a string token that owns exactly one value, inside the tokens of
 * this parse (the buffer holds stale tokens past c->count). Found by fuzzing. */
static bool key_ok(const ctx_t *c, int at)
{
    return at + 1 < c->count && c->t[at].type == JSMN_STRING && c->t[at].size == 1;
}

static bool tok_is(const ctx_t *c, int i, const char *lit)
{
    size_t n = strlen(lit);
    return c->t[i].type == JSMN_PRIMITIVE && tok_len(&c->t[i]) == n &&
           !memcmp(c->js + c->t[i].start, lit, n);
}

static int hexval(char h)
{
    if (h >= '0' && h <= '9') return h - '0';
    if (h >= 'a' && h <= 'f') return h - 'a' + 10;
    if (h >= 'A' && h <= 'F') return h - 'A' + 10;
    return -1;
}

static unsigned read_u4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(s[i]);
        if (h < 0) return 0xFFFFFFFFu;
        v = v * 16 + h;
    }
    return (unsigned)v;
}

/* Decodes \uXXXX at s (6 bytes) and a following low surrogate; lone
 * surrogates become U+FFFD. Returns the bytes consumed after the backslash. */
static size_t unescape_u(const char *s, const char *end, unsigned *cp)
{
    if (end - s < 5) { *cp = 0xFFFD; return (size_t)(end - s); }
    unsigned hi = read_u4(s + 1);
    if (hi == 0xFFFFFFFFu) { *cp = 0xFFFD; return 5; }
    if (hi >= 0xD800 && hi <= 0xDBFF && end - s >= 11 && s[5] == '\\' && s[6] == 'u') {
        unsigned lo = read_u4(s + 7);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            *cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
            return 11;
        }
    }
    *cp = (hi >= 0xD800 && hi <= 0xDFFF) ? 0xFFFD : hi;
    return 5;
}

/* The string token's text, unescaped, as a NUL-terminated arena copy. */
static char *tok_string(ctx_t *c, int i, size_t *len_out)
{
    const char *s = c->js + c->t[i].start, *end = c->js + c->t[i].end;
    size_t n = (size_t)(end - s);
    if (!memchr(s, '\\', n)) {
        if (len_out) *len_out = n;
        return arena_strndup(c->arena, s, n);
    }
    char *d = arena_alloc(c->arena, n + 1), *o = d;
    while (s < end) {
        if (*s != '\\') { *o++ = *s++; continue; }
        s++;
        char e = s < end ? *s : 0;
        unsigned cp;
        switch (e) {
        case 'b': *o++ = '\b'; s++; break;
        case 'f': *o++ = '\f'; s++; break;
        case 'n': *o++ = '\n'; s++; break;
        case 'r': *o++ = '\r'; s++; break;
        case 't': *o++ = '\t'; s++; break;
        case 'u': s += unescape_u(s, end, &cp); o += utf8_encode(o, cp); break;
        default: *o++ = e; s++; break; /* \" \\ \/ */
        }
    }
    *o = '\0';
    if (len_out) *len_out = (size_t)(o - d);
    return d;
}

/* The string token at i as field f's value: its text, or for the field
 * whose text is not read, what pbjson_parser_skip_text says. */
static char *field_string(ctx_t *c, int i, const ProtobufCFieldDescriptor *f)
{
    if (!c->p || f != c->p->skip_text)
        return tok_string(c, i, NULL);
    const jsmntok_t *t = &c->t[i];
    if (t->end == t->start)
        return (char *)"";
    return c->js[t->start] == '\\' ? tok_string(c, i, NULL) : (char *)PBJSON_TEXT_SKIPPED;
}

/* Numbers: a JSON number token or a string holding one (int64 are strings). */
static bool tok_number_text(ctx_t *c, int i, char *buf, size_t cap)
{
    const jsmntok_t *t = &c->t[i];
    size_t n = tok_len(t);
    if ((t->type != JSMN_PRIMITIVE && t->type != JSMN_STRING) || n == 0 || n >= cap)
        return false;
    memcpy(buf, c->js + t->start, n);
    buf[n] = '\0';
    return t->type == JSMN_STRING || buf[0] == '-' || (buf[0] >= '0' && buf[0] <= '9');
}

/* The usual case, digits after an optional minus, too few to overflow:
 * read here, without a copy for strtoll (an iteration or a port a line). */
static bool plain_int(const char *s, size_t n, int64_t *v)
{
    size_t i = n > 0 && s[0] == '-';
    if (n == i || n - i > 18)
        return false;
    int64_t x = 0;
    for (size_t k = i; k < n; k++) {
        unsigned d = (unsigned)(unsigned char)s[k] - '0';
        if (d > 9)
            return false;
        x = x * 10 + d;
    }
    *v = i ? -x : x;
    return true;
}

static bool parse_int(ctx_t *c, int i, int64_t lo, int64_t hi, int64_t *out)
{
    char buf[64], *end;
    const jsmntok_t *t = &c->t[i];
    int64_t pv;
    if ((t->type == JSMN_PRIMITIVE || t->type == JSMN_STRING) && plain_int(c->js + t->start, tok_len(t), &pv)) {
        if (pv < lo || pv > hi)
            return fail(c, "integer out of range: %.*s", (int)tok_len(t), c->js + t->start);
        *out = pv;
        return true;
    }
    if (!tok_number_text(c, i, buf, sizeof buf))
        return fail(c, "expected an integer");
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (*end) { /* 1e3 or 5.0: allowed when integral */
        double d = strtod(buf, &end);
        if (*end || d != floor(d) || d < (double)lo || d > (double)hi)
            return fail(c, "expected an integer, got '%s'", buf);
        v = (long long)d;
    }
    if (errno == ERANGE || v < lo || v > hi)
        return fail(c, "integer out of range: %s", buf);
    *out = v;
    return true;
}

static bool parse_uint(ctx_t *c, int i, uint64_t hi, uint64_t *out)
{
    char buf[64], *end;
    if (!tok_number_text(c, i, buf, sizeof buf) || buf[0] == '-')
        return fail(c, "expected a non-negative integer");
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    if (*end || errno == ERANGE || v > hi)
        return fail(c, "expected an unsigned integer in range, got '%s'", buf);
    *out = v;
    return true;
}

static bool parse_double(ctx_t *c, int i, double *out)
{
    char buf[64], *end;
    if (c->t[i].type == JSMN_STRING) {
        size_t n = tok_len(&c->t[i]);
        const char *s = c->js + c->t[i].start;
        if (n == 3 && !memcmp(s, "NaN", 3)) { *out = NAN; return true; }
        if (n == 8 && !memcmp(s, "Infinity", 8)) { *out = INFINITY; return true; }
        if (n == 9 && !memcmp(s, "-Infinity", 9)) { *out = -INFINITY; return true; }
    }
    if (!tok_number_text(c, i, buf, sizeof buf))
        return fail(c, "expected a number");
    *out = strtod(buf, &end);
    if (*end)
        return fail(c, "expected a number, got '%s'", buf);
    return true;
}

/* The interned names of enum values newer than the schema; see pbjson.h. */
static struct {
    pthread_mutex_t mu;
    size_t n;
    struct { const ProtobufCEnumDescriptor *ed; char *name; } v[PBJSON_ENUM_SYNTH_MAX];
} synth = {.mu = PTHREAD_MUTEX_INITIALIZER};

/* The synthetic number of (ed, name), interning it; -1 when the table is full. */
static int synth_intern(const ProtobufCEnumDescriptor *ed, const char *name)
{
    int value = -1;
    pthread_mutex_lock(&synth.mu);
    for (size_t k = 0; k < synth.n && value < 0; k++)
        if (synth.v[k].ed == ed && !strcmp(synth.v[k].name, name))
            value = PBJSON_ENUM_SYNTH_BASE + (int)k;
    if (value < 0 && synth.n < PBJSON_ENUM_SYNTH_MAX) {
        char *copy = xstrdup(name);
        synth.v[synth.n].ed = ed;
        synth.v[synth.n].name = copy;
        value = PBJSON_ENUM_SYNTH_BASE + (int)synth.n++;
    }
    pthread_mutex_unlock(&synth.mu);
    return value;
}

const char *pbjson_enum_synth_name(const ProtobufCEnumDescriptor *ed, int value)
{
    const char *name = NULL;
    if (value < PBJSON_ENUM_SYNTH_BASE)
        return NULL;
    pthread_mutex_lock(&synth.mu);
    size_t k = (size_t)(value - PBJSON_ENUM_SYNTH_BASE);
    if (k < synth.n && synth.v[k].ed == ed)
        name = synth.v[k].name; /* never freed or moved: safe after the unlock */
    pthread_mutex_unlock(&synth.mu);
    return name;
}

/* Notes an unknown value in the parse's result, with its field path. */
static void note_unknown(ctx_t *c, const ProtobufCEnumDescriptor *ed, int value)
{
    if (c->err->n_unknown++ >= PBJSON_MAX_UNKNOWN)
        return;
    pbjson_unknown_t *u = &c->err->unknown[c->err->n_unknown - 1];
    u->ed = ed;
    u->value = value;
    size_t n = 0;
    u->path[0] = '\0';
    for (int k = 0; k < c->depth && n < sizeof u->path; k++)
        n += (size_t)snprintf(u->path + n, sizeof u->path - n, "%s%s", k ? "." : "", c->path[k]);
}

/* An enum value name is a protobuf identifier: only such a name can be one
 * from a newer schema (and is written back as it came). */
static bool enum_ident(const char *s, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (!((s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9') ||
              s[k] == '_'))
            return false;
    return n > 0;
}

static bool name_is(const char *name, const char *k, size_t n);

/* A name's hash for the parser's tables: its length, first and last bytes. */
static unsigned key_hash(const char *k, size_t n)
{
    return (unsigned)(n * 31 + (unsigned char)k[0] * 7 + (unsigned char)k[n - 1]);
}

/* ed's value named name[0..n) (NUL-terminated, n > 0), or NULL. */
static const ProtobufCEnumValue *enum_by_name(ctx_t *c, const ProtobufCEnumDescriptor *ed, const char *name,
                                              size_t n)
{
    if (!c->p)
        return protobuf_c_enum_descriptor_get_value_by_name(ed, name);
    unsigned h = key_hash(name, n) + (unsigned)((uintptr_t)ed >> 4);
    enum_memo_t *m = &c->p->enums[h & (ENUM_MEMO - 1)];
    if (m->ed == ed && name_is(m->v->name, name, n))
        return m->v;
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value_by_name(ed, name);
    if (v)
        *m = (enum_memo_t){ed, v};
    return v;
}

static bool parse_enum(ctx_t *c, int i, const ProtobufCEnumDescriptor *ed, int *out)
{
    if (c->t[i].type == JSMN_STRING) {
        char name[128];
        size_t n = tok_len(&c->t[i]);
        if (n < sizeof name && enum_ident(c->js + c->t[i].start, n)) {
            memcpy(name, c->js + c->t[i].start, n);
            name[n] = '\0';
            const ProtobufCEnumValue *v = enum_by_name(c, ed, name, n);
            if (v) { *out = v->value; return true; }
            int synth_value = c->strict ? -1 : synth_intern(ed, name);
            if (synth_value >= 0) {
                *out = synth_value;
                note_unknown(c, ed, synth_value);
                return true;
            }
        }
        return fail(c, "unknown %s value \"%.*s\"", ed->short_name, (int)(n > 60 ? 60 : n),
                    c->js + c->t[i].start);
    }
    int64_t v;
    if (!parse_int(c, i, INT32_MIN, INT32_MAX, &v))
        return false;
    *out = (int)v; /* unknown numbers are kept, as protobuf does */
    if (!protobuf_c_enum_descriptor_get_value(ed, *out))
        note_unknown(c, ed, *out);
    return true;
}

static int b64val(char ch)
{
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+' || ch == '-') return 62;
    if (ch == '/' || ch == '_') return 63;
    return -1;
}

/* Standard or URL-safe base64, padding optional. */
static bool parse_bytes(ctx_t *c, int i, ProtobufCBinaryData *out)
{
    if (c->t[i].type != JSMN_STRING)
        return fail(c, "expected a base64 string");
    const char *s = c->js + c->t[i].start;
    size_t n = tok_len(&c->t[i]);
    while (n && s[n - 1] == '=') n--;
    uint8_t *d = arena_alloc(c->arena, n * 3 / 4 + 3);
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t k = 0; k < n; k++) {
        int v = b64val(s[k]);
        if (v < 0)
            return fail(c, "invalid base64 at byte %zu", k);
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            d[o++] = (uint8_t)(acc >> bits);
        }
    }
    out->data = d;
    out->len = o;
    return true;
}

static bool parse_message_into(ctx_t *c, int *i, const ProtobufCMessageDescriptor *desc,
                               ProtobufCMessage *msg);

static ProtobufCMessage *new_message(ctx_t *c, const ProtobufCMessageDescriptor *desc)
{
    ProtobufCMessage *m = arena_alloc(c->arena, desc->sizeof_message);
    desc->message_init(m);
    return m;
}

static bool parse_timestamp(ctx_t *c, int i, ProtobufCMessage **out)
{
    if (c->t[i].type != JSMN_STRING)
        return fail(c, "expected an RFC 3339 time string");
    Google__Protobuf__Timestamp *ts = (void *)new_message(c, &google__protobuf__timestamp__descriptor);
    if (!pbjson_parse_time_memo(c->p ? &c->p->time_memo : NULL, c->js + c->t[i].start, tok_len(&c->t[i]),
                                &ts->seconds, &ts->nanos))
        return fail(c, "invalid RFC 3339 time \"%.*s\"", (int)(tok_len(&c->t[i]) > 40 ? 40 : tok_len(&c->t[i])),
                    c->js + c->t[i].start);
    *out = &ts->base;
    return true;
}

static bool parse_submessage(ctx_t *c, int *i, const ProtobufCMessageDescriptor *desc,
                             ProtobufCMessage **out)
{
    if (desc == &google__protobuf__timestamp__descriptor) {
        bool ok = parse_timestamp(c, *i, out);
        *i = skip(c, *i);
        return ok;
    }
    ProtobufCMessage *m = new_message(c, desc);
    if (!parse_message_into(c, i, desc, m))
        return false;
    *out = m;
    return true;
}

/* Parses the value at *i into the scalar/message slot p of field f; advances *i. */
static bool parse_value(ctx_t *c, int *i, const ProtobufCFieldDescriptor *f, void *p)
{
    int64_t iv;
    uint64_t uv;
    double dv;
    int at = *i;
    bool ok = true;
    if (f->type == PROTOBUF_C_TYPE_MESSAGE)
        return parse_submessage(c, i, f->descriptor, p);
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
        if ((ok = parse_int(c, at, INT32_MIN, INT32_MAX, &iv))) *(int32_t *)p = (int32_t)iv;
        break;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
        if ((ok = parse_int(c, at, INT64_MIN, INT64_MAX, &iv))) *(int64_t *)p = iv;
        break;
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
        if ((ok = parse_uint(c, at, UINT32_MAX, &uv))) *(uint32_t *)p = (uint32_t)uv;
        break;
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        if ((ok = parse_uint(c, at, UINT64_MAX, &uv))) *(uint64_t *)p = uv;
        break;
    case PROTOBUF_C_TYPE_FLOAT:
        if ((ok = parse_double(c, at, &dv))) *(float *)p = (float)dv;
        break;
    case PROTOBUF_C_TYPE_DOUBLE:
        if ((ok = parse_double(c, at, &dv))) *(double *)p = dv;
        break;
    case PROTOBUF_C_TYPE_BOOL:
        if (tok_is(c, at, "true")) *(protobuf_c_boolean *)p = 1;
        else if (tok_is(c, at, "false")) *(protobuf_c_boolean *)p = 0;
        else ok = fail(c, "expected true or false");
        break;
    case PROTOBUF_C_TYPE_ENUM:
        ok = parse_enum(c, at, f->descriptor, (int *)p);
        break;
    case PROTOBUF_C_TYPE_STRING:
        if (c->t[at].type != JSMN_STRING) ok = fail(c, "expected a string");
        else *(char **)p = field_string(c, at, f);
        break;
    case PROTOBUF_C_TYPE_BYTES:
        ok = parse_bytes(c, at, p);
        break;
    default:
        ok = fail(c, "unsupported field type");
    }
    *i = skip(c, at);
    return ok;
}

/* A map<K,V> is a repeated {key=1, value=2} entry message, written in JSON as
 * an object whose keys are K's text. */
static bool parse_map(ctx_t *c, int *i, const ProtobufCFieldDescriptor *f, void *msg)
{
    const ProtobufCMessageDescriptor *ed = f->descriptor;
    const ProtobufCFieldDescriptor *kf = protobuf_c_message_descriptor_get_field(ed, 1);
    const ProtobufCFieldDescriptor *vf = protobuf_c_message_descriptor_get_field(ed, 2);
    int n = c->t[*i].size, at = *i + 1;
    ProtobufCMessage **arr = arena_alloc(c->arena, sizeof *arr * (size_t)(n ? n : 1));
    for (int k = 0; k < n; k++) {
        if (!key_ok(c, at))
            return fail(c, "invalid JSON: a key without a value");
        ProtobufCMessage *e = new_message(c, ed);
        /* The key token is a string; numeric keys are parsed from its text. */
        if (kf->type == PROTOBUF_C_TYPE_STRING) {
            MEMBER(e, kf->offset, char *) = tok_string(c, at, NULL);
            at++;
        } else {
            /* jsmn makes the value a child of its key: step over the key
             * token alone, not its subtree. */
            int key = at;
            if (!parse_value(c, &at, kf, (char *)e + kf->offset))
                return false;
            at = key + 1;
        }
        if (!parse_value(c, &at, vf, (char *)e + vf->offset))
            return false;
        arr[k] = e;
    }
    MEMBER(msg, f->quantifier_offset, size_t) = (size_t)n;
    MEMBER(msg, f->offset, void *) = arr;
    *i = at;
    return true;
}

static bool parse_repeated(ctx_t *c, int *i, const ProtobufCFieldDescriptor *f, void *msg)
{
    if (c->t[*i].type == JSMN_OBJECT && f->type == PROTOBUF_C_TYPE_MESSAGE && pbjson_is_map_entry(f->descriptor))
        return parse_map(c, i, f, msg);
    if (c->t[*i].type != JSMN_ARRAY)
        return fail(c, "expected an array");
    int n = c->t[*i].size, at = *i + 1;
    size_t es = pbjson_elem_size(f);
    char *arr = arena_alloc(c->arena, es * (size_t)(n ? n : 1));
    for (int k = 0; k < n; k++) {
        if (at >= c->count)
            return fail(c, "invalid JSON");
        if (!parse_value(c, &at, f, arr + es * (size_t)k))
            return false;
    }
    MEMBER(msg, f->quantifier_offset, size_t) = (size_t)n;
    MEMBER(msg, f->offset, void *) = arr;
    *i = at;
    return true;
}

/* A second member of a oneof in one object: protobuf keeps the last one
 * silently, which hides a mistake; name both. */
static bool oneof_taken(ctx_t *c, const ProtobufCFieldDescriptor *f, const ProtobufCMessage *msg)
{
    uint32_t set = MEMBER(msg, f->quantifier_offset, uint32_t);
    if (!set || set == f->id)
        return false;
    const ProtobufCFieldDescriptor *o = protobuf_c_message_descriptor_get_field(msg->descriptor, set);
    c->depth--; /* the message's path, not the field's */
    fail(c, "two %s kinds in one object: \"%s\" and \"%s\"", msg->descriptor->short_name,
         o ? o->name : "?", f->name);
    c->depth++;
    return true;
}

static bool parse_field(ctx_t *c, int *i, const ProtobufCFieldDescriptor *f, ProtobufCMessage *msg)
{
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        return parse_repeated(c, i, f, msg);
    if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) && oneof_taken(c, f, msg))
        return false;
    if (!parse_value(c, i, f, (char *)msg + f->offset))
        return false;
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        MEMBER(msg, f->quantifier_offset, uint32_t) = f->id;
    else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset &&
             f->type != PROTOBUF_C_TYPE_MESSAGE && f->type != PROTOBUF_C_TYPE_STRING)
        MEMBER(msg, f->quantifier_offset, protobuf_c_boolean) = 1;
    return true;
}

static unsigned name_hash(const char *k, size_t n)
{
    return key_hash(k, n) & (FIELD_SLOTS - 1);
}

static void field_table_fill(field_table_t *t, const ProtobufCMessageDescriptor *desc)
{
    memset(t, 0, sizeof *t);
    t->desc = desc;
    t->scan = desc->n_fields > FIELD_TABLE_MAX;
    for (unsigned i = 0; !t->scan && i < desc->n_fields; i++) {
        const char *name = desc->fields[i].name;
        size_t len = strlen(name);
        t->scan = len > UINT8_MAX;
        t->name_len[i] = (uint8_t)len;
        unsigned h = name_hash(name, len);
        while (t->slot[h])
            h = (h + 1) & (FIELD_SLOTS - 1);
        t->slot[h] = (uint8_t)(i + 1);
    }
}

/* desc's table in the parser, made now if new; NULL when the parser has
 * no room left (then names are scanned). */
static const field_table_t *field_table(pbjson_parser_t *p, const ProtobufCMessageDescriptor *desc)
{
    if (!p->types)
        p->types = xcalloc(TYPE_SLOTS, sizeof *p->types);
    unsigned h = (unsigned)((uintptr_t)desc >> 4) & (TYPE_SLOTS - 1);
    for (unsigned probe = 0; probe < TYPE_SLOTS; probe++, h = (h + 1) & (TYPE_SLOTS - 1)) {
        field_table_t *t = &p->types[h];
        if (t->desc == desc)
            return t;
        if (!t->desc) {
            field_table_fill(t, desc);
            return t;
        }
    }
    return NULL;
}

/* Whether the field name is exactly k[0..n). Inline: names are short, and
 * a call to memcmp cost more than the comparing (5% of skview state). */
static bool name_is(const char *name, const char *k, size_t n)
{
    size_t j = 0;
    while (j < n && name[j] == k[j])
        j++;
    return j == n && name[n] == '\0';
}

/* a[0..n) == b[0..n) (both hold n bytes) in whole words, the last one
 * overlapping the one before: no byte loop whose end mispredicts. */
static bool same_bytes(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    uint32_t u, v, u2, v2;
    uint16_t p, q, p2, q2;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return false;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        memcpy(&u, a, 4), memcpy(&v, b, 4), memcpy(&u2, a + n - 4, 4), memcpy(&v2, b + n - 4, 4);
        return u == v && u2 == v2;
    }
    if (n >= 2) {
        memcpy(&p, a, 2), memcpy(&q, b, 2), memcpy(&p2, a + n - 2, 2), memcpy(&q2, b + n - 2, 2);
        return p == q && p2 == q2;
    }
    return n == 0 || a[0] == b[0];
}

/* The field named exactly by the key token (protobuf-c's own lookup does
 * strcmp over a NUL-terminated copy of the key), by desc's table t (NULL:
 * scanned). */
static const ProtobufCFieldDescriptor *find_field(ctx_t *c, int key, const ProtobufCMessageDescriptor *desc,
                                                  const field_table_t *t)
{
    const char *k = c->js + c->t[key].start;
    size_t n = tok_len(&c->t[key]);
    if (c->t[key].type != JSMN_STRING || n == 0)
        return NULL;
    if (!t || t->scan) {
        for (unsigned i = 0; i < desc->n_fields; i++)
            if (desc->fields[i].name[0] == k[0] && name_is(desc->fields[i].name, k, n))
                return &desc->fields[i];
        return NULL;
    }
    for (unsigned h = name_hash(k, n); t->slot[h]; h = (h + 1) & (FIELD_SLOTS - 1)) {
        unsigned i = t->slot[h] - 1u;
        if (t->name_len[i] == n && same_bytes(desc->fields[i].name, k, n))
            return &desc->fields[i];
    }
    return NULL;
}

/* protobuf's JSON mapping accepts a field's original .proto name beside its
 * lowerCamel JSON name. Skaffold's .proto names are lowerCamel already
 * (localPort), so the other spelling a client sends is the snake_case form
 * protoc would turn into that name (local_port): compare through protoc's
 * ToJsonName rule, each "_x" read as "X". */
static bool same_snake(const char *k, size_t n, const char *name)
{
    size_t j = 0;
    for (size_t i = 0; i < n; i++, j++) {
        char ch = k[i];
        if (ch == '_' && i + 1 < n) {
            ch = k[++i];
            if (ch >= 'a' && ch <= 'z') ch = (char)(ch - 32);
        }
        if (name[j] != ch)
            return false;
    }
    return name[j] == '\0';
}

/* The first field of desc whose name matches the key k[0..n) by match. */
static const ProtobufCFieldDescriptor *find_field_by(const char *k, size_t n,
                                                     const ProtobufCMessageDescriptor *desc,
                                                     bool (*match)(const char *, size_t, const char *))
{
    for (unsigned i = 0; i < desc->n_fields; i++)
        if (match(k, n, desc->fields[i].name))
            return &desc->fields[i];
    return NULL;
}

/* The other direction, for the .proto names that are snake_case (v2's
 * task_id): the key is the lowerCamel JSON name Go's jsonpb writes (taskId). */
static bool same_camel(const char *k, size_t n, const char *name)
{
    size_t i = 0;
    for (size_t j = 0; name[j]; j++, i++) {
        char ch = name[j];
        if (ch == '_' && name[j + 1]) {
            ch = name[++j];
            if (ch >= 'a' && ch <= 'z') ch = (char)(ch - 32);
        }
        if (i >= n || k[i] != ch)
            return false;
    }
    return i == n;
}

static const ProtobufCFieldDescriptor *find_field_snake(ctx_t *c, int key,
                                                        const ProtobufCMessageDescriptor *desc)
{
    const char *k = c->js + c->t[key].start;
    size_t n = tok_len(&c->t[key]);
    if (c->t[key].type != JSMN_STRING)
        return NULL;
    return find_field_by(k, n, desc, memchr(k, '_', n) ? same_snake : same_camel);
}

/* True when every field of desc is in one oneof, beside at most its
 * Timestamp (Skaffold's v1 Event, v2 Event): a key that names none of them
 * is a kind we do not know, not an extra field. */
static bool all_oneof(const ProtobufCMessageDescriptor *desc)
{
    unsigned members = 0;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
            members++;
        else if (f->type != PROTOBUF_C_TYPE_MESSAGE || f->descriptor != &google__protobuf__timestamp__descriptor)
            return false;
    }
    return members > 0;
}

/* A key that names no field: skipped (protobuf's default), except in
 * strict mode and in a message that is one oneof. Returns false to fail. */
static bool unknown_key(ctx_t *c, int key, const ProtobufCMessageDescriptor *desc)
{
    if (!c->strict && (c->keys || !all_oneof(desc)))
        return true;
    const char *k = c->js + c->t[key].start;
    int n = (int)(tok_len(&c->t[key]) > 60 ? 60 : tok_len(&c->t[key]));
    if (!c->strict)
        return fail(c, "unknown %s kind \"%.*s\" (from a newer Skaffold?)", desc->short_name, n, k);
    if (c->depth < MAX_DEPTH)
        c->path[c->depth++] = arena_strndup(c->arena, k, (size_t)n);
    if (all_oneof(desc))
        fail(c, "unknown %s kind", desc->short_name);
    else
        fail(c, "unknown field");
    return false;
}

static bool same_ci(const char *a, size_t n, const char *b)
{
    for (size_t j = 0; j < n; j++) {
        char x = a[j], y = b[j];
        if (!y)
            return false;
        if (x >= 'A' && x <= 'Z') x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (char)(y + 32);
        if (x != y)
            return false;
    }
    return b[n] == '\0';
}

/* The loose matching of pbjson_parse_keys, tried only when the exact name
 * missed, so canonical input costs nothing more. */
static const ProtobufCFieldDescriptor *find_field_loose(ctx_t *c, int key,
                                                        const ProtobufCMessageDescriptor *desc)
{
    const char *k = c->js + c->t[key].start;
    size_t n = tok_len(&c->t[key]);
    const ProtobufCFieldDescriptor *exact = find_field_by(k, n, desc, same_ci);
    if (exact)
        return exact;
    for (size_t a = 0; a < c->keys->n_aliases; a++)
        if (same_ci(k, n, c->keys->aliases[a].key)) {
            const ProtobufCFieldDescriptor *f =
                protobuf_c_message_descriptor_get_field_by_name(desc, c->keys->aliases[a].field);
            if (f)
                return f;
        }
    return NULL;
}

/* Whether the key token at is the root's key to unwrap. */
static bool is_unwrap_key(const ctx_t *c, int at)
{
    return tok_len(&c->t[at]) == c->unwrap_len && !memcmp(c->js + c->t[at].start, c->unwrap, c->unwrap_len);
}

/* The object at *i into msg; unknown keys and nulls are skipped. With
 * c->unwrap, the root object's key of that name stops it (false, with
 * c->unwrap_at set). */
static bool parse_message_into(ctx_t *c, int *i, const ProtobufCMessageDescriptor *desc,
                               ProtobufCMessage *msg)
{
    if (c->t[*i].type != JSMN_OBJECT)
        return fail(c, "expected an object for %s", desc->short_name);
    if (c->depth >= MAX_DEPTH)
        return fail(c, "nested too deeply");
    int n = c->t[*i].size, at = *i + 1;
    const field_table_t *tab = c->p && n ? field_table(c->p, desc) : NULL; /* once an object, not a key */
    for (int k = 0; k < n; k++) {
        if (!key_ok(c, at))
            return fail(c, "invalid JSON: a key without a value");
        if (c->unwrap && c->depth == 0 && is_unwrap_key(c, at)) {
            c->unwrap_at = at + 1;
            return false;
        }
        const ProtobufCFieldDescriptor *f = find_field(c, at, desc, tab);
        if (!f && c->keys && c->t[at].type == JSMN_STRING)
            f = find_field_loose(c, at, desc);
        if (!f)
            f = find_field_snake(c, at, desc);
        if (!f && !unknown_key(c, at, desc))
            return false;
        at++; /* the key */
        if (!f || (c->js[c->t[at].start] == 'n' && tok_is(c, at, "null"))) {
            at = skip(c, at);
            continue;
        }
        c->path[c->depth++] = f->name;
        bool ok = parse_field(c, &at, f, msg);
        c->depth--;
        if (!ok)
            return false;
    }
    *i = at;
    return true;
}

/* Tokenizes, growing the token buffer as needed. Returns the token count or
 * a negative jsmn error. */
static int tokenize(pbjson_parser_t *p, const char *json, size_t len)
{
    for (;;) {
        jsmn_parser jp;
        jsmn_init(&jp);
        int r = jsmn_parse(&jp, json, len, p->toks, p->ntoks);
        if (r != JSMN_ERROR_NOMEM || p->ntoks >= MAX_TOKENS)
            return r;
        jsmntok_t *t = xrealloc(p->toks, 2 * p->ntoks * sizeof *t);
        p->toks = t;
        p->ntoks *= 2;
    }
}

int pbjson_tokenize(pbjson_parser_t *p, const char *json, size_t len)
{
    return tokenize(p, json, len);
}

static const char *jsmn_error_text(int r)
{
    switch (r) {
    case JSMN_ERROR_INVAL: return "invalid JSON";
    case JSMN_ERROR_PART: return "truncated JSON";
    case JSMN_ERROR_NOMEM: return "too many JSON tokens";
    default: return "no JSON value";
    }
}

/* The value token of key in the object at token obj, or -1. Its keys are
 * the tokens whose parent it is (jsmn's parent links): found without
 * stepping over each value's subtree. */
static int object_key(const ctx_t *c, int obj, const char *key)
{
    int left = c->t[obj].size;
    size_t kl = strlen(key);
    for (int at = obj + 1; left > 0 && at < c->count; at++) {
        if (c->t[at].parent != obj)
            continue;
        if (!key_ok(c, at))
            return -1;
        if (tok_len(&c->t[at]) == kl && !memcmp(c->js + c->t[at].start, key, kl))
            return at + 1;
        left--;
    }
    return -1;
}

static ProtobufCMessage *parse_with(pbjson_parser_t *p, const char *json, size_t len,
                                    const ProtobufCMessageDescriptor *desc, arena_t *arena,
                                    const char *unwrap_key, bool *unwrapped,
                                    const pbjson_keys_t *keys, bool strict, pbjson_err_t *err);

/* The root object (token 0) as a new desc or, when it has the key
 * unwrap_key (a gateway's {"result": ...}), that key's value. The key is
 * noticed while the object is parsed, not looked for first (a walk over
 * every token of every line, 2% of skview state): a parse that meets it
 * starts again at its value, one that fails looks for it as before. */
static ProtobufCMessage *parse_root(ctx_t *c, const ProtobufCMessageDescriptor *desc, const char *unwrap_key,
                                    bool *unwrapped)
{
    int at = 0;
    c->unwrap = unwrap_key;
    c->unwrap_len = unwrap_key ? strlen(unwrap_key) : 0;
    ProtobufCMessage *msg = new_message(c, desc);
    if (parse_message_into(c, &at, desc, msg))
        return msg;
    at = c->unwrap_at >= 0 ? c->unwrap_at : unwrap_key ? object_key(c, 0, unwrap_key) : -1;
    if (at < 0)
        return NULL;
    c->unwrap = NULL;
    c->err->msg[0] = '\0';
    c->err->n_unknown = 0;
    if (unwrapped)
        *unwrapped = true;
    msg = new_message(c, desc);
    return parse_message_into(c, &at, desc, msg) ? msg : NULL;
}

ProtobufCMessage *pbjson_parse(pbjson_parser_t *p, const char *json, size_t len,
                               const ProtobufCMessageDescriptor *desc, arena_t *arena,
                               const char *unwrap_key, bool *unwrapped, pbjson_err_t *err)
{
    return parse_with(p, json, len, desc, arena, unwrap_key, unwrapped, NULL, false, err);
}

ProtobufCMessage *pbjson_parse_keys(pbjson_parser_t *p, const char *json, size_t len,
                                    const ProtobufCMessageDescriptor *desc, arena_t *arena,
                                    const pbjson_keys_t *keys, pbjson_err_t *err)
{
    return parse_with(p, json, len, desc, arena, NULL, NULL, keys, false, err);
}

ProtobufCMessage *pbjson_parse_strict(pbjson_parser_t *p, const char *json, size_t len,
                                      const ProtobufCMessageDescriptor *desc, arena_t *arena,
                                      pbjson_err_t *err)
{
    return parse_with(p, json, len, desc, arena, NULL, NULL, NULL, true, err);
}

static ProtobufCMessage *parse_with(pbjson_parser_t *p, const char *json, size_t len,
                                    const ProtobufCMessageDescriptor *desc, arena_t *arena,
                                    const char *unwrap_key, bool *unwrapped,
                                    const pbjson_keys_t *keys, bool strict, pbjson_err_t *err)
{
    err->msg[0] = '\0';
    err->n_unknown = 0;
    if (unwrapped)
        *unwrapped = false;
    int r = tokenize(p, json, len);
    ctx_t c;
    ctx_init(&c, json, p, r, arena, err);
    c.keys = keys;
    c.strict = strict;
    if (r <= 0) {
        fail(&c, "%s", jsmn_error_text(r));
        return NULL;
    }
    if (p->toks[0].type != JSMN_OBJECT) {
        fail(&c, "expected a JSON object");
        return NULL;
    }
    /* Every token made while the object is open is in it (jsmn's parent
     * links): text after it shows as a token starting past its end. */
    if (p->toks[r - 1].start >= p->toks[0].end) {
        fail(&c, "unexpected text after the JSON object");
        return NULL;
    }
    return parse_root(&c, desc, unwrap_key, unwrapped);
}

static const char *const grpc_code_names[] = {
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
    "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
    "UNAUTHENTICATED",
};

bool pbjson_stream_error(pbjson_parser_t *p, const char *json, size_t len, pbjson_err_t *err)
{
    int r = tokenize(p, json, len);
    arena_t scratch;
    arena_init(&scratch);
    pbjson_err_t e = {.msg = ""};
    ctx_t c;
    ctx_init(&c, json, p, r, &scratch, &e);
    int obj = r > 0 && p->toks[0].type == JSMN_OBJECT ? object_key(&c, 0, "error") : -1;
    if (obj < 0 || c.t[obj].type != JSMN_OBJECT) {
        arena_free(&scratch);
        return false;
    }
    int code = object_key(&c, obj, "grpcCode"), msg = object_key(&c, obj, "message");
    if (code < 0)
        code = object_key(&c, obj, "code");
    int64_t v = -1;
    if (code < 0 || !parse_int(&c, code, 0, INT32_MAX, &v))
        v = -1;
    const char *text = msg >= 0 && c.t[msg].type == JSMN_STRING ? tok_string(&c, msg, NULL) : "";
    const char *name = v >= 0 && v < 17 ? grpc_code_names[v] : "?";
    if (v >= 0)
        snprintf(err->msg, sizeof err->msg, "the gateway reported an error: %lld %s: %s", (long long)v, name, text);
    else
        snprintf(err->msg, sizeof err->msg, "the gateway reported an error: %s", text);
    arena_free(&scratch);
    return true;
}
