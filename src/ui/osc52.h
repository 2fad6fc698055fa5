/* The clipboard through the terminal: OSC 52 ("ESC ] 52 ; c ; BASE64 BEL"),
 * which xterm, tmux (set-clipboard), iTerm2, kitty and others put on the
 * system clipboard. Shared by the Ports pane (a URL), the Logs view (the
 * selected lines), the Errors pane and the details popup. */
#ifndef SKVIEW_UI_OSC52_H
#define SKVIEW_UI_OSC52_H

#include <stddef.h>
#include "ui/pane_ctx.h"

typedef struct ui ui_t;

/* What terminals take in one sequence, about (bytes before encoding). */
#define OSC52_MAX PANE_COPY_MAX

/* Writes text[0..len) to the clipboard. The caller has made it safe (no
 * control characters it would not want pasted). */
void osc52_copy(ui_t *ui, const char *text, size_t len);
/* Text from the wire or the model to the clipboard: made inert first
 * (controls visible, newlines kept), then copied, and the status line says
 * "copied WHAT" (or why not: too long for one sequence). */
void osc52_copy_text(ui_t *ui, const char *raw, size_t len, const char *what);

#endif
