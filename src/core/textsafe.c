/* The display-string sanitiser; see textsafe.h for the rules. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>
#include "core/textsafe.h"
#include "core/utf8.h"

#define REPLACEMENT 0xFFFDu

/* Invisible characters that reorder or hide text: shown as U+FFFD so that a
 * hostile string cannot make the screen read differently from its bytes. */
static bool is_format_char(uint32_t cp)
{
    return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x206F) || cp == 0x061C || cp == 0xFEFF ||
           (cp >= 0xFFF9 && cp <= 0xFFFB);
}

/* One visible glyph for a code point: its text and its width in columns. */
typedef struct glyph {
    char text[8];
    size_t len;
    int cols;
} glyph_t;

static void glyph_set(glyph_t *g, uint32_t cp, int cols, int flags)
{
    if (flags & TEXTSAFE_ASCII) {
        g->text[0] = cp < 0x80 ? (char)cp : '?';
        g->len = 1;
        g->cols = 1;
        return;
    }
    g->len = utf8_encode(g->text, cp);
    g->cols = cols;
}

/* Classifies the code point at s and fills g; returns the bytes consumed. */
static size_t next_glyph(const unsigned char *s, size_t n, int flags, glyph_t *g)
{
    uint32_t cp;
    size_t len = utf8_decode(s, n, &cp);
    if (len == 0) { glyph_set(g, REPLACEMENT, 1, flags); return 1; }
    if (cp == '\t') { glyph_set(g, ' ', 1, flags); return len; }
    if (cp == '\n' && (flags & TEXTSAFE_NEWLINES)) { glyph_set(g, '\n', 0, flags); return len; }
    if (cp < 0x20 || cp == 0x7F) {
        if (flags & TEXTSAFE_ASCII) {
            g->text[0] = '^';
            g->text[1] = cp == 0x7F ? '?' : (char)(cp + 0x40);
            g->len = 2;
            g->cols = 2;
        } else {
            glyph_set(g, cp == 0x7F ? 0x2421 : cp == '\n' ? 0x2424 : 0x2400 + cp, 1, flags);
        }
        return len;
    }
    if (cp < 0x80) { g->text[0] = (char)cp; g->len = 1; g->cols = 1; return len; }
    if (cp < 0xA0 || is_format_char(cp)) { glyph_set(g, REPLACEMENT, 1, flags); return len; }
    int w = wcwidth((wchar_t)cp);
    if (w < 0) { glyph_set(g, REPLACEMENT, 1, flags); return len; }
    if (flags & TEXTSAFE_ASCII) { glyph_set(g, '?', 1, flags); return len; }
    memcpy(g->text, s, len);
    g->len = len;
    g->cols = w;
    return len;
}

/* The length of the run of printable ASCII (0x20-0x7e) at s, at most n:
 * eight bytes at a time, then byte by byte (a byte below 0x20 borrows, one
 * above 0x7e carries or has its high bit: either sets a byte's high bit). */
static size_t printable_run(const unsigned char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t run = 0;
    for (uint64_t w; run + 8 <= n; run += 8) {
        memcpy(&w, s + run, 8);
        if (((w - ones * 0x20) & ~w & highs) | (((w + ones) | w) & highs))
            break;
    }
    while (run < n && s[run] >= 0x20 && s[run] < 0x7f)
        run++;
    return run;
}

int textsafe(strbuf_t *out, const char *str, size_t n, int max_cols, int flags)
{
    const unsigned char *s = (const unsigned char *)str;
    const char *ell = (flags & TEXTSAFE_ASCII) ? "~" : "\xE2\x80\xA6";
    int cols = 0, widest = 0;
    bool rest_fits = max_cols <= 0;
    size_t i = 0;
    while (i < n) {
        /* Runs of printable ASCII, the common case, are copied whole as long
         * as they stay clear of the column limit (one glyph each, one column
         * each: exactly what the loop below would do byte by byte). */
        size_t run = printable_run(s + i, n - i);
        if (run && !rest_fits && max_cols - 1 - cols < (int)run)
            run = max_cols - 1 - cols > 0 ? (size_t)(max_cols - 1 - cols) : 0;
        if (run) {
            sb_add(out, str + i, run);
            cols += (int)run;
            i += run;
            continue;
        }
        glyph_t g;
        size_t used = next_glyph(s + i, n - i, flags, &g);
        if (g.len == 1 && g.text[0] == '\n') {
            sb_addc(out, '\n');
            widest = cols > widest ? cols : widest;
            cols = 0;
            i += used;
            continue;
        }
        if (!rest_fits && cols + g.cols > max_cols - 1) {
            /* Does everything left fit exactly? Then no ellipsis is needed.
             * Asked once, so a flood of zero-width marks stays linear. */
            rest_fits = cols + textsafe_width(str + i, n - i, flags) <= max_cols;
            if (rest_fits) {
                sb_add(out, g.text, g.len);
                cols += g.cols;
                i += used;
                continue;
            }
            sb_adds(out, ell);
            cols += 1;
            break;
        }
        sb_add(out, g.text, g.len);
        cols += g.cols;
        i += used;
    }
    return cols > widest ? cols : widest;
}

int textsafe_width(const char *str, size_t n, int flags)
{
    const unsigned char *s = (const unsigned char *)str;
    int cols = 0, widest = 0;
    for (size_t i = 0; i < n;) {
        glyph_t g;
        i += next_glyph(s + i, n - i, flags, &g);
        if (g.len == 1 && g.text[0] == '\n') {
            widest = cols > widest ? cols : widest;
            cols = 0;
        } else {
            cols += g.cols;
        }
    }
    return cols > widest ? cols : widest;
}
