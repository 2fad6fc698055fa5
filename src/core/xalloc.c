/* Allocation that aborts on failure (core/xalloc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"

static void *checked(void *p, size_t n)
{
    if (p == NULL) {
        fprintf(stderr, "skview: out of memory (%zu bytes)\n", n);
        abort();
    }
    return p;
}

void *xmalloc(size_t n)
{
    return checked(malloc(n ? n : 1), n);
}

void *xcalloc(size_t n, size_t size)
{
    return checked(calloc(n ? n : 1, size ? size : 1), n * size);
}

void *xrealloc(void *p, size_t n)
{
    return checked(realloc(p, n ? n : 1), n);
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s ? s : "") + 1;
    return memcpy(xmalloc(n), s ? s : "", n);
}

char *xstrdup_or_null(const char *s)
{
    return s && *s ? xstrdup(s) : NULL;
}
