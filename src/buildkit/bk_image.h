/* Image names as Skaffold and BuildKit write them, and which BuildKit build
 * exports an artifact's image.
 *
 * Skaffold names an artifact by its image ("frontend", "gcr.io/p/app") and
 * tags it ("frontend:v1.8.0-3f2a1b0", a digest after '@'); BuildKit names
 * what a build exports in its history record: Exporters[].Attrs["name"]
 * from the build's start, ExporterResponse["image.name"] once it is done,
 * each a comma-separated list, and Docker's daemon writes them normalised
 * ("docker.io/library/frontend:v1.8.0-3f2a1b0"). Two names are the same
 * image when their repositories are equal once normalised as Docker does
 * (no registry: docker.io; docker.io and no '/': library/; index.docker.io
 * is docker.io); tags and digests are not compared (Skaffold's artifact has
 * none). Pure; no allocation but the callers'. */
#ifndef SKVIEW_BK_IMAGE_H
#define SKVIEW_BK_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include "buildkit/bk_history.h"

#define BK_IMAGE_MAX 512

/* The repository of name, normalised, into out ("" when name is empty or
 * longer than BK_IMAGE_MAX). */
void bk_image_repo(const char *name, char *out, size_t n);
/* Whether one of the comma-separated names in list is image's repository. */
bool bk_image_in_list(const char *image, const char *list);
/* The build that exports image: the newest running one, else the newest
 * finished (the list's order); NULL when none does. */
const bk_build_t *bk_builds_for_image(const bk_builds_t *h, const char *image);

#endif
