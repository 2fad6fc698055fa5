/* Bump allocator; see arena.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arena.h"

#define ARENA_CHUNK (64 * 1024)

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
    arena_chunk_t *c = malloc(sizeof *c + cap);
    if (!c) {
        fprintf(stderr, "skview: out of memory (%zu bytes)\n", cap);
        abort();
    }
    c->next = NULL;
    c->cap = cap;
    return c;
}

void arena_init(arena_t *a)
{
    a->head = NULL;
    a->used = a->cap = 0;
    a->pb.alloc = pb_alloc;
    a->pb.free = pb_free;
    a->pb.allocator_data = a;
}

void *arena_alloc(arena_t *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    if (!a->head || a->used + n > a->cap) {
        size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
        arena_chunk_t *c = chunk_new(cap);
        c->next = a->head;
        a->head = c;
        a->used = 0;
        a->cap = cap;
    }
    void *p = (char *)a->head->data + a->used;
    a->used += n;
    return p;
}

char *arena_strndup(arena_t *a, const char *s, size_t n)
{
    char *d = arena_alloc(a, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void arena_reset(arena_t *a)
{
    if (!a->head)
        return;
    /* Keep the oldest chunk (the last in the list): steady state is one
     * chunk reused for every entry, unless an entry needed more. */
    arena_chunk_t *c = a->head, *keep = NULL;
    while (c) {
        arena_chunk_t *next = c->next;
        if (next == NULL) keep = c;
        else free(c);
        c = next;
    }
    keep->next = NULL;
    a->head = keep;
    a->used = 0;
    a->cap = keep->cap;
}

void arena_free(arena_t *a)
{
    arena_chunk_t *c = a->head;
    while (c) {
        arena_chunk_t *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->used = a->cap = 0;
}
