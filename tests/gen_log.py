#!/usr/bin/env python3
"""Writes a deterministic Skaffold dev-loop event log (JSON lines, the
--event-log-file form) with N entries: iterations that build three artifacts,
deploy, check resources (some failing with ActionableErr and suggestions),
forward ports and sync files. Used by `make bench`."""
import json
import random
import sys
import time

ARTIFACTS = ["leeroy-web", "leeroy-app", "base-image"]
RESOURCES = ["deployment/leeroy-web", "deployment/leeroy-app"]
BASE = 1628709581  # 2021-08-11T19:19:41Z


def stamp(i):
    s = BASE + i // 4
    ns = (i % 4) * 250000000 + (i * 7919) % 1000000  # increasing, four per second
    return "%s.%09dZ" % (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)), ns)


def entries(rng):
    it = 0
    yield {"metaEvent": {"entry": "Starting Skaffold: &{Version:v1.29.0}",
                         "metadata": {"build": {"numberOfArtifacts": 3, "builders": [{"type": "DOCKER", "count": 3}], "type": "LOCAL"},
                                      "deploy": {"deployers": [{"type": "KUBECTL", "count": 1}], "cluster": "MINIKUBE"}}}}, ""
    while True:
        yield {"devLoopEvent": {"iteration": it, "status": "In Progress"}}, "Update initiated"
        failed = rng.random() < 0.1
        for a in ARTIFACTS:
            yield {"buildEvent": {"artifact": a, "status": "In Progress"}}, "Build started for artifact " + a
            if failed and a == ARTIFACTS[1]:
                err = {"errCode": "BUILD_USER_ERROR", "message": "docker build failed: exit status 1",
                       "suggestions": [{"suggestionCode": "FIX_USER_BUILD_ERR", "action": "Fix the build error in your Dockerfile"}]}
                yield {"buildEvent": {"artifact": a, "status": "Failed", "err": err["message"], "errCode": "BUILD_USER_ERROR", "actionableErr": err}}, "Build failed for artifact " + a
                yield {"devLoopEvent": {"iteration": it, "status": "Failed", "err": err}}, "Update failed"
                break
            yield {"buildEvent": {"artifact": a, "status": "Complete"}}, "Build completed for artifact " + a
        else:
            yield {"deployEvent": {"status": "In Progress"}}, "Deploy started"
            yield {"deployEvent": {"status": "Complete"}}, "Deploy completed"
            yield {"statusCheckEvent": {"status": "Started"}}, "Status check started"
            for r in RESOURCES:
                if rng.random() < 0.2:
                    err = {"errCode": "STATUSCHECK_CONTAINER_RESTARTING", "message": "container app is backing off waiting to restart",
                           "suggestions": [{"suggestionCode": "CHECK_CONTAINER_LOGS", "action": "Try checking container logs"}]}
                    yield {"resourceStatusCheckEvent": {"resource": r, "status": "In Progress", "message": err["message"], "statusCode": err["errCode"], "actionableErr": err}}, "Resource %s status updated" % r
                yield {"resourceStatusCheckEvent": {"resource": r, "status": "Succeeded", "message": "Succeeded", "statusCode": "STATUSCHECK_SUCCESS"}}, "Resource %s status completed successfully" % r
            yield {"statusCheckEvent": {"status": "Succeeded"}}, "Status check succeeded"
            for p, r in ((9000, "leeroy-web"), (50053, "leeroy-app")):
                yield {"portEvent": {"localPort": p, "remotePort": 8080, "podName": r + "-5d4f9", "containerName": r, "namespace": "default",
                                     "resourceType": "pod", "resourceName": r, "address": "127.0.0.1", "targetPort": {"intVal": 8080}}}, ""
            yield {"fileSyncEvent": {"fileCount": 2, "image": "leeroy-web", "status": "In Progress"}}, "File sync started for 2 files for leeroy-web"
            yield {"fileSyncEvent": {"fileCount": 2, "image": "leeroy-web", "status": "Succeeded"}}, "File sync succeeded for 2 files for leeroy-web"
            yield {"devLoopEvent": {"iteration": it, "status": "Succeeded"}}, "Update succeeded"
        it += 1


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    out = sys.stdout
    gen = entries(rng)
    for i in range(n):
        ev, text = next(gen)
        line = {"timestamp": stamp(i), "event": ev}
        if text:
            line["entry"] = text
        out.write(json.dumps(line, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
