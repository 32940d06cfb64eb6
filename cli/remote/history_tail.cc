#include "cli/remote/history_tail.h"

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "cli/remote/rpc_error.h"

namespace stepwise::cli {

HistoryTail::HistoryTail(std::string execution_arn, bool include_data, int page_size)
    : execution_arn_(std::move(execution_arn)),
      include_data_(include_data),
      page_size_(page_size) {}

int HistoryTail::Poll(StatesClient& client, std::vector<v1::HistoryEvent>& events,
                      std::ostream& err) {
  std::string token = resume_token_;
  while (true) {
    v1::GetExecutionHistoryRequest request;
    request.set_execution_arn(execution_arn_);
    request.set_max_results(page_size_);
    request.set_next_token(token);
    request.set_include_execution_data(include_data_);
    v1::GetExecutionHistoryResponse response;
    ++calls_;
    if (int code =
            client.Invoke(&v1::States::StubInterface::GetExecutionHistory, request, &response, err);
        code != kRemoteExitOk) {
      return code;
    }
    for (v1::HistoryEvent& event : *response.mutable_events()) {
      if (event.id() <= last_id_) continue;  // Read by an earlier poll.
      last_id_ = event.id();
      events.push_back(std::move(event));
    }
    resume_token_ = token;
    if (response.next_token().empty()) return kRemoteExitOk;
    if (response.next_token() == token) {
      // A server that repeats its token would make this loop forever.
      err << "The orchestrator at " << client.endpoint()
          << " returned the same nextToken twice for GetExecutionHistory.\n";
      return kRemoteExitServiceError;
    }
    token = response.next_token();
  }
}

}  // namespace stepwise::cli
