/* A vertex's log as lines, fed with chunks that are not line-aligned; see
 * bk_progress.h for the rules ('\n', '\r', UTF-8 split across chunks).
 *
 * Most logs never use '\r', so the common path appends whole runs of bytes
 * to the partial line, and a UTF-8 sequence split across chunks is rejoined
 * simply by appending its second half. Only after a '\r' (cursor before the
 * end of the line) are characters handled one by one, and there a sequence
 * split across chunks is held in pend until it is complete, so that it
 * overwrites exactly one character. */
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "buildkit/bk_progress_int.h"

void bk_log_init(bk_log_t *l)
{
    memset(l, 0, sizeof *l);
    sb_init(&l->partial);
}

void bk_log_free(bk_log_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->lines[l->first + i].text);
    free(l->lines);
    sb_free(&l->partial);
    bk_log_init(l);
}

/* Bytes a character starting with lead b takes (1 for anything invalid). */
static unsigned utf8_len(unsigned char b)
{
    if (b >= 0xC2 && b <= 0xDF) return 2;
    if (b >= 0xE0 && b <= 0xEF) return 3;
    if (b >= 0xF0 && b <= 0xF4) return 4;
    return 1;
}

static void lines_push(bk_log_t *l, bk_line_t line)
{
    if (l->first + l->n == l->cap) {
        if (l->first > l->cap / 2) {
            memmove(l->lines, l->lines + l->first, l->n * sizeof *l->lines);
            l->first = 0;
        } else {
            size_t cap = l->cap ? l->cap * 2 : 16;
            bk_line_t *nl = xrealloc(l->lines, cap * sizeof *nl);
            l->lines = nl;
            l->cap = cap;
        }
    }
    l->lines[l->first + l->n++] = line;
    l->bytes += line.len;
}

size_t bk_log_cut(bk_log_t *l, size_t keep)
{
    size_t freed = 0;
    while (l->n > keep) {
        bk_line_t *ln = &l->lines[l->first++];
        freed += ln->len;
        l->bytes -= ln->len;
        free(ln->text);
        l->n--;
        l->dropped++;
    }
    if (l->n == 0)
        l->first = 0;
    return freed;
}

static void end_line(bk_log_t *l, size_t max)
{
    bk_line_t line;
    line.len = l->partial.len;
    line.text = xmalloc(line.len + 1);
    if (line.len)
        memcpy(line.text, l->partial.data, line.len);
    line.text[line.len] = '\0';
    lines_push(l, line);
    sb_reset(&l->partial);
    l->cursor = 0;
    /* Keep the newest lines: the end of a failed step's log says why. */
    while (l->bytes > max && l->n > 1)
        bk_log_cut(l, l->n - 1);
}

/* A line without '\n' cannot grow without bound (a 5 MiB log with none
 * would be one line): it wraps, as on a terminal, at a character boundary. */
static void wrap_long(bk_log_t *l, size_t max)
{
    const unsigned char *d = (const unsigned char *)l->partial.data;
    size_t len = l->partial.len, cut = len, k = len;
    while (k > 0 && len - k < 3 && (d[k - 1] & 0xC0) == 0x80)
        k--;
    /* An incomplete sequence at the end moves to the next line whole. */
    if (k > 0 && utf8_len(d[k - 1]) > len - (k - 1))
        cut = k - 1;
    char rest[4];
    size_t nrest = l->partial.len - cut;
    memcpy(rest, l->partial.data + cut, nrest);
    l->partial.len = cut;
    end_line(l, max);
    sb_add(&l->partial, rest, nrest);
    l->cursor = l->partial.len;
}

/* Replaces the character at the cursor with s[0..n), or appends at the end. */
static void put_char(bk_log_t *l, const unsigned char *s, size_t n)
{
    strbuf_t *b = &l->partial;
    if (l->cursor >= b->len) {
        sb_add(b, (const char *)s, n);
        l->cursor = b->len;
        return;
    }
    size_t old = utf8_len((unsigned char)b->data[l->cursor]);
    if (old > b->len - l->cursor)
        old = b->len - l->cursor;
    if (n > old)
        sb_add(b, "    ", n - old); /* room; moved into place below */
    char *at = b->data + l->cursor;
    size_t tail = b->len - (n > old ? n - old : 0) - l->cursor - old;
    memmove(at + n, at + old, tail);
    memcpy(at, s, n);
    if (n < old)
        b->len -= old - n;
    b->data[b->len] = '\0';
    l->cursor += n;
}

/* Writes a held incomplete sequence as it is (it was invalid). */
static void flush_pend(bk_log_t *l)
{
    for (unsigned i = 0; i < l->pend_len; i++)
        put_char(l, &l->pend[i], 1);
    l->pend_len = 0;
}

/* One byte in overwrite mode: gather a whole character, then put it. */
static void overwrite_byte(bk_log_t *l, unsigned char c)
{
    if (l->pend_len > 0) {
        if ((c & 0xC0) == 0x80) {
            l->pend[l->pend_len++] = c;
            if (l->pend_len == utf8_len(l->pend[0])) {
                put_char(l, l->pend, l->pend_len);
                l->pend_len = 0;
            }
            return;
        }
        flush_pend(l);
    }
    if (utf8_len(c) > 1) {
        l->pend[0] = c;
        l->pend_len = 1;
    } else {
        put_char(l, &c, 1);
    }
}

void bk_log_write(bk_log_t *l, const uint8_t *data, size_t n, size_t max)
{
    l->total_bytes += n;
    size_t i = 0;
    while (i < n) {
        unsigned char c = data[i];
        if (c == '\n' || c == '\r') {
            flush_pend(l);
            if (c == '\n')
                end_line(l, max);
            else
                l->cursor = 0;
            i++;
        } else if (l->cursor >= l->partial.len && l->pend_len == 0) {
            size_t j = i, room = BK_LINE_MAX - l->partial.len;
            while (j < n && j - i < room && data[j] != '\n' && data[j] != '\r')
                j++;
            sb_add(&l->partial, (const char *)data + i, j - i);
            l->cursor = l->partial.len;
            if (l->partial.len >= BK_LINE_MAX)
                wrap_long(l, max);
            i = j;
        } else {
            overwrite_byte(l, c);
            i++;
        }
    }
}

size_t bk_log_count(const bk_log_t *l) { return l->n + (l->partial.len > 0); }

const char *bk_log_line(const bk_log_t *l, size_t i, size_t *len)
{
    if (i < l->n) {
        *len = l->lines[l->first + i].len;
        return l->lines[l->first + i].text;
    }
    if (i == l->n && l->partial.len) {
        *len = l->partial.len;
        return l->partial.data;
    }
    *len = 0;
    return "";
}
