// ApplicationsClient: the client side of workshop.v1.AccountApplications,
// as the `account-applications submit|review|get|find` subcommands use it:
// command-line words in (decisions and states as the workshop writes them),
// JSON out, and errors as one readable absl::Status each.
//
//   ApplicationsClient client("localhost:7410");
//   ASSIGN_OR_RETURN(workshop::v1::ReviewDecision decision, ParseReviewDecision("APPROVE"));
//   ASSIGN_OR_RETURN(workshop::v1::Application reviewed, client.Review(id, decision));
//   std::puts(boost::json::serialize(ApplicationToCliJson(reviewed)).c_str());
//   // {"id":"application_...","name":"evil Spock",...,"state":"REVIEW_APPROVED",...}
#ifndef STEPWISE_WORKER_ACCOUNT_APPLICATIONS_CLIENT_H_
#define STEPWISE_WORKER_ACCOUNT_APPLICATIONS_CLIENT_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "workshop/v1/account_applications.grpc.pb.h"

namespace stepwise::account_applications {

// {"id", "name", "address", "state", "reason", "executionArn"}: every field
// always present (reason and executionArn may be ""), state as the
// workshop's word ("FLAGGED_FOR_REVIEW").
boost::json::object ApplicationToCliJson(const workshop::v1::Application& application);

// "APPROVE" / "REJECT", in any case. kInvalidArgument naming both otherwise.
absl::StatusOr<workshop::v1::ReviewDecision> ParseReviewDecision(std::string_view text);

// A workshop state word ("SUBMITTED", "FLAGGED_FOR_REVIEW", ...), in any
// case. kInvalidArgument listing the states otherwise.
absl::StatusOr<workshop::v1::ApplicationState> ParseApplicationStateWord(std::string_view text);

// Thread-compatible. Calls fail with the service's code and a message that
// says what was asked: kUnavailable names the endpoint ("cannot reach the
// Account Applications service at HOST:PORT"), other codes carry the
// service's own message (e.g. kNotFound "Application 'x' does not exist").
class ApplicationsClient {
 public:
  // Connects to `endpoint` (HOST:PORT) on the first call; every call gets
  // `timeout` as its deadline.
  explicit ApplicationsClient(std::string endpoint, absl::Duration timeout = absl::Seconds(30));

  // `state_machine_arn` empty: the service's default.
  absl::StatusOr<workshop::v1::Application> Submit(const std::string& name,
                                                   const std::string& address,
                                                   const std::string& state_machine_arn);
  absl::StatusOr<workshop::v1::Application> Review(const std::string& id,
                                                   workshop::v1::ReviewDecision decision);
  absl::StatusOr<workshop::v1::Application> Get(const std::string& id);
  // Every application in `state`, all pages, ordered by id.
  absl::StatusOr<std::vector<workshop::v1::Application>> FindAll(
      workshop::v1::ApplicationState state);

 private:
  absl::Status FromGrpc(const grpc::Status& status, std::string_view call) const;

  std::string endpoint_;
  absl::Duration timeout_;
  std::unique_ptr<workshop::v1::AccountApplications::Stub> stub_;
};

}  // namespace stepwise::account_applications

#endif  // STEPWISE_WORKER_ACCOUNT_APPLICATIONS_CLIENT_H_
