/* A pane reads a pane_ctx_t and hands back a pane_req_t (ui/pane_ctx.h): its
 * action changes nothing of the viewer's state by itself; the engine's
 * ui_req_apply carries the request out (focus, message, prompt, question).
 * Driven through the panes' own ops, as input.c does, on a real model and
 * real files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "ui/app.h"
#include "ui/bk.h"
#include "ui/logs_view.h"

typedef struct fx {
    ui_t ui;
    view_t *v;
    pane_req_t req;
} fx_t;

static void fx_open(fx_t *f, pane_id_t pane)
{
    memset(&f->ui, 0, sizeof f->ui);
    f->ui.model = model_new(NULL);
    f->ui.focus = pane;
    f->v = &f->ui.views[pane];
    view_init(f->v, pane);
    pane_req_init(&f->req);
}

static void fx_close(fx_t *f)
{
    pane_req_free(&f->req);
    view_free(f->v);
    model_free(f->ui.model);
}

static int act(fx_t *f, action_t a)
{
    pane_req_free(&f->req);
    pane_req_init(&f->req);
    return f->v->ops->action(ui_ctx(&f->ui), f->v, a, &f->req);
}

static int prompt_ev(fx_t *f, pane_prompt_ev_t ev, const char *text)
{
    pane_req_free(&f->req);
    pane_req_init(&f->req);
    return f->v->ops->prompt(ui_ctx(&f->ui), f->v, ev, text, &f->req);
}

/* z in the Cache pane: a sort command for the session and a message, both
 * in the request; the model stays as it was until the engine sends it. */
static void cache_sort_is_a_request(void **state)
{
    fx_t f;
    bk_model_t bm;
    bk_model_init(&bm, 10);
    ui_bk_t b = {.m = &bm, .expanded = -1};
    fx_open(&f, PANE_CACHE);
    f.ui.bk = &b;
    bk_cache_sort_t before = bm.sort;
    assert_int_equal(act(&f, ACT_SORT_SIZE), UI_REDRAW);
    assert_true(f.req.bk_cmd_set);
    assert_int_equal(f.req.bk_cmd, BK_CMD_SORT);
    assert_int_equal(f.req.bk_arg.sort, BK_SORT_SIZE);
    assert_true(f.req.msg_set);
    assert_string_equal(f.req.msg, "cache sorted by size, largest first");
    assert_int_equal(bm.sort, before);
    assert_string_equal(f.ui.msg, "");
    assert_int_equal(act(&f, ACT_MOVE_UP), UI_PASS); /* the engine's */
    fx_close(&f);
    bk_model_fini(&bm);
}

/* o in the Logs pane: the save prompt is asked for; the viewer prompts only
 * once the engine carried the request out. */
static void logs_save_opens_the_prompt_through_the_engine(void **state)
{
    fx_t f;
    fx_open(&f, PANE_LOGS);
    assert_int_equal(act(&f, ACT_LOG_SAVE), UI_REDRAW);
    assert_true(f.req.prompt);
    assert_false(f.req.prompt_history);
    assert_string_equal(f.req.prompt_label, "save the shown lines to: ");
    assert_string_equal(f.req.prompt_text, "skview-logs.txt");
    assert_false(f.ui.prompting);
    assert_int_equal(ui_req_apply(&f.ui, &f.req, UI_REDRAW), UI_REDRAW);
    pane_req_init(&f.req);
    assert_true(f.ui.prompting);
    assert_int_equal(f.ui.prompt_mode, UI_PROMPT_PANE);
    assert_string_equal(f.ui.prompt, "skview-logs.txt");
    assert_string_equal(f.ui.prompt_label, "save the shown lines to: ");
    fx_close(&f);
}

/* Saving onto a file that exists asks first (a question in the request);
 * no keeps the file, yes writes it. */
static void logs_save_asks_before_overwriting(void **state)
{
    char path[] = "/tmp/skview-test-save-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "keep me\n", 8), 8);
    close(fd);
    fx_t f;
    fx_open(&f, PANE_LOGS);
    act(&f, ACT_LOG_SAVE);
    assert_int_equal(prompt_ev(&f, PANE_PROMPT_ENTER, path), UI_REDRAW);
    assert_true(f.req.ask);
    assert_non_null(strstr(f.req.prompt_label, "exists: overwrite it?"));
    prompt_ev(&f, PANE_PROMPT_NO, path);
    assert_true(f.req.msg_set);
    assert_non_null(strstr(f.req.msg, "is left as it was"));
    FILE *in = fopen(path, "r");
    char buf[32] = "";
    assert_non_null(fgets(buf, sizeof buf, in));
    fclose(in);
    assert_string_equal(buf, "keep me\n");
    prompt_ev(&f, PANE_PROMPT_YES, path);
    assert_false(f.req.msg_error);
    assert_non_null(strstr(f.req.msg, "saved 0 lines to"));
    in = fopen(path, "r");
    assert_null(fgets(buf, sizeof buf, in)); /* no line shown: an empty file */
    fclose(in);
    unlink(path);
    fx_close(&f);
}

/* The answer to the question reaches the focused pane through the engine
 * (ui_ask's callback), with the prompt's text. */
static void the_answer_goes_back_to_the_pane(void **state)
{
    char path[] = "/tmp/skview-test-save-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    fx_t f;
    fx_open(&f, PANE_LOGS);
    act(&f, ACT_LOG_SAVE);
    prompt_ev(&f, PANE_PROMPT_ENTER, path);
    snprintf(f.ui.prompt, sizeof f.ui.prompt, "%s", path);
    ui_req_apply(&f.ui, &f.req, UI_REDRAW);
    pane_req_init(&f.req);
    assert_true(f.ui.prompting);
    assert_int_equal(f.ui.prompt_mode, UI_PROMPT_ASK);
    assert_int_equal(f.ui.ask(&f.ui, false), UI_REDRAW);
    assert_non_null(strstr(f.ui.msg, "is left as it was"));
    unlink(path);
    fx_close(&f);
}

/* log-jump with nothing selected: an error message, no focus change; the
 * focus request, when there is one, is the engine's to carry out. */
static void jump_and_focus_are_requests(void **state)
{
    fx_t f;
    fx_open(&f, PANE_ARTIFACTS);
    view_init(&f.ui.views[PANE_LOGS], PANE_LOGS);
    assert_int_equal(logs_view_jump(ui_ctx(&f.ui), &f.req), UI_REDRAW);
    assert_int_equal(f.req.focus, -1);
    assert_true(f.req.msg_error);
    assert_string_equal(f.req.msg, "nothing selected");
    assert_int_equal(f.ui.focus, PANE_ARTIFACTS);
    pane_req_free(&f.req);
    pane_req_init(&f.req);
    f.req.focus = PANE_LOGS;
    pane_say(&f.req, false, "logs of %s", "x");
    ui_req_apply(&f.ui, &f.req, UI_REDRAW);
    pane_req_init(&f.req);
    assert_int_equal(f.ui.focus, PANE_LOGS);
    assert_string_equal(f.ui.msg, "logs of x");
    view_free(&f.ui.views[PANE_LOGS]);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cache_sort_is_a_request),
        cmocka_unit_test(logs_save_opens_the_prompt_through_the_engine),
        cmocka_unit_test(logs_save_asks_before_overwriting),
        cmocka_unit_test(the_answer_goes_back_to_the_pane),
        cmocka_unit_test(jump_and_focus_are_requests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
