// ControllerService's messages as the daemon commands print them for
// people: a decision as one line, a status as a short report.
#ifndef SPOTBURST_CLI_DAEMON_CONTROLLER_TEXT_H_
#define SPOTBURST_CLI_DAEMON_CONTROLLER_TEXT_H_

#include <string>

#include "spotburst/v1/controller_service.pb.h"

namespace spotburst::cli {

// "request-spot 1, terminate-instance 2", by kind in the order of the
// ActionKind enum; "no actions" for none.
std::string ActionsByKind(const v1::Plan& plan);

// "2021-04-06T14:00:00Z m-...-1 running=0 pending=0 desired=1: request-spot
// 1 (applied)": the evaluation time, the decision id, the plan's instances
// and actions, and whether it was applied (or made paused, in dry run).
std::string DecisionLine(const v1::Decision& decision);

// Everything GetStatus says that a person needs, one topic a line, then
// the last plan as PlanToText prints it.
std::string StatusText(const std::string& target,
                       const v1::ControllerStatus& status);

}  // namespace spotburst::cli

#endif  // SPOTBURST_CLI_DAEMON_CONTROLLER_TEXT_H_
