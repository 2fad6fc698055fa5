/* Descriptor helpers shared by the JSON reader and writer. */
#ifndef SKVIEW_PBJSON_INT_H
#define SKVIEW_PBJSON_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <protobuf-c/protobuf-c.h>

/* Bytes one element of a repeated field takes in its array. */
static inline size_t pbjson_elem_size(const ProtobufCFieldDescriptor *f)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE:
        return 8;
    case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_ENUM: return sizeof(int);
    case PROTOBUF_C_TYPE_STRING: return sizeof(char *);
    case PROTOBUF_C_TYPE_MESSAGE: return sizeof(ProtobufCMessage *);
    case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
    default: return 4;
    }
}

/* The last timestamp's date and minute ("2021-08-11T19:19", checked) and
 * their seconds since 1970: a log's next timestamp mostly shares them, and
 * then only its seconds, fraction and zone are read. One per parser. */
typedef struct pbjson_time_memo {
    char prefix[16];
    int64_t base;
    bool ok;
} pbjson_time_memo_t;

/* pbjson_parse_time through memo (NULL: none): the same results. */
bool pbjson_parse_time_memo(pbjson_time_memo_t *memo, const char *s, size_t n, int64_t *seconds,
                            int32_t *nanos);

#endif
