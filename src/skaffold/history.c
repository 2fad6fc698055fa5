/* The event history: a ring of packed LogEntry blobs. */
#include <stdlib.h>
#include <string.h>
#include "skaffold/history_int.h"
#include "skaffold/model_int.h"

/* A blob: the packed length (4 bytes), the resets byte, the packed entry. */
#define HIST_LEN_BYTES 4
#define HIST_HEAD_BYTES 5
#define HIST_BLOCK (64 * 1024)

void hist_init(hist_t *h, size_t cap)
{
    memset(h, 0, sizeof *h);
    h->cap = cap;
}

void hist_free(hist_t *h)
{
    for (hist_block_t *b = h->oldest, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(h->slots);
    hist_init(h, h->cap);
}

/* Room for n bytes of the blob of seq, at the end of the newest block. */
static uint8_t *hist_room(hist_t *h, size_t n, uint64_t seq)
{
    hist_block_t *b = h->newest;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > HIST_BLOCK ? n : HIST_BLOCK;
        b = xmalloc(sizeof *b + cap);
        *b = (hist_block_t){.cap = cap};
        if (h->newest)
            h->newest->next = b;
        else
            h->oldest = b;
        h->newest = b;
        h->bytes += sizeof *b + cap;
    }
    uint8_t *p = b->data + b->used;
    b->used += n;
    b->last_seq = seq;
    return p;
}

/* The blob of e: its bytes as received when given, else packed. */
static uint8_t *hist_pack(hist_t *h, const Proto__LogEntry *e, uint8_t resets, const uint8_t *packed, size_t n)
{
    if (!packed)
        n = protobuf_c_message_get_packed_size(&e->base);
    uint32_t n32 = (uint32_t)n;
    uint8_t *blob = hist_room(h, HIST_HEAD_BYTES + n, h->first + h->count);

    memcpy(blob, &n32, HIST_LEN_BYTES);
    blob[HIST_LEN_BYTES] = resets;
    if (packed)
        memcpy(blob + HIST_HEAD_BYTES, packed, n);
    else
        protobuf_c_message_pack(&e->base, blob + HIST_HEAD_BYTES);
    return blob;
}

static size_t hist_blob_len(const uint8_t *blob)
{
    uint32_t n32;
    memcpy(&n32, blob, HIST_LEN_BYTES);
    return n32;
}

/* The oldest entry left: its block goes once no retained entry is in it. */
static void hist_evicted(hist_t *h)
{
    h->first++;
    hist_block_t *b = h->oldest;
    if (b && b != h->newest && b->last_seq < h->first) {
        h->oldest = b->next;
        h->bytes -= sizeof *b + b->cap;
        free(b);
    }
}

void hist_push(hist_t *h, const Proto__LogEntry *e, uint8_t resets, const uint8_t *packed, size_t len)
{
    if (h->count == h->cap) {
        /* Full: the oldest slot becomes the newest. */
        h->count--;
        hist_evicted(h);
        h->slots[h->head] = hist_pack(h, e, resets, packed, len);
        h->head = (h->head + 1) % h->alloc;
        h->count++;
        return;
    }
    /* Not yet wrapped, so head is 0 and the ring can grow in place. */
    uint8_t *blob = hist_pack(h, e, resets, packed, len);
    h->slots = model_grow(h->slots, &h->alloc, h->count + 1, sizeof *h->slots, h->cap);
    h->slots[h->count++] = blob;
}

const uint8_t *hist_get(const hist_t *h, uint64_t seq, size_t *len, uint8_t *resets)
{
    if (seq < h->first || seq - h->first >= h->count)
        return NULL;
    const uint8_t *blob = h->slots[(h->head + (seq - h->first)) % h->alloc];
    *len = hist_blob_len(blob);
    if (resets != NULL)
        *resets = blob[HIST_LEN_BYTES];
    return blob + HIST_HEAD_BYTES;
}

Proto__LogEntry *hist_unpack(const hist_t *h, uint64_t seq, ProtobufCAllocator *alloc)
{
    size_t len;
    const uint8_t *data = hist_get(h, seq, &len, NULL);

    if (data == NULL)
        return NULL;
    return proto__log_entry__unpack(alloc, len, data);
}

size_t hist_bytes(const hist_t *h)
{
    return h->bytes + h->alloc * sizeof *h->slots;
}
