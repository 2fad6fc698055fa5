/* The event history: a ring of packed LogEntry blobs. */
#include <stdlib.h>
#include <string.h>
#include "skaffold/history_int.h"
#include "skaffold/model_int.h"

/* A blob: the packed length (4 bytes), the resets byte, the packed entry. */
#define HIST_LEN_BYTES 4
#define HIST_HEAD_BYTES 5

void hist_init(hist_t *h, size_t cap)
{
    memset(h, 0, sizeof *h);
    h->cap = cap;
}

void hist_free(hist_t *h)
{
    for (size_t i = 0; i < h->count; i++)
        free(h->slots[(h->head + i) % h->alloc]);
    free(h->slots);
    hist_init(h, h->cap);
}

static uint8_t *hist_pack(const Proto__LogEntry *e, uint8_t resets, size_t *blob_len)
{
    size_t n = protobuf_c_message_get_packed_size(&e->base);
    uint32_t n32 = (uint32_t)n;
    uint8_t *blob = xmalloc(HIST_HEAD_BYTES + n);

    memcpy(blob, &n32, HIST_LEN_BYTES);
    blob[HIST_LEN_BYTES] = resets;
    protobuf_c_message_pack(&e->base, blob + HIST_HEAD_BYTES);
    *blob_len = HIST_HEAD_BYTES + n;
    return blob;
}

static size_t hist_blob_len(const uint8_t *blob)
{
    uint32_t n32;
    memcpy(&n32, blob, HIST_LEN_BYTES);
    return n32;
}

void hist_push(hist_t *h, const Proto__LogEntry *e, uint8_t resets)
{
    size_t blob_len;
    uint8_t *blob = hist_pack(e, resets, &blob_len);

    if (h->count == h->cap) {
        /* Full: the oldest slot becomes the newest. */
        uint8_t **slot = &h->slots[h->head];
        h->bytes -= HIST_HEAD_BYTES + hist_blob_len(*slot);
        free(*slot);
        *slot = blob;
        h->head = (h->head + 1) % h->alloc;
        h->first++;
    } else {
        /* Not yet wrapped, so head is 0 and the ring can grow in place. */
        h->slots = model_grow(h->slots, &h->alloc, h->count + 1, sizeof *h->slots, h->cap);
        h->slots[h->count++] = blob;
    }
    h->bytes += blob_len;
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
