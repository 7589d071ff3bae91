// C++ <-> proto conversions of plans: actions, reasons and usage, plus the
// reverse lookups of reason codes and resource names.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "formats/enum_proto.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/status_macros.h"

namespace spotburst::internal {
namespace {

// Converts each element of `from`, naming the index on failure.
template <typename T, typename Repeated>
absl::Status ConvertAll(const Repeated& from, absl::string_view field,
                        std::vector<T>* to) {
  to->reserve(from.size());
  for (int i = 0; i < from.size(); ++i) {
    absl::StatusOr<T> item = FromProto(from.Get(i));
    if (!item.ok()) {
      return Prefixed(item.status(), absl::StrCat(field, "[", i, "]."));
    }
    to->push_back(*std::move(item));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ReasonCode> ReasonCodeFromName(std::string_view name) {
  // Codes are numbered from 0 and ReasonCodeName says "unknown" past the
  // last one, so a new code needs no change here.
  for (int i = 0; i < 1000; ++i) {
    const auto code = static_cast<ReasonCode>(i);
    const std::string_view candidate = ReasonCodeName(code);
    if (candidate == "unknown") break;
    if (candidate == name) return code;
  }
  return absl::InvalidArgumentError(
      absl::StrFormat("unknown reason code \"%s\"", name));
}

absl::StatusOr<ResourceKind> ResourceKindFromName(std::string_view name) {
  for (ResourceKind kind : kAllResourceKinds) {
    if (ResourceName(kind) == name) return kind;
  }
  return absl::InvalidArgumentError(
      absl::StrFormat("unknown resource \"%s\"", name));
}

namespace {

// The plan's parts written in place, so a plan built in a caller's arena
// (the sidecar's response) is filled without temporaries to copy.
void Fill(const Reason& r, v1::Reason& out) {
  out.set_code(std::string(ReasonCodeName(r.code)));
  r.text.AppendTo(*out.mutable_message());
  for (const Figure& f : r.figures) {
    v1::Figure* figure = out.add_figures();
    figure->set_name(std::string(f.name.view()));
    figure->set_value(f.value);
  }
}

void Fill(const ResourceUsage& u, v1::ResourceUsage& out) {
  out.set_resource(std::string(ResourceName(u.kind)));
  out.set_used(u.used);
  out.set_capacity(u.capacity);
  out.set_share(u.share);
}

void Fill(const Action& a, v1::Action& out) {
  out.set_kind(ToProto(a.kind));
  out.set_count(a.count);
  out.set_instance_type(a.instance_type);
  out.set_availability_zone(a.availability_zone);
  out.set_bid_usd_per_hour(a.bid_usd_per_hour);
  out.set_idempotency_token(a.idempotency_token);
  out.set_request_id(a.request_id);
  out.set_instance_id(a.instance_id);
  out.set_replaces_instance_id(a.replaces_instance_id);
  *out.mutable_into_billing_period() = DurationToProto(a.into_billing_period);
  if (auto ts = TimeToProto(a.endable_at)) *out.mutable_endable_at() = *ts;
  for (const Reason& r : a.reasons) Fill(r, *out.add_reasons());
}

void Fill(const Plan& p, v1::Plan& out) {
  out.set_policy_name(p.policy_name);
  if (auto ts = TimeToProto(p.evaluated_at)) *out.mutable_evaluated_at() = *ts;
  *out.mutable_market() = ToProto(p.market);
  out.set_current_price_usd(p.current_price_usd);
  out.set_bid_usd_per_hour(p.bid_usd_per_hour);
  out.set_supply_mode(ToProto(p.supply_mode));
  out.set_running(p.running);
  out.set_pending(p.pending);
  out.set_desired(p.desired);
  out.set_booting(p.booting);
  out.set_draining(p.draining);
  for (const ResourceUsage& u : p.usage) Fill(u, *out.add_usage());
  out.set_fleet_usd_per_hour(p.fleet_usd_per_hour);
  for (const Action& a : p.actions) Fill(a, *out.add_actions());
  for (const Reason& r : p.notes) Fill(r, *out.add_notes());
}

}  // namespace

v1::Reason ToProto(const Reason& r) {
  v1::Reason out;
  Fill(r, out);
  return out;
}

absl::StatusOr<Reason> FromProto(const v1::Reason& r) {
  absl::StatusOr<ReasonCode> code = ReasonCodeFromName(r.code());
  if (!code.ok()) return Prefixed(code.status(), "code: ");
  Reason out{.code = *code, .text = ReasonText::Copy(r.message())};
  out.figures.reserve(r.figures_size());
  for (const v1::Figure& f : r.figures()) {
    out.figures.push_back({FigureName::Copy(f.name()), f.value()});
  }
  return out;
}

v1::ResourceUsage ToProto(const ResourceUsage& u) {
  v1::ResourceUsage out;
  Fill(u, out);
  return out;
}

absl::StatusOr<ResourceUsage> FromProto(const v1::ResourceUsage& u) {
  absl::StatusOr<ResourceKind> kind = ResourceKindFromName(u.resource());
  if (!kind.ok()) return Prefixed(kind.status(), "resource: ");
  return ResourceUsage{.kind = *kind,
                       .used = u.used(),
                       .capacity = u.capacity(),
                       .share = u.share()};
}

v1::Action ToProto(const Action& a) {
  v1::Action out;
  Fill(a, out);
  return out;
}

absl::StatusOr<Action> FromProto(const v1::Action& a) {
  SPOTBURST_ASSIGN_OR_RETURN(ActionKind kind,
                             ActionKindFromProto(a.kind(), "kind"));
  Action out{.kind = kind,
             .count = a.count(),
             .instance_type = a.instance_type(),
             .availability_zone = a.availability_zone(),
             .bid_usd_per_hour = a.bid_usd_per_hour(),
             .idempotency_token = a.idempotency_token(),
             .request_id = a.request_id(),
             .instance_id = a.instance_id(),
             .replaces_instance_id = a.replaces_instance_id(),
             .into_billing_period = DurationFromProto(a.into_billing_period()),
             .endable_at = TimeFromProto(a.endable_at(), a.has_endable_at()),
             .reasons = {}};
  SPOTBURST_RETURN_IF_ERROR(ConvertAll(a.reasons(), "reasons", &out.reasons));
  return out;
}

v1::Plan ToProto(const Plan& p) {
  v1::Plan out;
  Fill(p, out);
  return out;
}

absl::StatusOr<Plan> FromProto(const v1::Plan& p) {
  Plan out;
  SPOTBURST_ASSIGN_OR_RETURN(
      out.supply_mode, SupplyModeFromProto(p.supply_mode(), "supply_mode"));
  out.policy_name = p.policy_name();
  out.evaluated_at = TimeFromProto(p.evaluated_at(), p.has_evaluated_at());
  out.market = FromProto(p.market());
  out.current_price_usd = p.current_price_usd();
  out.bid_usd_per_hour = p.bid_usd_per_hour();
  out.running = p.running();
  out.pending = p.pending();
  out.desired = p.desired();
  out.booting = p.booting();
  out.draining = p.draining();
  out.fleet_usd_per_hour = p.fleet_usd_per_hour();
  SPOTBURST_RETURN_IF_ERROR(ConvertAll(p.usage(), "usage", &out.usage));
  SPOTBURST_RETURN_IF_ERROR(ConvertAll(p.actions(), "actions", &out.actions));
  SPOTBURST_RETURN_IF_ERROR(ConvertAll(p.notes(), "notes", &out.notes));
  return out;
}

v1::Plan ToProto(const Plan& plan, const EngineState& next_state) {
  v1::Plan out;
  ToProto(plan, next_state, out);
  return out;
}

void ToProto(const Plan& plan, const EngineState& next_state, v1::Plan& out) {
  Fill(plan, out);
  *out.mutable_next_state() = ToProto(next_state);
}

absl::StatusOr<Evaluation> EvaluationFromProto(const v1::Plan& p) {
  Evaluation out;
  SPOTBURST_ASSIGN_OR_RETURN(out.plan, FromProto(p));
  absl::StatusOr<EngineState> state = FromProto(p.next_state());
  if (!state.ok()) return Prefixed(state.status(), "next_state.");
  out.state = *std::move(state);
  return out;
}

}  // namespace spotburst::internal
