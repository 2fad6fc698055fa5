/* Private to src/skaffold: the State mirror, its fold rules and Skaffold's
 * resets, shared by model_fold and model_reconcile so that the rules have
 * one code path. The State's three maps and its debugging containers have a
 * hash index beside them
 * (core/keyidx.h) and grow by doubling, so a fold is O(1) per event however
 * many distinct keys a session has. */
#ifndef SKVIEW_MIRROR_INT_H
#define SKVIEW_MIRROR_INT_H

#include "core/keyidx.h"
#include "skaffold.pb-c.h"
#include "v2/skaffold_v2.pb-c.h"

typedef struct mirror {
    Proto__State *s;
    keyidx_t arts, res, ports;
    keyidx_t debug;              /* debuggingContainers by namespace, pod, container */
    size_t arts_alloc, res_alloc, ports_alloc, debug_alloc;
    size_t res_spare, ports_spare; /* entries a reset emptied, kept past n_ for reuse (mirror.c) */
    const char *not_started;     /* "Not Started" (v1) or "NotStarted" (v2) */
} mirror_t;

/* Skaffold's resets (pkg/skaffold/event/event.go), as bits so that the
 * model can record which of them happened before an entry. */
enum mirror_reset {
    MIRROR_RESET_SESSION = 1,   /* InitializeState: a new Skaffold process */
    MIRROR_RESET_BUILD = 2,     /* ResetStateOnBuild */
    MIRROR_RESET_TEST = 4,      /* ResetStateOnTest */
    MIRROR_RESET_DEPLOY = 8,    /* ResetStateOnDeploy */
};

/* Skaffold's State at start as events show it: deploy, status check, file
 * sync and test "Not Started", no artifacts, no metadata yet. */
void mirror_init(mirror_t *mr);
void mirror_free(mirror_t *mr);
/* Makes s (malloc'd, e.g. by pb_dup; the mirror takes it) the mirror, with
 * the parts a sparse server State lacks added as mirror_init has them. */
void mirror_adopt(mirror_t *mr, Proto__State *s);
/* Applies the resets in `resets` (MIRROR_RESET_* bits), session first. The
 * autoTrigger flags survive every reset (no event can change them). */
void mirror_reset(mirror_t *mr, unsigned resets);
/* Applies one event by Skaffold's handleExec rules, and the statusCode its
 * phase function sets in the same step. */
void mirror_fold(mirror_t *mr, const Proto__Event *ev);
/* From now on the mirror holds v2's strings ("NotStarted" where v1 says
 * "Not Started", also in every reset); the statuses already "Not Started"
 * are rewritten. For a mirror fed by v2 events alone. */
void mirror_use_v2_strings(mirror_t *mr);
/* Applies one v2 event by the v2 server's rules (skaffold-v2-wire.md), to
 * the v1 State's fields: a BuildSubtaskEvent of step "Build" sets
 * buildState.artifacts[artifact], TestEvent testState.status,
 * DeploySubtaskEvent deployState.status, PortForwardEvent
 * forwardedPorts[localPort] (as a v1 PortEvent: remotePort is the
 * targetPort's number), StatusCheckSubtaskEvent
 * statusCheckState.resources[resource], FileSyncEvent fileSyncState.status,
 * DebuggingContainerEvent as v1's, MetaEvent the metadata (the v1 form:
 * numberOfArtifacts and builders counted from the artifacts, which also
 * enter buildState.artifacts as not started when absent). No statusCode and
 * no statusCheckState.status: the v2 server sets neither. */
void mirror_fold_v2(mirror_t *mr, const Proto__V2__Event *ev);
/* The position of a resource in statusCheckState.resources, or -1. */
long mirror_resource_pos(const mirror_t *mr, const char *name);

#endif
