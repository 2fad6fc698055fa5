/* The Logs view's actions: filters (source, level, solo, mute), the / text
 * (search or filter, plain or regular expression), n/N, wrap, timestamps,
 * the selection and its copy (OSC 52), saving the shown lines, and the jump
 * from another pane's selection. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "core/bre.h"
#include "core/sgr.h"
#include "core/textsafe.h"
#include "skaffold/viewmodel.h"
#include "ui/draw.h"
#include "ui/logs_priv.h"
#include "ui/logs_view.h"
#include "ui/view.h"


static const char *const source_names[] = {"all", "Skaffold", "application"};
static const int levels[] = {-1, 1, 2, 3};
static const char *const level_names[] = {"all", "info", "warn", "error"};
#define N_LEVELS (sizeof levels / sizeof levels[0])

static int source_of(const log_filter_t *f)
{
    return f->sources == 1u << LOG_SKAFFOLD ? 1 : f->sources == 1u << LOG_APP ? 2 : 0;
}

static size_t level_at(const log_filter_t *f)
{
    for (size_t i = 0; i < N_LEVELS; i++)
        if (levels[i] == f->min_level)
            return i;
    return 0;
}

static const char *key_kind_name(log_key_kind_t k)
{
    switch (k) {
    case LOG_KEY_TASK: return "task";
    case LOG_KEY_SUBJECT: return "";
    case LOG_KEY_POD: return "pod ";
    case LOG_KEY_CONTAINER: return "container ";
    case LOG_KEY_WORKLOAD: return "";
    }
    return "";
}

static void describe_keys(strbuf_t *sb, const char *what, const log_key_t *k, size_t n)
{
    if (!n)
        return;
    sb_printf(sb, " %s ", what);
    for (size_t i = 0; i < n; i++)
        sb_printf(sb, "%s%s%s", i ? "," : "", key_kind_name(k[i].kind), k[i].value);
}

/* The title's summary: "shown/total, N dropped" and what filters. */
void lv_describe(const pane_ctx_t *pc, view_t *v, char *buf, size_t len)
{
    lv_priv_t *p = lv_priv(pc, v);
    const logs_t *l = model_logs(pc->model);
    lv_sync(pc, v);
    strbuf_t sb;
    sb_init(&sb);
    sb_printf(&sb, "%zu/%zu", logs_index_count(&p->idx), logs_count(l));
    if (logs_dropped(l))
        sb_printf(&sb, ", %llu dropped", (unsigned long long)logs_dropped(l));
    if (lv_below(pc, v))
        sb_printf(&sb, ", %zu below", lv_below(pc, v));
    if (source_of(&p->f))
        sb_printf(&sb, " %s only", source_names[source_of(&p->f)]);
    if (level_at(&p->f))
        sb_printf(&sb, " level>=%s", level_names[level_at(&p->f)]);
    if (p->f.iteration >= 0)
        sb_printf(&sb, " iter %d", p->f.iteration);
    describe_keys(&sb, "solo", p->f.solo, p->f.n_solo);
    describe_keys(&sb, "mute", p->f.mute, p->f.n_mute);
    if (p->text[0])
        sb_printf(&sb, " %s%s%s%s", p->only ? "" : "find ", p->regex ? "re/" : "/", p->text,
                  p->regex ? "/" : "");
    const char *spent = lv_spent(p);
    if (spent)
        sb_printf(&sb, " (given up: %s)", spent);
    if (p->wrap)
        sb_adds(&sb, " wrap");
    sb_addc(&sb, 0);
    snprintf(buf, len, "%s", sb.data);
    sb_free(&sb);
}

/* ---- filters --------------------------------------------------------------- */

const char *lv_spent(const lv_priv_t *p)
{
    const char *e = log_filter_error(&p->f);
    return e ? e : log_filter_error(&p->hl);
}

/* After the / text matched over the lines: says so when the regular
 * expression was given up (core/bre.h's limits); the title keeps saying it. */
static void tell_spent(const pane_ctx_t *pc, pane_req_t *req, view_t *v)
{
    lv_priv_t *p = lv_priv(pc, v);
    lv_sync(pc, v);
    if (lv_spent(p))
        pane_say(req, true, "regular expression given up: %s; it matches nothing", lv_spent(p));
}

/* Sets the / text on hl, and on f when only matching lines show. 0, or -1
 * with the error in the status line (the filters unchanged). */
static int apply_text(const pane_ctx_t *pc, pane_req_t *req, lv_priv_t *p, const char *text)
{
    char err[256], copy[sizeof p->text];
    if (text && strlen(text) >= sizeof copy) {
        pane_say(req, true, "the / text is longer than %zu bytes", sizeof copy - 1);
        return -1;
    }
    snprintf(copy, sizeof copy, "%s", text ? text : ""); /* text may be p->text */
    const char *t = *copy ? copy : NULL;
    if (log_filter_set_text(&p->hl, t, p->regex, err, sizeof err)) {
        pane_say(req, true, "regular expression: %s", err);
        return -1;
    }
    log_filter_set_text(&p->f, p->only ? t : NULL, p->regex, err, sizeof err);
    snprintf(p->text, sizeof p->text, "%s", t ? t : "");
    lv_filter_changed(p);
    return 0;
}

/* The key of the line under the cursor that solo and mute use: an
 * application line's container of its workload ("frontend/web", whatever
 * pod a rollout gives it; buf holds it), a Skaffold line's subject
 * (artifact, resource), else its task. */
static bool line_key(const log_line_t *line, log_key_kind_t *kind, const char **value, char *buf, size_t n)
{
    if (!line)
        return false;
    if (line->src == LOG_APP) {
        *kind = LOG_KEY_WORKLOAD;
        snprintf(buf, n, "%.*s/%s", (int)logs_workload_len(line->pod), line->pod, line->container);
        *value = buf;
    } else if (line->subject && *line->subject) {
        *kind = LOG_KEY_SUBJECT;
        *value = line->subject;
    } else {
        *kind = LOG_KEY_TASK;
        *value = line->task;
    }
    return *value && **value;
}

static int solo_mute(const pane_ctx_t *pc, pane_req_t *req, view_t *v, bool solo)
{
    lv_priv_t *p = lv_priv(pc, v);
    uint64_t seq = lv_cursor(pc, v);
    const log_line_t *line = logs_get(model_logs(pc->model), seq);
    log_key_kind_t kind;
    const char *value;
    char key[512];
    if (!line_key(line, &kind, &value, key, sizeof key)) {
        pane_say(req, true, "no line selected");
        return UI_REDRAW;
    }
    char val[256];
    strbuf_t safe;
    sb_init(&safe);
    textsafe(&safe, value, strlen(value), 60, pane_text_flags(pc));
    snprintf(val, sizeof val, "%.*s", (int)safe.len, safe.data ? safe.data : "");
    sb_free(&safe);
    size_t before = solo ? p->f.n_solo : p->f.n_mute;
    int rc = solo ? log_filter_solo(&p->f, kind, value) : log_filter_mute(&p->f, kind, value);
    if (rc < 0) {
        pane_say(req, true, "at most %d %s keys: x clears them", LOG_FILTER_MAX_KEYS,
                   solo ? "solo" : "mute");
        return UI_REDRAW;
    }
    size_t after = solo ? p->f.n_solo : p->f.n_mute;
    pane_say(req, false, "%s%s %s%s", after < before ? "un" : "", solo ? "solo" : "mute",
               key_kind_name(kind), val);
    lv_filter_changed(p);
    if (!solo)
        lv_goto(v, 0);
    return UI_REDRAW;
}

static void clear_filters(lv_priv_t *p)
{
    log_filter_free(&p->f);
    log_filter_init(&p->f);
    log_filter_free(&p->hl);
    log_filter_init(&p->hl);
    p->text[0] = 0;
    lv_filter_changed(p);
}

static int cycle_source(const pane_ctx_t *pc, pane_req_t *req, lv_priv_t *p)
{
    int s = (source_of(&p->f) + 1) % 3;
    p->f.sources = s == 1 ? 1u << LOG_SKAFFOLD : s == 2 ? 1u << LOG_APP : 0;
    lv_filter_changed(p);
    pane_say(req, false, "lines from: %s", source_names[s]);
    return UI_REDRAW;
}

static int cycle_level(const pane_ctx_t *pc, pane_req_t *req, lv_priv_t *p)
{
    size_t i = (level_at(&p->f) + 1) % N_LEVELS;
    p->f.min_level = levels[i];
    lv_filter_changed(p);
    pane_say(req, false, "Skaffold lines from level: %s", level_names[i]);
    return UI_REDRAW;
}

/* ---- search ------------------------------------------------------------------ */

static int next_match(const pane_ctx_t *pc, pane_req_t *req, view_t *v, int dir)
{
    lv_priv_t *p = lv_priv(pc, v);
    const logs_t *l = model_logs(pc->model);
    size_t n = logs_index_count(&p->idx);
    if (!p->text[0]) {
        pane_say(req, false, "no search text: press / to give one");
        return UI_REDRAW;
    }
    if (n == 0) {
        pane_say(req, true, "no line");
        return UI_REDRAW;
    }
    size_t at = logs_index_lower(&p->idx, lv_cursor(pc, v));
    log_filter_pass(&p->hl, BRE_BUDGET_MS);
    for (size_t k = 1; k <= n; k++) {
        size_t i = dir > 0 ? (at + k) % n : (at + n - k % n) % n;
        const log_line_t *line = logs_get(l, logs_index_at(&p->idx, i));
        if (line && log_filter_match(&p->hl, line)) {
            lv_goto(v, logs_index_at(&p->idx, i));
            bool wrapped = dir > 0 ? i <= at : i >= at;
            if (wrapped)
                pane_say(req, false, "search wrapped");
            return UI_REDRAW;
        }
    }
    pane_say(req, true, "no line matches '%s'", p->text);
    tell_spent(pc, req, v);
    return UI_REDRAW;
}

static int start_prompt(pane_req_t *req, lv_priv_t *p, lv_prompt_t kind)
{
    p->prompt = kind;
    if (kind == LV_PROMPT_SEARCH) {
        char label[64];
        snprintf(p->saved_text, sizeof p->saved_text, "%s", p->text);
        snprintf(label, sizeof label, "%s%s ", p->only ? "filter" : "find",
                 p->regex ? " (regex) /" : " /");
        pane_prompt(req, true, label, p->text);
    } else {
        pane_prompt(req, false, "save the shown lines to: ", "skview-logs.txt");
    }
    return UI_REDRAW;
}

static int save_lines(const pane_ctx_t *pc, pane_req_t *req, view_t *v, const char *path);

/* o never overwrites a file without asking (the answer comes back as
 * PANE_PROMPT_YES or _NO, the path still the prompt's text). */
static int save_asking(const pane_ctx_t *pc, pane_req_t *req, view_t *v, const char *path)
{
    struct stat st;
    if (!*path || stat(path, &st) != 0)
        return save_lines(pc, req, v, path);
    char q[sizeof req->prompt_label];
    snprintf(q, sizeof q, "'%.*s' exists: overwrite it? ", (int)(sizeof q - 40), path);
    pane_ask(req, q);
    return UI_REDRAW;
}

static int save_prompt(const pane_ctx_t *pc, view_t *v, pane_prompt_ev_t ev, const char *text,
                       pane_req_t *req)
{
    switch (ev) {
    case PANE_PROMPT_ENTER: return save_asking(pc, req, v, text);
    case PANE_PROMPT_YES: return save_lines(pc, req, v, text);
    case PANE_PROMPT_NO: pane_say(req, false, "not saved: '%s' is left as it was", text); break;
    case PANE_PROMPT_ESC: pane_say(req, false, "not saved"); break;
    default: break;
    }
    return UI_REDRAW;
}

int lv_prompt(const pane_ctx_t *pc, view_t *v, pane_prompt_ev_t ev, const char *text,
              pane_req_t *req)
{
    lv_priv_t *p = lv_priv(pc, v);
    if (p->prompt == LV_PROMPT_SAVE)
        return save_prompt(pc, v, ev, text, req);
    if (ev == PANE_PROMPT_ESC) {
        apply_text(pc, req, p, p->saved_text);
        return UI_REDRAW;
    }
    bool enter = ev == PANE_PROMPT_ENTER;
    int bad = apply_text(pc, req, p, text);
    if (bad && enter) { /* an invalid regex: the prompt stays, to fix it */
        req->keep_prompt = true;
        return UI_REDRAW;
    }
    if (!bad && !enter)
        req->msg_clear = true;
    if (!bad && enter && p->text[0]) {
        lv_sync(pc, v);
        pane_say(req, false, "%zu line%s shown", logs_index_count(&p->idx), logs_index_count(&p->idx) == 1 ? "" : "s");
    }
    tell_spent(pc, req, v);
    return UI_REDRAW;
}

/* ---- copy and save ------------------------------------------------------- */

/* The selection (mark to cursor, or the cursor's line) as plain lines:
 * no escape sequence, controls made visible. Returns the line count. */
static size_t selection_text(const pane_ctx_t *pc, view_t *v, strbuf_t *out)
{
    lv_priv_t *p = lv_priv(pc, v);
    const logs_t *l = model_logs(pc->model);
    uint64_t cur = lv_cursor(pc, v), lo = cur, hi = cur;
    if (p->mark)
        lo = p->mark < cur ? p->mark : cur, hi = p->mark < cur ? cur : p->mark;
    strbuf_t plain;
    sb_init(&plain);
    size_t n = 0;
    for (size_t i = logs_index_lower(&p->idx, lo); i < logs_index_count(&p->idx); i++) {
        uint64_t seq = logs_index_at(&p->idx, i);
        const log_line_t *line = seq <= hi ? logs_get(l, seq) : NULL;
        if (!line)
            break;
        sb_reset(&plain);
        sgr_strip(&plain, line->text, line->len);
        textsafe(out, plain.data ? plain.data : "", plain.len, 0, 0);
        sb_addc(out, '\n');
        n++;
    }
    sb_free(&plain);
    return n;
}

static int copy_selection(const pane_ctx_t *pc, pane_req_t *req, view_t *v)
{
    strbuf_t text;
    sb_init(&text);
    size_t n = selection_text(pc, v, &text);
    if (n == 0) {
        pane_say(req, true, "no line selected");
    } else if (text.len > PANE_COPY_MAX) {
        pane_say(req, true, "%zu lines are %zu bytes: too many for OSC 52 (up to %d); save them "
                   "with o", n, text.len, PANE_COPY_MAX);
    } else {
        pane_copy(req, text.data, text.len);
        pane_say(req, false, "copied %zu line%s (OSC 52)", n, n == 1 ? "" : "s");
        lv_priv(pc, v)->mark = 0;
    }
    sb_free(&text);
    return UI_REDRAW;
}

static int save_lines(const pane_ctx_t *pc, pane_req_t *req, view_t *v, const char *path)
{
    lv_priv_t *p = lv_priv(pc, v);
    const logs_t *l = model_logs(pc->model);
    lv_sync(pc, v);
    if (strlen(path) >= PATH_MAX) {
        pane_say(req, true, "not saved: the path is %zu bytes, longer than PATH_MAX (%d)",
                   strlen(path), PATH_MAX - 1);
        return UI_REDRAW;
    }
    FILE *f = *path ? fopen(path, "w") : NULL;
    if (!f) {
        pane_say(req, true, "cannot save to '%s': %s", path, *path ? strerror(errno) : "no path");
        return UI_REDRAW;
    }
    strbuf_t sb;
    sb_init(&sb);
    size_t n = 0;
    for (size_t i = 0; i < logs_index_count(&p->idx); i++) {
        const log_line_t *line = logs_get(l, logs_index_at(&p->idx, i));
        if (!line)
            continue;
        sb_reset(&sb);
        lv_plain(line, p->times, &sb);
        sb_addc(&sb, '\n');
        if (fwrite(sb.data, 1, sb.len, f) != sb.len)
            break;
        n++;
    }
    sb_free(&sb);
    bool ok = !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (ok)
        pane_say(req, false, "saved %zu line%s to %s", n, n == 1 ? "" : "s", path);
    else
        pane_say(req, true, "cannot save to '%s': %s", path, strerror(errno));
    return UI_REDRAW;
}

/* ---- the action switch ------------------------------------------------------ */

static int toggle(const pane_ctx_t *pc, pane_req_t *req, bool *flag, const char *what)
{
    *flag = !*flag;
    pane_say(req, false, "%s %s", what, *flag ? "on" : "off");
    return UI_REDRAW;
}

static int mark(const pane_ctx_t *pc, pane_req_t *req, view_t *v)
{
    lv_priv_t *p = lv_priv(pc, v);
    if (p->mark) {
        p->mark = 0;
        pane_say(req, false, "selection dropped");
        return UI_REDRAW;
    }
    p->mark = lv_cursor(pc, v);
    lv_goto(v, p->mark);
    p->mark = p->cur;
    pane_say(req, false, "selection started: move, then y copies");
    return UI_REDRAW;
}

static int details(pane_req_t *req)
{
    req->details = true;
    req->details_row = 0;
    return UI_REDRAW;
}

int lv_action(const pane_ctx_t *pc, view_t *v, action_t a, pane_req_t *req)
{
    lv_priv_t *p = lv_priv(pc, v);
    lv_sync(pc, v);
    switch (a) {
    case ACT_FILTER: return start_prompt(req, p, LV_PROMPT_SEARCH);
    case ACT_LOG_SAVE: return start_prompt(req, p, LV_PROMPT_SAVE);
    case ACT_NEXT_MATCH: return next_match(pc, req, v, 1);
    case ACT_PREV_MATCH: return next_match(pc, req, v, -1);
    case ACT_LOG_SOLO: return solo_mute(pc, req, v, true);
    case ACT_LOG_MUTE: return solo_mute(pc, req, v, false);
    case ACT_LOG_SOURCE: return cycle_source(pc, req, p);
    case ACT_LOG_LEVEL: return cycle_level(pc, req, p);
    case ACT_LOG_CLEAR:
        clear_filters(p);
        pane_say(req, false, "log filters cleared");
        return UI_REDRAW;
    case ACT_LOG_REGEX:
        p->regex = !p->regex;
        apply_text(pc, req, p, p->text);
        pane_say(req, false, "the / text is %s", p->regex ? "a regular expression" : "plain text");
        return UI_REDRAW;
    case ACT_LOG_ONLY:
        p->only = !p->only;
        apply_text(pc, req, p, p->text);
        pane_say(req, false, "%s", p->only ? "only lines matching the / text" : "every line, matches marked (n/N)");
        return UI_REDRAW;
    case ACT_LOG_WRAP: return toggle(pc, req, &p->wrap, "wrap");
    case ACT_LOG_TIMES: return toggle(pc, req, &p->times, "timestamps");
    case ACT_LOG_MARK: return mark(pc, req, v);
    case ACT_LOG_COPY: return copy_selection(pc, req, v);
    case ACT_DETAILS: return details(req);
    case ACT_LOG_JUMP:
        pane_say(req, false, "J jumps here from Artifacts, Resources, Errors or Timeline");
        return UI_REDRAW;
    default: return UI_PASS;
    }
}
