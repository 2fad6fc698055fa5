/* SGR colour runs: colours and attributes as the header lists them, and
 * every other escape or control sequence dropped whole, whatever the input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/sgr.h"
#include "core/textsafe.h"
#include "core/utf8.h"

#define MAX_RUNS 64

typedef struct runs {
    size_t n;
    char text[MAX_RUNS][128];
    sgr_style_t style[MAX_RUNS];
    strbuf_t all;                /* every run's text, in order */
    bool dirty;                  /* a run held ESC or a well-formed C1 control */
} runs_t;

/* True when s[0..n) holds ESC or a C1 control (U+0080..U+009F encoded). A
 * raw byte 0x80..0x9f is invalid UTF-8: text, which textsafe shows as one
 * placeholder. */
static bool has_escape(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = u[i] >= 0x80 ? utf8_decode(u + i, n - i, &cp) : 0;
        if (u[i] == 0x1b || (l > 0 && cp >= 0x80 && cp <= 0x9f))
            return true;
        i += l ? l : 1;
    }
    return false;
}

static void collect(void *ctx, const char *text, size_t len, const sgr_style_t *style)
{
    runs_t *r = ctx;
    assert_true(len > 0);
    if (has_escape(text, len))
        r->dirty = true;
    sb_add(&r->all, text, len);
    if (r->n < MAX_RUNS) {
        snprintf(r->text[r->n], sizeof r->text[0], "%.*s", (int)len, text);
        r->style[r->n++] = *style;
    }
}

static runs_t *walk(const char *s, size_t n, sgr_style_t *st)
{
    runs_t *r = calloc(1, sizeof *r);
    sb_init(&r->all);
    sb_adds(&r->all, "");
    sgr_walk(s, n, st, collect, r);
    assert_false(r->dirty);
    return r;
}

static runs_t *walks(const char *s)
{
    sgr_style_t st = SGR_STYLE_DEFAULT;
    return walk(s, strlen(s), &st);
}

static void runs_free(runs_t *r)
{
    sb_free(&r->all);
    free(r);
}

static void assert_style(sgr_style_t st, int fg, int bg, int attrs)
{
    assert_int_equal(st.fg, fg);
    assert_int_equal(st.bg, bg);
    assert_int_equal(st.attrs, attrs);
}

static void plain_text_is_one_default_run(void **state)
{
    (void)state;
    const char *s = "hello \t world \xc3\xa9";
    runs_t *r = walks(s);
    assert_int_equal(r->n, 1);
    assert_string_equal(r->text[0], s);
    assert_style(r->style[0], -1, -1, 0);
    runs_free(r);
}

static void sixteen_colours_and_defaults(void **state)
{
    (void)state;
    for (int c = 0; c < 8; c++) {
        char in[96];
        snprintf(in, sizeof in, "\x1b[%dma\x1b[%dmb\x1b[%dmc\x1b[%dmd\x1b[39me\x1b[49mf",
                 30 + c, 40 + c, 90 + c, 100 + c);
        runs_t *r = walks(in);
        assert_int_equal(r->n, 6);
        assert_style(r->style[0], c, -1, 0);
        assert_style(r->style[1], c, c, 0);
        assert_style(r->style[2], 8 + c, c, 0);
        assert_style(r->style[3], 8 + c, 8 + c, 0);
        assert_style(r->style[4], -1, 8 + c, 0);
        assert_style(r->style[5], -1, -1, 0);
        assert_string_equal(r->all.data, "abcdef");
        runs_free(r);
    }
}

static void attributes_on_and_off(void **state)
{
    (void)state;
    runs_t *r = walks("\x1b[1ma\x1b[2mb\x1b[3mc\x1b[4md\x1b[7me\x1b[22mf\x1b[23mg\x1b[24mh\x1b[27mi"
                      "\x1b[1;31mj\x1b[0mk\x1b[4mm\x1b[mn\x1b[1;4:0mo");
    int all = SGR_BOLD | SGR_DIM | SGR_ITALIC | SGR_UNDERLINE | SGR_REVERSE;
    int want[] = {SGR_BOLD, SGR_BOLD | SGR_DIM, SGR_BOLD | SGR_DIM | SGR_ITALIC,
                  SGR_BOLD | SGR_DIM | SGR_ITALIC | SGR_UNDERLINE, all,
                  all & ~(SGR_BOLD | SGR_DIM), SGR_UNDERLINE | SGR_REVERSE, SGR_REVERSE, 0,
                  SGR_BOLD, 0, SGR_UNDERLINE, 0, SGR_BOLD};
    assert_int_equal(r->n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < r->n; i++)
        assert_int_equal(r->style[i].attrs, want[i]);
    assert_int_equal(r->style[9].fg, 1);     /* 31 with bold */
    assert_int_equal(r->style[10].fg, -1);   /* 0 resets colours too */
    runs_free(r);
}

static void colours_256(void **state)
{
    (void)state;
    for (int n = 0; n < 256; n++) {
        char in[64];
        snprintf(in, sizeof in, "\x1b[38;5;%dma\x1b[48:5:%dmb", n, 255 - n);
        runs_t *r = walks(in);
        assert_int_equal(r->n, 2);
        assert_style(r->style[0], n, -1, 0);
        assert_style(r->style[1], n, 255 - n, 0);
        runs_free(r);
    }
    /* Out of range or truncated: ignored, the style stays. */
    runs_t *r = walks("\x1b[31ma\x1b[38;5;256mb\x1b[38;5mc\x1b[38;2;1;2md\x1b[38;2;300;0;0me");
    for (size_t i = 0; i < r->n; i++)
        assert_style(r->style[i], 1, -1, 0);
    assert_string_equal(r->all.data, "abcde");
    runs_free(r);
}

/* The palette's RGB value of colour i (16..255). */
static void palette_rgb(int i, int rgb[3])
{
    static const int lv[6] = {0, 95, 135, 175, 215, 255};
    if (i >= 232) {
        rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (i - 232);
        return;
    }
    i -= 16;
    rgb[0] = lv[i / 36];
    rgb[1] = lv[i / 6 % 6];
    rgb[2] = lv[i % 6];
}

/* Brute force over 16..255: the first of the nearest. */
static int nearest(int r, int g, int b)
{
    long best = -1;
    int bi = -1;
    for (int i = 16; i < 256; i++) {
        int c[3];
        palette_rgb(i, c);
        long d = (long)(c[0] - r) * (c[0] - r) + (long)(c[1] - g) * (c[1] - g) + (long)(c[2] - b) * (c[2] - b);
        if (best < 0 || d < best) {
            best = d;
            bi = i;
        }
    }
    return bi;
}

static void truecolour_maps_to_nearest_256(void **state)
{
    (void)state;
    for (int r = 0; r < 256; r += 5)
        for (int g = 0; g < 256; g += 17)
            for (int b = 0; b < 256; b += 3) {
                char in[96];
                snprintf(in, sizeof in, "\x1b[38;2;%d;%d;%dma\x1b[48:2::%d:%d:%dmb", r, g, b, b, r, g);
                runs_t *r2 = walks(in);
                assert_int_equal(r2->n, 2);
                assert_int_equal(r2->style[0].fg, nearest(r, g, b));
                assert_int_equal(r2->style[1].bg, nearest(b, r, g));
                runs_free(r2);
            }
    /* Every grey value, where ties between neighbours are likeliest. */
    for (int v = 0; v < 256; v++) {
        char in[64];
        snprintf(in, sizeof in, "\x1b[38;2;%d;%d;%dmx", v, v, v + 1 > 255 ? 255 : v + 1);
        runs_t *r = walks(in);
        assert_int_equal(r->style[0].fg, nearest(v, v, v + 1 > 255 ? 255 : v + 1));
        runs_free(r);
    }
}

static void style_carries_across_calls(void **state)
{
    (void)state;
    sgr_style_t st = SGR_STYLE_DEFAULT;
    const char *a = "\x1b[1;32mok", *b = " still\x1b[0m done";
    runs_t *r = walk(a, strlen(a), &st);
    assert_style(st, 2, -1, SGR_BOLD);
    runs_free(r);
    r = walk(b, strlen(b), &st);
    assert_int_equal(r->n, 2);
    assert_style(r->style[0], 2, -1, SGR_BOLD);
    assert_style(r->style[1], -1, -1, 0);
    assert_style(st, -1, -1, 0);
    runs_free(r);
}

/* Every CSI final byte but 'm', and SGR-looking ones that are not plain. */
static void other_csi_sequences_are_dropped(void **state)
{
    (void)state;
    for (int f = 0x40; f <= 0x7e; f++) {
        if (f == 'm')
            continue;
        char in[32];
        snprintf(in, sizeof in, "a\x1b[1;2%cb\x1b[%c", f, f);
        runs_t *r = walks(in);
        assert_string_equal(r->all.data, "ab");
        for (size_t i = 0; i < r->n; i++)
            assert_style(r->style[i], -1, -1, 0);
        runs_free(r);
    }
    runs_t *r = walks("a\x1b[?1mb\x1b[>4;2mc\x1b[1 md\x1b[2Je\x1b[31;1\x07" "f");
    for (size_t i = 0; i < r->n; i++)
        assert_style(r->style[i], -1, -1, 0);
    assert_string_equal(r->all.data, "abcde\x07" "f");   /* BEL aborted the CSI and stays */
    runs_free(r);
}

static void strings_are_dropped_to_their_terminator(void **state)
{
    (void)state;
    const char *cases[] = {
        "a\x1b]0;title\x07" "b",             /* OSC ... BEL */
        "a\x1b]8;;http://x\x1b\\b",          /* OSC ... ST */
        "a\x1b]0;t\xc2\x9c" "b",             /* OSC ... C1 ST as UTF-8 */
        "a\x1b]0;\xc3\x9c\x07" "b",          /* a title with U+00DC (C3 9C) is not ended by 9C */
        "a\x1bPq#0;2;0;0;0\x07x\x1b\\b",     /* DCS: BEL does not end it */
        "a\x1bXsos\x1b\\b", "a\x1b^pm\x1b\\b", "a\x1b_apc\x1b\\b",
        "a\xc2\x9d" "0;t\x1b\\b", "a\xc2\x90q\xc2\x9c" "b",
        "a\x1b]0;x\x1b[31mb",                /* ESC ends the OSC and starts the next */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        runs_t *r = walks(cases[i]);
        assert_string_equal(r->all.data, "ab");
        runs_free(r);
    }
}

static void truncated_and_lone_sequences(void **state)
{
    (void)state;
    const char *cases[] = {"ab\x1b", "ab\x1b[", "ab\x1b[31", "ab\x1b[38;2;1", "ab\x1b]0;never ended",
                           "ab\x1bP", "ab\xc2\x9b" "1", "ab\x1b(", "ab\x1b]0;\x1b"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        runs_t *r = walks(cases[i]);
        assert_string_equal(r->all.data, "ab");
        assert_int_equal(r->n, 1);
        assert_style(r->style[0], -1, -1, 0);
        runs_free(r);
    }
    runs_t *r = walks("a\x1b(Bb\x1b" "7c\x1b" "8d\x1b\x1b[1me");  /* nF / Fp escapes; ESC ESC */
    assert_string_equal(r->all.data, "abcde");
    assert_style(r->style[r->n - 1], -1, -1, SGR_BOLD);
    runs_free(r);
}

static void c1_controls_well_formed_only(void **state)
{
    (void)state;
    /* The 8-bit CSI as UTF-8: dropped with its parameters, never applied. */
    runs_t *r = walks("a\xc2\x9b" "31mb\xc2\x9b" "1mc");
    assert_string_equal(r->all.data, "abc");
    for (size_t i = 0; i < r->n; i++)
        assert_style(r->style[i], -1, -1, 0);
    runs_free(r);
    /* Every other C1 control alone: dropped, the text around it kept. */
    for (int c = 0x80; c <= 0x9f; c++) {
        if (c == 0x90 || c == 0x98 || c == 0x9b || c == 0x9d || c == 0x9e || c == 0x9f)
            continue;
        char enc[8] = {'a', (char)0xc2, (char)c, 'b', 0};
        r = walks(enc);
        assert_string_equal(r->all.data, "ab");
        runs_free(r);
    }
    /* Continuation bytes 0x80..0x9f inside valid UTF-8 are text. */
    const char *utf = "\xc3\x9b \xe2\x80\x9c" "q\xe2\x80\x9d \xf0\x9f\x98\x80";
    r = walks(utf);
    assert_string_equal(r->all.data, utf);
    runs_free(r);
}

/* A raw byte 0x80..0x9f is invalid UTF-8 (Latin-1 text, binary), never a
 * C1 control: it stays text (textsafe draws one placeholder for it) and
 * nothing after it is lost. Issue 17: "A\x90B C D visible?" showed as "A". */
static void raw_c1_bytes_are_text(void **state)
{
    (void)state;
    for (int c = 0x80; c <= 0x9f; c++) {
        char in[32];
        snprintf(in, sizeof in, "A%cB C D visible?", c);
        runs_t *r = walks(in);
        assert_string_equal(r->all.data, in);
        runs_free(r);
        strbuf_t s, safe;
        sb_init(&s);
        sb_init(&safe);
        sgr_strip(&s, in, strlen(in));
        textsafe(&safe, s.data, s.len, 0, 0);
        assert_string_equal(safe.data, "A\xef\xbf\xbd" "B C D visible?");
        sb_free(&s);
        sb_free(&safe);
    }
    /* Between real sequences too: the colour applies, the byte is text. */
    runs_t *r = walks("\x1b[31mA\x9b" "31mB\x1b[0m");
    assert_string_equal(r->all.data, "A\x9b" "31mB");
    assert_style(r->style[0], 1, -1, 0);
    runs_free(r);
}

static void huge_and_many_parameters(void **state)
{
    (void)state;
    runs_t *r = walks("\x1b[31ma\x1b[99999999999999999999999999mb\x1b[38;5;4294967297mc"
                      "\x1b[38;2;99999999999;0;0md");
    for (size_t i = 0; i < r->n; i++)
        assert_style(r->style[i], 1, -1, 0);
    runs_free(r);
    strbuf_t b;
    sb_init(&b);
    sb_adds(&b, "\x1b[");
    for (int i = 0; i < 200; i++)
        sb_adds(&b, "1;");
    sb_adds(&b, "32mx");
    r = walks(b.data);
    assert_string_equal(r->all.data, "x");   /* params past the first 32 are not read */
    assert_int_equal(r->style[0].attrs, SGR_BOLD);
    runs_free(r);
    sb_free(&b);
}

/* Deterministic noise made of escape-prone bytes: no run ever holds ESC or
 * a well-formed C1 control (checked in collect), and nothing reads past the
 * end. */
static void noise_never_leaks_a_control(void **state)
{
    (void)state;
    static const unsigned char alphabet[] = {0x1b, '[', ']', 'P', '\\', 0x07, ';', ':', '3', '8', '5',
                                             '2', 'm', 'H', 0x9b, 0x9c, 0x9d, 0xc2, 0xc3, 'a', '?', ' ',
                                             0x90, 0x18, 0xe2, 0x80, 'X', '_', '^', '(', 0xff, '\n'};
    uint32_t seed = 12345;
    for (int t = 0; t < 20000; t++) {
        unsigned char buf[48];
        size_t n = 1 + t % sizeof buf;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = alphabet[(seed >> 16) % sizeof alphabet];
        }
        char *heap = malloc(n);   /* exact size: valgrind/ASan see any overread */
        memcpy(heap, buf, n);
        sgr_style_t st = SGR_STYLE_DEFAULT;
        runs_t *r = walk(heap, n, &st);
        assert_true(st.fg >= -1 && st.fg <= 255 && st.bg >= -1 && st.bg <= 255);
        strbuf_t s;
        sb_init(&s);
        sgr_strip(&s, heap, n);
        assert_int_equal(s.len, r->all.len);
        /* Raw bytes on both sides of a dropped sequence may meet (C2 ...
         * 9B): what reaches a terminal is textsafe's form, never a control. */
        strbuf_t safe;
        sb_init(&safe);
        textsafe(&safe, s.data ? s.data : "", s.len, 0, 0);
        assert_false(has_escape(safe.data ? safe.data : "", safe.len));
        sb_free(&safe);
        sb_free(&s);
        runs_free(r);
        free(heap);
    }
}

static void strip_keeps_only_text(void **state)
{
    (void)state;
    const char *in = "\x1b[1;31mERROR\x1b[0m: \x1b]0;t\x07main.go:12: \x1b[33mundefined\x1b[m x\xc2\x9b" "2J";
    strbuf_t s;
    sb_init(&s);
    sgr_strip(&s, in, strlen(in));
    assert_string_equal(s.data, "ERROR: main.go:12: undefined x");
    assert_null(memchr(s.data, 0x1b, s.len));
    sb_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_text_is_one_default_run),
        cmocka_unit_test(sixteen_colours_and_defaults),
        cmocka_unit_test(attributes_on_and_off),
        cmocka_unit_test(colours_256),
        cmocka_unit_test(truecolour_maps_to_nearest_256),
        cmocka_unit_test(style_carries_across_calls),
        cmocka_unit_test(other_csi_sequences_are_dropped),
        cmocka_unit_test(strings_are_dropped_to_their_terminator),
        cmocka_unit_test(truncated_and_lone_sequences),
        cmocka_unit_test(c1_controls_well_formed_only),
        cmocka_unit_test(raw_c1_bytes_are_text),
        cmocka_unit_test(huge_and_many_parameters),
        cmocka_unit_test(noise_never_leaks_a_control),
        cmocka_unit_test(strip_keeps_only_text),
    };
    return cmocka_run_group_tests_name("sgr", tests, NULL, NULL);
}
