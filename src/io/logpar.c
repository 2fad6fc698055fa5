/* The parallel pump for large JSON-lines files.
 *
 * Why: jsmn tokenizes byte by byte, so one core parses a 1M-entry log in
 * about 0.4 s; with two cores, two workers parse line-aligned batches of the
 * mmap'd file while the caller's thread folds them, in file order.
 *
 * Batch k lives in slot k % NBATCH. A worker claims the next byte range (cut
 * at a newline), parses it into the slot's arena, and marks it READY; the
 * consumer takes slots strictly in batch order, emits entries and errors
 * interleaved exactly as the sequential reader would (errors carry the number
 * of entries before them), and frees the slot. Nothing from the sink is
 * called on a worker thread. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "io/logreader_int.h"

#define NBATCH 6
#define AUTO_MIN_SIZE (4u << 20)
#define DEFAULT_BATCH (512u << 10)
#define MAX_WORKERS 8

enum { SLOT_FREE, SLOT_CLAIMED, SLOT_READY };

typedef struct perr {
    uint64_t line;        /* within the batch, from 1 */
    size_t before;        /* entries of the batch before this error */
    char msg[256];
} perr_t;

typedef struct batch {
    int state;
    uint64_t seq;
    size_t start, end;
    arena_t arena;
    const Proto__LogEntry **ents;
    bool *unwrapped;
    size_t n, cap;
    perr_t *errs;
    size_t nerr, errcap;
    uint64_t lines;
} batch_t;

typedef struct par {
    const char *map;
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
    void *q = realloc(p, c * elem);
    if (!q) abort();
    *cap = c;
    return q;
}

static void add_entry(batch_t *b, const Proto__LogEntry *e, bool unwrapped)
{
    size_t cap = b->cap;
    b->ents = grow(b->ents, &cap, b->n + 1, sizeof *b->ents);
    cap = b->cap;
    b->unwrapped = grow(b->unwrapped, &cap, b->n + 1, sizeof *b->unwrapped);
    b->cap = cap;
    b->ents[b->n] = e;
    b->unwrapped[b->n++] = unwrapped;
}

static void add_error(batch_t *b, const char *msg)
{
    b->errs = grow(b->errs, &b->errcap, b->nerr + 1, sizeof *b->errs);
    perr_t *e = &b->errs[b->nerr++];
    e->line = b->lines;
    e->before = b->n;
    snprintf(e->msg, sizeof e->msg, "%s", msg);
}

/* Parses every line of [start, end); the last line may lack its newline. */
static void parse_batch(par_t *p, batch_t *b, pbjson_parser_t *json)
{
    const char *s = p->map + b->start, *end = p->map + b->end;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        b->lines++;
        if (!logreader_is_blank(s, n)) {
            pbjson_err_t err;
            bool unwrapped;
            const Proto__LogEntry *e = logreader_parse_line(json, &b->arena, s, n, &unwrapped, &err);
            if (e) add_entry(b, e, unwrapped);
            else add_error(b, err.msg);
        }
        s += n + 1;
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
            if (end >= p->size) {
                end = p->size;
            } else {
                const char *nl = memchr(p->map + end, '\n', p->size - end);
                end = nl ? (size_t)(nl - p->map) + 1 : p->size;
            }
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
    pbjson_parser_t *json = pbjson_parser_new();
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

/* Gives back the pages of a consumed batch, so that the mapping never holds
 * more of the file than the batches in flight: the file is streamed. */
static void drop_pages(par_t *p, const batch_t *b)
{
    const uintptr_t page = 4096;
    uintptr_t lo = ((uintptr_t)(p->map + b->start) + page - 1) & ~(page - 1);
    uintptr_t hi = (uintptr_t)(p->map + b->end) & ~(page - 1);
    if (hi > lo) madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

static void release(par_t *p, batch_t *b)
{
    drop_pages(p, b);
    arena_reset(&b->arena);
    b->n = b->nerr = 0;
    b->lines = 0;
    pthread_mutex_lock(&p->mu);
    b->state = SLOT_FREE;
    pthread_cond_broadcast(&p->freed);
    pthread_mutex_unlock(&p->mu);
}

/* What the consumer has seen so far. */
typedef struct tally {
    uint64_t lines, skipped, entries;
    log_format_t format;
    char last_error[700];
    int status;
} tally_t;

static bool emit_error(logreader_t *r, const source_sink_t *sink, tally_t *t, const perr_t *e)
{
    char where[300];
    bool fatal = logreader_opts(r)->strict;
    snprintf(where, sizeof where, "%s:%llu", logreader_path(r), (unsigned long long)(t->lines + e->line));
    snprintf(t->last_error, sizeof t->last_error, "%s: %s", where, e->msg);
    t->skipped++;
    if (sink->on_error) sink->on_error(sink->ctx, where, e->msg, fatal);
    if (fatal) t->status = 3;
    return !fatal;
}

/* Emits one batch in file order; false to stop. */
static bool emit_batch(logreader_t *r, const source_sink_t *sink, tally_t *t, const batch_t *b)
{
    size_t ei = 0;
    for (size_t i = 0; i <= b->n; i++) {
        while (ei < b->nerr && b->errs[ei].before == i)
            if (!emit_error(r, sink, t, &b->errs[ei++])) return false;
        if (i == b->n) break;
        if (t->entries++ == 0 && b->unwrapped[i]) t->format = LOG_GATEWAY;
        if (sink->on_entry && (t->status = sink->on_entry(sink->ctx, b->ents[i])) != 0) return false;
    }
    t->lines += b->lines;
    return true;
}

static void par_init(par_t *p, const char *map, size_t size, size_t batch_bytes)
{
    memset(p, 0, sizeof *p);
    p->map = map;
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
    }
    pthread_cond_destroy(&p->ready);
    pthread_cond_destroy(&p->freed);
    pthread_mutex_destroy(&p->mu);
}

int logpar_pump(logreader_t *r, const source_sink_t *sink)
{
    struct stat st;
    int fd = logreader_fd(r);
    if (fstat(fd, &st) < 0) return 1;
    size_t size = (size_t)st.st_size;
    const char *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) return 1;
    madvise((void *)map, size, MADV_SEQUENTIAL);
    par_t p;
    par_init(&p, map, size, logreader_opts(r)->batch_bytes);
    int nw = logreader_opts(r)->threads > 1 ? logreader_opts(r)->threads : 2;
    if (nw > MAX_WORKERS) nw = MAX_WORKERS;
    pthread_t th[MAX_WORKERS];
    for (int i = 0; i < nw; i++)
        if (pthread_create(&th[i], NULL, worker, &p) != 0) abort();
    tally_t t = {.format = LOG_JSONL};
    batch_t *b;
    for (uint64_t seq = 0; (b = wait_batch(&p, seq)) != NULL; seq++) {
        bool go = emit_batch(r, sink, &t, b);
        release(&p, b);
        if (!go) break;
    }
    pthread_mutex_lock(&p.mu);
    p.stop = true;
    pthread_cond_broadcast(&p.freed);
    pthread_mutex_unlock(&p.mu);
    for (int i = 0; i < nw; i++) pthread_join(th[i], NULL);
    par_destroy(&p);
    munmap((void *)map, size);
    logreader_account(r, t.lines, t.skipped, t.format, t.last_error[0] ? t.last_error : NULL);
    if (sink->on_end) sink->on_end(sink->ctx, t.status);
    return t.status;
}
