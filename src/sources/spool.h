/* Inputs that can be read only once: standard input ("-"), a FIFO, a pipe
 * given as a path (bash's <(zcat log.gz) is /dev/fd/63), a character device.
 *
 * Readers that need more than one pass (a replay scans its file, then reads
 * it again to play it, and again to seek backwards; format detection peeks at
 * the first bytes) cannot re-open such a path: the bytes are gone. So a
 * command that needs several passes calls spool_copy(path) first, which
 * copies the input once into an unlinked temporary file ($TMPDIR, else /tmp)
 * and remembers it under the path; every later spool_open()/spool_fopen() of
 * that path opens the copy from its start, and every reader that opens files
 * through them (logreader, bk_reader) is none the wiser. Names in messages
 * stay the ones the user gave.
 *
 * What it costs: the copy takes disk space in $TMPDIR equal to the input
 * (released when the process exits) and one extra sequential pass; memory
 * stays one 64 KiB buffer. Regular files are never copied. Commands that read
 * once (state, events) stream their input and do not spool. */
#ifndef SKVIEW_SPOOL_H
#define SKVIEW_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* True when path ("-" is standard input) cannot be read twice. */
bool spool_is_once(const char *path);

/* Copies a read-once input into a temporary file (see above); does nothing
 * for regular files. When it spools standard input and stdin was not a
 * terminal, stdin is re-opened on the controlling terminal (/dev/tty, as
 * less does) so a viewer can still read keys. Returns 0, or -1 with err
 * "PATH: why". */
int spool_copy(const char *path, char *err, size_t errlen);

/* open(path, O_RDONLY|O_CLOEXEC), serving a spooled copy from its start;
 * "-" not spooled is standard input (opened afresh from its start when it
 * is a regular file, else a dup). -1 with errno on failure. */
int spool_open(const char *path);
/* The same as a stdio stream ("rb"). */
FILE *spool_fopen(const char *path);

#endif
