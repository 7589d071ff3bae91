// The burst fleet on EC2.
#include "ec2_instance_manager.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "spotburst/internal/file_util.h"

namespace spotburst::ec2 {
namespace {

// EC2 takes at most 16 KB of user data before base64.
constexpr size_t kMaxUserDataBytes = 16 << 10;
// Ids per call: EC2 accepts 1,000; smaller batches fail smaller.
constexpr size_t kBatch = 200;
constexpr int kMaxPages = 1000;

void AddList(QueryParams& params, const std::string& name,
             const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    params.push_back({absl::StrCat(name, ".", i + 1), values[i]});
  }
}

// Filter.N.Name / Filter.N.Value.M, numbered after those in `params`.
void AddFilter(QueryParams& params, const std::string& name,
               const std::vector<std::string>& values) {
  int n = 1;
  for (const auto& [key, value] : params) {
    if (absl::StartsWith(key, "Filter.") && absl::EndsWith(key, ".Name")) ++n;
  }
  params.push_back({absl::StrCat("Filter.", n, ".Name"), name});
  AddList(params, absl::StrCat("Filter.", n, ".Value"), values);
}

std::vector<std::vector<std::string>> Batches(
    const std::vector<std::string>& ids) {
  std::vector<std::vector<std::string>> out;
  for (size_t i = 0; i < ids.size(); i += kBatch) {
    out.emplace_back(ids.begin() + i,
                     ids.begin() + std::min(ids.size(), i + kBatch));
  }
  return out;
}

// A request status that says EC2 is ending (or has ended) its instance.
bool InterruptionStatus(const std::string& code) {
  return code == "marked-for-termination" || code == "marked-for-stop" ||
         code == "marked-for-hibernation" ||
         code == "instance-terminated-no-capacity" ||
         code == "instance-terminated-by-price" ||
         code == "instance-stopped-no-capacity" ||
         code == "instance-stopped-by-price";
}

// EC2 gives two minutes' notice.
constexpr absl::Duration kInterruptionNotice = absl::Minutes(2);

SpotRequestState RequestState(const std::string& state) {
  if (state == "open") return SpotRequestState::kOpen;
  if (state == "active") return SpotRequestState::kActive;
  if (state == "cancelled") return SpotRequestState::kCancelled;
  if (state == "failed") return SpotRequestState::kFailed;
  return SpotRequestState::kClosed;  // closed, disabled, completed
}

std::string TagOr(const std::map<std::string, std::string>& tags,
                  const std::string& key) {
  const auto it = tags.find(key);
  return it == tags.end() ? std::string() : it->second;
}

}  // namespace

Ec2InstanceManager::Ec2InstanceManager(QueryClient& ec2, FleetOptions options)
    : ec2_(ec2), options_(std::move(options)) {}

namespace {

// Every page of a Describe action: `parse` reads one answer into a Page.
template <typename T, typename Parse>
absl::StatusOr<std::vector<T>> DescribeAll(QueryClient& ec2,
                                           std::string_view action,
                                           const QueryParams& filters,
                                           Parse parse) {
  std::vector<T> all;
  std::string token;
  for (int page = 0; page < kMaxPages; ++page) {
    QueryParams params = filters;
    params.push_back({"MaxResults", "1000"});
    if (!token.empty()) params.push_back({"NextToken", token});
    auto answer = ec2.Call(action, params);
    if (!answer.ok()) return answer.status();
    absl::StatusOr<Page<T>> parsed = parse(**answer);
    if (!parsed.ok()) return parsed.status();
    for (T& item : parsed->items) all.push_back(std::move(item));
    token = parsed->next_token;
    if (token.empty()) return all;
  }
  return absl::DataLossError(
      absl::StrCat("EC2 ", absl::string_view(action.data(), action.size()),
                   ": the listing does not end"));
}

}  // namespace

absl::StatusOr<std::vector<Ec2Instance>> Ec2InstanceManager::DescribeInstances(
    const QueryParams& filters) {
  return DescribeAll<Ec2Instance>(ec2_, "DescribeInstances", filters,
                                  ParseInstances);
}

absl::StatusOr<std::vector<Ec2SpotRequest>>
Ec2InstanceManager::DescribeRequests(const QueryParams& filters) {
  return DescribeAll<Ec2SpotRequest>(ec2_, "DescribeSpotInstanceRequests",
                                     filters, ParseSpotRequests);
}

absl::StatusOr<Fleet> Ec2InstanceManager::List() {
  QueryParams by_pool;
  AddFilter(by_pool, absl::StrCat("tag:", options_.pool_tag_key),
            {options_.pool});
  QueryParams live_instances = by_pool;
  AddFilter(live_instances, "instance-state-name", {"pending", "running"});
  absl::StatusOr<std::vector<Ec2Instance>> instances =
      DescribeInstances(live_instances);
  if (!instances.ok()) return instances.status();
  QueryParams live_requests = by_pool;
  AddFilter(live_requests, "state", {"open", "active"});
  absl::StatusOr<std::vector<Ec2SpotRequest>> requests =
      DescribeRequests(live_requests);
  if (!requests.ok()) return requests.status();

  // Instances EC2 started for tagged requests carry no tags of their own.
  absl::flat_hash_set<std::string> listed;
  for (const Ec2Instance& i : *instances) listed.insert(i.id);
  std::vector<std::string> untagged;
  for (const Ec2SpotRequest& r : *requests) {
    if (!r.instance_id.empty() && !listed.contains(r.instance_id)) {
      untagged.push_back(r.instance_id);
    }
  }
  for (const std::vector<std::string>& batch : Batches(untagged)) {
    QueryParams by_id;
    AddFilter(by_id, "instance-id", batch);
    AddFilter(by_id, "instance-state-name", {"pending", "running"});
    absl::StatusOr<std::vector<Ec2Instance>> more = DescribeInstances(by_id);
    if (!more.ok()) return more.status();
    for (Ec2Instance& i : *more) instances->push_back(std::move(i));
  }

  absl::flat_hash_map<std::string, const Ec2SpotRequest*> request_of;
  for (const Ec2SpotRequest& r : *requests) request_of[r.id] = &r;
  // A live spot instance whose request is closed: the request's status
  // tells whether EC2 is interrupting it (instance-terminated-no-capacity
  // closes a one-time request while the instance still runs).
  std::vector<std::string> closed_requests;
  for (const Ec2Instance& i : *instances) {
    if (i.spot && !i.spot_request_id.empty() &&
        !request_of.contains(i.spot_request_id)) {
      closed_requests.push_back(i.spot_request_id);
    }
  }
  std::vector<Ec2SpotRequest> closed;
  for (const std::vector<std::string>& batch : Batches(closed_requests)) {
    QueryParams by_id;
    AddFilter(by_id, "spot-instance-request-id", batch);
    absl::StatusOr<std::vector<Ec2SpotRequest>> more = DescribeRequests(by_id);
    if (!more.ok()) return more.status();
    for (Ec2SpotRequest& r : *more) closed.push_back(std::move(r));
  }
  for (const Ec2SpotRequest& r : closed) request_of[r.id] = &r;
  Fleet fleet;
  for (const Ec2Instance& i : *instances) {
    Instance out{.id = i.id,
                 .instance_type = i.instance_type,
                 .availability_zone = i.availability_zone,
                 .lifecycle = i.spot ? Lifecycle::kSpot : Lifecycle::kOnDemand,
                 .state = i.state == "running" ? InstanceState::kRunning
                                               : InstanceState::kPending,
                 .launch_time = i.launch_time,
                 .spot_request_id = i.spot_request_id};
    if (i.spot) {
      const auto it = request_of.find(i.spot_request_id);
      double bid = 0;
      if (it != request_of.end()) {
        const Ec2SpotRequest& request = *it->second;
        bid = request.spot_price;
        if (InterruptionStatus(request.status_code)) {
          out.interruption_notice = true;
          if (request.status_time != absl::InfinitePast()) {
            out.interruption_time = request.status_time + kInterruptionNotice;
          }
        }
      } else if (!absl::SimpleAtod(TagOr(i.tags, kBidTag), &bid)) {
        bid = options_.on_demand_usd_per_hour;  // EC2's cap without MaxPrice
      }
      out.max_price_usd_per_hour = bid;
    } else {
      out.max_price_usd_per_hour = options_.on_demand_usd_per_hour;
    }
    fleet.instances.push_back(std::move(out));
  }
  for (const Ec2SpotRequest& r : *requests) {
    fleet.requests.push_back(
        {.id = r.id,
         .state = RequestState(r.state),
         .status_code = r.status_code,
         .create_time = r.create_time,
         .bid_usd_per_hour = r.spot_price,
         .instance_type = r.instance_type,
         .availability_zone = r.availability_zone,
         .instance_id = r.instance_id,
         .client_token = TagOr(r.tags, kTokenTag),
         .replaces_instance_id = TagOr(r.tags, kReplacesTag)});
  }
  return fleet;
}

std::map<std::string, std::string> Ec2InstanceManager::Tags(
    const std::string& token, const std::string& replaces, double bid) const {
  std::map<std::string, std::string> tags = {
      {options_.pool_tag_key, options_.pool}, {kTokenTag, token}};
  if (!options_.policy_name.empty()) tags[kPolicyTag] = options_.policy_name;
  if (!replaces.empty()) tags[kReplacesTag] = replaces;
  if (bid > 0) tags[kBidTag] = absl::StrFormat("%.6f", bid);
  return tags;
}

absl::StatusOr<QueryParams> Ec2InstanceManager::LaunchParams(
    const LaunchSpec& launch, const std::string& instance_type,
    const std::string& zone, int count, const std::string& token,
    const std::string& prefix) {
  if (launch.image_id.empty()) {
    return absl::InvalidArgumentError(
        "EC2 launch: instance.launch_spec.image_id: required");
  }
  if (count < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("EC2 launch: count ", count, " must be >= 1"));
  }
  if (token.empty() || token.size() > 64) {
    return absl::InvalidArgumentError(
        "EC2 launch: the idempotency token must have 1 to 64 characters");
  }
  QueryParams p = {{prefix + "ImageId", launch.image_id},
                   {prefix + "InstanceType", instance_type}};
  if (!zone.empty()) p.push_back({prefix + "Placement.AvailabilityZone", zone});
  if (!launch.subnet_id.empty())
    p.push_back({prefix + "SubnetId", launch.subnet_id});
  if (!launch.key_name.empty())
    p.push_back({prefix + "KeyName", launch.key_name});
  AddList(p, prefix + "SecurityGroupId", launch.security_group_ids);
  if (!launch.iam_instance_profile.empty()) {
    const bool arn = absl::StartsWith(launch.iam_instance_profile, "arn:");
    p.push_back(
        {prefix + (arn ? "IamInstanceProfile.Arn" : "IamInstanceProfile.Name"),
         launch.iam_instance_profile});
  }
  if (!launch.user_data_file.empty()) {
    absl::StatusOr<std::string> data = internal::ReadFileToString(
        launch.user_data_file, "user data", kMaxUserDataBytes);
    if (!data.ok()) return data.status();
    p.push_back({prefix + "UserData", absl::Base64Escape(*data)});
  }
  return p;
}

namespace {

// TagSpecification.N for `resource`, the launch specification's own tags
// first so that the pool's cannot be overridden.
void AddTagSpecification(QueryParams& p, int n, const std::string& resource,
                         const std::map<std::string, std::string>& ours,
                         const std::map<std::string, std::string>& users) {
  const std::string base = absl::StrCat("TagSpecification.", n, ".");
  p.push_back({base + "ResourceType", resource});
  std::map<std::string, std::string> all = users;
  for (const auto& [key, value] : ours) all[key] = value;
  int i = 1;
  for (const auto& [key, value] : all) {
    p.push_back({absl::StrCat(base, "Tag.", i, ".Key"), key});
    p.push_back({absl::StrCat(base, "Tag.", i, ".Value"), value});
    ++i;
  }
}

std::vector<std::string> InstanceIds(const pugi::xml_document& answer,
                                     absl::Status& error) {
  std::vector<std::string> ids;
  absl::StatusOr<Page<Ec2Instance>> page = ParseInstances(answer);
  if (!page.ok()) {
    error = page.status();
    return ids;
  }
  for (const Ec2Instance& i : page->items) ids.push_back(i.id);
  return ids;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> Ec2InstanceManager::RequestSpot(
    const SpotRequestSpec& spec) {
  const std::map<std::string, std::string> tags = Tags(
      spec.idempotency_token, spec.replaces_instance_id, spec.bid_usd_per_hour);
  const std::string bid = absl::StrFormat("%.6f", spec.bid_usd_per_hour);
  if (options_.spot_path == SpotPath::kRequestSpotInstances) {
    absl::StatusOr<QueryParams> params = LaunchParams(
        spec.launch_spec, spec.instance_type, spec.availability_zone,
        spec.count, spec.idempotency_token, "LaunchSpecification.");
    if (!params.ok()) return params.status();
    params->insert(params->begin(),
                   {{"InstanceCount", absl::StrCat(spec.count)},
                    {"Type", "one-time"},
                    {"SpotPrice", bid},
                    {"ClientToken", spec.idempotency_token}});
    AddTagSpecification(*params, 1, "spot-instances-request", tags,
                        spec.launch_spec.tags);
    auto answer = ec2_.Call("RequestSpotInstances", *params);
    if (!answer.ok()) return answer.status();
    auto page = ParseSpotRequests(**answer);
    if (!page.ok()) return page.status();
    std::vector<std::string> ids;
    for (const Ec2SpotRequest& r : page->items) ids.push_back(r.id);
    return ids;
  }
  absl::StatusOr<QueryParams> params =
      LaunchParams(spec.launch_spec, spec.instance_type, spec.availability_zone,
                   spec.count, spec.idempotency_token, "");
  if (!params.ok()) return params.status();
  params->insert(params->begin(), {{"MinCount", "1"},
                                   {"MaxCount", absl::StrCat(spec.count)},
                                   {"ClientToken", spec.idempotency_token}});
  params->push_back({"InstanceMarketOptions.MarketType", "spot"});
  params->push_back(
      {"InstanceMarketOptions.SpotOptions.SpotInstanceType", "one-time"});
  if (options_.send_max_price) {
    params->push_back({"InstanceMarketOptions.SpotOptions.MaxPrice", bid});
  }
  AddTagSpecification(*params, 1, "instance", tags, spec.launch_spec.tags);
  AddTagSpecification(*params, 2, "spot-instances-request", tags,
                      spec.launch_spec.tags);
  auto answer = ec2_.Call("RunInstances", *params);
  if (!answer.ok()) return answer.status();
  absl::Status error;
  std::vector<std::string> ids = InstanceIds(**answer, error);
  if (!error.ok()) return error;
  return ids;
}

absl::StatusOr<std::vector<std::string>> Ec2InstanceManager::LaunchOnDemand(
    const OnDemandSpec& spec) {
  absl::StatusOr<QueryParams> params =
      LaunchParams(spec.launch_spec, spec.instance_type, spec.availability_zone,
                   spec.count, spec.idempotency_token, "");
  if (!params.ok()) return params.status();
  params->insert(params->begin(), {{"MinCount", "1"},
                                   {"MaxCount", absl::StrCat(spec.count)},
                                   {"ClientToken", spec.idempotency_token}});
  AddTagSpecification(*params, 1, "instance",
                      Tags(spec.idempotency_token, "", 0),
                      spec.launch_spec.tags);
  auto answer = ec2_.Call("RunInstances", *params);
  if (!answer.ok()) return answer.status();
  absl::Status error;
  std::vector<std::string> ids = InstanceIds(**answer, error);
  if (!error.ok()) return error;
  return ids;
}

absl::Status Ec2InstanceManager::CancelRequests(
    const std::vector<std::string>& ids) {
  std::vector<std::string> ours, strangers;
  for (const std::vector<std::string>& batch : Batches(ids)) {
    QueryParams filters;
    AddFilter(filters, "spot-instance-request-id", batch);
    AddFilter(filters, absl::StrCat("tag:", options_.pool_tag_key),
              {options_.pool});
    absl::StatusOr<std::vector<Ec2SpotRequest>> found =
        DescribeRequests(filters);
    if (!found.ok()) return found.status();
    absl::flat_hash_set<std::string> in_pool;
    for (const Ec2SpotRequest& r : *found) in_pool.insert(r.id);
    for (const std::string& id : batch) {
      (in_pool.contains(id) ? ours : strangers).push_back(id);
    }
  }
  for (const std::vector<std::string>& batch : Batches(ours)) {
    QueryParams params;
    AddList(params, "SpotInstanceRequestId", batch);
    auto answer = ec2_.Call("CancelSpotInstanceRequests", params);
    if (!answer.ok()) return answer.status();
  }
  if (!strangers.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("EC2: not cancelled, not requests of pool ", options_.pool,
                     ": ", absl::StrJoin(strangers, ", ")));
  }
  return absl::OkStatus();
}

absl::Status Ec2InstanceManager::Terminate(
    const std::vector<std::string>& ids) {
  std::vector<std::string> ours, strangers;
  for (const std::vector<std::string>& batch : Batches(ids)) {
    // A filter, not InstanceId.N: an id EC2 does not know fails a whole
    // InstanceId.N call, while a filter simply does not match it.
    QueryParams filters;
    AddFilter(filters, "instance-id", batch);
    AddFilter(filters, absl::StrCat("tag:", options_.pool_tag_key),
              {options_.pool});
    absl::StatusOr<std::vector<Ec2Instance>> found = DescribeInstances(filters);
    if (!found.ok()) return found.status();
    absl::flat_hash_set<std::string> in_pool;
    for (const Ec2Instance& i : *found) in_pool.insert(i.id);
    for (const std::string& id : batch) {
      (in_pool.contains(id) ? ours : strangers).push_back(id);
    }
  }
  std::vector<std::string> failed;
  absl::Status first_error;
  for (const std::vector<std::string>& batch : Batches(ours)) {
    QueryParams params;
    AddList(params, "InstanceId", batch);
    auto answer = ec2_.Call("TerminateInstances", params);
    // Gone already (NotFound) is what was asked for.
    if (answer.ok() ||
        (absl::IsNotFound(answer.status()) && batch.size() == 1)) {
      continue;
    }
    if (!absl::IsNotFound(answer.status())) return answer.status();
    // One id EC2 no longer knows fails the whole call: end the others one
    // by one.
    for (const std::string& id : batch) {
      QueryParams single;
      AddList(single, "InstanceId", {id});
      auto one = ec2_.Call("TerminateInstances", single);
      if (!one.ok() && !absl::IsNotFound(one.status())) {
        failed.push_back(id);
        if (first_error.ok()) first_error = one.status();
      }
    }
  }
  if (!failed.empty()) {
    return absl::Status(
        first_error.code(),
        absl::StrCat("EC2: not terminated: ", absl::StrJoin(failed, ", "), ": ",
                     first_error.message()));
  }
  if (!strangers.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("EC2: not terminated, not instances of pool ",
                     options_.pool, ": ", absl::StrJoin(strangers, ", ")));
  }
  return absl::OkStatus();
}

}  // namespace spotburst::ec2
