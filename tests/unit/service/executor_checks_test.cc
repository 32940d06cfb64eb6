// The executor checks suite (executor_checks_suite.h) on the memory store.
#include "gtest/gtest.h"
#include "persistence/memory/memory_store.h"
#include "tests/unit/service/executor_checks_suite.h"

namespace stepwise::service::testing {
namespace {

class MemoryBackend : public ::testing::Test {
 protected:
  persistence::ExecutionStore& store() { return store_; }

 private:
  persistence::MemoryStore store_;
};

INSTANTIATE_TYPED_TEST_SUITE_P(Memory, ExecutorChecksTest, MemoryBackend);

}  // namespace
}  // namespace stepwise::service::testing
