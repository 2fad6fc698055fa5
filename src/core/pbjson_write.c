/* protobuf-c message -> canonical JSON; see pbjson.h for the mapping. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "google/protobuf/timestamp.pb-c.h"
#include "core/pbjson.h"
#include "core/pbjson_int.h"
#include "core/utf8.h"

#define MEMBER(msg, off, type) (*(const type *)((const char *)(msg) + (off)))

static void write_message(strbuf_t *out, const ProtobufCMessage *msg);

/* Strings are escaped as Go's encoding/json does (what Skaffold's jsonpb
 * output uses): control characters, and also <, > and & as \u003c, \u003e,
 * \u0026, so that `skview events --json` reproduces Skaffold's lines. */

void sb_json_string(strbuf_t *b, const char *str, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    sb_addc(b, '"');
    size_t run = 0; /* start of the pending run of bytes copied as they are */
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
            i++;
            continue;
        }
        uint32_t cp;
        size_t ok = c >= 0x80 ? utf8_decode(s + i, n - i, &cp) : 0;
        /* U+2028 and U+2029 are escaped like Go's encoder does. */
        bool sep = ok == 3 && c == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9);
        if (ok && !sep) { i += ok; continue; }
        if (sep) {
            sb_add(b, str + run, i - run);
            sb_adds(b, s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
            run = i += 3;
            continue;
        }
        sb_add(b, str + run, i - run);
        switch (c) {
        case '"': sb_add(b, "\\\"", 2); break;
        case '\\': sb_add(b, "\\\\", 2); break;
        case '\n': sb_add(b, "\\n", 2); break;
        case '\r': sb_add(b, "\\r", 2); break;
        case '\t': sb_add(b, "\\t", 2); break;
        default:
            if (c < 0x80) { /* other controls, DEL, and <>& as Go escapes them */
                char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                sb_add(b, u, 6);
            } else {
                sb_add(b, "\\ufffd", 6); /* invalid UTF-8 byte */
            }
        }
        run = ++i;
    }
    sb_add(b, str + run, n - run);
    sb_addc(b, '"');
}

static void write_base64(strbuf_t *out, const ProtobufCBinaryData *d)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    sb_addc(out, '"');
    size_t i = 0;
    for (; i + 2 < d->len; i += 3) {
        uint32_t v = (uint32_t)d->data[i] << 16 | (uint32_t)d->data[i + 1] << 8 | d->data[i + 2];
        char q[4] = {tbl[v >> 18], tbl[(v >> 12) & 63], tbl[(v >> 6) & 63], tbl[v & 63]};
        sb_add(out, q, 4);
    }
    if (i < d->len) {
        uint32_t v = (uint32_t)d->data[i] << 16 | (i + 1 < d->len ? (uint32_t)d->data[i + 1] << 8 : 0);
        char q[4] = {tbl[v >> 18], tbl[(v >> 12) & 63], i + 1 < d->len ? tbl[(v >> 6) & 63] : '=', '='};
        sb_add(out, q, 4);
    }
    sb_addc(out, '"');
}

static void write_double(strbuf_t *out, double v)
{
    if (isnan(v)) sb_adds(out, "\"NaN\"");
    else if (isinf(v)) sb_adds(out, v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    else sb_printf(out, "%.17g", v);
}

/* One scalar or message value at p. */
static void write_value(strbuf_t *out, const ProtobufCFieldDescriptor *f, const void *p)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
        sb_printf(out, "%d", *(const int32_t *)p); break;
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
        sb_printf(out, "%u", *(const uint32_t *)p); break;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
        sb_printf(out, "\"%lld\"", (long long)*(const int64_t *)p); break;
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        sb_printf(out, "\"%llu\"", (unsigned long long)*(const uint64_t *)p); break;
    case PROTOBUF_C_TYPE_FLOAT: write_double(out, *(const float *)p); break;
    case PROTOBUF_C_TYPE_DOUBLE: write_double(out, *(const double *)p); break;
    case PROTOBUF_C_TYPE_BOOL: sb_adds(out, *(const protobuf_c_boolean *)p ? "true" : "false"); break;
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(f->descriptor, *(const int *)p);
        const char *synth = v ? NULL : pbjson_enum_synth_name(f->descriptor, *(const int *)p);
        if (v) { sb_addc(out, '"'); sb_adds(out, v->name); sb_addc(out, '"'); }
        else if (synth) sb_json_string(out, synth, strlen(synth)); /* a name newer than the schema */
        else sb_printf(out, "%d", *(const int *)p);
        break;
    }
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(char *const *)p;
        sb_json_string(out, s ? s : "", s ? strlen(s) : 0);
        break;
    }
    case PROTOBUF_C_TYPE_BYTES: write_base64(out, p); break;
    case PROTOBUF_C_TYPE_MESSAGE: write_message(out, *(ProtobufCMessage *const *)p); break;
    default: sb_adds(out, "null");
    }
}

bool pbjson_is_default(const ProtobufCFieldDescriptor *f, const void *p)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        return *(const uint64_t *)p == 0;
    case PROTOBUF_C_TYPE_FLOAT: return *(const float *)p == 0;
    case PROTOBUF_C_TYPE_DOUBLE: return *(const double *)p == 0;
    case PROTOBUF_C_TYPE_BOOL: return !*(const protobuf_c_boolean *)p;
    case PROTOBUF_C_TYPE_ENUM: return *(const int *)p == 0;
    case PROTOBUF_C_TYPE_STRING: { const char *s = *(char *const *)p; return !s || !*s; }
    case PROTOBUF_C_TYPE_BYTES: return ((const ProtobufCBinaryData *)p)->len == 0;
    case PROTOBUF_C_TYPE_MESSAGE: return *(ProtobufCMessage *const *)p == NULL;
    default: return *(const uint32_t *)p == 0;
    }
}

bool pbjson_is_map_entry(const ProtobufCMessageDescriptor *d)
{
    size_t nl = strlen(d->name);
    return d->n_fields == 2 && d->fields[0].id == 1 && d->fields[1].id == 2 && nl > 5 &&
           !strcmp(d->name + nl - 5, "Entry") && !strcmp(d->fields[0].name, "key");
}

/* Map keys sort as strings, or numerically for integer keys. */
static int cmp_entries(const void *a, const void *b)
{
    const ProtobufCMessage *x = *(ProtobufCMessage *const *)a, *y = *(ProtobufCMessage *const *)b;
    const ProtobufCFieldDescriptor *kf = &x->descriptor->fields[0];
    if (kf->type == PROTOBUF_C_TYPE_STRING) {
        const char *ks = MEMBER(x, kf->offset, char *), *ky = MEMBER(y, kf->offset, char *);
        return strcmp(ks ? ks : "", ky ? ky : "");
    }
    int64_t kx = kf->type == PROTOBUF_C_TYPE_INT64 || kf->type == PROTOBUF_C_TYPE_UINT64
                     ? MEMBER(x, kf->offset, int64_t) : MEMBER(x, kf->offset, int32_t);
    int64_t ky = kf->type == PROTOBUF_C_TYPE_INT64 || kf->type == PROTOBUF_C_TYPE_UINT64
                     ? MEMBER(y, kf->offset, int64_t) : MEMBER(y, kf->offset, int32_t);
    return (kx > ky) - (kx < ky);
}

static void write_map(strbuf_t *out, ProtobufCMessage *const *arr, size_t n)
{
    ProtobufCMessage **sorted = xmalloc(n * sizeof *sorted);
    memcpy(sorted, arr, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_entries);
    sb_addc(out, '{');
    for (size_t k = 0; k < n; k++) {
        const ProtobufCMessage *e = sorted[k];
        const ProtobufCFieldDescriptor *kf = &e->descriptor->fields[0], *vf = &e->descriptor->fields[1];
        if (k) sb_addc(out, ',');
        if (kf->type == PROTOBUF_C_TYPE_STRING) {
            write_value(out, kf, (const char *)e + kf->offset);
        } else {
            strbuf_t tmp;
            sb_init(&tmp);
            write_value(&tmp, kf, (const char *)e + kf->offset);
            /* int64 keys already print quoted; quote the others. */
            if (tmp.len && tmp.data[0] == '"') sb_add(out, tmp.data, tmp.len);
            else { sb_addc(out, '"'); sb_add(out, tmp.data, tmp.len); sb_addc(out, '"'); }
            sb_free(&tmp);
        }
        sb_addc(out, ':');
        write_value(out, vf, (const char *)e + vf->offset);
    }
    sb_addc(out, '}');
    free(sorted);
}

static void write_repeated(strbuf_t *out, const ProtobufCFieldDescriptor *f, const void *arr, size_t n)
{
    if (f->type == PROTOBUF_C_TYPE_MESSAGE && pbjson_is_map_entry(f->descriptor)) {
        write_map(out, arr, n);
        return;
    }
    size_t es = pbjson_elem_size(f);
    sb_addc(out, '[');
    for (size_t k = 0; k < n; k++) {
        if (k) sb_addc(out, ',');
        write_value(out, f, (const char *)arr + es * k);
    }
    sb_addc(out, ']');
}

static void write_field_name(strbuf_t *out, bool *first, const char *name)
{
    if (!*first) sb_addc(out, ',');
    *first = false;
    sb_addc(out, '"');
    /* The JSON name (protoc's ToJsonName): "_x" becomes "X" (v2's task_id
     * is "taskId"); Skaffold's other names are lowerCamel already. */
    if (!strchr(name, '_')) {
        sb_adds(out, name);
        sb_add(out, "\":", 2);
        return;
    }
    for (const char *s = name; *s; s++) {
        if (*s == '_' && s[1]) {
            s++;
            sb_addc(out, *s >= 'a' && *s <= 'z' ? (char)(*s - 32) : *s);
        } else {
            sb_addc(out, *s);
        }
    }
    sb_add(out, "\":", 2);
}

static void write_message(strbuf_t *out, const ProtobufCMessage *msg)
{
    const ProtobufCMessageDescriptor *d = msg->descriptor;
    if (d == &google__protobuf__timestamp__descriptor) {
        const Google__Protobuf__Timestamp *ts = (const void *)msg;
        sb_addc(out, '"');
        pbjson_format_time(out, ts->seconds, ts->nanos);
        sb_addc(out, '"');
        return;
    }
    bool first = true;
    sb_addc(out, '{');
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const void *p = (const char *)msg + f->offset;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = MEMBER(msg, f->quantifier_offset, size_t);
            if (n == 0) continue;
            write_field_name(out, &first, f->name);
            write_repeated(out, f, *(void *const *)p, n);
            continue;
        }
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            /* A oneof member is written when chosen, even with a default
             * value: TriggerState.enabled=false must survive a round trip. */
            if (MEMBER(msg, f->quantifier_offset, uint32_t) != f->id) continue;
        } else if (pbjson_is_default(f, p)) {
            continue;
        }
        write_field_name(out, &first, f->name);
        write_value(out, f, p);
    }
    sb_addc(out, '}');
}

void pbjson_write(strbuf_t *out, const ProtobufCMessage *msg)
{
    write_message(out, msg);
}
