// `spotburst watch`: the decisions of a running spotburstd as it makes
// them, until the stream ends or the user interrupts it.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "cli/commands.h"
#include "cli/daemon/controller_text.h"
#include "cli/daemon/daemon_client.h"
#include "cli/flags.h"
#include "google/protobuf/util/json_util.h"
#include "spotburst/v1/controller_service.grpc.pb.h"

namespace spotburst::cli {
namespace {

// Cancels the stream on SIGINT or SIGTERM. The signals are blocked before
// gRPC starts its threads (which inherit the mask), so only this thread
// takes them, in sigwait, where cancelling a call is safe; a signal handler
// could not. SIGUSR1 tells it the stream is over.
class InterruptWatcher {
 public:
  explicit InterruptWatcher(grpc::ClientContext& context) {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    sigaddset(&signals_, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
    thread_ = std::thread([this, &context] {
      int signal_number = 0;
      sigwait(&signals_, &signal_number);
      if (signal_number != SIGUSR1) {
        interrupted_ = true;
        context.TryCancel();
      }
    });
  }
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;
  ~InterruptWatcher() { Stop(); }

  // Ends the thread (at once if no signal came); true when one did.
  bool Stop() {
    if (thread_.joinable()) {
      pthread_kill(thread_.native_handle(), SIGUSR1);
      thread_.join();
    }
    return interrupted_;
  }

 private:
  sigset_t signals_;
  std::atomic<bool> interrupted_{false};
  std::thread thread_;
};

}  // namespace

int RunWatch(const std::vector<std::string>& args) {
  if (!CheckDaemonUsage("watch", args)) return 2;
  const std::string format = absl::GetFlag(FLAGS_format);
  if (!format.empty() && format != "text" && format != "json") {
    std::cerr << "spotburst watch: --format must be text or json\n";
    return 2;
  }
  // Started before the channel, so that no gRPC thread takes SIGINT.
  grpc::ClientContext context;  // no deadline: the stream runs until ended
  InterruptWatcher interrupts(context);
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = DaemonChannel();
  if (!channel.ok()) {
    std::cerr << "spotburst watch: " << channel.status().message() << "\n";
    return 1;
  }
  auto stub = v1::ControllerService::NewStub(*channel);
  v1::WatchDecisionsRequest request;
  request.set_include_last(absl::GetFlag(FLAGS_last));
  std::unique_ptr<grpc::ClientReader<v1::WatchDecisionsResponse>> reader =
      stub->WatchDecisions(&context, request);
  google::protobuf::util::JsonPrintOptions json_options;
  json_options.preserve_proto_field_names = true;
  v1::WatchDecisionsResponse response;
  while (reader->Read(&response)) {
    if (format == "json") {
      std::string json;
      if (!google::protobuf::util::MessageToJsonString(response, &json,
                                                       json_options)
               .ok()) {
        context.TryCancel();
        reader->Finish();
        std::cerr << "spotburst watch: cannot print a decision as JSON\n";
        return 1;
      }
      std::cout << json << std::endl;
      continue;
    }
    if (response.missed() > 0) {
      std::cout << "missed " << response.missed()
                << " decisions (reading too slowly)\n";
    }
    std::cout << DecisionLine(response.decision()) << std::endl;
  }
  const grpc::Status status = reader->Finish();
  if (interrupts.Stop()) return 0;  // the user ended it
  if (status.ok()) {
    std::cerr << "spotburst watch: the stream ended: spotburstd at "
              << TargetForMessages() << " is shutting down\n";
    return 0;
  }
  std::cerr << "spotburst watch: " << CallError(status) << "\n";
  return 1;
}

}  // namespace spotburst::cli
