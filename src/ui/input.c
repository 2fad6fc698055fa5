/* Input: the only place besides keys.c that knows raw key codes. A key
 * becomes an action through the key map; the focused pane gets first refusal,
 * then the view engine, then the flat switch below. */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include "ui/app.h"
#include "ui/bk.h"
#include "ui/draw.h"
#include "ui/keys.h"
#include "ui/logs_view.h"
#include "ui/osc52.h"

#define WHEEL_ROWS 3
#define DOUBLE_CLICK_MS 500

/* Folds the many codes terminals send for one key onto one. */
static int normalize(int key)
{
    if (key == '\r' || key == (KEYS_FN | KEY_ENTER))
        return '\n';
    if (key == 127 || key == 8)
        return KEYS_FN | KEY_BACKSPACE;
    return key;
}

static int focus(ui_t *ui, int p)
{
    if (!ui_pane_present(ui, p)) {
        if (pane_is_buildkit(p) && !ui->bk)
            ui_message(ui, false, "no BuildKit: start with --buildkit ADDR or --ref REF");
        else
            ui_message(ui, false, "no %s pane now", pane_title((pane_id_t)p));
        return UI_REDRAW;
    }
    ui->focus = p;
    return UI_REDRAW;
}

static int focus_step(ui_t *ui, int dir)
{
    int p = ui->focus;
    do
        p = (p + dir + PANE__COUNT) % PANE__COUNT;
    while (!ui_pane_present(ui, p));
    ui->focus = p;
    return UI_REDRAW;
}

/* Whether one pane is alone on the screen (zoom, or the Logs view below
 * 160x48), for the keys of now (the frame on screen may be older). */
static bool alone(ui_t *ui)
{
    ui_layout(ui);
    return ui->layout.alone;
}

/* Leaves the pane alone on the screen for the layout. When Logs has no
 * place there, the focus goes back to the pane focused before it. */
static int leave_alone(ui_t *ui)
{
    ui->zoom = false;
    ui->msg[0] = 0;
    ui_layout(ui);
    if (ui->layout.alone && pane_table[ui->focus].layout->big_only) {
        ui->focus = ui->focus_back != ui->focus ? ui->focus_back : PANE_ARTIFACTS;
        ui_layout(ui); /* picks a present pane if that one is gone */
    }
    return UI_REDRAW;
}

/* ---- the filter prompt ---------------------------------------------------- */

void ui_prompt_open(ui_t *ui, ui_prompt_mode_t mode, bool history)
{
    ui->prompt_mode = mode;
    ui->prompting = true;
    ui->prompt_history = history;
    ui->msg[0] = 0; /* the line is the prompt's; its right end says what is wrong */
    prompt_hist_begin(&ui->prompt_hist);
}

static void prompt_start(ui_t *ui)
{
    view_t *v = &ui->views[ui->focus];
    snprintf(ui->prompt_saved, sizeof ui->prompt_saved, "%s", v->filter);
    snprintf(ui->prompt, sizeof ui->prompt, "%s", v->filter);
    snprintf(ui->prompt_label, sizeof ui->prompt_label, "filter /");
    ui_prompt_open(ui, UI_PROMPT_FILTER, true);
}

void ui_ask(ui_t *ui, const char *question, int (*answer)(ui_t *ui, bool yes))
{
    snprintf(ui->prompt_label, sizeof ui->prompt_label, "%s", question);
    ui->ask = answer;
    ui_prompt_open(ui, UI_PROMPT_ASK, false);
}

/* Enter or Esc closes the prompt; Enter keeps a / text in the history. */
static void prompt_close(ui_t *ui, int key)
{
    if (key == '\n' && ui->prompt_history)
        prompt_hist_push(&ui->prompt_hist, ui->prompt);
    ui->prompt_history = false;
    ui->prompting = false;
}

/* Up (older) or Down (newer) through the history: UI_DONE at either end. */
static bool prompt_walk(ui_t *ui, int key)
{
    return ui->prompt_history && (key == (KEYS_FN | KEY_UP) || key == (KEYS_FN | KEY_DOWN)) &&
           prompt_hist_move(&ui->prompt_hist, key == (KEYS_FN | KEY_UP) ? 1 : -1, ui->prompt,
                            sizeof ui->prompt);
}

/* Removes the last UTF-8 character of the prompt. */
static void prompt_backspace(ui_t *ui)
{
    size_t n = strlen(ui->prompt);
    while (n > 0 && ((unsigned char)ui->prompt[n - 1] & 0xC0) == 0x80)
        n--;
    if (n > 0)
        n--;
    ui->prompt[n] = 0;
}

/* A code point as UTF-8 into mb; 0 for what is not a character (a
 * surrogate, past U+10FFFF). */
static size_t utf8_encode(int c, char mb[4])
{
    if (c < 0x80)
        return mb[0] = (char)c, 1;
    if (c < 0x800)
        return mb[0] = (char)(0xC0 | c >> 6), mb[1] = (char)(0x80 | (c & 0x3F)), 2;
    if (c >= 0xD800 && c <= 0xDFFF)
        return 0;
    if (c < 0x10000)
        return mb[0] = (char)(0xE0 | c >> 12), mb[1] = (char)(0x80 | (c >> 6 & 0x3F)),
               mb[2] = (char)(0x80 | (c & 0x3F)), 3;
    if (c <= 0x10FFFF)
        return mb[0] = (char)(0xF0 | c >> 18), mb[1] = (char)(0x80 | (c >> 12 & 0x3F)),
               mb[2] = (char)(0x80 | (c >> 6 & 0x3F)), mb[3] = (char)(0x80 | (c & 0x3F)), 4;
    return 0;
}

static void prompt_add(ui_t *ui, int key)
{
    char mb[4];
    size_t n = utf8_encode(key, mb), len = strlen(ui->prompt);
    if (n && len + n < sizeof ui->prompt) {
        memcpy(ui->prompt + len, mb, n);
        ui->prompt[len + n] = 0;
    }
}

/* The filter applies as it is typed; Esc puts the old one back. The prune
 * prompts (bk_prune.c) share the line editing. */
static int prompt_key(ui_t *ui, int key)
{
    view_t *v = &ui->views[ui->focus];
    if (ui->prompt_mode == UI_PROMPT_CONFIRM)
        return bk_prune_confirm_key(ui, key);
    if (ui->prompt_mode == UI_PROMPT_ASK) {
        prompt_close(ui, key);
        return ui->ask(ui, key == 'y' || key == 'Y');
    }
    if (ui->prompt_mode == UI_PROMPT_PANE && (key == 27 || key == '\n')) {
        prompt_close(ui, key);
        return ui_pane_prompt(ui, v, key == 27 ? PANE_PROMPT_ESC : PANE_PROMPT_ENTER);
    }
    bool filter = ui->prompt_mode == UI_PROMPT_FILTER;
    if (key == 27) {
        prompt_close(ui, key);
        if (filter)
            view_set_filter(ui_ctx(ui), v, ui->prompt_saved);
        else
            ui_message(ui, false, "prune cancelled, nothing removed");
        return UI_REDRAW;
    }
    if (key == '\n') {
        prompt_close(ui, key);
        if (!filter)
            return bk_prune_options_done(ui);
        if (ui->prompt[0])
            ui_message(ui, false, "%zu rows match", view_rows(ui_ctx(ui), v));
        else
            ui_message(ui, false, "filter cleared");
        return UI_REDRAW;
    }
    if (prompt_walk(ui, key))
        ;
    else if (key == (KEYS_FN | KEY_BACKSPACE))
        prompt_backspace(ui);
    else if (key == 21) /* C-u */
        ui->prompt[0] = 0;
    else if (!(key & KEYS_FN) && key >= 0x20)
        prompt_add(ui, key);
    else
        return UI_DONE;
    if (filter)
        view_set_filter(ui_ctx(ui), v, ui->prompt);
    else if (ui->prompt_mode == UI_PROMPT_PANE)
        return ui_pane_prompt(ui, v, PANE_PROMPT_EDIT);
    return UI_REDRAW;
}

/* ---- mouse ---------------------------------------------------------------- */

/* The wheel in a popup scrolls it. */
static int popup_wheel(ui_t *ui, mmask_t b)
{
    action_t a = b & BUTTON4_PRESSED ? ACT_MOVE_UP : ACT_MOVE_DOWN;
    if (!(b & (BUTTON4_PRESSED | BUTTON5_PRESSED)))
        return UI_DONE;
    for (int i = 0; i < WHEEL_ROWS; i++)
        if (ui->overlay == UI_OVERLAY_HELP)
            help_action(ui, a);
        else
            details_action(ui, a);
    return UI_REDRAW;
}

/* A second press on the same cell soon after the first: a double click
 * (curses' own detection is off, mouseinterval(0), so that a single click
 * is not delayed; two clicks read at once still come as DOUBLE_CLICKED). */
static bool double_click(ui_t *ui, const MEVENT *ev)
{
    if (ev->bstate & BUTTON1_DOUBLE_CLICKED)
        return ui->click_ms = 0, true;
    uint64_t now = ui->headless ? 0 : uv_now(ui->loop);
    bool twice = ui->click_ms && now - ui->click_ms <= DOUBLE_CLICK_MS && ev->y == ui->click_y &&
                 ev->x == ui->click_x;
    ui->click_ms = twice ? 0 : now ? now : 1;
    ui->click_y = ev->y, ui->click_x = ev->x;
    return twice;
}

static int mouse(ui_t *ui)
{
    MEVENT ev;
    if (getmouse(&ev) != OK)
        return UI_DONE;
    if (ui->overlay != UI_OVERLAY_NONE)
        return popup_wheel(ui, ev.bstate);
    int p = layout_hit(&ui->layout, ev.y, ev.x);
    if (p < 0)
        return UI_DONE;
    view_t *v = &ui->views[p];
    /* A pane that draws its own body (Logs) moves by its own actions. */
    bool own = v->ops->draw_body && v->ops->action;
    if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED) && own) {
        for (int i = 0; i < WHEEL_ROWS; i++)
            ui_pane_action(ui, v, ev.bstate & BUTTON4_PRESSED ? ACT_MOVE_UP : ACT_MOVE_DOWN);
    } else if (ev.bstate & BUTTON4_PRESSED) {
        view_scroll(ui_ctx(ui), v, -WHEEL_ROWS);
    } else if (ev.bstate & (BUTTON5_PRESSED)) {
        view_scroll(ui_ctx(ui), v, WHEEL_ROWS);
    } else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON1_PRESSED)) {
        ui->focus = p;
        if (!own)
            view_click(ui_ctx(ui), v, ev.y - ui->layout.pane[p].y - 1);
        if (double_click(ui, &ev)) /* = Enter */
            return input_dispatch(ui, ACT_DETAILS);
    }
    return UI_REDRAW;
}

/* ---- dispatch ------------------------------------------------------------- */

/* A pane's own action (view_ops.keys) outside its pane says where it
 * works; the others are the dev-loop and replay keys. */
static int elsewhere(ui_t *ui, action_t a)
{
    int p = keys_pane_of(a);
    if (p < 0)
        return control_action(ui, a);
    ui_message(ui, false, "%s works in the %s pane", action_name(a), pane_title((pane_id_t)p));
    return UI_REDRAW;
}

/* log-jump: the Logs pane shows the lines of another pane's selection. */
static int log_jump(ui_t *ui)
{
    pane_req_t req;
    pane_req_init(&req);
    int r = logs_view_jump(ui_ctx(ui), &req);
    return ui_req_apply(ui, &req, r);
}

int input_dispatch(ui_t *ui, action_t a)
{
    view_t *v = &ui->views[ui->focus];
    view_settle(ui_ctx(ui), v);
    int r = ui_pane_action(ui, v, a);
    if (r != UI_PASS)
        return r;
    if (action_focus_pane(a) >= 0)
        return focus(ui, action_focus_pane(a));
    switch (a) {
    case ACT_QUIT: /* q leaves the full-screen view first */
        return alone(ui) ? leave_alone(ui) : UI_QUIT;
    case ACT_ZOOM:
        if (alone(ui))
            return leave_alone(ui);
        ui->zoom = true;
        return UI_REDRAW;
    case ACT_LOG_JUMP: return log_jump(ui);
    case ACT_HELP: ui->overlay = UI_OVERLAY_HELP; ui->popup_top = 0; return UI_REDRAW;
    case ACT_DETAILS: details_open(ui); return UI_REDRAW;
    case ACT_FILTER: prompt_start(ui); return UI_REDRAW;
    case ACT_REDRAW: if (!ui->headless) clearok(curscr, TRUE); return UI_REDRAW;
    case ACT_FOCUS_NEXT: return focus_step(ui, 1);
    case ACT_FOCUS_PREV: return focus_step(ui, -1);
    case ACT_COPY:
        ui_message(ui, false, "y copies in the Errors pane, the Logs view and popups");
        return UI_REDRAW;
    case ACT_COPY_URL:
        ui_message(ui, false, "select a port in the Ports pane to copy its URL");
        return UI_REDRAW;
    case ACT_NONE: return UI_DONE;
    case ACT_PICK_BUILD: case ACT_EXPAND: case ACT_PRUNE: case ACT_SORT_SIZE:
    case ACT_SORT_LAST_USED: case ACT_REFRESH:
        return bk_ui_action(ui, a);
    default: return elsewhere(ui, a);
    }
}

int input_key(ui_t *ui, int key)
{
    key = normalize(key);
    view_settle(ui_ctx(ui), &ui->views[ui->focus]);
    if (key == (KEYS_FN | KEY_MOUSE))
        return mouse(ui);
    if (key == (KEYS_FN | KEY_RESIZE))
        return UI_REDRAW;
    if (ui->prompting)
        return prompt_key(ui, key);
    action_t a = keys_lookup(ui->cfg.keys, ui->focus, key);
    if (ui->overlay != UI_OVERLAY_NONE) {
        if (key == 27 || a == ACT_QUIT || a == ACT_HELP || (a == ACT_DETAILS && ui->overlay == UI_OVERLAY_DETAILS)) {
            ui->overlay = UI_OVERLAY_NONE;
            return UI_REDRAW;
        }
        if (ui->overlay == UI_OVERLAY_DETAILS && (a == ACT_COPY || a == ACT_LOG_COPY)) {
            osc52_copy_text(ui, ui->popup.data, ui->popup.len, "the details");
            return UI_REDRAW;
        }
        return ui->overlay == UI_OVERLAY_HELP ? help_action(ui, a) : details_action(ui, a);
    }
    if (key == 27 && alone(ui)) /* Esc leaves the full-screen view */
        return leave_alone(ui);
    if (key == 27 && ui->msg[0] && !ui_message_expired(ui)) {
        ui->msg[0] = 0;
        return UI_REDRAW;
    }
    if (a == ACT_NONE) {
        char name[32];
        ui_message(ui, false, "%s is not bound (? for help)", keys_name(key, name, sizeof name));
        return UI_REDRAW;
    }
    int before = ui->focus, r = input_dispatch(ui, a);
    if (ui->focus != before && pane_table[ui->focus].layout->big_only)
        ui->focus_back = before;
    return r;
}
