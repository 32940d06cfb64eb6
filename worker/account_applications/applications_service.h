// ApplicationsService: the Account Applications API as a plain class
// (submit, review, get, find), over an ApplicationStore and the
// orchestrator's States API. AccountApplicationsGrpcService (grpc_service.h)
// is its thin gRPC binding.
//
//   auto channel = grpc::CreateChannel("localhost:7400", grpc::InsecureChannelCredentials());
//   auto states = stepwise::v1::States::NewStub(channel);
//   ApplicationsService service(store, *states, {.state_machine_arn = arn});
//   ASSIGN_OR_RETURN(Application submitted, service.Submit("Spock", "123 Enterprise Street"));
//   ...
//   ASSIGN_OR_RETURN(Application reviewed, service.Review(id, ReviewDecision::kApprove));
//
// Errors carry the codes the proto (proto/workshop/v1/account_applications.proto)
// documents. Thread-safe: calls may run concurrently.
#ifndef STEPWISE_WORKER_ACCOUNT_APPLICATIONS_APPLICATIONS_SERVICE_H_
#define STEPWISE_WORKER_ACCOUNT_APPLICATIONS_APPLICATIONS_SERVICE_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "stepwise/v1/states.grpc.pb.h"
#include "worker/account_applications/application.h"
#include "worker/account_applications/application_store.h"

namespace stepwise::account_applications {

enum class ReviewDecision { kApprove, kReject };

// "APPROVE" / "REJECT", the workshop's words (and the SendTaskSuccess output).
std::string_view ReviewDecisionName(ReviewDecision decision);

struct ApplicationsServiceOptions {
  // The workflow Submit starts when the call names none; empty: such a
  // Submit fails with kInvalidArgument.
  std::string state_machine_arn;
  // Deadline of each call to the orchestrator.
  absl::Duration orchestrator_timeout = absl::Seconds(10);
  // Makes application ids; tests inject a deterministic one.
  std::function<std::string()> new_id = NewApplicationId;
};

// Limits on what a client may send.
inline constexpr size_t kMaxFieldBytes = 1024;  // name, address
inline constexpr size_t kMaxStateMachineArnBytes = 2048;
inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

class ApplicationsService {
 public:
  // `store` and `states` must outlive the service.
  ApplicationsService(ApplicationStore& store, stepwise::v1::States::StubInterface& states,
                      ApplicationsServiceOptions options);

  // Stores {id, name, address, SUBMITTED} and starts an execution of
  // `state_machine_arn` (empty: options.state_machine_arn) named after the id
  // with input {"application": <record>}; returns the record with its
  // execution ARN. kInvalidArgument for an empty or over-long name/address,
  // an over-long ARN, or no state machine at all; kFailedPrecondition when
  // the orchestrator refuses the execution (e.g. no such state machine);
  // kUnavailable when the store or the orchestrator cannot be reached
  // (nothing stored); kDeadlineExceeded when the orchestrator did not answer
  // in time (the application stays SUBMITTED: its execution may have started).
  absl::StatusOr<Application> Submit(std::string_view name, std::string_view address,
                                     std::string_view state_machine_arn = "");

  // FLAGGED_FOR_REVIEW -> REVIEW_APPROVED / REVIEW_REJECTED, then
  // SendTaskSuccess {"decision": ...} with the stored task token. kNotFound;
  // kFailedPrecondition when not FLAGGED_FOR_REVIEW or when the orchestrator
  // no longer waits for the token; kUnavailable. On error the application is
  // left FLAGGED_FOR_REVIEW (the state change is undone).
  absl::StatusOr<Application> Review(std::string_view id, ReviewDecision decision);

  // kNotFound for an unknown id.
  absl::StatusOr<Application> Get(std::string_view id);

  // The applications in `state` after `page_token` ("" first), at most
  // `page_size` (0: kDefaultPageSize). kInvalidArgument for a page size
  // outside 0..kMaxPageSize or an over-long token.
  absl::StatusOr<ApplicationPage> Find(ApplicationState state, int page_size,
                                       std::string_view page_token);

 private:
  ApplicationStore& store_;
  stepwise::v1::States::StubInterface& states_;
  const ApplicationsServiceOptions options_;
};

}  // namespace stepwise::account_applications

#endif  // STEPWISE_WORKER_ACCOUNT_APPLICATIONS_APPLICATIONS_SERVICE_H_
