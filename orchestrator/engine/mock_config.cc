#include "orchestrator/engine/mock_config.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "boost/json/object.hpp"
#include "common/str_cat.h"
#include "orchestrator/engine/state_error.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;

// Parses a non-negative invocation number ("0", "12"); nullopt otherwise.
std::optional<int64_t> ParseInvocation(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t n = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || ptr != end || n < 0) return std::nullopt;
  return n;
}

// "N" or "N-M" with N <= M.
std::optional<std::pair<int64_t, int64_t>> ParseRange(std::string_view key) {
  const size_t dash = key.find('-');
  if (dash == std::string_view::npos) {
    std::optional<int64_t> n = ParseInvocation(key);
    if (!n) return std::nullopt;
    return std::make_pair(*n, *n);
  }
  std::optional<int64_t> first = ParseInvocation(key.substr(0, dash));
  std::optional<int64_t> last = ParseInvocation(key.substr(dash + 1));
  if (!first || !last || *first > *last) return std::nullopt;
  return std::make_pair(*first, *last);
}

absl::Status ParseOne(const json::value& value, std::string_view where, MockedResponse& out) {
  const json::object* object = value.if_object();
  if (object == nullptr || object->size() != 1 ||
      (!object->contains("Return") && !object->contains("Throw"))) {
    return absl::InvalidArgumentError(
        StrCat(where, " must be an object with exactly one field, Return or Throw"));
  }
  if (const json::value* ret = object->if_contains("Return")) {
    out.return_value = *ret;
    return absl::OkStatus();
  }
  const json::object* thrown = object->at("Throw").if_object();
  if (thrown == nullptr) {
    return absl::InvalidArgumentError(
        StrCat(where, ".Throw must be an object {\"Error\": ..., \"Cause\": ...}"));
  }
  const json::value* error = thrown->if_contains("Error");
  if (error == nullptr || !error->is_string() || error->as_string().empty()) {
    return absl::InvalidArgumentError(StrCat(where, ".Throw.Error must be a non-empty string"));
  }
  out.is_throw = true;
  out.error = std::string(error->as_string());
  if (const json::value* cause = thrown->if_contains("Cause")) {
    if (!cause->is_string()) {
      return absl::InvalidArgumentError(StrCat(where, ".Throw.Cause must be a string"));
    }
    out.cause = std::string(cause->as_string());
  }
  for (const auto& [key, unused] : *thrown) {
    if (key != "Error" && key != "Cause") {
      return absl::InvalidArgumentError(
          StrCat(where, ".Throw has unknown field '", std::string_view(key), "'"));
    }
  }
  return absl::OkStatus();
}

// Every state of `machine` and its nested branches/processors, by name.
void CollectStates(const asl::StateMachine& machine,
                   std::map<std::string, const asl::State*, std::less<>>& out) {
  for (const asl::State& state : machine.states) {
    out.emplace(state.name, &state);
    if (const auto* parallel = std::get_if<asl::ParallelFields>(&state.fields)) {
      for (const auto& branch : parallel->branches) {
        if (branch) CollectStates(*branch, out);
      }
    } else if (const auto* map = std::get_if<asl::MapFields>(&state.fields)) {
      if (map->processor) CollectStates(*map->processor, out);
    }
  }
}

std::string QuotedList(const json::object& object) {
  std::string list;
  for (const auto& [key, unused] : object) {
    if (!list.empty()) list += ", ";
    list += StrCat("'", std::string_view(key), "'");
  }
  return list.empty() ? "none" : list;
}

}  // namespace

const MockedResponse* MockTestCase::Find(std::string_view state, int64_t n) const {
  auto it = states_.find(state);
  if (it == states_.end()) return nullptr;
  const std::vector<MockedResponse>& responses = it->second;
  // Sorted by `first` and disjoint: the candidate is the last one starting at or before n.
  auto after = std::upper_bound(responses.begin(), responses.end(), n,
                                [](int64_t v, const MockedResponse& r) { return v < r.first; });
  if (after == responses.begin()) return nullptr;
  const MockedResponse& candidate = *std::prev(after);
  return n <= candidate.last ? &candidate : nullptr;
}

absl::StatusOr<std::vector<MockedResponse>> ParseMockedResponse(const json::value& value,
                                                                std::string_view name) {
  const std::string where = StrCat("MockedResponses.", name);
  const json::object* object = value.if_object();
  if (object == nullptr) {
    return absl::InvalidArgumentError(
        StrCat(where, " must be an object keyed by invocation (\"0\", \"1-2\", ...)"));
  }
  if (object->empty()) return absl::InvalidArgumentError(StrCat(where, " has no responses"));
  std::vector<MockedResponse> responses;
  responses.reserve(object->size());
  for (const auto& [key, response] : *object) {
    const std::string key_where = StrCat(where, ".\"", std::string_view(key), "\"");
    std::optional<std::pair<int64_t, int64_t>> range = ParseRange(key);
    if (!range) {
      return absl::InvalidArgumentError(
          StrCat(key_where,
                 ": the key must be an invocation number \"N\" or an inclusive range \"N-M\" "
                 "(0-based, N <= M)"));
    }
    MockedResponse parsed;
    parsed.first = range->first;
    parsed.last = range->second;
    absl::Status status = ParseOne(response, key_where, parsed);
    if (!status.ok()) return status;
    responses.push_back(std::move(parsed));
  }
  std::sort(responses.begin(), responses.end(),
            [](const MockedResponse& a, const MockedResponse& b) { return a.first < b.first; });
  for (size_t i = 1; i < responses.size(); ++i) {
    if (responses[i].first <= responses[i - 1].last) {
      return absl::InvalidArgumentError(
          StrCat(where, ": invocation ", responses[i].first, " is covered by more than one key"));
    }
  }
  return responses;
}

absl::StatusOr<MockTestCase> LoadMockTestCase(const json::value& config,
                                              std::string_view machine_name,
                                              std::string_view test_case,
                                              const asl::StateMachine& machine) {
  const json::object* root = config.if_object();
  if (root == nullptr) {
    return absl::InvalidArgumentError("a mock config must be a JSON object");
  }
  const json::value* machines_value = root->if_contains("StateMachines");
  if (machines_value == nullptr || !machines_value->is_object()) {
    return absl::InvalidArgumentError("a mock config needs a \"StateMachines\" object");
  }
  const json::object& machines = machines_value->as_object();
  json::object empty_responses;
  const json::object* responses = &empty_responses;
  if (const json::value* v = root->if_contains("MockedResponses")) {
    if (!v->is_object()) {
      return absl::InvalidArgumentError("\"MockedResponses\" must be an object");
    }
    responses = &v->as_object();
  }
  // Parse every response so that a malformed file is reported whichever
  // test case is chosen.
  std::map<std::string, std::vector<MockedResponse>, std::less<>> parsed_responses;
  for (const auto& [name, value] : *responses) {
    absl::StatusOr<std::vector<MockedResponse>> parsed = ParseMockedResponse(value, name);
    if (!parsed.ok()) return parsed.status();
    parsed_responses.emplace(std::string(name), *std::move(parsed));
  }

  const json::value* machine_value = machines.if_contains(machine_name);
  std::string_view used_name = machine_name;
  if (machine_value == nullptr && machines.size() == 1) {
    machine_value = &machines.begin()->value();
    used_name = machines.begin()->key();
  }
  if (machine_value == nullptr) {
    return absl::NotFoundError(StrCat("the mock config has no state machine '", machine_name,
                                      "' (it has ", QuotedList(machines), ")"));
  }
  const std::string machine_where = StrCat("StateMachines.", used_name);
  const json::object* machine_object = machine_value->if_object();
  const json::value* cases_value =
      machine_object == nullptr ? nullptr : machine_object->if_contains("TestCases");
  if (cases_value == nullptr || !cases_value->is_object()) {
    return absl::InvalidArgumentError(StrCat(machine_where, " needs a \"TestCases\" object"));
  }
  const json::object& cases = cases_value->as_object();
  const json::value* case_value = cases.if_contains(test_case);
  if (case_value == nullptr) {
    return absl::NotFoundError(StrCat(machine_where, " has no test case '", test_case, "' (it has ",
                                      QuotedList(cases), ")"));
  }
  const std::string case_where = StrCat(machine_where, ".TestCases.", test_case);
  if (!case_value->is_object()) {
    return absl::InvalidArgumentError(
        StrCat(case_where, " must be an object mapping state names to mocked responses"));
  }

  std::map<std::string, const asl::State*, std::less<>> states;
  CollectStates(machine, states);
  std::map<std::string, std::vector<MockedResponse>, std::less<>> mocked;
  for (const auto& [state_name, response_name] : case_value->as_object()) {
    auto state = states.find(std::string_view(state_name));
    if (state == states.end()) {
      return absl::InvalidArgumentError(StrCat(case_where, ": the state machine has no state '",
                                               std::string_view(state_name), "'"));
    }
    if (state->second->type != asl::StateType::kTask) {
      return absl::InvalidArgumentError(
          StrCat(case_where, ": state '", std::string_view(state_name), "' is a ",
                 asl::StateTypeName(state->second->type), " state; only Task states are mocked"));
    }
    if (!response_name.is_string()) {
      return absl::InvalidArgumentError(StrCat(case_where, ".", std::string_view(state_name),
                                               " must be the name of an entry of MockedResponses"));
    }
    auto response = parsed_responses.find(std::string_view(response_name.as_string()));
    if (response == parsed_responses.end()) {
      return absl::InvalidArgumentError(StrCat(case_where, ".", std::string_view(state_name),
                                               ": MockedResponses has no '",
                                               std::string_view(response_name.as_string()), "'"));
    }
    mocked.emplace(std::string(state_name), response->second);
  }
  return MockTestCase(std::move(mocked));
}

TaskHandler MakeMockTaskHandler(std::shared_ptr<const MockTestCase> mocks,
                                std::vector<std::string>* unmocked) {
  // Shared so that copies of the handler count together.
  auto invocations = std::make_shared<std::map<std::string, int64_t, std::less<>>>();
  return [mocks = std::move(mocks), unmocked, invocations](const ScheduleTask& task) {
    if (!mocks->Mocks(task.state_name)) {
      if (unmocked != nullptr &&
          std::find(unmocked->begin(), unmocked->end(), task.state_name) == unmocked->end()) {
        unmocked->push_back(task.state_name);
      }
      return TaskAnswer{TaskAnswer::Kind::kNoAnswer, nullptr, "", ""};
    }
    const int64_t n = (*invocations)[task.state_name]++;
    const MockedResponse* response = mocks->Find(task.state_name, n);
    if (response == nullptr) {
      // AWS: "When you mock a Task, you must specify a mocked response for
      // every invocation ... If you do not specify a mocked response, the
      // state machine execution will fail." States.Runtime is not caught by
      // States.ALL, so the execution fails as documented.
      return TaskAnswer{TaskAnswer::Kind::kFail, nullptr, std::string(errors::kRuntime),
                        StrCat("The mock config has no response for invocation ", n,
                               " (0-based) of state '", task.state_name, "'")};
    }
    if (response->is_throw) {
      return TaskAnswer{TaskAnswer::Kind::kFail, nullptr, response->error, response->cause};
    }
    return TaskAnswer{TaskAnswer::Kind::kSucceed, response->return_value, "", ""};
  };
}

}  // namespace stepwise::engine
