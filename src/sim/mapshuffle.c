/* Map order as Skaffold's server writes it: Go randomizes the iteration of
 * every map, and protobuf-go writes a map field in that order, so each State
 * the server sends lists its maps (artifacts, resources, forwardedPorts,
 * debugPorts, additional) in a fresh random order. (The JSON writer sorts
 * map keys, so only the wire shows it.) */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/pbjson.h"
#include "transport/rpc_int.h"
#include "sim/sim_int.h"

static uint64_t shuffle_rng;

/* xorshift64*, seeded once from the clock and the pid: like Go's, the order
 * is not reproducible from the scenario's --seed, and drawing from it does
 * not change the story the scenario's own generator tells. Callers hold
 * sim.mu. */
static uint64_t shuffle_next(void)
{
    if (shuffle_rng == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        shuffle_rng = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40);
        shuffle_rng |= 1;
    }
    shuffle_rng ^= shuffle_rng >> 12;
    shuffle_rng ^= shuffle_rng << 25;
    shuffle_rng ^= shuffle_rng >> 27;
    return shuffle_rng * 0x2545F4914F6CDD1Dull;
}

/* Fisher-Yates over the entry pointers. */
static void shuffle(ProtobufCMessage **v, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(shuffle_next() % i);
        ProtobufCMessage *t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

/* The message field f of m, if it is set (a oneof member only when chosen). */
static ProtobufCMessage *sub_message(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
    if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
        *(uint32_t *)((char *)m + f->quantifier_offset) != f->id)
        return NULL;
    return *(ProtobufCMessage **)((char *)m + f->offset);
}

void sim_pb_shuffle_maps(ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if (f->label != PROTOBUF_C_LABEL_REPEATED) {
            ProtobufCMessage *sub = sub_message(m, f);
            if (sub)
                sim_pb_shuffle_maps(sub);
            continue;
        }
        size_t n = *(size_t *)((char *)m + f->quantifier_offset);
        ProtobufCMessage **v = *(ProtobufCMessage ***)((char *)m + f->offset);
        if (pbjson_is_map_entry(f->descriptor))
            shuffle(v, n);
        for (size_t k = 0; k < n; k++)
            sim_pb_shuffle_maps(v[k]);
    }
}

grpc_byte_buffer *sim_pack_shuffled(const ProtobufCMessage *state)
{
    ProtobufCMessage *copy = sim_pb_dup(state);
    sim_pb_shuffle_maps(copy);
    grpc_byte_buffer *bb = rpc_pack(copy);
    protobuf_c_message_free_unpacked(copy, NULL);
    return bb;
}
