#!/usr/bin/env bash
# The documents agree with the program (issue 16): the key tables of
# doc/keys.md and the KEYS section of doc/skview.1 are what `skview keys`
# generates from the binding table the viewer uses (a binding changed without
# `make docs` fails here), and the man page names every command and every
# option that --help lists; the README's Logs rows name every Logs key.
source "$(dirname "$0")/../lib/lib.sh"

out=$(BUILD="$BUILD" tools/gen_docs.sh --check 2>&1); rc=$?
check_eq "doc/keys.md and doc/skview.1 are what skview keys generates" "0 " "$rc $out"

# The check notices a document that drifted from the binding table.
mkdir -p "$TMP/doc"
cp doc/keys.md doc/skview.1 "$TMP/doc/"
sed -i 's/^| `q` | `quit` |/| `Q` | `quit` |/' "$TMP/doc/keys.md"
BUILD="$BUILD" tools/gen_docs.sh --check "$TMP/doc" >/dev/null 2>&1
check_eq "a binding the Markdown does not show: the check fails" 1 "$?"
cp doc/keys.md "$TMP/doc/"
sed -i '/^\\fBJ\\fR$/,+1d' "$TMP/doc/skview.1"
BUILD="$BUILD" tools/gen_docs.sh --check "$TMP/doc" >/dev/null 2>&1
check_eq "a binding missing from the man page: the check fails" 1 "$?"

# What is generated: every action with its keys, every bind line.
md=$("$SKVIEW" keys --markdown)
cfg=$("$SKVIEW" keys --config)
check_eq "keys --config: one bind line per binding" "$(grep -c '^bind ' <<<"$cfg")" "$(wc -l <<<"$cfg")"
check_cmd "keys --markdown holds the bind lines" grep -qF "$cfg" <<<"$md"
for a in $(awk '{print $4}' <<<"$cfg" | sort -u); do
  grep -q "| \`$a\` |" <<<"$md" || { not_ok "keys --markdown: a row for $a"; continue; }
done
ok "keys --markdown: a row for every bound action"
for k in 'bind generic L focus-logs' 'bind generic z zoom' 'bind generic J log-jump' 'bind logs s log-solo' \
         'bind logs & log-only-matches'; do
  check_cmd "the bindings include '$k'" grep -qxF "$k" <<<"$cfg"
done
check_match "solo is by container" '`s` \(Logs\) \| `log-solo` \| Solo the line.s container' "$md"
check_match "a generic key rebound in a pane says so" '`s` \(not in Logs\) \| `sync`' "$md"
# The config the document shows is one the viewer reads as it is.
printf '%s\n' "$cfg" >"$TMP/config"
"$SKVIEW" replay --config "$TMP/config" --dump-screen --at END "$DATA/skaffold-v1.29-helm-events.jsonl" >/dev/null 2>"$TMP/err"
check_eq "keys --config is a valid config" "0 " "$? $(cat "$TMP/err")"

# The man page names every command and every option of --help.
man=$(cat doc/skview.1)
help=$("$SKVIEW" --help; "$SKVIEW" replay --help)
for c in $(sed -n 's/^  skview \([a-z]*\) .*/\1/p' <<<"$help"); do
  check_cmd "man: SYNOPSIS has skview $c" grep -qx ".B skview $c" <<<"$man"
  check_cmd "man: COMMANDS has $c" grep -q "^\.B $c\( \|$\)" <<<"$man"
done
for o in $(grep -o -- '--[a-z][a-z-]*' <<<"$help" | sort -u); do
  check_cmd "man: the option $o" grep -qF -- "$(sed 's/-/\\-/g' <<<"$o")" <<<"$man"
done

# Every key the README's key table names (its first column) is bound, by
# the name the config uses; its Logs rows name every key of the Logs scope.
keys=$(awk '{print $3}' <<<"$cfg" | sort -u)
table=$(awk '/^\| key \| action \|$/ {t = 1; next} t && !/^\|/ {exit} t' README.md)
check_cmd "README has its key table" test -n "$table"
for k in $(awk -F' [|] ' '{print $1}' <<<"$table" | grep -o '`[^`]*`' | tr -d '`' | sort -u); do
  check_cmd "README: the key $k is bound" grep -qxF -- "$k" <<<"$keys"
done
# The README's Logs rows name every key of the Logs scope.
readme=$(grep '^| Logs:' <<<"$table")
for k in $(awk '$2 == "logs" {print $3}' <<<"$cfg"); do
  check_cmd "README: the Logs key $k" grep -qF "\`$k\`" <<<"$readme"
done
finish
