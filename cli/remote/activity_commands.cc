#include "cli/remote/activity_commands.h"

#include <memory>
#include <string>
#include <vector>

#include "CLI/App.hpp"
#include "absl/status/statusor.h"
#include "cli/remote/remote_commands.h"
#include "cli/remote/remote_input.h"

namespace stepwise::cli {
namespace {

using Stub = v1::States::StubInterface;

}  // namespace

int RunCreateActivity(const CreateActivityFlags& flags, StatesClient& client, std::ostream& out,
                      std::ostream& err) {
  v1::CreateActivityRequest request;
  request.set_name(flags.name);
  absl::StatusOr<std::vector<v1::Tag>> tags = ParseTags(flags.tags);
  if (!tags.ok()) return BadParameter(err, "--tags", tags.status());
  for (v1::Tag& tag : *tags) *request.add_tags() = std::move(tag);
  return CallAndPrint(client, &Stub::CreateActivity, request, out, err);
}

int RunDescribeActivity(const ActivityArnFlags& flags, StatesClient& client, std::ostream& out,
                        std::ostream& err) {
  v1::DescribeActivityRequest request;
  request.set_activity_arn(flags.activity_arn);
  return CallAndPrint(client, &Stub::DescribeActivity, request, out, err);
}

int RunDeleteActivity(const ActivityArnFlags& flags, StatesClient& client, std::ostream& out,
                      std::ostream& err) {
  v1::DeleteActivityRequest request;
  request.set_activity_arn(flags.activity_arn);
  return CallAndPrint(client, &Stub::DeleteActivity, request, out, err);
}

int RunListActivities(const ListActivitiesFlags& flags, StatesClient& client, std::ostream& out,
                      std::ostream& err) {
  return CallAndPrintPaged(client, &Stub::ListActivities, v1::ListActivitiesRequest(), flags.page,
                           out, err);
}

void AddActivityCommands(RemoteCommands& commands) {
  {
    auto flags = std::make_shared<CreateActivityFlags>();
    CLI::App* c = commands.Add("create-activity", "Creates an activity (a task queue for workers)",
                               BindFlags(flags, RunCreateActivity));
    c->add_option("--name", flags->name, "The activity's name")->required();
    c->add_option("--tags", flags->tags,
                  "Tags: '[{\"key\":\"K\",\"value\":\"V\"}]' or key=K,value=V ...");
  }
  {
    auto flags = std::make_shared<ActivityArnFlags>();
    CLI::App* c = commands.Add("describe-activity", "Describes an activity",
                               BindFlags(flags, RunDescribeActivity));
    c->add_option("--activity-arn", flags->activity_arn, "The activity")->required();
  }
  {
    auto flags = std::make_shared<ListActivitiesFlags>();
    CLI::App* c = commands.Add("list-activities", "Lists the activities",
                               BindFlags(flags, RunListActivities));
    AddPageFlags(*c, flags->page);
  }
  {
    auto flags = std::make_shared<ActivityArnFlags>();
    CLI::App* c =
        commands.Add("delete-activity", "Deletes an activity", BindFlags(flags, RunDeleteActivity));
    c->add_option("--activity-arn", flags->activity_arn, "The activity")->required();
  }
}

}  // namespace stepwise::cli
