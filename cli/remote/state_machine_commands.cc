#include "cli/remote/state_machine_commands.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "CLI/App.hpp"
#include "CLI/Validators.hpp"
#include "absl/status/statusor.h"
#include "cli/remote/remote_commands.h"
#include "cli/remote/remote_input.h"

namespace stepwise::cli {
namespace {

using Stub = v1::States::StubInterface;

// Loads --definition-substitutions into `map`; false after printing why.
bool LoadSubstitutionsInto(const std::string& value,
                           google::protobuf::Map<std::string, std::string>* map,
                           std::ostream& err) {
  if (value.empty()) return true;
  absl::StatusOr<std::map<std::string, std::string>> substitutions = LoadSubstitutions(value);
  if (!substitutions.ok()) {
    BadParameter(err, "--definition-substitutions", substitutions.status());
    return false;
  }
  map->insert(substitutions->begin(), substitutions->end());
  return true;
}

}  // namespace

int RunCreateStateMachine(const CreateStateMachineFlags& flags, StatesClient& client,
                          std::ostream& out, std::ostream& err) {
  v1::CreateStateMachineRequest request;
  request.set_name(flags.name);
  absl::StatusOr<std::string> definition = LoadParam(flags.definition);
  if (!definition.ok()) return BadParameter(err, "--definition", definition.status());
  request.set_definition(*definition);
  request.set_role_arn(flags.role_arn);
  absl::StatusOr<int> type = ParseEnumParam(*v1::StateMachineType_descriptor(), flags.type);
  if (!type.ok()) return BadParameter(err, "--type", type.status());
  request.set_type(static_cast<v1::StateMachineType>(*type));
  if (!LoadSubstitutionsInto(flags.definition_substitutions,
                             request.mutable_definition_substitutions(), err)) {
    return kRemoteExitUsage;
  }
  absl::StatusOr<std::vector<v1::Tag>> tags = ParseTags(flags.tags);
  if (!tags.ok()) return BadParameter(err, "--tags", tags.status());
  for (v1::Tag& tag : *tags) *request.add_tags() = std::move(tag);
  return CallAndPrint(client, &Stub::CreateStateMachine, request, out, err);
}

int RunUpdateStateMachine(const UpdateStateMachineFlags& flags, StatesClient& client,
                          std::ostream& out, std::ostream& err) {
  v1::UpdateStateMachineRequest request;
  request.set_state_machine_arn(flags.state_machine_arn);
  if (!flags.definition.empty()) {
    absl::StatusOr<std::string> definition = LoadParam(flags.definition);
    if (!definition.ok()) return BadParameter(err, "--definition", definition.status());
    request.set_definition(*definition);
  }
  if (!flags.role_arn.empty()) request.set_role_arn(flags.role_arn);
  if (!LoadSubstitutionsInto(flags.definition_substitutions,
                             request.mutable_definition_substitutions(), err)) {
    return kRemoteExitUsage;
  }
  return CallAndPrint(client, &Stub::UpdateStateMachine, request, out, err);
}

int RunDescribeStateMachine(const DescribeStateMachineFlags& flags, StatesClient& client,
                            std::ostream& out, std::ostream& err) {
  v1::DescribeStateMachineRequest request;
  request.set_state_machine_arn(flags.state_machine_arn);
  absl::StatusOr<int> included =
      ParseEnumParam(*v1::IncludedData_descriptor(), flags.included_data);
  if (!included.ok()) return BadParameter(err, "--included-data", included.status());
  request.set_included_data(static_cast<v1::IncludedData>(*included));
  return CallAndPrint(client, &Stub::DescribeStateMachine, request, out, err);
}

int RunListStateMachines(const ListStateMachinesFlags& flags, StatesClient& client,
                         std::ostream& out, std::ostream& err) {
  return CallAndPrintPaged(client, &Stub::ListStateMachines, v1::ListStateMachinesRequest(),
                           flags.page, out, err);
}

int RunDeleteStateMachine(const DeleteStateMachineFlags& flags, StatesClient& client,
                          std::ostream& out, std::ostream& err) {
  v1::DeleteStateMachineRequest request;
  request.set_state_machine_arn(flags.state_machine_arn);
  return CallAndPrint(client, &Stub::DeleteStateMachine, request, out, err);
}

int RunValidateStateMachineDefinition(const ValidateStateMachineDefinitionFlags& flags,
                                      StatesClient& client, std::ostream& out, std::ostream& err) {
  v1::ValidateStateMachineDefinitionRequest request;
  absl::StatusOr<std::string> definition = LoadParam(flags.definition);
  if (!definition.ok()) return BadParameter(err, "--definition", definition.status());
  request.set_definition(*definition);
  absl::StatusOr<int> type = ParseEnumParam(*v1::StateMachineType_descriptor(), flags.type);
  if (!type.ok()) return BadParameter(err, "--type", type.status());
  request.set_type(static_cast<v1::StateMachineType>(*type));
  absl::StatusOr<int> severity =
      ParseEnumParam(*v1::ValidateStateMachineDefinitionSeverity_descriptor(), flags.severity);
  if (!severity.ok()) return BadParameter(err, "--severity", severity.status());
  request.set_severity(static_cast<v1::ValidateStateMachineDefinitionSeverity>(*severity));
  request.set_max_results(flags.max_results);
  return CallAndPrint(client, &Stub::ValidateStateMachineDefinition, request, out, err);
}

void AddStateMachineCommands(RemoteCommands& commands) {
  const std::string kText = " (text or file://PATH)";
  {
    auto flags = std::make_shared<CreateStateMachineFlags>();
    CLI::App* c = commands.Add("create-state-machine", "Creates a state machine",
                               BindFlags(flags, RunCreateStateMachine));
    c->add_option("--name", flags->name, "The state machine's name")->required();
    c->add_option("--definition", flags->definition, "The ASL definition" + kText)->required();
    c->add_option("--role-arn", flags->role_arn,
                  "Stored and returned; Stepwise makes no AWS calls");
    AddEnumOption(*c, "--type", flags->type, *v1::StateMachineType_descriptor(),
                  "STANDARD (default) or EXPRESS");
    c->add_option("--definition-substitutions", flags->definition_substitutions,
                  "JSON object of ${Placeholder} values" + kText);
    c->add_option("--tags", flags->tags,
                  "Tags: '[{\"key\":\"K\",\"value\":\"V\"}]' or key=K,value=V ...");
  }
  {
    auto flags = std::make_shared<UpdateStateMachineFlags>();
    CLI::App* c =
        commands.Add("update-state-machine", "Changes a state machine's definition and/or role",
                     BindFlags(flags, RunUpdateStateMachine));
    c->add_option("--state-machine-arn", flags->state_machine_arn, "The state machine")->required();
    c->add_option("--definition", flags->definition, "The new ASL definition" + kText);
    c->add_option("--role-arn", flags->role_arn, "The new role ARN");
    c->add_option("--definition-substitutions", flags->definition_substitutions,
                  "JSON object of ${Placeholder} values for the new definition" + kText);
  }
  {
    auto flags = std::make_shared<DescribeStateMachineFlags>();
    CLI::App* c = commands.Add("describe-state-machine", "Describes a state machine",
                               BindFlags(flags, RunDescribeStateMachine));
    c->add_option("--state-machine-arn", flags->state_machine_arn, "The state machine")->required();
    AddEnumOption(*c, "--included-data", flags->included_data, *v1::IncludedData_descriptor(),
                  "ALL_DATA (default) or METADATA_ONLY (no definition)");
  }
  {
    auto flags = std::make_shared<ListStateMachinesFlags>();
    CLI::App* c = commands.Add("list-state-machines", "Lists the state machines",
                               BindFlags(flags, RunListStateMachines));
    AddPageFlags(*c, flags->page);
  }
  {
    auto flags = std::make_shared<DeleteStateMachineFlags>();
    CLI::App* c =
        commands.Add("delete-state-machine", "Deletes a state machine once its executions end",
                     BindFlags(flags, RunDeleteStateMachine));
    c->add_option("--state-machine-arn", flags->state_machine_arn, "The state machine")->required();
  }
  {
    auto flags = std::make_shared<ValidateStateMachineDefinitionFlags>();
    CLI::App* c = commands.Add("validate-state-machine-definition",
                               "Validates a definition on the orchestrator (no state machine "
                               "is created; see also `stepwise validate`)",
                               BindFlags(flags, RunValidateStateMachineDefinition));
    c->add_option("--definition", flags->definition, "The ASL definition" + kText)->required();
    AddEnumOption(*c, "--type", flags->type, *v1::StateMachineType_descriptor(),
                  "STANDARD (default) or EXPRESS");
    AddEnumOption(*c, "--severity", flags->severity,
                  *v1::ValidateStateMachineDefinitionSeverity_descriptor(),
                  "Lowest severity reported: ERROR (default) or WARNING");
    c->add_option("--max-results", flags->max_results, "At most this many diagnostics")
        ->check(CLI::Range(1, 100));
  }
}

}  // namespace stepwise::cli
