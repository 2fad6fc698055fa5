/* Private to src/skaffold: the allocation helpers the model's files share.
 * The model has no way to report an allocation failure to its callers (every
 * fold must complete to keep the mirror exact), so it aborts with a message. */
#ifndef SKVIEW_MODEL_INT_H
#define SKVIEW_MODEL_INT_H

#include <stddef.h>
#include <stdint.h>
#include "skaffold.pb-c.h"
#include "core/xalloc.h"


/* Returns arr (of *alloc elements of elem bytes) grown to hold need, doubling
 * but never past limit (0 = no limit); updates *alloc. */
void *model_grow(void *arr, size_t *alloc, size_t need, size_t elem, size_t limit);

/* Callers may build messages by hand and leave a string NULL: read it as "". */
static inline const char *model_nz(const char *s)
{
    return s ? s : "";
}

/* A LogEntry timestamp in nanoseconds since the epoch, 0 if absent. */
int64_t model_time_ns(const Proto__LogEntry *e);

#endif
