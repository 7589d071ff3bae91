#!/usr/bin/python3
"""A Python client of spotburstd: sends a policy and a state, prints the plan.

Reads a policy file (YAML or JSON, sent as is) or names a policy the daemon
loaded, reads a state (spotburst.v1.EvaluationState as JSON), calls
PolicyService.Evaluate with a deadline and prints the plan as one line of
JSON.

    /usr/bin/python3 examples/client_python/client.py \
        --stubs build/python --target 127.0.0.1:50551 \
        --policy examples/policies/experiment1-revised.yaml \
        --state examples/client_cpp/state.json

Needs Debian's python3-grpcio and python3-protobuf, and the stubs the build
generates into <build>/python (--stubs DIR, or SPOTBURST_PYTHON_STUBS).
Exit code: 0 with a plan, 1 when the call fails (code and message on
stderr), 2 for bad arguments.
"""

import argparse
import json
import os
import sys


# spotburst's version (project() in CMakeLists.txt; a test keeps them equal).
VERSION = "0.1.0"


def load_stubs(directory):
    if not directory or not os.path.isdir(os.path.join(directory, "spotburst")):
        sys.exit(
            "client.py: generated stubs not found; pass --stubs <build>/python "
            "or set SPOTBURST_PYTHON_STUBS (the build writes them there)")
    sys.path.insert(0, directory)
    from spotburst.v1 import policy_service_pb2
    from spotburst.v1 import policy_service_pb2_grpc
    return policy_service_pb2, policy_service_pb2_grpc


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def channel_for(grpc, args):
    if not args.tls_ca:
        return grpc.insecure_channel(args.target)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=read(args.tls_ca, "rb"),
        private_key=read(args.tls_key, "rb") if args.tls_key else None,
        certificate_chain=read(args.tls_cert, "rb") if args.tls_cert else None)
    options = []
    if args.tls_server_name:
        options.append(("grpc.ssl_target_name_override", args.tls_server_name))
    return grpc.secure_channel(args.target, credentials, options)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version",
                        version="%(prog)s (spotburst) " + VERSION)
    parser.add_argument("--target", default="127.0.0.1:50551",
                        help="spotburstd address, host:port")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--policy", help="policy file (YAML or JSON)")
    source.add_argument("--policy_name", help="a policy the daemon loaded")
    parser.add_argument("--state", required=True,
                        help="state file: spotburst.v1.EvaluationState as JSON")
    parser.add_argument("--decision_id", default="", help="optional id")
    parser.add_argument("--deadline", type=float, default=5.0,
                        help="deadline of the call, seconds")
    parser.add_argument("--stubs", default=os.environ.get(
        "SPOTBURST_PYTHON_STUBS", ""), help="directory of the generated stubs")
    parser.add_argument("--tls_ca", help="CA of the server certificate (PEM)")
    parser.add_argument("--tls_cert", help="client certificate (mutual TLS)")
    parser.add_argument("--tls_key", help="client private key (mutual TLS)")
    parser.add_argument("--tls_server_name",
                        help="name to check the server certificate against")
    args = parser.parse_args()

    import grpc
    from google.protobuf import json_format
    messages, services = load_stubs(args.stubs)

    request = messages.EvaluateRequest(decision_id=args.decision_id)
    if args.policy:
        request.policy_text = read(args.policy)
    else:
        request.policy_name = args.policy_name
    try:
        json_format.Parse(read(args.state), request.state)
    except (OSError, json_format.ParseError) as error:
        print(f"client.py: --state: {error}", file=sys.stderr)
        return 2

    with channel_for(grpc, args) as channel:
        stub = services.PolicyServiceStub(channel)
        try:
            response = stub.Evaluate(request, timeout=args.deadline)
        except grpc.RpcError as error:
            print(f"client.py: Evaluate failed: {error.code().name}: "
                  f"{error.details()}", file=sys.stderr)
            return 1

    plan = json_format.MessageToDict(response.plan,
                                     including_default_value_fields=True,
                                     preserving_proto_field_name=True)
    print(json.dumps(plan, separators=(",", ":")))
    print(f"decision_id={response.decision_id} "
          f"policy_revision={response.policy_revision}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
