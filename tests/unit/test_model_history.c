/* The history: a bounded ring of packed entries that decode back to what was
 * folded, evicting the oldest, with memory that stays flat. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <malloc.h>
#include "model_fixture.h"

static Proto__LogEntry *numbered_entry(int i)
{
    char artifact[32];
    snprintf(artifact, sizeof artifact, "artifact-%d", i);
    return fx_entry((int64_t)(i + 1) * SEC, ev_build(artifact, "In Progress"), "Build started");
}

static void fold_numbered(model_t *m, int i)
{
    Proto__LogEntry *e = numbered_entry(i);
    model_fold(m, e);
    protobuf_c_message_free_unpacked(&e->base, NULL);
}

static void history_keeps_every_entry_below_the_cap(void **state)
{
    model_t *m = fx_model(8, 0, 0);

    for (int i = 0; i < 5; i++)
        fold_numbered(m, i);
    assert_int_equal(model_history_first(m), 0);
    for (uint64_t seq = 0; seq < 5; seq++) {
        Proto__LogEntry *e = model_history_get(m, seq, NULL);
        char want[32];
        snprintf(want, sizeof want, "artifact-%d", (int)seq);
        assert_non_null(e);
        assert_string_equal(e->event->buildevent->artifact, want);
        protobuf_c_message_free_unpacked(&e->base, NULL);
    }
    assert_null(model_history_get(m, 5, NULL));
    model_free(m);
}

/* A live entry's bytes as received go into the history as they are: an
 * unknown field the server sent (e decoded in memory has none) comes back. */
static void history_keeps_the_bytes_as_received(void **state)
{
    model_t *m = fx_model(8, 0, 0);
    Proto__LogEntry *e = numbered_entry(3);
    uint8_t wire[512];
    size_t n = protobuf_c_message_pack(&e->base, wire);
    static const uint8_t unknown[] = {0x98, 0x06, 0x01}; /* field 99, varint 1 */
    memcpy(wire + n, unknown, sizeof unknown);
    model_fold_packed(m, e, wire, n + sizeof unknown);
    model_fold(m, e);
    Proto__LogEntry *got = model_history_get(m, 0, NULL), *packed = model_history_get(m, 1, NULL);
    assert_string_equal(got->event->buildevent->artifact, "artifact-3");
    assert_int_equal(got->base.n_unknown_fields, 1);
    assert_int_equal(got->base.unknown_fields[0].tag, 99);
    assert_int_equal(packed->base.n_unknown_fields, 0);
    protobuf_c_message_free_unpacked(&got->base, NULL);
    protobuf_c_message_free_unpacked(&packed->base, NULL);
    protobuf_c_message_free_unpacked(&e->base, NULL);
    model_free(m);
}

static void history_ring_wrap_keeps_the_newest_cap_entries(void **state)
{
    model_t *m = fx_model(5, 0, 0);

    for (int i = 0; i < 12; i++)
        fold_numbered(m, i);
    assert_int_equal(model_seq(m), 12);
    assert_int_equal(model_history_first(m), 7);
    for (uint64_t seq = 0; seq < 7; seq++)
        assert_null(model_history_get(m, seq, NULL));
    for (uint64_t seq = 7; seq < 12; seq++) {
        Proto__LogEntry *e = model_history_get(m, seq, NULL);
        char want[32];
        snprintf(want, sizeof want, "artifact-%d", (int)seq);
        assert_non_null(e);
        assert_string_equal(e->event->buildevent->artifact, want);
        assert_int_equal(e->timestamp->seconds, (int64_t)seq + 1);
        protobuf_c_message_free_unpacked(&e->base, NULL);
    }
    assert_null(model_history_get(m, 12, NULL));
    model_free(m);
}

static void history_decoding_round_trips_every_field(void **state)
{
    model_t *m = fx_model(0, 0, 0);
    Proto__LogEntry *in = fx_entry(
        1628709581 * SEC + 711480752,
        ev_build_full("app", "Failed", "legacy", 104, fx_ae(104, "boom", 1, 107, "fix it")),
        "Build failed for artifact app");

    model_fold(m, in);
    Proto__LogEntry *out = model_history_get(m, 0, NULL);
    assert_non_null(out);
    size_t n_in = protobuf_c_message_get_packed_size(&in->base);
    size_t n_out = protobuf_c_message_get_packed_size(&out->base);
    assert_int_equal(n_out, n_in);
    uint8_t *a = malloc(n_in), *b = malloc(n_out);
    protobuf_c_message_pack(&in->base, a);
    protobuf_c_message_pack(&out->base, b);
    assert_memory_equal(a, b, n_in);
    assert_int_equal(out->timestamp->nanos, 711480752);
    assert_string_equal(out->entry, "Build failed for artifact app");
    assert_string_equal(out->event->buildevent->actionableerr->suggestions[0]->action, "fix it");
    free(a);
    free(b);
    protobuf_c_message_free_unpacked(&in->base, NULL);
    protobuf_c_message_free_unpacked(&out->base, NULL);
    model_free(m);
}

static void history_keeps_entries_without_an_event(void **state)
{
    model_t *m = fx_model(0, 0, 0);
    Proto__LogEntry *in = fx_entry(3 * SEC, NULL, "odd");

    assert_int_equal(model_fold(m, in), -1);
    protobuf_c_message_free_unpacked(&in->base, NULL);
    Proto__LogEntry *out = model_history_get(m, 0, NULL);
    assert_non_null(out);
    assert_null(out->event);
    assert_string_equal(out->entry, "odd");
    protobuf_c_message_free_unpacked(&out->base, NULL);
    model_free(m);
}

/* A malloc allocator that counts what is live, to show the caller's allocator
 * is the one used. */
static long live_allocs;

static void *counting_alloc(void *data, size_t size)
{
    live_allocs++;
    return malloc(size);
}

static void counting_free(void *data, void *p)
{
    live_allocs--;
    free(p);
}

static void history_get_decodes_with_the_given_allocator(void **state)
{
    model_t *m = fx_model(0, 0, 0);
    ProtobufCAllocator alloc = { counting_alloc, counting_free, NULL };

    fold_numbered(m, 1);
    live_allocs = 0;
    Proto__LogEntry *e = model_history_get(m, 0, &alloc);
    assert_non_null(e);
    assert_true(live_allocs > 0);
    assert_string_equal(e->event->buildevent->artifact, "artifact-1");
    protobuf_c_message_free_unpacked(&e->base, &alloc);
    assert_int_equal(live_allocs, 0);
    model_free(m);
}

static void history_bytes_stay_flat_once_the_ring_is_full(void **state)
{
    model_t *m = fx_model(10, 0, 0);

    assert_int_equal(model_history_bytes(m), 0);
    /* Same-sized entries: names of two digits, timestamps below 128 s. */
    for (int i = 10; i < 20; i++)
        fold_numbered(m, i);
    size_t full = model_history_bytes(m);
    assert_true(full > 10 * 20);
    for (int i = 20; i < 60; i++)
        fold_numbered(m, i);
    assert_int_equal(model_history_bytes(m), full);
    model_free(m);
}

/* ~120-byte entries, as the header promises: a resource poll. */
static Proto__LogEntry *poll_entry(void)
{
    return fx_entry(1628709588 * SEC + 719236104,
                    ev_resource("deployment/skaffold-helm", "In Progress",
                                "waiting for rollout to finish", 304, NULL),
                    "Resource deployment/app status updated");
}

static void history_of_100000_entries_costs_about_15_megabytes(void **state)
{
    model_t *m = fx_model(0, 0, 0);
    Proto__LogEntry *e = poll_entry();
    size_t packed = protobuf_c_message_get_packed_size(&e->base);
    struct mallinfo2 before = mallinfo2();

    assert_in_range(packed, 100, 140);
    for (int i = 0; i < MODEL_HISTORY_DEFAULT + 500; i++)
        model_fold(m, e);
    struct mallinfo2 after = mallinfo2();
    assert_int_equal(model_history_first(m), 500);
    size_t bytes = model_history_bytes(m);
    print_message("history: %zu entries of %zu bytes, %zu bytes accounted, heap grew %zu\n",
                  (size_t)MODEL_HISTORY_DEFAULT, packed, bytes,
                  after.uordblks - before.uordblks);
    assert_true(bytes <= (size_t)MODEL_HISTORY_DEFAULT * (packed + 16));
    /* The heap itself, when glibc malloc is the one in use (sanitizers and
     * valgrind replace it and report nothing here). */
    if (after.uordblks > before.uordblks)
        assert_true(after.uordblks - before.uordblks < 16u * 1024 * 1024);
    protobuf_c_message_free_unpacked(&e->base, NULL);
    model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(history_keeps_every_entry_below_the_cap),
        cmocka_unit_test(history_keeps_the_bytes_as_received),
        cmocka_unit_test(history_ring_wrap_keeps_the_newest_cap_entries),
        cmocka_unit_test(history_decoding_round_trips_every_field),
        cmocka_unit_test(history_keeps_entries_without_an_event),
        cmocka_unit_test(history_get_decodes_with_the_given_allocator),
        cmocka_unit_test(history_bytes_stay_flat_once_the_ring_is_full),
        cmocka_unit_test(history_of_100000_entries_costs_about_15_megabytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
