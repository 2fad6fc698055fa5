/* The hash index beside the model's arrays (see core/keyidx.h). */
#include <stdlib.h>
#include <string.h>
#include "core/keyidx.h"
#include "core/xalloc.h"

uint32_t keyidx_hash_str(const char *s)
{
    /* FNV-1a: short keys, no adversary worth a keyed hash (a hostile log can
     * only slow its own fold, and probing stays linear in the collisions). */
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

bool keyidx_str_eq(const void *ctx, size_t pos)
{
    const keyidx_str_key_t *k = ctx;
    const char *at = *(const char *const *)((const char *)k->base + pos * k->stride + k->offset);
    return strcmp(at, k->key) == 0;
}

uint32_t keyidx_hash_int(int64_t v)
{
    uint64_t x = (uint64_t)v * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(x >> 32);
}

void keyidx_init(keyidx_t *ix)
{
    memset(ix, 0, sizeof *ix);
}

void keyidx_free(keyidx_t *ix)
{
    free(ix->slots);
    keyidx_init(ix);
}

void keyidx_clear(keyidx_t *ix)
{
    if (ix->n != 0 && ix->slots != NULL)
        memset(ix->slots, 0, ix->cap * sizeof *ix->slots);
    ix->n = 0;
}

long keyidx_find(const keyidx_t *ix, uint32_t h, keyidx_eq_fn *eq, const void *ctx)
{
    if (ix->n == 0)
        return -1;
    for (size_t i = h & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1)) {
        const keyidx_slot_t *s = &ix->slots[i];
        if (s->pos1 == 0)
            return -1;
        if (s->hash == h && eq(ctx, s->pos1 - 1))
            return (long)(s->pos1 - 1);
    }
}

static void keyidx_put(keyidx_slot_t *slots, size_t cap, uint32_t h, uint32_t pos1)
{
    size_t i = h & (cap - 1);
    while (slots[i].pos1 != 0)
        i = (i + 1) & (cap - 1);
    slots[i].hash = h;
    slots[i].pos1 = pos1;
}

static void keyidx_rehash(keyidx_t *ix, size_t cap)
{
    keyidx_slot_t *slots = xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < ix->cap; i++)
        if (ix->slots[i].pos1 != 0)
            keyidx_put(slots, cap, ix->slots[i].hash, ix->slots[i].pos1);
    free(ix->slots);
    ix->slots = slots;
    ix->cap = cap;
}

void keyidx_add(keyidx_t *ix, uint32_t h, size_t pos)
{
    if (2 * (ix->n + 1) > ix->cap)
        keyidx_rehash(ix, ix->cap ? 2 * ix->cap : 16);
    keyidx_put(ix->slots, ix->cap, h, (uint32_t)(pos + 1));
    ix->n++;
}
