// Helpers shared by the tests that drive an ExecutionExecutor over a store
// (tests/unit/service, tests/unit/dispatch, tests/integration/dispatch).
#ifndef STEPWISE_TESTS_UNIT_SERVICE_EXECUTOR_TEST_UTIL_H_
#define STEPWISE_TESTS_UNIT_SERVICE_EXECUTOR_TEST_UTIL_H_

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/str_cat.h"
#include "gtest/gtest.h"
#include "orchestrator/service/execution_executor.h"
#include "persistence/execution_store.h"

namespace stepwise::service::testing {

// Distinct, deterministic 32-byte entropy per call (tokens differ per step).
inline ExecutionExecutor::EntropySource CountingEntropy() {
  auto counter = std::make_shared<std::atomic<int>>(0);
  return [counter] {
    std::string entropy = StrCat("entropy-", counter->fetch_add(1));
    entropy.resize(32, '.');
    return entropy;
  };
}

// Creates state machine `name` (revision "<name>-rev-1") and returns its ARN.
inline std::string CreateMachine(persistence::ExecutionStore& store, absl::Time now,
                                 std::string_view name, std::string_view definition) {
  persistence::StateMachineRecord record;
  record.arn = StrCat("arn:aws:states:us-east-1:123456789012:stateMachine:", name);
  record.name = std::string(name);
  record.type = "STANDARD";
  record.definition = std::string(definition);
  record.role_arn = "arn:aws:iam::123456789012:role/test";
  record.revision_id = StrCat(name, "-rev-1");
  record.creation_date = now;
  record.update_date = now;
  absl::StatusOr<persistence::StateMachineRecord> created = store.CreateStateMachine(record);
  EXPECT_TRUE(created.ok()) << created.status();
  return record.arn;
}

inline std::vector<persistence::HistoryRecord> History(persistence::ExecutionStore& store,
                                                       std::string_view arn) {
  absl::StatusOr<std::vector<persistence::HistoryRecord>> history =
      store.ReadHistory(arn, persistence::HistoryQuery{});
  EXPECT_TRUE(history.ok()) << history.status();
  return history.ok() ? *history : std::vector<persistence::HistoryRecord>{};
}

inline std::vector<std::string> HistoryTypes(persistence::ExecutionStore& store,
                                             std::string_view arn) {
  std::vector<std::string> types;
  for (const persistence::HistoryRecord& r : History(store, arn)) types.push_back(r.type);
  return types;
}

inline int CountEvents(persistence::ExecutionStore& store, std::string_view arn,
                       std::string_view type) {
  int n = 0;
  for (const persistence::HistoryRecord& r : History(store, arn)) n += r.type == type ? 1 : 0;
  return n;
}

}  // namespace stepwise::service::testing

#endif  // STEPWISE_TESTS_UNIT_SERVICE_EXECUTOR_TEST_UTIL_H_
