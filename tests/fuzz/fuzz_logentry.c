/* libFuzzer: a LogEntry from the wire (protobuf) decoded and folded, then
 * written as JSON and read back: nothing may crash, leak or disagree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "skaffold/model.h"
#include "core/pbjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Proto__LogEntry *e = proto__log_entry__unpack(NULL, size, data);
    if (!e)
        return 0;
    model_opts_t o = {.history_cap = 4, .timeline_cap = 4, .errors_cap = 4};
    model_t *m = model_new(&o);
    model_fold(m, e);
    model_fold(m, e);
    /* The history may hold an entry protobuf-c cannot decode again (it keeps
     * unknown fields such as field number 0 that it cannot pack back): then
     * get says NULL and reconcile skips and counts it, never aborts. */
    Proto__LogEntry *h = model_history_get(m, 1, NULL);
    if (h)
        protobuf_c_message_free_unpacked(&h->base, NULL);
    model_reconcile(m, model_state(m), 0);
    if (!h && model_undecodable(m) != 2) abort();
    strbuf_t out;
    sb_init(&out);
    pbjson_write(&out, &e->base);
    pbjson_parser_t *p = pbjson_parser_new();
    arena_t a;
    arena_init(&a);
    pbjson_err_t err;
    /* Our own JSON must always read back. */
    if (!pbjson_parse(p, out.data, out.len, &proto__log_entry__descriptor, &a, NULL, NULL, &err))
        abort();
    arena_free(&a);
    pbjson_parser_free(p);
    sb_free(&out);
    model_free(m);
    proto__log_entry__free_unpacked(e, NULL);
    return 0;
}
