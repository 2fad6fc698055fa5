/* What a pane sees and what it may ask for: a pane (src/ui/pane_*.c and the
 * Logs pane's logs_*.c) never gets the viewer's state (ui_t, ui/app.h).
 *
 * pane_ctx_t is what panes read: the Skaffold model, BuildKit's model, the
 * clock, the animation tick and the draw surface. The engine (ui.c:
 * ui_ctx()) fills it before it calls a pane; a pane only reads it (the
 * views it points to excepted: log-jump moves the Logs view).
 *
 * pane_req_t is what a pane's action or prompt asks of the viewer: focus
 * another pane, say a message, open the details popup, open a prompt or a
 * yes/no question, copy text to the clipboard, send BuildKit a command.
 * The engine zeroes it (pane_req_init) before the call and carries it out
 * after (ui_req_apply), in that order: BuildKit command, expand, focus,
 * prompt, details, copy, message. The action's return value stays the UI_*
 * flags (view.h): redraw, quit, or pass the action on. */
#ifndef SKVIEW_UI_PANE_CTX_H
#define SKVIEW_UI_PANE_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buildkit/bk_model.h"
#include "core/strbuf.h"
#include "session/bk_session.h"
#include "skaffold/model.h"

typedef struct view view_t;

/* What terminals take in one clipboard sequence, about (bytes before
 * encoding; ui/osc52.h). */
#define PANE_COPY_MAX 100000

typedef struct pane_ctx {
    const model_t *model;      /* Skaffold's model (the session's) */
    const bk_model_t *bk;      /* BuildKit's model; NULL unless in use (ui/bk.h) */
    bk_time_t bk_now;          /* "now" for BuildKit: the clock, or the replay's */
    long bk_expanded;          /* the vertex whose whole log the Build pane shows, -1 */
    bool bk_picking;           /* the Build pane lists the daemon's builds */
    bool bk_live;              /* BuildKit: a daemon, not a replay */
    uint64_t bk_gen;           /* counts BuildKit's changes (view_generation) */
    int64_t now_ns;            /* "now" for durations: the clock, or the replay's */
    bool v1_only;              /* the server has no v2 API (no log lines ever) */
    unsigned anim_tick;        /* the spinner's frame */
    int focus;                 /* the focused pane (pane_id_t) */
    view_t *views;             /* every pane's view, by pane_id_t */
    /* The draw surface (draw.h): glyph set, screen size, a scratch buffer. */
    bool ascii;                /* the locale is not UTF-8 */
    int cols, rows;
    strbuf_t *scratch;
} pane_ctx_t;

/* The pane's own prompt (view_ops.prompt): each edit, Enter, Esc, and the
 * answer to a yes/no question it asked (pane_ask). */
typedef enum pane_prompt_ev {
    PANE_PROMPT_EDIT,
    PANE_PROMPT_ENTER,
    PANE_PROMPT_ESC,
    PANE_PROMPT_YES,
    PANE_PROMPT_NO,
} pane_prompt_ev_t;

typedef struct pane_req {
    int focus;                 /* focus this pane; -1: no change */
    bool msg_set, msg_error;   /* the status line's message */
    char msg[512];
    bool msg_clear;            /* clear the status line's message */
    bool details;              /* open the details popup on details_row */
    size_t details_row;
    /* The pane's prompt with label and text, or a yes/no question (label;
     * the text stays); keep_prompt: the prompt stays open after Enter. */
    bool prompt, prompt_history, ask, keep_prompt;
    char prompt_label[256];
    char prompt_text[4100];
    strbuf_t copy;             /* to the clipboard (OSC 52) when copy_set */
    bool copy_set, copy_raw;   /* raw: made safe first, "copied WHAT: ..." said */
    char copy_what[64];
    bool bk_cmd_set;           /* a BuildKit session command */
    bk_session_cmd_t bk_cmd;
    bk_cmd_arg_t bk_arg;
    char bk_follow[256];       /* follow this build (a pick); "" none */
    bool bk_follow_running;    /* it runs: follow every build from it on */
    bool bk_expand_set;        /* the Build pane's expanded vertex becomes */
    long bk_expand;            /* bk_expand (-1: none) */
} pane_req_t;

void pane_req_init(pane_req_t *r);
void pane_req_free(pane_req_t *r);
/* The status line's message (printf-style); the last one said wins. */
void pane_say(pane_req_t *r, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Text to the clipboard: made safe already (copy), or from the wire or the
 * model (copy_text: made inert, then "copied WHAT: its first line"). */
void pane_copy(pane_req_t *r, const char *text, size_t len);
void pane_copy_text(pane_req_t *r, const char *raw, size_t len, const char *what);
/* Opens the pane's own prompt (label, text) or asks a yes/no question. */
void pane_prompt(pane_req_t *r, bool history, const char *label, const char *text);
void pane_ask(pane_req_t *r, const char *question);

/* textsafe() flags for the context (ASCII). */
int pane_text_flags(const pane_ctx_t *c);

#endif
