/* The mirror of Skaffold's State, folded by Skaffold's own rules (see
 * model.h). It is a real Proto__State whose every field is malloc'd on its
 * own, so protobuf_c_message_free_unpacked(state, NULL) frees it, whether it
 * was built here or decoded from a server's State by pb_dup. The arrays of
 * its maps may hold more room than their n_ fields say (the *_alloc counts);
 * free() does not care. */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include "core/codes.h"
#include "skaffold/mirror_int.h"
#include "skaffold/model.h"
#include "skaffold/model_int.h"

static const char not_started_v1[] = "Not Started";
static const char not_started_v2[] = "NotStarted";

/* Replaces a string field; "" shares protobuf_c_empty_string, which
 * free_unpacked knows not to free. A string that fits the old one's block
 * is copied into it: statuses change all the time ("In Progress" to
 * "Complete") and a malloc and a free each was a fifth of the fold. */
static void pb_str_set(char **dst, const char *src)
{
    /* Resets write "Not Started" over "Not Started" all the time. */
    if (*dst != NULL && src != NULL && (*dst)[0] == src[0] && strcmp(*dst, src) == 0)
        return;
    size_t n = src ? strlen(src) : 0;
    bool owned = *dst != NULL && *dst != protobuf_c_empty_string;
    if (n > 0 && owned && malloc_usable_size(*dst) > n) {
        memcpy(*dst, src, n + 1);
        return;
    }
    if (owned)
        free(*dst);
    *dst = n > 0 ? xstrdup(src) : (char *)protobuf_c_empty_string;
}

/* Skaffold's empty State parts, for a new mirror and for a server State that
 * lacks one (so readers can rely on the parts being there). */
static void mirror_complete(Proto__State *s, const char *not_started)
{
    if (s->buildstate == NULL)
        s->buildstate = pb_new(&proto__build_state__descriptor);
    if (s->deploystate == NULL) {
        s->deploystate = pb_new(&proto__deploy_state__descriptor);
        pb_str_set(&s->deploystate->status, not_started);
    }
    if (s->statuscheckstate == NULL) {
        s->statuscheckstate = pb_new(&proto__status_check_state__descriptor);
        pb_str_set(&s->statuscheckstate->status, not_started);
    }
    if (s->filesyncstate == NULL) {
        s->filesyncstate = pb_new(&proto__file_sync_state__descriptor);
        pb_str_set(&s->filesyncstate->status, not_started);
    }
    if (s->teststate == NULL) {
        s->teststate = pb_new(&proto__test_state__descriptor);
        pb_str_set(&s->teststate->status, not_started);
    }
}

/* ---- entries kept across resets ---------------------------------------------------- */

/* A deploy reset empties resources and forwardedPorts, and the next dev
 * loop sends the same ones again: the emptied entries stay in their array
 * at [n, n + spare), past what the State shows, to be written over (their
 * strings copied into the blocks they have) instead of freed and malloc'd
 * again, field by field, in every dev loop. */
static void spare_keep(size_t *n, size_t *spare)
{
    *spare += *n;
    *n = 0;
}

/* The kept entry at arr[n] to write over, or NULL (none, or one with unknown
 * fields, freed). The caller puts an entry at arr[n]. */
static void *spare_take(void **arr, size_t n, size_t *spare)
{
    if (spare == NULL || *spare == 0)
        return NULL;
    (*spare)--;
    ProtobufCMessage *e = arr[n];
    if (e->n_unknown_fields == 0)
        return e;
    protobuf_c_message_free_unpacked(e, NULL);
    return NULL;
}

static void spare_free(void **arr, size_t n, size_t *spare)
{
    for (size_t i = n; i < n + *spare; i++)
        protobuf_c_message_free_unpacked(arr[i], NULL);
    *spare = 0;
}

/* ---- the maps ------------------------------------------------------------------ */

/* The entry messages of both map<string,string> fields have key as field 1
 * and value as field 2, reached through the descriptor. */
typedef struct strmap_ref {
    void ***entries;
    size_t *n, *alloc;
    size_t *spare;               /* NULL: the map keeps no emptied entries */
    keyidx_t *ix;
    const ProtobufCMessageDescriptor *d;
} strmap_ref_t;

typedef struct strmap_key {
    const strmap_ref_t *m;
    const char *key;
} strmap_key_t;

static const char *strmap_key_at(const strmap_ref_t *m, size_t pos)
{
    return *(char **)((char *)(*m->entries)[pos] + m->d->fields[0].offset);
}

static char **strmap_value_at(const strmap_ref_t *m, size_t pos)
{
    return (char **)((char *)(*m->entries)[pos] + m->d->fields[1].offset);
}

static bool strmap_eq(const void *ctx, size_t pos)
{
    const strmap_key_t *k = ctx;
    return strcmp(model_nz(strmap_key_at(k->m, pos)), k->key) == 0;
}

/* A few keys (the usual artifacts, a rollout's resources) are compared
 * directly: cheaper than hashing. The index exists only beyond that. */
#define STRMAP_SCAN_MAX 8

static long strmap_find(const strmap_ref_t *m, const char *key)
{
    strmap_key_t k = { m, model_nz(key) };
    if (*m->n <= STRMAP_SCAN_MAX) {
        for (size_t i = 0; i < *m->n; i++)
            if (strmap_eq(&k, i))
                return (long)i;
        return -1;
    }
    return keyidx_find(m->ix, keyidx_hash_str(k.key), strmap_eq, &k);
}

/* Indexes every key once the map outgrows a scan. */
static void strmap_index_all(const strmap_ref_t *m)
{
    keyidx_clear(m->ix);
    for (size_t i = 0; i < *m->n; i++) {
        strmap_key_t k = { m, model_nz(strmap_key_at(m, i)) };
        uint32_t h = keyidx_hash_str(k.key);
        /* A server never sends a key twice; if one did, the first stays. */
        if (keyidx_find(m->ix, h, strmap_eq, &k) < 0)
            keyidx_add(m->ix, h, i);
    }
}

/* map[key] = value. */
static void strmap_set(const strmap_ref_t *m, const char *key, const char *value)
{
    long pos = strmap_find(m, key);
    if (pos >= 0) {
        pb_str_set(strmap_value_at(m, (size_t)pos), value);
        return;
    }
    *m->entries = model_grow(*m->entries, m->alloc, *m->n + 1, sizeof **m->entries, 0);
    void *e = spare_take(*m->entries, *m->n, m->spare);
    if (e == NULL)
        e = pb_new(m->d);
    (*m->entries)[*m->n] = e;
    pb_str_set((char **)((char *)e + m->d->fields[0].offset), key);
    pb_str_set((char **)((char *)e + m->d->fields[1].offset), value);
    size_t at = (*m->n)++;
    if (*m->n == STRMAP_SCAN_MAX + 1)
        strmap_index_all(m);
    else if (*m->n > STRMAP_SCAN_MAX)
        keyidx_add(m->ix, keyidx_hash_str(model_nz(key)), at);
}

/* Rebuilds the index of a map adopted from elsewhere. */
static void strmap_reindex(const strmap_ref_t *m)
{
    keyidx_clear(m->ix);
    *m->alloc = *m->n;
    if (*m->n > STRMAP_SCAN_MAX)
        strmap_index_all(m);
}

static strmap_ref_t arts_ref(mirror_t *mr)
{
    Proto__BuildState *b = mr->s->buildstate;
    return (strmap_ref_t){ (void ***)&b->artifacts, &b->n_artifacts, &mr->arts_alloc, NULL, &mr->arts,
                           &proto__build_state__artifacts_entry__descriptor };
}

static strmap_ref_t res_ref(mirror_t *mr)
{
    Proto__StatusCheckState *sc = mr->s->statuscheckstate;
    return (strmap_ref_t){ (void ***)&sc->resources, &sc->n_resources, &mr->res_alloc, &mr->res_spare, &mr->res,
                           &proto__status_check_state__resources_entry__descriptor };
}

long mirror_resource_pos(const mirror_t *mr, const char *name)
{
    strmap_ref_t r = res_ref((mirror_t *)mr);
    return strmap_find(&r, name);
}

typedef struct port_key {
    const Proto__State *s;
    int32_t port;
} port_key_t;

static bool port_eq(const void *ctx, size_t pos)
{
    const port_key_t *k = ctx;
    return k->s->forwardedports[pos]->key == k->port;
}

/* The fields port_copy knows; a schema that grows PortEvent makes it fall
 * back to pb_dup until it learns the new field. */
#define PORT_EVENT_FIELDS 10

/* Whether port_assign can write p's fields (and only them: an event with
 * unknown fields, from a newer server, goes through pb_dup, which keeps
 * them). */
static bool port_plain(const Proto__PortEvent *p)
{
    return proto__port_event__descriptor.n_fields == PORT_EVENT_FIELDS && !p->base.n_unknown_fields &&
           !(p->targetport && p->targetport->base.n_unknown_fields);
}

/* c's fields set to p's, malloc'd field by field as free_unpacked expects.
 * pb_dup (pack + unpack) cost about 5,700 instructions a port, 6% of a
 * whole `skview state`; a port forwarded again (each dev loop) reuses the
 * strings it has. */
static void port_assign(Proto__PortEvent *c, const Proto__PortEvent *p)
{
    c->localport = p->localport;
    c->remoteport = p->remoteport;
    pb_str_set(&c->podname, p->podname);
    pb_str_set(&c->containername, p->containername);
    pb_str_set(&c->namespace_, p->namespace_);
    pb_str_set(&c->portname, p->portname);
    pb_str_set(&c->resourcetype, p->resourcetype);
    pb_str_set(&c->resourcename, p->resourcename);
    pb_str_set(&c->address, p->address);
    if (p->targetport == NULL) {
        if (c->targetport)
            protobuf_c_message_free_unpacked(&c->targetport->base, NULL);
        c->targetport = NULL;
        return;
    }
    if (c->targetport == NULL)
        c->targetport = pb_new(&proto__int_or_string__descriptor);
    c->targetport->type = p->targetport->type;
    c->targetport->intval = p->targetport->intval;
    pb_str_set(&c->targetport->strval, p->targetport->strval);
}

/* A deep copy of a PortEvent. */
static Proto__PortEvent *port_copy(const Proto__PortEvent *p)
{
    if (!port_plain(p))
        return (Proto__PortEvent *)pb_dup(&p->base);
    Proto__PortEvent *c = pb_new(&proto__port_event__descriptor);
    port_assign(c, p);
    return c;
}

/* *slot (a map entry's value, may be NULL) made p: written over when both
 * are plain, else a new copy. */
static void port_set(Proto__PortEvent **slot, const Proto__PortEvent *p)
{
    if (*slot && port_plain(*slot) && port_plain(p)) {
        port_assign(*slot, p);
        return;
    }
    if (*slot)
        protobuf_c_message_free_unpacked(&(*slot)->base, NULL);
    *slot = port_copy(p);
}

static void mirror_port(mirror_t *mr, const Proto__PortEvent *p)
{
    Proto__State *s = mr->s;
    port_key_t k = { s, p->localport };
    long pos = keyidx_find(&mr->ports, keyidx_hash_int(p->localport), port_eq, &k);

    if (pos >= 0) {
        port_set(&s->forwardedports[pos]->value, p);
        return;
    }
    s->forwardedports = model_grow(s->forwardedports, &mr->ports_alloc, s->n_forwardedports + 1,
                                   sizeof *s->forwardedports, 0);
    Proto__State__ForwardedPortsEntry *e = spare_take((void **)s->forwardedports, s->n_forwardedports,
                                                      &mr->ports_spare);
    if (e == NULL)
        e = pb_new(&proto__state__forwarded_ports_entry__descriptor);
    e->key = p->localport;
    port_set(&e->value, p);
    keyidx_add(&mr->ports, keyidx_hash_int(p->localport), s->n_forwardedports);
    s->forwardedports[s->n_forwardedports++] = e;
}

static void ports_reindex(mirror_t *mr)
{
    Proto__State *s = mr->s;
    keyidx_clear(&mr->ports);
    mr->ports_alloc = s->n_forwardedports;
    for (size_t i = 0; i < s->n_forwardedports; i++) {
        port_key_t k = { s, s->forwardedports[i]->key };
        uint32_t h = keyidx_hash_int(k.port);
        if (keyidx_find(&mr->ports, h, port_eq, &k) < 0)
            keyidx_add(&mr->ports, h, i);
    }
}

/* ---- debugging containers --------------------------------------------------------- */

static bool mirror_same_container(const Proto__DebuggingContainerEvent *a,
                                  const Proto__DebuggingContainerEvent *b)
{
    return strcmp(model_nz(a->namespace_), model_nz(b->namespace_)) == 0 &&
           strcmp(model_nz(a->podname), model_nz(b->podname)) == 0 &&
           strcmp(model_nz(a->containername), model_nz(b->containername)) == 0;
}

static uint32_t debug_hash(const Proto__DebuggingContainerEvent *d)
{
    uint32_t a = keyidx_hash_str(model_nz(d->namespace_)), b = keyidx_hash_str(model_nz(d->podname));
    return (a * 31u + b) * 31u + keyidx_hash_str(model_nz(d->containername));
}

typedef struct debug_key {
    const Proto__State *s;
    const Proto__DebuggingContainerEvent *d;
} debug_key_t;

static bool debug_eq(const void *ctx, size_t pos)
{
    const debug_key_t *k = ctx;
    return mirror_same_container(k->s->debuggingcontainers[pos], k->d);
}

static long debug_find(const mirror_t *mr, const Proto__DebuggingContainerEvent *d)
{
    debug_key_t k = {mr->s, d};
    return keyidx_find(&mr->debug, debug_hash(d), debug_eq, &k);
}

static void debug_reindex(mirror_t *mr)
{
    Proto__State *s = mr->s;
    keyidx_clear(&mr->debug);
    mr->debug_alloc = s->n_debuggingcontainers;
    for (size_t i = 0; i < s->n_debuggingcontainers; i++)
        if (debug_find(mr, s->debuggingcontainers[i]) < 0)
            keyidx_add(&mr->debug, debug_hash(s->debuggingcontainers[i]), i);
}

/* "Started" appends in Skaffold; here a container already listed is
 * replaced in place instead, so that folding the same entry twice changes
 * nothing. A reconnect needs that: the GetState answer already holds the
 * containers whose "Started" the replayed history then brings again (and
 * model_reconcile re-folds entries on top of the server's State). Skaffold
 * starts a container once, so both rules agree on any real log. Found by
 * the index: scanning made 40,000 containers a quadratic fold. */
static void mirror_debug_start(mirror_t *mr, const Proto__DebuggingContainerEvent *d)
{
    Proto__State *s = mr->s;
    long pos = debug_find(mr, d);
    Proto__DebuggingContainerEvent *copy = (Proto__DebuggingContainerEvent *)pb_dup(&d->base);
    if (pos >= 0) {
        protobuf_c_message_free_unpacked(&s->debuggingcontainers[pos]->base, NULL);
        s->debuggingcontainers[pos] = copy;
        return;
    }
    s->debuggingcontainers = model_grow(s->debuggingcontainers, &mr->debug_alloc,
                                        s->n_debuggingcontainers + 1,
                                        sizeof *s->debuggingcontainers, 0);
    keyidx_add(&mr->debug, debug_hash(d), s->n_debuggingcontainers);
    s->debuggingcontainers[s->n_debuggingcontainers++] = copy;
}

/* Skaffold keeps the others in order: the index is made anew (positions
 * moved), only when the container was there. */
static void mirror_debug_stop(mirror_t *mr, const Proto__DebuggingContainerEvent *d)
{
    Proto__State *s = mr->s;
    if (debug_find(mr, d) < 0)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < s->n_debuggingcontainers; i++) {
        Proto__DebuggingContainerEvent *c = s->debuggingcontainers[i];
        if (mirror_same_container(c, d))
            protobuf_c_message_free_unpacked(&c->base, NULL);
        else
            s->debuggingcontainers[kept++] = c;
    }
    s->n_debuggingcontainers = kept;
    size_t alloc = mr->debug_alloc;
    debug_reindex(mr);
    mr->debug_alloc = alloc;
}

static void mirror_debug(mirror_t *mr, const Proto__DebuggingContainerEvent *d)
{
    status_kind_t k = status_kind(d->status);
    if (k == STATUS_STARTED)
        mirror_debug_start(mr, d);
    else if (k == STATUS_TERMINATED)
        mirror_debug_stop(mr, d);
}

static void mirror_meta(Proto__State *s, const Proto__MetaEvent *me)
{
    /* Skaffold v0.x MetaEvents carry no metadata: keep what is there rather
     * than erase a reconciled server's metadata. */
    if (me->metadata == NULL)
        return;
    if (s->metadata != NULL)
        protobuf_c_message_free_unpacked(&s->metadata->base, NULL);
    s->metadata = (Proto__Metadata *)pb_dup(&me->metadata->base);
}

/* ---- resets ------------------------------------------------------------------------ */

static void free_array(void **arr, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        protobuf_c_message_free_unpacked(arr[i], NULL);
    *n = 0;
}

/* resources, forwardedPorts and debuggingContainers emptied. The arrays
 * keep their room, and the first two their entries, for the next rollout. */
static void mirror_empty_rollout(mirror_t *mr)
{
    Proto__State *s = mr->s;
    spare_keep(&s->statuscheckstate->n_resources, &mr->res_spare);
    spare_keep(&s->n_forwardedports, &mr->ports_spare);
    free_array((void **)s->debuggingcontainers, &s->n_debuggingcontainers);
    keyidx_clear(&mr->res);
    keyidx_clear(&mr->ports);
    keyidx_clear(&mr->debug);
}

static void mirror_reset_deploy(mirror_t *mr)
{
    Proto__State *s = mr->s;
    const char *not_started = mr->not_started;
    pb_str_set(&s->deploystate->status, not_started);
    s->deploystate->statuscode = 0;
    pb_str_set(&s->statuscheckstate->status, not_started);
    s->statuscheckstate->statuscode = 0;
    mirror_empty_rollout(mr);
}

static void mirror_reset_test(mirror_t *mr)
{
    pb_str_set(&mr->s->teststate->status, mr->not_started);
    mr->s->teststate->statuscode = 0;
}

static void mirror_reset_build(mirror_t *mr)
{
    Proto__BuildState *b = mr->s->buildstate;
    strmap_ref_t a = arts_ref(mr);
    for (size_t i = 0; i < b->n_artifacts; i++)
        pb_str_set(strmap_value_at(&a, i), mr->not_started);
    b->statuscode = 0;
    pb_str_set(&mr->s->filesyncstate->status, mr->not_started);
    mirror_reset_test(mr);
    mirror_reset_deploy(mr);
}

/* InitializeState: a fresh State; the flags are the new process's, which no
 * event shows, so the old ones stay until a reconcile says otherwise. */
static void mirror_reset_session(mirror_t *mr)
{
    Proto__State *s = mr->s;
    bool ab = s->buildstate->autotrigger, ad = s->deploystate->autotrigger;
    bool as = s->filesyncstate->autotrigger;
    const char *ns = mr->not_started;

    mirror_free(mr);
    mirror_init(mr);
    if (ns == not_started_v2)
        mirror_use_v2_strings(mr);
    mr->s->buildstate->autotrigger = ab;
    mr->s->deploystate->autotrigger = ad;
    mr->s->filesyncstate->autotrigger = as;
}

void mirror_reset(mirror_t *mr, unsigned resets)
{
    if (resets & MIRROR_RESET_SESSION)
        mirror_reset_session(mr);
    if (resets & MIRROR_RESET_BUILD)
        mirror_reset_build(mr);
    if (resets & MIRROR_RESET_TEST)
        mirror_reset_test(mr);
    if (resets & MIRROR_RESET_DEPLOY)
        mirror_reset_deploy(mr);
}

/* ---- folding -------------------------------------------------------------------------- */

/* The code a failure reports: its ActionableErr's, else the legacy errCode. */
static int fail_code(const Proto__ActionableErr *ae, int legacy)
{
    return ae != NULL && ae->errcode != 0 ? (int)ae->errcode : legacy;
}

/* DeployComplete / DeployFailed set deployState.statusCode. */
static void mirror_deploy(Proto__State *s, const Proto__DeployEvent *d)
{
    status_kind_t k = status_kind(d->status);
    pb_str_set(&s->deploystate->status, d->status);
    if (k == STATUS_SUCCEEDED)
        s->deploystate->statuscode = PROTO__STATUS_CODE__DEPLOY_SUCCESS;
    else if (k == STATUS_FAILED)
        s->deploystate->statuscode = fail_code(d->actionableerr, d->errcode);
}

/* StatusCheckEventEnded sets statusCheckState.statusCode. */
static void mirror_check(Proto__State *s, const Proto__StatusCheckEvent *c)
{
    status_kind_t k = status_kind(c->status);
    pb_str_set(&s->statuscheckstate->status, c->status);
    if (k == STATUS_SUCCEEDED)
        s->statuscheckstate->statuscode = PROTO__STATUS_CODE__STATUSCHECK_SUCCESS;
    else if (k == STATUS_FAILED)
        s->statuscheckstate->statuscode = fail_code(c->actionableerr, c->errcode);
}

/* TestFailed sets testState.statusCode. */
static void mirror_test(Proto__State *s, const Proto__TestEvent *t)
{
    pb_str_set(&s->teststate->status, t->status);
    if (status_kind(t->status) == STATUS_FAILED)
        s->teststate->statuscode = fail_code(t->actionableerr, 0);
}

/* A failed build fails the build sequence, which sets the code. */
static void mirror_build(mirror_t *mr, const Proto__BuildEvent *b)
{
    strmap_ref_t a = arts_ref(mr);
    strmap_set(&a, b->artifact, b->status);
    if (status_kind(b->status) == STATUS_FAILED)
        mr->s->buildstate->statuscode = fail_code(b->actionableerr, b->errcode);
}

/* Skaffold's own State rules; the one code path for fold and reconcile. */
void mirror_fold(mirror_t *mr, const Proto__Event *ev)
{
    Proto__State *s = mr->s;
    const Proto__ResourceStatusCheckEvent *r = ev->resourcestatuscheckevent;
    strmap_ref_t res;

    switch (ev->event_type_case) {
    case PROTO__EVENT__EVENT_TYPE_BUILD_EVENT:
        mirror_build(mr, ev->buildevent);
        break;
    case PROTO__EVENT__EVENT_TYPE_DEPLOY_EVENT:
        mirror_deploy(s, ev->deployevent);
        break;
    case PROTO__EVENT__EVENT_TYPE_PORT_EVENT:
        mirror_port(mr, ev->portevent);
        break;
    case PROTO__EVENT__EVENT_TYPE_STATUS_CHECK_EVENT:
        mirror_check(s, ev->statuscheckevent);
        break;
    case PROTO__EVENT__EVENT_TYPE_RESOURCE_STATUS_CHECK_EVENT:
        res = res_ref(mr);
        strmap_set(&res, r->resource, r->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_FILE_SYNC_EVENT:
        pb_str_set(&s->filesyncstate->status, ev->filesyncevent->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_DEBUGGING_CONTAINER_EVENT:
        mirror_debug(mr, ev->debuggingcontainerevent);
        break;
    case PROTO__EVENT__EVENT_TYPE_META_EVENT:
        mirror_meta(s, ev->metaevent);
        break;
    case PROTO__EVENT__EVENT_TYPE_TEST_EVENT:
        mirror_test(s, ev->testevent);
        break;
    default:
        break; /* dev loop and termination change no State field */
    }
}

/* ---- life cycle ------------------------------------------------------------------------ */

static void mirror_reindex(mirror_t *mr)
{
    strmap_ref_t a = arts_ref(mr), r = res_ref(mr);
    strmap_reindex(&a);
    strmap_reindex(&r);
    ports_reindex(mr);
    debug_reindex(mr);
}

/* The State freed with the entries kept past its n_ fields. */
static void mirror_state_free(mirror_t *mr)
{
    Proto__State *s = mr->s;
    if (s == NULL)
        return;
    if (s->statuscheckstate)
        spare_free((void **)s->statuscheckstate->resources, s->statuscheckstate->n_resources, &mr->res_spare);
    spare_free((void **)s->forwardedports, s->n_forwardedports, &mr->ports_spare);
    protobuf_c_message_free_unpacked(&s->base, NULL);
}

void mirror_adopt(mirror_t *mr, Proto__State *s)
{
    mirror_state_free(mr);
    mirror_complete(s, mr->not_started);
    mr->s = s;
    mirror_reindex(mr);
}

void mirror_init(mirror_t *mr)
{
    memset(mr, 0, sizeof *mr);
    mr->not_started = not_started_v1;
    keyidx_init(&mr->arts);
    keyidx_init(&mr->res);
    keyidx_init(&mr->ports);
    keyidx_init(&mr->debug);
    mirror_adopt(mr, pb_new(&proto__state__descriptor));
}

void mirror_free(mirror_t *mr)
{
    mirror_state_free(mr);
    keyidx_free(&mr->arts);
    keyidx_free(&mr->res);
    keyidx_free(&mr->ports);
    keyidx_free(&mr->debug);
    memset(mr, 0, sizeof *mr);
}

/* ---- v2 events (a FILE.v2 alone) --------------------------------------------------- */

static void v2_str_renamed(char **status, const char *from, const char *to)
{
    if (*status != NULL && strcmp(*status, from) == 0)
        pb_str_set(status, to);
}

void mirror_use_v2_strings(mirror_t *mr)
{
    Proto__State *s = mr->s;
    strmap_ref_t a = arts_ref(mr);

    mr->not_started = not_started_v2;
    v2_str_renamed(&s->deploystate->status, not_started_v1, not_started_v2);
    v2_str_renamed(&s->statuscheckstate->status, not_started_v1, not_started_v2);
    v2_str_renamed(&s->filesyncstate->status, not_started_v1, not_started_v2);
    v2_str_renamed(&s->teststate->status, not_started_v1, not_started_v2);
    for (size_t i = 0; i < s->buildstate->n_artifacts; i++)
        v2_str_renamed(strmap_value_at(&a, i), not_started_v1, not_started_v2);
}

/* The v1 PortEvent a v2 PortForwardEvent says (v2 has no remotePort: the
 * target port's number stands for it). Strings are borrowed. */
static void v2_port(mirror_t *mr, const Proto__V2__PortForwardEvent *p)
{
    Proto__PortEvent pe = PROTO__PORT_EVENT__INIT;
    Proto__IntOrString tp = PROTO__INT_OR_STRING__INIT;

    pe.localport = p->localport;
    pe.podname = p->podname;
    pe.containername = p->containername;
    pe.namespace_ = p->namespace_;
    pe.portname = p->portname;
    pe.resourcetype = p->resourcetype;
    pe.resourcename = p->resourcename;
    pe.address = p->address;
    if (p->targetport != NULL) {
        tp.type = p->targetport->type;
        tp.intval = p->targetport->intval;
        tp.strval = p->targetport->strval;
        pe.targetport = &tp;
        pe.remoteport = p->targetport->intval;
    }
    mirror_port(mr, &pe);
}

static void v2_debug(mirror_t *mr, const Proto__V2__DebuggingContainerEvent *d)
{
    Proto__DebuggingContainerEvent de = PROTO__DEBUGGING_CONTAINER_EVENT__INIT;
    size_t n = d->n_debugports;
    Proto__DebuggingContainerEvent__DebugPortsEntry *ents = n ? xcalloc(n, sizeof *ents) : NULL;
    Proto__DebuggingContainerEvent__DebugPortsEntry **ptrs = n ? xcalloc(n, sizeof *ptrs) : NULL;

    de.status = d->status;
    de.podname = d->podname;
    de.containername = d->containername;
    de.namespace_ = d->namespace_;
    de.artifact = d->artifact;
    de.runtime = d->runtime;
    de.workingdir = d->workingdir;
    for (size_t i = 0; i < n; i++) {
        protobuf_c_message_init(&proto__debugging_container_event__debug_ports_entry__descriptor,
                                &ents[i]);
        ents[i].key = d->debugports[i]->key;
        ents[i].value = d->debugports[i]->value;
        ptrs[i] = &ents[i];
    }
    de.n_debugports = n;
    de.debugports = ptrs;
    mirror_debug(mr, &de);
    free(ptrs);
    free(ents);
}

/* builders: one per builder type, with how many artifacts use it. */
static void v2_builders(Proto__BuildMetadata *b, const Proto__V2__BuildMetadata *v2)
{
    b->builders = v2->n_artifacts ? xcalloc(v2->n_artifacts, sizeof *b->builders) : NULL;
    for (size_t i = 0; i < v2->n_artifacts; i++) {
        int type = v2->artifacts[i]->type;
        size_t j = 0;
        while (j < b->n_builders && (int)b->builders[j]->type != type)
            j++;
        if (j == b->n_builders) {
            b->builders[j] = pb_new(&proto__build_metadata__image_builder__descriptor);
            b->builders[j]->type = type;
            b->n_builders++;
        }
        b->builders[j]->count++;
    }
}

/* The v1 Metadata of a v2 one: deploy, test and additional have the same
 * wire form in both, so they travel packed; the build part is counted. */
static Proto__Metadata *v2_metadata(const Proto__V2__Metadata *md)
{
    Proto__V2__Metadata rest = *md;
    rest.build = NULL;
    rest.render = NULL;
    rest.runid = (char *)protobuf_c_empty_string;
    size_t n = protobuf_c_message_get_packed_size(&rest.base);
    uint8_t *buf = xmalloc(n ? n : 1);
    protobuf_c_message_pack(&rest.base, buf);
    Proto__Metadata *v1 = proto__metadata__unpack(NULL, n, buf);
    free(buf);
    if (v1 == NULL)
        v1 = pb_new(&proto__metadata__descriptor);
    if (md->build != NULL) {
        v1->build = pb_new(&proto__build_metadata__descriptor);
        v1->build->numberofartifacts = (int32_t)md->build->n_artifacts;
        v1->build->type = md->build->type;
        v2_builders(v1->build, md->build);
    }
    return v1;
}

/* InitializeState: the configured artifacts, not started until they build. */
static void v2_meta(mirror_t *mr, const Proto__V2__MetaEvent *me)
{
    if (me->metadata == NULL)
        return;
    if (mr->s->metadata != NULL)
        protobuf_c_message_free_unpacked(&mr->s->metadata->base, NULL);
    mr->s->metadata = v2_metadata(me->metadata);
    const Proto__V2__BuildMetadata *b = me->metadata->build;
    strmap_ref_t a = arts_ref(mr);
    for (size_t i = 0; b != NULL && i < b->n_artifacts; i++)
        if (strmap_find(&a, b->artifacts[i]->name) < 0)
            strmap_set(&a, b->artifacts[i]->name, mr->not_started);
}

void mirror_fold_v2(mirror_t *mr, const Proto__V2__Event *ev)
{
    Proto__State *s = mr->s;
    const Proto__V2__BuildSubtaskEvent *b = ev->buildsubtaskevent;
    const Proto__V2__StatusCheckSubtaskEvent *r = ev->statuschecksubtaskevent;
    strmap_ref_t m;

    switch (ev->event_type_case) {
    case PROTO__V2__EVENT__EVENT_TYPE_BUILD_SUBTASK_EVENT:
        if (strcmp(model_nz(b->step), "Build") != 0)
            break; /* the cache check is no build status */
        m = arts_ref(mr);
        strmap_set(&m, b->artifact, b->status);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_TEST_EVENT:
        pb_str_set(&s->teststate->status, ev->testevent->status);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_DEPLOY_SUBTASK_EVENT:
        pb_str_set(&s->deploystate->status, ev->deploysubtaskevent->status);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_PORT_EVENT:
        v2_port(mr, ev->portevent);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_STATUS_CHECK_SUBTASK_EVENT:
        m = res_ref(mr);
        strmap_set(&m, r->resource, r->status);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_FILE_SYNC_EVENT:
        pb_str_set(&s->filesyncstate->status, ev->filesyncevent->status);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_DEBUGGING_CONTAINER_EVENT:
        v2_debug(mr, ev->debuggingcontainerevent);
        break;
    case PROTO__V2__EVENT__EVENT_TYPE_META_EVENT:
        v2_meta(mr, ev->metaevent);
        break;
    default:
        break; /* tasks, render, verify, exec, logs: no v1 State field */
    }
}
