/* Text formats of `skview buildkit`: the disk-usage table, workers (as
 * buildctl debug workers --verbose lays them out), history rows, removed
 * records, and the parsers of durations and sizes. */
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "buildkit/bk_format.h"
#include "buildkit/bk_history.h"
#include "core/textsafe.h"

int bk_text_init(void)
{
    /* textsafe measures with wcwidth(): it needs the user's locale; a
     * terminal that is not UTF-8 gets ASCII. */
    setlocale(LC_CTYPE, "");
    const char *cs = nl_langinfo(CODESET);
    return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8")) ? 0 : TEXTSAFE_ASCII;
}

void bk_safe(strbuf_t *b, const char *s, int max_cols, int tflags)
{
    textsafe(b, s ? s : "", s ? strlen(s) : 0, max_cols, tflags);
}

/* Pads the cell just written (which took cols columns) to width + 2. */
static void cell_pad(strbuf_t *b, int cols, int width)
{
    for (int i = cols; i < width + 2; i++)
        sb_addc(b, ' ');
}

static void cell(strbuf_t *b, const char *s, int width, int tflags)
{
    int cols = textsafe(b, s ? s : "", s ? strlen(s) : 0, width, tflags);
    cell_pad(b, cols, width);
}

void bk_print_du(FILE *f, const bk_cache_t *c, int64_t now_ns, int tflags)
{
    strbuf_t b, t;
    sb_init(&b);
    sb_init(&t);
    sb_printf(&b, "%-27s%-21s%-10s%-18s%-17s%-7s%s\n", "ID", "TYPE", "SIZE", "FLAGS", "LAST USED", "USAGE",
              "DESCRIPTION");
    for (size_t i = 0; i < c->n; i++) {
        const bk_usage_t *u = &c->rec[i];
        cell(&b, u->id, 25, tflags);
        cell(&b, bk_usage_type(u->record_type), 19, tflags);
        sb_reset(&t);
        bk_format_bytes(&t, u->size);
        cell(&b, t.data, 8, tflags);
        sb_reset(&t);
        bk_usage_flags(&t, u);
        cell(&b, t.data, 16, tflags);
        sb_reset(&t);
        bk_format_ago(&t, u->last_used, now_ns);
        cell(&b, t.data, 15, tflags);
        sb_reset(&t);
        sb_printf(&t, "%lld", (long long)u->usage_count);
        cell(&b, t.data, 5, tflags);
        bk_safe(&b, u->description, 0, tflags);
        sb_addc(&b, '\n');
    }
    sb_adds(&b, "Total:        ");
    bk_format_bytes(&b, c->total);
    sb_adds(&b, "\nReclaimable:  ");
    bk_format_bytes(&b, c->reclaimable);
    sb_adds(&b, "\nShared:       ");
    bk_format_bytes(&b, c->shared);
    sb_printf(&b, "\nRecords:      %zu\n", c->n);
    fwrite(b.data, 1, b.len, f);
    sb_free(&b);
    sb_free(&t);
}

static void platform_text(strbuf_t *b, const Pb__Platform *p, int tflags)
{
    bk_safe(b, p->os, 0, tflags);
    sb_addc(b, '/');
    bk_safe(b, p->architecture, 0, tflags);
    if (p->variant && *p->variant) {
        sb_addc(b, '/');
        bk_safe(b, p->variant, 0, tflags);
    }
}

static void print_gc(strbuf_t *b, size_t i, const Moby__Buildkit__V1__Types__GCPolicy *g, int tflags)
{
    sb_printf(b, "GC policy rule#%zu:\n\tAll:\t\t%s\n", i, g->all ? "true" : "false");
    /* dockerd sends [""]: an empty filter is no filter. */
    bool any = false;
    for (size_t k = 0; k < g->n_filters; k++) {
        if (!g->filters[k] || !*g->filters[k])
            continue;
        sb_adds(b, any ? " " : "\tFilters:\t");
        bk_safe(b, g->filters[k], 0, tflags);
        any = true;
    }
    if (any)
        sb_addc(b, '\n');
    if (g->keepduration) {
        sb_adds(b, "\tKeep duration:\t");
        bk_format_duration(b, g->keepduration);
        sb_addc(b, '\n');
    }
    static const char *const names[] = {"Reserved space", "Max used space", "Min free space"};
    int64_t vals[] = {g->reservedspace, g->maxusedspace, g->minfreespace};
    for (int k = 0; k < 3; k++)
        if (vals[k]) {
            sb_printf(b, "\t%s:\t", names[k]);
            bk_format_bytes(b, vals[k]);
            sb_addc(b, '\n');
        }
}

void bk_print_worker(FILE *f, const Moby__Buildkit__V1__Types__WorkerRecord *w, int tflags)
{
    strbuf_t b;
    sb_init(&b);
    sb_adds(&b, "ID:\t\t");
    bk_safe(&b, w->id, 0, tflags);
    sb_adds(&b, "\nPlatforms:\t");
    for (size_t i = 0; i < w->n_platforms; i++) {
        if (i)
            sb_adds(&b, ",");
        platform_text(&b, w->platforms[i], tflags);
    }
    sb_addc(&b, '\n');
    if (w->buildkitversion) {
        sb_adds(&b, "BuildKit:\t");
        bk_safe(&b, w->buildkitversion->package, 0, tflags);
        sb_addc(&b, ' ');
        bk_safe(&b, w->buildkitversion->version, 0, tflags);
        sb_addc(&b, ' ');
        bk_safe(&b, w->buildkitversion->revision, 0, tflags);
        sb_addc(&b, '\n');
    }
    sb_adds(&b, "Labels:\n");
    for (size_t i = 0; i < w->n_labels; i++) {
        sb_adds(&b, "\t");
        bk_safe(&b, w->labels[i]->key, 0, tflags);
        sb_adds(&b, ":\t");
        bk_safe(&b, w->labels[i]->value, 0, tflags);
        sb_addc(&b, '\n');
    }
    for (size_t i = 0; i < w->n_gcpolicy; i++)
        print_gc(&b, i, w->gcpolicy[i], tflags);
    fwrite(b.data, 1, b.len, f);
    sb_free(&b);
}

static const char *event_state(const Moby__Buildkit__V1__BuildHistoryEvent *ev)
{
    if (ev->type == MOBY__BUILDKIT__V1__BUILD_HISTORY_EVENT_TYPE__STARTED)
        return "running";
    if (ev->type == MOBY__BUILDKIT__V1__BUILD_HISTORY_EVENT_TYPE__DELETED)
        return "deleted";
    return ev->record && ev->record->error && ev->record->error->code ? "error" : "completed";
}

void bk_print_history(FILE *f, const Moby__Buildkit__V1__BuildHistoryEvent *ev, bool header, int tflags)
{
    strbuf_t b, t;
    sb_init(&b);
    sb_init(&t);
    if (header)
        sb_printf(&b, "%-27s%-11s%-18s%-26s%-10s%s\n", "REF", "STATUS", "STEPS", "CREATED", "DURATION", "IMAGE");
    const Moby__Buildkit__V1__BuildHistoryRecord *r = ev->record;
    if (r) {
        cell(&b, r->ref, 25, tflags);
        cell(&b, event_state(ev), 9, tflags);
        sb_printf(&t, "%d/%d", r->numcompletedsteps, r->numtotalsteps);
        if (r->numcachedsteps)
            sb_printf(&t, " (%d cached)", r->numcachedsteps);
        cell(&b, t.data, 16, tflags);
        sb_reset(&t);
        if (r->createdat)
            pbjson_format_time(&t, r->createdat->seconds, r->createdat->nanos);
        cell(&b, t.data, 24, tflags);
        sb_reset(&t);
        if (r->createdat && r->completedat)
            sb_printf(&t, "%.1fs", (double)(r->completedat->seconds - r->createdat->seconds) +
                                       (r->completedat->nanos - r->createdat->nanos) / 1e9);
        else
            sb_addc(&t, '-');
        const char *images = bk_record_images(r);
        if (images) {
            cell(&b, t.data, 8, tflags);
            bk_safe(&b, images, 0, tflags);
        } else {
            sb_add(&b, t.data, t.len);
        }
        sb_addc(&b, '\n');
        if (r->error && r->error->message && *r->error->message) {
            sb_adds(&b, "  error: ");
            bk_safe(&b, r->error->message, 0, tflags);
            sb_addc(&b, '\n');
        }
    }
    fwrite(b.data, 1, b.len, f);
    sb_free(&b);
    sb_free(&t);
}

void bk_print_removed(FILE *f, const Moby__Buildkit__V1__UsageRecord *r, int tflags)
{
    strbuf_t b;
    sb_init(&b);
    sb_adds(&b, "removed  ");
    cell(&b, r->id, 25, tflags);
    size_t at = b.len;
    bk_format_bytes(&b, r->size);
    cell_pad(&b, (int)(b.len - at), 8);
    /* v0.8's Prune says neither type nor sharing: unknown, not "" and false. */
    cell(&b, bk_usage_type(r->recordtype), 19, tflags);
    bk_safe(&b, r->description, 0, tflags);
    sb_addc(&b, '\n');
    fwrite(b.data, 1, b.len, f);
    sb_free(&b);
}

void bk_print_json(FILE *f, const ProtobufCMessage *m)
{
    strbuf_t b;
    sb_init(&b);
    pbjson_write(&b, m);
    sb_addc(&b, '\n');
    fwrite(b.data, 1, b.len, f);
    sb_free(&b);
}

/* ---- parsers ------------------------------------------------------------ */

bool bk_parse_duration(const char *s, int64_t *ns)
{
    static const struct { const char *u; double ns; } units[] = {
        {"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}, {"d", 86400e9},
    };
    double total = 0;
    if (!*s)
        return false;
    while (*s) {
        char *end;
        double v = strtod(s, &end);
        if (end == s || v < 0)
            return false;
        size_t ul = strspn(end, "nsumhd");
        int k = -1;
        for (int i = 0; i < 7; i++)
            if (strlen(units[i].u) == ul && !strncmp(end, units[i].u, ul))
                k = i;
        if (k < 0)
            return false;
        total += v * units[k].ns;
        s = end + ul;
    }
    if (total > 9.2e18)
        return false;
    *ns = (int64_t)total;
    return true;
}

bool bk_parse_bytes(const char *s, int64_t *out)
{
    static const struct { const char *u; double m; } units[] = {
        {"", 1}, {"b", 1}, {"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
        {"kib", 1024.0}, {"mib", 1048576.0}, {"gib", 1073741824.0}, {"tib", 1099511627776.0},
    };
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0 || isnan(v))
        return false;
    char u[8];
    size_t n = strlen(end);
    if (n >= sizeof u)
        return false;
    for (size_t i = 0; i <= n; i++)
        u[i] = (char)(end[i] >= 'A' && end[i] <= 'Z' ? end[i] + 32 : end[i]);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(u, units[i].u) && v * units[i].m < 9.2e18) {
            *out = (int64_t)(v * units[i].m);
            return true;
        }
    return false;
}

void bk_format_duration(strbuf_t *out, int64_t ns)
{
    int64_t s = ns / 1000000000LL;
    if (s < 60) {
        sb_printf(out, "%gs", (double)ns / 1e9);
        return;
    }
    int64_t h = s / 3600, m = s % 3600 / 60;
    double sec = (double)(ns - (h * 3600 + m * 60) * 1000000000LL) / 1e9;
    if (h)
        sb_printf(out, "%lldh", (long long)h);
    sb_printf(out, "%lldm%gs", (long long)m, sec);
}
