/* A BuildKit build replayed from a file (rawjson or a skview recording) into
 * the Build pane, paced by the times inside the messages as Skaffold's
 * replay paces entries, with the same pacer (live/pacer.h: speeds, pause,
 * step, the cap on long gaps), next error, and --at END or a message number. The file is scanned once at
 * open (length, where errors appear) and read as a stream; seeking back
 * reopens it and folds again from the start. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/common.h"
#include "sources/bk_reader.h"
#include "sources/input.h"
#include "sources/recording.h"
#include "sources/pacer.h"
#include "ui/bk.h"
#include "ui/draw.h"

struct bk_replay {
    ui_t *ui;
    pacer_t pacer;              /* the timer, the speed, paused */
    char *path;
    bk_reader_t *reader;
    const Moby__Buildkit__V1__StatusResponse *next; /* read ahead, not folded yet */
    uint64_t pos, total;        /* messages folded; in the file */
    uint64_t *errors;           /* message numbers that bring a failure */
    size_t n_errors;
    bool ended;
};

/* ---- detection ------------------------------------------------------------- */

/* Skaffold logs start with "timestamp"/"result"; a SolveStatus with one of
 * these (either key style). */
static bool rawjson_head(const char *s)
{
    static const char *const keys[] = {"\"vertexes\"", "\"statuses\"", "\"logs\"", "\"warnings\""};
    while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
        s++;
    if (*s++ != '{')
        return false;
    while (*s == ' ')
        s++;
    for (int i = 0; i < 4; i++)
        if (!strncasecmp(s, keys[i], strlen(keys[i])))
            return true;
    return false;
}

bool bk_ui_is_file(const char *path)
{
    FILE *f = input_fopen(path);
    if (!f)
        return false;
    char head[512] = {0};
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    if (recording_is_magic(head, n))  /* the kind byte of the first record */
        return n > RECORDING_MAGIC_LEN + 8 && head[RECORDING_MAGIC_LEN + 8] == RECORD_BUILDKIT_STATUS;
    return rawjson_head(head);
}

/* ---- messages --------------------------------------------------------------- */

static bk_time_t max_t(bk_time_t a, const Google__Protobuf__Timestamp *t)
{
    bk_time_t v = bk_time_from_ts(t);
    return v > a ? v : a;
}

/* The newest time in a message: what paces it. */
static bk_time_t msg_time(const Moby__Buildkit__V1__StatusResponse *m)
{
    bk_time_t t = 0;
    for (size_t i = 0; i < m->n_vertexes; i++)
        t = max_t(max_t(t, m->vertexes[i]->started), m->vertexes[i]->completed);
    for (size_t i = 0; i < m->n_statuses; i++)
        t = max_t(max_t(max_t(t, m->statuses[i]->timestamp), m->statuses[i]->started),
                  m->statuses[i]->completed);
    for (size_t i = 0; i < m->n_logs; i++)
        t = max_t(t, m->logs[i]->timestamp);
    return t;
}

static bool msg_fails(const Moby__Buildkit__V1__StatusResponse *m)
{
    for (size_t i = 0; i < m->n_vertexes; i++) {
        const char *e = m->vertexes[i]->error;
        if (e && *e && !strstr(e, "context canceled"))
            return true;
    }
    return false;
}

/* Reads the next good message into r->next (NULL at the end). */
static void read_ahead(bk_replay_t *r)
{
    char err[600];
    int rc;
    r->next = NULL;
    while ((rc = bk_reader_next(r->reader, &r->next, err, sizeof err)) == BK_READ_BAD)
        ui_message(r->ui, true, "%s", err);
    if (rc == BK_READ_FAIL)
        ui_message(r->ui, true, "%s", err);
    if (rc != BK_READ_MSG)
        r->next = NULL;
}

/* Folds r->next and reads the one after. false at the end. */
static bool fold_one(bk_replay_t *r)
{
    if (!r->next) {
        r->ended = true;
        return false;
    }
    pacer_delivered(&r->pacer, msg_time(r->next));
    bk_progress_fold(r->ui->bk->progress, r->next);
    r->pos++;
    read_ahead(r);
    r->ended = r->next == NULL;
    r->ui->bk->status_ended = r->ended; /* the Build pane shows the last frame */
    return true;
}

static int reopen(bk_replay_t *r, char *err, size_t errlen)
{
    bk_reader_close(r->reader);
    r->reader = bk_reader_open(r->path, err, errlen);
    if (!r->reader)
        return -1;
    r->pos = 0;
    pacer_rewind(&r->pacer);
    r->ended = false;
    bk_progress_reset(r->ui->bk->progress);
    read_ahead(r);
    r->ended = r->next == NULL;
    r->ui->bk->status_ended = r->ended;
    return 0;
}

/* One pass over the file: its length and the messages that fail a step. */
static int scan(bk_replay_t *r, char *err, size_t errlen)
{
    bk_reader_t *rd = bk_reader_open(r->path, err, errlen);
    if (!rd)
        return -1;
    const Moby__Buildkit__V1__StatusResponse *m;
    char e[600];
    int rc;
    size_t cap = 0;
    while ((rc = bk_reader_next(rd, &m, e, sizeof e)) != BK_READ_END && rc != BK_READ_FAIL) {
        if (rc != BK_READ_MSG)
            continue;
        r->total++;
        if (!msg_fails(m))
            continue;
        if (r->n_errors == cap && !(r->errors = realloc(r->errors, (cap = cap ? cap * 2 : 8) * sizeof *r->errors)))
            abort();
        r->errors[r->n_errors++] = r->total;
    }
    bk_reader_close(rd);
    return 0;
}

/* ---- pacing ------------------------------------------------------------------- */

static void schedule(bk_replay_t *r);

static void on_tick(pacer_t *p)
{
    bk_replay_t *r = pacer_data(p);
    fold_one(r);
    bk_ui_changed(r->ui);
    schedule(r);
}

/* Arms the timer for the next message, by its time after the last one. */
static void schedule(bk_replay_t *r)
{
    int rc;
    if (r->ended || !r->next)
        pacer_stop(&r->pacer);
    else if ((rc = pacer_arm(&r->pacer, msg_time(r->next))) < 0) {
        r->ended = true;
        ui_message(r->ui, true, "replay timer: %s", uv_strerror(rc));
    }
}

int bk_ui_replay_open(ui_t *ui, const char *path, double speed, unsigned tail_lines, char *err,
                      size_t errlen)
{
    ui_bk_t *b = bk_ui_new(ui, false, tail_lines);
    bk_replay_t *r = calloc(1, sizeof *r);
    if (!r)
        abort();
    b->replay = r;
    r->ui = ui;
    r->path = strdup(path);
    int rc = pacer_init(&r->pacer, ui->loop, speed, true, on_tick, r);
    if (rc < 0) {
        snprintf(err, errlen, "%s: replay timer: %s", path, uv_strerror(rc));
        b->replay = NULL;  /* no timer to close */
        free(r->path);
        free(r);
        return -1;
    }
    snprintf(b->ref, sizeof b->ref, "%s", path);
    if (scan(r, err, errlen) || reopen(r, err, errlen))
        return -1;
    return 0;
}

static void on_timer_closed(uv_handle_t *h)
{
    bk_replay_t *r = h->data;
    bk_reader_close(r->reader);
    free(r->errors);
    free(r->path);
    free(r);
}

void bk_ui_replay_close(ui_t *ui)
{
    bk_replay_t *r = ui->bk ? ui->bk->replay : NULL;
    if (!r)
        return;
    ui->bk->replay = NULL;
    pacer_close(&r->pacer, on_timer_closed);
}

void bk_ui_replay_start(ui_t *ui, bool paused)
{
    bk_replay_t *r = ui->bk->replay;
    pacer_set_paused(&r->pacer, paused);
    schedule(r);
}

static void seek(bk_replay_t *r, uint64_t pos)
{
    char err[600];
    if (pos < r->pos && reopen(r, err, sizeof err)) {
        ui_message(r->ui, true, "%s", err);
        return;
    }
    while (r->pos < pos && fold_one(r))
        ;
    bk_ui_changed(r->ui);
}

int bk_ui_replay_seek(ui_t *ui, const char *at)
{
    bk_replay_t *r = ui->bk->replay;
    unsigned long long n;
    char extra;
    if (!strcmp(at, "END") || !strcmp(at, "end"))
        seek(r, UINT64_MAX);
    else if (sscanf(at, "error:%llu%c", &n, &extra) == 1 && n > r->n_errors)
        return usage_error("--at error:%llu: %s holds %zu error%s", n, r->path, r->n_errors,
                               r->n_errors == 1 ? "" : "s");
    else if (sscanf(at, "error:%llu%c", &n, &extra) == 1)
        seek(r, n ? r->errors[n - 1] : UINT64_MAX);
    else if (sscanf(at, "%llu%c", &n, &extra) == 1)
        seek(r, n);
    else
        return usage_error("--at: END, N or error:N for a BuildKit replay");
    return 0;
}

/* ---- keys --------------------------------------------------------------------- */

static int next_error(bk_replay_t *r)
{
    for (size_t i = 0; i < r->n_errors; i++) {
        if (r->errors[i] > r->pos) {
            pacer_set_paused(&r->pacer, true);
            seek(r, r->errors[i]);
            ui_message(r->ui, false, "paused at an error");
            return UI_REDRAW;
        }
    }
    ui_message(r->ui, false, "no later error");
    return UI_REDRAW;
}

int bk_replay_control(ui_t *ui, action_t a)
{
    bk_replay_t *r = ui->bk->replay;
    if (!r)
        return UI_DONE;
    switch (a) {
    case ACT_PAUSE:
        pacer_set_paused(&r->pacer, !pacer_paused(&r->pacer));
        ui_message(ui, false, "%s", pacer_paused(&r->pacer) ? "paused" : "playing");
        break;
    case ACT_FASTER: pacer_faster(&r->pacer); break;
    case ACT_SLOWER: pacer_slower(&r->pacer); break;
    case ACT_STEP:
        pacer_set_paused(&r->pacer, true);
        if (!fold_one(r))
            ui_message(ui, false, "end of the build");
        break;
    case ACT_NEXT_ERROR: next_error(r); break;
    case ACT_NEXT_ITER: case ACT_PREV_ITER:
        ui_message(ui, false, "a BuildKit replay holds one build");
        break;
    default: return UI_PASS;
    }
    schedule(r);
    bk_ui_changed(ui);
    return UI_REDRAW;
}

void bk_replay_describe(ui_t *ui, char *buf, size_t len)
{
    bk_replay_t *r = ui->bk ? ui->bk->replay : NULL;
    if (!r) {
        snprintf(buf, len, " replay ");
        return;
    }
    char sp[16];
    bool paused = pacer_paused(&r->pacer);
    pacer_speed_name(&r->pacer, sp, sizeof sp);
    snprintf(buf, len, " %s %s %llu/%llu %s ", draw_glyph(ui, paused || r->ended ? GLYPH_PAUSE : GLYPH_PLAY),
             r->ended ? "replay ended" : paused ? "replay paused" : "replaying", (unsigned long long)r->pos,
             (unsigned long long)r->total, sp);
}
