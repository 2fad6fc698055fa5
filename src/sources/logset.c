/* One time-ordered stream from a log and its F.v2; see logset.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "core/xalloc.h"
#include "sources/logset.h"
#include "sources/pacer.h"

typedef struct peek {
    log_item_t it;
    int rc;          /* logreader_next_item's: 1 an item is waiting, 0 end, -1 stopped */
    bool want;       /* the item was taken: read the next */
} peek_t;

struct logset {
    logreader_t *r[LOGSET_MAX];
    peek_t p[LOGSET_MAX];
    size_t n;
    uint64_t items;
    int stopped_rc;  /* the status of the reader that stopped the set */
};

char *logset_sibling(const char *path)
{
    if (!strcmp(path, "-"))
        return NULL;
    size_t n = strlen(path);
    char *sib = xmalloc(n + 4);
    memcpy(sib, path, n);
    memcpy(sib + n, ".v2", 4);
    struct stat st;
    if (stat(sib, &st) == 0 && S_ISREG(st.st_mode))
        return sib;
    free(sib);
    return NULL;
}

/* Why sib cannot be path's F.v2 (the same file, or v1 lines: a copy), in
 * errbuf; 0 when it can. */
static int refuse_sibling(const char *path, logreader_t *sib, char *errbuf, size_t errlen)
{
    struct stat a, b;
    const char *sp = logreader_path(sib);
    if (stat(path, &a) == 0 && stat(sp, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
        snprintf(errbuf, errlen, "%s: is %s itself (a link), not the v2 events Skaffold writes "
                 "beside it; remove it to read %s alone", sp, path, path);
        return -1;
    }
    if (logreader_version_known(sib) && !log_format_is_v2(logreader_format(sib))) {
        snprintf(errbuf, errlen, "%s: its lines are v1 entries (%s), not the v2 events Skaffold "
                 "writes beside %s (a copy of it?); remove or rename it to read %s alone", sp,
                 log_format_name(logreader_format(sib)), path, path);
        return -1;
    }
    return 0;
}

logset_t *logset_open(const char *path, const logreader_opts_t *opts, bool sibling, char *errbuf,
                      size_t errlen)
{
    logset_t *s = xcalloc(1, sizeof *s);
    s->r[0] = logreader_open(path, opts, errbuf, errlen);
    if (!s->r[0]) {
        free(s);
        return NULL;
    }
    s->n = 1;
    log_format_t f = logreader_format(s->r[0]);
    char *sib = sibling && (f == LOG_JSONL || f == LOG_GATEWAY) ? logset_sibling(path) : NULL;
    if (sib) {
        s->r[1] = logreader_open(sib, opts, errbuf, errlen);
        free(sib);
        if (s->r[1])
            s->n = 2;
        if (!s->r[1] || refuse_sibling(path, s->r[1], errbuf, errlen)) {
            logset_close(s);
            return NULL;
        }
    }
    for (size_t i = 0; i < s->n; i++)
        s->p[i].want = true;
    return s;
}

void logset_close(logset_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        logreader_close(s->r[i]);
    free(s);
}

static int64_t item_ns(const log_item_t *it)
{
    const Google__Protobuf__Timestamp *t = it->entry ? it->entry->timestamp : it->v2->timestamp;
    return t ? pacer_ts_ns(t) : INT64_MIN; /* none: due at once */
}

int logset_next(logset_t *s, const source_sink_t *sink, log_item_t *out)
{
    if (s->n == 1) {
        int rc = logreader_next_item(s->r[0], sink, out);
        s->items += rc == 1;
        return rc;
    }
    int best = -1;
    for (size_t i = 0; i < s->n; i++) {
        peek_t *p = &s->p[i];
        if (p->want) {
            p->rc = logreader_next_item(s->r[i], sink, &p->it);
            p->want = false;
        }
        if (p->rc < 0)
            return -1;
        if (p->rc == 1 && (best < 0 || item_ns(&p->it) < item_ns(&s->p[best].it)))
            best = (int)i;
    }
    if (best < 0)
        return 0;
    *out = s->p[best].it;
    s->p[best].want = true; /* valid until the next call: its reader reads on then */
    s->items++;
    return 1;
}

int logset_pump(logset_t *s, const source_sink_t *sink)
{
    if (s->n == 1)
        return logreader_pump(s->r[0], sink);
    log_item_t it;
    int rc, status = 0;
    while ((rc = logset_next(s, sink, &it)) == 1) {
        if (it.v2) {
            if (sink->on_v2 && (status = sink->on_v2(sink->ctx, it.v2, it.stream)) != 0) break;
        } else if (sink->on_entry && (status = sink->on_entry(sink->ctx, it.entry)) != 0) {
            break;
        }
    }
    if (rc < 0) {
        for (size_t i = 0; i < s->n; i++)
            if (s->p[i].rc < 0)
                status = logreader_stopped(s->r[i]) ? 3 : 1;
        for (size_t i = 0; i < s->n; i++)
            if (s->p[i].rc < 0 && !logreader_stopped(s->r[i]) && sink->on_error)
                sink->on_error(sink->ctx, logreader_path(s->r[i]),
                               logreader_io_error(s->r[i]) ? logreader_io_error(s->r[i]) : "read error", true);
    }
    if (sink->on_end)
        sink->on_end(sink->ctx, status);
    return status;
}

size_t logset_count(const logset_t *s) { return s->n; }
logreader_t *logset_reader(const logset_t *s, size_t i) { return i < s->n ? s->r[i] : NULL; }
uint64_t logset_items(const logset_t *s)
{
    return s->items + (s->n == 1 ? logreader_entries(s->r[0]) : 0);
}
