#!/usr/bin/env bash
# Skaffold's builds linked to BuildKit's, in tmux against skview-sim running
# a dev loop whose builds are builds of its BuildKit (same image names: the
# history's moby exporter names docker.io/library/ARTIFACT:TAG, as Docker's
# daemon writes the tag Skaffold gave). Without --ref the Build pane follows
# the running build, and the next one when it ends; J on a finished
# artifact shows its build alone (no longer following every build); Enter
# on an artifact being built follows its build live, then every build.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tmux_lib.sh"
bk_ready() { wait_for 10 "$SKVIEW" buildkit --buildkit "unix://$1" workers || { echo "no BuildKit on $1"; exit 1; }; }
# ref_of IMAGE: the ref of the newest build exporting docker.io/library/IMAGE ("" if none yet).
ref_of() {
  "$SKVIEW" buildkit --buildkit "$BK" history --json | python3 -c '
import json, sys
refs = [r["record"]["Ref"] for r in map(json.loads, sys.stdin)
        for x in r["record"].get("Exporters", []) if x["Attrs"].get("name", "").startswith("docker.io/library/%s:" % sys.argv[1])]
print(refs[-1] if refs else "")' "$1"
}
has_ref() { [ -n "$(ref_of "$1")" ]; }

# Each Skaffold build lasts 6 s (frontend, backend, worker in turn), and so
# does the BuildKit build that makes its image.
start_sim --buildkit-socket "$TMP/bkd.sock" --buildkit-dev-loop --step 6000 --idle-after 1
bk_ready "$TMP/bkd.sock"
BK="unix://$TMP/bkd.sock"
start_ui live "$SKVIEW" -a "$ADDR" --buildkit "$BK" --no-config
$TM resize-window -t live: -x 160 -y 40   # both groups side by side
wait_for 10 has_ref frontend
REF_F=$(ref_of frontend)
check_match "buildkit history: the image a build exports" "^$REF_F .* docker\.io/library/frontend:v" \
  "$("$SKVIEW" buildkit --buildkit "$BK" history | grep "^$REF_F ")"
check_screen "no --ref: the running build (frontend's) is followed" live "8 Build  Building [0-9.]+s \([0-9]+/12\)  ref $REF_F  \(every build\)"
check_screen "its steps, live" live " => \[builder 4/4\] RUN go build|=> => # "
wait_for 20 has_ref backend
REF_B=$(ref_of backend)
check_screen "frontend's build ended: the next one (backend's) is followed" live "8 Build  Building [0-9.]+s \([0-9]+/12\)  ref $REF_B  \(every build\)"

# J on frontend (finished) while backend builds: frontend's steps, alone.
keys live 1 g j
check_screen "the Artifacts pane: frontend built" live " frontend +Complete"
keys live J
check_screen "J on frontend: its finished build in the Build pane" live "8 Build  Building [0-9.]+s \(12/12\) FINISHED  ref $REF_F  "
check_screen "J on frontend: its steps" live " => \[builder 4/4\] RUN go build -o /out/app ./cmd/app +[0-9.]+s"
check_screen "J on frontend: the image it exported, as Skaffold tagged it" live " => => naming to docker\.io/library/frontend:v1\.8\.0-[0-9a-f]{7} "
check_not_screen "J on frontend: no longer every build" live "ref $REF_F  \(every build\)"
wait_for 20 has_ref worker
REF_W=$(ref_of worker)
check_screen "worker builds (Artifacts pane)" live "worker +In Progress"
check_not_screen "worker's build starting does not take frontend's place" live "ref $REF_W"

# Enter on worker while it builds: its build live, then every build.
keys live 1 g j j
check_screen "the Artifacts pane: worker being built" live "worker +In Progress"
keys live Enter
check_screen "Enter on worker: its build followed" live "following build $REF_W of worker"
check_screen "Enter on worker: live, not finished yet" live "8 Build  Building [0-9.]+s \(([0-9]|1[01])/12\)  ref $REF_W  \(every build\)"
check_screen "Enter on worker: its build to its FINISHED frame" live "8 Build  Building [0-9.]+s \(12/12\) FINISHED  ref $REF_W"
check_not_screen "the viewer stopped at nothing" live "connection lost"
finish
