// Reading EC2's answers: price history, instances and spot requests.
//
// EC2 lists items as <xxxSet><item>...</item></xxxSet> in any element
// order, with optional fields simply missing; prices are decimal strings
// ("0.031200") and times RFC 3339 with milliseconds. A field the adapter
// needs that is missing or malformed is DataLoss naming the action, the
// item and the element; unknown elements are ignored.
#ifndef SPOTBURST_EC2_EC2_XML_H_
#define SPOTBURST_EC2_EC2_XML_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pugixml.hpp"

namespace spotburst::ec2 {

struct Ec2PricePoint {
  std::string instance_type;
  std::string availability_zone;
  std::string product;
  double usd_per_hour = 0;
  absl::Time time;
};

struct Ec2Instance {
  std::string id;
  std::string instance_type;
  std::string availability_zone;
  std::string state;  // pending, running, shutting-down, terminated, ...
  bool spot = false;  // instanceLifecycle "spot"
  absl::Time launch_time = absl::InfinitePast();
  std::string spot_request_id;
  std::string client_token;
  std::string state_reason;  // "Server.SpotInstanceTermination", ...
  std::map<std::string, std::string> tags;
};

struct Ec2SpotRequest {
  std::string id;
  std::string state;        // open, active, closed, cancelled, failed, ...
  std::string status_code;  // pending-evaluation, fulfilled, ...
  absl::Time status_time = absl::InfinitePast();  // status/updateTime
  double spot_price = 0;
  absl::Time create_time = absl::InfinitePast();
  std::string instance_id;
  std::string instance_type;      // launchSpecification/instanceType
  std::string availability_zone;  // launched, else the requested one
  std::map<std::string, std::string> tags;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_token;  // empty on the last page
};

// DescribeSpotPriceHistory.
absl::StatusOr<Page<Ec2PricePoint>> ParsePriceHistory(
    const pugi::xml_document& answer);
// DescribeInstances (reservationSet) and RunInstances (instancesSet).
absl::StatusOr<Page<Ec2Instance>> ParseInstances(
    const pugi::xml_document& answer);
// DescribeSpotInstanceRequests and RequestSpotInstances.
absl::StatusOr<Page<Ec2SpotRequest>> ParseSpotRequests(
    const pugi::xml_document& answer);

// "2024-05-02T09:16:40.000Z" -> absl::Time; the format EC2 sends parameters
// in ("2024-05-02T09:16:40Z").
absl::StatusOr<absl::Time> ParseEc2Time(std::string_view text);
std::string FormatEc2Time(absl::Time time);

}  // namespace spotburst::ec2

#endif  // SPOTBURST_EC2_EC2_XML_H_
