/* A hash index beside an array. The model's maps are
 * protobuf-c arrays (State's map fields are repeated entry messages), which
 * readers walk in order; looking a key up by scanning them made a fold
 * quadratic in distinct keys (80,000 resources took 16 s). The index maps a
 * key's hash to its position in the array; the array stays the one source of
 * the keys, so lookups confirm a candidate through a caller's compare.
 *
 * Open addressing with linear probing, kept at most half full; entries are
 * only added or all cleared (the model's maps lose keys only in a reset). */
#ifndef SKVIEW_KEYIDX_H
#define SKVIEW_KEYIDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct keyidx_slot {
    uint32_t hash;
    uint32_t pos1;           /* array position + 1; 0 = empty */
} keyidx_slot_t;

typedef struct keyidx {
    keyidx_slot_t *slots;
    size_t cap;              /* a power of two, or 0 */
    size_t n;
} keyidx_t;

/* Does the array element at pos have the key looked for? */
typedef bool keyidx_eq_fn(const void *ctx, size_t pos);

/* The usual key: a string at a fixed place in each array element (a
 * struct's char * field, or the array's own char *). ctx for keyidx_str_eq,
 * made afresh for each lookup (the array may have moved). */
typedef struct keyidx_str_key {
    const void *base;        /* the array */
    size_t stride, offset;   /* element size; where the char * is in it */
    const char *key;
} keyidx_str_key_t;
bool keyidx_str_eq(const void *ctx, size_t pos);

uint32_t keyidx_hash_str(const char *s);
uint32_t keyidx_hash_int(int64_t v);
void keyidx_init(keyidx_t *ix);
void keyidx_free(keyidx_t *ix);
/* Forgets every key (the array was emptied). */
void keyidx_clear(keyidx_t *ix);
/* The position of the key with hash h, or -1. */
long keyidx_find(const keyidx_t *ix, uint32_t h, keyidx_eq_fn *eq, const void *ctx);
/* Records that the key with hash h (not in the index) sits at pos. */
void keyidx_add(keyidx_t *ix, uint32_t h, size_t pos);

#endif
