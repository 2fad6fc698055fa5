/* Allocation that cannot fail: out of memory prints the size and aborts
 * (a viewer out of memory has nothing sensible left to do). Zero sizes
 * allocate one byte, so the result is never NULL; xstrdup(NULL) is "".
 * The one allocation path of src/: nothing calls malloc, calloc, realloc
 * or strdup itself. */
#ifndef SKVIEW_XALLOC_H
#define SKVIEW_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* NULL for NULL or "" (a field not set), else a copy. */
char *xstrdup_or_null(const char *s);

#endif
