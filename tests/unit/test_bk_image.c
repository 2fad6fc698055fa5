/* Image names: Skaffold's artifact (no tag) against what a BuildKit build
 * exports, as Docker's daemon (normalised), buildx and buildctl write it
 * (tags, digests, registries with ports, comma-separated lists); and the
 * build a history record names, from its exporter's attributes while it
 * runs or its exporter response once done. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "buildkit/bk_image.h"
#include "bk_fixture.h"

static void repo_is(const char *name, const char *want)
{
    char out[BK_IMAGE_MAX + 32];
    bk_image_repo(name, out, sizeof out);
    assert_string_equal(out, want);
}

static void test_repo(void **state)
{
    (void)state;
    repo_is("frontend", "docker.io/library/frontend");
    repo_is("frontend:v1.8.0-3f2a1b0", "docker.io/library/frontend");
    repo_is("docker.io/library/frontend:v1.8.0-3f2a1b0", "docker.io/library/frontend");
    repo_is("index.docker.io/frontend:latest", "docker.io/library/frontend");
    repo_is("index.docker.io/me/frontend", "docker.io/me/frontend");
    repo_is("me/frontend@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "docker.io/me/frontend");
    repo_is("frontend:v1@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "docker.io/library/frontend");
    repo_is("localhost:5000/frontend:dev", "localhost:5000/frontend");
    repo_is("localhost/frontend", "localhost/frontend");
    repo_is("gcr.io/k8s-skaffold/skaffold-example:v2.0.0-dirty", "gcr.io/k8s-skaffold/skaffold-example");
    repo_is("", "");
}

static void test_in_list(void **state)
{
    (void)state;
    /* Docker's daemon normalises the tags Skaffold gave. */
    assert_true(bk_image_in_list("frontend", "docker.io/library/frontend:v1.8.0-3f2a1b0"));
    /* buildx keeps them as given; several, comma-separated. */
    assert_true(bk_image_in_list("backend", "backend:v1.8.0-aa11bb2,backend:latest"));
    assert_true(bk_image_in_list("backend", "other:1, backend:latest"));
    assert_true(bk_image_in_list("gcr.io/p/app", "gcr.io/p/app:abc@sha256:0123"));
    assert_true(bk_image_in_list("docker.io/library/worker", "worker:dev"));
    /* Another image with the same last component, or a prefix, is not it. */
    assert_false(bk_image_in_list("frontend", "docker.io/me/frontend:v1"));
    assert_false(bk_image_in_list("frontend", "gcr.io/p/frontend:v1"));
    assert_false(bk_image_in_list("front", "frontend:v1"));
    assert_false(bk_image_in_list("frontend", "frontend-admin:v1"));
    assert_false(bk_image_in_list("localhost:5000/app", "localhost:5001/app:v1"));
    assert_false(bk_image_in_list("frontend", NULL));
    assert_false(bk_image_in_list("frontend", ""));
    assert_false(bk_image_in_list("", "frontend"));
}

static Moby__Buildkit__V1__BuildHistoryEvent *ev(int type, const char *ref, double created, const char *attr_name,
                                                const char *resp_name)
{
    Moby__Buildkit__V1__BuildHistoryRecord *r = arena_alloc(&fx_arena, sizeof *r);
    moby__buildkit__v1__build_history_record__init(r);
    r->ref = (char *)ref;
    r->createdat = fx_ts(created);
    if (attr_name) {
        Moby__Buildkit__V1__Exporter *e = arena_alloc(&fx_arena, sizeof *e);
        moby__buildkit__v1__exporter__init(e);
        e->type = "moby";
        Moby__Buildkit__V1__Exporter__AttrsEntry **a = arena_alloc(&fx_arena, 2 * sizeof *a);
        for (int i = 0; i < 2; i++) {
            a[i] = arena_alloc(&fx_arena, sizeof *a[i]);
            moby__buildkit__v1__exporter__attrs_entry__init(a[i]);
        }
        a[0]->key = "push", a[0]->value = "false";
        a[1]->key = "name", a[1]->value = (char *)attr_name;
        e->attrs = a, e->n_attrs = 2;
        r->exporters = arena_alloc(&fx_arena, sizeof *r->exporters);
        r->exporters[0] = e, r->n_exporters = 1;
    }
    if (resp_name) {
        Moby__Buildkit__V1__BuildHistoryRecord__ExporterResponseEntry *x = arena_alloc(&fx_arena, sizeof *x);
        moby__buildkit__v1__build_history_record__exporter_response_entry__init(x);
        x->key = "image.name", x->value = (char *)resp_name;
        r->exporterresponse = arena_alloc(&fx_arena, sizeof *r->exporterresponse);
        r->exporterresponse[0] = x, r->n_exporterresponse = 1;
    }
    Moby__Buildkit__V1__BuildHistoryEvent *e = arena_alloc(&fx_arena, sizeof *e);
    moby__buildkit__v1__build_history_event__init(e);
    e->type = type;
    e->record = r;
    return e;
}

enum { STARTED, COMPLETE };

static void test_builds_for_image(void **state)
{
    (void)state;
    arena_init(&fx_arena);
    bk_builds_t h;
    bk_builds_init(&h);
    bk_builds_fold(&h, ev(COMPLETE, "aaaaaaaaaaaaaaaaaaaaaaaa1", 10, NULL, "docker.io/library/frontend:v1"));
    bk_builds_fold(&h, ev(COMPLETE, "aaaaaaaaaaaaaaaaaaaaaaaa2", 20, NULL, "docker.io/library/frontend:v2"));
    bk_builds_fold(&h, ev(COMPLETE, "aaaaaaaaaaaaaaaaaaaaaaaa3", 30, NULL, NULL)); /* exports nothing */
    assert_string_equal(bk_builds_for_image(&h, "frontend")->ref, "aaaaaaaaaaaaaaaaaaaaaaaa2"); /* newest */
    assert_null(bk_builds_for_image(&h, "backend"));
    /* A build that runs: named by its exporter from the start, and first. */
    bk_builds_fold(&h, ev(STARTED, "aaaaaaaaaaaaaaaaaaaaaaaa4", 5, "docker.io/library/frontend:v3", NULL));
    assert_string_equal(bk_builds_for_image(&h, "frontend")->ref, "aaaaaaaaaaaaaaaaaaaaaaaa4");
    assert_string_equal(bk_builds_for_image(&h, "frontend")->images, "docker.io/library/frontend:v3");
    bk_builds_fold(&h, ev(STARTED, "aaaaaaaaaaaaaaaaaaaaaaaa5", 40, "backend:v1.8.0-aa11bb2", NULL));
    assert_string_equal(bk_builds_for_image(&h, "backend")->ref, "aaaaaaaaaaaaaaaaaaaaaaaa5");
    assert_string_equal(bk_builds_for_image(&h, "frontend")->ref, "aaaaaaaaaaaaaaaaaaaaaaaa4");
    bk_builds_free(&h);
    arena_free(&fx_arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repo),
        cmocka_unit_test(test_in_list),
        cmocka_unit_test(test_builds_for_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
