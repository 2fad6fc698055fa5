/* Recordings holding a whole Skaffold 2.x session: v1 entries, v2 Events and
 * v2 ApplicationLogs records written by the recorder and read back in order;
 * a torn tail and damage in the middle lose only what they touch; kinds a
 * reader does not know are passed over; a reconnect's replay of either v2
 * stream is not recorded twice. Inputs are the real-form files in
 * tests/data; expected values come from reading them. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "sources/logreader.h"
#include "sources/rec_live.h"
#include "sources/rec_format.h"

#define FILE_V1 "tests/data/skaffold-2x-events.jsonl"
#define FILE_V2 "tests/data/skaffold-2x-events.jsonl.v2"
#define GW_APPLOGS "tests/data/gateway-applogs.v2.jsonl"

/* Items of a file, each packed, with what it was. */
typedef struct packed {
    int kind;                 /* RECORD_* */
    size_t len;
    uint8_t *data;
} packed_t;

typedef struct list {
    packed_t *v;
    size_t n, cap;
} list_t;

static void add(list_t *l, int kind, const ProtobufCMessage *m)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        assert_non_null(l->v);
    }
    packed_t *p = &l->v[l->n++];
    p->kind = kind;
    p->len = protobuf_c_message_get_packed_size(m);
    p->data = malloc(p->len + 1);
    protobuf_c_message_pack(m, p->data);
}

static void add_item(list_t *l, const log_item_t *it)
{
    if (it->entry) add(l, RECORD_LOG_ENTRY, &it->entry->base);
    else add(l, it->stream == V2_APPLOGS ? RECORD_V2_APPLOG : RECORD_V2_EVENT, &it->v2->base);
}

static void list_free(list_t *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i].data);
    free(l->v);
    memset(l, 0, sizeof *l);
}

typedef struct errs {
    int n;
    char last[512];
} errs_t;

static void on_error(void *ctx, const char *where, const char *msg, bool fatal)
{
    (void)fatal;
    errs_t *e = ctx;
    e->n++;
    snprintf(e->last, sizeof e->last, "%s: %s", where, msg);
}

/* Every item of path, in order; errors counted. */
static void read_all(const char *path, list_t *l, errs_t *e)
{
    char err[256];
    logreader_t *r = logreader_open(path, NULL, err, sizeof err);
    assert_non_null(r);
    memset(e, 0, sizeof *e);
    source_sink_t sink = {.ctx = e, .on_error = on_error};
    log_item_t it;
    while (logreader_next_item(r, &sink, &it) == 1) add_item(l, &it);
    logreader_close(r);
}

static bool same(const packed_t *a, const packed_t *b)
{
    return a->kind == b->kind && a->len == b->len && !memcmp(a->data, b->data, a->len);
}

/* A recording of the three files interleaved as a live session would be:
 * v1 and v2 events alternating, app logs after. *want holds what went in. */
static void make_recording(char *path, list_t *want)
{
    list_t v1 = {0}, v2 = {0}, app = {0};
    errs_t e;
    read_all(FILE_V1, &v1, &e);
    read_all(FILE_V2, &v2, &e);
    read_all(GW_APPLOGS, &app, &e);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    recording_writer_t w;
    const char *note;
    char err[256];
    assert_int_equal(recording_open_append(&w, path, &note, err, sizeof err), 0);
    size_t i = 0, j = 0, k = 0;
    memset(want, 0, sizeof *want);
    while (i < v1.n || j < v2.n || k < app.n) {
        const packed_t *p = i < v1.n && (i <= j || j >= v2.n) ? &v1.v[i++] : j < v2.n ? &v2.v[j++] : &app.v[k++];
        const ProtobufCMessageDescriptor *d = p->kind == RECORD_LOG_ENTRY ? &proto__log_entry__descriptor
                                                                          : &proto__v2__event__descriptor;
        ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, p->len, p->data);
        assert_non_null(m);
        assert_int_equal(recording_write(&w, p->kind, m), 0);
        add(want, p->kind, m);
        protobuf_c_message_free_unpacked(m, NULL);
    }
    assert_int_equal(w.records, want->n);
    recording_close(&w);
    list_free(&v1);
    list_free(&v2);
    list_free(&app);
}

static void round_trip_in_order(void **state)
{
    (void)state;
    char path[] = "/tmp/skview-rec-XXXXXX";
    list_t want, got = {0};
    make_recording(path, &want);
    errs_t e;
    read_all(path, &got, &e);
    assert_int_equal(e.n, 0);
    assert_int_equal(got.n, want.n);
    int kinds[5] = {0};
    for (size_t i = 0; i < want.n; i++) {
        assert_true(same(&got.v[i], &want.v[i]));
        kinds[want.v[i].kind]++;
    }
    assert_true(kinds[RECORD_LOG_ENTRY] > 0 && kinds[RECORD_V2_EVENT] > 0 && kinds[RECORD_V2_APPLOG] > 0);
    /* The pump hands each to its callback; a v1-only pull passes v2 over. */
    char err[256];
    logreader_t *r = logreader_open(path, NULL, err, sizeof err);
    const Proto__LogEntry *en;
    int n = 0;
    while (logreader_next(r, NULL, &en) == 1) n++;
    assert_int_equal(n, kinds[RECORD_LOG_ENTRY]);
    assert_int_equal(logreader_format(r), LOG_RECORDING);
    logreader_close(r);
    list_free(&want);
    list_free(&got);
    unlink(path);
}

/* Offsets of the records (after the magic). */
static size_t record_offsets(const char *path, size_t *off, size_t max, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    size_t n = 0, at = RECORDING_MAGIC_LEN;
    unsigned char h[4];
    while (at < *size && n < max) {
        fseek(f, (long)at, SEEK_SET);
        assert_int_equal(fread(h, 1, 4, f), 4);
        off[n++] = at;
        at += RECORDING_HEADER_LEN + (h[0] | h[1] << 8 | h[2] << 16 | (size_t)h[3] << 24);
    }
    fclose(f);
    return n;
}

static void torn_tail_keeps_the_rest(void **state)
{
    (void)state;
    char path[] = "/tmp/skview-rec-XXXXXX";
    list_t want, got = {0};
    make_recording(path, &want);
    size_t off[4096], size;
    size_t n = record_offsets(path, off, 4096, &size);
    assert_int_equal(n, want.n);
    assert_int_equal(truncate(path, (off_t)(off[n - 1] + (size - off[n - 1]) / 2)), 0);
    errs_t e;
    read_all(path, &got, &e);
    assert_int_equal(e.n, 1);
    assert_non_null(strstr(e.last, "torn last record"));
    assert_int_equal(got.n, want.n - 1);
    for (size_t i = 0; i < got.n; i++) assert_true(same(&got.v[i], &want.v[i]));
    /* Appending cuts the tear and goes on after the intact records. */
    recording_writer_t w;
    const char *note;
    char err[256];
    assert_int_equal(recording_open_append(&w, path, &note, err, sizeof err), 0);
    assert_non_null(note);
    recording_close(&w);
    list_free(&want);
    list_free(&got);
    unlink(path);
}

static void flip(const char *path, size_t at)
{
    int fd = open(path, O_RDWR);
    unsigned char b;
    assert_int_equal(pread(fd, &b, 1, (off_t)at), 1);
    b ^= 0x5a;
    assert_int_equal(pwrite(fd, &b, 1, (off_t)at), 1);
    close(fd);
}

/* A flipped byte inside a v2 record (its CRC fails), and one in another's
 * length: each loses that record only, reported at its byte offset. */
static void damage_in_the_middle(void **state)
{
    (void)state;
    char path[] = "/tmp/skview-rec-XXXXXX";
    list_t want, got = {0};
    make_recording(path, &want);
    size_t off[4096], size;
    size_t n = record_offsets(path, off, 4096, &size);
    size_t a = n / 3, b = 2 * n / 3;
    while (want.v[a].kind != RECORD_V2_EVENT) a++;
    while (want.v[b].kind != RECORD_V2_APPLOG) b++;
    flip(path, off[a] + RECORDING_HEADER_LEN + want.v[a].len / 2);
    flip(path, off[b]); /* the low byte of its length */
    errs_t e;
    read_all(path, &got, &e);
    assert_int_equal(e.n, 2);
    char at[64];
    snprintf(at, sizeof at, "damaged record at byte %zu ", off[b]);
    assert_non_null(strstr(e.last, at));
    assert_int_equal(got.n, want.n - 2);
    for (size_t i = 0, j = 0; i < want.n; i++) {
        if (i == a || i == b) continue;
        assert_true(same(&got.v[j++], &want.v[i]));
    }
    list_free(&want);
    list_free(&got);
    unlink(path);
}

/* A kind this reader does not know (a newer skview's) is passed over
 * quietly, like BuildKit's records, and does not stop resynchronising. */
static void unknown_kind_is_passed_over(void **state)
{
    (void)state;
    char path[] = "/tmp/skview-rec-XXXXXX";
    list_t want, got = {0};
    make_recording(path, &want);
    /* One record of kind 77 appended by hand: length, CRC of kind + payload. */
    unsigned char rec[RECORDING_HEADER_LEN + 3] = {3, 0, 0, 0, 0, 0, 0, 0, 77, 'a', 'b', 'c'};
    uint32_t crc = crc32c(0, rec + 8, 4);
    for (int i = 0; i < 4; i++) rec[4 + i] = (unsigned char)(crc >> (8 * i));
    int fd = open(path, O_WRONLY | O_APPEND);
    assert_int_equal(write(fd, rec, sizeof rec), (ssize_t)sizeof rec);
    close(fd);
    errs_t e;
    read_all(path, &got, &e);
    assert_int_equal(e.n, 0);
    assert_int_equal(got.n, want.n);
    list_free(&want);
    list_free(&got);
    unlink(path);
}

/* Reconnects: Events replays its whole history, ApplicationLogs the current
 * dev loop's lines; neither replay is recorded twice, what follows is. */
static void recorder_skips_replays_of_both_streams(void **state)
{
    (void)state;
    list_t v2 = {0}, app = {0};
    errs_t e;
    read_all(FILE_V2, &v2, &e);
    read_all(GW_APPLOGS, &app, &e);
    char path[] = "/tmp/skview-rec-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    recorder_t rec;
    const char *note;
    char err[256];
    assert_int_equal(recorder_open(&rec, path, &note, err, sizeof err), 0);
    Proto__V2__Event *ev[4096];
    for (size_t i = 0; i < v2.n; i++)
        ev[i] = (void *)protobuf_c_message_unpack(&proto__v2__event__descriptor, NULL, v2.v[i].len, v2.v[i].data);
    Proto__V2__Event *ap[256];
    for (size_t i = 0; i < app.n; i++)
        ap[i] = (void *)protobuf_c_message_unpack(&proto__v2__event__descriptor, NULL, app.v[i].len, app.v[i].data);
    size_t half = v2.n / 2, ahalf = app.n / 2;
    for (size_t i = 0; i < half; i++) assert_int_equal(recorder_v2(&rec, ev[i], V2_EVENTS), DEDUP_NEW);
    for (size_t i = 0; i < ahalf; i++) assert_int_equal(recorder_v2(&rec, ap[i], V2_APPLOGS), DEDUP_NEW);
    /* Both streams come back: Events from the start, logs from line 3. */
    recorder_v2_reset(&rec, V2_EVENTS);
    recorder_v2_reset(&rec, V2_APPLOGS);
    for (size_t i = 0; i < v2.n; i++)
        assert_int_equal(recorder_v2(&rec, ev[i], V2_EVENTS), i < half ? DEDUP_OLD : DEDUP_NEW);
    for (size_t i = 3; i < app.n; i++)
        assert_int_equal(recorder_v2(&rec, ap[i], V2_APPLOGS), i < ahalf ? DEDUP_OLD : DEDUP_NEW);
    assert_int_equal(rec.written, 0); /* v1 entries */
    assert_int_equal(rec.written_v2, v2.n + app.n);
    assert_int_equal(rec.skipped, half + ahalf - 3);
    recorder_close(&rec);
    list_t got = {0};
    read_all(path, &got, &e);
    assert_int_equal(e.n, 0);
    assert_int_equal(got.n, v2.n + app.n);
    size_t nv = 0, na = 0;
    for (size_t i = 0; i < got.n; i++) {
        if (got.v[i].kind == RECORD_V2_EVENT) assert_true(same(&got.v[i], &v2.v[nv++]));
        else assert_true(got.v[i].kind == RECORD_V2_APPLOG && same(&got.v[i], &app.v[na++]));
    }
    assert_int_equal(nv, v2.n);
    assert_int_equal(na, app.n);
    for (size_t i = 0; i < v2.n; i++) protobuf_c_message_free_unpacked(&ev[i]->base, NULL);
    for (size_t i = 0; i < app.n; i++) protobuf_c_message_free_unpacked(&ap[i]->base, NULL);
    list_free(&v2);
    list_free(&app);
    list_free(&got);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_in_order),
        cmocka_unit_test(torn_tail_keeps_the_rest),
        cmocka_unit_test(damage_in_the_middle),
        cmocka_unit_test(unknown_kind_is_passed_over),
        cmocka_unit_test(recorder_skips_replays_of_both_streams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
