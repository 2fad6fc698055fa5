/* Recognising a replayed history: see dedup.h. */
#include <stdlib.h>
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

void dedup_reset(dedup_t *d)
{
    d->at = 0;
    d->replaying = d->n > 0;
}

size_t dedup_matched(const dedup_t *d)
{
    return d->at;
}

/* FNV-1a over the packed entry, mixed with its length. */
static uint64_t entry_hash(dedup_t *d, const Proto__LogEntry *e)
{
    size_t n = protobuf_c_message_get_packed_size(&e->base);
    if (n > d->buf_cap) {
        d->buf_cap = n * 2;
        free(d->buf);
        d->buf = malloc(d->buf_cap);
        if (!d->buf)
            abort();
    }
    protobuf_c_message_pack(&e->base, d->buf);
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ d->buf[i]) * 0x100000001b3ull;
    return h ^ n;
}

static void remember(dedup_t *d, uint64_t h)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 1024;
        d->hashes = realloc(d->hashes, d->cap * sizeof *d->hashes);
        if (!d->hashes)
            abort();
    }
    d->hashes[d->n++] = h;
}

dedup_kind_t dedup_check(dedup_t *d, const Proto__LogEntry *e)
{
    uint64_t h = entry_hash(d, e);
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
