/* StatusCode and SuggestionCode names and descriptions. Names are read from
 * protobuf-c's enum descriptors, descriptions from the table that
 * tools/codes.awk generates from the proto comments, so neither is copied by
 * hand and neither can drift from proto/skaffold.proto. */
#include <stdio.h>
#include "core/codes.h"
#include "core/pbjson.h"
#include "skaffold.pb-c.h"

/* Room for "UNKNOWN(" + an int + ")". */
#define CODES_UNKNOWN_LEN 32

static const char *codes_name(const ProtobufCEnumDescriptor *d, int code, char *buf)
{
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(d, code);

    if (v != NULL)
        return v->name;
    const char *synth = pbjson_enum_synth_name(d, code); /* a name newer than the schema */
    if (synth != NULL)
        return synth;
    snprintf(buf, CODES_UNKNOWN_LEN, "UNKNOWN(%d)", code);
    return buf;
}

/* The tables hold about a hundred rows and are read when a screen is drawn:
 * a linear scan is plenty. */
static const char *codes_desc(const code_desc_t *table, int code)
{
    for (const code_desc_t *row = table; row->text != NULL; row++)
        if (row->value == code)
            return row->text;
    return "";
}

const char *status_code_name(int code)
{
    static _Thread_local char buf[CODES_UNKNOWN_LEN];
    return codes_name(&proto__status_code__descriptor, code, buf);
}

const char *suggestion_code_name(int code)
{
    static _Thread_local char buf[CODES_UNKNOWN_LEN];
    return codes_name(&proto__suggestion_code__descriptor, code, buf);
}

const char *status_code_desc(int code)
{
    return codes_desc(codes_status_desc, code);
}

const char *suggestion_code_desc(int code)
{
    return codes_desc(codes_suggestion_desc, code);
}

/* Skaffold reserves 200-250 for success codes; OK is the default "no error". */
bool status_code_is_success(int code)
{
    return code == PROTO__STATUS_CODE__OK || (code >= 200 && code <= 250);
}
