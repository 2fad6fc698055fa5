/* The shared view engine: every pane is a list of rows that the engine
 * scrolls, filters, searches, follows and fits to its rectangle. A pane only
 * says how many rows it has, how to draw one and what one says.
 * (tig's struct view_ops.)
 *
 * A pane keeps no file-level state: the engine allocates its private block
 * (private_size bytes, zeroed; v->priv) with the view and frees it with the
 * view. A pane whose rows are derived from the model can let the engine keep
 * them: with row_size set, the engine calls build_rows to refill the view's
 * row cache (view_row_push) whenever the model or BuildKit's state changed,
 * and counts the cached rows (view_row) itself.
 *
 * A pane never gets the viewer's state (ui_t): every callback gets the pane
 * context (pane_ctx.h: the models, the clock, the draw surface), which it
 * only reads; an action or a prompt hands back what it wants done (focus,
 * a message, the details popup, a prompt, a copy, a BuildKit command) in a
 * pane_req_t, which the engine carries out (requests.c). A pane's own key
 * bindings (keys) and layout wishes (layout) are in its ops too, so a new
 * pane is its file plus one line of panes.h; tools/check_layers.sh fails a
 * pane file that names ui_t, includes a header that does, or calls the
 * engine. */
#ifndef SKVIEW_UI_VIEW_H
#define SKVIEW_UI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/pbjson.h"
#include "ui/actions.h"
#include "ui/layout.h"
#include "ui/pane_ctx.h"
#include "ui/panes.h"

typedef struct view view_t;

/* What an action handler asks of the loop. -1 (UI_PASS) lets the view
 * engine (view_action) and then input.c's global actions handle it. */
enum ui_flags {
    UI_PASS = -1,
    UI_DONE = 0,
    UI_REDRAW = 1,
    UI_QUIT = 2,
};

/* One of a pane's own default key bindings (view_ops.keys): key, in the
 * config syntax (keys.h), does action in the pane. */
typedef struct pane_key {
    const char *key;
    action_t action;
} pane_key_t;

struct view_ops {
    /* Where the pane goes (panes.h, layout.h). */
    pane_layout_t layout;
    /* Optional: the pane's own default key bindings, {NULL}-terminated:
     * bound in its scope after the generic defaults, before the user's
     * config; its action handler does them. Elsewhere the action says
     * where it works. */
    const pane_key_t *keys;
    /* Rows the pane has now (before filtering). Optional with row_size: the
     * engine counts its cache. */
    size_t (*count)(const pane_ctx_t *c, view_t *v);
    /* Draws source row `row` in (y, x, w); selected: under the cursor of the
     * focused pane. */
    void (*draw_row)(const pane_ctx_t *c, view_t *v, size_t row, int y, int x, int w, bool selected);
    /* The row as plain text, for the filter and n/N. */
    void (*row_text)(const pane_ctx_t *c, view_t *v, size_t row, strbuf_t *out);
    /* Optional: the row's kind for `kind:NAME` filters. */
    const char *(*row_kind)(const pane_ctx_t *c, view_t *v, size_t row);
    /* Optional: the full text of the row for the details popup. */
    void (*details)(const pane_ctx_t *c, view_t *v, size_t row, strbuf_t *out, char *title,
                    size_t title_len);
    /* Optional: first refusal on an action (UI_PASS to decline). */
    int (*action)(const pane_ctx_t *c, view_t *v, action_t a, pane_req_t *req);
    /* Optional: a short summary after the title ("3, 1 failed"). */
    void (*summary)(const pane_ctx_t *c, view_t *v, char *buf, size_t len);
    /* Optional: the private block's size, and a function that frees what
     * the block points to (the engine frees the block itself). */
    size_t private_size;
    void (*free_private)(void *priv);
    /* Optional: the row cache. row_size bytes a row; build_rows appends the
     * rows with view_row_push after the engine emptied the cache. */
    size_t row_size;
    void (*build_rows)(const pane_ctx_t *c, view_t *v);
    /* Optional: whether the pane exists now (Debugging: while there are
     * containers); without it a pane of its group always does. */
    bool (*present)(const pane_ctx_t *c);
    /* Actions hinted in the status line when focused, ACT_NONE-terminated. */
    const action_t *hints;
    /* Rows are only ever appended (Events): the filter index grows. */
    bool append_only;
    /* The cursor starts at the newest row and stays there (Events, Timeline). */
    bool follow_default;
    /* Optional: draws the whole body (r without the title row) instead of
     * one draw_row per row: for a pane whose rows are not one screen line
     * each (Logs wraps). The pane then also handles the movement actions. */
    void (*draw_body)(const pane_ctx_t *c, view_t *v, rect_t r, bool focused);
    /* Optional: the pane's own prompt (opened with pane_prompt): called
     * after each edit of its text, on Enter and on Esc, and with the answer
     * to a question the pane asked (pane_ask; text: the prompt's text). */
    int (*prompt)(const pane_ctx_t *c, view_t *v, pane_prompt_ev_t ev, const char *text,
                  pane_req_t *req);
    /* Optional: the row's identity, so that the cursor stays on its item
     * when the rows change under it (a reconcile, a newer error above it, a
     * trimmed history, a rollout): key names the item the row shows; parent
     * (may stay empty) the item it belongs to (a pod's deployment, an error
     * line's error). When the item is gone, the cursor goes to another row
     * of the same parent (the deployment's new pod), else to the parent's
     * own row, as k9s does; with neither, it keeps its row number. */
    void (*row_key)(const pane_ctx_t *c, view_t *v, size_t row, strbuf_t *key, strbuf_t *parent);
    /* Optional, with row_key: the source row whose key is `key`, -1 when
     * none, for a pane of many rows that finds it faster than the engine's
     * scan of every row (Events: by seq). */
    long (*find_key)(const pane_ctx_t *c, view_t *v, const char *key);
    /* Text for an empty pane. */
    const char *empty;
};

typedef struct view_cache {
    unsigned char *rows;       /* n rows of ops->row_size bytes */
    size_t n, cap;
    uint64_t gen;              /* view_generation() the rows were built at */
    bool valid;
} view_cache_t;

struct view {
    pane_id_t id;
    const view_ops_t *ops;     /* pane_table[id].ops */
    void *priv;                /* ops->private_size bytes, or NULL */
    view_cache_t cache;        /* with ops->row_size */
    size_t cursor, top;        /* in visible (filtered) rows */
    bool follow;
    char filter[128];
    /* Visible row -> source row when filtering. */
    size_t *idx, n_idx, cap_idx;
    size_t idx_checked;        /* source rows tested so far (append-only) */
    uint64_t idx_gen;          /* model generation the index was built at */
    bool idx_valid;
    int body_h;                /* body rows at the last draw */
    /* The item under the cursor (ops->row_key) at generation gen, when the
     * cursor was at row `cursor` (a cursor moved since then was moved on
     * purpose, and keeps its new row). */
    struct view_sel {
        strbuf_t key, parent;
        uint64_t gen;
        size_t cursor;
        bool valid;
        bool chosen;           /* a key or the mouse put the cursor on a row:
                                * until then it keeps its row (the newest
                                * error, the first artifact) */
    } sel;
    size_t anchor;             /* ops->details may set it: the byte of its text
                                * where the popup opens (SIZE_MAX: the top) */
};

void view_init(view_t *v, pane_id_t id);
void view_free(view_t *v);
/* What the rows are derived from changed when this did: the model's
 * generation plus BuildKit's change counter. */
uint64_t view_generation(const pane_ctx_t *c);
/* The row cache: brings it up to date (build_rows) and returns its rows;
 * row i (NULL past the end); a new zeroed row at the end (in build_rows). */
size_t view_cache_rows(const pane_ctx_t *c, view_t *v);
void *view_row(const pane_ctx_t *c, view_t *v, size_t i);
void *view_row_push(view_t *v);
/* Visible rows, and the source row of visible row i. */
size_t view_rows(const pane_ctx_t *c, view_t *v);
size_t view_source_row(const view_t *v, size_t i);
/* Keeps cursor and top inside the rows and the body height; first, when
 * the rows changed, puts the cursor back on its item (ops->row_key). */
void view_clamp(const pane_ctx_t *c, view_t *v, int body_h);
/* view_clamp at the body height of the last frame. The dispatcher calls it
 * before every action: keys that arrive in one read (a paste, key repeat)
 * run between two frames, and an action may change the rows under the
 * cursor (a replay seeking back), so no action may trust the last frame's
 * clamp. */
void view_settle(const pane_ctx_t *c, view_t *v);
/* The movement, filter and follow actions; UI_PASS for others. */
int view_action(const pane_ctx_t *c, view_t *v, action_t a, pane_req_t *req);
void view_set_filter(const pane_ctx_t *c, view_t *v, const char *filter);
/* Forgets the filter index (the rows changed under it). */
void view_invalidate(view_t *v);
/* Draws title row and body into r. */
void view_draw(const pane_ctx_t *c, view_t *v, rect_t r, bool focused);
/* Selects the row at body line `line` (mouse). */
void view_click(const pane_ctx_t *c, view_t *v, int line);
void view_scroll(const pane_ctx_t *c, view_t *v, int delta);
/* True when the row text matches the filter ("kind:NAME" words restrict the
 * kind, the rest must appear, case-insensitively). */
bool view_match(const char *filter, const char *text, const char *kind);

#endif
