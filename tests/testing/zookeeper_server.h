// A real ZooKeeper server (Debian's `zookeeper` package, on its Java
// runtime) on a free loopback port, for the tests of what uses ZooKeeper
// (the Mesos masters' leader detection, spotburstd's leader election),
// and a client to arrange nodes in it as Mesos masters do.
//
// The server runs under a small shell that ends it when its stdin closes
// (see testing/child_process.h), so a test that dies leaves none running.
#ifndef SPOTBURST_TESTS_TESTING_ZOOKEEPER_SERVER_H_
#define SPOTBURST_TESTS_TESTING_ZOOKEEPER_SERVER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

// libzookeeper_mt declares its synchronous calls only with THREADED.
#ifndef THREADED
#define THREADED
#endif
#include <zookeeper/zookeeper.h>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "testing/child_process.h"

namespace spotburst::testing {

inline constexpr char kJava[] = "/usr/bin/java";
inline constexpr char kZooKeeperJar[] = "/usr/share/java/zookeeper.jar";

class ZooKeeperServer {
 public:
  // Starts the server and waits until it answers; see error() when it
  // did not.
  ZooKeeperServer() {
    for (const std::string& file : ClassPath()) {
      if (access(file.c_str(), R_OK) != 0) {
        error_ = file +
                 " is missing: install the Debian package `zookeeper` "
                 "(with its Java runtime), as scripts/debian-packages.txt "
                 "lists";
        return;
      }
    }
    char dir[] = "/tmp/spotburst-zookeeper-XXXXXX";
    if (mkdtemp(dir) == nullptr) {
      error_ = "cannot make a temporary directory";
      return;
    }
    dir_ = dir;
    // A port found free may be taken before the server binds it: retry.
    for (int attempt = 0; attempt < 3 && !running(); ++attempt) Start();
  }
  ZooKeeperServer(const ZooKeeperServer&) = delete;
  ZooKeeperServer& operator=(const ZooKeeperServer&) = delete;
  ~ZooKeeperServer() {
    Stop();
    if (!dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    }
  }

  bool running() const { return process_ != nullptr && port_ > 0; }
  // Why it is not running.
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  // "127.0.0.1:PORT".
  std::string hosts() const { return "127.0.0.1:" + std::to_string(port_); }

  // Ends the server and waits for it.
  void Stop() {
    process_.reset();
    port_ = 0;
  }

 private:
  void Start() {
    const int port = FreePort();
    if (port <= 0) {
      error_ = "no free loopback port";
      return;
    }
    const std::string config = dir_ + "/zoo.cfg";
    const std::string log = dir_ + "/zookeeper.log";
    {
      std::ofstream out(config);
      out << "tickTime=500\n"
          << "dataDir=" << dir_ << "/data\n"
          << "clientPort=" << port << "\n"
          << "clientPortAddress=127.0.0.1\n"
          << "maxClientCnxns=0\n"
          << "admin.enableServer=false\n"
          << "4lw.commands.whitelist=ruok\n";
    }
    std::string classpath;
    for (const std::string& jar : ClassPath()) {
      if (jar == kJava) continue;
      classpath += (classpath.empty() ? "" : ":") + jar;
    }
    // $1 java, $2 classpath, $3 zoo.cfg, $4 log. "exited" when the server
    // ends by itself (the port was taken); the reader of our stdin ends it
    // once the test closes that.
    const std::string script =
        "exec 3<&0\n"
        "\"$1\" -Xmx96m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "
        "-cp \"$2\" org.apache.zookeeper.server.ZooKeeperServerMain \"$3\" "
        "</dev/null >>\"$4\" 2>&1 &\n"
        "server=$!\n"
        "{ cat <&3 >/dev/null; kill \"$server\" 2>/dev/null; } &\n"
        "exec 3<&-\n"
        "wait \"$server\"\n"
        "echo exited\n";
    auto process = std::make_unique<ChildProcess>(std::vector<std::string>{
        "/bin/sh", "-c", script, "zookeeper", kJava, classpath, config, log});
    if (!process->started()) {
      error_ = "cannot start /bin/sh";
      return;
    }
    // Ready when it answers "ruok"; the overall deadline only fails a
    // server that never comes up.
    const absl::Time deadline = absl::Now() + absl::Seconds(90);
    while (absl::Now() < deadline) {
      if (Ruok(port)) {
        process_ = std::move(process);
        port_ = port;
        error_.clear();
        return;
      }
      // Waits a little for the server's end, which it reports.
      if (process->ReadLine(absl::Milliseconds(50)).has_value()) {
        error_ = "the ZooKeeper server ended at its start: " + Tail(log);
        return;
      }
    }
    error_ = "the ZooKeeper server did not answer within 90s: " + Tail(log);
  }

  // Java, then just the jars the standalone server needs, with the no-op
  // logger: the whole of /usr/share/java has several SLF4J bindings.
  static std::vector<std::string> ClassPath() {
    return {kJava, kZooKeeperJar, "/usr/share/java/zookeeper-jute.jar",
            "/usr/share/java/slf4j-api.jar", "/usr/share/java/slf4j-nop.jar"};
  }

  static int FreePort() {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    int port = -1;
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      port = ntohs(address.sin_port);
    }
    close(fd);
    return port;
  }

  // ZooKeeper's "are you ok": "imok" once it serves.
  static bool Ruok(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    std::string answer;
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) ==
            0 &&
        write(fd, "ruok", 4) == 4) {
      // A server still starting may take the connection and never answer:
      // the caller asks again.
      pollfd ready{.fd = fd, .events = POLLIN, .revents = 0};
      char buffer[16];
      while (poll(&ready, 1, 250) > 0) {
        const ssize_t n = read(fd, buffer, sizeof(buffer));
        if (n <= 0) break;
        answer.append(buffer, static_cast<size_t>(n));
      }
    }
    close(fd);
    return answer == "imok";
  }

  static std::string Tail(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    const std::string all = text.str();
    return all.size() <= 2000 ? all : all.substr(all.size() - 2000);
  }

  std::string dir_;
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
  std::string error_ = "not started";
};

// A ZooKeeper client for arranging a test: connected on construction (see
// connected()), closed on destruction.
class ZooKeeperClient {
 public:
  // With `session`, joins that session instead of opening one: closing
  // this client then expires it for its first holder.
  explicit ZooKeeperClient(const std::string& hosts,
                           const clientid_t* session = nullptr,
                           absl::Duration session_timeout = absl::Seconds(10))
      : handle_(zookeeper_init2(
            hosts.c_str(), &ZooKeeperClient::OnEvent,
            static_cast<int>(absl::ToInt64Milliseconds(session_timeout)),
            session, this, 0, &ZooKeeperClient::DropLog)) {
    if (handle_ == nullptr) return;
    absl::MutexLock lock(&mu_);
    // Until connected, or refused for good (a session joined had expired).
    auto settled = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return state_ == ZOO_CONNECTED_STATE ||
             state_ == ZOO_EXPIRED_SESSION_STATE ||
             state_ == ZOO_AUTH_FAILED_STATE;
    };
    mu_.AwaitWithTimeout(absl::Condition(&settled), absl::Seconds(60));
  }
  ZooKeeperClient(const ZooKeeperClient&) = delete;
  ZooKeeperClient& operator=(const ZooKeeperClient&) = delete;
  ~ZooKeeperClient() {
    if (handle_ != nullptr) zookeeper_close(handle_);
  }

  bool connected() {
    absl::MutexLock lock(&mu_);
    return state_ == ZOO_CONNECTED_STATE;
  }
  zhandle_t* handle() { return handle_; }

  // Digest credentials "user:password" for what follows.
  int AddDigestAuth(const std::string& credentials) {
    return zoo_add_auth(handle_, "digest", credentials.data(),
                        static_cast<int>(credentials.size()),
                        &ZooKeeperClient::IgnoreAuthResult, nullptr);
  }

  // Creates `path` with `data` and `flags` (ZOO_EPHEMERAL, ZOO_SEQUENCE);
  // the path created (with its sequence number), or empty on an error.
  std::string Create(const std::string& path, const std::string& data,
                     int flags = 0,
                     const ACL_vector* acl = &ZOO_OPEN_ACL_UNSAFE) {
    char created[1024];
    const int rc = zoo_create(handle_, path.c_str(), data.data(),
                              static_cast<int>(data.size()), acl, flags,
                              created, sizeof(created));
    return rc == ZOK ? std::string(created) : std::string();
  }

  // A Mesos master joining the election at `group`: its node's path.
  std::string JoinAsMaster(const std::string& group, const std::string& ip,
                           int port) {
    const std::string info =
        "{\"address\":{\"hostname\":\"" + ip + "\",\"ip\":\"" + ip +
        "\",\"port\":" + std::to_string(port) + "},\"id\":\"test\"," +
        "\"pid\":\"master@" + ip + ":" + std::to_string(port) +
        "\",\"version\":\"1.11.0\"}";
    return Create(group + "/json.info_", info, ZOO_EPHEMERAL | ZOO_SEQUENCE);
  }

  int Delete(const std::string& path) {
    return zoo_delete(handle_, path.c_str(), -1);
  }

 private:
  static void OnEvent(zhandle_t*, int type, int state, const char*,
                      void* context) {
    auto* client = static_cast<ZooKeeperClient*>(context);
    if (type != ZOO_SESSION_EVENT) return;
    absl::MutexLock lock(&client->mu_);
    client->state_ = state;
  }
  static void DropLog(const char*) {}
  static void IgnoreAuthResult(int, const void*) {}

  absl::Mutex mu_;
  int state_ ABSL_GUARDED_BY(mu_) = 0;
  zhandle_t* handle_;
};

}  // namespace spotburst::testing

#endif  // SPOTBURST_TESTS_TESTING_ZOOKEEPER_SERVER_H_
