/* Shared by the session tests: hooks that remember what the session said
 * (session_hooks_t: the changes counted, the last message and whether it
 * was an error). Include after cmocka.h. */
#ifndef SKVIEW_HOOKS_FIXTURE_H
#define SKVIEW_HOOKS_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>

typedef struct seen {
    int changes;
    char last[512];
    bool last_error;
} seen_t;

static inline void on_change(void *ctx) { ((seen_t *)ctx)->changes++; }

static inline void on_message(void *ctx, bool error, const char *msg)
{
    seen_t *s = ctx;
    snprintf(s->last, sizeof s->last, "%s", msg);
    s->last_error = error;
}

#endif
