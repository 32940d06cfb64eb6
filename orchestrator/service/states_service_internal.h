// Helpers shared by the files that implement StatesService (states_service*.cc):
// error construction with AWS exception names, ARN checks, request limits,
// proto conversions. Internal to orchestrator/service; not a public API.
//
//   if (!IsExecutionArn(arn)) return InvalidArn(arn);
//   if (grpc::Status s = CheckPayload(input, limit, "input", "InvalidExecutionInput"); !s.ok())
//     return s;
#ifndef STEPWISE_ORCHESTRATOR_SERVICE_STATES_SERVICE_INTERNAL_H_
#define STEPWISE_ORCHESTRATOR_SERVICE_STATES_SERVICE_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "grpcpp/support/status.h"
#include "orchestrator/asl/diagnostic.h"
#include "persistence/records.h"
#include "stepwise/v1/states.pb.h"

namespace stepwise::service::internal {

// AWS's limits on free-text error fields (StopExecution, SendTaskFailure).
inline constexpr size_t kMaxErrorChars = 256;
inline constexpr size_t kMaxCauseChars = 32768;

// A failure with an explicit AWS exception name (see grpc_status.h).
grpc::Status Error(absl::StatusCode code, std::string_view exception_name, std::string_view text,
                   const std::map<std::string, std::string>& metadata = {});

// InvalidArn (INVALID_ARGUMENT) naming the ARN.
grpc::Status InvalidArn(std::string_view arn);

// ValidationException (INVALID_ARGUMENT) with metadata["field"] = field.
grpc::Status ValidationError(std::string_view field, std::string_view text);

// arn:aws:states:REGION:ACCOUNT:KIND:NAME[:...] with a non-empty NAME.
bool IsArnOfKind(std::string_view arn, std::string_view kind);

// An execution ARN in either of AWS's forms, every part non-empty:
//   arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME     (STANDARD)
//   arn:aws:states:REGION:ACCOUNT:express:MACHINE:NAME:UUID  (EXPRESS)
// Names cannot contain ':', so the parts are exact.
bool IsExecutionArn(std::string_view arn);

// StateMachineDeleting (FAILED_PRECONDITION) naming the state machine.
grpc::Status StateMachineDeleting(std::string_view state_machine_arn);

// The page size of a List*/GetExecutionHistory request: 0 means 100; 1..1000
// as given; anything else is ValidationException naming max_results.
absl::StatusOr<int> PageSize(int32_t max_results);
grpc::Status PageSizeError(const absl::Status& status);

// InvalidName (INVALID_ARGUMENT) when `name` breaks the naming rules.
grpc::Status CheckName(std::string_view name, std::string_view field);

// `exception_name` (INVALID_ARGUMENT, metadata field) when `payload` is longer
// than `max_bytes` bytes (AWS counts payloads in UTF-8 bytes).
grpc::Status CheckPayloadSize(std::string_view payload, size_t max_bytes, std::string_view field,
                              std::string_view exception_name);

// ValidationException when `text` has more than `max_chars` characters
// (Unicode code points of the UTF-8 text, as AWS counts string lengths).
grpc::Status CheckTextLength(std::string_view text, size_t max_chars, std::string_view field);

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* out);

// A random (version 4) UUID.
std::string NewUuid();

// "'CODE: message at /location', ..." for the error diagnostics.
std::string DescribeDiagnostics(const std::vector<asl::Diagnostic>& diagnostics);

v1::ExecutionStatus ToProto(persistence::ExecutionStatus status);
// The store's status for a ListExecutions filter: nullopt for UNSPECIFIED;
// kInvalidArgument for PENDING_REDRIVE (no stored counterpart: the caller
// answers with an empty list) and values outside the enum.
absl::StatusOr<std::optional<persistence::ExecutionStatus>> StatusFilter(
    v1::ExecutionStatus status);

// "STANDARD" / "EXPRESS" (the stored spelling) and back.
v1::StateMachineType TypeFromString(std::string_view type);
std::string_view TypeName(v1::StateMachineType type);

// The exception for a failed lookup of an existing resource: `not_found_name`
// for kNotFound, otherwise the default for the code (ServiceUnavailable,
// InternalFailure, ...). metadata["resource"] = resource.
grpc::Status LookupError(const absl::Status& status, std::string_view not_found_name,
                         std::string_view resource);

}  // namespace stepwise::service::internal

#endif  // STEPWISE_ORCHESTRATOR_SERVICE_STATES_SERVICE_INTERNAL_H_
