/* Private to src/skaffold: the event history, a bounded ring of packed LogEntry
 * messages. Packed protobuf is about a tenth of the unpacked tree, which is
 * what keeps 100,000 entries near 15 MB. Each slot points at its blob: a
 * 4-byte length, one byte of the resets inferred before the entry (what
 * model_reconcile re-applies), then the packed bytes. Blobs are appended to
 * blocks of HIST_BLOCK bytes, freed whole once their last entry left the
 * ring: an entry costs no malloc and its eviction touches no old memory. */
#ifndef SKVIEW_HISTORY_INT_H
#define SKVIEW_HISTORY_INT_H

#include <stddef.h>
#include <stdint.h>
#include "skaffold.pb-c.h"

typedef struct hist_block {
    struct hist_block *next;   /* the next newer block */
    size_t used, cap;
    uint64_t last_seq;         /* of the newest blob in it */
    uint8_t data[];
} hist_block_t;

typedef struct hist {
    size_t cap;          /* entries retained at most */
    hist_block_t *oldest, *newest;
    uint8_t **slots;     /* ring, grown up to cap before it wraps */
    size_t alloc;        /* slots allocated */
    size_t head;         /* slot of the oldest retained entry */
    size_t count;        /* entries retained */
    uint64_t first;      /* seq of the oldest retained entry */
    size_t bytes;        /* bytes held in blocks */
} hist_t;

void hist_init(hist_t *h, size_t cap);
void hist_free(hist_t *h);
/* Appends the entry with seq first + count, and the MIRROR_RESET_* bits
 * applied before it, evicting the oldest when full. packed: e's bytes as
 * received (kept as they are), or NULL: e is packed. */
void hist_push(hist_t *h, const Proto__LogEntry *e, uint8_t resets, const uint8_t *packed, size_t len);
/* The packed bytes of seq (and its resets byte if resets is not NULL),
 * NULL if not retained. */
const uint8_t *hist_get(const hist_t *h, uint64_t seq, size_t *len, uint8_t *resets);
/* Decodes seq with alloc (NULL = malloc); NULL if not retained. */
Proto__LogEntry *hist_unpack(const hist_t *h, uint64_t seq, ProtobufCAllocator *alloc);
size_t hist_bytes(const hist_t *h);

#endif
