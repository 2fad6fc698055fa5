/* Recognising the replay of a v2 stream; see v2seen.h. */
#include <stdlib.h>
#include <string.h>
#include "session/v2seen.h"

void v2seen_init(v2seen_t *s, v2seen_mode_t mode)
{
    memset(s, 0, sizeof *s);
    s->mode = mode;
}

void v2seen_free(v2seen_t *s)
{
    free(s->h);
    free(s->buf);
    memset(s, 0, sizeof *s);
}

void v2seen_reset(v2seen_t *s)
{
    s->replaying = true;
    s->at = SIZE_MAX;
}

static uint64_t event_hash(v2seen_t *s, const Proto__V2__Event *ev)
{
    size_t n = protobuf_c_message_get_packed_size(&ev->base);
    if (n > s->buf_cap) {
        s->buf_cap = n * 2;
        s->buf = realloc(s->buf, s->buf_cap);
        if (!s->buf)
            abort();
    }
    protobuf_c_message_pack(&ev->base, s->buf);
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ s->buf[i]) * 0x100000001b3ull;
    return h ^ n;
}

static void push(v2seen_t *s, uint64_t h)
{
    if (s->n == V2SEEN_MAX) {
        memmove(s->h, s->h + V2SEEN_MAX / 2, V2SEEN_MAX / 2 * sizeof *s->h);
        s->n = V2SEEN_MAX / 2;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->h = realloc(s->h, s->cap * sizeof *s->h);
        if (!s->h)
            abort();
    }
    s->h[s->n++] = h;
}

/* Where the replay starting with h starts in the list; n when nowhere. */
static size_t replay_start(const v2seen_t *s, uint64_t h)
{
    if (s->mode == V2SEEN_ALL)
        return s->n && s->h[0] == h ? 0 : s->n;
    for (size_t i = s->n; i-- > 0;)
        if (s->h[i] == h)
            return i;
    return s->n;
}

/* The first event after a reset. */
static v2seen_kind_t check_first(v2seen_t *s, uint64_t h)
{
    size_t k = replay_start(s, h);
    if (k < s->n) {
        memmove(s->h, s->h + k, (s->n - k) * sizeof *s->h); /* before the tail: never again */
        s->n -= k;
        s->at = 1;
        return V2SEEN_OLD;
    }
    bool boundary = s->mode == V2SEEN_ALL && s->n > 0;
    s->n = 0; /* nothing of the old list can come again */
    s->replaying = false;
    push(s, h);
    return boundary ? V2SEEN_NEW_SESSION : V2SEEN_NEW;
}

v2seen_kind_t v2seen_check(v2seen_t *s, const Proto__V2__Event *ev)
{
    uint64_t h = event_hash(s, ev);
    if (s->replaying && s->at == SIZE_MAX)
        return check_first(s, h);
    if (s->replaying && s->at < s->n && s->h[s->at] == h) {
        s->at++;
        return V2SEEN_OLD;
    }
    s->replaying = false;
    push(s, h);
    return V2SEEN_NEW;
}
