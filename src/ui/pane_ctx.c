/* The requests a pane hands back (pane_ctx.h); the engine carries them out. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "core/textsafe.h"
#include "ui/pane_ctx.h"

void pane_req_init(pane_req_t *r)
{
    memset(r, 0, sizeof *r);
    r->focus = -1;
    sb_init(&r->copy);
}

void pane_req_free(pane_req_t *r)
{
    sb_free(&r->copy);
}

void pane_say(pane_req_t *r, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->msg, sizeof r->msg, fmt, ap);
    va_end(ap);
    r->msg_set = true;
    r->msg_error = error;
}

static void copy_set(pane_req_t *r, const char *text, size_t len, bool raw)
{
    sb_reset(&r->copy);
    sb_add(&r->copy, text ? text : "", text ? len : 0);
    r->copy_set = true;
    r->copy_raw = raw;
}

void pane_copy(pane_req_t *r, const char *text, size_t len)
{
    copy_set(r, text, len, false);
}

void pane_copy_text(pane_req_t *r, const char *raw, size_t len, const char *what)
{
    copy_set(r, raw, len, true);
    snprintf(r->copy_what, sizeof r->copy_what, "%s", what);
}

void pane_prompt(pane_req_t *r, bool history, const char *label, const char *text)
{
    r->prompt = true;
    r->prompt_history = history;
    snprintf(r->prompt_label, sizeof r->prompt_label, "%s", label);
    snprintf(r->prompt_text, sizeof r->prompt_text, "%s", text);
}

void pane_ask(pane_req_t *r, const char *question)
{
    r->ask = true;
    snprintf(r->prompt_label, sizeof r->prompt_label, "%s", question);
}

int pane_text_flags(const pane_ctx_t *c)
{
    return c->ascii ? TEXTSAFE_ASCII : 0;
}
