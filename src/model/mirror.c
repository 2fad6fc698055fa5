/* The mirror of Skaffold's State, folded by Skaffold's own rules (see
 * model.h). It is a real Proto__State whose every field is malloc'd on its
 * own, so protobuf_c_message_free_unpacked(state, NULL) frees it, whether it
 * was built here or decoded from a server's State by pb_dup. */
#include <stdlib.h>
#include <string.h>
#include "mirror_int.h"
#include "model.h"
#include "model_int.h"

/* Replaces a string field; "" shares protobuf_c_empty_string, which
 * free_unpacked knows not to free. */
static void pb_str_set(char **dst, const char *src)
{
    if (*dst != NULL && *dst != protobuf_c_empty_string)
        free(*dst);
    *dst = src && *src ? model_xstrdup(src) : (char *)protobuf_c_empty_string;
}

static void *pb_new(const ProtobufCMessageDescriptor *d)
{
    void *msg = model_xmalloc(d->sizeof_message);
    protobuf_c_message_init(d, msg);
    return msg;
}

/* Skaffold's empty State parts, for a new mirror and for a server State that
 * lacks one (so readers can rely on the four parts being there). */
void mirror_complete(Proto__State *s)
{
    if (s->buildstate == NULL)
        s->buildstate = pb_new(&proto__build_state__descriptor);
    if (s->deploystate == NULL) {
        s->deploystate = pb_new(&proto__deploy_state__descriptor);
        pb_str_set(&s->deploystate->status, "Not Started");
    }
    if (s->statuscheckstate == NULL) {
        s->statuscheckstate = pb_new(&proto__status_check_state__descriptor);
        pb_str_set(&s->statuscheckstate->status, "Not Started");
    }
    if (s->filesyncstate == NULL) {
        s->filesyncstate = pb_new(&proto__file_sync_state__descriptor);
        pb_str_set(&s->filesyncstate->status, "Not Started");
    }
}

/* map<string,string>[key] = value. The entry messages of both such maps have
 * key as field 1 and value as field 2, reached through the descriptor. */
static void *mirror_map_set(void *entries, size_t *n, const ProtobufCMessageDescriptor *d,
                            const char *key, const char *value)
{
    ProtobufCMessage **e = entries;
    size_t koff = d->fields[0].offset, voff = d->fields[1].offset;

    for (size_t i = 0; i < *n; i++)
        if (strcmp(*(char **)((char *)e[i] + koff), model_nz(key)) == 0) {
            pb_str_set((char **)((char *)e[i] + voff), value);
            return entries;
        }
    e = model_xrealloc(e, (*n + 1) * sizeof *e);
    e[*n] = pb_new(d);
    pb_str_set((char **)((char *)e[*n] + koff), key);
    pb_str_set((char **)((char *)e[*n] + voff), value);
    (*n)++;
    return e;
}

static void mirror_port(Proto__State *s, const Proto__PortEvent *p)
{
    Proto__PortEvent *copy = (Proto__PortEvent *)pb_dup(&p->base);

    for (size_t i = 0; i < s->n_forwardedports; i++)
        if (s->forwardedports[i]->key == p->localport) {
            protobuf_c_message_free_unpacked(&s->forwardedports[i]->value->base, NULL);
            s->forwardedports[i]->value = copy;
            return;
        }
    s->forwardedports = model_xrealloc(s->forwardedports,
                                       (s->n_forwardedports + 1) * sizeof *s->forwardedports);
    Proto__State__ForwardedPortsEntry *e = pb_new(&proto__state__forwarded_ports_entry__descriptor);
    e->key = p->localport;
    e->value = copy;
    s->forwardedports[s->n_forwardedports++] = e;
}

static bool mirror_same_container(const Proto__DebuggingContainerEvent *a,
                                  const Proto__DebuggingContainerEvent *b)
{
    return strcmp(model_nz(a->namespace_), model_nz(b->namespace_)) == 0 &&
           strcmp(model_nz(a->podname), model_nz(b->podname)) == 0 &&
           strcmp(model_nz(a->containername), model_nz(b->containername)) == 0;
}

/* "Started" appends in Skaffold; here a container already listed is
 * replaced in place instead, so that folding the same entry twice changes
 * nothing. A reconnect needs that: the GetState answer already holds the
 * containers whose "Started" the replayed history then brings again (and
 * model_reconcile re-folds entries on top of the server's State). Skaffold
 * starts a container once, so both rules agree on any real log. */
static bool mirror_debug_replace(Proto__State *s, const Proto__DebuggingContainerEvent *d)
{
    for (size_t i = 0; i < s->n_debuggingcontainers; i++)
        if (mirror_same_container(s->debuggingcontainers[i], d)) {
            protobuf_c_message_free_unpacked(&s->debuggingcontainers[i]->base, NULL);
            s->debuggingcontainers[i] = (Proto__DebuggingContainerEvent *)pb_dup(&d->base);
            return true;
        }
    return false;
}

static void mirror_debug(Proto__State *s, const Proto__DebuggingContainerEvent *d)
{
    status_kind_t k = status_kind(d->status);

    if (k == STATUS_STARTED && !mirror_debug_replace(s, d)) {
        s->debuggingcontainers = model_xrealloc(
            s->debuggingcontainers, (s->n_debuggingcontainers + 1) * sizeof *s->debuggingcontainers);
        s->debuggingcontainers[s->n_debuggingcontainers++] =
            (Proto__DebuggingContainerEvent *)pb_dup(&d->base);
    } else if (k == STATUS_TERMINATED) {
        size_t kept = 0;
        for (size_t i = 0; i < s->n_debuggingcontainers; i++) {
            Proto__DebuggingContainerEvent *c = s->debuggingcontainers[i];
            if (mirror_same_container(c, d))
                protobuf_c_message_free_unpacked(&c->base, NULL);
            else
                s->debuggingcontainers[kept++] = c;
        }
        s->n_debuggingcontainers = kept;
    }
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

/* Skaffold's own State rules; the one code path for fold and reconcile. */
void mirror_fold(Proto__State *s, const Proto__Event *ev)
{
    Proto__BuildState *bs = s->buildstate;
    Proto__StatusCheckState *sc = s->statuscheckstate;
    const Proto__BuildEvent *b = ev->buildevent;
    const Proto__ResourceStatusCheckEvent *r = ev->resourcestatuscheckevent;

    switch (ev->event_type_case) {
    case PROTO__EVENT__EVENT_TYPE_BUILD_EVENT:
        bs->artifacts = mirror_map_set(bs->artifacts, &bs->n_artifacts,
                                       &proto__build_state__artifacts_entry__descriptor,
                                       b->artifact, b->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_DEPLOY_EVENT:
        pb_str_set(&s->deploystate->status, ev->deployevent->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_PORT_EVENT:
        mirror_port(s, ev->portevent);
        break;
    case PROTO__EVENT__EVENT_TYPE_STATUS_CHECK_EVENT:
        pb_str_set(&sc->status, ev->statuscheckevent->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_RESOURCE_STATUS_CHECK_EVENT:
        sc->resources = mirror_map_set(sc->resources, &sc->n_resources,
                                       &proto__status_check_state__resources_entry__descriptor,
                                       r->resource, r->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_FILE_SYNC_EVENT:
        pb_str_set(&s->filesyncstate->status, ev->filesyncevent->status);
        break;
    case PROTO__EVENT__EVENT_TYPE_DEBUGGING_CONTAINER_EVENT:
        mirror_debug(s, ev->debuggingcontainerevent);
        break;
    case PROTO__EVENT__EVENT_TYPE_META_EVENT:
        mirror_meta(s, ev->metaevent);
        break;
    default:
        break; /* dev loop and termination change no State field */
    }
}

Proto__State *mirror_new(void)
{
    Proto__State *s = pb_new(&proto__state__descriptor);
    mirror_complete(s);
    return s;
}
