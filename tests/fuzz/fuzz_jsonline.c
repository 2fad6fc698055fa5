/* libFuzzer: one line of either JSON log form, parsed, folded and written. */
#include <stdint.h>
#include <stdlib.h>
#include "sources/logline.h"
#include "skaffold/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pbjson_parser_t *p;
    if (!p) p = pbjson_parser_new();
    arena_t a;
    arena_init(&a);
    pbjson_err_t err;
    bool unwrapped;
    const Proto__LogEntry *e = logline_parse(p, &a, (const char *)data, size, &unwrapped, &err);
    if (e) {
        model_t *m = model_new(&(model_opts_t){.history_cap = 2, .timeline_cap = 2, .errors_cap = 2});
        model_fold(m, e);
        strbuf_t out;
        sb_init(&out);
        pbjson_write(&out, &model_state(m)->base);
        pbjson_write(&out, &e->base);
        sb_free(&out);
        model_free(m);
    } else if (!err.msg[0]) {
        abort(); /* a refusal always says why */
    }
    arena_free(&a);
    return 0;
}
