#!/usr/bin/python3
"""Drives spotburstd with its worst request mix and reports its memory.

Sends rounds of --concurrent Evaluate calls at once, each carrying a fleet
of --instances instances and --requests spot requests (about 1 MB for
20,000 instances), then reads the daemon's peak and current resident
memory (VmHWM, VmRSS in /proc/PID/status) right after the load and again
after --idle seconds. Not a test: a measurement, for the figures in the
sidecar documentation.

    spotburstd --policy exp1=examples/policies/experiment1-revised.yaml \\
        --decision_log /tmp/d.jsonl &
    /usr/bin/python3 tests/sidecar/memory_load.py --stubs build/python \\
        --target 127.0.0.1:50551 --pid $!
"""

import argparse
import collections
import concurrent.futures
import json
import os
import sys
import time


def status_kib(pid):
    fields = {}
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0])
    return fields


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--stubs", required=True)
    parser.add_argument("--state", default=os.path.join(
        os.path.dirname(__file__), "../../examples/client_cpp/state.json"))
    parser.add_argument("--policy_name", default="exp1")
    parser.add_argument("--instances", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=0)
    parser.add_argument("--concurrent", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--idle", type=float, default=10)
    args = parser.parse_args()

    sys.path.insert(0, args.stubs)
    import grpc
    from google.protobuf import json_format
    from spotburst.v1 import policy_service_pb2 as pb
    from spotburst.v1 import policy_service_pb2_grpc as rpc
    from spotburst.v1 import state_pb2

    with open(args.state) as f:
        state = json_format.Parse(f.read(), state_pb2.EvaluationState())
    template = state.fleet.instances[0]
    request_template = state.fleet.requests[0]
    del state.fleet.instances[:]
    del state.fleet.requests[:]
    for i in range(args.instances):
        instance = state.fleet.instances.add()
        instance.CopyFrom(template)
        instance.id = "i-%08d" % i
    for i in range(args.requests):
        request = state.fleet.requests.add()
        request.CopyFrom(request_template)
        request.id = "sir-%08d" % i
    request = pb.EvaluateRequest(policy_name=args.policy_name, state=state)
    payload = request.SerializeToString()
    print("request: %d bytes, %d instances, %d spot requests" %
          (len(payload), args.instances, args.requests))

    options = [("grpc.max_send_message_length", 64 << 20)]
    channels = [grpc.insecure_channel(args.target, options=options)
                for _ in range(4)]
    stubs = [rpc.PolicyServiceStub(c) for c in channels]
    before = status_kib(args.pid)
    codes = collections.Counter()
    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(args.concurrent) as pool:
        for _ in range(args.rounds):
            futures = [pool.submit(stubs[i % 4].Evaluate.future, request,
                                   timeout=60)
                       for i in range(args.concurrent)]
            for future in [f.result() for f in futures]:
                try:
                    future.result()
                    codes["OK"] += 1
                except grpc.RpcError as error:
                    codes[error.code().name] += 1
    took = time.time() - start
    loaded = status_kib(args.pid)
    time.sleep(args.idle)
    idle = status_kib(args.pid)
    print(json.dumps({
        "calls": dict(codes), "seconds": round(took, 1),
        "rss_before_mib": before["VmRSS"] // 1024,
        "peak_mib": loaded["VmHWM"] // 1024,
        "rss_after_load_mib": loaded["VmRSS"] // 1024,
        "rss_idle_mib": idle["VmRSS"] // 1024}))


if __name__ == "__main__":
    main()
