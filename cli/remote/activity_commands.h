// `stepwise create-activity`, describe-activity, list-activities and
// delete-activity: AWS's activity operations with the AWS CLI's flags and
// output (cli/README.md). Workers of an activity use task_commands.h.
//
//   stepwise create-activity --name ManualReview --tags key=team,value=ops
//
// Run* functions behave as in state_machine_commands.h.
#ifndef STEPWISE_CLI_REMOTE_ACTIVITY_COMMANDS_H_
#define STEPWISE_CLI_REMOTE_ACTIVITY_COMMANDS_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/remote/remote_call.h"
#include "cli/remote/states_client.h"

namespace stepwise::cli {

class RemoteCommands;

struct CreateActivityFlags {
  std::string name;
  std::vector<std::string> tags;  // JSON lists or key=K,value=V.
};
int RunCreateActivity(const CreateActivityFlags& flags, StatesClient& client, std::ostream& out,
                      std::ostream& err);

// describe-activity and delete-activity.
struct ActivityArnFlags {
  std::string activity_arn;
};
int RunDescribeActivity(const ActivityArnFlags& flags, StatesClient& client, std::ostream& out,
                        std::ostream& err);
int RunDeleteActivity(const ActivityArnFlags& flags, StatesClient& client, std::ostream& out,
                      std::ostream& err);

struct ListActivitiesFlags {
  PageFlags page;
};
int RunListActivities(const ListActivitiesFlags& flags, StatesClient& client, std::ostream& out,
                      std::ostream& err);

// Registers the commands above.
void AddActivityCommands(RemoteCommands& commands);

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_REMOTE_ACTIVITY_COMMANDS_H_
