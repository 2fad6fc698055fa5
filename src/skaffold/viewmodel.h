/* View models: what the panes and the header read from the model, as plain
 * rows without wire types, so the UI never walks a Proto__ struct. vm_ is
 * read-only: every call takes a const model_t. Strings borrow from the model
 * and stay valid until its next fold or reconcile; they are raw (untrusted)
 * and the UI sanitises them when it draws. */
#ifndef SKVIEW_VIEWMODEL_H
#define SKVIEW_VIEWMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "skaffold/model.h"
#include "core/pbjson.h"

/* ---- Artifacts: buildState.artifacts ---------------------------------------
 * The State's maps (artifacts, forwardedPorts, statusCheckState.resources)
 * come in a random order on every GetState, so rows never take the mirror's
 * order: a key's row stays where it first appeared (those seen together by
 * name; ports by number), through reconciles, resets and reconnects. */
typedef struct vm_artifact {
    const char *name;
    const char *status;        /* as the server spells it */
    status_kind_t kind;        /* status_kind(status) */
} vm_artifact_t;

size_t vm_artifact_count(const model_t *m);
/* False (out untouched) when i is past the end. */
bool vm_artifact_at(const model_t *m, size_t i, vm_artifact_t *out);

/* ---- Ports: forwardedPorts, in the same stable order --------------------- */
typedef struct vm_port {
    const char *address;       /* "" when the server sent none */
    int32_t local_port, remote_port;
    const char *resource_type, *resource_name, *pod, *container, *namespace_, *port_name;
    /* The target port: its name when it is a named port, else its number
     * (the remote port when the server sent neither). */
    const char *target_name;   /* NULL: use target_port */
    int32_t target_port;
} vm_port_t;

size_t vm_port_count(const model_t *m);
bool vm_port_at(const model_t *m, size_t i, vm_port_t *out);
/* Cloud Run services ready at a URL (Skaffold 2.x's CloudRunReadyEvent):
 * the current session's, in the order they first became ready. The Ports
 * pane lists them after the forwarded ports. */
size_t vm_endpoint_count(const model_t *m);
const model_endpoint_t *vm_endpoint_at(const model_t *m, size_t i);

/* ---- Debugging containers ------------------------------------------------- */
typedef struct vm_debug {
    const char *pod, *container, *namespace_, *artifact, *runtime, *working_dir, *status;
    size_t n_ports;
} vm_debug_t;

size_t vm_debug_count(const model_t *m);
bool vm_debug_at(const model_t *m, size_t i, vm_debug_t *out);
/* Appends the debug ports of container i as "name=port name=port", by name. */
void vm_debug_ports(const model_t *m, size_t i, strbuf_t *out);

/* ---- The header's dev-loop line ------------------------------------------ */
typedef struct vm_loop {
    bool auto_build, auto_sync, auto_deploy;
    bool auto_known;           /* the server said them (GetState); else unknown */
    const char *file_sync;     /* fileSyncState.status, "" if none */
    const char *test;          /* testState.status (Skaffold 2.x), "" if none */
} vm_loop_t;

void vm_loop(const model_t *m, vm_loop_t *out);
/* Appends the pipeline from the metadata: "DOCKER x2 -> HELM on MINIKUBE",
 * arrow between builders and deployers; nothing without metadata. */
void vm_pipeline(const model_t *m, strbuf_t *out, const char *arrow);
/* Whether an artifact builds, or deploy or status check runs, now. */
bool vm_phase_running(const model_t *m);

/* ---- Events: one entry of the history ------------------------------------ */
typedef struct vm_event {
    uint64_t seq;
    bool has_time;
    int64_t sec;               /* the entry's Timestamp, as on the wire */
    int32_t nanos;
    const char *kind;          /* static: entry_kind() ("build", "port", ...) */
    bool error;                /* model_entry_error(): the one rule for errors */
    uint32_t session;          /* model_session_of(): from 1 */
    bool session_start;        /* the first entry of a session after the first */
} vm_event_t;

/* Fills out and appends the entry's raw sentence to text; false when seq is
 * no longer (or not yet) in the history. */
bool vm_event_get(const model_t *m, uint64_t seq, vm_event_t *out, strbuf_t *text);
/* The entry as a generic message (for a field dump), NULL when gone; the
 * caller frees it with protobuf_c_message_free_unpacked(msg, NULL). */
ProtobufCMessage *vm_event_message(const model_t *m, uint64_t seq);

#endif
