/* The parallel pump for large JSON-lines files.
 *
 * Why: jsmn tokenizes byte by byte, so one core parses a 1M-entry log in
 * about 0.4 s; with two cores, two workers parse batches of the file while
 * the caller's thread folds them, in file order.
 *
 * Batch k is the byte range [k*B, (k+1)*B) and owns the lines that start in
 * it: its worker pread()s the range (and one byte before, to see whether the
 * range begins a line) into the slot's own buffer, reading on past the end
 * to finish its last line. Reading into reused buffers, rather than mapping
 * the file, keeps memory flat without page faults or the TLB shootdowns that
 * dropping mapped pages costs (measured: about 6% of the run).
 *
 * Batch k lives in slot k % NBATCH. The consumer takes slots strictly in
 * batch order, emits entries and errors interleaved exactly as the sequential
 * reader would (errors carry the number of entries before them), and frees
 * the slot. Nothing from the sink is called on a worker thread. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/xalloc.h"
#include "sources/logline.h"
#include "sources/logpar.h"

#define NBATCH 6
#define AUTO_MIN_SIZE (4u << 20)
#define DEFAULT_BATCH (512u << 10)
#define MAX_WORKERS 8

enum { SLOT_FREE, SLOT_CLAIMED, SLOT_READY };

typedef struct perr {
    bool warning;         /* a gateway's stream error or an unknown enum value: reported, not counted */
    const void *enum_ed;  /* an unknown enum value: warned once per (enum_ed, enum_value) */
    int enum_value;
    uint64_t line;        /* within the batch, from 1 */
    size_t before;        /* entries of the batch before this error */
    char msg[320];
} perr_t;

typedef struct batch {
    int state;
    uint64_t seq;
    size_t start, end;
    char *buf;                /* the bytes read for this batch */
    size_t buf_cap;
    arena_t arena;
    log_item_t *ents;
    bool *unwrapped;
    size_t n, cap;
    perr_t *errs;
    size_t nerr, errcap;
    enum_seen_t seen;         /* unknown enum values noted in this batch */
    uint64_t lines;
} batch_t;

typedef struct par {
    int fd;
    bool v2;                  /* the file's lines are v2 Events */
    bool tokenize_only;       /* the bench's floor: jsmn alone */
    bool no_text;             /* logreader_opts_t.no_text */
    size_t size, batch_bytes;
    pthread_mutex_t mu;
    pthread_cond_t ready, freed;
    size_t next_off;
    uint64_t next_seq;
    bool stop;
    batch_t b[NBATCH];
} par_t;

bool logpar_wanted(int fd, const logreader_opts_t *o)
{
    struct stat st;
    if (o->threads == 1 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
        return false;
    return o->threads > 1 || (size_t)st.st_size >= AUTO_MIN_SIZE;
}

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return p;
    size_t c = *cap ? *cap * 2 : 1024;
    while (c < need) c *= 2;
    *cap = c;
    return xrealloc(p, c * elem);
}

static void add_entry(batch_t *b, const log_item_t *e, bool unwrapped)
{
    size_t cap = b->cap;
    b->ents = grow(b->ents, &cap, b->n + 1, sizeof *b->ents);
    cap = b->cap;
    b->unwrapped = grow(b->unwrapped, &cap, b->n + 1, sizeof *b->unwrapped);
    b->cap = cap;
    b->ents[b->n] = *e;
    b->unwrapped[b->n++] = unwrapped;
}

static void add_error(batch_t *b, const char *msg, bool warning)
{
    b->errs = grow(b->errs, &b->errcap, b->nerr + 1, sizeof *b->errs);
    perr_t *e = &b->errs[b->nerr++];
    e->warning = warning;
    e->enum_ed = NULL;
    e->line = b->lines;
    e->before = b->n;
    snprintf(e->msg, sizeof e->msg, "%s", msg);
}

/* Reads file bytes [off, off+n) to b->buf + at, growing the buffer. Returns
 * the bytes read (short at the end of the file). */
static size_t batch_read(par_t *p, batch_t *b, size_t at, size_t off, size_t n)
{
    if (at + n + 1 > b->buf_cap) {
        size_t cap = b->buf_cap ? b->buf_cap : 4096;
        while (cap < at + n + 1) cap *= 2;
        b->buf = xrealloc(b->buf, cap);
        b->buf_cap = cap;
    }
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(p->fd, b->buf + at + got, n - got, (off_t)(off + got));
        if (r <= 0) break; /* end of file (a read error looks the same: nothing more) */
        got += (size_t)r;
    }
    return got;
}

/* One line as the version the file holds (decided before the pump). */
static bool parse_item(batch_t *b, pbjson_parser_t *json, bool v2, const char *s, size_t n, log_item_t *it,
                       bool *unwrapped, pbjson_err_t *err)
{
    memset(it, 0, sizeof *it);
    if (!v2)
        return (it->entry = logline_parse(json, &b->arena, s, n, unwrapped, err)) != NULL;
    it->v2 = logline_parse_v2(json, &b->arena, s, n, unwrapped, err);
    if (it->v2 && it->v2->event_type_case == PROTO__V2__EVENT__EVENT_TYPE_APPLICATION_LOG_EVENT)
        it->stream = V2_APPLOGS;
    return it->v2 != NULL;
}

static void parse_line_into(batch_t *b, pbjson_parser_t *json, bool v2, const char *s, size_t n)
{
    b->lines++;
    if (logline_is_blank(s, n)) return;
    pbjson_err_t err;
    bool unwrapped;
    log_item_t item;
    const log_item_t *e = parse_item(b, json, v2, s, n, &item, &unwrapped, &err) ? &item : NULL;
    for (int k = 0; e && k < err.n_unknown && k < PBJSON_MAX_UNKNOWN; k++)
        if (enum_seen_add(&b->seen, err.unknown[k].ed, err.unknown[k].value)) {
            char msg[300];
            logline_unknown_msg(&err.unknown[k], msg, sizeof msg);
            add_error(b, msg, true);
            b->errs[b->nerr - 1].enum_ed = err.unknown[k].ed;
            b->errs[b->nerr - 1].enum_value = err.unknown[k].value;
        }
    if (e) add_entry(b, e, unwrapped);
    else add_error(b, err.msg, err.gateway_error);
}

/* Parses the lines that start in [start, end). The buffer holds the byte
 * before start (if any) so a line start is recognised without a second read. */
static void parse_batch(par_t *p, batch_t *b, pbjson_parser_t *json)
{
    size_t lead = b->start > 0, from = b->start - lead;
    size_t len = batch_read(p, b, 0, from, b->end - from);
    size_t pos = 0;
    if (lead) { /* skip the tail of a line that began in an earlier batch */
        char *nl = memchr(b->buf, '\n', len);
        pos = nl ? (size_t)(nl - b->buf) + 1 : len;
    }
    while (pos < len && from + pos < b->end) { /* lines that start in the batch */
        char *nl = memchr(b->buf + pos, '\n', len - pos);
        while (!nl && from + len < p->size) { /* the last line runs on */
            size_t more = batch_read(p, b, len, from + len, 64 * 1024);
            if (more == 0) break;
            nl = memchr(b->buf + len, '\n', more);
            len += more;
        }
        size_t n = nl ? (size_t)(nl - (b->buf + pos)) : len - pos;
        if (p->tokenize_only)
            b->lines++, (void)pbjson_tokenize(json, b->buf + pos, n);
        else
            parse_line_into(b, json, p->v2, b->buf + pos, n);
        pos += n + 1;
    }
}

/* Claims the next range into its slot; false when there is nothing left. */
static batch_t *claim(par_t *p)
{
    for (;;) {
        if (p->stop || p->next_off >= p->size) return NULL;
        batch_t *b = &p->b[p->next_seq % NBATCH];
        if (b->state == SLOT_FREE) {
            size_t end = p->next_off + p->batch_bytes;
            if (end > p->size)
                end = p->size;
            b->start = p->next_off;
            b->end = end;
            b->seq = p->next_seq++;
            b->state = SLOT_CLAIMED;
            p->next_off = end;
            return b;
        }
        pthread_cond_wait(&p->freed, &p->mu);
    }
}

static void *worker(void *arg)
{
    par_t *p = arg;
    pbjson_parser_t *json = logline_parser(p->no_text);
    pthread_mutex_lock(&p->mu);
    batch_t *b;
    while ((b = claim(p)) != NULL) {
        pthread_mutex_unlock(&p->mu);
        parse_batch(p, b, json);
        pthread_mutex_lock(&p->mu);
        b->state = SLOT_READY;
        pthread_cond_broadcast(&p->ready);
    }
    pthread_mutex_unlock(&p->mu);
    pbjson_parser_free(json);
    return NULL;
}

/* Waits for batch seq; NULL when every batch has been consumed. */
static batch_t *wait_batch(par_t *p, uint64_t seq)
{
    batch_t *b = &p->b[seq % NBATCH];
    pthread_mutex_lock(&p->mu);
    while (!(b->state == SLOT_READY && b->seq == seq)) {
        if (seq >= p->next_seq && p->next_off >= p->size) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        pthread_cond_wait(&p->ready, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return b;
}

static void release(par_t *p, batch_t *b)
{
    arena_reset(&b->arena);
    b->n = b->nerr = 0;
    b->seen.n = 0;
    b->lines = 0;
    pthread_mutex_lock(&p->mu);
    b->state = SLOT_FREE;
    pthread_cond_broadcast(&p->freed);
    pthread_mutex_unlock(&p->mu);
}

/* What the consumer has seen so far. */
typedef struct tally {
    uint64_t lines, skipped, entries, v2_events;
    log_format_t format;
    char last_error[700];
    int status;
    enum_seen_t seen;        /* unknown enum values warned about */
} tally_t;

static bool emit_error(const logpar_in_t *in, const source_sink_t *sink, tally_t *t, const perr_t *e)
{
    char where[300];
    bool fatal = in->opts->strict;
    snprintf(where, sizeof where, "%s:%llu", in->path, (unsigned long long)(t->lines + e->line));
    if (e->warning) {
        bool first = !e->enum_ed || enum_seen_add(&t->seen, e->enum_ed, e->enum_value);
        if (first && sink->on_warning) sink->on_warning(sink->ctx, where, e->msg);
        return true;
    }
    snprintf(t->last_error, sizeof t->last_error, "%s: %s", where, e->msg);
    t->skipped++;
    if (sink->on_error) sink->on_error(sink->ctx, where, e->msg, fatal);
    if (fatal) t->status = 3;
    return !fatal;
}

/* Emits one batch in file order; false to stop. */
static bool emit_batch(const logpar_in_t *in, const source_sink_t *sink, tally_t *t, const batch_t *b)
{
    size_t ei = 0;
    for (size_t i = 0; i <= b->n; i++) {
        while (ei < b->nerr && b->errs[ei].before == i)
            if (!emit_error(in, sink, t, &b->errs[ei++])) return false;
        if (i == b->n) break;
        const log_item_t *it = &b->ents[i];
        if (t->entries++ == 0 && b->unwrapped[i]) t->format = it->v2 ? LOG_V2_GATEWAY : LOG_GATEWAY;
        if (it->v2) {
            t->v2_events++;
            if (sink->on_v2 && (t->status = sink->on_v2(sink->ctx, it->v2, it->stream)) != 0) return false;
        } else if (sink->on_entry && (t->status = sink->on_entry(sink->ctx, it->entry)) != 0) {
            return false;
        }
    }
    t->lines += b->lines;
    return true;
}

static void par_init(par_t *p, int fd, size_t size, size_t batch_bytes)
{
    memset(p, 0, sizeof *p);
    p->fd = fd;
    p->size = size;
    p->batch_bytes = batch_bytes ? batch_bytes : DEFAULT_BATCH;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->ready, NULL);
    pthread_cond_init(&p->freed, NULL);
    for (int i = 0; i < NBATCH; i++) arena_init(&p->b[i].arena);
}

static void par_destroy(par_t *p)
{
    for (int i = 0; i < NBATCH; i++) {
        arena_free(&p->b[i].arena);
        free(p->b[i].ents);
        free(p->b[i].unwrapped);
        free(p->b[i].errs);
        enum_seen_free(&p->b[i].seen);
        free(p->b[i].buf);
    }
    pthread_cond_destroy(&p->ready);
    pthread_cond_destroy(&p->freed);
    pthread_mutex_destroy(&p->mu);
}

int logpar_pump(const logpar_in_t *in, const source_sink_t *sink, logpar_out_t *out)
{
    struct stat st;
    int fd = in->fd;
    *out = (logpar_out_t){.format = in->format};
    if (fstat(fd, &st) < 0) return 1;
    size_t size = (size_t)st.st_size;
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    par_t p;
    par_init(&p, fd, size, in->opts->batch_bytes);
    p.v2 = log_format_is_v2(in->format); /* before the workers start */
    p.tokenize_only = in->opts->tokenize_only;
    p.no_text = in->opts->no_text;
    int nw = in->opts->threads > 1 ? in->opts->threads : 2;
    if (nw > MAX_WORKERS) nw = MAX_WORKERS;
    pthread_t th[MAX_WORKERS];
    for (int i = 0; i < nw; i++)
        if (pthread_create(&th[i], NULL, worker, &p) != 0) abort();
    tally_t t = {.format = in->format};
    batch_t *b;
    for (uint64_t seq = 0; (b = wait_batch(&p, seq)) != NULL; seq++) {
        bool go = emit_batch(in, sink, &t, b);
        release(&p, b);
        if (!go) break;
    }
    pthread_mutex_lock(&p.mu);
    p.stop = true;
    pthread_cond_broadcast(&p.freed);
    pthread_mutex_unlock(&p.mu);
    for (int i = 0; i < nw; i++) pthread_join(th[i], NULL);
    par_destroy(&p);
    enum_seen_free(&t.seen);
    *out = (logpar_out_t){t.lines, t.skipped, t.entries, t.v2_events, t.format, ""};
    snprintf(out->last_error, sizeof out->last_error, "%s", t.last_error);
    if (sink->on_end) sink->on_end(sink->ctx, t.status);
    return t.status;
}
