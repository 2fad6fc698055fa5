/* Internals shared by the BuildKit progress model's files: the log line
 * store (bk_log.c) and the fold (bk_progress.c). */
#ifndef SKVIEW_BK_PROGRESS_INT_H
#define SKVIEW_BK_PROGRESS_INT_H

#include "buildkit/bk_progress.h"

void bk_log_init(bk_log_t *l);
void bk_log_free(bk_log_t *l);
/* Appends a chunk of log bytes; keeps at most max bytes of complete lines. */
void bk_log_write(bk_log_t *l, const uint8_t *data, size_t n, size_t max);
/* Drops complete lines from the front until at most keep remain. Returns the
 * bytes freed. */
size_t bk_log_cut(bk_log_t *l, size_t keep);

#endif
