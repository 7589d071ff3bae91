// The election through ZooKeeper's multi-threaded C client: one handle, a
// watcher that only records, and a worker thread that makes the calls.
#include "sidecar/leader_election.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/call_once.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sidecar/event_log.h"
#include "sidecar/leader_election_core.h"
#include "spotburst/status_macros.h"

namespace spotburst::sidecar {
namespace {

constexpr absl::string_view kNodePrefix = "n_";
// Identities are at most 256 bytes; a node holding more was not written by
// a daemon, and only this much of it is shown.
constexpr size_t kMaxIdentityBytes = 256;
// After a failed step that no event will follow (an error answer), the
// worker tries again after this long.
constexpr absl::Duration kRetryDelay = absl::Seconds(1);

// The client's own log is dropped: it would go to stderr, and what matters
// is logged as events.
void DropLog(const char* /*message*/) {}

void QuietenClientLog() {
  static absl::once_flag once;
  absl::call_once(once, [] {
    zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
    // The few messages logged before a handle has its callback.
    if (FILE* null = std::fopen("/dev/null", "w")) zoo_set_log_stream(null);
  });
}

// The children of a node, freed with it.
struct Children {
  String_vector names{0, nullptr};
  Children() = default;
  Children(const Children&) = delete;
  Children& operator=(const Children&) = delete;
  ~Children() { deallocate_String_vector(&names); }
};

struct Candidate {
  uint64_t sequence = 0;
  std::string name;
};

// "n_0000000011" -> 11; nullopt for anything else in the election.
std::optional<uint64_t> SequenceOf(absl::string_view name) {
  if (name.substr(0, kNodePrefix.size()) != kNodePrefix) return std::nullopt;
  const absl::string_view digits = name.substr(kNodePrefix.size());
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  uint64_t number = 0;
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
    number = number * 10 + static_cast<uint64_t>(c - '0');
  }
  return number;
}

std::string Basename(const std::string& path) {
  return path.substr(path.rfind('/') + 1);
}

std::string ReasonFor(int session_state) {
  if (session_state == ZOO_EXPIRED_SESSION_STATE) return "session_expired";
  if (session_state == ZOO_AUTH_FAILED_STATE) return "auth_failed";
  return "disconnected";
}

}  // namespace

absl::Status ZooKeeperError(int rc, absl::string_view what) {
  const std::string message = absl::StrCat(what, ": ", zerror(rc));
  if (rc == ZNOAUTH || rc == ZAUTHFAILED) {
    return absl::PermissionDeniedError(message);
  }
  // The session's troubles, which its events report as well.
  if (rc == ZCONNECTIONLOSS || rc == ZOPERATIONTIMEOUT ||
      rc == ZSESSIONEXPIRED || rc == ZSESSIONMOVED || rc == ZINVALIDSTATE ||
      rc == ZCLOSING) {
    return absl::UnavailableError(message);
  }
  // The tree is not as expected (e.g. an ephemeral node on the path).
  return absl::FailedPreconditionError(message);
}

int GetNodeData(zhandle_t* handle, const std::string& node, size_t max_bytes,
                std::string* data) {
  data->assign(std::min<size_t>(max_bytes, 4096), '\0');
  while (true) {
    int length = static_cast<int>(data->size());
    Stat stat{};
    const int rc = zoo_get(handle, node.c_str(), /*watch=*/0, data->data(),
                           &length, &stat);
    if (rc != ZOK) {
      data->clear();
      return rc;
    }
    const auto stored = static_cast<size_t>(std::max(stat.dataLength, 0));
    if (stored > data->size() && data->size() < max_bytes) {
      data->assign(std::min(stored, max_bytes), '\0');  // and again
      continue;
    }
    data->resize(static_cast<size_t>(std::max(length, 0)));
    return ZOK;
  }
}

void OnZooKeeperEvent(zhandle_t* /*handle*/, int type, int state,
                      const char* /*path*/, void* context) {
  auto* connection = static_cast<ZooKeeperConnection*>(context);
  LeaderElection::Core& core = *connection->core();
  absl::MutexLock lock(&core.mu);
  // A replaced handle's last words.
  if (connection->generation() != core.generation) return;
  if (type == ZOO_SESSION_EVENT) {
    core.session_state = state;
    // The fence: a disconnected leader stops here, on the client's thread,
    // without waiting for the worker.
    core.UpdateView(ReasonFor(state));
  }
  ++core.events;
}

absl::StatusOr<std::shared_ptr<ZooKeeperConnection>> ZooKeeperConnection::Open(
    LeaderElection::Core* core, uint64_t generation) {
  QuietenClientLog();
  std::shared_ptr<ZooKeeperConnection> connection(
      new ZooKeeperConnection(core, generation));
  const int timeout_ms = static_cast<int>(
      absl::ToInt64Milliseconds(core->options.session_timeout));
  connection->handle_ = zookeeper_init2(
      core->options.zookeeper.c_str(), OnZooKeeperEvent, timeout_ms,
      /*clientid=*/nullptr, connection.get(), /*flags=*/0, DropLog);
  if (connection->handle_ == nullptr) {
    const int error = errno;
    return absl::UnavailableError(
        absl::StrFormat("ZooKeeper at %s: cannot start a client: %s",
                        core->options.zookeeper, ErrnoText(error)));
  }
  return connection;
}

ZooKeeperConnection::~ZooKeeperConnection() {
  // Joins the client's threads: OnZooKeeperEvent may run until it returns,
  // so the core's mutex must not be held here.
  if (handle_ != nullptr) zookeeper_close(handle_);
}

LeaderElection::Core::Core(LeaderElectionOptions options_in)
    : options(std::move(options_in)),
      election_path(options.path + "/election"),
      state_path(options.path + "/state") {}

void LeaderElection::Core::UpdateView(absl::string_view reason) {
  const bool connected = !closed && session_state == ZOO_CONNECTED_STATE;
  LeadershipView next = view;
  next.connected = connected;
  next.leading = connected && !node.empty() && lowest;
  next.leader_identity = connected ? leader_identity : "";
  if (next.leading && !view.leading) {
    ++next.term;
    next.leading_since = absl::Now();
    LogEvent("leader_elected", {{"identity", options.identity},
                                {"node", Basename(node)},
                                {"term", absl::StrCat(next.term)}});
  } else if (!next.leading && view.leading) {
    next.leading_since = absl::InfinitePast();
    LogEvent("leadership_lost", {{"reason", std::string(reason)},
                                 {"term", absl::StrCat(view.term)}});
  }
  if (next.leading == view.leading && next.connected == view.connected &&
      next.leader_identity == view.leader_identity &&
      next.leading_since == view.leading_since && next.term == view.term) {
    return;
  }
  view = std::move(next);
  ++view_version;
}

absl::StatusOr<std::unique_ptr<LeaderElection>> LeaderElection::Create(
    LeaderElectionOptions options) {
  SPOTBURST_RETURN_IF_ERROR(ValidateLeaderElectionOptions(options));
  auto core = std::make_shared<Core>(std::move(options));
  SPOTBURST_ASSIGN_OR_RETURN(std::shared_ptr<ZooKeeperConnection> connection,
                             ZooKeeperConnection::Open(core.get(), 0));
  {
    absl::MutexLock lock(&core->mu);
    core->connection = std::move(connection);
  }
  return std::unique_ptr<LeaderElection>(new LeaderElection(std::move(core)));
}

LeaderElection::LeaderElection(std::shared_ptr<Core> core)
    : core_(std::move(core)) {
  worker_ = std::thread([this] { Run(); });
}

LeaderElection::~LeaderElection() { Close(); }

void LeaderElection::Close() {
  std::call_once(close_once_, [this] { CloseOnce(); });
}

void LeaderElection::CloseOnce() {
  {
    absl::MutexLock lock(&core_->mu);
    core_->closed = true;
    core_->UpdateView("closed");
  }
  worker_.join();
  std::shared_ptr<ZooKeeperConnection> connection;
  {
    absl::MutexLock lock(&core_->mu);
    connection = std::move(core_->connection);
    ++core_->generation;
  }
  // Closing the session removes the node at once (or when a Save still
  // under way lets go of the handle).
  connection.reset();
}

bool LeaderElection::IsLeader() const {
  absl::MutexLock lock(&core_->mu);
  return core_->view.leading;
}

LeadershipView LeaderElection::View() const {
  absl::MutexLock lock(&core_->mu);
  core_->viewed_version = core_->view_version;
  return core_->view;
}

bool LeaderElection::WaitForChange(absl::Duration timeout) {
  absl::MutexLock lock(&core_->mu);
  Core& core = *core_;
  auto changed = [&core]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(core.mu) {
    return core.view_version != core.viewed_version;
  };
  return core.mu.AwaitWithTimeout(absl::Condition(&changed), timeout);
}

void LeaderElection::SetBeforeSaveWriteForTesting(std::function<void()> hook) {
  absl::MutexLock lock(&core_->mu);
  core_->before_save_write = std::move(hook);
}

namespace {

// Creates `path` and its parents as persistent nodes, as needed.
absl::Status EnsurePath(zhandle_t* handle, const std::string& servers,
                        const std::string& path) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    // Nodes made beforehand, perhaps with ACLs that allow no create, are
    // left alone.
    Stat stat{};
    int rc = zoo_exists(handle, prefix.c_str(), /*watch=*/0, &stat);
    if (rc == ZNONODE) {
      rc = zoo_create(handle, prefix.c_str(), nullptr, -1, &ZOO_OPEN_ACL_UNSAFE,
                      ZOO_PERSISTENT, nullptr, 0);
    }
    if (rc != ZOK && rc != ZNODEEXISTS) {
      return ZooKeeperError(
          rc, absl::StrFormat("ZooKeeper at %s: creating %s", servers, prefix));
    }
    if (slash == std::string::npos) return absl::OkStatus();
  }
}

// This session's node among `names`, if a create whose answer was lost made
// one; "" if none.
std::string FindOwnNode(zhandle_t* handle, const std::string& election_path,
                        const String_vector& names) {
  const clientid_t* id = zoo_client_id(handle);
  if (id == nullptr || id->client_id == 0) return "";
  for (int i = 0; i < names.count; ++i) {
    if (!SequenceOf(names.data[i]).has_value()) continue;
    const std::string node = election_path + "/" + names.data[i];
    Stat stat{};
    if (zoo_exists(handle, node.c_str(), /*watch=*/0, &stat) == ZOK &&
        stat.ephemeralOwner == id->client_id) {
      return node;
    }
  }
  return "";
}

// One pass of the election in a connected session: join it if this session
// has not, list it with a watch, find the leader.
struct Listing {
  std::string node;  // ours
  bool lowest = false;
  std::string leader_identity;
};

absl::StatusOr<Listing> Campaign(const LeaderElection::Core& core,
                                 ZooKeeperConnection& connection,
                                 std::string node) {
  zhandle_t* handle = connection.handle();
  const std::string& servers = core.options.zookeeper;
  const std::string& election = core.election_path;
  if (node.empty()) {
    SPOTBURST_RETURN_IF_ERROR(EnsurePath(handle, servers, election));
    Children existing;
    int rc = zoo_get_children(handle, election.c_str(), /*watch=*/0,
                              &existing.names);
    if (rc != ZOK) {
      return ZooKeeperError(rc, absl::StrFormat("ZooKeeper at %s: listing %s",
                                                servers, election));
    }
    node = FindOwnNode(handle, election, existing.names);
    if (node.empty()) {
      const std::string prefix = absl::StrCat(election, "/", kNodePrefix);
      const std::string& identity = core.options.identity;
      std::string created(prefix.size() + 32, '\0');
      rc = zoo_create(handle, prefix.c_str(), identity.data(),
                      static_cast<int>(identity.size()), &ZOO_OPEN_ACL_UNSAFE,
                      ZOO_EPHEMERAL | ZOO_SEQUENCE, created.data(),
                      static_cast<int>(created.size()));
      if (rc != ZOK) {
        return ZooKeeperError(
            rc, absl::StrFormat("ZooKeeper at %s: joining the election in %s",
                                servers, election));
      }
      created.resize(std::strlen(created.c_str()));
      node = std::move(created);
    }
  }

  Children children;
  const int rc = zoo_wget_children(handle, election.c_str(), OnZooKeeperEvent,
                                   &connection, &children.names);
  if (rc != ZOK) {
    return ZooKeeperError(
        rc, absl::StrFormat("ZooKeeper at %s: listing %s", servers, election));
  }
  std::vector<Candidate> candidates;
  for (int i = 0; i < children.names.count; ++i) {
    if (std::optional<uint64_t> sequence = SequenceOf(children.names.data[i])) {
      candidates.push_back({*sequence, children.names.data[i]});
    }
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) {
              return a.sequence < b.sequence;
            });
  Listing listing;
  const std::string own = Basename(node);
  if (std::none_of(candidates.begin(), candidates.end(),
                   [&own](const Candidate& c) { return c.name == own; })) {
    // Deleted under this session (by hand): join again.
    return listing;
  }
  listing.node = std::move(node);
  listing.lowest = candidates.front().name == own;
  if (listing.lowest) {
    listing.leader_identity = core.options.identity;
    return listing;
  }
  // The leader's identity; one that left meanwhile makes the watch fire.
  GetNodeData(handle, election + "/" + candidates.front().name,
              kMaxIdentityBytes, &listing.leader_identity);
  return listing;
}

}  // namespace

void LeaderElection::Run() {
  Core& core = *core_;
  uint64_t handled = 0;
  absl::Time retry_at = absl::InfiniteFuture();
  LogRateLimiter error_log(absl::Minutes(1));
  while (true) {
    std::shared_ptr<ZooKeeperConnection> connection;
    int state = 0;
    std::string node;
    {
      absl::MutexLock lock(&core.mu);
      auto ready = [&core, &handled]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(core.mu) {
        return core.closed || core.events != handled;
      };
      // Without a handle (one failed to open), only the deadline wakes it.
      core.mu.AwaitWithDeadline(absl::Condition(&ready), retry_at);
      if (core.closed) return;
      handled = core.events;
      state = core.session_state;
      connection = core.connection;
      node = core.node;
    }
    retry_at = absl::InfiniteFuture();

    if (connection == nullptr || state == ZOO_EXPIRED_SESSION_STATE ||
        state == ZOO_AUTH_FAILED_STATE) {
      if (state == ZOO_EXPIRED_SESSION_STATE) {
        LogEvent("zookeeper_session_expired",
                 {{"zookeeper", core.options.zookeeper},
                  {"path", core.options.path}});
      }
      // A new session, and with it a new node at the back of the queue.
      uint64_t generation = 0;
      {
        absl::MutexLock lock(&core.mu);
        generation = ++core.generation;
        core.session_state = 0;
        core.node.clear();
        core.lowest = false;
        core.leader_identity.clear();
        core.connection.reset();
        core.UpdateView(ReasonFor(state));
      }
      connection.reset();  // closes the old handle, unless a Save holds it
      absl::StatusOr<std::shared_ptr<ZooKeeperConnection>> opened =
          ZooKeeperConnection::Open(&core, generation);
      absl::MutexLock lock(&core.mu);
      if (opened.ok()) {
        core.connection = *std::move(opened);
      } else {
        int64_t suppressed = 0;
        if (error_log.Allow(absl::Now(), suppressed)) {
          LogEvent("leader_election_error",
                   {{"error", std::string(opened.status().message())},
                    {"suppressed", absl::StrCat(suppressed)}});
        }
        retry_at = absl::Now() + kRetryDelay;
      }
      continue;
    }
    if (state != ZOO_CONNECTED_STATE) continue;  // the client reconnects

    absl::StatusOr<Listing> listing = Campaign(core, *connection, node);
    absl::MutexLock lock(&core.mu);
    if (connection->generation() != core.generation) continue;
    if (!listing.ok()) {
      // Lost connections come back as session events, and are not logged;
      // other errors are, and tried again after a while.
      int64_t suppressed = 0;
      if (!absl::IsUnavailable(listing.status()) &&
          error_log.Allow(absl::Now(), suppressed)) {
        LogEvent("leader_election_error",
                 {{"error", std::string(listing.status().message())},
                  {"suppressed", absl::StrCat(suppressed)}});
      }
      retry_at = absl::Now() + kRetryDelay;
      continue;
    }
    core.node = listing->node;
    core.lowest = listing->lowest;
    core.leader_identity = std::move(listing->leader_identity);
    core.UpdateView("node_deleted");
    // Our node was deleted: join again at once.
    if (core.node.empty()) ++core.events;
  }
}

}  // namespace spotburst::sidecar
