// Fuzzes spotburstd's PolicyService handlers with raw request bytes, as a
// client (or an attacker) can send them: the first byte picks the method,
// the rest is the request message, deserialized by gRPC itself. The server
// runs in-process with the daemon's service, a named policy and a decision
// log, so every handler path a request can reach is exercised.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>

#include "fuzz_check.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/byte_buffer.h"
#include "sidecar/call_limits.h"
#include "sidecar/policy_service.h"
#include "sidecar/policy_store.h"

namespace {

constexpr const char* kMethods[] = {
    "/spotburst.v1.PolicyService/Evaluate",
    "/spotburst.v1.PolicyService/ComputeBid",
    "/spotburst.v1.PolicyService/ValidatePolicy",
    "/spotburst.v1.PolicyService/ListStrategies",
    "/spotburst.v1.PolicyService/Ping",
};

struct InProcessSidecar {
  InProcessSidecar() {
    auto created = spotburst::sidecar::PolicyStore::Create(
        {{"prod",
          SPOTBURST_SOURCE_DIR "/examples/policies/experiment1-revised.yaml"}});
    SPOTBURST_FUZZ_CHECK(created.ok());
    store = *std::move(created);
    // The daemon's default limits, so the fuzzer meets what clients meet.
    service = std::make_unique<spotburst::sidecar::PolicyServiceImpl>(
        *store, /*log=*/nullptr, limits);
    grpc::ServerBuilder builder;
    builder.RegisterService(service.get());
    server = builder.BuildAndStart();
    SPOTBURST_FUZZ_CHECK(server != nullptr);
    stub = std::make_unique<grpc::GenericStub>(
        server->InProcessChannel(grpc::ChannelArguments()));
  }

  const spotburst::sidecar::CallLimits limits;
  std::unique_ptr<spotburst::sidecar::PolicyStore> store;
  std::unique_ptr<spotburst::sidecar::PolicyServiceImpl> service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<grpc::GenericStub> stub;
};

InProcessSidecar& Sidecar() {
  static InProcessSidecar* sidecar = new InProcessSidecar();
  return *sidecar;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const char* method = kMethods[data[0] % std::size(kMethods)];
  grpc::Slice slice(data + 1, size - 1);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext context;
  grpc::Status status = grpc::Status::OK;
  std::mutex mu;
  std::condition_variable done_cv;
  bool done = false;
  Sidecar().stub->UnaryCall(&context, method, grpc::StubOptions(), &request,
                            &response, [&](grpc::Status s) {
                              std::lock_guard<std::mutex> lock(mu);
                              status = std::move(s);
                              done = true;
                              done_cv.notify_one();
                            });
  std::unique_lock<std::mutex> lock(mu);
  done_cv.wait(lock, [&] { return done; });
  // A handler never crashes the daemon nor answers with an internal error:
  // bad bytes are the client's error.
  SPOTBURST_FUZZ_CHECK(status.error_code() != grpc::StatusCode::INTERNAL &&
                       status.error_code() != grpc::StatusCode::UNKNOWN);
  // Errors quote what they need, not the whole request.
  SPOTBURST_FUZZ_CHECK(status.error_message().size() <= 4096);
  return 0;
}
