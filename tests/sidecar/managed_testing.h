// Helpers for the managed-mode tests: a ControllerService stub, its status
// (now, or once a condition holds), a WatchDecisions stream and the
// decision log as written.
#ifndef SPOTBURST_TESTS_SIDECAR_MANAGED_TESTING_H_
#define SPOTBURST_TESTS_SIDECAR_MANAGED_TESTING_H_

#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "sidecar_testing.h"
#include "spotburst/v1/controller_service.grpc.pb.h"

namespace spotburst::testing {

inline std::unique_ptr<v1::ControllerService::Stub> Stub(int port) {
  return v1::ControllerService::NewStub(PlainChannel(port));
}

inline v1::ControllerStatus Status(v1::ControllerService::Stub& stub) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ControllerStatus status;
  EXPECT_TRUE(stub.GetStatus(&context, {}, &status).ok());
  return status;
}

// Polls GetStatus (no sleeps that guess timing: each poll is a call) until
// `done` or 10 s.
template <typename Done>
v1::ControllerStatus StatusWhen(v1::ControllerService::Stub& stub, Done done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  v1::ControllerStatus status = Status(stub);
  while (!done(status) && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    status = Status(stub);
  }
  return status;
}

// A WatchDecisions stream with a deadline.
class Watch {
 public:
  Watch(v1::ControllerService::Stub& stub, bool include_inputs,
        bool include_last = false) {
    SetDeadline(context_);
    v1::WatchDecisionsRequest request;
    request.set_include_inputs(include_inputs);
    request.set_include_last(include_last);
    reader_ = stub.WatchDecisions(&context_, request);
  }
  // The next decision; false when the stream ended.
  bool Next(v1::WatchDecisionsResponse& response) {
    return reader_->Read(&response);
  }
  grpc::Status Finish() { return reader_->Finish(); }
  void Cancel() { context_.TryCancel(); }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::WatchDecisionsResponse>> reader_;
};

inline std::vector<v1::Decision> ReadLog(const std::string& path) {
  std::vector<v1::Decision> decisions;
  std::istringstream lines(ReadAll(path));
  for (std::string line; std::getline(lines, line);) {
    v1::Decision decision;
    EXPECT_TRUE(
        google::protobuf::util::JsonStringToMessage(line, &decision).ok());
    decisions.push_back(decision);
  }
  return decisions;
}

inline int Count(const v1::Plan& plan, v1::ActionKind kind) {
  int n = 0;
  for (const v1::Action& action : plan.actions()) n += action.kind() == kind;
  return n;
}

}  // namespace spotburst::testing

#endif  // SPOTBURST_TESTS_SIDECAR_MANAGED_TESTING_H_
