/* The viewer's output to the terminal, which never blocks the loop and never
 * spins.
 *
 * curses writes a frame with write() on fd 1 and, when the terminal does not
 * take it (EAGAIN: the tty is non-blocking because libuv polls it; Ctrl-S,
 * a stalled ssh, a stopped tmux client), retries at once, forever: a core
 * at 100% and no key read. So once curses has set the terminal up, fd 1
 * becomes an in-memory file: each frame lands there, termout_flush() moves
 * it into a buffer and writes what the terminal takes; the rest waits for a
 * uv_poll saying the terminal is writable, using no CPU. Until then
 * termout_blocked() is true and the caller draws no new frame (frames
 * coalesce: the next one shows the state of then).
 *
 * Order of calls: termout_save() before newterm() (the terminal's modes and
 * flags as the shell had them); termout_start() after the curses modes are
 * set; termout_stop() on the way out after endwin() (restores modes, flags
 * and fd 1; waits at most ~2 s for a stalled terminal, then drops the
 * rest); termout_close() from the loop to free the poll handle. */
#ifndef SKVIEW_UI_TERMOUT_H
#define SKVIEW_UI_TERMOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

void termout_save(void);
/* Also turns off IXON/IXOFF: Ctrl-S and Ctrl-Q reach the viewer as keys
 * instead of freezing the terminal. Returns 0 or a negative errno. */
int termout_start(uv_loop_t *loop, void (*drained)(void *ctx), void *ctx);
/* What curses wrote, then as much as the terminal takes now. */
void termout_flush(void);
/* Our own sequences (title, OSC 52, bell), after what curses wrote. */
void termout_write(const char *s, size_t len);
bool termout_blocked(void);
/* The terminal's fd (for its size): the saved one once started. */
int termout_fd(void);
/* The terminal as the shell had it (see above); idempotent. */
void termout_stop(void);
/* Ctrl-Z: the terminal as the shell had it, then back. */
void termout_suspend(void);
void termout_resume(void);
void termout_close(void);

#endif
