/* ANSI colour (SGR) sequences in untrusted text, e.g. Skaffold's console
 * output and an application's coloured logs.
 *
 * sgr_walk splits text into runs of plain text, each with the style the
 * SGR sequences before it set (ESC [ params m: 0 reset, 1 bold, 2 dim, 3
 * italic, 4 underline, 7 reverse, 22-27 their ends, 30-37/90-97 and 40-47/
 * 100-107 the 16 colours, 38;5;N / 48;5;N the 256, 38;2;R;G;B / 48;2;R;G;B
 * mapped to the nearest of the 256, 39/49 default). Every other escape or
 * control sequence (CSI of another final byte, OSC up to BEL or ST, DCS,
 * lone ESC, C1 controls encoded as UTF-8) is dropped whole: it is inert. A
 * byte that is not valid UTF-8 (a raw 0x9b) is text, not a control. The runs may still
 * hold other control characters (tab, BS, ...) and invalid UTF-8: the
 * caller draws them through textsafe as all wire text. */
#ifndef SKVIEW_SGR_H
#define SKVIEW_SGR_H

#include <stddef.h>
#include <stdint.h>
#include "core/strbuf.h"

enum sgr_attr {
    SGR_BOLD = 1, SGR_DIM = 2, SGR_ITALIC = 4, SGR_UNDERLINE = 8, SGR_REVERSE = 16,
};

typedef struct sgr_style {
    int16_t fg, bg;              /* -1 = default, else 0..255 */
    uint8_t attrs;               /* enum sgr_attr */
} sgr_style_t;

#define SGR_STYLE_DEFAULT ((sgr_style_t){-1, -1, 0})

typedef void (*sgr_run_fn)(void *ctx, const char *text, size_t len, const sgr_style_t *style);

/* Walks s[0..n): fn for each non-empty run of text. *style is the style at
 * the start (SGR_STYLE_DEFAULT for a new line) and is left at the end's. */
void sgr_walk(const char *s, size_t n, sgr_style_t *style, sgr_run_fn fn, void *ctx);
/* Appends s without any escape sequence (what a pipe gets). */
void sgr_strip(strbuf_t *out, const char *s, size_t n);

#endif
