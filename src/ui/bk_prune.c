/* Prune from the Cache pane, behind two prompts in the status line: the
 * options (as `skview buildkit prune` takes them, typed as words:
 *   all   filter=EXPR or a bare EXPR with ==, != or ~=   keep-duration=DUR
 *   keep-bytes=SIZE
 * Enter with none prunes unused records; buildkit/bk_pruneopts.h parses
 * them), then a y/N naming what goes. The
 * records removed stream into the Cache pane; the table is asked for again
 * when the Prune ends (both by the session: BK_CMD_PRUNE). */
#include <stdio.h>
#include <string.h>
#include "buildkit/bk_pruneopts.h"
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

/* The y/N question, first, then what will go (the daemon is in the header). */
static void question(ui_t *ui)
{
    strbuf_t q;
    sb_init(&q);
    sb_adds(&q, "Prune? [y/N] ");
    bk_prune_describe(&ui->bk->prune, &q);
    sb_adds(&q, " ");
    snprintf(ui->prompt_label, sizeof ui->prompt_label, "%s", q.data);
    sb_free(&q);
}

int bk_prune_options_done(ui_t *ui)
{
    ui_bk_t *b = ui->bk;
    char err[300];
    if (!bk_prune_parse(ui->prompt, &b->prune, err, sizeof err)) {
        ui_message(ui, true, "%s", err);
        return UI_REDRAW;
    }
    snprintf(b->prune_text, sizeof b->prune_text, "%.*s", (int)sizeof b->prune_text - 1, ui->prompt);
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
    bk_session_command(b->s, BK_CMD_PRUNE, &(bk_cmd_arg_t){.prune = &b->prune});
    ui->views[PANE_CACHE].cursor = ui->views[PANE_CACHE].top = 0;
    bk_ui_changed(ui);
    return UI_REDRAW;
}
