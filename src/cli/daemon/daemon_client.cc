// The channel, deadlines and error messages of the daemon commands.
#include "cli/daemon/daemon_client.h"

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cli/flags.h"
#include "spotburst/internal/file_util.h"
#include "spotburst/status_macros.h"

namespace spotburst::cli {
namespace {

// A PEM file of certificates is small; a bigger one is not what was meant.
constexpr size_t kMaxPemBytes = 1 << 20;

// The daemon caps its messages (2 KiB); this keeps a stray peer's short too.
constexpr size_t kMaxMessageBytes = 2048;
constexpr size_t kMaxTargetBytes = 200;

std::string Capped(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  return absl::StrCat(text.substr(0, max_bytes), "...(truncated)");
}

}  // namespace

std::string TargetForMessages() {
  return Capped(absl::GetFlag(FLAGS_target), kMaxTargetBytes);
}

bool CheckDaemonUsage(const std::string& command,
                      const std::vector<std::string>& args) {
  const std::string prefix = absl::StrCat("spotburst ", command, ": ");
  if (!args.empty()) {
    std::cerr << prefix << "takes no arguments (see spotburst " << command
              << " --help)\n";
    return false;
  }
  if (absl::GetFlag(FLAGS_target).empty()) {
    std::cerr << prefix << "--target: the daemon's address (HOST:PORT) is "
              << "required\n";
    return false;
  }
  if (absl::GetFlag(FLAGS_timeout) <= absl::ZeroDuration()) {
    std::cerr << prefix << "--timeout: must be positive, e.g. 10s\n";
    return false;
  }
  const bool cert = !absl::GetFlag(FLAGS_tls_cert).empty();
  const bool key = !absl::GetFlag(FLAGS_tls_key).empty();
  if (cert != key) {
    std::cerr << prefix
              << (cert ? "--tls_key: required with --tls_cert"
                       : "--tls_cert: required with --tls_key")
              << "\n";
    return false;
  }
  if (!absl::GetFlag(FLAGS_tls_server_name).empty() &&
      absl::GetFlag(FLAGS_tls_ca).empty() && !cert) {
    std::cerr << prefix << "--tls_server_name: only with TLS (--tls_ca)\n";
    return false;
  }
  return true;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> DaemonChannel() {
  const std::string target = absl::GetFlag(FLAGS_target);
  const std::string ca = absl::GetFlag(FLAGS_tls_ca);
  const std::string cert = absl::GetFlag(FLAGS_tls_cert);
  if (ca.empty() && cert.empty()) {
    return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  }
  grpc::SslCredentialsOptions options;
  // Without --tls_ca the system's roots verify the server.
  if (!ca.empty()) {
    SPOTBURST_ASSIGN_OR_RETURN(
        options.pem_root_certs,
        internal::ReadFileToString(ca, "--tls_ca", kMaxPemBytes));
  }
  if (!cert.empty()) {
    SPOTBURST_ASSIGN_OR_RETURN(
        options.pem_cert_chain,
        internal::ReadFileToString(cert, "--tls_cert", kMaxPemBytes));
    SPOTBURST_ASSIGN_OR_RETURN(
        options.pem_private_key,
        internal::ReadFileToString(absl::GetFlag(FLAGS_tls_key), "--tls_key",
                                   kMaxPemBytes));
  }
  grpc::ChannelArguments arguments;
  if (const std::string name = absl::GetFlag(FLAGS_tls_server_name);
      !name.empty()) {
    arguments.SetSslTargetNameOverride(name);
  }
  return grpc::CreateCustomChannel(target, grpc::SslCredentials(options),
                                   arguments);
}

void SetUnaryDeadline(grpc::ClientContext& context) {
  context.set_deadline(
      absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_timeout)));
}

std::string CallError(const grpc::Status& status) {
  const std::string code = absl::StatusCodeToString(
      static_cast<absl::StatusCode>(status.error_code()));
  const std::string message = Capped(status.error_message(), kMaxMessageBytes);
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return absl::StrCat("cannot reach spotburstd at ", TargetForMessages(),
                        " (", code, ": ", message,
                        "); is it running there, and do the TLS flags match "
                        "its own?");
  }
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return absl::StrCat("spotburstd at ", TargetForMessages(),
                        " did not answer within --timeout ",
                        absl::FormatDuration(absl::GetFlag(FLAGS_timeout)),
                        " (", code, ")");
  }
  return absl::StrCat("spotburstd at ", TargetForMessages(), ": ", code, ": ",
                      message);
}

}  // namespace spotburst::cli
