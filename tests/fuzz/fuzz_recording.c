/* libFuzzer: a recording file (magic + the input) read to its end. Every
 * record before a broken one must be delivered; the reader never crashes. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "sources/logreader.h"
#include "sources/rec_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(void *ctx, const Proto__LogEntry *e)
{
    (void)e;
    ++*(int *)ctx;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("rec", 0);
    if (fd < 0) return 0;
    if (write(fd, RECORDING_MAGIC, RECORDING_MAGIC_LEN) != RECORDING_MAGIC_LEN ||
        write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64], err[256];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    logreader_t *r = logreader_open(path, NULL, err, sizeof err);
    if (r) {
        int n = 0;
        source_sink_t sink = {.ctx = &n, .on_entry = count};
        logreader_pump(r, &sink);
        logreader_close(r);
    }
    close(fd);
    return 0;
}
