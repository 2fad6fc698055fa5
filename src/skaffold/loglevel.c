/* The level an application's line says it has (skaffold/logs.h,
 * logs_text_level): logfmt, JSON, klog, a leading level word, Go's panic. */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "skaffold/logs.h"

#define LOOK 512                 /* bytes of a line looked at */

/* A string and its length, for the tables below (looked at per line). */
#define S(text) text, sizeof text - 1

static const struct {
    const char *name;
    size_t len;
    int level;
} names[] = {
    {S("trace"), 6}, {S("debug"), 0}, {S("info"), 1}, {S("warning"), 2}, {S("warn"), 2}, {S("error"), 3},
    {S("err"), 3}, {S("fatal"), 4}, {S("critical"), 4}, {S("crit"), 4}, {S("panic"), 5},
};

/* The level the word s[0..n) names (any case), or -1. */
static int level_word(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].len == n && !strncasecmp(s, names[i].name, n))
            return names[i].level;
    return -1;
}

/* The level of the value at s (up to end): a word, maybe quoted. */
static int value_level(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '"'))
        s++;
    const char *w = s;
    while (s < end && isalpha((unsigned char)*s))
        s++;
    return level_word(w, (size_t)(s - w));
}

/* key (k bytes, with its "=" or "\":") found in s[0..n) at a word's start:
 * the level of its value, or -1. memchr finds the candidates: a flood's
 * lines are scanned once per key. */
static int keyed(const char *s, size_t n, const char *key, size_t k)
{
    const char *end = s + n;
    for (const char *p = s; (size_t)(end - p) >= k && (p = memchr(p, key[0], (size_t)(end - p) - k + 1)); p++) {
        if (memcmp(p, key, k) || (p > s && isalnum((unsigned char)p[-1])))
            continue;
        int lv = value_level(p + k, end);
        if (lv >= 0)
            return lv;
    }
    return -1;
}

static int logfmt_or_json(const char *s, size_t n)
{
    static const struct {
        const char *key;
        size_t len;
    } keys[] = {{S("level=")}, {S("lvl=")}, {S("\"level\":")}, {S("\"severity\":")}, {S("\"lvl\":")}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        int lv = keyed(s, n, keys[i].key, keys[i].len);
        if (lv >= 0)
            return lv;
    }
    return -1;
}

/* klog: "I1207 10:00:00.000000 ..." (severity letter, MMDD, space). */
static int klog(const char *s, size_t n)
{
    static const char letters[] = "IWEF";
    const char *l = n >= 6 ? strchr(letters, s[0]) : NULL;
    if (!l || !*l || s[5] != ' ')
        return -1;
    for (int i = 1; i < 5; i++)
        if (!isdigit((unsigned char)s[i]))
            return -1;
    return (int)(l - letters) + 1;   /* INFO 1, WARN 2, ERROR 3, FATAL 4 */
}

/* Skips SGR sequences, spaces, '[' and a leading date and time
 * ("2024/01/02 10:00:00", "2024-01-02T10:00:00.123Z"). */
static const char *skip_noise(const char *s, const char *end)
{
    for (;;) {
        const char *p = s;
        if (p < end && *p == '\033' && p + 1 < end && p[1] == '[') {
            p += 2;
            while (p < end && (isdigit((unsigned char)*p) || *p == ';'))
                p++;
            p += p < end;                        /* the final byte */
        }
        while (p < end && (*p == ' ' || *p == '[' || *p == '\t'))
            p++;
        if (p < end && isdigit((unsigned char)*p))
            while (p < end && *p && (isdigit((unsigned char)*p) || strchr("/-:.TZ+,", *p)))
                p++;
        if (p == s)
            return s;
        s = p;
    }
}

/* A leading level word in capitals ("WARN", "[ERROR]", "INFO:"). */
static int leading_word(const char *s, size_t n)
{
    const char *end = s + n, *w = skip_noise(s, end), *p = w;
    while (p < end && isupper((unsigned char)*p))
        p++;
    if (p == w || (p < end && isalnum((unsigned char)*p)))
        return -1;
    return level_word(w, (size_t)(p - w));
}

int logs_text_level(const char *s, size_t n)
{
    if (n > LOOK)
        n = LOOK;
    if (n >= 7 && !memcmp(s, "panic: ", 7))
        return 5;
    int lv = klog(s, n);
    if (lv < 0)
        lv = leading_word(s, n);
    if (lv < 0)
        lv = logfmt_or_json(s, n);
    return lv < 0 ? LOG_LEVEL_STANDARD : lv;
}
