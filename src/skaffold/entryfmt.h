/* How a LogEntry reads to a person: its kind and its sentence. Shared by
 * `skview events` and the Events pane. The returned text is raw (untrusted):
 * the UI sanitises it before drawing. */
#ifndef SKVIEW_ENTRYFMT_H
#define SKVIEW_ENTRYFMT_H

#include <stdbool.h>
#include "skaffold.pb-c.h"
#include "core/pbjson.h"

/* "meta", "build", "deploy", "port", "statuscheck", "resource", "sync",
 * "debug", "devloop", "termination", or "none". */
const char *entry_kind(const Proto__LogEntry *e);
/* The entry's sentence: LogEntry.entry, or MetaEvent.entry, or one made from
 * the event's fields when the server sent none. */
void entry_text(strbuf_t *out, const Proto__LogEntry *e);
/* "2021-08-11T19:19:41.711Z  build        Build started for artifact x" */
void entry_format_line(strbuf_t *out, const Proto__LogEntry *e);

/* Appends one output line of `skview events` (file or live) and its newline:
 * canonical JSON, or the human line made terminal-safe. scratch is reused
 * working space. */
void entry_render(strbuf_t *out, strbuf_t *scratch, const Proto__LogEntry *e, bool json);

#endif
