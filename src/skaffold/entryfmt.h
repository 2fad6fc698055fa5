/* How a LogEntry reads to a person: its kind and its sentence. Shared by
 * `skview events` and the Events pane. The returned text is raw (untrusted):
 * the UI sanitises it before drawing. */
#ifndef SKVIEW_ENTRYFMT_H
#define SKVIEW_ENTRYFMT_H

#include <stdbool.h>
#include "skaffold.pb-c.h"
#include "v2/skaffold_v2.pb-c.h"
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

/* ---- v2 events (Skaffold 2.x): the same for a proto.v2 Event ----------------
 * Kinds: "meta", "task", "build" (BuildSubtaskEvent), "test", "render",
 * "deploy", "verify", "exec", "statuscheck", "port", "sync", "debug",
 * "cloudrun", "termination", "log" (Skaffold's output), "app" (an
 * application's log line), or "none". */
const char *entry_v2_kind(const Proto__V2__Event *ev);
/* The event as a sentence, made from its fields (v2 carries none):
 *   task        "Build-2 Failed: BUILD_DOCKER_NO_SPACE_ERR: docker build: ..."
 *   build       "Build-1 web Cache Failed (miss)", "Build-1 web Build InProgress"
 *   statuscheck "StatusCheck-1 deployment/web InProgress: waiting for rollout ..."
 *   log         "[Build-1 web] Building [web]..." (its message without the
 *               final newline; the subtask "-1" is none)
 *   app         "[web-7d9c6b5f4-x2lqz web] GET / 200"
 * Raw text: the message may hold escape sequences and newlines. */
void entry_v2_text(strbuf_t *out, const Proto__V2__Event *ev);
/* "2024-11-29T08:46:40.411Z  task         Build-1 InProgress" */
void entry_v2_format_line(strbuf_t *out, const Proto__V2__Event *ev);
/* One output line of `skview events` for a v2 event, with its newline:
 * canonical JSON (lowerCamel, as Skaffold's F.v2), or the line above made
 * terminal-safe: escape sequences dropped (sgr_strip: colours and every
 * other sequence), any other control shown inert, a newline inside a
 * message as U+2424. */
void entry_v2_render(strbuf_t *out, strbuf_t *scratch, const Proto__V2__Event *ev, bool json);

#endif
