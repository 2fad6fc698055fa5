/* One BuildKit call, headless, and a saved build read back; see bk_run.h. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>
#include "buildkit/bk_format.h"
#include "core/common.h"
#include "session/bk_run.h"
#include "sources/bk_reader.h"
#include "sources/rec_format.h"

typedef struct bk_run {
    const bk_run_opts_t *o;
    const bk_run_hooks_t *h;
    bk_model_t *model;
    uv_loop_t loop;
    bk_client_t *client;
    int rc;
    recording_writer_t rec;
    bool rec_open, recording;    /* opened; still written (a failed write stops it) */
    Moby__Buildkit__V1__BuildHistoryRequest history;
    uv_signal_t sigint;
    bool sig_ok, interrupted;
    /* Status with wait_ns: the ref is asked for again until its build starts */
    uv_timer_t wait_timer;       /* the next try, or the current try's deadline */
    bool wait_ok, waiting, wait_said, wait_expired;
    bk_call_t *call;             /* the current try */
    char last_msg[256];          /* the daemon's last "no such job" */
    uint64_t wait_until;         /* uv_now() limit */
    unsigned attempts, msgs;
} bk_run_t;

static void say(const bk_run_hooks_t *h, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(const bk_run_hooks_t *h, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    message_vsend(h->on_message, h->ctx, error, fmt, ap);
    va_end(ap);
}

const char *bk_run_addr(const char *addr)
{
    return bk_addr(addr);
}

/* ---- the recording ---------------------------------------------------------- */

static int record_open(bk_run_t *r)
{
    char err[1200];
    const char *note;
    if (!r->o->record)
        return 0;
    if (recording_open_append(&r->rec, r->o->record, &note, err, sizeof err) != 0) {
        say(r->h, true, "%s", err);
        return EXIT_RUNTIME;
    }
    r->rec_open = r->recording = true;
    return 0;
}

static void record(bk_run_t *r, int kind, const ProtobufCMessage *m)
{
    if (r->recording && recording_write(&r->rec, kind, m) != 0) {
        say(r->h, true, "--record: %s", strerror(errno));
        r->recording = false;
    }
}

/* ---- answers: into the model, the recording, then the command ---------------- */

static void fold(bk_run_t *r, const ProtobufCMessage *m)
{
    bk_model_t *md = r->model;
    switch (r->o->call) {
    case BK_RUN_DU:
        record(r, RECORD_BUILDKIT_DU, m);
        bk_model_du(md, (const Moby__Buildkit__V1__DiskUsageResponse *)m);
        break;
    case BK_RUN_WORKERS:
        record(r, RECORD_BUILDKIT_WORKERS, m);
        bk_model_workers(md, (const Moby__Buildkit__V1__ListWorkersResponse *)m);
        break;
    case BK_RUN_INFO: bk_model_info(md, (const Moby__Buildkit__V1__InfoResponse *)m); break;
    case BK_RUN_PRUNE: bk_model_pruned(md, (const Moby__Buildkit__V1__UsageRecord *)m); break;
    case BK_RUN_STATUS:
        r->msgs++;
        record(r, RECORD_BUILDKIT_STATUS, m);
        bk_model_status(md, (const Moby__Buildkit__V1__StatusResponse *)m);
        break;
    case BK_RUN_HISTORY: bk_model_history(md, (const Moby__Buildkit__V1__BuildHistoryEvent *)m); break;
    }
}

static void on_msg(void *arg, const ProtobufCMessage *m)
{
    bk_run_t *r = arg;
    fold(r, m);
    if (r->h->on_answer)
        r->h->on_answer(r->h->ctx, r->model, m);
}

/* ---- the end -------------------------------------------------------------------- */

static void on_closed(uv_handle_t *h) { (void)h; }

static void close_handle(bool ok, uv_handle_t *h)
{
    if (ok && !uv_is_closing(h))
        uv_close(h, on_closed);
}

/* The exit status (ok_rc for an OK end), the failure said, the handles
 * closed: the loop runs out. */
static void finish(bk_run_t *r, int code, const char *msg, int ok_rc)
{
    if (r->interrupted) {
        r->rc = 130; /* as a shell reports SIGINT */
    } else if (code != 0) {
        say(r->h, true, "%s", msg ? msg : "");
        r->rc = EXIT_RUNTIME;
    } else {
        r->rc = ok_rc;
    }
    close_handle(r->sig_ok, (uv_handle_t *)&r->sigint);
    close_handle(r->wait_ok, (uv_handle_t *)&r->wait_timer);
    bk_client_stop(r->client, NULL, NULL);
}

static bool status_retry(bk_run_t *r, int code, const char *msg);

static void on_end(void *arg, int code, const char *msg)
{
    bk_run_t *r = arg;
    if (r->o->call == BK_RUN_STATUS && status_retry(r, code, msg))
        return;
    int rc = r->h->on_end ? r->h->on_end(r->h->ctx, r->model, code, r->interrupted) : EXIT_OK;
    finish(r, code, msg, rc);
}

/* Ctrl-C cancels the call instead of killing the process in the middle of
 * a write or a recording. Between two tries no call is open: the run ends. */
static void on_sigint(uv_signal_t *s, int sig)
{
    (void)sig;
    bk_run_t *r = s->data;
    r->interrupted = true;
    if (r->waiting)
        finish(r, 0, "", EXIT_OK);
    else
        bk_client_stop(r->client, NULL, NULL);
}

/* ---- Status, waited for ---------------------------------------------------------- */

static void on_wait_deadline(uv_timer_t *t)
{
    bk_run_t *r = t->data;
    if (r->msgs)
        return; /* the build started: followed to its end */
    r->wait_expired = true;
    bk_rpc_cancel(r->call);
}

/* One Status try. With wait_ns the limit is counted from the first try and
 * a try still unanswered then is cancelled (v0.8 keeps each one 3 s). */
static bk_call_t *status_start(bk_run_t *r)
{
    r->call = bk_client_status(r->client, r->o->ref, on_msg, on_end, r);
    if (!r->call || !r->o->wait_ns)
        return r->call;
    uint64_t now = uv_now(&r->loop);
    if (!r->wait_until)
        r->wait_until = now + (uint64_t)(r->o->wait_ns / 1000000);
    if (!r->wait_ok && uv_timer_init(&r->loop, &r->wait_timer) == 0) {
        r->wait_ok = true;
        r->wait_timer.data = r;
    }
    if (r->wait_ok)
        uv_timer_start(&r->wait_timer, on_wait_deadline, now < r->wait_until ? r->wait_until - now : 0, 0);
    return r->call;
}

static void on_wait_timer(uv_timer_t *t)
{
    bk_run_t *r = t->data;
    r->waiting = false;
    if (!status_start(r))
        finish(r, 1, "INTERNAL: cannot start the call", EXIT_OK);
}

/* The wait is over: the failure says so, with the daemon's last answer. */
static void wait_expired(bk_run_t *r)
{
    strbuf_t m, d;
    sb_init(&m);
    sb_init(&d);
    bk_format_duration(&d, r->o->wait_ns);
    sb_printf(&m, "build %s did not start within %s", r->o->ref, d.data);
    if (r->last_msg[0])
        sb_printf(&m, " (%s)", r->last_msg);
    finish(r, 1, m.data, EXIT_OK);
    sb_free(&m);
    sb_free(&d);
}

/* A ref the daemon does not know yet ("no such job", before any message)
 * is asked for again after the client's backoff, until the limit. Returns
 * whether the end was taken care of. */
static bool status_retry(bk_run_t *r, int code, const char *msg)
{
    if (!r->o->wait_ns || r->msgs || r->interrupted)
        return false;
    if (r->wait_expired) { /* the deadline cancelled the try */
        wait_expired(r);
        return true;
    }
    if (code == 0 || !strstr(msg, "no such job"))
        return false;
    snprintf(r->last_msg, sizeof r->last_msg, "%s", msg);
    uint64_t now = uv_now(&r->loop);
    if (now >= r->wait_until || !r->wait_ok) {
        wait_expired(r);
        return true;
    }
    if (!r->wait_said)
        say(r->h, false, "waiting for build %s", r->o->ref);
    r->wait_said = true;
    uint64_t d = bk_client_backoff(r->client, r->attempts++);
    r->waiting = true;
    uv_timer_start(&r->wait_timer, on_wait_timer, d < r->wait_until - now ? d : r->wait_until - now, 0);
    return true;
}

/* ---- the run ------------------------------------------------------------------------ */

static bk_call_t *start(bk_run_t *r)
{
    const bk_run_opts_t *o = r->o;
    switch (o->call) {
    case BK_RUN_DU: return bk_client_disk_usage(r->client, o->filters, o->n_filters, on_msg, on_end, r);
    case BK_RUN_WORKERS: return bk_client_list_workers(r->client, on_msg, on_end, r);
    case BK_RUN_INFO: return bk_client_info(r->client, on_msg, on_end, r);
    case BK_RUN_PRUNE:
        bk_model_prune_begin(r->model);
        return bk_client_prune(r->client, o->prune, on_msg, on_end, r);
    case BK_RUN_STATUS:
        bk_model_status_reset(r->model, o->ref);
        return status_start(r);
    case BK_RUN_HISTORY:
        moby__buildkit__v1__build_history_request__init(&r->history);
        r->history.activeonly = o->active;
        r->history.earlyexit = true; /* the list as it is now, then end */
        return bk_client_history(r->client, &r->history, on_msg, on_end, r);
    }
    return NULL;
}

static void signal_start(bk_run_t *r)
{
    int rc;
    r->sigint.data = r;
    if ((rc = uv_signal_init(&r->loop, &r->sigint)) < 0) {
        say(r->h, true, "uv_signal_init: %s", uv_strerror(rc));
        return;
    }
    r->sig_ok = true;
    if ((rc = uv_signal_start(&r->sigint, on_sigint, SIGINT)) < 0) /* Ctrl-C then just kills */
        say(r->h, true, "uv_signal_start: %s", uv_strerror(rc));
}

static int run_loop(bk_run_t *r)
{
    char err[1200];
    int rc = uv_loop_init(&r->loop);
    if (rc < 0) {
        say(r->h, true, "uv_loop_init: %s", uv_strerror(rc));
        return EXIT_RUNTIME;
    }
    r->client = bk_client_new(&r->loop, bk_addr(r->o->addr), err, sizeof err);
    if (!r->client) {
        say(r->h, true, "%s", err);
        (void)uv_loop_close(&r->loop); /* nothing was added to it */
        return EXIT_USAGE;
    }
    signal_start(r);
    if (!start(r))
        finish(r, 1, "INTERNAL: cannot start the call", EXIT_OK);
    (void)uv_run(&r->loop, UV_RUN_DEFAULT); /* ends when every handle closed */
    bk_client_free(r->client);
    if ((rc = uv_loop_close(&r->loop)) < 0)
        say(r->h, true, "uv_loop_close: %s", uv_strerror(rc));
    return r->rc;
}

int bk_run(const bk_run_opts_t *o, bk_model_t *model, const bk_run_hooks_t *h)
{
    bk_run_t r;
    memset(&r, 0, sizeof r);
    r.o = o;
    r.h = h;
    r.model = model;
    if (record_open(&r))
        return EXIT_RUNTIME;
    int rc = run_loop(&r);
    if (r.rec_open)
        recording_close(&r.rec);
    return rc;
}

/* ---- a saved build ------------------------------------------------------------------- */

int bk_run_file(const char *path, bk_model_t *model, const bk_run_hooks_t *h, char *errbuf, size_t errlen)
{
    char err[1200];
    bk_reader_t *rd = bk_reader_open(path, errbuf, errlen);
    if (!rd)
        return -1;
    const Moby__Buildkit__V1__StatusResponse *m;
    int rc;
    while ((rc = bk_reader_next(rd, &m, err, sizeof err)) != BK_READ_END && rc != BK_READ_FAIL) {
        if (rc == BK_READ_MSG) {
            bk_model_status(model, m);
            if (h->on_answer)
                h->on_answer(h->ctx, model, &m->base);
        } else {
            say(h, true, "%s", err);
        }
    }
    if (rc == BK_READ_FAIL)
        say(h, true, "%s", err);
    bk_reader_close(rd);
    return rc == BK_READ_FAIL ? EXIT_RUNTIME : EXIT_OK;
}
