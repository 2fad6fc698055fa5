/* RFC 3339 timestamps for google.protobuf.Timestamp (declared in pbjson.h).
 * Calendar arithmetic is done here rather than with timegm()/gmtime_r() so
 * that years outside time_t's comfortable range and time zones never matter. */
#include <stdio.h>
#include <string.h>
#include "core/pbjson.h"
#include "core/pbjson_int.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static unsigned dig(char c)
{
    return (unsigned)(unsigned char)c - '0'; /* above 9 when c is no digit */
}

/* Reads exactly n digits at s into *v; branch-free for the fixed fields
 * (a million timestamps a log). */
static bool digits(const char *s, size_t n, unsigned *v)
{
    unsigned x = 0, bad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = dig(s[i]);
        bad |= d > 9;
        x = x * 10 + d;
    }
    *v = x;
    return !bad;
}

/* "YYYY-MM-DDTHH:MM" at s (n >= 20) as seconds since 1970. */
static bool parse_minute(const char *s, int64_t *base)
{
    unsigned Y, M, D, h, mi;
    if (!digits(s, 4, &Y) || s[4] != '-' || !digits(s + 5, 2, &M) || s[7] != '-' ||
        !digits(s + 8, 2, &D) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi))
        return false;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || mi > 59)
        return false;
    *base = days_from_civil(Y, M, D) * 86400 + h * 3600 + mi * 60;
    return true;
}

/* ":SS[.fraction](Z|+HH:MM|-HH:MM)" at s + 16, to the end. */
static bool parse_rest(const char *s, size_t n, int64_t *sec_out, int32_t *nanos)
{
    unsigned sec, frac = 0;
    if (s[16] != ':' || !digits(s + 17, 2, &sec) || sec > 60)
        return false;
    size_t i = 19;
    if (i < n && s[i] == '.') {
        size_t start = ++i, end = n - start > 9 ? start + 9 : n;
        for (unsigned d; i < end && (d = dig(s[i])) <= 9; i++)
            frac = frac * 10 + d;
        if (i == start || (i < n && dig(s[i]) <= 9))
            return false; /* no digits, or more than nine */
        for (size_t k = i - start; k < 9; k++)
            frac *= 10;
    }
    int64_t offset = 0;
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i + 6 == n && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
        unsigned oh, om;
        if (!digits(s + i + 1, 2, &oh) || !digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
            return false;
        offset = (int64_t)(oh * 3600 + om * 60) * (s[i] == '+' ? 1 : -1);
        i += 6;
    } else {
        return false;
    }
    if (i != n)
        return false;
    *sec_out = (int64_t)sec - offset;
    *nanos = (int32_t)frac;
    return true;
}

bool pbjson_parse_time_memo(pbjson_time_memo_t *memo, const char *s, size_t n, int64_t *seconds,
                            int32_t *nanos)
{
    int64_t base, sec;
    if (n < 20)
        return false;
    if (memo && memo->ok && memcmp(s, memo->prefix, sizeof memo->prefix) == 0) {
        base = memo->base;
    } else {
        if (!parse_minute(s, &base))
            return false;
        if (memo) {
            memcpy(memo->prefix, s, sizeof memo->prefix);
            memo->base = base;
            memo->ok = true;
        }
    }
    int32_t ns;
    if (!parse_rest(s, n, &sec, &ns))
        return false;
    *seconds = base + sec;
    *nanos = ns;
    return true;
}

bool pbjson_parse_time(const char *s, size_t n, int64_t *seconds, int32_t *nanos)
{
    return pbjson_parse_time_memo(NULL, s, n, seconds, nanos);
}

int64_t pbjson_time_ns(int64_t seconds, int32_t nanos)
{
    int64_t ns;
    if (__builtin_mul_overflow(seconds, (int64_t)1000000000, &ns) ||
        __builtin_add_overflow(ns, (int64_t)nanos, &ns))
        return seconds < 0 ? INT64_MIN + 1 : INT64_MAX;
    return ns;
}

int64_t pbjson_time_span(int64_t start, int64_t end)
{
    int64_t d;
    if (end <= start)
        return 0;
    return __builtin_sub_overflow(end, start, &d) ? INT64_MAX : d;
}

/* google.protobuf.Timestamp's valid range: 0001-01-01T00:00:00Z to
 * 9999-12-31T23:59:59.999999999Z. */
#define TS_MIN_SECONDS (-62135596800LL)
#define TS_MAX_SECONDS (253402300799LL)

/* Writes v as exactly w decimal digits (zero-padded) at p; returns the end.
 * The time is printed once per entry: no printf on that path. */
static char *put_digits(char *p, uint32_t v, int w)
{
    for (int i = w - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
    return p + w;
}

void pbjson_format_time(strbuf_t *out, int64_t seconds, int32_t nanos)
{
    /* A peer may send any numbers; what we print stays a valid RFC 3339 time
     * (clamped to the range protobuf allows), so our JSON always reads back. */
    if (nanos < 0 || nanos > 999999999) nanos = nanos < 0 ? 0 : 999999999;
    if (seconds < TS_MIN_SECONDS) { seconds = TS_MIN_SECONDS; nanos = 0; }
    if (seconds > TS_MAX_SECONDS) { seconds = TS_MAX_SECONDS; nanos = 999999999; }
    int64_t days = seconds / 86400, rem = seconds % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    char b[40], *p = b;
    p = put_digits(p, (uint32_t)y, 4), *p++ = '-';
    p = put_digits(p, m, 2), *p++ = '-';
    p = put_digits(p, d, 2), *p++ = 'T';
    p = put_digits(p, (uint32_t)(rem / 3600), 2), *p++ = ':';
    p = put_digits(p, (uint32_t)(rem / 60 % 60), 2), *p++ = ':';
    p = put_digits(p, (uint32_t)(rem % 60), 2);
    if (nanos > 0) {
        /* Go's jsonpb: 3, 6 or 9 digits, as few as represent the value. */
        *p++ = '.';
        if (nanos % 1000000 == 0)
            p = put_digits(p, (uint32_t)nanos / 1000000, 3);
        else if (nanos % 1000 == 0)
            p = put_digits(p, (uint32_t)nanos / 1000, 6);
        else
            p = put_digits(p, (uint32_t)nanos, 9);
    }
    *p++ = 'Z';
    sb_add(out, b, (size_t)(p - b));
}
