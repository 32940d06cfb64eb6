// The ExecutionStore conformance suite's fixture: every backend runs the same
// typed tests (execution_store_conformance*.cc), each test on a fresh store.
//
// A backend is a default-constructible type with
//   static constexpr const char* kName;
//   absl::StatusOr<std::unique_ptr<ExecutionStore>> NewStore();
#ifndef STEPWISE_TESTS_INTEGRATION_STORE_EXECUTION_STORE_CONFORMANCE_H_
#define STEPWISE_TESTS_INTEGRATION_STORE_EXECUTION_STORE_CONFORMANCE_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persistence/execution_store.h"
#include "persistence/memory/memory_store.h"
#include "tests/integration/store/postgres_backend.h"
#include "tests/integration/store/store_test_util.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::persistence::testing {

struct MemoryBackend {
  static constexpr const char* kName = "Memory";
  absl::StatusOr<std::unique_ptr<ExecutionStore>> NewStore() {
    return std::unique_ptr<ExecutionStore>(std::make_unique<MemoryStore>());
  }
};

// Matches an OK StatusOr whose value matches `matcher`.
MATCHER_P(HasValue, matcher, "is OK and has a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(matcher, *arg, result_listener);
}

using Backends = ::testing::Types<MemoryBackend, PostgresBackend>;

struct BackendNames {
  template <typename Backend>
  static std::string GetName(int) {
    return Backend::kName;
  }
};

template <typename Backend>
class ExecutionStoreConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<ExecutionStore>> store = backend_.NewStore();
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  ExecutionStore& store() { return *store_; }

  // Creates a state machine named `name` and returns it.
  StateMachineRecord Machine(std::string_view name = "machine") {
    StateMachineRecord record = MakeStateMachine(name);
    absl::StatusOr<StateMachineRecord> created = store_->CreateStateMachine(record);
    EXPECT_TRUE(created.ok()) << created.status();
    return record;
  }

  // Starts an execution (version 1) and returns its record.
  ExecutionRecord Start(const NewExecution& execution) {
    absl::StatusOr<CreateExecutionResult> result = store_->CreateExecution(execution);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? result->execution : ExecutionRecord{};
  }

  Backend backend_;
  std::unique_ptr<ExecutionStore> store_;
};

TYPED_TEST_SUITE(ExecutionStoreConformance, Backends, BackendNames);

}  // namespace stepwise::persistence::testing

#endif  // STEPWISE_TESTS_INTEGRATION_STORE_EXECUTION_STORE_CONFORMANCE_H_
