/* Makes untrusted text (every string from the wire or a file) safe to put on
 * a terminal, and measures it in columns.
 *
 * What comes out is valid UTF-8 (or plain ASCII in TEXTSAFE_ASCII mode) that
 * contains no byte a terminal acts on:
 *   C0 controls and DEL   -> their visible Control Pictures (ESC -> U+241B,
 *                            NUL -> U+2400, DEL -> U+2421); in ASCII mode ^X
 *   C1 controls, invalid UTF-8 (such as a lone 0x9b), bidi overrides and
 *   other invisible format characters, and anything wcwidth() calls
 *   unprintable            -> U+FFFD (ASCII mode: '?')
 *   tab                    -> one space
 *   newline                -> U+2424 unless TEXTSAFE_NEWLINES keeps it
 * So an escape sequence shows as "␛]0;title␇" instead of acting. Wide
 * characters count two columns and combining marks zero, so columns stay
 * aligned. With max_cols > 0, text wider than that is cut and ends in an
 * ellipsis ("…", ASCII "~") so that it takes at most max_cols columns.
 * Column widths use wcwidth(), so the caller must have called
 * setlocale(LC_CTYPE, "") with a UTF-8 locale for non-ASCII text. */
#ifndef SKVIEW_TEXTSAFE_H
#define SKVIEW_TEXTSAFE_H

#include <stddef.h>
#include "core/pbjson.h"

enum textsafe_flags {
    TEXTSAFE_ASCII = 1,     /* the terminal is not UTF-8: emit ASCII only */
    TEXTSAFE_NEWLINES = 2,  /* keep '\n' (multi-line detail views) */
};

/* Appends the safe form of s[0..n) to out; returns the columns it takes (for
 * multi-line text, the widest line). max_cols 0 = no limit. */
int textsafe(strbuf_t *out, const char *s, size_t n, int max_cols, int flags);
/* Columns that textsafe() would produce, without output. */
int textsafe_width(const char *s, size_t n, int flags);

#endif
