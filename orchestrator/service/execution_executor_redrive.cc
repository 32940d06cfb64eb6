// ExecutionExecutor::Redrive (RedriveExecution).
#include "common/str_cat.h"
#include "orchestrator/service/execution_executor.h"

namespace stepwise::service {

absl::StatusOr<int64_t> ExecutionExecutor::Redrive(std::string_view execution_arn) {
  return absl::UnimplementedError(
      StrCat("RedriveExecution is not implemented yet (execution '", execution_arn, "')"));
}

}  // namespace stepwise::service
