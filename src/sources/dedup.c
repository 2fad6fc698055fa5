/* Recognising a replayed history: see dedup.h. */
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "sources/dedup.h"

void dedup_init(dedup_t *d)
{
    *d = (dedup_t){0};
}

void dedup_free(dedup_t *d)
{
    free(d->hashes);
    free(d->buf);
    *d = (dedup_t){0};
}

void dedup_init_tail(dedup_t *d, size_t cap)
{
    *d = (dedup_t){0};
    d->tail_cap = cap < 2 ? 2 : cap;
}

void dedup_reset(dedup_t *d)
{
    d->at = 0;
    d->replaying = d->n > 0;
    d->searching = d->replaying && d->tail_cap;
}

size_t dedup_matched(const dedup_t *d)
{
    return d->at;
}

/* A hash of n bytes, eight a step (xor, an odd multiply, a shift: each
 * step one-to-one, so two inputs of one length that differ in one word
 * never meet), the last 0-7 bytes and the length at the end. It was FNV-1a
 * a byte a step: 6-8% of the viewer's CPU under an application-log flood,
 * on the loop thread. */
static uint64_t bytes_hash(const uint8_t *b, size_t n)
{
    const uint64_t k = 0x9e3779b97f4a7c15ull;
    uint64_t h = 0xcbf29ce484222325ull, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, b + i, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    w = 0;
    memcpy(&w, b + i, n - i);
    h = (h ^ w) * k;
    h = (h ^ (h >> 32) ^ n) * k;
    return h ^ (h >> 29);
}

/* The hash of the packed message. */
static uint64_t entry_hash(dedup_t *d, const ProtobufCMessage *e)
{
    size_t n = protobuf_c_message_get_packed_size(e);
    if (n > d->buf_cap) {
        d->buf_cap = n * 2;
        free(d->buf);
        d->buf = xmalloc(d->buf_cap);
    }
    protobuf_c_message_pack(e, d->buf);
    return bytes_hash(d->buf, n);
}

static void remember(dedup_t *d, uint64_t h)
{
    if (d->tail_cap && d->n == d->tail_cap) { /* drop the oldest half */
        size_t drop = d->n / 2;
        memmove(d->hashes, d->hashes + drop, (d->n - drop) * sizeof *d->hashes);
        d->n -= drop;
        d->at = d->at > drop ? d->at - drop : 0;
    }
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 1024;
        d->hashes = xrealloc(d->hashes, d->cap * sizeof *d->hashes);
    }
    d->hashes[d->n++] = h;
}

/* A tail dedup: the replay may begin at any message kept. */
static dedup_kind_t check_tail(dedup_t *d, uint64_t h)
{
    if (d->searching) {
        d->searching = 0;
        for (size_t i = d->n; i-- > 0;)
            if (d->hashes[i] == h) {
                d->at = i + 1;
                return DEDUP_OLD;
            }
        d->replaying = 0;
    } else if (d->replaying && d->at < d->n && d->hashes[d->at] == h) {
        d->at++;
        return DEDUP_OLD;
    }
    d->replaying = 0;
    remember(d, h);
    return DEDUP_NEW;
}

dedup_kind_t dedup_check(dedup_t *d, const Proto__LogEntry *e)
{
    return dedup_check_msg(d, &e->base);
}

dedup_kind_t dedup_check_msg(dedup_t *d, const ProtobufCMessage *e)
{
    uint64_t h = entry_hash(d, e);
    if (d->tail_cap)
        return check_tail(d, h);
    dedup_kind_t k = DEDUP_NEW;
    if (d->replaying && d->at < d->n) {
        if (d->hashes[d->at] == h) {
            d->at++;
            return DEDUP_OLD;
        }
        /* Another history: from its first entry, a new session; later, a
         * divergence whose matching prefix stays as it was. */
        k = d->at == 0 ? DEDUP_NEW_SESSION : DEDUP_DIVERGED;
        d->n = d->at;
        if (k == DEDUP_NEW_SESSION)
            d->sessions++;
    }
    d->replaying = 0;
    remember(d, h);
    return k;
}
