// The shared shape of a remote command's last step: send the request, print
// the response as AWS JSON (aws_json.h), or report the failure.
//
//   v1::DescribeActivityRequest request;
//   request.set_activity_arn(flags.activity_arn);
//   return CallAndPrint(client, &v1::States::StubInterface::DescribeActivity, request, out, err);
//
// List operations page as the AWS CLI does: without --max-results or
// --next-token (or with --no-paginate, one call with the server's page size)
// every page is fetched and the lists are joined; with either, exactly one
// page is fetched and its nextToken printed.
#ifndef STEPWISE_CLI_REMOTE_REMOTE_CALL_H_
#define STEPWISE_CLI_REMOTE_REMOTE_CALL_H_

#include <ostream>
#include <string>

#include "cli/remote/aws_json.h"
#include "cli/remote/rpc_error.h"
#include "cli/remote/states_client.h"

namespace stepwise::cli {

// Paging flags of the list commands.
struct PageFlags {
  int max_results = 0;     // --max-results; 0 when not given.
  std::string next_token;  // --next-token.
  bool no_paginate = false;

  // One call only (see the file comment).
  bool SinglePage() const { return max_results > 0 || !next_token.empty() || no_paginate; }
};

// Calls `rpc` once; prints the response to `out` (kRemoteExitOk) or the
// failure to `err` (its exit code).
template <typename Request, typename Response>
int CallAndPrint(StatesClient& client, StatesRpc<Request, Response> rpc, const Request& request,
                 std::ostream& out, std::ostream& err) {
  Response response;
  if (int code = client.Invoke(rpc, request, &response, err); code != kRemoteExitOk) return code;
  PrintAwsResponse(response, out);
  return kRemoteExitOk;
}

// Like CallAndPrint for an operation with max_results/next_token, paging as
// the file comment says. `request` holds the other arguments. A failure on
// any page prints nothing to `out`.
template <typename Request, typename Response>
int CallAndPrintPaged(StatesClient& client, StatesRpc<Request, Response> rpc, Request request,
                      const PageFlags& page, std::ostream& out, std::ostream& err) {
  request.set_max_results(page.max_results);
  request.set_next_token(page.next_token);
  if (page.SinglePage()) return CallAndPrint(client, rpc, request, out, err);
  Response all;
  while (true) {
    Response one;
    if (int code = client.Invoke(rpc, request, &one, err); code != kRemoteExitOk) return code;
    // Appends the page's list; next_token is overwritten while non-empty.
    all.MergeFrom(one);
    if (one.next_token().empty()) break;
    if (one.next_token() == request.next_token()) {
      // A server that repeats its token would make this loop forever.
      err << "The orchestrator at " << client.endpoint() << " returned the same nextToken twice "
          << "for " << OperationName(*Request::descriptor())
          << "; use --max-results and --next-token to page by hand.\n";
      return kRemoteExitServiceError;
    }
    request.set_next_token(one.next_token());
  }
  all.clear_next_token();
  PrintAwsResponse(all, out);
  return kRemoteExitOk;
}

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_REMOTE_REMOTE_CALL_H_
