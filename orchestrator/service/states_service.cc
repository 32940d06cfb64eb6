// StatesService: construction and the state machine RPCs (Create, Describe,
// Update, Delete, List, Validate).
#include "orchestrator/service/states_service.h"

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/str_cat.h"
#include "orchestrator/asl/diagnostic.h"
#include "orchestrator/asl/substitutions.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/service/grpc_status.h"
#include "orchestrator/service/states_service_internal.h"

namespace stepwise::service {
namespace {

using internal::Error;
using internal::SetTimestamp;
using persistence::StateMachineRecord;

constexpr int kMaxDiagnostics = 100;
constexpr int kMaxTags = 50;

// The definition as stored: DefinitionSubstitutions applied, then validated
// with no placeholder left. InvalidDefinition / ValidationException otherwise.
grpc::Status PrepareDefinition(
    const std::string& definition,
    const google::protobuf::Map<std::string, std::string>& substitution_map, size_t max_bytes,
    std::string* out) {
  if (grpc::Status s =
          internal::CheckPayloadSize(definition, max_bytes, "definition", "ValidationException");
      !s.ok()) {
    return s;
  }
  asl::Substitutions substitutions(substitution_map.begin(), substitution_map.end());
  absl::StatusOr<std::string> substituted = asl::ApplySubstitutions(definition, substitutions);
  if (!substituted.ok()) {
    const auto message = substituted.status().message();
    return Error(absl::StatusCode::kInvalidArgument, "InvalidDefinition",
                 StrCat("Invalid State Machine Definition: ",
                        std::string_view(message.data(), message.size())),
                 {{"field", "definition"}});
  }
  asl::ValidationResult validation =
      asl::ValidateDefinition(*substituted, asl::ValidateOptions{.allow_placeholders = false});
  if (!validation.ok()) {
    return Error(absl::StatusCode::kInvalidArgument, "InvalidDefinition",
                 StrCat("Invalid State Machine Definition: ",
                        internal::DescribeDiagnostics(validation.diagnostics)),
                 {{"field", "definition"}});
  }
  *out = *std::move(substituted);
  return grpc::Status::OK;
}

grpc::Status CheckStateMachineArn(const std::string& arn) {
  if (!internal::IsArnOfKind(arn, "stateMachine")) return internal::InvalidArn(arn);
  return grpc::Status::OK;
}

}  // namespace

StatesService::StatesService(persistence::ExecutionStore& store, ExecutionExecutor& executor,
                             const Clock& clock, StatesServiceOptions options,
                             ExecutionWaiter* waiter)
    : store_(store),
      executor_(executor),
      clock_(clock),
      options_(std::move(options)),
      waiter_(waiter) {
  if (waiter_ == nullptr) {
    own_waiter_ = std::make_unique<ExecutionWaiter>(
        store_, ExecutionWaiterOptions{.poll_interval = options_.sync_poll_interval});
    waiter_ = own_waiter_.get();
  }
}

std::string StatesService::StateMachineArn(std::string_view name) const {
  return StrCat("arn:aws:states:", options_.region, ":", options_.account, ":stateMachine:", name);
}

grpc::Status StatesService::CreateStateMachine(const v1::CreateStateMachineRequest& request,
                                               v1::CreateStateMachineResponse* response) {
  if (grpc::Status s = internal::CheckName(request.name(), "name"); !s.ok()) return s;
  if (!v1::StateMachineType_IsValid(request.type())) {
    return internal::ValidationError(
        "type", StrCat("Unknown state machine type ", static_cast<int>(request.type())));
  }
  if (request.tags_size() > kMaxTags) {
    return Error(absl::StatusCode::kInvalidArgument, "TooManyTags",
                 StrCat("Too many tags: ", request.tags_size(), "; the limit is ", kMaxTags),
                 {{"field", "tags"}});
  }
  StateMachineRecord record;
  if (grpc::Status s = PrepareDefinition(request.definition(), request.definition_substitutions(),
                                         options_.max_definition_bytes, &record.definition);
      !s.ok()) {
    return s;
  }
  record.arn = StateMachineArn(request.name());
  record.name = request.name();
  record.type = std::string(internal::TypeName(request.type()));
  record.role_arn = request.role_arn();
  record.revision_id = internal::NewUuid();
  record.creation_date = clock_.Now();
  record.update_date = record.creation_date;
  absl::StatusOr<StateMachineRecord> created = store_.CreateStateMachine(record);
  if (created.status().code() == absl::StatusCode::kFailedPrecondition) {
    return internal::StateMachineDeleting(record.arn);
  }
  if (!created.ok()) {
    std::string_view name = created.status().code() == absl::StatusCode::kAlreadyExists
                                ? "StateMachineAlreadyExists"
                                : "";
    return ToGrpcStatus(created.status(), name, {{"resource", record.arn}});
  }
  response->set_state_machine_arn(created->arn);
  SetTimestamp(created->creation_date, response->mutable_creation_date());
  return grpc::Status::OK;
}

grpc::Status StatesService::DescribeStateMachine(const v1::DescribeStateMachineRequest& request,
                                                 v1::DescribeStateMachineResponse* response) {
  const std::string& arn = request.state_machine_arn();
  if (grpc::Status s = CheckStateMachineArn(arn); !s.ok()) return s;
  absl::StatusOr<StateMachineRecord> record = store_.GetStateMachine(arn);
  if (!record.ok()) return internal::LookupError(record.status(), "StateMachineDoesNotExist", arn);
  response->set_state_machine_arn(record->arn);
  response->set_name(record->name);
  response->set_status(record->status == persistence::StateMachineStatus::kDeleting
                           ? v1::STATE_MACHINE_STATUS_DELETING
                           : v1::STATE_MACHINE_STATUS_ACTIVE);
  if (request.included_data() != v1::INCLUDED_DATA_METADATA_ONLY) {
    response->set_definition(record->definition);
  }
  response->set_role_arn(record->role_arn);
  response->set_type(internal::TypeFromString(record->type));
  SetTimestamp(record->creation_date, response->mutable_creation_date());
  response->set_revision_id(record->revision_id);
  return grpc::Status::OK;
}

grpc::Status StatesService::UpdateStateMachine(const v1::UpdateStateMachineRequest& request,
                                               v1::UpdateStateMachineResponse* response) {
  const std::string& arn = request.state_machine_arn();
  if (grpc::Status s = CheckStateMachineArn(arn); !s.ok()) return s;
  if (!request.has_definition() && !request.has_role_arn()) {
    return Error(absl::StatusCode::kInvalidArgument, "MissingRequiredParameter",
                 "Either the definition or the roleArn must be specified",
                 {{"field", "definition"}});
  }
  if (!request.has_definition() && !request.definition_substitutions().empty()) {
    return internal::ValidationError("definition_substitutions",
                                     "definitionSubstitutions apply to a new definition only");
  }
  persistence::StateMachineUpdate update;
  update.arn = arn;
  if (request.has_definition()) {
    std::string definition;
    if (grpc::Status s = PrepareDefinition(request.definition(), request.definition_substitutions(),
                                           options_.max_definition_bytes, &definition);
        !s.ok()) {
      return s;
    }
    update.definition = std::move(definition);
  }
  if (request.has_role_arn()) {
    if (request.role_arn().empty() || request.role_arn().size() > 256) {
      return internal::ValidationError("role_arn", "roleArn must be 1 to 256 characters");
    }
    update.role_arn = request.role_arn();
  }

  absl::StatusOr<StateMachineRecord> current = store_.GetStateMachine(arn);
  if (!current.ok()) {
    return internal::LookupError(current.status(), "StateMachineDoesNotExist", arn);
  }
  if (current->status == persistence::StateMachineStatus::kDeleting) {
    return internal::StateMachineDeleting(arn);
  }
  // Nothing changes: no new revision, as AWS (the revision names a
  // definition+role pair).
  if (update.definition.value_or(current->definition) == current->definition &&
      update.role_arn.value_or(current->role_arn) == current->role_arn) {
    SetTimestamp(current->update_date, response->mutable_update_date());
    response->set_revision_id(current->revision_id);
    return grpc::Status::OK;
  }
  // Executions remember their revision id, so the running ones keep theirs.
  update.revision_id = internal::NewUuid();
  update.update_date = clock_.Now();
  absl::StatusOr<StateMachineRecord> updated = store_.UpdateStateMachine(update);
  if (!updated.ok()) {
    if (updated.status().code() == absl::StatusCode::kFailedPrecondition) {  // Deleted meanwhile.
      return internal::StateMachineDeleting(arn);
    }
    if (updated.status().code() == absl::StatusCode::kAlreadyExists) {  // Revision id reused.
      return ToGrpcStatus(absl::AbortedError(std::string(updated.status().message())),
                          "ConflictException", {{"resource", arn}});
    }
    return internal::LookupError(updated.status(), "StateMachineDoesNotExist", arn);
  }
  SetTimestamp(updated->update_date, response->mutable_update_date());
  response->set_revision_id(updated->revision_id);
  return grpc::Status::OK;
}

grpc::Status StatesService::DeleteStateMachine(const v1::DeleteStateMachineRequest& request,
                                               v1::DeleteStateMachineResponse* /*response*/) {
  const std::string& arn = request.state_machine_arn();
  if (grpc::Status s = CheckStateMachineArn(arn); !s.ok()) return s;
  // Asynchronous, as AWS: the machine is DELETING (no new executions or
  // updates: StateMachineDeleting) until none of its executions runs, then
  // gone (StateMachineDoesNotExist). Running executions finish on their
  // revision (revisions outlive the machine).
  absl::Status deleted = store_.DeleteStateMachine(arn);
  if (deleted.code() == absl::StatusCode::kNotFound) return grpc::Status::OK;  // As AWS.
  return ToGrpcStatus(deleted, "", {{"resource", arn}});
}

grpc::Status StatesService::ListStateMachines(const v1::ListStateMachinesRequest& request,
                                              v1::ListStateMachinesResponse* response) {
  absl::StatusOr<int> page_size = internal::PageSize(request.max_results());
  if (!page_size.ok()) return internal::PageSizeError(page_size.status());
  absl::StatusOr<persistence::StateMachinePage> page =
      store_.ListStateMachines(*page_size, request.next_token());
  if (!page.ok()) {
    const bool bad_token =
        page.status().code() == absl::StatusCode::kInvalidArgument && !request.next_token().empty();
    return ToGrpcStatus(page.status(), bad_token ? "InvalidToken" : "", {{"field", "next_token"}});
  }
  for (const StateMachineRecord& record : page->state_machines) {
    v1::StateMachineListItem* item = response->add_state_machines();
    item->set_state_machine_arn(record.arn);
    item->set_name(record.name);
    item->set_type(internal::TypeFromString(record.type));
    SetTimestamp(record.creation_date, item->mutable_creation_date());
  }
  response->set_next_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status StatesService::ValidateStateMachineDefinition(
    const v1::ValidateStateMachineDefinitionRequest& request,
    v1::ValidateStateMachineDefinitionResponse* response) {
  if (grpc::Status s = internal::CheckPayloadSize(
          request.definition(), options_.max_definition_bytes, "definition", "ValidationException");
      !s.ok()) {
    return s;
  }
  if (request.max_results() < 0 || request.max_results() > kMaxDiagnostics) {
    return internal::ValidationError("max_results",
                                     StrCat("maxResults must be between 0 and ", kMaxDiagnostics));
  }
  const bool include_warnings =
      request.severity() == v1::VALIDATE_STATE_MACHINE_DEFINITION_SEVERITY_WARNING;
  const int limit = request.max_results() == 0 ? kMaxDiagnostics : request.max_results();
  asl::ValidationResult validation = asl::ValidateDefinition(request.definition());
  response->set_result(validation.ok() ? v1::VALIDATE_STATE_MACHINE_DEFINITION_RESULT_CODE_OK
                                       : v1::VALIDATE_STATE_MACHINE_DEFINITION_RESULT_CODE_FAIL);
  for (const asl::Diagnostic& d : validation.diagnostics) {
    if (d.severity == asl::Severity::kWarning && !include_warnings) continue;
    if (response->diagnostics_size() >= limit) {
      response->set_truncated(true);
      break;
    }
    v1::ValidateStateMachineDefinitionDiagnostic* out = response->add_diagnostics();
    out->set_severity(d.severity == asl::Severity::kError
                          ? v1::VALIDATE_STATE_MACHINE_DEFINITION_SEVERITY_ERROR
                          : v1::VALIDATE_STATE_MACHINE_DEFINITION_SEVERITY_WARNING);
    out->set_code(std::string(asl::DiagnosticCodeName(d.code)));
    out->set_message(d.message);
    out->set_location(d.location);
  }
  return grpc::Status::OK;
}

}  // namespace stepwise::service
