/* SGR colour runs in untrusted text (core/sgr.h).
 *
 * One scanner finds every escape and control sequence; only ESC [ ... m
 * with plain numeric parameters changes the style, everything else is
 * dropped whole. A C1 control is a well-formed U+0080..U+009F (C2 80..C2
 * 9F) only: a raw byte 0x80..0x9f is invalid UTF-8 (Latin-1 text, binary),
 * one placeholder in textsafe and never the start of a sequence, so a stray
 * 0x90 cannot swallow the rest of a line as a "DCS string". A C1 CSI is
 * dropped like any other sequence, never applied: Skaffold and coloured
 * loggers write the 7-bit form. */
#include <stdbool.h>
#include <string.h>
#include "core/sgr.h"
#include "core/utf8.h"

#define ESC 0x1b
#define SGR_MAX_PARAMS 32
#define SGR_PARAM_MAX 65535      /* huge numbers saturate here: never valid */

enum { C1_NONE = -1, C1_DCS = 0x90, C1_SOS = 0x98, C1_CSI = 0x9b, C1_ST = 0x9c,
       C1_OSC = 0x9d, C1_PM = 0x9e, C1_APC = 0x9f };

typedef struct scan {
    const unsigned char *s;
    size_t n;
} scan_t;

/* What starts at s[i]: a well-formed C1 control (its code, *len its bytes)
 * or C1_NONE with *len the bytes of the character (1 for ASCII or an
 * invalid byte, which is text: textsafe shows it as a placeholder). */
static int c1_at(const scan_t *sc, size_t i, size_t *len)
{
    unsigned char b = sc->s[i];
    *len = 1;
    if (b < 0x80)
        return C1_NONE;
    uint32_t cp;
    size_t l = utf8_decode(sc->s + i, sc->n - i, &cp);
    if (l > 0) {
        *len = l;
        return cp <= 0x9f ? (int)cp : C1_NONE;
    }
    return C1_NONE;
}

/* ---- applying SGR parameters --------------------------------------------- */

typedef struct sgr_param {
    int v;                       /* -1 = empty */
    int sub;                     /* preceded by ':' */
} sgr_param_t;

/* Nearest level of 0, 95, 135, 175, 215, 255; a tie goes to the lower. */
static int cube_level(int c)
{
    return c < 48 ? 0 : c <= 115 ? 1 : (c - 36) / 40;
}

/* The nearest of the 256 colours (squared RGB distance; on a tie the lower
 * index): the 6x6x6 cube or the grey ramp 8, 18, ... 238. The 16 system
 * colours are left out: their RGB values are the terminal's choice. */
static int16_t sgr_rgb256(int r, int g, int b)
{
    static const int lv[6] = {0, 95, 135, 175, 215, 255};
    int ri = cube_level(r), gi = cube_level(g), bi = cube_level(b);
    int cr = lv[ri], cg = lv[gi], cb = lv[bi];
    int sum = r + g + b;                         /* grey nearest the mean, ties down */
    int gray_i = sum < 39 ? 0 : (sum - 10) / 30 > 23 ? 23 : (sum - 10) / 30;
    int gv = 8 + 10 * gray_i;
    long dc = (long)(cr - r) * (cr - r) + (long)(cg - g) * (cg - g) + (long)(cb - b) * (cb - b);
    long dg = (long)(gv - r) * (gv - r) + (long)(gv - g) * (gv - g) + (long)(gv - b) * (gv - b);
    if (dg < dc)
        return (int16_t)(232 + gray_i);
    return (int16_t)(16 + 36 * ri + 6 * gi + bi);
}

static int pv(const sgr_param_t *p) { return p->v < 0 ? 0 : p->v; }

/* An extended colour from the values after 38/48 (v[0] = 5 or 2); -1 when
 * malformed or out of range. */
static int16_t sgr_ext_colour(const int *v, size_t n)
{
    if (n >= 2 && v[0] == 5)
        return v[1] <= 255 ? (int16_t)v[1] : -1;
    if (n >= 4 && v[0] == 2) {
        const int *c = n >= 5 ? v + 2 : v + 1;   /* 38:2:CS:R:G:B has a colour space */
        if (c[0] > 255 || c[1] > 255 || c[2] > 255)
            return -1;
        return sgr_rgb256(c[0], c[1], c[2]);
    }
    return -1;
}

/* 38/48 at p[i]: sets *colour when valid; returns the params consumed. */
static size_t sgr_extended(const sgr_param_t *p, size_t i, size_t n, int16_t *colour)
{
    int v[6];
    size_t k = 0, used;
    if (i + 1 < n && p[i + 1].sub) {             /* colon form: 38:5:N, 38:2:[CS:]R:G:B */
        while (i + 1 + k < n && p[i + 1 + k].sub && k < 6) {
            v[k] = pv(&p[i + 1 + k]);
            k++;
        }
        used = 1 + k;
        while (i + used < n && p[i + used].sub)
            used++;
    } else {                                     /* semicolon form: 38;5;N, 38;2;R;G;B */
        size_t want = i + 1 < n && pv(&p[i + 1]) == 2 ? 4 : 2;
        for (; k < want && i + 1 + k < n; k++)
            v[k] = pv(&p[i + 1 + k]);
        if (k < want)
            return n - i;                        /* truncated: the rest is meaningless */
        used = 1 + k;
    }
    int16_t c = sgr_ext_colour(v, k);
    if (c >= 0)
        *colour = c;
    return used;
}

static void sgr_basic(sgr_style_t *st, int v)
{
    static const uint8_t on[8] = {0, SGR_BOLD, SGR_DIM, SGR_ITALIC, SGR_UNDERLINE, 0, 0, SGR_REVERSE};
    if (v == 0)
        *st = SGR_STYLE_DEFAULT;
    else if (v < 8)
        st->attrs |= on[v];
    else if (v == 22)
        st->attrs &= (uint8_t)~(SGR_BOLD | SGR_DIM);
    else if (v == 23)
        st->attrs &= (uint8_t)~SGR_ITALIC;
    else if (v == 24)
        st->attrs &= (uint8_t)~SGR_UNDERLINE;
    else if (v == 27)
        st->attrs &= (uint8_t)~SGR_REVERSE;
    else if (v >= 30 && v <= 37)
        st->fg = (int16_t)(v - 30);
    else if (v == 39)
        st->fg = -1;
    else if (v >= 40 && v <= 47)
        st->bg = (int16_t)(v - 40);
    else if (v == 49)
        st->bg = -1;
    else if (v >= 90 && v <= 97)
        st->fg = (int16_t)(8 + v - 90);
    else if (v >= 100 && v <= 107)
        st->bg = (int16_t)(8 + v - 100);
}

static void sgr_apply(sgr_style_t *st, const sgr_param_t *p, size_t n)
{
    if (n == 0) {
        *st = SGR_STYLE_DEFAULT;
        return;
    }
    for (size_t i = 0; i < n;) {
        int v = pv(&p[i]);
        if (v == 38 || v == 48) {
            i += sgr_extended(p, i, n, v == 38 ? &st->fg : &st->bg);
            continue;
        }
        if (v == 4 && i + 1 < n && p[i + 1].sub && pv(&p[i + 1]) == 0)
            v = 24;                              /* 4:0 = underline off */
        sgr_basic(st, v);
        for (i++; i < n && p[i].sub; i++)        /* other subparameters: ignored */
            ;
    }
}

/* Parses the parameters s[a..b) of a CSI ending in 'm'; false when they
 * are not plain SGR parameters (private markers, other bytes). */
static bool sgr_parse(const unsigned char *s, size_t a, size_t b, sgr_param_t *p, size_t *np)
{
    size_t n = 0;
    sgr_param_t cur = {-1, 0};
    for (size_t i = a; i < b; i++) {
        unsigned char c = s[i];
        if (c >= '0' && c <= '9') {
            int d = c - '0';
            cur.v = cur.v < 0 ? d : cur.v > (SGR_PARAM_MAX - d) / 10 ? SGR_PARAM_MAX : cur.v * 10 + d;
        } else if (c == ';' || c == ':') {
            if (n < SGR_MAX_PARAMS)
                p[n++] = cur;
            cur.v = -1;
            cur.sub = c == ':';
        } else {
            return false;
        }
    }
    if (n < SGR_MAX_PARAMS && (b > a))
        p[n++] = cur;
    *np = n;
    return true;
}

/* ---- the walk ----------------------------------------------------------- */

/* A CSI whose parameters start at i. Returns where scanning resumes (after
 * its final byte; at a byte that aborts it; the end when truncated). *is_sgr
 * when it ends in 'm' without intermediates: its parameters are s[*pa..*pb). */
static size_t csi_end(const scan_t *sc, size_t i, bool *is_sgr, size_t *pa, size_t *pb)
{
    size_t a = i;
    bool inter = false;
    *is_sgr = false;
    for (; i < sc->n; i++) {
        unsigned char c = sc->s[i];
        if (c >= 0x30 && c <= 0x3f && !inter)
            continue;
        if (c >= 0x20 && c <= 0x2f) {
            inter = true;
            continue;
        }
        if (c >= 0x40 && c <= 0x7e) {
            *is_sgr = c == 'm' && !inter;
            *pa = a;
            *pb = i;
            return i + 1;
        }
        return i;                                /* aborted: resume at that byte */
    }
    return sc->n;                                /* truncated: dropped whole */
}

/* A control string (OSC, DCS, SOS, PM, APC) whose body starts at i: it
 * ends at ST (ESC \, or C1 ST in either form), an OSC also at BEL; another
 * ESC ends it and starts the next sequence. Returns where scanning resumes. */
static size_t string_end(const scan_t *sc, size_t i, bool osc)
{
    while (i < sc->n) {
        unsigned char c = sc->s[i];
        size_t len;
        if (c == 0x07 && osc)
            return i + 1;
        if (c == ESC)
            return i + 1 < sc->n && sc->s[i + 1] == '\\' ? i + 2 : i;
        if (c1_at(sc, i, &len) == C1_ST)
            return i + len;
        i += len;
    }
    return sc->n;
}

/* The sequence introduced by C1 code c whose body starts at i. */
static size_t c1_end(const scan_t *sc, int c, size_t i)
{
    bool is_sgr;
    size_t pa, pb;
    switch (c) {
    case C1_CSI: return csi_end(sc, i, &is_sgr, &pa, &pb);
    case C1_OSC: return string_end(sc, i, true);
    case C1_DCS: case C1_SOS: case C1_PM: case C1_APC: return string_end(sc, i, false);
    default: return i;
    }
}

/* The escape sequence whose ESC is at i; applies it to *st when it is SGR.
 * Returns where scanning resumes. */
static size_t esc_end(const scan_t *sc, size_t i, sgr_style_t *st)
{
    if (++i >= sc->n)
        return i;                                /* lone ESC at the end */
    unsigned char c = sc->s[i];
    if (c == '[') {
        bool is_sgr;
        size_t pa = 0, pb = 0, next = csi_end(sc, i + 1, &is_sgr, &pa, &pb);
        sgr_param_t p[SGR_MAX_PARAMS];
        size_t np;
        if (is_sgr && sgr_parse(sc->s, pa, pb, p, &np))
            sgr_apply(st, p, np);
        return next;
    }
    if (c == ']')
        return string_end(sc, i + 1, true);
    if (c == 'P' || c == 'X' || c == '^' || c == '_')
        return string_end(sc, i + 1, false);
    while (i < sc->n && sc->s[i] >= 0x20 && sc->s[i] <= 0x2f)
        i++;                                     /* intermediates of an nF escape */
    if (i < sc->n && sc->s[i] >= 0x30 && sc->s[i] <= 0x7e)
        return i + 1;
    return i;                                    /* ESC then a control: drop the ESC part */
}

void sgr_walk(const char *s, size_t n, sgr_style_t *style, sgr_run_fn fn, void *ctx)
{
    scan_t sc = {(const unsigned char *)s, n};
    size_t run = 0, i = 0;
    while (i < n) {
        unsigned char b = sc.s[i];
        size_t len = 1, next;
        if (b != ESC && b < 0x80) {
            i++;
            continue;
        }
        int c1 = b == ESC ? C1_NONE : c1_at(&sc, i, &len);
        if (b != ESC && c1 == C1_NONE) {
            i += len;
            continue;
        }
        if (i > run)
            fn(ctx, s + run, i - run, style);
        next = b == ESC ? esc_end(&sc, i, style) : c1_end(&sc, c1, i + len);
        i = run = next;
    }
    if (n > run)
        fn(ctx, s + run, n - run, style);
}

static void strip_run(void *ctx, const char *text, size_t len, const sgr_style_t *style)
{
    (void)style;
    sb_add(ctx, text, len);
}

void sgr_strip(strbuf_t *out, const char *s, size_t n)
{
    sgr_style_t st = SGR_STYLE_DEFAULT;
    sgr_walk(s, n, &st, strip_run, out);
}
