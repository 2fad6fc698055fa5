/* The Logs view's private block, shared by pane_logs.c (drawing, moving)
 * and logs_act.c (filters, search, jump, copy, save). */
#ifndef SKVIEW_UI_LOGS_PRIV_H
#define SKVIEW_UI_LOGS_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include "core/bre.h"
#include "skaffold/logs.h"
#include "ui/logs_index.h"
#include "ui/logs_line.h"
#include "ui/view.h"

typedef enum lv_prompt {
    LV_PROMPT_NONE,
    LV_PROMPT_SEARCH,
    LV_PROMPT_SAVE,
} lv_prompt_t;

typedef struct lv_priv {
    log_filter_t f;            /* what the view shows */
    log_filter_t hl;           /* the / text alone: highlights, n/N */
    uint64_t fgen;             /* moves with every change of f */
    logs_index_t idx;          /* seqs passing f */
    char text[BRE_MAX_PATTERN + 1]; /* the / text (a longer one is refused) */
    bool regex;                /* the text is a regular expression */
    bool only;                 /* f holds the text too: only matching lines */
    bool wrap, times;
    /* Position: the cursor's line and the first line on screen (seqs, so
     * they hold while lines come and go), rows of the top line above the
     * screen (wrapped), and the selection's other end (0: none). While
     * following (view.follow) the cursor is the newest line. */
    uint64_t cur, top, mark;
    int top_skip;
    lv_prompt_t prompt;
    char saved_text[BRE_MAX_PATTERN + 1];
    lv_layout_t lay;
    bool ready;                /* filters initialised */
} lv_priv_t;

/* pane_logs.c */
lv_priv_t *lv_priv(const pane_ctx_t *pc, view_t *v);
/* The index brought up to date with the model's ring. */
void lv_sync(const pane_ctx_t *pc, view_t *v);
/* The seq under the cursor (the newest shown while following); 0 if none. */
uint64_t lv_cursor(const pane_ctx_t *pc, view_t *v);
/* Lines shown after the cursor's while not following (0 following). */
size_t lv_below(const pane_ctx_t *pc, view_t *v);
/* The filter changed: the index rebuilds on the next sync. */
void lv_filter_changed(lv_priv_t *p);
/* Puts the cursor on seq (following stops) or follows. */
void lv_goto(view_t *v, uint64_t seq);

/* logs_act.c: filter, search, copy, save actions and the prompts. */
int lv_action(const pane_ctx_t *pc, view_t *v, action_t a, pane_req_t *req);
int lv_prompt(const pane_ctx_t *pc, view_t *v, pane_prompt_ev_t ev, const char *text,
              pane_req_t *req);
void lv_describe(const pane_ctx_t *pc, view_t *v, char *buf, size_t len);
/* Why the / text's regular expression was given up, or NULL. */
const char *lv_spent(const lv_priv_t *p);

#endif
