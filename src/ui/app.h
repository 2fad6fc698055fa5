/* The viewer's state, shared by the engine's files of src/ui (ui.c, input.c,
 * render.c, the overlays, requests.c...). One ui_t per process; everything
 * here runs on the libuv loop thread. A pane never sees it: the engine hands
 * a pane a pane_ctx_t (ui_ctx) and carries out the pane_req_t it hands back
 * (ui_req_apply); tools/check_layers.sh fails a pane file naming ui_t. */
#ifndef SKVIEW_UI_APP_H
#define SKVIEW_UI_APP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <uv.h>
#include "skaffold/model.h"
#include "core/pbjson.h"
#include "session/session.h"
#include "ui/config.h"
#include "ui/layout.h"
#include "ui/loopstat.h"
#include "ui/prompt_hist.h"
#include "ui/view.h"

#define UI_FRAME_MS 35         /* under 30 frames a second, with room for a key's own frame */
#define UI_FPS_MAX 30          /* frames in any second, with the keys' own */
#define UI_FPS_PACED 26        /* ...of which the paced: room for keys' frames (drawn at once) */
_Static_assert(UI_FPS_PACED <= LOOPSTAT_FPS_RING, "the frames paced are among those loopstat keeps");
#define UI_ANIM_MS 125         /* spinner and countdown, only while running */
#define UI_MSG_MS 5000         /* a message on the status line, then gone */
#define UI_MSG_ERROR_MS 10000  /* an error message */
#define UI_SIGNALS 5           /* WINCH INT TERM HUP TSTP */

typedef struct ui ui_t;

typedef enum ui_source {
    UI_SOURCE_LIVE,
    UI_SOURCE_REPLAY,
} ui_source_t;

typedef enum ui_prompt_mode {
    UI_PROMPT_FILTER,          /* the focused pane's filter, applied as typed */
    UI_PROMPT_PRUNE,           /* prune options (bk_prune.c) */
    UI_PROMPT_CONFIRM,         /* y/N before pruning */
    UI_PROMPT_PANE,            /* the focused pane's own prompt (view_ops.prompt) */
    UI_PROMPT_ASK,             /* a yes/no question: y answers yes, any other key no */
} ui_prompt_mode_t;

typedef enum ui_overlay {
    UI_OVERLAY_NONE,
    UI_OVERLAY_HELP,
    UI_OVERLAY_DETAILS,
} ui_overlay_t;

struct ui {
    uv_loop_t *loop;
    model_t *model;            /* session.model */
    ui_config_t cfg;
    ui_source_t source;
    bool ascii;                /* the locale is not UTF-8 */
    bool headless;             /* --dump-screen: no terminal */
    int cols, rows;
    layout_t layout;
    view_t views[PANE__COUNT];
    pane_ctx_t pc;             /* what the panes read (ui_ctx) */
    int focus;
    bool zoom;                 /* the focused pane alone, full screen */
    int focus_back;            /* focused before Logs: where leaving the Logs
                                * view goes when Logs has no place in the layout */

    /* The session (session.h) owns the sources (live client or replay,
     * recorder), the model and the commands; the viewer reads it and sends
     * it commands. model is the session's, for the panes to read. */
    session_t session;

    /* status line: the result of the last action, until it expires
     * (UI_MSG_MS, UI_MSG_ERROR_MS after it was set) */
    char msg[512];
    bool msg_error;
    uint64_t msg_ms;           /* uv_now when set */
    uv_timer_t msg_timer;      /* the redraw when it expires */

    /* overlays and the filter prompt */
    ui_overlay_t overlay;
    strbuf_t popup;            /* details text (raw; sanitised when drawn) */
    char popup_title[160];
    int popup_top;
    uint64_t click_ms;         /* the last left press (uv_now), for a double click */
    int click_y, click_x;
    int popup_anchor;          /* the popup's line (before wrapping) to open
                                * at, once wrapped; -1: none */
    bool prompting;
    ui_prompt_mode_t prompt_mode;
    char prompt_label[256];
    char prompt[PATH_MAX + 4]; /* a path of PATH_MAX bytes or more is refused */
    char prompt_saved[PROMPT_HIST_LEN];
    bool prompt_history;       /* Up/Down walk prompt_hist, Enter adds to it */
    prompt_hist_t prompt_hist; /* the / texts, shared by every pane */
    int (*ask)(ui_t *ui, bool yes); /* UI_PROMPT_ASK's answer; prompt kept */

    /* BuildKit (ui/bk.h): NULL unless in use; bk_gen counts its changes so the
     * view engine's filter index sees them. */
    struct ui_bk *bk;
    uint64_t bk_gen;

    /* rendering */
    uv_timer_t frame_timer, anim_timer;
    uv_timer_t crash_timer;     /* SKVIEW_DEBUG_CRASH=MS: the terminal-restore test */
    uv_poll_t input;
    uv_signal_t signals[UI_SIGNALS];
    bool frame_pending;        /* a frame waits for the terminal (termout.h) */
    uint64_t frames, requests;
    loopstat_t loopstat;       /* turns, frames and keys timed (SKVIEW_STATS); the frames' times pace them */
    unsigned anim_tick;
    bool quit;
    int exit_code;

    /* --notify: -1 unknown, 0 healthy, 1 failing */
    bool notify;
    int health;

    strbuf_t scratch;
};

/* ui.c */
/* requests.c: the pane context, brought up to date (the clock, the models): what every
 * call into a pane, the view engine or draw.h gets. */
const pane_ctx_t *ui_ctx(ui_t *ui);
/* requests.c: carries out what a pane asked for (pane_ctx.h), frees req,
 * and returns flags (the pane's UI_* result). */
int ui_req_apply(ui_t *ui, pane_req_t *req, int flags);
/* requests.c: an action for view v's pane, then for the view engine
 * (view_action); a prompt event for it. The requests carried out; UI_*
 * flags (UI_PASS: neither took the action). */
int ui_pane_action(ui_t *ui, view_t *v, action_t a);
int ui_pane_prompt(ui_t *ui, view_t *v, pane_prompt_ev_t ev);
void ui_request_redraw(ui_t *ui);
void ui_message(ui_t *ui, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Whether the status line's message is older than its time on screen. */
bool ui_message_expired(const ui_t *ui);
/* "Now" for durations: the newest entry's time in a replay, the clock live. */
int64_t ui_now_ns(const ui_t *ui);
int ui_text_flags(const ui_t *ui);
/* Writes a control sequence of our own (OSC 52, title, bell) to the terminal. */
void ui_term_write(ui_t *ui, const char *seq, size_t len);

/* render.c: one full frame into the curses screen (no refresh). */
void ui_render(ui_t *ui);
/* render.c: the layout for the size, focus and zoom of now (ui->layout). */
void ui_layout(ui_t *ui);
/* Whether pane p exists now (Debugging: containers; BuildKit's: ui/bk.h). */
bool ui_pane_present(ui_t *ui, int p);
/* Whether something on screen moves by itself (spinner, countdown). */
bool ui_animating(ui_t *ui);

/* header.c, statusline.c */
void header_draw(ui_t *ui, rect_t r);
void statusline_draw(ui_t *ui, rect_t r);
/* statusline.c: why action a does nothing in the viewer's mode (live or
 * replay, BuildKit or not), or NULL when it does something (the hints and
 * the help show what applies). */
const char *ui_action_off(const ui_t *ui, action_t a);

/* input.c: one key or mouse event from curses; returns UI_* flags. */
int input_key(ui_t *ui, int key);
/* Asks question (the label) on the status line; the next key answers:
 * answer(ui, yes) with yes for y, and ui->prompt as it was. */
void ui_ask(ui_t *ui, const char *question, int (*answer)(ui_t *ui, bool yes));
/* Opens the prompt in mode (label and text are the caller's) in place of
 * the message; history: a / prompt, with Up/Down through the texts given
 * before. */
void ui_prompt_open(ui_t *ui, ui_prompt_mode_t mode, bool history);
int input_dispatch(ui_t *ui, action_t a);

/* help.c, details.c: overlays */
void help_draw(ui_t *ui);
int help_action(ui_t *ui, action_t a);
void details_open(ui_t *ui);
/* The details popup of view v's source row `row`. */
void details_open_row(ui_t *ui, view_t *v, size_t row);
void details_draw(ui_t *ui);
int details_action(ui_t *ui, action_t a);
/* Scrolling keys of a popup (help, details): moves popup_top, last being the
 * top for G; any other action closes the popup. Returns UI_REDRAW. */
int popup_action(ui_t *ui, action_t a, int last);

/* control.c: the dev-loop control keys and replay keys. */
int control_action(ui_t *ui, action_t a);
void ui_notify_check(ui_t *ui);


/* dump.c: the headless screen as text. */
int dump_screen(ui_t *ui, FILE *out);

#endif
