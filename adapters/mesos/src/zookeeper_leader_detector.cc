// The Mesos masters' ZooKeeper election, read through ZooKeeper's
// multi-threaded C client.
#include "zookeeper_leader_detector.h"

// libzookeeper_mt declares its synchronous calls only with THREADED.
#ifndef THREADED
#define THREADED
#endif
#include <zookeeper/zookeeper.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/call_once.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "master_info.h"

namespace spotburst::mesos {

// Written by ZooKeeper's completion thread through OnEvent, read by the
// detector's callers. It outlives its handle: it is freed only after
// zookeeper_close() has returned, when no callback can run any more.
struct ZooKeeperLeaderDetector::Session {
  absl::Mutex mu;
  // The state of the last session event; 0 before the first.
  int state ABSL_GUARDED_BY(mu) = 0;
  // Counts every event: session state changes and the children watch.
  uint64_t changes ABSL_GUARDED_BY(mu) = 0;
  bool closed ABSL_GUARDED_BY(mu) = false;
  // Set once after zookeeper_init2(); used under the detector's call_mu_.
  zhandle_t* handle = nullptr;
};

namespace {

using Session = ZooKeeperLeaderDetector::Session;

// ZooKeeper's largest node by default; a MasterInfo is far smaller.
constexpr int kMaxNodeBytes = 1 << 20;

constexpr std::string_view kJsonLabel = "json.info";
constexpr std::string_view kBinaryLabel = "info";

// The watcher of the session and of the children: only records, since no
// ZooKeeper call may be made on its thread.
void OnEvent(zhandle_t* /*handle*/, int type, int state, const char* /*path*/,
             void* context) {
  auto* session = static_cast<Session*>(context);
  absl::MutexLock lock(&session->mu);
  if (type == ZOO_SESSION_EVENT) session->state = state;
  ++session->changes;
}

// The client's own log is dropped: it would go to stderr, and what matters
// reaches the caller as a status.
void DropLog(const char* /*message*/) {}

void QuietenClientLog() {
  static absl::once_flag once;
  absl::call_once(once, [] {
    zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
    // The few messages logged before a handle has its callback.
    if (FILE* null = std::fopen("/dev/null", "w")) zoo_set_log_stream(null);
  });
}

void IgnoreAuthResult(int /*rc*/, const void* /*data*/) {}

// A ZooKeeper error as a status; `what` names the servers and the node.
absl::Status ZooKeeperError(int rc, const std::string& what) {
  const std::string message = absl::StrFormat("%s: %s", what, zerror(rc));
  if (rc == ZNOAUTH || rc == ZAUTHFAILED) {
    return absl::PermissionDeniedError(
        message + " (check the credentials of the zookeeper URL)");
  }
  return absl::UnavailableError(message);
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

// "json.info_0000000011" -> label "json.info", sequence 11; false when the
// last '_'-token is not a number (e.g. "log_replicas").
bool SplitMemberName(std::string_view name, std::string_view* label,
                     uint64_t* sequence) {
  const size_t underscore = name.rfind('_');
  if (underscore == std::string_view::npos) return false;
  const std::string_view digits = name.substr(underscore + 1);
  if (digits.empty() || digits.size() > 18) return false;
  uint64_t number = 0;
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    number = number * 10 + static_cast<uint64_t>(c - '0');
  }
  *label = name.substr(0, underscore);
  *sequence = number;
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ZooKeeperLeaderDetector>>
ZooKeeperLeaderDetector::Create(ZooKeeperLeaderDetectorOptions options) {
  if (options.zookeeper.servers.empty() || options.zookeeper.path.empty()) {
    return absl::InvalidArgumentError(
        "zookeeper: no servers or path (parse the URL with "
        "ParseZooKeeperUrl)");
  }
  if (options.session_timeout < absl::Milliseconds(1) ||
      options.session_timeout > absl::Hours(1)) {
    return absl::InvalidArgumentError(
        "zookeeper session timeout: give 1ms to 1h");
  }
  if (options.connect_timeout < absl::ZeroDuration() ||
      options.connect_timeout > absl::Hours(1)) {
    return absl::InvalidArgumentError(
        "zookeeper connect timeout: give 0 to 1h");
  }
  if (options.scheme != "http" && options.scheme != "https") {
    return absl::InvalidArgumentError("master scheme: give http or https");
  }
  return std::unique_ptr<ZooKeeperLeaderDetector>(
      new ZooKeeperLeaderDetector(std::move(options)));
}

ZooKeeperLeaderDetector::ZooKeeperLeaderDetector(
    ZooKeeperLeaderDetectorOptions options)
    : options_(std::move(options)) {}

ZooKeeperLeaderDetector::~ZooKeeperLeaderDetector() {
  absl::MutexLock call(&call_mu_);
  CloseSession();
}

absl::Status ZooKeeperLeaderDetector::OpenSession() {
  CloseSession();
  QuietenClientLog();
  auto session = std::make_shared<Session>();
  const int timeout_ms =
      static_cast<int>(absl::ToInt64Milliseconds(options_.session_timeout));
  // The servers only: the credentials go through zoo_add_auth, which the
  // client never logs.
  zhandle_t* handle = zookeeper_init2(
      options_.zookeeper.servers.c_str(), OnEvent, timeout_ms,
      /*clientid=*/nullptr, session.get(), /*flags=*/0, DropLog);
  if (handle == nullptr) {
    return absl::UnavailableError(
        absl::StrFormat("ZooKeeper at %s: cannot start a client: %s",
                        options_.zookeeper.servers, std::strerror(errno)));
  }
  const std::string& credentials = options_.zookeeper.credentials;
  if (!credentials.empty()) {
    const int rc = zoo_add_auth(handle, "digest", credentials.data(),
                                static_cast<int>(credentials.size()),
                                IgnoreAuthResult, nullptr);
    if (rc != ZOK) {
      zookeeper_close(handle);
      return ZooKeeperError(
          rc, absl::StrFormat("ZooKeeper at %s: adding the credentials",
                              options_.zookeeper.servers));
    }
  }
  session->handle = handle;
  session_ = std::move(session);
  return absl::OkStatus();
}

void ZooKeeperLeaderDetector::CloseSession() {
  read_changes_.reset();
  leader_.reset();
  if (session_ == nullptr) return;
  {
    absl::MutexLock lock(&session_->mu);
    session_->closed = true;
  }
  // Joins the client's threads: OnEvent may run until it returns, so the
  // session's mutex must not be held here.
  zookeeper_close(session_->handle);
  session_.reset();
}

absl::Status ZooKeeperLeaderDetector::Connected(uint64_t* changes) {
  // An expired session is replaced once per call.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (session_ == nullptr) {
      if (absl::Status opened = OpenSession(); !opened.ok()) return opened;
    }
    Session& session = *session_;
    int state = 0;
    {
      absl::MutexLock lock(&session.mu);
      auto settled = [&session]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(session.mu) {
        return session.state == ZOO_CONNECTED_STATE ||
               session.state == ZOO_EXPIRED_SESSION_STATE ||
               session.state == ZOO_AUTH_FAILED_STATE;
      };
      session.mu.AwaitWithTimeout(absl::Condition(&settled),
                                  options_.connect_timeout);
      state = session.state;
      *changes = session.changes;
    }
    if (state == ZOO_CONNECTED_STATE) return absl::OkStatus();
    if (state == ZOO_AUTH_FAILED_STATE) {
      CloseSession();
      return absl::PermissionDeniedError(absl::StrFormat(
          "ZooKeeper at %s: authentication failed (check the credentials of "
          "the zookeeper URL)",
          options_.zookeeper.servers));
    }
    if (state != ZOO_EXPIRED_SESSION_STATE) {
      return absl::UnavailableError(
          absl::StrFormat("ZooKeeper at %s: not connected (waited %s)",
                          options_.zookeeper.servers,
                          absl::FormatDuration(options_.connect_timeout)));
    }
    CloseSession();
  }
  return absl::UnavailableError(
      absl::StrFormat("ZooKeeper at %s: the session expired again",
                      options_.zookeeper.servers));
}

absl::StatusOr<std::string> ZooKeeperLeaderDetector::LeaderUrl() {
  absl::MutexLock call(&call_mu_);
  uint64_t changes = 0;
  if (absl::Status connected = Connected(&changes); !connected.ok()) {
    return connected;
  }
  if (leader_.has_value() && read_changes_ == changes) return *leader_;
  leader_.reset();
  read_changes_.reset();
  bool listed = false;
  absl::StatusOr<std::string> leader = ReadLeader(&listed);
  // Once listed, the children watch is set whatever came after; an event
  // since `changes` was taken makes the next call read again.
  if (listed) read_changes_ = changes;
  if (leader.ok()) leader_ = *leader;
  return leader;
}

absl::StatusOr<std::string> ZooKeeperLeaderDetector::ReadLeader(bool* listed) {
  Session& session = *session_;
  const std::string& servers = options_.zookeeper.servers;
  const std::string& path = options_.zookeeper.path;
  Children children;
  int rc = zoo_wget_children(session.handle, path.c_str(), OnEvent, &session,
                             &children.names);
  if (rc == ZNONODE) {
    return absl::UnavailableError(absl::StrFormat(
        "ZooKeeper at %s: %s does not exist: no Mesos master has joined it "
        "(is it the path of the masters' --zk?)",
        servers, path));
  }
  if (rc != ZOK) {
    return ZooKeeperError(
        rc, absl::StrFormat("ZooKeeper at %s: listing %s", servers, path));
  }
  *listed = true;

  std::vector<Candidate> candidates;
  int binary_members = 0;
  for (int i = 0; i < children.names.count; ++i) {
    const std::string_view name = children.names.data[i];
    std::string_view label;
    uint64_t sequence = 0;
    if (!SplitMemberName(name, &label, &sequence)) continue;
    if (label == kJsonLabel) {
      candidates.push_back({sequence, std::string(name)});
    } else if (label == kBinaryLabel) {
      ++binary_members;
    }
  }
  if (candidates.empty()) {
    if (binary_members > 0) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "ZooKeeper at %s: %s holds only info_ nodes, the binary "
          "MasterInfo of Mesos masters before 0.24; the leader is read from "
          "the json.info_ nodes of Mesos 0.24 and later",
          servers, path));
    }
    return absl::UnavailableError(absl::StrFormat(
        "ZooKeeper at %s: no Mesos master in %s (no json.info_ node: no "
        "master is running, or an election is under way)",
        servers, path));
  }
  // The lowest sequence leads; one that left meanwhile hands over to the
  // next.
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) {
              return a.sequence < b.sequence;
            });
  for (const Candidate& candidate : candidates) {
    const std::string node = path + "/" + candidate.name;
    std::string data(4096, '\0');
    while (true) {
      int length = static_cast<int>(data.size());
      Stat stat{};
      rc = zoo_get(session.handle, node.c_str(), /*watch=*/0, data.data(),
                   &length, &stat);
      if (rc != ZOK) break;
      if (stat.dataLength > static_cast<int>(data.size()) &&
          stat.dataLength <= kMaxNodeBytes) {
        data.resize(static_cast<size_t>(stat.dataLength));  // and again
        continue;
      }
      data.resize(static_cast<size_t>(std::max(length, 0)));
      return ParseMasterInfo(data, candidate.name, options_.scheme);
    }
    if (rc != ZNONODE) {
      return ZooKeeperError(
          rc, absl::StrFormat("ZooKeeper at %s: reading %s", servers, node));
    }
  }
  return absl::UnavailableError(absl::StrFormat(
      "ZooKeeper at %s: the masters in %s left while being read (an "
      "election is under way)",
      servers, path));
}

bool ZooKeeperLeaderDetector::WaitForChange(absl::Duration timeout) {
  std::shared_ptr<Session> session;
  uint64_t seen = 0;
  {
    absl::MutexLock call(&call_mu_);
    if (session_ == nullptr || !read_changes_.has_value()) return true;
    session = session_;
    seen = *read_changes_;
  }
  absl::MutexLock lock(&session->mu);
  auto changed = [&session, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(session->mu) {
    return session->closed || session->changes != seen;
  };
  return session->mu.AwaitWithTimeout(absl::Condition(&changed), timeout);
}

std::optional<ZooKeeperLeaderDetector::SessionId>
ZooKeeperLeaderDetector::SessionForTesting() {
  absl::MutexLock call(&call_mu_);
  if (session_ == nullptr) return std::nullopt;
  {
    absl::MutexLock lock(&session_->mu);
    if (session_->state != ZOO_CONNECTED_STATE) return std::nullopt;
  }
  const clientid_t* id = zoo_client_id(session_->handle);
  if (id == nullptr || id->client_id == 0) return std::nullopt;
  return SessionId{.id = id->client_id,
                   .password = std::string(id->passwd, sizeof(id->passwd))};
}

}  // namespace spotburst::mesos
