#!/usr/bin/python3
"""Watches spotburstd's managed control loop: one line per plan it makes.

Calls ControllerService.WatchDecisions and prints each decision as it
arrives: the evaluation time (the controller's clock, simulated or not), the
decision id, the burst instances running, pending and desired, the actions
by kind, and whether the plan was applied (or made while paused or in
dry-run). A gap the daemon
dropped because this client read too slowly is reported as a "missed" line.

    build/src/sidecar/spotburstd --config examples/sidecar/managed-sim.yaml &
    /usr/bin/python3 examples/client_python/watch.py --stubs build/python \
        --target 127.0.0.1:50551 --count 10

Needs Debian's python3-grpcio and python3-protobuf, and the stubs the build
generates into <build>/python (--stubs DIR, or SPOTBURST_PYTHON_STUBS).
Exit code: 0 when the stream ends cleanly (the daemon shut down, or --count
plans were printed), 1 when the call fails, 2 for bad arguments.
"""

import argparse
import collections
import os
import sys


# spotburst's version (project() in CMakeLists.txt; a test keeps them equal).
VERSION = "0.1.0"


def load_stubs(directory):
    if not directory or not os.path.isdir(os.path.join(directory, "spotburst")):
        sys.exit(
            "watch.py: generated stubs not found; pass --stubs <build>/python "
            "or set SPOTBURST_PYTHON_STUBS (the build writes them there)")
    sys.path.insert(0, directory)
    from spotburst.v1 import controller_service_pb2
    from spotburst.v1 import controller_service_pb2_grpc
    from spotburst.v1 import plan_pb2
    return controller_service_pb2, controller_service_pb2_grpc, plan_pb2


def describe(decision, plan_pb2):
    plan = decision.plan
    kinds = collections.Counter(
        plan_pb2.ActionKind.Name(action.kind) for action in plan.actions)
    actions = ", ".join(
        "%s %d" % (kind[len("ACTION_KIND_"):].lower().replace("_", "-"), n)
        for kind, n in sorted(kinds.items())) or "no actions"
    if decision.paused:
        mode = "paused"
    elif decision.dry_run:
        mode = "dry-run"
    else:
        mode = "applied" if decision.applied else "not applied"
    return "%s %s running=%d pending=%d desired=%d: %s (%s)" % (
        plan.evaluated_at.ToJsonString(), decision.decision_id, plan.running,
        plan.pending, plan.desired, actions, mode)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version",
                        version="%(prog)s (spotburst) " + VERSION)
    parser.add_argument("--target", default="127.0.0.1:50551",
                        help="spotburstd address, host:port")
    parser.add_argument("--count", type=int, default=0,
                        help="stop after this many plans (0: until the end)")
    parser.add_argument("--include_last", action="store_true",
                        help="start with the most recent plan")
    parser.add_argument("--stubs", default=os.environ.get(
        "SPOTBURST_PYTHON_STUBS", ""), help="directory of the generated stubs")
    args = parser.parse_args()
    if args.count < 0:
        parser.error("--count must be >= 0")

    import grpc
    messages, services, plan_pb2 = load_stubs(args.stubs)
    stub = services.ControllerServiceStub(grpc.insecure_channel(args.target))
    # Plans and ids only: the state and policy are in the decision log.
    request = messages.WatchDecisionsRequest(include_last=args.include_last)
    printed = 0
    stream = stub.WatchDecisions(request)
    try:
        for message in stream:
            if message.missed:
                print("missed %d decisions (reading too slowly)" %
                      message.missed, flush=True)
            print(describe(message.decision, plan_pb2), flush=True)
            printed += 1
            if args.count and printed >= args.count:
                stream.cancel()
                return 0
    except grpc.RpcError as error:
        if error.code() == grpc.StatusCode.CANCELLED and args.count:
            return 0
        print("watch.py: %s: %s" % (error.code().name, error.details()),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
