#!/usr/bin/env bash
# `make docs`: the key tables of doc/keys.md and the KEYS section of
# doc/skview.1 are generated from the binding table the viewer uses
# (`skview keys --markdown`, `skview keys --man`) and put between each file's
# "BEGIN generated" and "END generated" lines; the rest is written by hand.
# tools/gen_docs.sh [--check] [DIR]: DIR holds keys.md and skview.1 (default
# doc); --check changes nothing and exits 1, with the diff, when a document
# is not what the program generates (tests/integration/docs.sh).
set -u
cd "$(dirname "$0")/.."
BUILD="${BUILD:-build}"
check=0
[ "${1:-}" = --check ] && { check=1; shift; }
dir="${1:-doc}"
rc=0

# splice FILE GENERATED: FILE with the lines between its markers replaced.
splice() {
  awk -v gen="$2" '
    /BEGIN generated/ { print; while ((getline line < gen) > 0) print line; skip = 1; found++; next }
    /END generated/ { skip = 0 }
    !skip { print }
    END { if (found != 1) { print "gen_docs: " FILENAME ": no BEGIN generated line" > "/dev/stderr"; exit 1 } }
  ' "$1"
}

for pair in "keys.md --markdown" "skview.1 --man"; do
  set -- $pair
  file="$dir/$1" gen=$(mktemp) new=$(mktemp)
  "$BUILD/skview" keys "$2" >"$gen" || exit 1
  splice "$file" "$gen" >"$new" || exit 1
  if [ $check = 1 ]; then
    if ! cmp -s "$file" "$new"; then
      echo "gen_docs: $file differs from \`skview keys $2\` (run make docs):" >&2
      diff -u "$file" "$new" | head -20 >&2
      rc=1
    fi
  elif ! cmp -s "$file" "$new"; then
    cp "$new" "$file" && echo "gen_docs: $file updated"
  fi
  rm -f "$gen" "$new"
done
exit $rc
