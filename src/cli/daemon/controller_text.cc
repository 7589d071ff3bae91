// People's text for ControllerService's messages.
#include "cli/daemon/controller_text.h"

#include <map>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/plan.h"

namespace spotburst::cli {
namespace {

// Whole seconds: the daemon's wall-clock times carry nanoseconds nobody
// reads at a terminal.
std::string TimeText(const google::protobuf::Timestamp& ts) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(ts.seconds()),
                          absl::UTCTimeZone());
}

std::string DurationText(const google::protobuf::Duration& d) {
  return absl::FormatDuration(absl::Seconds(d.seconds()) +
                              absl::Nanoseconds(d.nanos()));
}

std::string CodeText(int code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

// "ACTION_KIND_REQUEST_SPOT" -> "request-spot": an enum value's name
// without its prefix, as the library names it.
std::string EnumText(std::string_view name, std::string_view prefix) {
  if (name.substr(0, prefix.size()) == prefix)
    name.remove_prefix(prefix.size());
  return absl::StrReplaceAll(absl::AsciiStrToLower(std::string(name)),
                             {{"_", "-"}});
}

std::string YesNo(bool b) { return b ? "yes" : "no"; }

// "3 instances (2 running, 1 pending), 1 spot request (1 open)".
std::string FleetText(const v1::Fleet& fleet) {
  std::map<std::string, int> instances, requests;
  for (const v1::Instance& i : fleet.instances()) {
    ++instances[EnumText(v1::InstanceState_Name(i.state()), "INSTANCE_STATE_")];
  }
  for (const v1::SpotRequest& r : fleet.requests()) {
    ++requests[EnumText(v1::SpotRequestState_Name(r.state()),
                        "SPOT_REQUEST_STATE_")];
  }
  auto counts = [](const std::map<std::string, int>& by_state) {
    return absl::StrJoin(by_state, ", ", [](std::string* out, const auto& kv) {
      absl::StrAppend(out, kv.second, " ", kv.first);
    });
  };
  std::string out = absl::StrCat(fleet.instances_size(), " instance",
                                 fleet.instances_size() == 1 ? "" : "s");
  if (!instances.empty()) absl::StrAppend(&out, " (", counts(instances), ")");
  absl::StrAppend(&out, ", ", fleet.requests_size(), " spot request",
                  fleet.requests_size() == 1 ? "" : "s");
  if (!requests.empty()) absl::StrAppend(&out, " (", counts(requests), ")");
  return out;
}

std::string LastTickText(const v1::TickStatus& tick) {
  std::string out = absl::StrCat(
      tick.decision_id().empty() ? "(no decision)" : tick.decision_id(),
      ", started ", TimeText(tick.started_at()), ", evaluated at ",
      TimeText(tick.evaluated_at()), ", took ", DurationText(tick.duration()),
      ": ", CodeText(tick.code()));
  if (tick.code() != 0) absl::StrAppend(&out, ": ", tick.error());
  absl::StrAppend(&out, "; actions ", tick.actions_planned(), " planned, ",
                  tick.actions_applied(), " applied, ", tick.actions_failed(),
                  " failed");
  if (tick.on_notice()) absl::StrAppend(&out, "; at an interruption notice");
  return out;
}

// "last plan NAME at TIME" and the rest of PlanToText; its instances line
// and actions at least, should the library not read the plan.
std::string LastPlanText(const v1::Plan& plan) {
  absl::StatusOr<Plan> converted = internal::FromProto(plan);
  if (!converted.ok()) {
    return absl::StrCat("last plan:\n  instances: running ", plan.running(),
                        ", pending ", plan.pending(), ", desired ",
                        plan.desired(), "\n  ", ActionsByKind(plan), "\n");
  }
  return absl::StrCat("last ", PlanToText(*converted));
}

}  // namespace

std::string ActionsByKind(const v1::Plan& plan) {
  std::map<int, int> by_kind;
  for (const v1::Action& action : plan.actions()) ++by_kind[action.kind()];
  if (by_kind.empty()) return "no actions";
  return absl::StrJoin(by_kind, ", ", [](std::string* out, const auto& kv) {
    absl::StrAppend(
        out,
        EnumText(v1::ActionKind_Name(static_cast<v1::ActionKind>(kv.first)),
                 "ACTION_KIND_"),
        " ", kv.second);
  });
}

std::string DecisionLine(const v1::Decision& decision) {
  const v1::Plan& plan = decision.plan();
  const char* outcome = decision.paused()    ? "paused"
                        : decision.dry_run() ? "dry run"
                        : decision.standby() ? "standby"
                        : decision.applied() ? "applied"
                                             : "not applied";
  return absl::StrCat(
      TimeText(plan.evaluated_at()), " ", decision.decision_id(),
      " running=", plan.running(), " pending=", plan.pending(),
      " desired=", plan.desired(), ": ", ActionsByKind(plan), " (", outcome,
      decision.on_notice() ? ", at an interruption notice" : "", ")");
}

std::string StatusText(const std::string& target,
                       const v1::ControllerStatus& status) {
  if (status.mode() != v1::CONTROLLER_MODE_MANAGED) {
    return absl::StrCat(
        "daemon: ", target, ", ",
        status.mode() == v1::CONTROLLER_MODE_STATELESS ? "stateless"
                                                       : "unknown mode",
        ": no control loop to show (add a managed: section to its "
        "configuration to run one)\n");
  }
  std::string out = absl::StrCat(
      "daemon: ", target, ", managed over ",
      status.adapters().empty() ? "(unnamed adapters)" : status.adapters(),
      "\n");
  absl::StrAppend(&out, "paused: ", YesNo(status.paused()));
  if (status.paused()) {
    absl::StrAppend(&out, ", since ", TimeText(status.paused_at()));
    if (!status.pause_reason().empty()) {
      absl::StrAppend(&out, ": ", status.pause_reason());
    }
  }
  absl::StrAppend(&out, "\ndry run: ", YesNo(status.dry_run()), "\n");
  if (status.has_ha()) {
    const v1::HaStatus& ha = status.ha();
    absl::StrAppend(&out, "high availability: ", ha.role(), " as ",
                    ha.identity());
    if (ha.role() == "leader") {
      absl::StrAppend(&out, ", since ", TimeText(ha.leading_since()));
    } else {
      absl::StrAppend(
          &out, "; leader: ", ha.leader().empty() ? "unknown" : ha.leader());
    }
    absl::StrAppend(&out, ha.connected() ? "" : " (ZooKeeper unreachable)",
                    "\n");
  }
  if (!status.state_store().empty()) {
    absl::StrAppend(&out, "state: ", status.state_store());
    if (status.has_state_restored_at()) {
      absl::StrAppend(&out, ", restored ",
                      TimeText(status.state_restored_at()));
    }
    if (status.has_state_saved_at()) {
      absl::StrAppend(&out, ", saved ", TimeText(status.state_saved_at()));
    }
    absl::StrAppend(&out, "\n");
  }
  absl::StrAppend(&out, "policy: ", status.policy_name(), " (revision ",
                  status.policy_revision(), ")\n");
  absl::StrAppend(&out, "ticks: ", status.ticks(), " (", status.failed_ticks(),
                  " failed)");
  if (status.finished()) {
    absl::StrAppend(&out, "; finished: the adapters' world has ended");
  } else if (status.has_next_tick_at()) {
    absl::StrAppend(&out, "; next at ", TimeText(status.next_tick_at()));
  }
  absl::StrAppend(
      &out, "\nlast tick: ",
      status.has_last_tick() ? LastTickText(status.last_tick()) : "none yet",
      "\n");
  absl::StrAppend(&out, "fleet: ", FleetText(status.fleet()), "\n");
  if (status.has_last_plan()) {
    absl::StrAppend(&out, LastPlanText(status.last_plan()));
  } else {
    absl::StrAppend(&out, "last plan: none yet\n");
  }
  if (status.recent_errors().empty()) {
    absl::StrAppend(&out, "recent errors: none\n");
  } else {
    absl::StrAppend(&out, "recent errors (", status.recent_errors_size(),
                    ", newest first):\n");
    for (const v1::ControllerError& e : status.recent_errors()) {
      absl::StrAppend(&out, "  ", TimeText(e.time()), " ", e.component(), " ",
                      CodeText(e.code()), ": ", e.message(), "\n");
    }
  }
  return out;
}

}  // namespace spotburst::cli
