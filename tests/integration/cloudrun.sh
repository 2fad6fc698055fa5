#!/usr/bin/env bash
# Cloud Run endpoints (Skaffold 2.x's CloudRunReadyEvent) in the Ports pane:
# listed after the forwarded ports with their resource, in the details with
# the revision, copied with o; a URL from the wire stays inert.
source "$(dirname "$0")/../lib/lib.sh"
F=tests/data/cloudrun.jsonl.v2
dump() { "$SKVIEW" replay "$F" --at END --dump-screen --focus ports --size 100x24 "$@" 2>&1; }
url() { jq -r 'select(.cloudRunReadyEvent) | .cloudRunReadyEvent.url' "$F" | sed -n "${1}p"; }
res() { jq -r 'select(.cloudRunReadyEvent) | .cloudRunReadyEvent.resource' "$F" | sed -n "${1}p"; }
rev() { jq -r 'select(.cloudRunReadyEvent) | .cloudRunReadyEvent.readyRevision' "$F" | sed -n "${1}p"; }
n=$(jq -r 'select(.cloudRunReadyEvent)' "$F" | grep -c '"url"')

screen=$(dump)
check_match "the title counts the endpoints" "3 Ports +0, $n Cloud Run" "$screen"
check_match "the first endpoint: its URL and resource" "$(url 1) +cloud run +→ $(res 1)" "$screen"
check_eq "no escape byte of the second URL reaches the screen" 0 "$(printf '%s' "$screen" | grep -c $'\e')"
check_match "the second URL shows its escapes as placeholders" "${F:+␛\]0;pwned␇␛\[2J}" "$screen"
details=$(dump --keys Enter)
check_match "details: the URL" "URL: +$(url 1)" "$details"
check_match "details: the revision" "revision: +$(rev 1)" "$details"
check_match "o copies the URL" "copied $(url 1) " "$(dump --keys o | tail -1)"
check_match "o on the hostile one copies it inert" 'copied https://api-[^ ]*\^\[\]0;pwned\^G' "$(dump --keys "j o" | tail -1)"
finish
