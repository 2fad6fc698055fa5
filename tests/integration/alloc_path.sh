#!/usr/bin/env bash
# One allocation path (core/xalloc.h): nothing in src/ calls malloc, calloc,
# realloc or strdup itself, so out of memory is said and handled one way.
# A call planted in a copy of a file is named with its line.
source "$(dirname "$0")/../lib/lib.sh"

# raw_allocs DIR: "FILE:LINE: call" for each raw allocation below DIR/src.
raw_allocs() {
  (cd "$1" && grep -rnE '(^|[^a-z_])(malloc|calloc|realloc|strdup)[[:space:]]*\(' src --include='*.[ch]') |
    grep -v '^src/core/xalloc\.c:' | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*)'
}

out=$(raw_allocs .)
check_eq "alloc: src/ allocates through core/xalloc.h only" "" "$out"

mkdir -p "$TMP/t/src/ui"
printf '#include <stdlib.h>\nvoid *f(void)\n{\n    return malloc(8);\n}\n' > "$TMP/t/src/ui/a.c"
printf 'char *g(const char *s) { return xstrdup(s); }\n' > "$TMP/t/src/ui/b.c"
out=$(raw_allocs "$TMP/t")
check_match "alloc: a planted malloc is named with its line" '^src/ui/a.c:4:' "$out"
check_eq "alloc: xstrdup is no raw call" 1 "$(printf '%s\n' "$out" | grep -c .)"
finish
