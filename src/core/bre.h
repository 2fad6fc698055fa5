/* Bounded regular expressions: a user's pattern that cannot take the
 * program down. A pattern typed in the viewer is matched on the UI thread,
 * against lines up to 64 KiB; POSIX regcomp/regexec bound nothing (glibc's
 * regcomp of "a{1,32767}" with REG_ICASE grew to 13 GiB, and its regexec of
 * "x.*y.*z.*q" takes seconds on one long line). This wraps PCRE2 with every
 * limit it has:
 *   - the pattern: at most BRE_MAX_PATTERN bytes; PCRE2's compiled-size
 *     limit refuses what would expand too far ("too large");
 *   - one match: a match limit (steps), a depth limit and a heap limit, so
 *     backtracking ("(.*)(.*)\2\1z") and back-references stop early;
 *   - a sweep of many matches: a time budget (bre_budget), so a pattern
 *     that is merely slow on each line cannot hold the thread either.
 * A pattern that hits a limit is spent: every later bre_find says so (-1)
 * at once, and bre_error tells why, until it is compiled anew.
 *
 * Syntax: PCRE2 (Perl-compatible; POSIX classes like [[:digit:]] work),
 * UTF-8, caseless by Unicode rules; invalid UTF-8 in the text is matched
 * as bytes that match nothing but themselves, never an error. */
#ifndef SKVIEW_CORE_BRE_H
#define SKVIEW_CORE_BRE_H

#include <stdbool.h>
#include <stddef.h>

#define BRE_MAX_PATTERN 255          /* bytes */
#define BRE_MATCH_LIMIT 200000       /* PCRE2 match steps per search of a line */
#define BRE_DEPTH_LIMIT 5000         /* backtracking depth */
#define BRE_HEAP_KIB 4096            /* heap for one match */
#define BRE_BUDGET_MS 700            /* default time for one sweep */

typedef struct bre bre_t;

/* Compiles pattern; NULL with a message naming the byte offset in err. */
bre_t *bre_compile(const char *pattern, char *err, size_t errlen);
void bre_free(bre_t *re);
/* Starts a sweep: the matches from now on may take ms milliseconds in all
 * before the pattern is spent. A spent pattern stays spent. */
void bre_budget(bre_t *re, unsigned ms);
/* The first match in s[0..n) that starts at or after from: 1 with its
 * bounds in [*a, *b) (maybe empty), 0 when there is none, -1 when the
 * pattern is spent (a limit was hit, now or before). */
int bre_find(bre_t *re, const char *s, size_t n, size_t from, size_t *a, size_t *b);
/* Why the pattern is spent ("" while it is not). */
const char *bre_error(const bre_t *re);
bool bre_spent(const bre_t *re);

#endif
