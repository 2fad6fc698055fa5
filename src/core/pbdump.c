/* Every set field of a message as text (pbdump.h). */
#include <stdbool.h>
#include <stdint.h>
#include "core/pbdump.h"
#include "core/pbjson.h"
#include "google/protobuf/timestamp.pb-c.h"

static void indent_to(strbuf_t *out, int indent)
{
    for (int i = 0; i < indent; i++)
        sb_adds(out, "  ");
}

static void dump_value(strbuf_t *out, const ProtobufCFieldDescriptor *f, const void *p, int indent);

/* proto3 scalars have no presence: a default value is "not set"; a oneof
 * member is set when it is the case. */
static bool is_set(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f, const void *p)
{
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        return *(const uint32_t *)((const char *)m + f->quantifier_offset) == f->id;
    return !pbjson_is_default(f, p);
}

static void dump_message_value(strbuf_t *out, const ProtobufCMessage *m, int indent)
{
    if (m->descriptor == &google__protobuf__timestamp__descriptor) {
        const Google__Protobuf__Timestamp *t = (const Google__Protobuf__Timestamp *)m;
        sb_adds(out, " ");
        pbjson_format_time(out, t->seconds, t->nanos);
        sb_addc(out, '\n');
        return;
    }
    sb_addc(out, '\n');
    pb_dump_fields(out, m, indent + 1);
}

static void dump_value(strbuf_t *out, const ProtobufCFieldDescriptor *f, const void *p, int indent)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: sb_printf(out, " %s\n", *(char *const *)p); break;
    case PROTOBUF_C_TYPE_BOOL: sb_printf(out, " %s\n", *(const protobuf_c_boolean *)p ? "true" : "false"); break;
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
        sb_printf(out, " %d\n", *(const int32_t *)p); break;
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
        sb_printf(out, " %u\n", *(const uint32_t *)p); break;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
        sb_printf(out, " %lld\n", (long long)*(const int64_t *)p); break;
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        sb_printf(out, " %llu\n", (unsigned long long)*(const uint64_t *)p); break;
    case PROTOBUF_C_TYPE_FLOAT: sb_printf(out, " %g\n", (double)*(const float *)p); break;
    case PROTOBUF_C_TYPE_DOUBLE: sb_printf(out, " %g\n", *(const double *)p); break;
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(f->descriptor, *(const int *)p);
        if (v)
            sb_printf(out, " %s (%d)\n", v->name, v->value);
        else
            sb_printf(out, " %d\n", *(const int *)p);
        break;
    }
    case PROTOBUF_C_TYPE_BYTES: sb_printf(out, " (%zu bytes)\n", ((const ProtobufCBinaryData *)p)->len); break;
    case PROTOBUF_C_TYPE_MESSAGE: dump_message_value(out, *(ProtobufCMessage *const *)p, indent); break;
    }
}

static size_t type_size(ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_STRING: case PROTOBUF_C_TYPE_MESSAGE: return sizeof(void *);
    case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_SFIXED64: case PROTOBUF_C_TYPE_DOUBLE: return 8;
    case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
    default: return 4;
    }
}

void pb_dump_fields(strbuf_t *out, const ProtobufCMessage *m, int indent)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *p = (const char *)m + f->offset;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)((const char *)m + f->quantifier_offset);
            const char *arr = *(const char *const *)p;
            for (size_t k = 0; k < n; k++) {
                indent_to(out, indent);
                sb_printf(out, "%s[%zu]:", f->name, k);
                dump_value(out, f, arr + k * type_size(f->type), indent);
            }
            continue;
        }
        if (!is_set(m, f, p))
            continue;
        indent_to(out, indent);
        sb_printf(out, "%s:", f->name);
        dump_value(out, f, p, indent);
    }
}
