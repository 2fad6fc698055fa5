#!/usr/bin/env bash
# The integration scripts' own rules, checked on every script:
# - a wait's condition is evaluated at every try: `wait_for N test "$(count)" ...`
#   counts once, before the wait, and then waits its whole limit (times
#   WAIT_SCALE) whenever the first count falls short; wait_until takes the
#   condition as a string (lib.sh);
# - a script ends with `finish` (its status says whether a check failed);
# - a script sources the shared library (tests/lib/lib.sh) for its checks.
# Each rule is also tried on a planted violation, so it can fail.
source "$(dirname "$0")/../lib/lib.sh"

# once_counted FILE...: the lines whose wait condition is substituted once.
once_counted() { grep -n '^[[:space:]]*wait_for [0-9.]* \(test\|\[\) [^|;]*"\$(' "$@"; }
no_finish() { local f; for f in "$@"; do tail -n 3 "$f" | grep -q '^finish' || echo "$f"; done; }
no_lib() { grep -L 'source "$(dirname "$0")/../lib/lib.sh"' "$@"; }

scripts=(tests/integration/*.sh)
check_eq "no wait counts its condition once (${#scripts[@]} scripts)" "" "$(once_counted "${scripts[@]}")"
check_eq "every script ends with finish" "" "$(no_finish "${scripts[@]}")"
check_eq "every script sources tests/lib/lib.sh" "" "$(no_lib "${scripts[@]}")"

# The rules can fail: a planted script breaks each.
printf '%s\n' '#!/usr/bin/env bash' 'wait_for 10 test "$(wc -l <f)" -ge 6' 'echo' >"$TMP/planted.sh"
check_match "planted: a once-counted wait is found" '^2:wait_for 10 test' "$(once_counted "$TMP/planted.sh")"
check_eq "planted: a script without finish is found" "$TMP/planted.sh" "$(no_finish "$TMP/planted.sh")"
check_eq "planted: a script without the library is found" "$TMP/planted.sh" "$(no_lib "$TMP/planted.sh")"
printf '%s\n' "wait_until 10 'test \"\$(wc -l <f)\" -ge 6'" >"$TMP/fine.sh"
check_eq "wait_until's condition is not taken for a once-counted one" "" "$(once_counted "$TMP/fine.sh")"

finish
