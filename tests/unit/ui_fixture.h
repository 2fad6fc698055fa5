/* Shared by the UI unit tests: the headless screen dump of a replay, through
 * the real command, returned as text. Include after cmocka.h. */
#ifndef SKVIEW_UI_FIXTURE_H
#define SKVIEW_UI_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "ui/ui.h"

/* Runs `skview replay PATH --dump-screen --size SIZE --at AT [--keys K]` and
 * returns its standard output (the caller frees it). */
static inline char *ui_dump(const char *path, const char *size, const char *at, const char *keys)
{
    char out_path[] = "/tmp/skview-test-out-XXXXXX";
    int fd = mkstemp(out_path);
    assert_true(fd >= 0);
    fflush(stdout);
    int saved = dup(1);
    dup2(fd, 1);
    char *argv[12] = {"replay", (char *)path, "--dump-screen", "--size", (char *)size, "--at", (char *)at,
                      "--no-config"};
    int argc = 8;
    if (keys) {
        argv[argc++] = "--keys";
        argv[argc++] = (char *)keys;
    }
    int rc = ui_cmd_replay(argc, argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    assert_int_equal(rc, 0);
    lseek(fd, 0, SEEK_SET);
    char *buf = calloc(1, 1 << 16);
    ssize_t n = read(fd, buf, (1 << 16) - 1);
    assert_true(n > 0);
    close(fd);
    unlink(out_path);
    return buf;
}

#endif
