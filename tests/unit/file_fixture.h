/* Shared by unit tests that read a log from a real file: writes text to a
 * fresh temporary file named from tmpl ("/tmp/NAME-XXXXXX", rewritten in
 * place). Include after cmocka.h. */
#ifndef SKVIEW_FILE_FIXTURE_H
#define SKVIEW_FILE_FIXTURE_H

#include <stdlib.h>
#include <unistd.h>

static inline void fixture_write(char *tmpl, const char *text, size_t len)
{
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
}

#endif
