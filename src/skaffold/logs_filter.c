/* Log filters, match spans and finding lines (skaffold/logs.h).
 *
 * Text is matched on the line without its escape sequences (core/sgr.h):
 * "ERROR" matches "\e[31mERR\e[0mOR". A plain substring matches ASCII
 * letters case-insensitively; a regular expression is a bounded one
 * (core/bre.h: PCRE2, caseless, with limits on the pattern, each match and
 * each pass over the lines, so a hostile pattern is refused or stops the
 * search instead of holding the thread). The compiled form and a
 * scratch buffer for the stripped text live in the filter's private block,
 * so matching a line allocates nothing once the buffer has grown. */
#include <stdlib.h>
#include <string.h>
#include "core/bre.h"
#include "core/sgr.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "skaffold/logs.h"

/* A piece of the stripped text and where it is in the raw text. */
typedef struct plain_run {
    size_t raw, plain, len;
} plain_run_t;

typedef struct filter_priv {
    bre_t *re;                   /* NULL: a substring */
    char *needle;                /* substring, ASCII lower-cased */
    size_t needle_len;
    const char *s;               /* the text being matched: the line's own, */
    size_t n;                    /* or plain when it held sequences */
    strbuf_t plain;              /* scratch: the text without sequences */
    plain_run_t *runs;           /* scratch: how plain maps to raw */
    size_t n_runs, cap_runs;
    const char *raw;             /* the raw text being walked */
} filter_priv_t;

/* ASCII only: the substring filter folds no other case. */
static inline unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

void log_filter_init(log_filter_t *f)
{
    memset(f, 0, sizeof *f);
    f->min_level = -1;
    f->iteration = -1;
}

static void priv_free(filter_priv_t *p)
{
    if (!p)
        return;
    bre_free(p->re);
    free(p->needle);
    sb_free(&p->plain);
    free(p->runs);
    free(p);
}

void log_filter_free(log_filter_t *f)
{
    for (size_t i = 0; i < f->n_solo; i++)
        free(f->solo[i].value);
    for (size_t i = 0; i < f->n_mute; i++)
        free(f->mute[i].value);
    free(f->text);
    priv_free(f->compiled);
    log_filter_init(f);
}

/* Toggles (kind, value) in keys[0..*n). */
static int key_toggle(log_key_t *keys, size_t *n, log_key_kind_t kind, const char *value)
{
    value = value ? value : "";
    for (size_t i = 0; i < *n; i++)
        if (keys[i].kind == kind && strcmp(keys[i].value, value) == 0) {
            free(keys[i].value);
            memmove(&keys[i], &keys[i + 1], (*n - i - 1) * sizeof *keys);
            (*n)--;
            return 0;
        }
    if (*n == LOG_FILTER_MAX_KEYS)
        return -1;
    keys[*n].kind = kind;
    keys[*n].value = xstrdup(value);
    (*n)++;
    return 0;
}

int log_filter_solo(log_filter_t *f, log_key_kind_t kind, const char *value)
{
    return key_toggle(f->solo, &f->n_solo, kind, value);
}

int log_filter_mute(log_filter_t *f, log_key_kind_t kind, const char *value)
{
    return key_toggle(f->mute, &f->n_mute, kind, value);
}

int log_filter_set_text(log_filter_t *f, const char *text, bool regex, char *err, size_t errlen)
{
    filter_priv_t *p = NULL;
    if (text && *text) {
        bre_t *re = regex ? bre_compile(text, err, errlen) : NULL;
        if (regex && !re)
            return -1;
        p = xcalloc(1, sizeof *p);
        p->re = re;
        if (!regex) {
            p->needle_len = strlen(text);
            p->needle = xstrdup(text);
            for (size_t i = 0; i < p->needle_len; i++)
                p->needle[i] = (char)lower((unsigned char)p->needle[i]);
        }
    }
    free(f->text);
    priv_free(f->compiled);
    f->text = p ? xstrdup(text) : NULL;
    f->regex = p ? regex : false;
    f->compiled = p;
    return 0;
}

/* ---- the text without escape sequences ------------------------------------ */

static void run_add(filter_priv_t *p, size_t raw, size_t plain, size_t len)
{
    if (p->n_runs == p->cap_runs) {
        p->cap_runs = p->cap_runs ? p->cap_runs * 2 : 16;
        p->runs = xrealloc(p->runs, p->cap_runs * sizeof *p->runs);
    }
    p->runs[p->n_runs++] = (plain_run_t){raw, plain, len};
}

static void plain_run(void *ctx, const char *text, size_t len, const sgr_style_t *style)
{
    (void)style;
    filter_priv_t *p = ctx;
    run_add(p, (size_t)(text - p->raw), p->plain.len, len);
    sb_add(&p->plain, text, len);
}

/* Whether the text can hold anything sgr_walk would drop: ESC, or a byte
 * 0x80..0x9f (a C1 control, raw or as the second byte of C2 8x/9x). */
static bool maybe_escapes(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0x1b || (c & 0xe0) == 0x80)
            return true;
    }
    return false;
}

/* Sets p->s (NUL-terminated) to the line's text without sequences, and
 * p->runs to where its pieces are in the raw text. */
static void plain_of(filter_priv_t *p, const log_line_t *ln)
{
    p->n_runs = 0;
    p->raw = ln->text;
    if (!maybe_escapes(ln->text, ln->len)) {
        run_add(p, 0, 0, ln->len);
        p->s = ln->text;
        p->n = ln->len;
        return;
    }
    sb_reset(&p->plain);
    sgr_style_t st = SGR_STYLE_DEFAULT;
    sgr_walk(ln->text, ln->len, &st, plain_run, p);
    if (!p->plain.data)
        sb_add(&p->plain, "", 0);
    p->s = p->plain.data;
    p->n = p->plain.len;
}

/* The next match in p->s at or after from: [*a, *b); false when none. */
static bool next_match(filter_priv_t *p, size_t from, size_t *a, size_t *b)
{
    const char *s = p->s;
    size_t n = p->n;
    if (p->re) {
        while (from <= n) {
            if (bre_find(p->re, s, n, from, a, b) != 1)
                return false;          /* none, or spent (log_filter_error) */
            if (*b > *a)
                return true;
            from = *a + 1;             /* an empty match: look further on */
        }
        return false;
    }
    size_t k = p->needle_len;
    const unsigned char *u = (const unsigned char *)s, *nd = (const unsigned char *)p->needle;
    for (size_t i = from; i + k <= n; i++) {
        if (lower(u[i]) != nd[0])
            continue;
        size_t j = 1;
        while (j < k && lower(u[i + j]) == nd[j])
            j++;
        if (j == k) {
            *a = i;
            *b = i + k;
            return true;
        }
    }
    return false;
}

static const char *key_field(const log_line_t *ln, log_key_kind_t kind)
{
    switch (kind) {
    case LOG_KEY_TASK: return ln->task;
    case LOG_KEY_SUBJECT: return ln->subject;
    case LOG_KEY_POD: return ln->pod;
    case LOG_KEY_CONTAINER: return ln->container;
    case LOG_KEY_WORKLOAD: return "";
    }
    return "";
}

/* key "workload" or "workload/container" names ln's pod's workload (and
 * container): whatever pod a rollout gives it. */
static bool workload_is(const log_line_t *ln, const char *key)
{
    if (ln->src != LOG_APP)
        return false;
    size_t w = logs_workload_len(ln->pod);
    const char *slash = strchr(key, '/');
    size_t kw = slash ? (size_t)(slash - key) : strlen(key);
    return kw == w && !memcmp(key, ln->pod, w) && (!slash || !strcmp(slash + 1, ln->container));
}

static bool keys_any(const log_key_t *keys, size_t n, const log_line_t *ln)
{
    for (size_t i = 0; i < n; i++) {
        if (keys[i].kind == LOG_KEY_WORKLOAD ? workload_is(ln, keys[i].value)
                                             : !strcmp(key_field(ln, keys[i].kind), keys[i].value))
            return true;
    }
    return false;
}

/* Level order: TRACE < DEBUG < INFO = STANDARD < WARN < ERROR < FATAL <
 * PANIC; an unknown level counts as INFO. */
static int level_rank(int level)
{
    static const int rank[] = {1, 2, 3, 4, 5, 6, 0, 2};   /* by LogLevel number */
    return level >= 0 && level < (int)(sizeof rank / sizeof rank[0]) ? rank[level] : 2;
}

bool log_filter_match(const log_filter_t *f, const log_line_t *ln)
{
    if (!f)
        return true;
    if (f->sources && !(f->sources & (1u << ln->src)))
        return false;
    if (f->iteration >= 0 && ln->iteration != f->iteration)
        return false;
    if (f->min_level >= 0 && level_rank(ln->level) < level_rank(f->min_level))
        return false;
    if (f->n_solo && !keys_any(f->solo, f->n_solo, ln))
        return false;
    if (f->n_mute && keys_any(f->mute, f->n_mute, ln))
        return false;
    if (f->compiled) {
        filter_priv_t *p = f->compiled;
        size_t a, b;
        plain_of(p, ln);
        return next_match(p, 0, &a, &b);
    }
    return true;
}

void log_filter_pass(const log_filter_t *f, unsigned ms)
{
    filter_priv_t *p = f ? f->compiled : NULL;
    if (p && p->re)
        bre_budget(p->re, ms);
}

const char *log_filter_error(const log_filter_t *f)
{
    filter_priv_t *p = f ? f->compiled : NULL;
    return p && p->re && bre_spent(p->re) ? bre_error(p->re) : NULL;
}

/* The raw offset of plain offset o (a byte inside some run). */
static size_t raw_of(const filter_priv_t *p, size_t *run, size_t o)
{
    while (*run + 1 < p->n_runs && p->runs[*run].plain + p->runs[*run].len <= o)
        (*run)++;
    return p->runs[*run].raw + (o - p->runs[*run].plain);
}

size_t log_filter_spans(const log_filter_t *f, const log_line_t *ln, size_t (*spans)[2], size_t max)
{
    if (!f || !f->compiled || !max)
        return 0;
    filter_priv_t *p = f->compiled;
    plain_of(p, ln);
    size_t got = 0, from = 0, a, b, run = 0;
    while (got < max && from < p->n && next_match(p, from, &a, &b)) {
        spans[got][0] = raw_of(p, &run, a);
        spans[got][1] = raw_of(p, &run, b - 1) + 1;   /* ends after its last byte */
        got++;
        from = b;
    }
    return got;
}

uint64_t logs_find(const logs_t *l, const log_filter_t *f, uint64_t from, bool forward)
{
    uint64_t first = logs_first(l), last = logs_last(l);
    if (first > last)
        return 0;
    log_filter_pass(f, BRE_BUDGET_MS);
    if (forward) {
        for (uint64_t s = from < first ? first : from; s <= last; s++) {
            const log_line_t *ln = logs_get(l, s);
            if (ln && log_filter_match(f, ln))
                return s;
        }
        return 0;
    }
    if (from < first)
        return 0;
    for (uint64_t s = from > last ? last : from; s >= first; s--) {
        const log_line_t *ln = logs_get(l, s);
        if (ln && log_filter_match(f, ln))
            return s;
    }
    return 0;
}
