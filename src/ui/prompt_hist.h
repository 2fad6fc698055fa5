/* The history of the / prompts (a pane's filter, the Logs search): the
 * texts given with Enter, newest first, without repeats, at most
 * PROMPT_HIST_MAX of PROMPT_HIST_LEN - 1 bytes. Up and Down walk it as a
 * shell does: Up from the line being edited keeps that line (the draft) and
 * shows the newest text, Down past the newest gives the draft back. Pure
 * (no curses), so it is unit-tested. */
#ifndef SKVIEW_UI_PROMPT_HIST_H
#define SKVIEW_UI_PROMPT_HIST_H

#include <stdbool.h>
#include <stddef.h>

#define PROMPT_HIST_MAX 32
#define PROMPT_HIST_LEN 128

typedef struct prompt_hist {
    char item[PROMPT_HIST_MAX][PROMPT_HIST_LEN]; /* [0] the newest */
    int n;
    int at;                       /* the item shown; -1: the draft */
    char draft[PROMPT_HIST_LEN];
} prompt_hist_t;

void prompt_hist_init(prompt_hist_t *h);
/* A prompt opens: the walk starts at the draft. */
void prompt_hist_begin(prompt_hist_t *h);
/* Enter with text: it becomes the newest (an empty text is not kept). */
void prompt_hist_push(prompt_hist_t *h, const char *text);
/* Up (dir > 0, older) or Down (dir < 0, newer) from the prompt's line (len
 * bytes); the line becomes the item. False, line untouched, at either end. */
bool prompt_hist_move(prompt_hist_t *h, int dir, char *line, size_t len);

#endif
