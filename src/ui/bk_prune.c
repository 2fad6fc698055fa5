/* Prune from the Cache pane, behind two prompts in the status line: the
 * options (as `skview buildkit prune` takes them, typed as words:
 *   all   filter=EXPR or a bare EXPR with ==, != or ~=   keep-duration=DUR
 *   keep-bytes=SIZE
 * Enter with none prunes unused records), then a y/N naming what goes. The
 * records removed stream into the Cache pane; the table is asked for again
 * when the Prune ends (both by the session: BK_CMD_PRUNE). */
#include <stdio.h>
#include <string.h>
#include "buildkit/bk_format.h"
#include "ui/bk.h"

int bk_prune_start(ui_t *ui)
{
    ui_bk_t *b = ui->bk;
    if (!b->s->live) {
        ui_message(ui, false, "a replay has no cache to prune");
        return UI_REDRAW;
    }
    if (b->m->pruning) {
        ui_message(ui, true, "a prune is running");
        return UI_REDRAW;
    }
    ui->focus = PANE_CACHE;
    ui->prompt_mode = UI_PROMPT_PRUNE;
    snprintf(ui->prompt_label, sizeof ui->prompt_label, "prune options (all filter=F keep-duration=D keep-bytes=N): ");
    snprintf(ui->prompt, sizeof ui->prompt, "%s", b->prune_text);
    ui->prompting = true;
    return UI_REDRAW;
}

/* One word of the options into the request; false when it is not one. */
static bool option(ui_bk_t *b, char *w)
{
    Moby__Buildkit__V1__PruneRequest *p = &b->prune_req;
    if (!strcmp(w, "all") || !strcmp(w, "--all")) {
        p->all = true;
        return true;
    }
    if (!strncmp(w, "keep-duration=", 14))
        return bk_parse_duration(w + 14, &p->keepduration);
    if (!strncmp(w, "keep-bytes=", 11)) /* field 4, as the command sends it */
        return bk_parse_bytes(w + 11, &p->reservedspace);
    if (!strncmp(w, "filter=", 7))
        w += 7;
    else if (!strstr(w, "==") && !strstr(w, "!=") && !strstr(w, "~="))
        return false;
    if (p->n_filter == sizeof b->prune_filters / sizeof b->prune_filters[0])
        return false;
    b->prune_filters[p->n_filter++] = w;
    return true;
}

/* The y/N question, first, then what will go (the daemon is in the header). */
static void question(ui_t *ui)
{
    const Moby__Buildkit__V1__PruneRequest *p = &ui->bk->prune_req;
    strbuf_t q;
    sb_init(&q);
    sb_printf(&q, "Prune? [y/N] %s records", p->all ? "all" : "unused");
    for (size_t i = 0; i < p->n_filter; i++)
        sb_printf(&q, "%s%s", i ? ", " : " where ", p->filter[i]);
    if (p->keepduration) {
        sb_adds(&q, ", keep those used in ");
        bk_format_duration(&q, p->keepduration);
    }
    if (p->reservedspace) {
        sb_adds(&q, ", keep ");
        bk_format_bytes(&q, p->reservedspace);
    }
    sb_adds(&q, " ");
    snprintf(ui->prompt_label, sizeof ui->prompt_label, "%s", q.data);
    sb_free(&q);
}

int bk_prune_options_done(ui_t *ui)
{
    ui_bk_t *b = ui->bk;
    if (strlen(ui->prompt) >= sizeof b->prune_text || strlen(ui->prompt) >= sizeof b->prune_words) {
        ui_message(ui, true, "prune: the options are longer than %zu bytes", sizeof b->prune_text - 1);
        return UI_REDRAW;
    }
    snprintf(b->prune_text, sizeof b->prune_text, "%s", ui->prompt);
    /* The filters point into prune_words, which lives as long as the request. */
    char *words = b->prune_words;
    snprintf(words, sizeof b->prune_words, "%s", ui->prompt);
    moby__buildkit__v1__prune_request__init(&b->prune_req);
    b->prune_req.filter = b->prune_filters;
    char *save = NULL;
    for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (!option(b, w)) {
            ui_message(ui, true, "prune: '%s' is not an option (all, filter=F, keep-duration=24h, keep-bytes=10GB)", w);
            return UI_REDRAW;
        }
    }
    question(ui);
    ui->prompt_mode = UI_PROMPT_CONFIRM;
    ui->prompt[0] = 0;
    ui->prompting = true;
    return UI_REDRAW;
}

int bk_prune_confirm_key(ui_t *ui, int key)
{
    ui_bk_t *b = ui->bk;
    ui->prompting = false;
    if (key != 'y' && key != 'Y') {
        ui_message(ui, false, "prune cancelled, nothing removed");
        return UI_REDRAW;
    }
    bk_session_command(b->s, BK_CMD_PRUNE, &(bk_cmd_arg_t){.prune = &b->prune_req});
    ui->views[PANE_CACHE].cursor = ui->views[PANE_CACHE].top = 0;
    bk_ui_changed(ui);
    return UI_REDRAW;
}
