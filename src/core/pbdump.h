/* Every set field of a protobuf message as text, for a reader (the details
 * popup of an event): one "name: value" line each, a nested message's
 * fields indented under its name, a repeated field as name[i], an enum as
 * its name and number, a Timestamp as its RFC 3339 time, bytes as their
 * length. A proto3 scalar at its default and an unset oneof member are
 * left out (pbjson_is_default). Pure: no screen, no I/O. */
#ifndef SKVIEW_CORE_PBDUMP_H
#define SKVIEW_CORE_PBDUMP_H

#include <protobuf-c/protobuf-c.h>
#include "core/strbuf.h"

/* Appends m's set fields to out, indent levels (two spaces each) in. */
void pb_dump_fields(strbuf_t *out, const ProtobufCMessage *m, int indent);

#endif
