#include "persistence/records.h"

#include <array>
#include <utility>

#include "absl/status/status.h"
#include "common/str_cat.h"

namespace stepwise::persistence {
namespace {

constexpr std::array<std::pair<ExecutionStatus, std::string_view>, 5> kExecutionStatusNames = {{
    {ExecutionStatus::kRunning, "RUNNING"},
    {ExecutionStatus::kSucceeded, "SUCCEEDED"},
    {ExecutionStatus::kFailed, "FAILED"},
    {ExecutionStatus::kTimedOut, "TIMED_OUT"},
    {ExecutionStatus::kAborted, "ABORTED"},
}};

constexpr std::array<std::pair<TaskStatus, std::string_view>, 6> kTaskStatusNames = {{
    {TaskStatus::kPending, "PENDING"},
    {TaskStatus::kClaimed, "CLAIMED"},
    {TaskStatus::kCompleted, "COMPLETED"},
    {TaskStatus::kCancelled, "CANCELLED"},
    {TaskStatus::kTimedOut, "TIMED_OUT"},
    {TaskStatus::kInvoked, "INVOKED"},
}};

constexpr std::array<std::pair<StateMachineStatus, std::string_view>, 2> kStateMachineStatusNames =
    {{
        {StateMachineStatus::kActive, "ACTIVE"},
        {StateMachineStatus::kDeleting, "DELETING"},
    }};

template <typename Enum, size_t N>
std::string_view NameOf(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum e) {
  for (const auto& [value, name] : names) {
    if (value == e) return name;
  }
  return "UNKNOWN";
}

template <typename Enum, size_t N>
absl::StatusOr<Enum> Parse(const std::array<std::pair<Enum, std::string_view>, N>& names,
                           std::string_view what, std::string_view text) {
  for (const auto& [value, name] : names) {
    if (name == text) return value;
  }
  return absl::InvalidArgumentError(StrCat("Unknown ", what, " '", text, "'"));
}

}  // namespace

std::string_view ExecutionStatusName(ExecutionStatus status) {
  return NameOf(kExecutionStatusNames, status);
}

absl::StatusOr<ExecutionStatus> ParseExecutionStatus(std::string_view name) {
  return Parse(kExecutionStatusNames, "execution status", name);
}

std::string_view TaskStatusName(TaskStatus status) { return NameOf(kTaskStatusNames, status); }

absl::StatusOr<TaskStatus> ParseTaskStatus(std::string_view name) {
  return Parse(kTaskStatusNames, "task status", name);
}

std::string_view StateMachineStatusName(StateMachineStatus status) {
  return NameOf(kStateMachineStatusNames, status);
}

absl::StatusOr<StateMachineStatus> ParseStateMachineStatus(std::string_view name) {
  return Parse(kStateMachineStatusNames, "state machine status", name);
}

}  // namespace stepwise::persistence
