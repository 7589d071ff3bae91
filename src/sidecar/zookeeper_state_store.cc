// The StateStore of LeaderElection: the checkpoint as proto JSON in the
// node <path>/state, written only by the leader, fenced by its election
// node.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "sidecar/leader_election.h"
#include "sidecar/leader_election_core.h"
#include "sidecar/state_store.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/internal/strict_json.h"
#include "spotburst/v1/controller_service.pb.h"

namespace spotburst::sidecar {
namespace {

// Below ZooKeeper's default limit of a request (jute.maxbuffer, 1 MiB).
constexpr size_t kMaxStateBytes = 1000 * 1000;
// Longest parse error quoted from the node.
constexpr size_t kMaxErrorBytes = 512;

class ZooKeeperStateStore : public StateStore {
 public:
  explicit ZooKeeperStateStore(std::shared_ptr<LeaderElection::Core> core)
      : core_(std::move(core)) {}

  absl::StatusOr<std::optional<v1::ControllerCheckpoint>> Load() override;
  absl::Status Save(const v1::ControllerCheckpoint& checkpoint) override;
  std::string Describe() const override {
    return absl::StrFormat("ZooKeeper node %s at %s", core_->state_path,
                           core_->options.zookeeper);
  }

 private:
  // "ZooKeeper node /p/state at hosts".
  std::string Node() const { return Describe(); }

  // Writes `json` over the state node, creating it if needed, in one
  // transaction with a check that `election_node` still exists.
  absl::Status Write(zhandle_t* handle, const std::string& election_node,
                     const std::string& json);

  const std::shared_ptr<LeaderElection::Core> core_;
};

absl::StatusOr<std::optional<v1::ControllerCheckpoint>>
ZooKeeperStateStore::Load() {
  LeaderElection::Core& core = *core_;
  std::shared_ptr<ZooKeeperConnection> connection;
  {
    absl::MutexLock lock(&core.mu);
    auto settled = [&core]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(core.mu) {
      return core.closed || core.session_state == ZOO_CONNECTED_STATE;
    };
    core.mu.AwaitWithTimeout(absl::Condition(&settled),
                             core.options.session_timeout);
    if (core.closed) {
      return absl::FailedPreconditionError(
          absl::StrCat(Node(), ": the leader election was closed"));
    }
    // A new handle may report its connection before the worker stores it.
    if (core.session_state != ZOO_CONNECTED_STATE ||
        core.connection == nullptr) {
      return absl::UnavailableError(absl::StrCat(
          Node(), ": not connected to ZooKeeper (waited ",
          absl::FormatDuration(core.options.session_timeout), ")"));
    }
    connection = core.connection;
  }
  std::string json;
  const int rc =
      GetNodeData(connection->handle(), core.state_path, kMaxStateBytes, &json);
  if (rc == ZNONODE) return std::nullopt;
  if (rc != ZOK) return ZooKeeperError(rc, absl::StrCat(Node(), ": reading"));

  const std::string what = Node();
  if (absl::Status strict = internal::CheckStrictJson(json, what);
      !strict.ok()) {
    return strict;
  }
  v1::ControllerCheckpoint checkpoint;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &checkpoint,
      options);
  if (!parsed.ok()) {
    // Protobuf's message names the field and may quote the node's text.
    const std::string message(parsed.message().data(), parsed.message().size());
    return absl::InvalidArgumentError(
        internal::Excerpt(absl::StrCat(what, ": ", message), kMaxErrorBytes));
  }
  if (checkpoint.has_engine_state()) {
    if (absl::StatusOr<EngineState> state =
            internal::FromProto(checkpoint.engine_state());
        !state.ok()) {
      return absl::InvalidArgumentError(internal::Excerpt(
          absl::StrCat(what, ": engine_state.", state.status().message()),
          kMaxErrorBytes));
    }
  }
  return checkpoint;
}

absl::Status ZooKeeperStateStore::Save(
    const v1::ControllerCheckpoint& checkpoint) {
  google::protobuf::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  std::string json;
  if (const auto printed =
          google::protobuf::util::MessageToJsonString(checkpoint, &json, print);
      !printed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        Node(), ": the checkpoint cannot be written as JSON: ",
        absl::string_view(printed.message().data(), printed.message().size())));
  }
  if (json.size() > kMaxStateBytes) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("%s: the checkpoint takes %d bytes, more than the %d "
                        "a ZooKeeper node holds here",
                        Node(), json.size(), kMaxStateBytes));
  }

  LeaderElection::Core& core = *core_;
  std::shared_ptr<ZooKeeperConnection> connection;
  std::string election_node;
  std::function<void()> before_write;
  {
    absl::MutexLock lock(&core.mu);
    if (!core.view.leading || core.connection == nullptr) {
      const std::string leader = core.view.leader_identity.empty()
                                     ? std::string("unknown")
                                     : core.view.leader_identity;
      return absl::FailedPreconditionError(absl::StrFormat(
          "not the leader: %s is written by the leader only (leader: %s%s)",
          Node(), leader, core.view.connected ? "" : "; not connected"));
    }
    connection = core.connection;
    election_node = core.node;
    before_write = core.before_save_write;
  }
  if (before_write) before_write();
  return Write(connection->handle(), election_node, json);
}

absl::Status ZooKeeperStateStore::Write(zhandle_t* handle,
                                        const std::string& election_node,
                                        const std::string& json) {
  const std::string& state = core_->state_path;
  // Set, or create when the node is not there yet; one more round for a
  // node created between the two.
  for (int attempt = 0; attempt < 3; ++attempt) {
    const bool create = attempt % 2 == 1;
    zoo_op_t ops[2];
    zoo_op_result_t results[2] = {};
    Stat stat{};
    zoo_check_op_init(&ops[0], election_node.c_str(), -1);
    if (create) {
      zoo_create_op_init(&ops[1], state.c_str(), json.data(),
                         static_cast<int>(json.size()), &ZOO_OPEN_ACL_UNSAFE,
                         ZOO_PERSISTENT, nullptr, 0);
    } else {
      zoo_set_op_init(&ops[1], state.c_str(), json.data(),
                      static_cast<int>(json.size()), -1, &stat);
    }
    // (One lost with the connection leaks its operations' entries inside
    // the 3.8 client: scripts/lsan-suppressions.txt.)
    const int rc = zoo_multi(handle, 2, ops, results);
    if (rc == ZOK) return absl::OkStatus();
    if (rc == ZSESSIONEXPIRED || rc == ZINVALIDSTATE ||
        results[0].err == ZNONODE) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "not the leader: %s was not written: this daemon's election node "
          "is gone (its session ended; another daemon may lead)",
          Node()));
    }
    if (results[0].err == ZOK && results[1].err == ZNONODE && !create) {
      continue;  // create it
    }
    if (results[0].err == ZOK && results[1].err == ZNODEEXISTS && create) {
      continue;  // set it
    }
    // Lost with the connection, or queued while the client reconnected and
    // timed out there: either way nobody can tell whether it was applied.
    if (rc == ZCONNECTIONLOSS || rc == ZOPERATIONTIMEOUT) {
      return absl::UnavailableError(
          absl::StrCat(Node(), ": writing: ", zerror(rc),
                       " (the write may or may not have been made; the next "
                       "save replaces it)"));
    }
    return ZooKeeperError(rc, absl::StrCat(Node(), ": writing"));
  }
  return absl::UnavailableError(
      absl::StrCat(Node(), ": writing: created and deleted meanwhile"));
}

}  // namespace

std::unique_ptr<StateStore> LeaderElection::NewStateStore() {
  return std::make_unique<ZooKeeperStateStore>(core_);
}

}  // namespace spotburst::sidecar
