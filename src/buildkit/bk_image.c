/* Image names and the build that exports one; see bk_image.h. */
#include <stdio.h>
#include <string.h>
#include "buildkit/bk_image.h"

/* Whether the first component of a name is a registry: it has a '.' or a
 * ':' (a port), or is localhost. */
static bool is_registry(const char *c, size_t len)
{
    return memchr(c, '.', len) || memchr(c, ':', len) || (len == 9 && !memcmp(c, "localhost", 9));
}

static const char *last(const char *s, char c, size_t len)
{
    while (len-- > 0)
        if (s[len] == c)
            return s + len;
    return NULL;
}

/* name without its digest ("@...") and tag (a ':' after the last '/'). */
static size_t repo_len(const char *name)
{
    size_t len = strcspn(name, "@");
    const char *slash = last(name, '/', len), *colon = last(name, ':', len);
    if (colon && (!slash || colon > slash))
        len = (size_t)(colon - name);
    return len;
}

void bk_image_repo(const char *name, char *out, size_t n)
{
    size_t len = repo_len(name);
    const char *slash = memchr(name, '/', len);
    out[0] = 0;
    if (!len || len > BK_IMAGE_MAX)
        return;
    if (slash && is_registry(name, (size_t)(slash - name))) {
        bool hub = (size_t)(slash - name) == 15 && !memcmp(name, "index.docker.io", 15);
        const char *path = hub ? slash + 1 : name;
        size_t plen = len - (size_t)(path - name);
        bool lib = hub && !memchr(path, '/', plen);
        snprintf(out, n, "%s%s%.*s", hub ? "docker.io/" : "", lib ? "library/" : "", (int)plen, path);
    } else {
        snprintf(out, n, "docker.io/%s%.*s", slash ? "" : "library/", (int)len, name);
    }
}

bool bk_image_in_list(const char *image, const char *list)
{
    char want[BK_IMAGE_MAX + 32], one[BK_IMAGE_MAX + 1], got[BK_IMAGE_MAX + 32];
    bk_image_repo(image, want, sizeof want);
    if (!want[0] || !list)
        return false;
    for (const char *p = list; *p; p += *p == ',') {
        size_t len = strcspn(p, ",");
        snprintf(one, sizeof one, "%.*s", (int)(len < BK_IMAGE_MAX ? len : 0), p);
        p += len;
        bk_image_repo(one + strspn(one, " "), got, sizeof got);
        if (got[0] && !strcmp(got, want))
            return true;
    }
    return false;
}

const bk_build_t *bk_builds_for_image(const bk_builds_t *h, const char *image)
{
    for (size_t i = 0; i < h->n; i++)
        if (bk_image_in_list(image, h->b[i].images))
            return &h->b[i];
    return NULL;
}
