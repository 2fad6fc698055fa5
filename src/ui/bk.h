/* The viewer's BuildKit side: what the Build, Cache and Workers panes need
 * beyond the session's BuildKit model (session/bk_session.h): which vertex
 * shows its whole log, whether the Build pane lists builds to pick from,
 * and the prune prompts. Every request (follow a build, refresh, prune,
 * sort, the replay keys) is a session command; the answers come back as the
 * model, which the panes read through ui->bk->m.
 *
 * ui->bk is NULL unless BuildKit is in use: --buildkit ADDR, $BUILDKIT_HOST,
 * --ref/--ref-file, or `skview replay` of a BuildKit file. Then Build exists;
 * Cache and Workers exist with a daemon, or in a replay of a recording that
 * holds their answers (skview buildkit du/workers --record). Everything runs
 * on the loop thread; every change bumps ui->bk_gen and asks for a
 * (coalesced) redraw.
 *
 * Order of calls: bk_ui_live() or bk_ui_replay_open() after ui_init;
 * bk_ui_close() when the loop winds down; bk_ui_free() after the loop ran
 * out. */
#ifndef SKVIEW_UI_BK_H
#define SKVIEW_UI_BK_H

#include <stdbool.h>
#include "buildkit/bk_model.h"
#include "buildkit/bk_pruneopts.h"
#include "session/bk_session.h"
#include "ui/app.h"

typedef struct ui_bk {
    bk_session_t *s;            /* the session's BuildKit side */
    const bk_model_t *m;        /* s->model: what the panes draw */
    long expanded;              /* vertex whose whole log is shown, or -1 */
    bool picking;               /* the Build pane lists builds instead */
    bool pick_until_build;      /* the list shown until the first build is followed (no --ref) */
    unsigned shown;             /* BK_SHOWN_*: what the session was last told is on screen */

    /* The prune prompts: the options as typed, and as parsed. */
    char prune_text[BK_PRUNE_TEXT_MAX];
    bk_prune_opts_t prune;
} ui_bk_t;

typedef struct bk_ui_opts {
    const char *addr;           /* --buildkit; NULL: $BUILDKIT_HOST or the default */
    const char *ref, *ref_file;
    unsigned tail_lines;        /* --log-tail; 0: 6 */
} bk_ui_opts_t;

/* --log-tail N (1..1000) into *out (0 when s is NULL); a usage error else. */
int bk_ui_parse_tail(const char *s, unsigned *out);
/* Whether the options ask for BuildKit (an address, $BUILDKIT_HOST or a ref). */
bool bk_ui_wanted(const bk_ui_opts_t *o);
/* Connects and starts the calls. -1 with a sentence on stderr. */
int bk_ui_live(ui_t *ui, const bk_ui_opts_t *o);
void bk_ui_close(ui_t *ui);
void bk_ui_free(ui_t *ui);

/* Whether the file holds BuildKit progress rather than a Skaffold log. */
bool bk_ui_is_file(const char *path);
/* Opens a replay of it (paused until bk_ui_replay_start). -1 with err. */
int bk_ui_replay_open(ui_t *ui, const char *path, double speed, unsigned tail_lines, char *err,
                      size_t errlen);
void bk_ui_replay_start(ui_t *ui, bool paused);
/* --at: END or a message number. -1 (a usage error printed) when bad. */
int bk_ui_replay_seek(ui_t *ui, const char *at);
/* The replay keys (pause, faster, slower, step, next-error). */
int bk_replay_control(ui_t *ui, action_t a);
/* Header text of the replay: position, speed, state. */
void bk_replay_describe(ui_t *ui, char *buf, size_t len);

bool bk_ui_present(ui_t *ui, int pane);
/* After a layout: tells the session whether Cache and Workers are on screen
 * (they are polled only then). */
void bk_ui_shown(ui_t *ui);
/* True while a build runs on screen (its timers move). */
bool bk_ui_animating(ui_t *ui);
/* pick-build, expand, prune, sort-*, refresh outside their panes. */
int bk_ui_action(ui_t *ui, action_t a);
/* "Now" for the BuildKit panes: the clock live, the file's last time replayed. */
bk_time_t bk_ui_now(const ui_t *ui);
/* Something changed: bump the generation, ask for a redraw. */
void bk_ui_changed(ui_t *ui);

/* Follows ref in the Build pane (a pick, an artifact's build): a session
 * command, and the pane back at its top, following. A running build is
 * followed and then every build after it; a finished one is shown alone. */
void bk_ui_follow(ui_t *ui, const char *ref, bool running);

/* bk_prune.c: the two prompts before a Prune, and the command. */
int bk_prune_start(ui_t *ui);
int bk_prune_options_done(ui_t *ui);
int bk_prune_confirm_key(ui_t *ui, int key);

#endif
