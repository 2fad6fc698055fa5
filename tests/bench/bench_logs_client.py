#!/usr/bin/python3
"""Consumes the v2 ApplicationLogs stream of ADDR with Python grpcio and
prints its rate: the comparison client of the log flood bench
(tests/bench/bench_live.sh, beside bench_client.py for v1 Events, whose consume()
it uses).

usage: bench_logs_client.py ADDR [MAX] [PB2_DIR]
Decodes every message as proto.v2.Event and takes its line (podName,
containerName, message) when v2/skaffold_v2_pb2 (generated with
`protoc --python_out`) is importable from PB2_DIR and python3-protobuf is
installed; otherwise counts raw messages. Stops after MAX messages (default:
the end of the stream). Prints one line:
  python: N lines in T s = R lines/s (decoded|raw)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_client import consume  # noqa: E402

taken = 0


def touch(ev):
    """Takes the line as a consumer would."""
    global taken
    a = ev.applicationLogEvent
    taken += len(a.podName) + len(a.containerName) + len(a.message)


if __name__ == "__main__":
    sys.exit(consume("bench_logs_client", "/proto.v2.SkaffoldV2Service/ApplicationLogs",
                     "v2.skaffold_v2_pb2", "Event", "lines", touch))
