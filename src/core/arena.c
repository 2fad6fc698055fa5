/* Bump allocator; see arena.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "core/arena.h"

#define ARENA_CHUNK (64 * 1024)
#define ARENA_SPARE_MAX (8u << 20) /* spare bytes kept across resets */

struct arena_chunk {
    arena_chunk_t *next;
    size_t cap;
    max_align_t data[];
};

static void *pb_alloc(void *ctx, size_t n) { return arena_alloc(ctx, n); }
/* Freed all at once by arena_reset(). */
static void pb_free(void *ctx, void *p) { (void)ctx; (void)p; }

static arena_chunk_t *chunk_new(size_t cap)
{
    arena_chunk_t *c = xmalloc(sizeof *c + cap);
    c->next = NULL;
    c->cap = cap;
    return c;
}

void arena_init(arena_t *a)
{
    a->head = a->spare = NULL;
    a->base = NULL;
    a->spare_bytes = 0;
    a->used = a->cap = 0;
    a->pb.alloc = pb_alloc;
    a->pb.free = pb_free;
    a->pb.allocator_data = a;
}

/* A chunk of at least n bytes: a spare one when n fits the standard size. */
static arena_chunk_t *chunk_get(arena_t *a, size_t n)
{
    if (n <= ARENA_CHUNK && a->spare) {
        arena_chunk_t *c = a->spare;
        a->spare = c->next;
        a->spare_bytes -= c->cap;
        return c;
    }
    return chunk_new(n > ARENA_CHUNK ? n : ARENA_CHUNK);
}

void *arena_alloc_chunk(arena_t *a, size_t n)
{
    arena_chunk_t *c = chunk_get(a, n);
    c->next = a->head;
    a->head = c;
    a->base = (char *)c->data;
    a->used = n;
    a->cap = c->cap;
    return a->base;
}

void arena_reset(arena_t *a)
{
    arena_chunk_t *c = a->head;
    while (c) {
        arena_chunk_t *next = c->next;
        if (c->cap == ARENA_CHUNK && a->spare_bytes + c->cap <= ARENA_SPARE_MAX) {
            c->next = a->spare;
            a->spare = c;
            a->spare_bytes += c->cap;
        } else {
            free(c); /* an outsized chunk (one huge line) is not kept */
        }
        c = next;
    }
    a->head = NULL;
    a->base = NULL;
    a->used = a->cap = 0;
}

static void chunks_free(arena_chunk_t *c)
{
    while (c) {
        arena_chunk_t *next = c->next;
        free(c);
        c = next;
    }
}

void arena_free(arena_t *a)
{
    chunks_free(a->head);
    chunks_free(a->spare);
    arena_init(a);
}
