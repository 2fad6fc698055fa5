/* The viewer's output to the terminal (termout.h). */
#define _GNU_SOURCE /* memfd_create */
#include "ui/termout.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>
#include "core/pbjson.h"

#define STOP_WAIT_MS 2000      /* on the way out, for a terminal not reading */

static struct {
    int tty, mem;              /* the terminal (a dup of fd 1); curses' fd 1 */
    int flags;                 /* file status flags as the shell had them */
    struct termios shell, prog;
    bool saved, have_prog, active, polling, poll_init;
    strbuf_t buf;
    size_t off;                /* bytes of buf already written */
    uv_poll_t poll;
    void (*drained)(void *);
    void *ctx;
} T = {.tty = -1, .mem = -1};

void termout_save(void)
{
    T.saved = tcgetattr(STDOUT_FILENO, &T.shell) == 0;
    T.flags = fcntl(STDOUT_FILENO, F_GETFL);
}

/* Moves what curses wrote to fd 1 into the buffer and empties the file. */
static void collect(void)
{
    off_t n = T.mem >= 0 ? lseek(T.mem, 0, SEEK_CUR) : 0;
    if (n <= 0)
        return;
    char chunk[16384];
    for (off_t at = 0; at < n;) {
        size_t want = (size_t)(n - at) < sizeof chunk ? (size_t)(n - at) : sizeof chunk;
        ssize_t got = pread(T.mem, chunk, want, at);
        if (got <= 0)
            break;
        sb_add(&T.buf, chunk, (size_t)got);
        at += got;
    }
    if (ftruncate(T.mem, 0) == 0)
        lseek(T.mem, 0, SEEK_SET);
}

/* Writes what the terminal takes without waiting. */
static void write_some(void)
{
    while (T.off < T.buf.len) {
        ssize_t n = write(T.tty, T.buf.data + T.off, T.buf.len - T.off);
        if (n > 0)
            T.off += (size_t)n;
        else if (n < 0 && errno == EINTR)
            continue;
        else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        else
            T.off = T.buf.len; /* the terminal is gone (EIO): nobody to tell */
    }
    sb_reset(&T.buf);
    T.off = 0;
}

bool termout_blocked(void)
{
    return T.off < T.buf.len;
}

static void on_writable(uv_poll_t *p, int status, int events)
{
    write_some();
    if (termout_blocked())
        return;
    uv_poll_stop(&T.poll);
    T.polling = false;
    if (T.drained)
        T.drained(T.ctx);
}

void termout_flush(void)
{
    if (!T.active)
        return;
    collect();
    write_some();
    if (termout_blocked() && !T.polling && T.poll_init) {
        T.polling = uv_poll_start(&T.poll, UV_WRITABLE, on_writable) == 0;
    }
}

/* Before start or after stop: straight to fd 1, as far as it takes it. */
static void write_direct(const char *s, size_t len)
{
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, s, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        s += n;
        len -= (size_t)n;
    }
}

void termout_write(const char *s, size_t len)
{
    if (!T.active) {
        write_direct(s, len);
        return;
    }
    collect();
    sb_add(&T.buf, s, len);
    termout_flush();
}

int termout_fd(void)
{
    return T.tty >= 0 ? T.tty : STDOUT_FILENO;
}

/* curses' output goes to the memory file, the terminal's modes get IXON
 * off and the terminal fd becomes non-blocking (the loop polls it). */
static int redirect(bool first)
{
    if (dup2(T.mem, STDOUT_FILENO) < 0)
        return -errno;
    if (first && tcgetattr(T.tty, &T.prog) == 0) {
        T.prog.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
        T.have_prog = true;
    }
    if (T.have_prog)
        tcsetattr(T.tty, TCSANOW, &T.prog);
    fcntl(T.tty, F_SETFL, (T.flags < 0 ? 0 : T.flags) | O_NONBLOCK);
    T.active = true;
    return 0;
}

int termout_start(uv_loop_t *loop, void (*drained)(void *ctx), void *ctx)
{
    sb_init(&T.buf);
    T.drained = drained;
    T.ctx = ctx;
    T.tty = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    T.mem = memfd_create("skview-screen", MFD_CLOEXEC);
    if (T.tty < 0 || T.mem < 0)
        return -errno;
    int rc = redirect(true);
    if (rc)
        return rc;
    if ((rc = uv_poll_init(loop, &T.poll, T.tty)) == 0)
        T.poll_init = true;
    return rc;
}

/* Writes the rest, waiting at most STOP_WAIT_MS for the terminal; what it
 * does not take by then is dropped. */
static void drain_bounded(void)
{
    collect();
    write_some();
    for (int waited = 0; termout_blocked() && waited < STOP_WAIT_MS; waited += 100) {
        struct pollfd p = {.fd = T.tty, .events = POLLOUT};
        poll(&p, 1, 100);
        write_some();
    }
    sb_reset(&T.buf);
    T.off = 0;
}

/* The terminal as the shell had it: modes, flags, fd 1. */
static void give_back(void)
{
    if (T.polling)
        uv_poll_stop(&T.poll);
    T.polling = false;
    drain_bounded();
    if (T.saved)
        tcsetattr(T.tty, TCSANOW, &T.shell);
    if (T.flags >= 0)
        fcntl(T.tty, F_SETFL, T.flags);
    dup2(T.tty, STDOUT_FILENO);
    T.active = false;
}

void termout_stop(void)
{
    if (T.active)
        give_back();
}

void termout_suspend(void)
{
    termout_stop();
}

void termout_resume(void)
{
    if (T.tty >= 0 && T.mem >= 0 && !T.active)
        redirect(false);
}

static void on_poll_closed(uv_handle_t *h)
{
    close(T.tty);
    close(T.mem);
    T.tty = T.mem = -1;
    T.poll_init = false;
    sb_free(&T.buf);
}

void termout_close(void)
{
    if (T.poll_init && !uv_is_closing((uv_handle_t *)&T.poll))
        uv_close((uv_handle_t *)&T.poll, on_poll_closed);
}
