// Ec2Options from their wire form, spotburst.v1.Ec2Config
// (proto/spotburst/v1/ec2.proto): spotburstd's `managed.ec2` section.
#ifndef SPOTBURST_EC2_EC2_CONFIG_H_
#define SPOTBURST_EC2_EC2_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "spotburst/ec2/ec2_cloud.h"
#include "spotburst/v1/ec2.pb.h"

namespace spotburst::ec2 {

// Unset keys keep Ec2Options' defaults; `policy_name` is tagged on every
// launch. The result is validated (ValidateEc2Options): InvalidArgument
// naming the key.
absl::StatusOr<Ec2Options> Ec2OptionsFromConfig(const v1::Ec2Config& config,
                                                std::string policy_name);

}  // namespace spotburst::ec2

#endif  // SPOTBURST_EC2_EC2_CONFIG_H_
