/* The key documents, generated from the binding table the viewer uses (the
 * default bindings parsed by the config parser into a key map, and the
 * action table): `skview keys` prints them, `make docs` puts them into
 * doc/keys.md and doc/skview.1 between their "generated" markers, and
 * tests/integration/docs.sh fails when a binding changes and the documents
 * do not.
 *
 * KEYDOC_CONFIG: the bind lines, in the config syntax (a config to start
 * from). KEYDOC_MARKDOWN: the scopes, one table per action group (keys,
 * action, what it does; a key bound in one pane only says which), and the
 * bind lines. KEYDOC_MAN: the same tables as roff for the KEYS section. */
#ifndef SKVIEW_UI_KEYDOC_H
#define SKVIEW_UI_KEYDOC_H

#include "core/strbuf.h"

typedef enum keydoc_format { KEYDOC_CONFIG, KEYDOC_MARKDOWN, KEYDOC_MAN } keydoc_format_t;

/* Appends the document of the default bindings to out. */
void keydoc(strbuf_t *out, keydoc_format_t format);

#endif
