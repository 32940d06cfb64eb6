// ExecutionStore conformance, part 3: activities (CreateActivity,
// GetActivity, DeleteActivity, ListActivities). Every backend runs it.
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/str_cat.h"
#include "tests/integration/store/execution_store_conformance.h"

namespace stepwise::persistence::testing {
namespace {

using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;
using ::testing::ElementsAre;

ActivityRecord MakeActivity(std::string_view name, absl::Time created = T(0)) {
  return ActivityRecord{StrCat("arn:aws:states:us-east-1:123456789012:activity:", name),
                        std::string(name), created};
}

template <typename Backend>
using ActivityConformance = ExecutionStoreConformance<Backend>;
TYPED_TEST_SUITE(ActivityConformance, Backends, BackendNames);

TYPED_TEST(ActivityConformance, CreateGetAndDelete) {
  const ActivityRecord record = MakeActivity("review", T(5));
  absl::StatusOr<ActivityRecord> created = this->store().CreateActivity(record);
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->arn, record.arn);
  EXPECT_EQ(created->name, "review");
  EXPECT_EQ(created->creation_date, T(5));

  absl::StatusOr<ActivityRecord> got = this->store().GetActivity(record.arn);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->name, "review");
  EXPECT_EQ(got->creation_date, T(5));

  ASSERT_THAT(this->store().DeleteActivity(record.arn), IsOk());
  EXPECT_THAT(this->store().GetActivity(record.arn), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->store().DeleteActivity(record.arn), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->store().GetActivity("arn:nope"), StatusIs(absl::StatusCode::kNotFound));

  // The name is free again after the deletion, with a new creation date.
  absl::StatusOr<ActivityRecord> again = this->store().CreateActivity(MakeActivity("review", T(9)));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->creation_date, T(9));
}

TYPED_TEST(ActivityConformance, CreateIsIdempotentByName) {
  ASSERT_THAT(this->store().CreateActivity(MakeActivity("review", T(1))), IsOk());
  // A repeat returns the existing activity, not the request's date.
  absl::StatusOr<ActivityRecord> repeat =
      this->store().CreateActivity(MakeActivity("review", T(7)));
  ASSERT_THAT(repeat, IsOk());
  EXPECT_EQ(repeat->creation_date, T(1));
  absl::StatusOr<ActivityRecord> stored = this->store().GetActivity(repeat->arn);
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->creation_date, T(1));

  // Another arn with the same name conflicts.
  ActivityRecord other_region = MakeActivity("review");
  other_region.arn = "arn:aws:states:eu-west-1:123456789012:activity:review";
  EXPECT_THAT(this->store().CreateActivity(other_region),
              StatusIs(absl::StatusCode::kAlreadyExists));
  // So does the same arn under another name (a caller bug, never a repeat).
  ActivityRecord renamed = MakeActivity("review");
  renamed.name = "other";
  EXPECT_THAT(this->store().CreateActivity(renamed), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(this->store().GetActivity(other_region.arn), StatusIs(absl::StatusCode::kNotFound));
}

TYPED_TEST(ActivityConformance, RejectsEmptyKeys) {
  ActivityRecord no_arn = MakeActivity("a");
  no_arn.arn.clear();
  EXPECT_THAT(this->store().CreateActivity(no_arn), StatusIs(absl::StatusCode::kInvalidArgument));
  ActivityRecord no_name = MakeActivity("a");
  no_name.name.clear();
  EXPECT_THAT(this->store().CreateActivity(no_name), StatusIs(absl::StatusCode::kInvalidArgument));
}

TYPED_TEST(ActivityConformance, ConcurrentCreatesOfOneNameAgree) {
  constexpr int kThreads = 6;
  std::vector<absl::StatusOr<ActivityRecord>> results(kThreads, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back(
        [&, i] { results[i] = this->store().CreateActivity(MakeActivity("x", T(i))); });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_THAT(results[0], IsOk());
  for (const absl::StatusOr<ActivityRecord>& result : results) {
    ASSERT_THAT(result, IsOk());
    EXPECT_EQ(result->creation_date, results[0]->creation_date);  // All got the winner.
  }
}

TYPED_TEST(ActivityConformance, ListPaginatesByArn) {
  for (std::string_view name : {"e", "b", "d", "a", "c"}) {
    ASSERT_THAT(this->store().CreateActivity(MakeActivity(name)), IsOk());
  }
  std::vector<std::string> names;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<ActivityPage> page = this->store().ListActivities(2, token);
    ASSERT_THAT(page, IsOk());
    EXPECT_LE(page->activities.size(), 2u);
    for (const ActivityRecord& record : page->activities) names.push_back(record.name);
    token = page->next_page_token;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_THAT(names, ElementsAre("a", "b", "c", "d", "e"));
  EXPECT_EQ(pages, 3);

  absl::StatusOr<ActivityPage> all = this->store().ListActivities(5, "");
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->activities.size(), 5u);
  EXPECT_EQ(all->next_page_token, "");  // Exactly one page: no token.

  // A page token outlives the activity it names.
  absl::StatusOr<ActivityPage> first = this->store().ListActivities(2, "");
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(this->store().DeleteActivity(first->activities.back().arn), IsOk());
  absl::StatusOr<ActivityPage> rest = this->store().ListActivities(10, first->next_page_token);
  ASSERT_THAT(rest, IsOk());
  ASSERT_EQ(rest->activities.size(), 3u);
  EXPECT_EQ(rest->activities[0].name, "c");
}

TYPED_TEST(ActivityConformance, ListRejectsBadTokensAndSizes) {
  EXPECT_THAT(this->store().ListActivities(2, "not a token!"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(this->store().ListActivities(0, ""), StatusIs(absl::StatusCode::kInvalidArgument));
  // A state machine listing's token is not an activity listing's.
  for (std::string_view name : {"m1", "m2"}) this->Machine(name);
  absl::StatusOr<StateMachinePage> machines = this->store().ListStateMachines(1, "");
  ASSERT_THAT(machines, IsOk());
  ASSERT_FALSE(machines->next_page_token.empty());
  EXPECT_THAT(this->store().ListActivities(2, machines->next_page_token),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // An empty store lists nothing.
  absl::StatusOr<ActivityPage> empty = this->store().ListActivities(3, "");
  ASSERT_THAT(empty, IsOk());
  EXPECT_TRUE(empty->activities.empty());
  EXPECT_EQ(empty->next_page_token, "");
}

}  // namespace
}  // namespace stepwise::persistence::testing
