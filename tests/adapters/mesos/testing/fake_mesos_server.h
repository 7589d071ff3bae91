// The Mesos + Marathon test endpoint (tests/adapters/mesos/fake_mesos.py)
// as a child process: several masters and one Marathon on loopback, their
// URLs, and the control API (agents, leader, master version, Marathon's
// queue, drains, faults, and the state with the call log).
//
//   FakeMesosServer mesos;
//   nlohmann::json agent = {{"attributes", {{"cloud_type", "burst"}}}};
//   mesos.Control("agents", {{"agents", nlohmann::json::array({agent})}});
//   ... the adapter reads mesos.master_urls(), mesos.marathon_url() ...
//   EXPECT_EQ(mesos.State()["calls"][0]["path"], "/api/v1");
#ifndef SPOTBURST_TESTS_ADAPTERS_MESOS_TESTING_FAKE_MESOS_SERVER_H_
#define SPOTBURST_TESTS_ADAPTERS_MESOS_TESTING_FAKE_MESOS_SERVER_H_

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "adapters/mesos/testing/loopback_http.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/child_process.h"

namespace spotburst::mesos::testing {

class FakeMesosServer {
 public:
  struct Options {
    int masters = 3;
    // "1.11.0", or "0.28.2" for a master without used_resources and
    // draining.
    std::string version = "1.11.0";
    // HTTP basic auth on the masters and Marathon when `user` is set.
    std::string user;
    std::string password;
  };

  FakeMesosServer() : FakeMesosServer(Options{}) {}
  explicit FakeMesosServer(const Options& options) : process_(Argv(options)) {
    const std::optional<std::string> line =
        process_.ReadLine(absl::Seconds(30));
    const std::string prefix = "fake-mesos ready ";
    if (line && line->starts_with(prefix)) {
      std::istringstream words(line->substr(prefix.size()));
      std::string word;
      while (words >> word) {
        if (word.starts_with("masters=")) {
          std::istringstream ports(word.substr(8));
          std::string port;
          while (std::getline(ports, port, ',')) {
            master_ports_.push_back(std::stoi(port));
          }
        } else if (word.starts_with("marathon=")) {
          marathon_port_ = std::stoi(word.substr(9));
        }
      }
    }
    EXPECT_TRUE(marathon_port_ > 0 &&
                static_cast<int>(master_ports_.size()) == options.masters)
        << "fake_mesos.py did not start: " << line.value_or("(no line)");
  }

  // "http://127.0.0.1:PORT" of master `index` (0 leads at the start).
  std::string master_url(size_t index) const {
    return index < master_ports_.size() ? Url(master_ports_[index]) : "";
  }
  std::vector<std::string> master_urls() const {
    std::vector<std::string> urls;
    for (int port : master_ports_) urls.push_back(Url(port));
    return urls;
  }
  std::string marathon_url() const { return Url(marathon_port_); }
  const std::vector<int>& master_ports() const { return master_ports_; }
  int marathon_port() const { return marathon_port_; }

  // POST /_control/<command>: the answer; a failed expectation unless 200.
  nlohmann::json Control(
      const std::string& command,
      const nlohmann::json& body = nlohmann::json::object()) {
    const std::optional<LoopbackResponse> response =
        LoopbackRequest(ControlPort(), "POST", "/_control/" + command,
                        body.dump(), {{"Content-Type", "application/json"}});
    EXPECT_TRUE(response.has_value()) << command << ": no answer";
    if (!response) return {};
    EXPECT_EQ(response->status, 200) << command << ": " << response->body;
    return nlohmann::json::parse(response->body, nullptr, false);
  }

  // GET /_state: leader, version, agents (with their drain), queue, calls.
  nlohmann::json State() {
    const std::optional<LoopbackResponse> response =
        LoopbackRequest(ControlPort(), "GET", "/_state");
    EXPECT_TRUE(response.has_value()) << "/_state: no answer";
    if (!response) return {};
    return nlohmann::json::parse(response->body, nullptr, false);
  }

  // The agents' ids after Control("agents", ...), in order.
  std::vector<std::string> AgentIds() {
    std::vector<std::string> ids;
    const nlohmann::json state = State();  // outlives the loop
    for (const nlohmann::json& agent :
         state.value("agents", nlohmann::json::array())) {
      ids.push_back(agent["id"].get<std::string>());
    }
    return ids;
  }

 private:
  static std::vector<std::string> Argv(const Options& options) {
    std::vector<std::string> argv = {"/usr/bin/python3",
                                     std::string(SPOTBURST_SOURCE_DIR) +
                                         "/tests/adapters/mesos/fake_mesos.py",
                                     "--masters",
                                     std::to_string(options.masters),
                                     "--version",
                                     options.version};
    if (!options.user.empty()) {
      argv.insert(argv.end(),
                  {"--user", options.user, "--password", options.password});
    }
    return argv;
  }

  static std::string Url(int port) {
    return "http://127.0.0.1:" + std::to_string(port);
  }

  // The control API answers on every port.
  int ControlPort() const { return marathon_port_; }

  spotburst::testing::ChildProcess process_;
  std::vector<int> master_ports_;
  int marathon_port_ = 0;
};

}  // namespace spotburst::mesos::testing

#endif  // SPOTBURST_TESTS_ADAPTERS_MESOS_TESTING_FAKE_MESOS_SERVER_H_
