/* Growable byte buffer (core/strbuf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "core/strbuf.h"

void sb_init(strbuf_t *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void sb_free(strbuf_t *b)
{
    free(b->data);
    sb_init(b);
}

void sb_reset(strbuf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static void sb_grow(strbuf_t *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

/* The buffer is always NUL-terminated, so data can be used as a C string. */
void sb_add(strbuf_t *b, const char *s, size_t n)
{
    sb_grow(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void sb_adds(strbuf_t *b, const char *s) { sb_add(b, s, strlen(s)); }

void sb_addc(strbuf_t *b, char c)
{
    sb_grow(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

/* Formats once into the spare room (64 bytes at least), again only when the
 * text did not fit: one vsnprintf per call, not two, on the hot paths. */
void sb_vprintf(strbuf_t *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    sb_grow(b, 64);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->data + b->len, room, fmt, ap);
    if (n >= 0 && (size_t)n >= room) {
        sb_grow(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
    }
    if (n >= 0)
        b->len += (size_t)n;
    else
        b->data[b->len] = '\0';
    va_end(again);
}

void sb_printf(strbuf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(b, fmt, ap);
    va_end(ap);
}
