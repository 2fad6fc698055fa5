/* Read-once inputs spooled to a temporary file; see spool.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/xalloc.h"
#include "sources/spool.h"

#define SPOOL_MAX 8

/* The spooled inputs of this process: a command spools one or two. */
static struct spooled {
    char *path;
    int fd;   /* the unlinked copy, open for the life of the process */
} spooled[SPOOL_MAX];
static size_t n_spooled;

bool spool_is_once(const char *path)
{
    struct stat st;
    if (!strcmp(path, "-"))
        return fstat(STDIN_FILENO, &st) < 0 || !S_ISREG(st.st_mode);
    return stat(path, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISSOCK(st.st_mode));
}

static const struct spooled *find(const char *path)
{
    for (size_t i = 0; i < n_spooled; i++)
        if (!strcmp(spooled[i].path, path))
            return &spooled[i];
    return NULL;
}

/* An unlinked temporary file in $TMPDIR or /tmp. */
static int tmp_file(void)
{
    const char *dir = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/skview-input.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(tmpl);
    if (fd >= 0) {
        unlink(tmpl);
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    return fd;
}

static int copy_all(int from, int to)
{
    char buf[64 * 1024];
    for (;;) {
        ssize_t n = read(from, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return (int)n;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(to, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                return -1;
            off += w;
        }
    }
}

/* After stdin was read to its end, a viewer still needs a keyboard. */
static void stdin_to_tty(void)
{
    if (isatty(STDIN_FILENO))
        return;
    int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (tty < 0)
        tty = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (tty >= 0) {
        dup2(tty, STDIN_FILENO);
        close(tty);
    }
}

int spool_copy(const char *path, char *err, size_t errlen)
{
    if (find(path) || !spool_is_once(path))
        return 0;
    if (n_spooled == SPOOL_MAX) {
        snprintf(err, errlen, "%s: too many read-once inputs", path);
        return -1;
    }
    bool is_stdin = !strcmp(path, "-");
    int in = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    int fd = tmp_file();
    int rc = fd < 0 ? -1 : copy_all(in, fd);
    int saved = errno;
    if (!is_stdin)
        close(in);
    if (rc < 0) {
        snprintf(err, errlen, "%s: %s (copying it to a temporary file)", path, strerror(saved));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (is_stdin)
        stdin_to_tty();
    spooled[n_spooled].path = xstrdup(path);
    spooled[n_spooled++].fd = fd;
    return 0;
}

int spool_open(const char *path)
{
    const struct spooled *s = find(path);
    if (s) {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", s->fd);
        int fd = open(proc, O_RDONLY | O_CLOEXEC);
        if (fd < 0 && (fd = fcntl(s->fd, F_DUPFD_CLOEXEC, 3)) >= 0)
            lseek(fd, 0, SEEK_SET); /* no /proc: a shared offset, fine for one pass at a time */
        return fd;
    }
    struct stat st;
    /* A regular file as stdin: a fresh open, so each pass starts at its
     * beginning and passes do not share one offset. */
    int fd = -1;
    if (!strcmp(path, "-") && fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode))
        fd = open("/proc/self/fd/0", O_RDONLY | O_CLOEXEC);
    if (!strcmp(path, "-"))
        return fd >= 0 ? fd : fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3); /* no /proc: one pass only */
    return open(path, O_RDONLY | O_CLOEXEC);
}

FILE *spool_fopen(const char *path)
{
    int fd = spool_open(path);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "rb");
    if (fd >= 0 && !f)
        close(fd);
    return f;
}
