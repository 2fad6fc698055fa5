/* The builds a daemon knows (v0.11+): a fold of ListenBuildHistory events,
 * for a list to pick a build from. STARTED adds or marks a build running,
 * COMPLETE marks it finished (with its error and counts), DELETED removes
 * it. The images a build exports are kept as the record names them (see
 * bk_image.h): the exporter's "name" attribute, else the exporter
 * response's "image.name". Listed running builds first, then the newest first. Pure; strings are
 * copies, untrusted. */
#ifndef SKVIEW_BK_HISTORY_H
#define SKVIEW_BK_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include "buildkit/control.pb-c.h"
#include "buildkit/bk_progress.h"

typedef struct bk_build {
    char *ref, *frontend;
    char *error;               /* NULL when it did not fail */
    char *images;              /* what it exports: comma-separated names, or NULL */
    bool active;
    bk_time_t created, completed;
    int cached, total, done, warnings;
} bk_build_t;

typedef struct bk_builds {
    bk_build_t *b;
    size_t n, cap;
} bk_builds_t;

void bk_builds_init(bk_builds_t *h);
void bk_builds_free(bk_builds_t *h);
void bk_builds_fold(bk_builds_t *h, const Moby__Buildkit__V1__BuildHistoryEvent *ev);
/* "running", "completed", "failed". */
const char *bk_build_state(const bk_build_t *b);
/* The image names a record's build exports (see above): the exporter's
 * "name" attribute, else the response's "image.name"; NULL when neither. */
const char *bk_record_images(const Moby__Buildkit__V1__BuildHistoryRecord *r);

#endif
