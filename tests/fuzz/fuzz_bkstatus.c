/* libFuzzer: BuildKit progress from untrusted bytes. The input is read as
 * rawjson lines (both key styles) and, whole, as a protobuf StatusResponse;
 * everything that parses is folded into one progress model with tiny bounds
 * (so the trimming paths run), rendered narrow and wide, and written back as
 * rawjson. The input is also read whole as a DiskUsage and a ListWorkers
 * answer (what a recording holds beside the build) and folded into the
 * BuildKit model: the cache table sorted both ways, the Workers view model. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sources/bk_reader.h"
#include "buildkit/bk_format.h"
#include "buildkit/bk_model.h"
#include "buildkit/bk_progress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void use(bk_progress_t *p, const Moby__Buildkit__V1__StatusResponse *m, strbuf_t *out)
{
    bk_progress_fold(p, m);
    bk_rawjson_write(out, m);
}

/* The other answers a recording holds, into the model. */
static void answers(const uint8_t *data, size_t size, arena_t *a)
{
    bk_model_t mo;
    bk_model_init(&mo, 2);
    const ProtobufCMessage *du = protobuf_c_message_unpack(&moby__buildkit__v1__disk_usage_response__descriptor,
                                                           &a->pb, size, data);
    if (du) {
        bk_model_du(&mo, (const Moby__Buildkit__V1__DiskUsageResponse *)du);
        bk_model_sort(&mo, BK_SORT_LAST_USED);
    }
    const ProtobufCMessage *w = protobuf_c_message_unpack(&moby__buildkit__v1__list_workers_response__descriptor,
                                                          &a->pb, size, data);
    if (w)
        bk_model_workers(&mo, (const Moby__Buildkit__V1__ListWorkersResponse *)w);
    bk_model_fini(&mo);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pbjson_parser_t *jp;
    if (!jp)
        jp = pbjson_parser_new();
    bk_progress_opts_t o = {.tail_lines = 2, .log_max = 256, .logs_total_max = 1024};
    bk_progress_t *p = bk_progress_new(&o);
    arena_t a;
    arena_init(&a);
    strbuf_t out;
    sb_init(&out);
    const char *s = (const char *)data, *end = s + size;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        pbjson_err_t err;
        Moby__Buildkit__V1__StatusResponse *m = bk_rawjson_parse(jp, s, n, &a, &err);
        if (m)
            use(p, m, &out);
        else if (!err.msg[0])
            abort(); /* a refusal always says why */
        s += n + 1;
    }
    Moby__Buildkit__V1__StatusResponse *m = (void *)protobuf_c_message_unpack(
        &moby__buildkit__v1__status_response__descriptor, &a.pb, size, data);
    if (m)
        use(p, m, &out);
    answers(data, size, &a);
    bk_progress_render(p, 40, 1714557601000000000LL, 0, &out);
    bk_progress_render(p, 200, 1714557601000000000LL, BK_RENDER_FINAL | BK_RENDER_ASCII, &out);
    sb_free(&out);
    arena_free(&a);
    bk_progress_free(p);
    return 0;
}
