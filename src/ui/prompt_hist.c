/* The / prompts' history; see prompt_hist.h. */
#include <stdio.h>
#include <string.h>
#include "ui/prompt_hist.h"

void prompt_hist_init(prompt_hist_t *h)
{
    memset(h, 0, sizeof *h);
    h->at = -1;
}

void prompt_hist_begin(prompt_hist_t *h)
{
    h->at = -1;
    h->draft[0] = 0;
}

void prompt_hist_push(prompt_hist_t *h, const char *text)
{
    h->at = -1;
    if (!text || !*text)
        return;
    int i = 0; /* where it is now, or the last slot: dropped either way */
    while (i < h->n && strcmp(h->item[i], text))
        i++;
    if (i == h->n && h->n < PROMPT_HIST_MAX)
        h->n++;
    if (i == h->n)
        i = h->n - 1;
    memmove(h->item[1], h->item[0], (size_t)i * PROMPT_HIST_LEN);
    snprintf(h->item[0], PROMPT_HIST_LEN, "%s", text);
}

bool prompt_hist_move(prompt_hist_t *h, int dir, char *line, size_t len)
{
    int to = h->at + (dir > 0 ? 1 : -1);
    if (to >= h->n || to < -1)
        return false;
    if (h->at == -1)
        snprintf(h->draft, sizeof h->draft, "%s", line);
    h->at = to;
    snprintf(line, len, "%s", to == -1 ? h->draft : h->item[to]);
    return true;
}
