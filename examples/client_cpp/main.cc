// A C++ client of spotburstd: reads a policy file and a state (JSON), calls
// PolicyService.Evaluate with a deadline, and prints the plan as one line of
// JSON (the same form `spotburst evaluate --format json` prints).
//
//   spotburst_client_example --target=127.0.0.1:50551
//       --policy=examples/policies/experiment1-revised.yaml
//       --state=examples/client_cpp/state.json
//
// With --policy_name the daemon's own policy is used instead of a file.
// TLS: --tls_ca (server CA), plus --tls_cert/--tls_key for mutual TLS.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "spotburst/v1/policy_service.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50551",
          "spotburstd address, host:port");
ABSL_FLAG(std::string, policy, "", "policy file (YAML or JSON), sent as is");
ABSL_FLAG(std::string, policy_name, "", "a policy the daemon loaded");
ABSL_FLAG(std::string, state, "",
          "state file: spotburst.v1.EvaluationState "
          "as JSON");
ABSL_FLAG(std::string, decision_id, "", "optional decision id");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(5),
          "deadline of the call, a duration such as 5s or 500ms");
ABSL_FLAG(std::string, tls_ca, "", "CA of the server's certificate (PEM)");
ABSL_FLAG(std::string, tls_cert, "", "client certificate (PEM), mutual TLS");
ABSL_FLAG(std::string, tls_key, "", "client private key (PEM), mutual TLS");
ABSL_FLAG(std::string, tls_server_name, "",
          "name to check the server's certificate against (default: the "
          "target's host)");

namespace {

bool ReadFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

std::shared_ptr<grpc::ChannelCredentials> Credentials() {
  if (absl::GetFlag(FLAGS_tls_ca).empty()) {
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions options;
  ReadFile(absl::GetFlag(FLAGS_tls_ca), options.pem_root_certs);
  if (!absl::GetFlag(FLAGS_tls_cert).empty()) {
    ReadFile(absl::GetFlag(FLAGS_tls_cert), options.pem_cert_chain);
    ReadFile(absl::GetFlag(FLAGS_tls_key), options.pem_private_key);
  }
  return grpc::SslCredentials(options);
}

#ifndef SPOTBURST_VERSION
#define SPOTBURST_VERSION "unknown"
#endif

constexpr char kUsage[] =
    R"(spotburst_client_example: sends a policy and a state to spotburstd's
PolicyService.Evaluate and prints the plan as one line of JSON.

usage:
  spotburst_client_example [--target HOST:PORT] --policy FILE|--policy_name NAME
                           --state FILE [--deadline DURATION]
                           [--tls_ca FILE [--tls_cert FILE --tls_key FILE]]
)";

// --help, -h or --version: prints the answer and returns 0 (absl's own
// help lists every flag of gRPC and absl too, with source paths).
std::optional<int> AnswerHelpOrVersion(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") break;
    arg = arg.substr(0, arg.find('='));
    if (arg == "-h" || arg.rfind("--help", 0) == 0 ||
        arg.rfind("-help", 0) == 0) {
      std::cout << kUsage << "\nflags:\n";
      std::vector<const absl::CommandLineFlag*> flags;
      for (const auto& [name, flag] : absl::GetAllFlags()) {
        if (flag->Filename().ends_with("client_cpp/main.cc")) {
          flags.push_back(flag);
        }
      }
      std::sort(flags.begin(), flags.end(), [](const auto* a, const auto* b) {
        return a->Name() < b->Name();
      });
      for (const absl::CommandLineFlag* flag : flags) {
        const std::string value = flag->DefaultValue();
        std::cout << "  --" << flag->Name()
                  << (value.empty() ? "" : " (default: " + value + ")")
                  << "\n      " << flag->Help() << "\n";
      }
      return 0;
    }
    if (arg == "--version" || arg == "-version") {
      std::cout << "spotburst_client_example " << SPOTBURST_VERSION << "\n";
      return 0;
    }
  }
  return std::nullopt;
}

int Fail(const std::string& message) {
  std::cerr << "spotburst_client_example: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (std::optional<int> code = AnswerHelpOrVersion(argc, argv)) return *code;
  absl::ParseCommandLine(argc, argv);
  spotburst::v1::EvaluateRequest request;
  const std::string policy_path = absl::GetFlag(FLAGS_policy);
  if (!policy_path.empty()) {
    if (!ReadFile(policy_path, *request.mutable_policy_text())) {
      return Fail("cannot read " + policy_path);
    }
  } else if (!absl::GetFlag(FLAGS_policy_name).empty()) {
    request.set_policy_name(absl::GetFlag(FLAGS_policy_name));
  } else {
    return Fail("--policy or --policy_name is required");
  }
  std::string state_json;
  if (!ReadFile(absl::GetFlag(FLAGS_state), state_json)) {
    return Fail("cannot read --state " + absl::GetFlag(FLAGS_state));
  }
  if (auto parsed = google::protobuf::util::JsonStringToMessage(
          state_json, request.mutable_state());
      !parsed.ok()) {
    return Fail("--state: " + parsed.ToString());
  }
  request.set_decision_id(absl::GetFlag(FLAGS_decision_id));

  grpc::ChannelArguments arguments;
  if (!absl::GetFlag(FLAGS_tls_server_name).empty()) {
    arguments.SetSslTargetNameOverride(absl::GetFlag(FLAGS_tls_server_name));
  }
  auto channel = grpc::CreateCustomChannel(absl::GetFlag(FLAGS_target),
                                           Credentials(), arguments);
  auto stub = spotburst::v1::PolicyService::NewStub(channel);

  grpc::ClientContext context;
  context.set_deadline(
      absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_deadline)));
  spotburst::v1::EvaluateResponse response;
  const grpc::Status status = stub->Evaluate(&context, request, &response);
  if (!status.ok()) {
    std::cerr << "spotburst_client_example: Evaluate failed: code "
              << status.error_code() << ": " << status.error_message() << "\n";
    return 1;
  }

  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string plan_json;
  (void)google::protobuf::util::MessageToJsonString(response.plan(), &plan_json,
                                                    options);
  std::cout << plan_json << "\n";
  std::cerr << "decision_id=" << response.decision_id()
            << " policy_revision=" << response.policy_revision() << "\n";
  return 0;
}
