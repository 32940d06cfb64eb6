// StatesService: the control-plane RPCs of stepwise.v1.States as a plain
// class (no gRPC server types), over an ExecutionStore and an
// ExecutionExecutor. StatesGrpcService (states_grpc_service.h) delegates to it.
//
//   ExecutionWaiter waiter(store);                 // also the executor's CommitObserver
//   StatesService service(store, executor, clock, {.region = "us-east-1"}, &waiter);
//   v1::StartExecutionResponse response;
//   grpc::Status status = service.StartExecution(request, &response);
//
// Every failure is a grpc::Status built by ToGrpcStatus (grpc_status.h) with
// the AWS exception name of proto/stepwise/v1/errors.md. The implementation is
// split by topic: states_service.cc (state machines), _executions.cc,
// _history.cc, _tasks.cc, _sync.cc, _test_state.cc, _activities.cc, _redrive.cc.
//
// Thread-safe as the store and executor are.
#ifndef STEPWISE_ORCHESTRATOR_SERVICE_STATES_SERVICE_H_
#define STEPWISE_ORCHESTRATOR_SERVICE_STATES_SERVICE_H_

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "common/clock.h"
#include "grpcpp/support/status.h"
#include "orchestrator/service/execution_executor.h"
#include "orchestrator/service/execution_waiter.h"
#include "persistence/execution_store.h"
#include "stepwise/v1/states.pb.h"

namespace stepwise::service {

struct StatesServiceOptions {
  std::string region = "us-east-1";
  std::string account = "123456789012";
  // AWS's limits: execution input, task output (bytes of UTF-8) and
  // definitions. Larger requests fail with InvalidExecutionInput /
  // InvalidOutput / ValidationException naming the field.
  size_t max_payload_bytes = 256 * 1024;
  size_t max_definition_bytes = 1024 * 1024;
  // SendTaskHeartbeat moves a claimed task's lease to now + its
  // HeartbeatSeconds, or now + this when the state declares none. A lease is
  // never shortened.
  absl::Duration heartbeat_lease = absl::Minutes(5);
  // StartSyncExecution waits at most this long (AWS: Express executions last
  // at most 5 minutes), and never past the RPC deadline; then it stops the
  // execution and answers TIMED_OUT.
  absl::Duration sync_execution_timeout = absl::Minutes(5);
  // Stop waiting this much before the RPC deadline so the answer still arrives.
  absl::Duration sync_deadline_margin = absl::Milliseconds(250);
  // How often StartSyncExecution re-reads the store when the service has no
  // ExecutionWaiter of its own (see the constructor).
  absl::Duration sync_poll_interval = absl::Milliseconds(200);
  // GetActivityTask's ActivityDoesNotExist check remembers an activity it
  // found for this long, so repeated polls (gRPC callback threads) rarely
  // touch the store. A poll may outlive the activity's deletion on another
  // replica by this much (AWS's activity calls are eventually consistent).
  absl::Duration activity_cache_ttl = absl::Seconds(10);
};

// What StartSyncExecution knows about its call; StatesGrpcService fills it
// from the grpc::ServerContext.
struct SyncCallContext {
  // Time left until the RPC deadline; nullopt when the call has none.
  std::optional<absl::Duration> time_left;
  // True once the client cancelled or went away; may be empty.
  std::function<bool()> cancelled;
};

class StatesService {
 public:
  // `store`, `executor` and `clock` must outlive the service. The executor
  // should be configured with the same region and account. `waiter` (not
  // owned, may be null, must outlive the service) answers StartSyncExecution;
  // it should be the executor's CommitObserver (or one of them) so that
  // waiters wake on the commit. Without one the service makes its own, which
  // only re-reads the store every `sync_poll_interval`.
  StatesService(persistence::ExecutionStore& store, ExecutionExecutor& executor, const Clock& clock,
                StatesServiceOptions options = {}, ExecutionWaiter* waiter = nullptr);

  grpc::Status CreateStateMachine(const v1::CreateStateMachineRequest& request,
                                  v1::CreateStateMachineResponse* response);
  grpc::Status DescribeStateMachine(const v1::DescribeStateMachineRequest& request,
                                    v1::DescribeStateMachineResponse* response);
  grpc::Status ListStateMachines(const v1::ListStateMachinesRequest& request,
                                 v1::ListStateMachinesResponse* response);
  grpc::Status ValidateStateMachineDefinition(
      const v1::ValidateStateMachineDefinitionRequest& request,
      v1::ValidateStateMachineDefinitionResponse* response);
  grpc::Status StartExecution(const v1::StartExecutionRequest& request,
                              v1::StartExecutionResponse* response);
  grpc::Status DescribeExecution(const v1::DescribeExecutionRequest& request,
                                 v1::DescribeExecutionResponse* response);
  grpc::Status GetExecutionHistory(const v1::GetExecutionHistoryRequest& request,
                                   v1::GetExecutionHistoryResponse* response);
  grpc::Status SendTaskSuccess(const v1::SendTaskSuccessRequest& request,
                               v1::SendTaskSuccessResponse* response);
  grpc::Status SendTaskFailure(const v1::SendTaskFailureRequest& request,
                               v1::SendTaskFailureResponse* response);
  grpc::Status StopExecution(const v1::StopExecutionRequest& request,
                             v1::StopExecutionResponse* response);

  grpc::Status UpdateStateMachine(const v1::UpdateStateMachineRequest& request,
                                  v1::UpdateStateMachineResponse* response);
  grpc::Status DeleteStateMachine(const v1::DeleteStateMachineRequest& request,
                                  v1::DeleteStateMachineResponse* response);
  // Without a SyncCallContext: no deadline but sync_execution_timeout.
  grpc::Status StartSyncExecution(const v1::StartSyncExecutionRequest& request,
                                  v1::StartSyncExecutionResponse* response);
  grpc::Status StartSyncExecution(const v1::StartSyncExecutionRequest& request,
                                  v1::StartSyncExecutionResponse* response,
                                  const SyncCallContext& call);
  grpc::Status ListExecutions(const v1::ListExecutionsRequest& request,
                              v1::ListExecutionsResponse* response);
  grpc::Status SendTaskHeartbeat(const v1::SendTaskHeartbeatRequest& request,
                                 v1::SendTaskHeartbeatResponse* response);
  grpc::Status TestState(const v1::TestStateRequest& request, v1::TestStateResponse* response);
  grpc::Status RedriveExecution(const v1::RedriveExecutionRequest& request,
                                v1::RedriveExecutionResponse* response);
  grpc::Status CreateActivity(const v1::CreateActivityRequest& request,
                              v1::CreateActivityResponse* response);
  grpc::Status DescribeActivity(const v1::DescribeActivityRequest& request,
                                v1::DescribeActivityResponse* response);
  grpc::Status DeleteActivity(const v1::DeleteActivityRequest& request,
                              v1::DeleteActivityResponse* response);
  grpc::Status ListActivities(const v1::ListActivitiesRequest& request,
                              v1::ListActivitiesResponse* response);
  // GetActivityTask's check before it polls (StatesGrpcService): OK when the
  // activity exists; InvalidArn (not arn:aws:states:REGION:ACCOUNT:activity:NAME),
  // ActivityDoesNotExist, or the store's error otherwise. Found activities
  // are remembered for activity_cache_ttl.
  grpc::Status CheckActivityExists(const std::string& activity_arn);

  // arn:aws:states:REGION:ACCOUNT:activity:NAME
  std::string ActivityArn(std::string_view name) const;

  // arn:aws:states:REGION:ACCOUNT:stateMachine:NAME
  std::string StateMachineArn(std::string_view name) const;

 private:
  // StartExecution's and StartSyncExecution's shared part: checks the name and
  // input, starts through the executor and maps its errors. `name` is filled
  // (a UUID when the request has none) and `execution` is the record the
  // start left (no read after it).
  grpc::Status Start(const std::string& state_machine_arn, std::string& name,
                     const std::string& input, const ExecutionExecutor::StartOptions& start,
                     persistence::ExecutionRecord* execution);
  // The exception for a failed executor call on an existing execution: tells
  // ExecutionDoesNotExist from another kNotFound (a lost revision) by
  // re-reading the execution.
  grpc::Status ExecutionError(const absl::Status& status, const std::string& execution_arn);

  persistence::ExecutionStore& store_;
  ExecutionExecutor& executor_;
  const Clock& clock_;
  StatesServiceOptions options_;
  std::unique_ptr<ExecutionWaiter> own_waiter_;  // Set when none was given.
  ExecutionWaiter* waiter_;

  // CheckActivityExists's cache: activity arn -> when it was last found.
  std::mutex activity_mu_;
  std::map<std::string, absl::Time, std::less<>> known_activities_;
};

}  // namespace stepwise::service

#endif  // STEPWISE_ORCHESTRATOR_SERVICE_STATES_SERVICE_H_
