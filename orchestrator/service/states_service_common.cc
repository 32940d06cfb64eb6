// The helpers of states_service_internal.h.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/str_cat.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/service/grpc_status.h"
#include "orchestrator/service/states_service_internal.h"

namespace stepwise::service::internal {

grpc::Status Error(absl::StatusCode code, std::string_view exception_name, std::string_view text,
                   const std::map<std::string, std::string>& metadata) {
  return ToGrpcStatus(absl::Status(code, std::string(text)), exception_name, metadata);
}

grpc::Status InvalidArn(std::string_view arn) {
  return Error(absl::StatusCode::kInvalidArgument, "InvalidArn", StrCat("Invalid Arn: '", arn, "'"),
               {{"resource", std::string(arn)}});
}

grpc::Status ValidationError(std::string_view field, std::string_view text) {
  return Error(absl::StatusCode::kInvalidArgument, "ValidationException", text,
               {{"field", std::string(field)}});
}

bool IsArnOfKind(std::string_view arn, std::string_view kind) {
  constexpr std::string_view kPrefix = "arn:aws:states:";
  if (!arn.starts_with(kPrefix)) return false;
  std::string_view rest = arn.substr(kPrefix.size());
  for (int i = 0; i < 2; ++i) {  // REGION:ACCOUNT:
    size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return false;
    rest.remove_prefix(colon + 1);
  }
  return rest.starts_with(kind) && rest.size() > kind.size() + 1 && rest[kind.size()] == ':';
}

bool IsExecutionArn(std::string_view arn) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (parts.size() < 10) {
    const size_t colon = arn.find(':', start);
    parts.push_back(arn.substr(start, colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  const bool standard = parts.size() == 8 && parts[5] == "execution";
  const bool express = parts.size() == 9 && parts[5] == "express";
  if (!standard && !express) return false;
  if (parts[0] != "arn" || parts[1] != "aws" || parts[2] != "states") return false;
  return std::none_of(parts.begin() + 6, parts.end(),
                      [](std::string_view part) { return part.empty(); });
}

grpc::Status StateMachineDeleting(std::string_view state_machine_arn) {
  return Error(absl::StatusCode::kFailedPrecondition, "StateMachineDeleting",
               StrCat("State Machine is being deleted: '", state_machine_arn, "'"),
               {{"resource", std::string(state_machine_arn)}});
}

absl::StatusOr<int> PageSize(int32_t max_results) {
  constexpr int kDefaultPageSize = 100;
  constexpr int kMaxPageSize = 1000;
  if (max_results == 0) return kDefaultPageSize;
  if (max_results < 0 || max_results > kMaxPageSize) {
    return absl::InvalidArgumentError(StrCat("Value '", max_results,
                                             "' at 'maxResults' failed to satisfy constraint: "
                                             "Member must be between 0 and ",
                                             kMaxPageSize));
  }
  return static_cast<int>(max_results);
}

grpc::Status PageSizeError(const absl::Status& status) {
  return ValidationError("max_results",
                         std::string_view(status.message().data(), status.message().size()));
}

grpc::Status CheckName(std::string_view name, std::string_view field) {
  std::vector<asl::Diagnostic> problems = asl::ValidateStateMachineName(name);
  if (problems.empty()) return grpc::Status::OK;
  return Error(absl::StatusCode::kInvalidArgument, "InvalidName",
               StrCat("Invalid Name: '", name, "': ", problems.front().message),
               {{"field", std::string(field)}});
}

grpc::Status CheckPayloadSize(std::string_view payload, size_t max_bytes, std::string_view field,
                              std::string_view exception_name) {
  if (payload.size() <= max_bytes) return grpc::Status::OK;
  return Error(
      absl::StatusCode::kInvalidArgument, exception_name,
      StrCat("'", field, "' is ", payload.size(), " bytes; the limit is ", max_bytes, " bytes"),
      {{"field", std::string(field)}});
}

grpc::Status CheckTextLength(std::string_view text, size_t max_chars, std::string_view field) {
  if (text.size() <= max_chars) return grpc::Status::OK;  // Never more characters than bytes.
  // UTF-8 continuation bytes (10xxxxxx) do not start a character.
  const size_t chars = static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
  if (chars <= max_chars) return grpc::Status::OK;
  return ValidationError(
      field, StrCat("'", field, "' has ", chars, " characters; the limit is ", max_chars));
}

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t seconds = absl::ToUnixSeconds(time);
  out->set_seconds(seconds);
  out->set_nanos(
      static_cast<int32_t>((time - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
}

std::string NewUuid() {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  uint64_t hi = engine();
  uint64_t lo = engine();
  hi = (hi & ~uint64_t{0xF000}) | uint64_t{0x4000};
  lo = (lo & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);
  char buffer[37];
  std::snprintf(buffer, sizeof(buffer), "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xFFFF),
                static_cast<unsigned>(hi & 0xFFFF), static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
  return buffer;
}

std::string DescribeDiagnostics(const std::vector<asl::Diagnostic>& diagnostics) {
  std::string text;
  for (const asl::Diagnostic& d : diagnostics) {
    if (d.severity != asl::Severity::kError) continue;
    if (!text.empty()) text.append(", ");
    text.append(StrCat("'", asl::DiagnosticCodeName(d.code), ": ", d.message));
    if (!d.location.empty()) text.append(StrCat(" at ", d.location));
    text.append("'");
  }
  return text;
}

v1::ExecutionStatus ToProto(persistence::ExecutionStatus status) {
  switch (status) {
    case persistence::ExecutionStatus::kRunning:
      return v1::EXECUTION_STATUS_RUNNING;
    case persistence::ExecutionStatus::kSucceeded:
      return v1::EXECUTION_STATUS_SUCCEEDED;
    case persistence::ExecutionStatus::kFailed:
      return v1::EXECUTION_STATUS_FAILED;
    case persistence::ExecutionStatus::kTimedOut:
      return v1::EXECUTION_STATUS_TIMED_OUT;
    case persistence::ExecutionStatus::kAborted:
      return v1::EXECUTION_STATUS_ABORTED;
  }
  return v1::EXECUTION_STATUS_UNSPECIFIED;
}

absl::StatusOr<std::optional<persistence::ExecutionStatus>> StatusFilter(
    v1::ExecutionStatus status) {
  switch (status) {
    case v1::EXECUTION_STATUS_UNSPECIFIED:
      return std::nullopt;
    case v1::EXECUTION_STATUS_RUNNING:
      return persistence::ExecutionStatus::kRunning;
    case v1::EXECUTION_STATUS_SUCCEEDED:
      return persistence::ExecutionStatus::kSucceeded;
    case v1::EXECUTION_STATUS_FAILED:
      return persistence::ExecutionStatus::kFailed;
    case v1::EXECUTION_STATUS_TIMED_OUT:
      return persistence::ExecutionStatus::kTimedOut;
    case v1::EXECUTION_STATUS_ABORTED:
      return persistence::ExecutionStatus::kAborted;
    default:
      break;
  }
  return absl::InvalidArgumentError(StrCat("no stored status for ", static_cast<int>(status)));
}

v1::StateMachineType TypeFromString(std::string_view type) {
  return type == "EXPRESS" ? v1::STATE_MACHINE_TYPE_EXPRESS : v1::STATE_MACHINE_TYPE_STANDARD;
}

std::string_view TypeName(v1::StateMachineType type) {
  return type == v1::STATE_MACHINE_TYPE_EXPRESS ? "EXPRESS" : "STANDARD";
}

grpc::Status LookupError(const absl::Status& status, std::string_view not_found_name,
                         std::string_view resource) {
  std::string_view name = status.code() == absl::StatusCode::kNotFound ? not_found_name : "";
  return ToGrpcStatus(status, name, {{"resource", std::string(resource)}});
}

}  // namespace stepwise::service::internal
