// `spotburst pause` and `spotburst resume`: ControllerService.SetPaused.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "cli/commands.h"
#include "cli/daemon/daemon_client.h"
#include "cli/flags.h"
#include "spotburst/v1/controller_service.grpc.pb.h"

namespace spotburst::cli {
namespace {

// The daemon's own limit (controller_service.proto), checked here so that
// a long reason is a usage error naming the flag.
constexpr size_t kMaxReasonChars = 256;

size_t Utf8Chars(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

int SetPaused(const std::string& command, bool paused,
              const std::vector<std::string>& args) {
  if (!CheckDaemonUsage(command, args)) return 2;
  const std::string reason = absl::GetFlag(FLAGS_reason);
  if (Utf8Chars(reason) > kMaxReasonChars) {
    std::cerr << "spotburst " << command << ": --reason: at most "
              << kMaxReasonChars << " characters (got " << Utf8Chars(reason)
              << ")\n";
    return 2;
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = DaemonChannel();
  if (!channel.ok()) {
    std::cerr << "spotburst " << command << ": " << channel.status().message()
              << "\n";
    return 1;
  }
  auto stub = v1::ControllerService::NewStub(*channel);
  grpc::ClientContext context;
  SetUnaryDeadline(context);
  v1::SetPausedRequest request;
  request.set_paused(paused);
  request.set_reason(reason);
  v1::SetPausedResponse response;
  const grpc::Status call = stub->SetPaused(&context, request, &response);
  if (!call.ok()) {
    std::cerr << "spotburst " << command << ": " << CallError(call) << "\n";
    return 1;
  }
  // The call waits for the tick in flight: from now on every tick obeys it.
  const char* now = response.paused() ? "paused" : "running";
  std::cout << now << " (was " << (response.was_paused() ? "paused" : "running")
            << (response.paused() == response.was_paused() ? ": no change" : "")
            << ")";
  if (response.paused() && !reason.empty()) std::cout << ": " << reason;
  std::cout << "\n";
  return 0;
}

}  // namespace

int RunPause(const std::vector<std::string>& args) {
  return SetPaused("pause", true, args);
}

int RunResume(const std::vector<std::string>& args) {
  return SetPaused("resume", false, args);
}

}  // namespace spotburst::cli
