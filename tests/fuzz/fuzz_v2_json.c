/* libFuzzer: one line of a v2 file form (F.v2, a gateway /v2 capture):
 * classified, parsed, folded (the FILE.v2-alone rules: the mirror too),
 * printed as `skview events` prints it (text and JSON),
 * and our JSON read back. A refusal always says why; the text line never
 * holds a byte a terminal acts on. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sources/logline.h"
#include "skaffold/entryfmt.h"
#include "skaffold/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* No ESC, C0 control (but the final newline), DEL or C1 in text output. */
static void check_inert(const strbuf_t *s)
{
    for (size_t i = 0; i + 1 < s->len; i++) {
        unsigned char c = (unsigned char)s->data[i];
        if (c < 0x20 || c == 0x7f) abort();
        if (c == 0xc2 && i + 2 < s->len && (unsigned char)s->data[i + 1] >= 0x80 &&
            (unsigned char)s->data[i + 1] < 0xa0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pbjson_parser_t *p;
    if (!p) p = pbjson_parser_new();
    arena_t a;
    arena_init(&a);
    logline_classify(p, &a, (const char *)data, size);
    arena_reset(&a);
    pbjson_err_t err;
    bool unwrapped;
    const Proto__V2__Event *ev = logline_parse_v2(p, &a, (const char *)data, size, &unwrapped, &err);
    if (ev) {
        model_t *m = model_new(&(model_opts_t){.history_cap = 2, .timeline_cap = 2, .errors_cap = 2,
                                               .logs_cap = 8});
        model_fold_v2(m, ev, ev->event_type_case == PROTO__V2__EVENT__EVENT_TYPE_APPLICATION_LOG_EVENT);
        strbuf_t st;
        sb_init(&st);
        pbjson_write(&st, &model_state(m)->base);
        sb_free(&st);
        model_free(m);
        strbuf_t out, scratch;
        sb_init(&out);
        sb_init(&scratch);
        entry_v2_render(&out, &scratch, ev, false);
        check_inert(&out);
        sb_reset(&out);
        entry_v2_render(&out, &scratch, ev, true);
        arena_t b;
        arena_init(&b);
        pbjson_err_t err2;
        bool u2;
        if (!logline_parse_v2(p, &b, out.data, out.len - 1, &u2, &err2))
            abort(); /* our own JSON must read back */
        arena_free(&b);
        sb_free(&out);
        sb_free(&scratch);
    } else if (!err.msg[0]) {
        abort(); /* a refusal always says why */
    }
    arena_free(&a);
    return 0;
}
