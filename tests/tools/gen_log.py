#!/usr/bin/env python3
"""Writes a deterministic Skaffold dev-loop event log (JSON lines, the
--event-log-file form) with N entries: iterations that build three artifacts,
deploy, check resources (some failing with ActionableErr and suggestions),
forward ports and sync files. Used by `make bench`.

gen_log.py keys KIND N: a log whose events name N distinct keys of one keyed
collection, for the distinct-keys bench (`make bench` times N and 4N: linear
folds take ~4x as long, quadratic ones ~16x). KIND is one of KEY_KINDS; a
kind ending in -v2 writes F.v2 lines (Skaffold 2.x's v2 events)."""
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


def v1(ev, text=""):
    line = {"timestamp": "2024-11-29T08:00:00Z", "event": ev}
    if text:
        line["entry"] = text
    return line


def v2(**ev):
    return dict(timestamp="2024-11-29T08:00:00Z", **ev)


def fail(code, msg):
    return {"errCode": code, "message": msg}


# Each kind: (the lines before, the lines for key i). Every key fails and
# is fixed or started and stopped, so that both the lookups and the removals
# of the collection are walked.
KEY_KINDS = {
    "artifacts": lambda i: [v1({"buildEvent": {"artifact": "art-%d" % i, "status": "In Progress"}}),
                            v1({"buildEvent": {"artifact": "art-%d" % i, "status": "Complete"}})],
    "artifacts-v2": lambda i: [v2(buildSubtaskEvent={"id": "art-%d" % i, "taskId": "Build-1", "artifact": "art-%d" % i,
                                                     "step": "Build", "status": "InProgress"}),
                               v2(buildSubtaskEvent={"id": "art-%d" % i, "taskId": "Build-1", "artifact": "art-%d" % i,
                                                     "step": "Build", "status": "Succeeded"})],
    "debug": lambda i: [v1({"debuggingContainerEvent": {"status": "Started", "podName": "pod-%d" % i,
                                                        "containerName": "app", "namespace": "default",
                                                        "debugPorts": {"dlv": 56000 + i % 1000}}})],
    "debug-v2": lambda i: [v2(debuggingContainerEvent={"status": "Started", "podName": "pod-%d" % i,
                                                       "containerName": "app", "namespace": "default",
                                                       "debugPorts": {"dlv": 56000 + i % 1000}})],
    "ports": lambda i: [v1({"portEvent": {"localPort": 1024 + i, "remotePort": 8080, "podName": "pod-%d" % i,
                                          "containerName": "app", "namespace": "default", "resourceType": "pod",
                                          "resourceName": "pod-%d" % i, "address": "127.0.0.1"}})],
    "ports-v2": lambda i: [v2(portEvent={"id": "p-%d" % i, "taskId": "PortForward-1", "localPort": 1024 + i,
                                         "podName": "pod-%d" % i, "containerName": "app", "namespace": "default",
                                         "resourceType": "pod", "resourceName": "pod-%d" % i,
                                         "address": "127.0.0.1", "targetPort": {"intVal": 8080}})],
    "resources-v2": lambda i: [v2(statusCheckSubtaskEvent={"id": "pod/app-%d" % i, "taskId": "StatusCheck-1",
                                                           "resource": "pod/app-%d" % i, "status": "InProgress",
                                                           "message": "creating"})],
    "errors": lambda i: [v1({"buildEvent": {"artifact": "art-%d" % i, "status": "Failed", "err": "boom %d" % i,
                                            "errCode": "BUILD_USER_ERROR",
                                            "actionableErr": fail("BUILD_USER_ERROR", "boom %d" % i)}})],
    "tasks-v2": lambda i: [v2(taskEvent={"id": "Build-%d" % i, "task": "Build", "iteration": 1,
                                         "status": "InProgress"}),
                           v2(taskEvent={"id": "Build-%d" % i, "task": "Build", "iteration": 1,
                                         "status": "Succeeded"})],
    "origins-v2": lambda i: [v2(applicationLogEvent={"containerName": "app", "podName": "pod-%d" % i,
                                                     "prefix": "[pod-%d app]" % i, "message": "line %d\n" % i})],
}
KEY_HEAD = {
    "artifacts": [v1({"devLoopEvent": {"status": "In Progress"}}), v1({"buildEvent": {"status": "In Progress"}})],
    "errors": [v1({"devLoopEvent": {"status": "In Progress"}})],
    "tasks-v2": [v2(taskEvent={"id": "DevLoop-1", "task": "DevLoop", "iteration": 1, "status": "InProgress"})],
}


def keys(kind, n):
    out = sys.stdout
    for line in KEY_HEAD.get(kind, []):
        out.write(json.dumps(line, separators=(",", ":")) + "\n")
    for i in range(n):
        for line in KEY_KINDS[kind](i):
            out.write(json.dumps(line, separators=(",", ":")) + "\n")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "keys":
        if len(sys.argv) != 4 or sys.argv[2] not in KEY_KINDS:
            sys.exit("usage: gen_log.py keys {%s} N" % ",".join(KEY_KINDS))
        keys(sys.argv[2], int(sys.argv[3]))
        return
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
