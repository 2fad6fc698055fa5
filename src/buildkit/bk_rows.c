/* The row list of a build's progress view; see bk_progress_rows in
 * bk_progress.h. */
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "buildkit/bk_progress.h"

typedef struct rows {
    bk_row_t *r;
    size_t n, cap;
} rows_t;

static void add(rows_t *rs, bk_row_kind_t kind, size_t vertex, size_t item)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 64;
        bk_row_t *nr = xrealloc(rs->r, cap * sizeof *nr);
        rs->r = nr;
        rs->cap = cap;
    }
    rs->r[rs->n++] = (bk_row_t){kind, vertex, item};
}

/* True when v is a group member that is not the group's first started
 * member: the group is drawn once. A weak member alone hides its group. */
static bool group_follower(const bk_progress_t *p, size_t i)
{
    const bk_vertex_t *v = bk_progress_vertex(p, i);
    if (!v->group_id)
        return false;
    for (size_t k = 0; k < i; k++) {
        const bk_vertex_t *u = bk_progress_vertex(p, k);
        if (u->group_id && !strcmp(u->group_id, v->group_id) && u->n_iv)
            return true;
    }
    return v->group_weak;
}

static void add_vertex(const bk_progress_t *p, size_t i, int flags, long expanded, rows_t *rs)
{
    const bk_vertex_t *v = bk_progress_vertex(p, i);
    add(rs, BK_ROW_VERTEX, i, 0);
    for (size_t k = 0; k < v->n_statuses; k++)
        add(rs, BK_ROW_STATUS, i, k);
    size_t n = bk_log_count(&v->log), from = n;
    if ((long)i == expanded)
        from = 0;
    else if (!(flags & BK_RENDER_FINAL) && bk_vertex_state(v) == BK_RUNNING)
        from = n > bk_progress_tail_lines(p) ? n - bk_progress_tail_lines(p) : 0;
    for (size_t k = from; k < n; k++)
        add(rs, BK_ROW_LOG, i, k);
    if (!v->warnings)
        return;
    for (size_t k = 0; k < bk_progress_warning_count(p); k++)
        if (!strcmp(bk_progress_warning(p, k)->vertex, v->digest))
            add(rs, BK_ROW_WARNING, i, k);
}

size_t bk_progress_rows(const bk_progress_t *p, int flags, long expanded, bk_row_t **rows, size_t *cap)
{
    rows_t rs = {*rows, 0, *cap};
    for (size_t i = 0; i < bk_progress_count(p); i++)
        if (bk_progress_vertex(p, i)->n_iv && !group_follower(p, i))
            add_vertex(p, i, flags, expanded, &rs); /* progressui shows a vertex once it started */
    *rows = rs.r;
    *cap = rs.cap;
    return rs.n;
}
