/* A growable byte buffer, the one every formatter appends to. Allocation
 * failure aborts (as everywhere in skview: an out-of-memory viewer has
 * nothing sensible left to do). data is NUL-terminated whenever len > 0. */
#ifndef SKVIEW_STRBUF_H
#define SKVIEW_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* A growable output buffer. */
typedef struct strbuf {
    char *data;
    size_t len, cap;
} strbuf_t;

void sb_init(strbuf_t *b);
void sb_free(strbuf_t *b);
void sb_reset(strbuf_t *b);
void sb_add(strbuf_t *b, const char *s, size_t n);
void sb_adds(strbuf_t *b, const char *s);
void sb_addc(strbuf_t *b, char c);
void sb_printf(strbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(strbuf_t *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends s as a JSON string literal (quotes included). */
void sb_json_string(strbuf_t *b, const char *s, size_t n);

#endif
