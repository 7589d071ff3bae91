// ControllerService: status, pause, and the decision stream.
#include "sidecar/controller_service.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "sidecar/grpc_status.h"

namespace spotburst::sidecar {
namespace {

constexpr size_t kMaxPauseReason = 256;

absl::Status Stateless(absl::string_view method) {
  return absl::FailedPreconditionError(absl::StrCat(
      method,
      ": this daemon runs in stateless mode; add a managed: section to its "
      "configuration to run the control loop"));
}

grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* context,
                                const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// One WatchDecisions stream. The hub wakes it when a decision is queued;
// it writes one message at a time (gRPC allows no more) and takes the next
// when the write is done. It deletes itself when gRPC is done with it.
class WatchReactor final
    : public grpc::ServerWriteReactor<v1::WatchDecisionsResponse> {
 public:
  // Finishes at once with `status` (no subscription).
  explicit WatchReactor(const absl::Status& status) {
    finished_ = true;
    Finish(ToGrpcStatus(status));
  }

  WatchReactor(DecisionHub& hub, const v1::WatchDecisionsRequest& request)
      : hub_(&hub) {
    absl::StatusOr<std::shared_ptr<DecisionHub::Subscription>> subscription =
        hub.Subscribe({.include_last = request.include_last(),
                       .include_inputs = request.include_inputs()},
                      [this] { TryWrite(); });
    if (!subscription.ok()) {
      finished_ = true;
      Finish(ToGrpcStatus(subscription.status()));
      return;
    }
    {
      absl::MutexLock lock(&mu_);
      subscription_ = *std::move(subscription);
    }
    TryWrite();
  }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) cancelled_ = true;  // the client went away
    }
    TryWrite();
  }

  void OnCancel() override {
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
    }
    TryWrite();
  }

  void OnDone() override {
    // After Unsubscribe the hub never wakes this again: safe to delete.
    if (hub_ != nullptr && subscription_ != nullptr) {
      hub_->Unsubscribe(subscription_.get());
    }
    delete this;
  }

 private:
  // Starts the next write, or finishes the stream. StartWrite and Finish
  // are called without the lock: gRPC runs the reactions on its own
  // threads, never inside them, but holding no lock keeps that moot.
  void TryWrite() {
    bool finish = false;
    grpc::Status status;
    {
      absl::MutexLock lock(&mu_);
      if (subscription_ == nullptr || writing_ || finished_) return;
      if (cancelled_) {
        finish = true;
        status = grpc::Status::CANCELLED;
      } else if (auto next = subscription_->Pop()) {
        response_.Clear();
        *response_.mutable_decision() = *next->decision;
        response_.set_missed(next->missed);
        writing_ = true;
      } else if (subscription_->Finished()) {
        finish = true;  // the daemon is shutting down: end cleanly
      } else {
        return;
      }
      if (finish) finished_ = true;
    }
    if (finish) {
      Finish(status);
    } else {
      StartWrite(&response_);
    }
  }

  DecisionHub* const hub_ = nullptr;
  absl::Mutex mu_;
  std::shared_ptr<DecisionHub::Subscription> subscription_ ABSL_GUARDED_BY(mu_);
  // Written only while no write is in flight.
  v1::WatchDecisionsResponse response_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

grpc::ServerUnaryReactor* ControllerServiceImpl::GetStatus(
    grpc::CallbackServerContext* context, const v1::GetStatusRequest*,
    v1::ControllerStatus* response) {
  if (managed_ == nullptr) {
    response->set_mode(v1::CONTROLLER_MODE_STATELESS);
  } else {
    *response = managed_->Status();
  }
  return Reply(context, absl::OkStatus());
}

grpc::ServerWriteReactor<v1::WatchDecisionsResponse>*
ControllerServiceImpl::WatchDecisions(
    grpc::CallbackServerContext*, const v1::WatchDecisionsRequest* request) {
  if (managed_ == nullptr || hub_ == nullptr) {
    return new WatchReactor(Stateless("WatchDecisions"));
  }
  return new WatchReactor(*hub_, *request);
}

grpc::ServerUnaryReactor* ControllerServiceImpl::SetPaused(
    grpc::CallbackServerContext* context, const v1::SetPausedRequest* request,
    v1::SetPausedResponse* response) {
  if (managed_ == nullptr) return Reply(context, Stateless("SetPaused"));
  if (request->reason().size() > kMaxPauseReason) {
    return Reply(context, absl::InvalidArgumentError(absl::StrFormat(
                              "reason: %d characters; at most %d",
                              request->reason().size(), kMaxPauseReason)));
  }
  response->set_was_paused(
      managed_->SetPaused(request->paused(), request->reason()));
  response->set_paused(request->paused());
  return Reply(context, absl::OkStatus());
}

}  // namespace spotburst::sidecar
