/* libFuzzer: the display sanitiser. Whatever the input, the output holds no
 * byte a terminal acts on, is valid UTF-8, and fits the column limit. */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include "core/textsafe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_inert(const strbuf_t *b, int flags)
{
    for (size_t i = 0; i < b->len; i++) {
        unsigned char c = (unsigned char)b->data[i];
        if ((c < 0x20 && !(c == '\n' && (flags & TEXTSAFE_NEWLINES))) || c == 0x7f) abort();
        if (c == 0xC2 && i + 1 < b->len && (unsigned char)b->data[i + 1] >= 0x80 &&
            (unsigned char)b->data[i + 1] <= 0x9F)
            abort(); /* a C1 control */
        if ((flags & TEXTSAFE_ASCII) && c >= 0x80) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) { setlocale(LC_CTYPE, "C.UTF-8"); ready = 1; }
    if (size < 1) return 0;
    int flags = data[0] & 3, max = data[0] >> 2; /* 0..63 columns, 0 = no limit */
    strbuf_t b;
    sb_init(&b);
    int cols = textsafe(&b, (const char *)data + 1, size - 1, max, flags);
    if (max > 0 && !(flags & TEXTSAFE_NEWLINES) && cols > max) abort();
    if (cols != textsafe_width(b.data ? b.data : "", b.len, flags) && max == 0 && !(flags & TEXTSAFE_NEWLINES))
        abort(); /* what it says it drew is what it drew */
    check_inert(&b, flags);
    sb_free(&b);
    return 0;
}
