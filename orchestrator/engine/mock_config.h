// Mocked task responses in the format of AWS Step Functions Local's
// MockConfigFile, so that existing test setups work unchanged:
//
//   {"StateMachines": {"<machine name>": {"TestCases": {"<case>": {"<state>": "<response>"}}}},
//    "MockedResponses": {"<response>": {"0": {"Return": {...}},
//                                       "1-2": {"Throw": {"Error": "E", "Cause": "C"}}}}}
//
// A state's n-th invocation (0-based, counting retries and every Map
// iteration) gets the response whose key covers n: `Return` (any JSON value)
// is the task's result, `Throw` fails the task with its `Error` and `Cause`
// (Retry and Catch apply as to a real failure). `.waitForTaskToken` tasks are
// mocked the same way: the Return value is what SendTaskSuccess would have
// carried.
//
// As AWS documents for Step Functions Local, a mocked Task needs a response
// for every invocation: when a mocked state is invoked more often than its
// responses cover, the execution fails (States.Runtime, which States.ALL does
// not catch, with a cause naming the state and invocation). A Task state the
// test case does not mention at all would call the real service in Step
// Functions Local; here it stays pending (see MakeMockTaskHandler).
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_MOCK_CONFIG_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_MOCK_CONFIG_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/value.hpp"
#include "orchestrator/asl/model.h"
#include "orchestrator/engine/local_runner.h"

namespace stepwise::engine {

struct MockedResponse {
  int64_t first = 0;  // Invocation range covered, inclusive.
  int64_t last = 0;
  bool is_throw = false;
  boost::json::value return_value;  // When !is_throw.
  std::string error;                // When is_throw.
  std::string cause;
};

// The responses of one test case: state name -> its responses, ordered.
class MockTestCase {
 public:
  MockTestCase() = default;
  explicit MockTestCase(std::map<std::string, std::vector<MockedResponse>, std::less<>> states)
      : states_(std::move(states)) {}

  // The response for invocation `n` of `state`, or nullptr when the state is
  // not mocked or `n` is past its last response.
  const MockedResponse* Find(std::string_view state, int64_t n) const;
  bool Mocks(std::string_view state) const { return states_.contains(state); }
  const std::map<std::string, std::vector<MockedResponse>, std::less<>>& states() const {
    return states_;
  }

 private:
  std::map<std::string, std::vector<MockedResponse>, std::less<>> states_;
};

// Parses one MockedResponses entry ({"0": {"Return": ...}, "1-2": {"Throw": ...}}),
// sorted by invocation. kInvalidArgument naming the key when it is malformed:
// keys must be "N" or "N-M" (N <= M), ranges must not overlap, each value has
// exactly one field, Return or Throw; Throw is {"Error": non-empty string,
// "Cause": string (optional, default "")}. Gaps are allowed (an invocation in
// a gap fails the execution, as one past the last response does).
absl::StatusOr<std::vector<MockedResponse>> ParseMockedResponse(const boost::json::value& value,
                                                                std::string_view name);

// Loads test case `test_case` of `machine_name` from a MockConfigFile. When
// the file has exactly one state machine it applies whatever `machine_name`
// is. kInvalidArgument for malformed files, kNotFound for an unknown machine
// or test case, and kInvalidArgument when the test case names a state that
// `machine` (including Parallel branches and Map processors) does not have,
// or a response that MockedResponses lacks, or mocks a state that is not a
// Task. Every entry of MockedResponses is checked, used or not.
absl::StatusOr<MockTestCase> LoadMockTestCase(const boost::json::value& config,
                                              std::string_view machine_name,
                                              std::string_view test_case,
                                              const asl::StateMachine& machine);

// A TaskHandler answering from `mocks`, counting invocations per state
// (copies of the handler share the counts). A task whose state the test case
// does not mock is answered kNoAnswer (it stays pending) and its state name is
// recorded once in *unmocked (in order of first occurrence) when `unmocked` is
// non-null; `unmocked` must outlive the handler. A mocked state invoked past
// its last response fails with States.Runtime (see the file comment).
TaskHandler MakeMockTaskHandler(std::shared_ptr<const MockTestCase> mocks,
                                std::vector<std::string>* unmocked = nullptr);

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_MOCK_CONFIG_H_
