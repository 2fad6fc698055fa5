/* The display-string sanitiser: nothing a terminal acts on gets through,
 * and columns are counted as the terminal will draw them. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/textsafe.h"

static char *safe(const char *s, size_t n, int max_cols, int flags, int *cols)
{
    strbuf_t b;
    sb_init(&b);
    int c = textsafe(&b, s, n, max_cols, flags);
    if (cols) *cols = c;
    if (!b.data) sb_adds(&b, "");
    return b.data;
}

/* No byte below 0x20 (but newline where asked), no DEL, no C1. */
static void assert_inert(const char *out)
{
    for (const unsigned char *p = (const unsigned char *)out; *p; p++) {
        assert_false(*p < 0x20 || *p == 0x7f);
        if (p[0] == 0xC2) assert_false(p[1] >= 0x80 && p[1] <= 0x9F);
    }
}

static void escape_sequences_become_visible(void **state)
{
    (void)state;
    int cols;
    const char *osc = "\x1b]0;pwned\x07" "ok";
    char *out = safe(osc, strlen(osc), 0, 0, &cols);
    assert_string_equal(out, "\xe2\x90\x9b]0;pwned\xe2\x90\x87ok");
    assert_int_equal(cols, 12);
    assert_inert(out);
    free(out);
    out = safe("\x1b[2J\x1b[H", 7, 0, 0, NULL);
    assert_string_equal(out, "\xe2\x90\x9b[2J\xe2\x90\x9b[H");
    free(out);
}

static void c1_bidi_and_invalid_utf8_are_replaced(void **state)
{
    (void)state;
    /* 0x9b alone (8-bit CSI), C1 U+009B encoded, RLO bidi override, a lone
     * continuation byte, an overlong NUL, a surrogate. */
    const char in[] = "a\x9b" "b\xc2\x9b" "c\xe2\x80\xae" "d\x80" "e\xc0\x80" "f\xed\xa0\x80" "g";
    char *out = safe(in, sizeof in - 1, 0, 0, NULL);
    assert_inert(out);
    assert_null(strstr(out, "\xe2\x80\xae"));
    assert_string_equal(out, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd" "d\xef\xbf\xbd"
                             "e\xef\xbf\xbd\xef\xbf\xbd" "f\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "g");
    free(out);
}

static void nul_and_newlines(void **state)
{
    (void)state;
    char *out = safe("a\0b\nc\td", 7, 0, 0, NULL);
    assert_string_equal(out, "a\xe2\x90\x80" "b\xe2\x90\xa4" "c d");
    free(out);
    int cols;
    out = safe("ab\ncdef", 7, 0, TEXTSAFE_NEWLINES, &cols);
    assert_string_equal(out, "ab\ncdef");
    assert_int_equal(cols, 4);
    free(out);
}

static void wide_and_combining_keep_columns(void **state)
{
    (void)state;
    int cols;
    char *out = safe("\xe6\x97\xa5\xe6\x9c\xac", 6, 0, 0, &cols); /* two CJK: 4 columns */
    assert_int_equal(cols, 4);
    free(out);
    out = safe("e\xcc\x81x", 4, 0, 0, &cols); /* e + combining acute + x: 2 columns */
    assert_int_equal(cols, 2);
    free(out);
    /* Cutting never splits a wide character past the limit. */
    out = safe("\xe6\x97\xa5\xe6\x9c\xac\xe6\x97\xa5", 9, 4, 0, &cols);
    assert_true(cols <= 4);
    assert_string_equal(out, "\xe6\x97\xa5\xe2\x80\xa6");
    free(out);
}

static void long_strings_cut_with_ellipsis(void **state)
{
    (void)state;
    size_t n = 1 << 20;
    char *big = malloc(n);
    memset(big, 'x', n);
    int cols;
    char *out = safe(big, n, 20, 0, &cols);
    assert_int_equal(cols, 20);
    assert_int_equal(strlen(out), 19 + 3);
    assert_string_equal(out + 19, "\xe2\x80\xa6");
    free(out);
    out = safe("exactly10!", 10, 10, 0, &cols);
    assert_string_equal(out, "exactly10!");
    free(out);
    /* A flood of zero-width marks after the limit stays linear and inert. */
    for (size_t i = 1; i + 1 < n; i += 2) { big[i - 1] = '\xcc'; big[i] = '\x81'; }
    big[0] = 'a';
    out = safe(big, n & ~(size_t)1, 5, 0, &cols);
    assert_true(cols <= 5);
    free(out);
    free(big);
}

static void ascii_mode(void **state)
{
    (void)state;
    int cols;
    char *out = safe("\x1b[1m\xc3\xa9\xe6\x97\xa5", 9, 0, TEXTSAFE_ASCII, &cols);
    assert_string_equal(out, "^[[1m??");
    assert_int_equal(cols, 7);
    free(out);
    out = safe("abcdefgh", 8, 5, TEXTSAFE_ASCII, NULL);
    assert_string_equal(out, "abcd~");
    free(out);
}

static void width_matches_output(void **state)
{
    (void)state;
    const char *s = "x\x1b\xe6\x97\xa5y\xff";
    int cols;
    char *out = safe(s, strlen(s), 0, 0, &cols);
    assert_int_equal(textsafe_width(s, strlen(s), 0), cols);
    free(out);
}

/* Invalid UTF-8 is one placeholder per byte and loses nothing after it:
 * a raw 0x80..0x9f (Latin-1 text, binary) is not a C1 control; Latin-1
 * "h\xe9llo" keeps its "llo". */
static void invalid_bytes_one_placeholder_each(void **state)
{
    (void)state;
    for (int c = 0x80; c <= 0xff; c++) {
        if (c >= 0xc2 && c <= 0xf4)
            continue; /* lead bytes: "B" after them is no continuation, so still one each */
        char in[32];
        snprintf(in, sizeof in, "A%cB C D visible?", c);
        int cols;
        char *out = safe(in, strlen(in), 0, 0, &cols);
        assert_string_equal(out, "A\xef\xbf\xbd" "B C D visible?");
        assert_int_equal(cols, (int)strlen(in));
        free(out);
    }
    char *out = safe("h\xe9llo \x90\x98\x9d\x9e\x9f!", 12, 0, 0, NULL);
    assert_string_equal(out, "h\xef\xbf\xbdllo \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd!");
    assert_inert(out);
    free(out);
}

/* Printable ASCII goes through whole, eight bytes at a time: a byte that
 * is not one, at any place of a long run (each byte of the word, either
 * side of a word's edge), still comes out as its placeholder, and the
 * bounds 0x20 and 0x7e themselves pass. */
static void any_byte_of_a_long_run_is_checked(void **state)
{
    (void)state;
    static const unsigned char odd[] = {0x00, 0x09, 0x1b, 0x1f, 0x7f, 0x80, 0x9b, 0xc0, 0xff};
    for (size_t k = 0; k < sizeof odd; k++) {
        char alone[] = {(char)odd[k]};
        char *want_odd = safe(alone, 1, 0, 0, NULL);
        for (size_t at = 0; at < 40; at++) {
            char in[41], want[64];
            for (size_t i = 0; i < sizeof in; i++)
                in[i] = (char)(i % 2 ? 0x20 : 0x7e);
            in[at] = (char)odd[k];
            snprintf(want, sizeof want, "%.*s%s%.*s", (int)at, in, want_odd, (int)(sizeof in - at - 1), in + at + 1);
            char *out = safe(in, sizeof in, 0, 0, NULL);
            assert_string_equal(out, want);
            assert_inert(out);
            free(out);
        }
        free(want_odd);
    }
}

int main(void)
{
    setlocale(LC_CTYPE, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escape_sequences_become_visible),
        cmocka_unit_test(c1_bidi_and_invalid_utf8_are_replaced),
        cmocka_unit_test(invalid_bytes_one_placeholder_each),
        cmocka_unit_test(nul_and_newlines),
        cmocka_unit_test(wide_and_combining_keep_columns),
        cmocka_unit_test(long_strings_cut_with_ellipsis),
        cmocka_unit_test(ascii_mode),
        cmocka_unit_test(width_matches_output),
        cmocka_unit_test(any_byte_of_a_long_run_is_checked),
    };
    return cmocka_run_group_tests_name("textsafe", tests, NULL, NULL);
}
