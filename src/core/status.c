/* Classifies Skaffold status strings. Skaffold's documentation and its server
 * disagree on spelling ("InProgress" vs "In Progress", "Completed" vs
 * "Complete"), so comparisons ignore case and spaces instead of listing every
 * variant. */
#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include "core/status.h"

/* Skips the characters that do not count when comparing statuses. */
static const char *status_skip(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    return s;
}

/* Folds s into buf: lower case, spaces dropped. False when it is longer
 * than any known word, so it can only be STATUS_OTHER. ASCII-only folding
 * (no tolower(), no locale): statuses are English words. */
static bool status_fold(const char *s, char *buf, size_t cap, size_t *len)
{
    size_t n = 0;
    for (s = status_skip(s); *s; s = status_skip(s + 1)) {
        if (n + 1 >= cap)
            return false;
        char c = *s;
        buf[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    buf[n] = '\0';
    *len = n;
    return true;
}

/* The known words, lower case without spaces, matched by length first so
 * that each comparison is a short inlined memcmp: this runs several times
 * for every entry of a million-entry log. */
#define IS(w) (n == sizeof(w) - 1 && memcmp(buf, w, sizeof(w) - 1) == 0)

static status_kind_t status_lookup(const char *buf, size_t n)
{
    if (IS("notstarted")) return STATUS_NOT_STARTED;
    if (IS("inprogress") || IS("pending")) return STATUS_IN_PROGRESS;
    if (IS("started")) return STATUS_STARTED;
    if (IS("complete") || IS("completed") || IS("succeeded") || IS("success"))
        return STATUS_SUCCEEDED;
    if (IS("failed") || IS("failure") || IS("error")) return STATUS_FAILED;
    if (IS("canceled") || IS("cancelled")) return STATUS_CANCELED;
    if (IS("terminated")) return STATUS_TERMINATED;
    if (IS("information") || IS("info")) return STATUS_INFO;
    return STATUS_OTHER;
}
#undef IS

/* The spellings Skaffold's server sends, matched exactly first, by length
 * (each memcmp of a constant length compiles to a load or two): this runs
 * several times for every entry of a million-entry log, and the folding
 * below costs a copy. */
#define EXACT(w, kind) if (memcmp(s, w, sizeof(w) - 1) == 0) { *k = kind; return true; }

static bool status_exact(const char *s, status_kind_t *k)
{
    switch (strlen(s)) {
    case 6: EXACT("Failed", STATUS_FAILED) break;
    case 7: EXACT("Started", STATUS_STARTED) break;
    case 8: EXACT("Complete", STATUS_SUCCEEDED) EXACT("Canceled", STATUS_CANCELED) break;
    case 9: EXACT("Succeeded", STATUS_SUCCEEDED) break;
    case 10: EXACT("Terminated", STATUS_TERMINATED) break;
    case 11:
        EXACT("In Progress", STATUS_IN_PROGRESS) EXACT("Not Started", STATUS_NOT_STARTED)
        EXACT("Information", STATUS_INFO) break;
    default: break;
    }
    return false;
}
#undef EXACT

status_kind_t status_kind(const char *s)
{
    char buf[16];
    size_t n;
    status_kind_t k;
    if (s != NULL && status_exact(s, &k))
        return k;
    if (s == NULL || *status_skip(s) == '\0')
        return STATUS_NONE;
    if (!status_fold(s, buf, sizeof buf, &n))
        return STATUS_OTHER;
    return status_lookup(buf, n);
}

/* Unknown statuses are equal when their letters are, ignoring case and
 * spaces, so "Some Thing" equals "something". */
static bool status_same_text(const char *a, const char *b)
{
    a = status_skip(a);
    b = status_skip(b);
    while (*a && *b) {
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
        a = status_skip(a + 1);
        b = status_skip(b + 1);
    }
    return *a == *b;
}

bool status_equal(const char *a, const char *b)
{
    status_kind_t ka = status_kind(a), kb = status_kind(b);

    if (ka != kb)
        return false;
    if (ka != STATUS_OTHER)
        return true;
    return status_same_text(a, b);
}

bool status_is_final(status_kind_t k)
{
    return k == STATUS_SUCCEEDED || k == STATUS_FAILED || k == STATUS_CANCELED ||
           k == STATUS_TERMINATED;
}

const char *status_kind_name(status_kind_t k)
{
    static const char *const names[] = {
        [STATUS_NONE] = "none",
        [STATUS_NOT_STARTED] = "not started",
        [STATUS_IN_PROGRESS] = "in progress",
        [STATUS_STARTED] = "started",
        [STATUS_SUCCEEDED] = "succeeded",
        [STATUS_FAILED] = "failed",
        [STATUS_CANCELED] = "canceled",
        [STATUS_TERMINATED] = "terminated",
        [STATUS_INFO] = "information",
        [STATUS_OTHER] = "other",
    };
    if ((unsigned)k >= sizeof names / sizeof names[0])
        return "other";
    return names[k];
}
