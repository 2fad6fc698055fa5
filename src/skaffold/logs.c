/* The log ring, line assembly and attribution (skaffold/logs.h).
 *
 * Storage. Lines live in a ring of slots (grown by doubling up to cap, then
 * reused), one slot per seq, so seq -> slot is arithmetic. A complete
 * line's text is copied into a text chunk (a few hundred KiB, shared by the
 * lines written while it was current; a chunk counts its live lines and goes
 * back when the last one is dropped), so adding a line costs no malloc. A
 * partial line's text lives in its origin's pending buffer, which grows in
 * place; its "\n" copies it into a chunk. logs_clear of one source leaves
 * the other source's lines in their slots: the cleared ones are "gone"
 * (logs_get NULL) until the ring drops them.
 *
 * Bounds: cap slots; text about the held lines' bytes plus one chunk; at
 * most LOGS_MAX_PENDING partial origins (a new one finishes the oldest); the
 * interned names are reference-counted by the lines holding them, so only
 * names some held line uses are kept. */
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "core/strbuf.h"
#include "skaffold/logs.h"

#define CHUNK_MIN 4096
#define CHUNK_MAX (256 * 1024)
#define PENDING_KEEP 4096        /* a pending buffer larger than this is freed when done */

static const char empty[] = "";

/* ---- interned names ------------------------------------------------------ */

typedef struct istr {
    struct istr *next;
    uint32_t hash;
    uint32_t refs;
    size_t len;
    char s[];
} istr_t;

/* The fields names come in; each remembers its last name, since a run of
 * messages from one origin repeats them (a lookup without hashing). */
enum { NAME_TASK, NAME_SUBJECT, NAME_POD, NAME_CONTAINER, NAME_PREFIX, NAME_FIELDS };

typedef struct itab {
    istr_t **b;
    size_t nb, n, bytes;
    istr_t *recent[NAME_FIELDS];
} itab_t;

static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static istr_t *istr_of(const char *s) { return (istr_t *)(void *)(s - offsetof(istr_t, s)); }

static void itab_grow(itab_t *t)
{
    size_t nb = t->nb ? t->nb * 2 : 64;
    istr_t **b = xcalloc(nb, sizeof *b);
    for (size_t i = 0; i < t->nb; i++)
        for (istr_t *e = t->b[i], *next; e; e = next) {
            next = e->next;
            e->next = b[e->hash & (nb - 1)];
            b[e->hash & (nb - 1)] = e;
        }
    free(t->b);
    t->b = b;
    t->nb = nb;
}

/* The interned copy of s, or NULL. */
static istr_t *itab_find(const itab_t *t, const char *s, size_t n, uint32_t h)
{
    if (!t->nb)
        return NULL;
    for (istr_t *e = t->b[h & (t->nb - 1)]; e; e = e->next)
        if (e->hash == h && e->len == n && memcmp(e->s, s, n) == 0)
            return e;
    return NULL;
}

/* s interned, with one more reference ("" is never counted); field is
 * where it comes from (NAME_*). */
static const char *name_get(itab_t *t, int field, const char *s, size_t n)
{
    if (n == 0)
        return empty;
    istr_t *e = t->recent[field];
    if (e && e->len == n && memcmp(e->s, s, n) == 0) {
        e->refs++;
        return e->s;
    }
    uint32_t h = fnv1a(s, n);
    e = itab_find(t, s, n, h);
    if (!e) {
        if (t->n >= t->nb)
            itab_grow(t);
        e = xmalloc(sizeof *e + n + 1);
        memcpy(e->s, s, n);
        e->s[n] = '\0';
        e->len = n;
        e->hash = h;
        e->refs = 0;
        e->next = t->b[h & (t->nb - 1)];
        t->b[h & (t->nb - 1)] = e;
        t->n++;
        t->bytes += sizeof *e + n + 1;
    }
    e->refs++;
    t->recent[field] = e;
    return e->s;
}

static void name_ref(const char *s)
{
    if (s != empty)
        istr_of(s)->refs++;
}

static void name_unref(itab_t *t, const char *s)
{
    if (s == empty)
        return;
    istr_t *e = istr_of(s);
    if (--e->refs)
        return;
    istr_t **pp = &t->b[e->hash & (t->nb - 1)];
    while (*pp != e)
        pp = &(*pp)->next;
    *pp = e->next;
    for (int k = 0; k < NAME_FIELDS; k++)
        if (t->recent[k] == e)
            t->recent[k] = NULL;
    t->n--;
    t->bytes -= sizeof *e + e->len + 1;
    free(e);
}

static void itab_free(itab_t *t)
{
    for (size_t i = 0; i < t->nb; i++)
        for (istr_t *e = t->b[i], *next; e; e = next) {
            next = e->next;
            free(e);
        }
    free(t->b);
}

/* ---- text chunks ----------------------------------------------------------- */

typedef struct chunk {
    uint32_t live;               /* lines whose text is here */
    size_t used, cap;
    char data[];
} chunk_t;

/* ---- the ring -------------------------------------------------------------- */

typedef struct entry {
    log_line_t line;             /* line.seq 0: gone (cleared) */
    chunk_t *chunk;              /* of a complete line's text */
} entry_t;

/* An origin with a partial line. */
typedef struct pending {
    uint64_t seq;
    uint8_t src;
    int32_t iteration;
    uint32_t session;
    const char *a, *b;           /* task + subject, or pod + container */
    strbuf_t buf;
    bool cr;                     /* buf's last byte is a "\r" shown as the NUL */
} pending_t;

/* Who a message comes from; its names hold a reference for the call. */
typedef struct origin {
    uint8_t src, level;
    int32_t iteration;
    uint32_t session;
    int64_t time_ns;
    const char *task, *subject, *pod, *container, *prefix;
} origin_t;

struct logs {
    size_t cap;
    entry_t *ring;
    size_t alloc, head, n;       /* n slots in use, held or gone */
    uint64_t first, next;        /* seq of ring[head]; the next seq */
    uint64_t last_held;
    size_t held;
    uint64_t dropped, gen;
    chunk_t *cur, *spare;
    size_t chunk_size, chunk_bytes;
    itab_t names;
    pending_t pend[LOGS_MAX_PENDING];
    size_t n_pend;
};

logs_t *logs_new(size_t cap)
{
    logs_t *l = xcalloc(1, sizeof *l);
    l->cap = cap ? cap : LOGS_DEFAULT_CAP;
    l->first = l->next = 1;
    size_t cs = l->cap > CHUNK_MAX / 16 ? CHUNK_MAX : l->cap * 16;
    l->chunk_size = cs < CHUNK_MIN ? CHUNK_MIN : cs > CHUNK_MAX ? CHUNK_MAX : cs;
    return l;
}

static entry_t *slot(const logs_t *l, uint64_t seq)
{
    if (seq < l->first || seq >= l->first + l->n)
        return NULL;
    return &l->ring[(l->head + (size_t)(seq - l->first)) % l->alloc];
}

/* Frees c (or keeps it as the spare) once no line uses it and it is no
 * longer the current chunk. */
static void chunk_forget(logs_t *l, chunk_t *c)
{
    if (c->live || c == l->cur)
        return;
    if (c->cap == l->chunk_size && !l->spare) {
        l->spare = c;
        return;
    }
    l->chunk_bytes -= sizeof *c + c->cap;
    free(c);
}

static void chunk_release(logs_t *l, chunk_t *c)
{
    c->live--;
    chunk_forget(l, c);
}

static chunk_t *chunk_new(logs_t *l, size_t cap)
{
    chunk_t *c;
    if (cap == l->chunk_size && l->spare) {
        c = l->spare;
        l->spare = NULL;
    } else {
        c = xmalloc(sizeof *c + cap);
        c->cap = cap;
        l->chunk_bytes += sizeof *c + cap;
    }
    c->live = 0;
    c->used = 0;
    return c;
}

/* Copies s[0..n) with a NUL into a chunk; *where is that chunk. */
static const char *text_store(logs_t *l, const char *s, size_t n, chunk_t **where)
{
    size_t need = n + 1;
    chunk_t *c;
    if (need > l->chunk_size / 4) {
        c = chunk_new(l, need);                  /* a long line gets its own */
    } else {
        if (!l->cur || l->cur->used + need > l->cur->cap) {
            chunk_t *old = l->cur;
            l->cur = NULL;
            if (old)
                chunk_forget(l, old);            /* may become the spare reused here */
            l->cur = chunk_new(l, l->chunk_size);
        }
        c = l->cur;
    }
    char *d = c->data + c->used;
    memcpy(d, s, n);
    d[n] = '\0';
    c->used += need;
    c->live++;
    *where = c;
    return d;
}

static pending_t *pending_of_seq(logs_t *l, uint64_t seq)
{
    for (size_t i = 0; i < l->n_pend; i++)
        if (l->pend[i].seq == seq)
            return &l->pend[i];
    return NULL;
}

/* Forgets pending p (its line is done or gone); keeps the array packed. */
static void pending_remove(logs_t *l, pending_t *p)
{
    if (p->buf.cap > PENDING_KEEP)
        sb_free(&p->buf);
    sb_reset(&p->buf);
    p->seq = 0;
    p->cr = false;
    pending_t *last = &l->pend[--l->n_pend];
    if (p != last) {
        pending_t t = *p;
        *p = *last;
        *last = t;
    }
}

/* Lets go of what a held line owns. */
static void line_release(logs_t *l, entry_t *e)
{
    log_line_t *ln = &e->line;
    if (ln->flags & LOG_PARTIAL) {
        pending_t *p = pending_of_seq(l, ln->seq);
        if (p)
            pending_remove(l, p);
    } else {
        chunk_release(l, e->chunk);
    }
    name_unref(&l->names, ln->task);
    name_unref(&l->names, ln->subject);
    name_unref(&l->names, ln->pod);
    name_unref(&l->names, ln->container);
    name_unref(&l->names, ln->prefix);
    ln->seq = 0;
    l->held--;
}

/* Drops gone slots from the front; an empty ring restarts at next. */
static void pop_gone(logs_t *l)
{
    while (l->n && l->ring[l->head].line.seq == 0) {
        l->head = (l->head + 1) % l->alloc;
        l->first++;
        l->n--;
    }
    if (!l->n) {
        l->head = 0;
        l->first = l->next;
    }
}

static void drop_front(logs_t *l)
{
    entry_t *e = &l->ring[l->head];
    if (e->line.seq) {
        line_release(l, e);
        l->dropped++;
    }
    l->head = (l->head + 1) % l->alloc;
    l->first++;
    l->n--;
    pop_gone(l);
}

static void ring_grow(logs_t *l)
{
    size_t alloc = l->alloc ? l->alloc * 2 : 64;
    if (alloc > l->cap)
        alloc = l->cap;
    entry_t *r = xmalloc(alloc * sizeof *r);
    for (size_t i = 0; i < l->n; i++)
        r[i] = l->ring[(l->head + i) % l->alloc];
    free(l->ring);
    l->ring = r;
    l->alloc = alloc;
    l->head = 0;
}

/* A new line of origin o, with the next seq; its text is set by the caller. */
static entry_t *line_push(logs_t *l, const origin_t *o)
{
    if (l->n == l->alloc) {
        if (l->alloc < l->cap)
            ring_grow(l);
        else
            drop_front(l);
    }
    if (!l->n)
        l->first = l->next;
    entry_t *e = &l->ring[(l->head + l->n++) % l->alloc];
    log_line_t *ln = &e->line;
    *ln = (log_line_t){
        .seq = l->next++, .time_ns = o->time_ns, .src = o->src, .level = o->level,
        .iteration = o->iteration, .session = o->session, .task = o->task, .subject = o->subject,
        .pod = o->pod, .container = o->container, .prefix = o->prefix, .text = empty,
    };
    name_ref(o->task);
    name_ref(o->subject);
    name_ref(o->pod);
    name_ref(o->container);
    name_ref(o->prefix);
    e->chunk = NULL;
    l->held++;
    l->last_held = ln->seq;
    return e;
}

/* An application line's level is what its text says (logs_text_level). */
static void text_set(entry_t *e, const char *text, size_t n)
{
    e->line.text = text;
    e->line.len = (uint32_t)n;
    if (e->line.src == LOG_APP)
        e->line.level = (uint8_t)logs_text_level(text, n);
}

static void line_complete(logs_t *l, const origin_t *o, const char *s, size_t n)
{
    entry_t *e = line_push(l, o);
    text_set(e, text_store(l, s, n, &e->chunk), n);
}

/* ---- assembly ------------------------------------------------------------ */

static bool pending_is(const pending_t *p, const origin_t *o)
{
    if (p->src != o->src || p->session != o->session)
        return false;
    if (o->src == LOG_SKAFFOLD)
        return p->iteration == o->iteration && p->a == o->task && p->b == o->subject;
    return p->a == o->pod && p->b == o->container;
}

static pending_t *pending_find(logs_t *l, const origin_t *o)
{
    for (size_t i = 0; i < l->n_pend; i++)
        if (pending_is(&l->pend[i], o))
            return &l->pend[i];
    return NULL;
}

/* The partial line's visible text: the buffer without a trailing "\r" (it
 * may be the first half of "\r\n"), which is held as the terminating NUL
 * until more text comes (pending_unshow). */
static void pending_show(logs_t *l, pending_t *p)
{
    entry_t *e = slot(l, p->seq);
    size_t n = p->buf.len;
    if (n && p->buf.data[n - 1] == '\r') {
        p->buf.data[--n] = '\0';
        p->cr = true;
    }
    text_set(e, p->buf.data ? p->buf.data : empty, n);
}

static void pending_unshow(pending_t *p)
{
    if (p->cr)
        p->buf.data[p->buf.len - 1] = '\r';
    p->cr = false;
}

/* p's line is done: its text moves into a chunk. eol: it ended with "\n"
 * (a trailing "\r" goes), rather than being cut. */
static void pending_finish(logs_t *l, pending_t *p, bool eol)
{
    entry_t *e = slot(l, p->seq);
    pending_unshow(p);
    size_t n = p->buf.len;
    if (eol && n && p->buf.data[n - 1] == '\r')
        n--;
    e->line.flags &= (uint8_t)~LOG_PARTIAL;
    text_set(e, text_store(l, p->buf.data ? p->buf.data : empty, n, &e->chunk), n);
    pending_remove(l, p);
}

static pending_t *pending_new(logs_t *l, const origin_t *o)
{
    if (l->n_pend == LOGS_MAX_PENDING) {
        pending_t *oldest = &l->pend[0];
        for (size_t i = 1; i < l->n_pend; i++)
            if (l->pend[i].seq < oldest->seq)
                oldest = &l->pend[i];
        pending_finish(l, oldest, false);
    }
    entry_t *e = line_push(l, o);                /* may drop a partial: push first */
    e->line.flags |= LOG_PARTIAL;
    pending_t *p = &l->pend[l->n_pend++];
    p->seq = e->line.seq;
    p->src = o->src;
    p->iteration = o->iteration;
    p->session = o->session;
    p->a = o->src == LOG_SKAFFOLD ? o->task : o->pod;
    p->b = o->src == LOG_SKAFFOLD ? o->subject : o->container;
    sb_reset(&p->buf);
    return p;
}

/* Where to cut s (n > max) at most max bytes in: not inside a UTF-8
 * character when one ends within the last 3 bytes. */
static size_t cut_at(const char *s, size_t max)
{
    size_t k = max;
    while (k > 0 && k + 3 > max && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    return k > 0 && ((unsigned char)s[k] & 0xC0) != 0x80 ? k : max;
}

/* One piece of a message: s[0..n), followed by "\n" when eol. *pp is the
 * origin's pending line, if any. */
static void add_piece(logs_t *l, const origin_t *o, pending_t **pp, const char *s, size_t n, bool eol)
{
    for (;;) {
        pending_t *p = *pp;
        if (p) {
            pending_unshow(p);
            size_t room = LOGS_MAX_LINE - p->buf.len;
            if (n <= room) {
                sb_add(&p->buf, s, n);
                if (eol) {
                    pending_finish(l, p, true);
                    *pp = NULL;
                } else {
                    pending_show(l, p);
                }
                return;
            }
            size_t k = room ? cut_at(s, room) : 0;
            sb_add(&p->buf, s, k);
            pending_finish(l, p, false);
            *pp = NULL;
            s += k;
            n -= k;
            continue;
        }
        if (n > LOGS_MAX_LINE) {
            size_t k = cut_at(s, LOGS_MAX_LINE);
            line_complete(l, o, s, k);
            s += k;
            n -= k;
            continue;
        }
        if (eol) {
            line_complete(l, o, s, n && s[n - 1] == '\r' ? n - 1 : n);
            return;
        }
        if (n == 0)
            return;
        *pp = pending_new(l, o);
    }
}

static void add_message(logs_t *l, const origin_t *o, const char *msg, size_t len)
{
    pending_t *p = l->n_pend ? pending_find(l, o) : NULL;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(msg + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - msg) : len;
        add_piece(l, o, &p, msg + pos, end - pos, nl != NULL);
        pos = nl ? end + 1 : len;
    }
    l->gen++;
}

static void origin_release(logs_t *l, origin_t *o)
{
    name_unref(&l->names, o->task);
    name_unref(&l->names, o->subject);
    name_unref(&l->names, o->pod);
    name_unref(&l->names, o->container);
    name_unref(&l->names, o->prefix);
}

/* "Build-3" -> name "Build" (*name_len), iteration 2 (model numbering);
 * an id without "-N" (N >= 1) is all name, iteration -1. */
static int32_t task_split(const char *id, size_t *name_len)
{
    size_t n = strlen(id);
    *name_len = n;
    const char *dash = strrchr(id, '-');
    if (!dash || !dash[1] || strlen(dash + 1) > 9)
        return -1;
    int32_t v = 0;
    for (const char *p = dash + 1; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (v < 1)
        return -1;
    *name_len = (size_t)(dash - id);
    return v - 1;
}

static const char *nz(const char *s) { return s ? s : ""; }

void logs_add_skaffold(logs_t *l, int64_t time_ns, const char *task_id, const char *subtask_id,
                       int level, const char *msg, size_t len, uint32_t session)
{
    if (!len)
        return;
    task_id = nz(task_id);
    subtask_id = nz(subtask_id);
    size_t tn;
    int32_t iter = task_split(task_id, &tn);
    bool none = !strcmp(subtask_id, "-1");
    origin_t o = {
        .src = LOG_SKAFFOLD, .level = (uint8_t)(level < 0 || level > 255 ? LOG_LEVEL_STANDARD : level),
        .iteration = iter, .session = session, .time_ns = time_ns,
        .task = name_get(&l->names, NAME_TASK, task_id, tn),
        .subject = name_get(&l->names, NAME_SUBJECT, subtask_id, none ? 0 : strlen(subtask_id)),
        .pod = empty, .container = empty, .prefix = empty,
    };
    add_message(l, &o, msg, len);
    origin_release(l, &o);
}

void logs_add_app(logs_t *l, int64_t time_ns, const char *pod, const char *container,
                  const char *prefix, const char *msg, size_t len, int32_t iteration, uint32_t session)
{
    if (!len)
        return;
    pod = nz(pod);
    container = nz(container);
    prefix = nz(prefix);
    origin_t o = {
        .src = LOG_APP, .level = LOG_LEVEL_STANDARD, .iteration = iteration, .session = session,
        .time_ns = time_ns, .task = empty, .subject = empty,
        .pod = name_get(&l->names, NAME_POD, pod, strlen(pod)),
        .container = name_get(&l->names, NAME_CONTAINER, container, strlen(container)),
        .prefix = name_get(&l->names, NAME_PREFIX, prefix, strlen(prefix)),
    };
    add_message(l, &o, msg, len);
    origin_release(l, &o);
}

/* ---- pod names ------------------------------------------------------------- */

/* s[0..n) reads as a generated segment of min..max characters. */
static bool hashlike(const char *s, size_t n, size_t min, size_t max)
{
    bool digit = false, vowel = false;
    if (n < min || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digit = true;
        else if (s[i] < 'a' || s[i] > 'z')
            return false;
        else if (strchr("aeiou", s[i]))
            vowel = true;
    }
    return digit || !vowel;
}

/* The position of the last '-' in s[0..n), or n when there is none. */
static size_t last_dash(const char *s, size_t n)
{
    for (size_t i = n; i-- > 0;)
        if (s[i] == '-')
            return i;
    return n;
}

size_t logs_workload_len(const char *pod)
{
    size_t n = strlen(pod), d = last_dash(pod, n);
    if (d == n || d == 0 || !hashlike(pod + d + 1, n - d - 1, 5, 5))
        return n;
    size_t d2 = last_dash(pod, d);
    return d2 < d && d2 > 0 && hashlike(pod + d2 + 1, d - d2 - 1, 6, 10) ? d2 : d;
}

/* ---- clearing and reading -------------------------------------------------- */

void logs_clear(logs_t *l, int src)
{
    for (size_t i = 0; i < l->n; i++) {
        entry_t *e = &l->ring[(l->head + i) % l->alloc];
        if (e->line.seq && (src < 0 || e->line.src == src))
            line_release(l, e);
    }
    pop_gone(l);
    l->last_held = 0;
    for (size_t i = l->n; i-- > 0;) {
        const entry_t *e = &l->ring[(l->head + i) % l->alloc];
        if (e->line.seq) {
            l->last_held = e->line.seq;
            break;
        }
    }
    l->gen++;
}

void logs_free(logs_t *l)
{
    if (!l)
        return;
    logs_clear(l, -1);
    for (size_t i = 0; i < LOGS_MAX_PENDING; i++)
        sb_free(&l->pend[i].buf);
    free(l->cur);
    free(l->spare);
    free(l->ring);
    itab_free(&l->names);
    free(l);
}

uint64_t logs_first(const logs_t *l) { return l->n ? l->first : l->next; }
uint64_t logs_last(const logs_t *l) { return l->held ? l->last_held : l->next - 1; }
size_t logs_count(const logs_t *l) { return l->held; }
uint64_t logs_dropped(const logs_t *l) { return l->dropped; }
uint64_t logs_generation(const logs_t *l) { return l->gen; }

size_t logs_bytes(const logs_t *l)
{
    size_t b = sizeof *l + l->alloc * sizeof(entry_t) + l->chunk_bytes;
    b += l->names.bytes + l->names.nb * sizeof(istr_t *);
    for (size_t i = 0; i < LOGS_MAX_PENDING; i++)
        b += l->pend[i].buf.cap;
    return b;
}

const log_line_t *logs_get(const logs_t *l, uint64_t seq)
{
    const entry_t *e = slot(l, seq);
    return e && e->line.seq ? &e->line : NULL;
}

/* The interned name s, or NULL when no held line uses it. */
static const char *name_find(const itab_t *t, const char *s)
{
    size_t n = strlen(s);
    if (!n)
        return empty;
    istr_t *e = itab_find(t, s, n, fnv1a(s, n));
    return e ? e->s : NULL;
}

size_t logs_tail_of(const logs_t *l, const char *task, const char *subject, int32_t iteration,
                    uint32_t session, const log_line_t **out, size_t n)
{
    const char *t = name_find(&l->names, nz(task)), *s = name_find(&l->names, nz(subject));
    if (!t || !s || !n)
        return 0;
    size_t got = 0;
    for (size_t i = l->n; i-- > 0 && got < n;) {
        const log_line_t *ln = &l->ring[(l->head + i) % l->alloc].line;
        if (!ln->seq)
            continue;
        if (ln->session < session)
            break;                               /* sessions only grow */
        if (ln->src == LOG_SKAFFOLD && ln->task == t && ln->subject == s &&
            ln->iteration == iteration && ln->session == session)
            out[got++] = ln;
    }
    for (size_t i = 0; i < got / 2; i++) {       /* oldest first */
        const log_line_t *x = out[i];
        out[i] = out[got - 1 - i];
        out[got - 1 - i] = x;
    }
    return got;
}
