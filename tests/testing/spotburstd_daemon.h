// The build's spotburstd as a child process, for tests that run one or more
// real daemons: a configuration file written from text, an environment,
// gRPC and metrics ports picked by the daemon (read from its log), its log
// lines to wait for, GetStatus, SetPaused, WatchDecisions streams and a
// /metrics scrape, and SIGKILL or SIGTERM. Config text in, process out:
// nothing here knows what the daemon manages.
//
//   SpotburstdDaemon daemon({.config = "managed: {...}\n",
//                            .env = {{"AWS_ACCESS_KEY_ID", "..."}}});
//   ASSERT_TRUE(daemon.listening()) << daemon.Log();
//   ASSERT_TRUE(daemon.WaitForLine("event=leading"));
//   DecisionFeed feed;
//   std::unique_ptr<DecisionWatch> watch = daemon.Watch(feed, "a");
//   std::optional<DecisionFeed::Item> next = feed.Next(absl::Seconds(30));
//   EXPECT_EQ(daemon.Metrics()["spotburst_leader"], 1);
//   daemon.Kill();  // SIGKILL; a new SpotburstdDaemon with the same dir
//                   // starts it again
//
// Every wait is for an event (a line, a decision, the exit); deadlines only
// fail a test whose event never comes. The log is read on a thread of its
// own, so a daemon that logs a lot never blocks on a full pipe.
#ifndef SPOTBURST_TESTS_TESTING_SPOTBURSTD_DAEMON_H_
#define SPOTBURST_TESTS_TESTING_SPOTBURSTD_DAEMON_H_

#include <signal.h>

#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "sidecar/sidecar_testing.h"
#include "spotburst/v1/controller_service.grpc.pb.h"

namespace spotburst::testing {

// Decisions streamed by one or more daemons (DecisionWatch), in the order
// they arrived. Thread-safe.
class DecisionFeed {
 public:
  struct Item {
    // The name the watch was given.
    std::string daemon;
    // Unset when the stream ended (the daemon stopped or died); `status`
    // then says how.
    std::optional<v1::WatchDecisionsResponse> response;
    grpc::Status status;
    // When the test received it.
    absl::Time received;
  };

  // The next item, or nullopt after `timeout`.
  std::optional<Item> Next(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !items_.empty();
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&ready), timeout)) {
      return std::nullopt;
    }
    Item item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

  void Push(Item item) {
    absl::MutexLock lock(&mu_);
    item.received = absl::Now();
    items_.push_back(std::move(item));
  }

 private:
  absl::Mutex mu_;
  std::deque<Item> items_ ABSL_GUARDED_BY(mu_);
};

// One WatchDecisions stream, read on its own thread into a feed until the
// stream ends or this is destroyed.
class DecisionWatch {
 public:
  DecisionWatch(const std::shared_ptr<grpc::Channel>& channel, std::string name,
                DecisionFeed& feed, bool include_last)
      : stub_(v1::ControllerService::NewStub(channel)),
        name_(std::move(name)),
        feed_(feed) {
    // Only a stuck test runs into it: the destructor cancels.
    SetDeadline(context_, absl::Minutes(10));
    v1::WatchDecisionsRequest request;
    request.set_include_last(include_last);
    reader_ = stub_->WatchDecisions(&context_, request);
    thread_ = std::thread([this] {
      v1::WatchDecisionsResponse response;
      while (reader_->Read(&response)) {
        feed_.Push({.daemon = name_, .response = response});
      }
      feed_.Push({.daemon = name_, .status = reader_->Finish()});
    });
  }
  DecisionWatch(const DecisionWatch&) = delete;
  DecisionWatch& operator=(const DecisionWatch&) = delete;
  ~DecisionWatch() {
    context_.TryCancel();
    thread_.join();
  }

 private:
  std::unique_ptr<v1::ControllerService::Stub> stub_;
  const std::string name_;
  DecisionFeed& feed_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::WatchDecisionsResponse>> reader_;
  std::thread thread_;
};

class SpotburstdDaemon {
 public:
  struct Options {
    // The configuration file's text (YAML); relative paths in it start at
    // `dir`.
    std::string config;
    // Set for the daemon on top of this process's environment.
    std::map<std::string, std::string> env;
    // More flags.
    std::vector<std::string> args;
    // Where the configuration file (spotburstd.yaml) is written; empty: a
    // new temporary directory. Give the previous daemon's dir() to start
    // one again over what it left.
    std::string dir;
    // Port 0: picked by the daemon, read from its log.
    std::string listen = "127.0.0.1:0";
    std::string metrics_listen = "127.0.0.1:0";
    // For the daemon to say it listens (or that it failed to start).
    absl::Duration start_deadline = absl::Seconds(60);
  };

  // Starts the daemon and waits until it listens or fails to start (see
  // listening() and Log()). The log is read as key=value lines
  // (--log_format=text).
  explicit SpotburstdDaemon(Options options) : options_(std::move(options)) {
    if (options_.dir.empty()) options_.dir = MakeTempDir();
    WriteAll(config_path(), options_.config);
    std::vector<std::string> argv = {
        SPOTBURSTD_PATH, "--config=" + config_path(),
        "--listen=" + options_.listen, "--log_format=text"};
    if (!options_.metrics_listen.empty()) {
      argv.push_back("--metrics_listen=" + options_.metrics_listen);
    }
    argv.insert(argv.end(), options_.args.begin(), options_.args.end());
    child_ = std::make_unique<CapturedProcess>(argv, options_.env);
    reader_ = std::thread([this] { ReadLog(); });
    const std::optional<std::string> up = WaitForAnyLine(
        {"event=listening ", "event=startup_failed"}, options_.start_deadline);
    if (up && absl::StrContains(*up, "event=listening ")) {
      port_ = LoggedPort("listening");
      if (!options_.metrics_listen.empty()) {
        metrics_port_ = LoggedPort("metrics_listening");
      }
    }
  }
  SpotburstdDaemon(const SpotburstdDaemon&) = delete;
  SpotburstdDaemon& operator=(const SpotburstdDaemon&) = delete;
  ~SpotburstdDaemon() { Kill(); }

  bool listening() const { return port_ > 0; }
  int port() const { return port_; }
  // 0 without a metrics endpoint.
  int metrics_port() const { return metrics_port_; }
  const std::string& dir() const { return options_.dir; }
  std::string config_path() const { return options_.dir + "/spotburstd.yaml"; }
  std::shared_ptr<grpc::Channel> channel() const { return PlainChannel(port_); }

  // --- The log (stderr). ---
  // Everything logged so far.
  std::string Log() const {
    absl::MutexLock lock(&mu_);
    std::string all;
    for (const std::string& line : lines_) absl::StrAppend(&all, line, "\n");
    return all;
  }
  // Lines logged so far; a cursor for WaitForLine.
  size_t LineCount() const {
    absl::MutexLock lock(&mu_);
    return lines_.size();
  }
  // The first line from line `from` on that contains `text`, waiting for
  // it up to `timeout`; nullopt if none came (or the daemon exited first).
  std::optional<std::string> WaitForLine(
      absl::string_view text, absl::Duration timeout = absl::Seconds(60),
      size_t from = 0) const {
    return WaitForAnyLine({text}, timeout, from);
  }
  // Lines from `from` on that contain `text`.
  std::vector<std::string> Lines(absl::string_view text,
                                 size_t from = 0) const {
    absl::MutexLock lock(&mu_);
    std::vector<std::string> out;
    for (size_t i = from; i < lines_.size(); ++i) {
      if (absl::StrContains(lines_[i], text)) out.push_back(lines_[i]);
    }
    return out;
  }

  // --- ControllerService. ---
  v1::ControllerStatus Status() const {
    auto stub = v1::ControllerService::NewStub(channel());
    grpc::ClientContext context;
    SetDeadline(context);
    v1::ControllerStatus status;
    const grpc::Status called = stub->GetStatus(&context, {}, &status);
    EXPECT_TRUE(called.ok()) << called.error_message();
    return status;
  }
  // Returns once every later tick obeys it.
  void SetPaused(bool paused, const std::string& reason) const {
    auto stub = v1::ControllerService::NewStub(channel());
    grpc::ClientContext context;
    SetDeadline(context);
    v1::SetPausedRequest request;
    request.set_paused(paused);
    request.set_reason(reason);
    v1::SetPausedResponse response;
    const grpc::Status called = stub->SetPaused(&context, request, &response);
    EXPECT_TRUE(called.ok()) << called.error_message();
  }
  // A WatchDecisions stream into `feed`, its items named `name`.
  std::unique_ptr<DecisionWatch> Watch(DecisionFeed& feed,
                                       const std::string& name,
                                       bool include_last = false) const {
    return std::make_unique<DecisionWatch>(channel(), name, feed, include_last);
  }

  // --- Metrics. ---
  // GET /metrics: samples by name and labels ("a{b=\"c\"}"); empty when
  // the scrape failed.
  std::map<std::string, double> Metrics() const {
    const HttpResponse scrape = Http(metrics_port_, "GET", "/metrics");
    EXPECT_EQ(scrape.code, 200) << scrape.head;
    return scrape.code == 200 ? MetricSamples(scrape.body)
                              : std::map<std::string, double>();
  }

  // --- Ending it. ---
  // SIGKILL, as a crash or a lost host; waits for the exit. Idempotent.
  void Kill() { End(SIGKILL, absl::Seconds(60)); }
  // SIGTERM; the exit code, or nullopt if it did not exit within `timeout`.
  std::optional<int> Stop(absl::Duration timeout = absl::Seconds(30)) {
    return End(SIGTERM, timeout);
  }
  bool exited() const {
    absl::MutexLock lock(&mu_);
    return log_closed_;
  }

 private:
  std::optional<std::string> WaitForAnyLine(
      std::vector<absl::string_view> texts, absl::Duration timeout,
      size_t from = 0) const {
    absl::MutexLock lock(&mu_);
    std::optional<std::string> found;
    size_t next = from;
    auto seen = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      for (; next < lines_.size(); ++next) {
        for (absl::string_view text : texts) {
          if (absl::StrContains(lines_[next], text)) {
            found = lines_[next];
            return true;
          }
        }
      }
      return log_closed_;
    };
    mu_.AwaitWithTimeout(absl::Condition(&seen), timeout);
    return found;
  }

  // "event=<event> address=127.0.0.1:PORT ..." -> PORT.
  int LoggedPort(const std::string& event) const {
    const std::string start = absl::StrCat("event=", event, " address=");
    for (const std::string& line : Lines(start)) {
      const size_t at = line.find(start) + start.size();
      const size_t end = line.find(' ', at);
      const size_t colon = line.rfind(':', end);
      return std::atoi(line.c_str() + colon + 1);
    }
    return 0;
  }

  // The log thread: whole lines into lines_, until the pipes close.
  void ReadLog() {
    size_t taken = 0;
    while (true) {
      const size_t before = child_->err().size();
      const bool closed =
          child_->ReadUntil([&] { return child_->err().size() != before; },
                            absl::Now() + absl::Seconds(1));
      const std::string& err = child_->err();
      absl::MutexLock lock(&mu_);
      for (size_t newline;
           (newline = err.find('\n', taken)) != std::string::npos;
           taken = newline + 1) {
        lines_.push_back(err.substr(taken, newline - taken));
      }
      if (closed && err.size() == before) {
        if (taken < err.size()) lines_.push_back(err.substr(taken));
        log_closed_ = true;
        return;
      }
    }
  }

  std::optional<int> End(int signal_number, absl::Duration timeout) {
    if (exit_code_) return exit_code_;
    if (child_ == nullptr) return std::nullopt;
    child_->Signal(signal_number);
    {
      absl::MutexLock lock(&mu_);
      if (!mu_.AwaitWithTimeout(absl::Condition(&log_closed_), timeout)) {
        return std::nullopt;
      }
    }
    reader_.join();
    exit_code_ = child_->Wait(timeout);
    return exit_code_;
  }

  Options options_;
  std::unique_ptr<CapturedProcess> child_;
  std::thread reader_;
  int port_ = 0;
  int metrics_port_ = 0;
  std::optional<int> exit_code_;

  mutable absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
  bool log_closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace spotburst::testing

#endif  // SPOTBURST_TESTS_TESTING_SPOTBURSTD_DAEMON_H_
