// Reading EC2's XML answers.
#include "ec2_xml.h"

#include <cmath>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace spotburst::ec2 {
namespace {

absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

// Where a bad field is: "DescribeInstances: instancesSet item 3:
// launchTime".
absl::Status Bad(const pugi::xml_document& answer, std::string_view where,
                 int index, std::string_view element, std::string_view what) {
  return absl::DataLossError(absl::StrCat(answer.document_element().name(),
                                          ": ", Sv(where), " item ", index + 1,
                                          ": ", Sv(element), ": ", Sv(what)));
}

std::string Text(const pugi::xml_node& node, const char* child) {
  return node.child(child).text().as_string();
}

absl::StatusOr<std::string> Required(const pugi::xml_document& answer,
                                     std::string_view where, int index,
                                     const pugi::xml_node& node,
                                     const char* child) {
  std::string value = Text(node, child);
  if (value.empty()) return Bad(answer, where, index, child, "missing");
  return value;
}

absl::StatusOr<double> Price(const pugi::xml_document& answer,
                             std::string_view where, int index,
                             const pugi::xml_node& node, const char* child) {
  const std::string text = Text(node, child);
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || !std::isfinite(value) || value < 0) {
    return Bad(answer, where, index, child,
               absl::StrCat("\"", text.substr(0, 32), "\" is not a price"));
  }
  return value;
}

absl::StatusOr<absl::Time> Time(const pugi::xml_document& answer,
                                std::string_view where, int index,
                                const pugi::xml_node& node, const char* child,
                                bool required) {
  const std::string text = Text(node, child);
  if (text.empty() && !required) return absl::InfinitePast();
  absl::StatusOr<absl::Time> time = ParseEc2Time(text);
  if (!time.ok()) {
    return Bad(answer, where, index, child,
               absl::StrCat("\"", text.substr(0, 40), "\" is not a time"));
  }
  return time;
}

std::map<std::string, std::string> Tags(const pugi::xml_node& node) {
  std::map<std::string, std::string> tags;
  for (const pugi::xml_node& item : node.child("tagSet").children("item")) {
    tags[Text(item, "key")] = Text(item, "value");
  }
  return tags;
}

std::string NextToken(const pugi::xml_document& answer) {
  return Text(answer.document_element(), "nextToken");
}

absl::StatusOr<Ec2Instance> ReadInstance(const pugi::xml_document& answer,
                                         int index, const pugi::xml_node& i) {
  constexpr std::string_view kWhere = "instancesSet";
  Ec2Instance out;
  absl::StatusOr<std::string> id =
      Required(answer, kWhere, index, i, "instanceId");
  if (!id.ok()) return id.status();
  out.id = *std::move(id);
  out.instance_type = Text(i, "instanceType");
  out.availability_zone =
      i.child("placement").child("availabilityZone").text().as_string();
  out.state = i.child("instanceState").child("name").text().as_string();
  if (out.state.empty()) {
    return Bad(answer, kWhere, index, "instanceState/name", "missing");
  }
  out.spot = Text(i, "instanceLifecycle") == "spot";
  absl::StatusOr<absl::Time> launched =
      Time(answer, kWhere, index, i, "launchTime", true);
  if (!launched.ok()) return launched.status();
  out.launch_time = *launched;
  out.spot_request_id = Text(i, "spotInstanceRequestId");
  out.client_token = Text(i, "clientToken");
  out.state_reason = i.child("stateReason").child("code").text().as_string();
  out.tags = Tags(i);
  return out;
}

}  // namespace

absl::StatusOr<absl::Time> ParseEc2Time(std::string_view text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, Sv(text), &time, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", Sv(text.substr(0, 40)), "\" is not a time"));
  }
  return time;
}

std::string FormatEc2Time(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

absl::StatusOr<Page<Ec2PricePoint>> ParsePriceHistory(
    const pugi::xml_document& answer) {
  constexpr std::string_view kWhere = "spotPriceHistorySet";
  Page<Ec2PricePoint> page;
  int index = 0;
  for (const pugi::xml_node& item : answer.document_element()
                                        .child("spotPriceHistorySet")
                                        .children("item")) {
    Ec2PricePoint point;
    for (auto [field, child] :
         {std::pair{&point.instance_type, "instanceType"},
          std::pair{&point.availability_zone, "availabilityZone"},
          std::pair{&point.product, "productDescription"}}) {
      absl::StatusOr<std::string> value =
          Required(answer, kWhere, index, item, child);
      if (!value.ok()) return value.status();
      *field = *std::move(value);
    }
    absl::StatusOr<double> price =
        Price(answer, kWhere, index, item, "spotPrice");
    if (!price.ok()) return price.status();
    point.usd_per_hour = *price;
    absl::StatusOr<absl::Time> time =
        Time(answer, kWhere, index, item, "timestamp", true);
    if (!time.ok()) return time.status();
    point.time = *time;
    page.items.push_back(std::move(point));
    ++index;
  }
  page.next_token = NextToken(answer);
  return page;
}

absl::StatusOr<Page<Ec2Instance>> ParseInstances(
    const pugi::xml_document& answer) {
  Page<Ec2Instance> page;
  const pugi::xml_node root = answer.document_element();
  std::vector<pugi::xml_node> sets;
  if (root.child("reservationSet")) {
    for (const pugi::xml_node& reservation :
         root.child("reservationSet").children("item")) {
      sets.push_back(reservation.child("instancesSet"));
    }
  } else {
    sets.push_back(root.child("instancesSet"));
  }
  int index = 0;
  for (const pugi::xml_node& set : sets) {
    for (const pugi::xml_node& item : set.children("item")) {
      absl::StatusOr<Ec2Instance> instance = ReadInstance(answer, index, item);
      if (!instance.ok()) return instance.status();
      page.items.push_back(*std::move(instance));
      ++index;
    }
  }
  page.next_token = NextToken(answer);
  return page;
}

absl::StatusOr<Page<Ec2SpotRequest>> ParseSpotRequests(
    const pugi::xml_document& answer) {
  constexpr std::string_view kWhere = "spotInstanceRequestSet";
  Page<Ec2SpotRequest> page;
  int index = 0;
  for (const pugi::xml_node& item : answer.document_element()
                                        .child("spotInstanceRequestSet")
                                        .children("item")) {
    Ec2SpotRequest r;
    absl::StatusOr<std::string> id =
        Required(answer, kWhere, index, item, "spotInstanceRequestId");
    if (!id.ok()) return id.status();
    r.id = *std::move(id);
    absl::StatusOr<std::string> state =
        Required(answer, kWhere, index, item, "state");
    if (!state.ok()) return state.status();
    r.state = *std::move(state);
    r.status_code = item.child("status").child("code").text().as_string();
    const std::string status_time =
        item.child("status").child("updateTime").text().as_string();
    if (!status_time.empty()) {
      absl::StatusOr<absl::Time> t = ParseEc2Time(status_time);
      if (!t.ok()) {
        return Bad(
            answer, kWhere, index, "status/updateTime",
            absl::StrCat("\"", status_time.substr(0, 40), "\" is not a time"));
      }
      r.status_time = *t;
    }
    if (item.child("spotPrice")) {
      absl::StatusOr<double> price =
          Price(answer, kWhere, index, item, "spotPrice");
      if (!price.ok()) return price.status();
      r.spot_price = *price;
    }
    absl::StatusOr<absl::Time> created =
        Time(answer, kWhere, index, item, "createTime", false);
    if (!created.ok()) return created.status();
    r.create_time = *created;
    r.instance_id = Text(item, "instanceId");
    const pugi::xml_node spec = item.child("launchSpecification");
    r.instance_type = Text(spec, "instanceType");
    r.availability_zone = Text(item, "launchedAvailabilityZone");
    if (r.availability_zone.empty()) {
      r.availability_zone =
          spec.child("placement").child("availabilityZone").text().as_string();
    }
    r.tags = Tags(item);
    page.items.push_back(std::move(r));
    ++index;
  }
  page.next_token = NextToken(answer);
  return page;
}

}  // namespace spotburst::ec2
