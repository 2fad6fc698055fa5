/* The key documents from the binding table (ui/keydoc.h). */
#include <string.h>
#include "ui/config.h"
#include "ui/keydoc.h"
#include "ui/keys.h"

typedef struct doc {
    strbuf_t *out;
    const keymap_t *km;
    keydoc_format_t fmt;
} doc_t;

/* The scopes in document order: generic, then the panes. */
static int scope_at(int i)
{
    return i == 0 ? KEYS_SCOPE_GENERIC : i - 1;
}

static const char *scope_name(int s)
{
    return s == KEYS_SCOPE_GENERIC ? "generic" : pane_name((pane_id_t)s);
}

/* Text for the document: '|' escaped in Markdown; '-' and '\' in roff. */
static void put_text(doc_t *d, const char *s)
{
    for (; *s; s++) {
        if (d->fmt == KEYDOC_MARKDOWN && *s == '|')
            sb_adds(d->out, "\\|");
        else if (d->fmt == KEYDOC_MAN && (*s == '-' || *s == '\\'))
            sb_adds(d->out, *s == '-' ? "\\-" : "\\e");
        else
            sb_addc(d->out, *s);
    }
}

static void put_key(doc_t *d, int key)
{
    char name[32];
    keys_name(key, name, sizeof name);
    sb_adds(d->out, d->fmt == KEYDOC_MAN ? "\\fB" : "`");
    put_text(d, name);
    sb_adds(d->out, d->fmt == KEYDOC_MAN ? "\\fR" : "`");
}

/* " (not in Logs, Cache)": the panes that bind a generic key to another action. */
static void put_shadowed(doc_t *d, int key, action_t a)
{
    int n = 0;
    for (int p = 0; p < PANE__COUNT; p++) {
        if (keys_lookup(d->km, p, key) == a)
            continue;
        sb_adds(d->out, n++ ? ", " : " (not in ");
        put_text(d, pane_title((pane_id_t)p));
    }
    if (n)
        sb_addc(d->out, ')');
}

/* Every key doing a: generic ones, then each pane's with its pane. */
static void put_keys(doc_t *d, action_t a)
{
    int n = 0, key;
    action_t b;
    for (int i = 0; i < KEYS_SCOPES; i++) {
        int s = scope_at(i);
        for (size_t k = 0; keys_binding(d->km, s, k, &key, &b); k++) {
            if (b != a)
                continue;
            sb_adds(d->out, n++ ? ", " : "");
            put_key(d, key);
            if (s == KEYS_SCOPE_GENERIC) {
                put_shadowed(d, key, a);
            } else {
                sb_adds(d->out, " (");
                put_text(d, pane_title((pane_id_t)s));
                sb_addc(d->out, ')');
            }
        }
    }
    if (!n)
        sb_adds(d->out, "-");
}

static void bind_lines(doc_t *d)
{
    int key;
    action_t a;
    char name[32];
    for (int i = 0; i < KEYS_SCOPES; i++)
        for (size_t k = 0; keys_binding(d->km, scope_at(i), k, &key, &a); k++)
            sb_printf(d->out, "bind %s %s %s\n", scope_name(scope_at(i)), keys_name(key, name, sizeof name),
                      action_name(a));
}

static void action_row(doc_t *d, action_t a)
{
    if (d->fmt == KEYDOC_MARKDOWN) {
        sb_adds(d->out, "| ");
        put_keys(d, a);
        sb_printf(d->out, " | `%s` | ", action_name(a));
        put_text(d, action_table[a].help);
        sb_adds(d->out, " |\n");
        return;
    }
    sb_adds(d->out, ".TP\n");
    put_keys(d, a);
    sb_adds(d->out, "\n");
    put_text(d, action_table[a].help);
    sb_adds(d->out, " (\\fB");
    put_text(d, action_name(a));
    sb_adds(d->out, "\\fR)\n");
}

static void group(doc_t *d, action_group_t g)
{
    if (d->fmt == KEYDOC_MARKDOWN)
        sb_printf(d->out, "\n### %s\n| keys | action | what it does |\n|---|---|---|\n", action_group_name(g));
    else
        sb_printf(d->out, ".SS %s\n", action_group_name(g));
    for (int a = 1; a < ACT__COUNT; a++)
        if (action_table[a].group == g)
            action_row(d, (action_t)a);
}

static void scopes(doc_t *d)
{
    sb_adds(d->out, d->fmt == KEYDOC_MAN ? ".PP\nScopes of a binding: \\fBgeneric\\fR" : "Scopes of a binding: `generic`");
    for (int p = 0; p < PANE__COUNT; p++)
        sb_printf(d->out, d->fmt == KEYDOC_MAN ? ", \\fB%s\\fR" : ", `%s`", pane_name((pane_id_t)p));
    sb_adds(d->out, d->fmt == KEYDOC_MAN ? " (a pane's binding wins in that pane).\n"
                                         : " (a pane's binding wins in that pane).\n");
}

void keydoc(strbuf_t *out, keydoc_format_t fmt)
{
    ui_config_t c;
    config_init(&c);
    doc_t d = {out, c.keys, fmt};
    if (fmt == KEYDOC_CONFIG) {
        bind_lines(&d);
    } else {
        scopes(&d);
        for (int g = 0; g < GROUP__COUNT; g++)
            group(&d, (action_group_t)g);
        if (fmt == KEYDOC_MARKDOWN) {
            sb_adds(out, "\nThe same as a config (`skview keys --config`):\n```\n");
            bind_lines(&d);
            sb_adds(out, "```\n");
        }
    }
    config_free(&c);
}
