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

When the run is over it says so in a closing line and exits: "finished:
..." once the daemon reports the managed run finished (a simulated scenario
has run its duration; this asks GetStatus every --poll_interval seconds)
and every plan of the run this stream was sent has been printed, or
"stream ended: ..." when the daemon shuts down.

Needs Debian's python3-grpcio and python3-protobuf, and the stubs the build
generates into <build>/python (--stubs DIR, or SPOTBURST_PYTHON_STUBS).
Exit code: 0 when the run finishes, the stream ends cleanly (the daemon shut
down) or --count plans were printed; 1 when the call fails; 2 for bad
arguments.
"""

import argparse
import collections
import os
import sys
import threading


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


def plans(n):
    return "%d plan%s" % (n, "" if n == 1 else "s")


def evaluated_at(decision):
    stamp = decision.plan.evaluated_at
    return (stamp.seconds, stamp.nanos)


class RunEnd:
    """Learns from GetStatus when the managed run is over, and ends the stream
    once the run's last plan has been printed (the plans of a run come in
    order, so a plan as late as the last one means none is left)."""

    def __init__(self, stub, messages, include_last, poll_interval):
        self._stub = stub
        self._messages = messages
        # With include_last, or once a plan has come, the last plan of the
        # run is sure to come on this stream too.
        self._sure_to_come = include_last
        self._poll_interval = poll_interval
        self._lock = threading.Lock()
        self._latest = None   # evaluated_at of the latest plan printed
        self._last = None     # evaluated_at of the run's last plan
        self.finished = None  # the ControllerStatus that said so
        self.ended = threading.Event()
        self._stream = None

    def watch(self, stream):
        self._stream = stream
        threading.Thread(target=self._poll, daemon=True).start()

    def printed(self, decision):
        """Called with each plan printed; True when it was the run's last."""
        with self._lock:
            self._latest = evaluated_at(decision)
            self._sure_to_come = True
            return self._end_if_done()

    def _end_if_done(self):
        if self.finished is None:
            return False
        if self._last is not None and (self._latest is None or
                                       self._latest < self._last):
            return False
        self.ended.set()
        return True

    def _poll(self):
        import grpc
        while not self.ended.is_set():
            try:
                status = self._stub.GetStatus(
                    self._messages.GetStatusRequest(),
                    timeout=max(5, self._poll_interval))
            except grpc.RpcError:
                status = None  # shutting down: the stream will say so
            if status is not None and status.finished:
                with self._lock:
                    self.finished = status
                    if status.HasField("last_plan"):
                        stamp = status.last_plan.evaluated_at
                        self._last = (stamp.seconds, stamp.nanos)
                    sure = self._sure_to_come
                    done = self._end_if_done()
                if not done and not sure:
                    # Connected as the run ended and nothing came yet: what
                    # is on its way comes within a poll interval, or the
                    # run's plans were all made before this stream began.
                    self.ended.wait(self._poll_interval)
                    with self._lock:
                        if not self._sure_to_come:
                            self._last = None
                        done = self._end_if_done()
                if done:
                    self._stream.cancel()
                return
            self.ended.wait(self._poll_interval)


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
    parser.add_argument("--poll_interval", type=float, default=1.0,
                        help="how often to ask whether the run is over, "
                        "seconds")
    parser.add_argument("--stubs", default=os.environ.get(
        "SPOTBURST_PYTHON_STUBS", ""), help="directory of the generated stubs")
    args = parser.parse_args()
    if args.count < 0:
        parser.error("--count must be >= 0")
    if not 0 < args.poll_interval <= 3600:
        parser.error("--poll_interval must be in (0, 3600]")

    import grpc
    messages, services, plan_pb2 = load_stubs(args.stubs)
    stub = services.ControllerServiceStub(grpc.insecure_channel(args.target))
    # Plans and ids only: the state and policy are in the decision log.
    request = messages.WatchDecisionsRequest(include_last=args.include_last)
    printed = 0
    stream = stub.WatchDecisions(request)
    run_end = RunEnd(stub, messages, args.include_last, args.poll_interval)
    run_end.watch(stream)
    try:
        for message in stream:
            if message.missed:
                print("missed %d decisions (reading too slowly)" %
                      message.missed, flush=True)
            print(describe(message.decision, plan_pb2), flush=True)
            printed += 1
            if args.count and printed >= args.count:
                run_end.ended.set()
                stream.cancel()
                return 0
            if run_end.printed(message.decision):
                stream.cancel()
                break
    except grpc.RpcError as error:
        cancelled = error.code() == grpc.StatusCode.CANCELLED
        if not (cancelled and run_end.ended.is_set()):
            run_end.ended.set()
            print("watch.py: %s: %s" % (error.code().name, error.details()),
                  file=sys.stderr)
            return 1
    run_end.ended.set()
    if run_end.finished is not None:
        print("finished: the managed run is over after %d ticks; %s shown" %
              (run_end.finished.ticks, plans(printed)), flush=True)
    else:
        print("stream ended: the daemon stopped; %s shown" % plans(printed),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
