/* Bounded regular expressions over PCRE2 (see bre.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/bre.h"
#include "core/xalloc.h"

struct bre {
    pcre2_code *code;
    pcre2_match_context *mctx;
    pcre2_match_data *md;
    int64_t deadline_ns;          /* 0 = no sweep budget set */
    unsigned budget_ms;
    char why[160];                /* non-empty once spent */
};

/* PCRE2 returns NULL only when out of memory here: as xalloc does. */
static void *must(void *p)
{
    if (!p) {
        fputs("skview: out of memory (PCRE2)\n", stderr);
        abort();
    }
    return p;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void pcre_message(int code, char *buf, size_t len)
{
    PCRE2_UCHAR msg[120];
    if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
        snprintf((char *)msg, sizeof msg, "error %d", code);
    snprintf(buf, len, "%s", (const char *)msg);
}

static pcre2_code *compile(const char *pattern, char *err, size_t errlen)
{
    pcre2_compile_context *cc = must(pcre2_compile_context_create(NULL));
    pcre2_set_max_pattern_length(cc, BRE_MAX_PATTERN);
    int code;
    PCRE2_SIZE at;
    uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_CASELESS | PCRE2_UCP;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &code, &at, cc);
    pcre2_compile_context_free(cc);
    if (!re && err && errlen) {
        char msg[120];
        pcre_message(code, msg, sizeof msg);
        if (strlen(pattern) > BRE_MAX_PATTERN)
            snprintf(err, errlen, "longer than %d bytes", BRE_MAX_PATTERN);
        else
            snprintf(err, errlen, "%s (at byte %zu)", msg, (size_t)at);
    }
    return re;
}

bre_t *bre_compile(const char *pattern, char *err, size_t errlen)
{
    pcre2_code *code = compile(pattern, err, errlen);
    if (!code)
        return NULL;
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);     /* faster when it works */
    bre_t *re = xcalloc(1, sizeof *re);
    re->code = code;
    re->mctx = must(pcre2_match_context_create(NULL));
    re->md = must(pcre2_match_data_create(1, NULL));
    pcre2_set_match_limit(re->mctx, BRE_MATCH_LIMIT);
    pcre2_set_depth_limit(re->mctx, BRE_DEPTH_LIMIT);
    pcre2_set_heap_limit(re->mctx, BRE_HEAP_KIB);
    return re;
}

void bre_free(bre_t *re)
{
    if (!re)
        return;
    pcre2_match_data_free(re->md);
    pcre2_match_context_free(re->mctx);
    pcre2_code_free(re->code);
    free(re);
}

void bre_budget(bre_t *re, unsigned ms)
{
    re->deadline_ns = now_ns() + (int64_t)ms * 1000000;
    re->budget_ms = ms;
}

bool bre_spent(const bre_t *re)
{
    return re->why[0] != 0;
}

const char *bre_error(const bre_t *re)
{
    return re->why;
}

/* Marks the pattern spent for the reason of PCRE2's code rc. */
static int spend(bre_t *re, int rc)
{
    char msg[120];
    pcre_message(rc, msg, sizeof msg);
    snprintf(re->why, sizeof re->why, "too costly (%s)", msg);
    return -1;
}

int bre_find(bre_t *re, const char *s, size_t n, size_t from, size_t *a, size_t *b)
{
    if (bre_spent(re))
        return -1;
    if (re->deadline_ns && now_ns() > re->deadline_ns) {
        snprintf(re->why, sizeof re->why, "too slow (more than %u ms for one pass over the lines)",
                 re->budget_ms);
        return -1;
    }
    if (from > n)
        return 0;
    int rc = pcre2_match(re->code, (PCRE2_SPTR)s, n, from, 0, re->md, re->mctx);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc < 0)
        return spend(re, rc);
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
    *a = (size_t)ov[0];
    *b = (size_t)ov[1] < *a ? *a : (size_t)ov[1];    /* \K can end before it starts */
    return 1;
}
