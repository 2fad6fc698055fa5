/* Builds LogEntry values for the model tests. Every message is malloc'd field
 * by field, so protobuf_c_message_free_unpacked(msg, NULL) frees it, exactly
 * like a decoded one. Include after <cmocka.h>. */
#ifndef SKVIEW_TEST_MODEL_FIXTURE_H
#define SKVIEW_TEST_MODEL_FIXTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/codes.h"
#include "skaffold/model.h"

#define SEC 1000000000LL

static inline char *fx_str(const char *s)
{
    if (s == NULL || *s == '\0')
        return (char *)protobuf_c_empty_string;
    char *d = strdup(s);
    assert_non_null(d);
    return d;
}

static inline void *fx_new(const ProtobufCMessageDescriptor *d)
{
    void *msg = malloc(d->sizeof_message);
    assert_non_null(msg);
    protobuf_c_message_init(d, msg);
    return msg;
}

/* An ActionableErr with n suggestions given as (int code, const char *action). */
static inline Proto__ActionableErr *fx_ae(int code, const char *message, int n, ...)
{
    Proto__ActionableErr *ae = fx_new(&proto__actionable_err__descriptor);
    va_list ap;

    ae->errcode = code;
    ae->message = fx_str(message);
    ae->n_suggestions = (size_t)n;
    ae->suggestions = n ? calloc((size_t)n, sizeof *ae->suggestions) : NULL;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        Proto__Suggestion *s = fx_new(&proto__suggestion__descriptor);
        s->suggestioncode = va_arg(ap, int);
        s->action = fx_str(va_arg(ap, const char *));
        ae->suggestions[i] = s;
    }
    va_end(ap);
    return ae;
}

static inline Proto__Event *fx_event(Proto__Event__EventTypeCase c, void *inner)
{
    Proto__Event *ev = fx_new(&proto__event__descriptor);
    ev->event_type_case = c;
    ev->metaevent = inner; /* every member of the oneof is a pointer */
    return ev;
}

static inline Proto__Event *ev_build_full(const char *artifact, const char *status,
                                          const char *err, int code, Proto__ActionableErr *ae)
{
    Proto__BuildEvent *b = fx_new(&proto__build_event__descriptor);
    b->artifact = fx_str(artifact);
    b->status = fx_str(status);
    b->err = fx_str(err);
    b->errcode = code;
    b->actionableerr = ae;
    return fx_event(PROTO__EVENT__EVENT_TYPE_BUILD_EVENT, b);
}

static inline Proto__Event *ev_build(const char *artifact, const char *status)
{
    return ev_build_full(artifact, status, NULL, 0, NULL);
}

static inline Proto__Event *ev_build_ae(const char *artifact, const char *status,
                                        Proto__ActionableErr *ae)
{
    return ev_build_full(artifact, status, NULL, 0, ae);
}

static inline Proto__Event *ev_deploy_full(const char *status, const char *err, int code,
                                           Proto__ActionableErr *ae)
{
    Proto__DeployEvent *d = fx_new(&proto__deploy_event__descriptor);
    d->status = fx_str(status);
    d->err = fx_str(err);
    d->errcode = code;
    d->actionableerr = ae;
    return fx_event(PROTO__EVENT__EVENT_TYPE_DEPLOY_EVENT, d);
}

static inline Proto__Event *ev_deploy(const char *status, Proto__ActionableErr *ae)
{
    return ev_deploy_full(status, NULL, 0, ae);
}

static inline Proto__Event *ev_port(int local, int remote, const char *pod)
{
    Proto__PortEvent *p = fx_new(&proto__port_event__descriptor);
    p->localport = local;
    p->remoteport = remote;
    p->podname = fx_str(pod);
    p->containername = fx_str("app");
    p->namespace_ = fx_str("default");
    p->address = fx_str("127.0.0.1");
    return fx_event(PROTO__EVENT__EVENT_TYPE_PORT_EVENT, p);
}

static inline Proto__Event *ev_check_full(const char *status, const char *err, int code,
                                          Proto__ActionableErr *ae)
{
    Proto__StatusCheckEvent *s = fx_new(&proto__status_check_event__descriptor);
    s->status = fx_str(status);
    s->err = fx_str(err);
    s->errcode = code;
    s->actionableerr = ae;
    return fx_event(PROTO__EVENT__EVENT_TYPE_STATUS_CHECK_EVENT, s);
}

static inline Proto__Event *ev_check(const char *status, Proto__ActionableErr *ae)
{
    return ev_check_full(status, NULL, 0, ae);
}

static inline Proto__Event *ev_resource_full(const char *resource, const char *status,
                                             const char *message, const char *err, int code,
                                             Proto__ActionableErr *ae)
{
    Proto__ResourceStatusCheckEvent *r = fx_new(&proto__resource_status_check_event__descriptor);
    r->resource = fx_str(resource);
    r->status = fx_str(status);
    r->message = fx_str(message);
    r->err = fx_str(err);
    r->statuscode = code;
    r->actionableerr = ae;
    return fx_event(PROTO__EVENT__EVENT_TYPE_RESOURCE_STATUS_CHECK_EVENT, r);
}

static inline Proto__Event *ev_resource(const char *resource, const char *status,
                                        const char *message, int code,
                                        Proto__ActionableErr *ae)
{
    return ev_resource_full(resource, status, message, NULL, code, ae);
}

static inline Proto__Event *ev_sync_full(const char *image, const char *status,
                                         const char *err, int code, Proto__ActionableErr *ae)
{
    Proto__FileSyncEvent *f = fx_new(&proto__file_sync_event__descriptor);
    f->filecount = 2;
    f->image = fx_str(image);
    f->status = fx_str(status);
    f->err = fx_str(err);
    f->errcode = code;
    f->actionableerr = ae;
    return fx_event(PROTO__EVENT__EVENT_TYPE_FILE_SYNC_EVENT, f);
}

static inline Proto__Event *ev_sync(const char *image, const char *status,
                                    Proto__ActionableErr *ae)
{
    return ev_sync_full(image, status, NULL, 0, ae);
}

static inline Proto__Event *ev_debug(const char *status, const char *ns, const char *pod,
                                     const char *container)
{
    Proto__DebuggingContainerEvent *d = fx_new(&proto__debugging_container_event__descriptor);
    d->status = fx_str(status);
    d->namespace_ = fx_str(ns);
    d->podname = fx_str(pod);
    d->containername = fx_str(container);
    d->artifact = fx_str("app");
    d->runtime = fx_str("go");
    return fx_event(PROTO__EVENT__EVENT_TYPE_DEBUGGING_CONTAINER_EVENT, d);
}

/* A MetaEvent; with_metadata adds one docker builder and one helm deployer. */
static inline Proto__Event *ev_meta(const char *entry, bool with_metadata)
{
    Proto__MetaEvent *me = fx_new(&proto__meta_event__descriptor);
    me->entry = fx_str(entry);
    if (with_metadata) {
        Proto__Metadata *md = fx_new(&proto__metadata__descriptor);
        md->build = fx_new(&proto__build_metadata__descriptor);
        md->build->numberofartifacts = 1;
        md->build->type = PROTO__BUILD_TYPE__LOCAL;
        md->deploy = fx_new(&proto__deploy_metadata__descriptor);
        md->deploy->cluster = PROTO__CLUSTER_TYPE__MINIKUBE;
        me->metadata = md;
    }
    return fx_event(PROTO__EVENT__EVENT_TYPE_META_EVENT, me);
}

static inline Proto__Event *ev_devloop(int iteration, const char *status,
                                       Proto__ActionableErr *ae)
{
    Proto__DevLoopEvent *d = fx_new(&proto__dev_loop_event__descriptor);
    d->iteration = iteration;
    d->status = fx_str(status);
    d->err = ae;
    return fx_event(PROTO__EVENT__EVENT_TYPE_DEV_LOOP_EVENT, d);
}

static inline Proto__Event *ev_term(const char *status, Proto__ActionableErr *ae)
{
    Proto__TerminationEvent *t = fx_new(&proto__termination_event__descriptor);
    t->status = fx_str(status);
    t->err = ae;
    return fx_event(PROTO__EVENT__EVENT_TYPE_TERMINATION_EVENT, t);
}

static inline Proto__Event *ev_test(const char *status, Proto__ActionableErr *ae)
{
    Proto__TestEvent *t = fx_new(&proto__test_event__descriptor);
    t->status = fx_str(status);
    t->actionableerr = ae;
    return fx_event(PROTO__EVENT__EVENT_TYPE_TEST_EVENT, t);
}

/* A LogEntry at t_ns (0 = no timestamp) carrying ev (NULL = no event). */
static inline Proto__LogEntry *fx_entry(int64_t t_ns, Proto__Event *ev, const char *text)
{
    Proto__LogEntry *e = fx_new(&proto__log_entry__descriptor);
    if (t_ns != 0) {
        e->timestamp = fx_new(&google__protobuf__timestamp__descriptor);
        e->timestamp->seconds = t_ns / SEC;
        e->timestamp->nanos = (int32_t)(t_ns % SEC);
    }
    e->event = ev;
    e->entry = fx_str(text);
    return e;
}

/* Folds ev at t_ns, checks that it was accepted, and frees it. */
static inline void fold_at(model_t *m, int64_t t_ns, Proto__Event *ev)
{
    Proto__LogEntry *e = fx_entry(t_ns, ev, "entry");
    assert_int_equal(model_fold(m, e), 0);
    protobuf_c_message_free_unpacked(&e->base, NULL);
}

static inline void fold(model_t *m, Proto__Event *ev)
{
    fold_at(m, 0, ev);
}

/* ---- State lookups ---- */

static inline const char *st_artifact(const model_t *m, const char *artifact)
{
    const Proto__BuildState *b = model_state(m)->buildstate;
    for (size_t i = 0; i < b->n_artifacts; i++)
        if (strcmp(b->artifacts[i]->key, artifact) == 0)
            return b->artifacts[i]->value;
    return NULL;
}

static inline const char *st_resource(const model_t *m, const char *resource)
{
    const Proto__StatusCheckState *s = model_state(m)->statuscheckstate;
    for (size_t i = 0; i < s->n_resources; i++)
        if (strcmp(s->resources[i]->key, resource) == 0)
            return s->resources[i]->value;
    return NULL;
}

static inline const Proto__PortEvent *st_port(const model_t *m, int local)
{
    const Proto__State *s = model_state(m);
    for (size_t i = 0; i < s->n_forwardedports; i++)
        if (s->forwardedports[i]->key == local)
            return s->forwardedports[i]->value;
    return NULL;
}

static inline model_t *fx_model(size_t history, size_t timeline, size_t errors)
{
    model_opts_t o = { .history_cap = history, .timeline_cap = timeline, .errors_cap = errors };
    model_t *m = model_new(&o);
    assert_non_null(m);
    return m;
}

static inline int fx_teardown_model(void **state)
{
    model_free(*state);
    return 0;
}

#endif
