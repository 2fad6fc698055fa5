/* OSC 52: the clipboard through the terminal. */
#include <stdbool.h>
#include <string.h>
#include "core/strbuf.h"
#include "core/textsafe.h"
#include "ui/app.h"
#include "ui/osc52.h"

static void base64(strbuf_t *out, const char *s, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)u[i] << 16 | (i + 1 < n ? (unsigned)u[i + 1] << 8 : 0) |
                     (i + 2 < n ? u[i + 2] : 0);
        char q[4] = {tab[v >> 18 & 63], tab[v >> 12 & 63], i + 1 < n ? tab[v >> 6 & 63] : '=',
                     i + 2 < n ? tab[v & 63] : '='};
        sb_add(out, q, 4);
    }
}

void osc52_copy(ui_t *ui, const char *text, size_t len)
{
    strbuf_t seq;
    sb_init(&seq);
    sb_adds(&seq, "\033]52;c;");
    base64(&seq, text, len);
    sb_adds(&seq, "\a");
    ui_term_write(ui, seq.data, seq.len);
    sb_free(&seq);
}

void osc52_copy_text(ui_t *ui, const char *raw, size_t len, const char *what)
{
    strbuf_t safe;
    sb_init(&safe);
    textsafe(&safe, raw ? raw : "", raw ? len : 0, 0, ui_text_flags(ui) | TEXTSAFE_NEWLINES);
    if (safe.len > OSC52_MAX) {
        ui_message(ui, true, "%s is %zu bytes: too many for OSC 52 (up to %d)", what, safe.len,
                   OSC52_MAX);
    } else {
        const char *t = safe.data ? safe.data : "";
        osc52_copy(ui, t, safe.len);
        /* Its first line, up to 60 bytes cut at a character's start. */
        size_t n = strcspn(t, "\n");
        bool more = n < safe.len;
        for (more |= n > 60, n = n > 60 ? 60 : n; n > 0 && (t[n] & 0xC0) == 0x80; n--)
            ;
        ui_message(ui, false, "copied %s: %.*s%s", what, (int)n, t, more ? "..." : "");
    }
    sb_free(&safe);
}
