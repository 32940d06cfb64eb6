// WaitingPolls: the matching bookkeeping, step by step (no threads, no time).
#include "orchestrator/dispatch/waiting_polls.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stepwise::dispatch {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const SteadyTime kT0 = SteadyTime() + std::chrono::hours(1);

SteadyTime At(int seconds) { return kT0 + std::chrono::seconds(seconds); }

class WaitingPollsTest : public ::testing::Test {
 protected:
  // Adds poll `id` on `queue` waiting `wait` s (answered by `hard` s at the latest).
  void Add(PollId id, const std::string& queue, int wait = 60, int hard = 65,
           const std::string& key = "") {
    WaitingPoll poll;
    poll.id = id;
    poll.queue = queue;
    poll.key = key;
    poll.worker_name = "w" + std::to_string(id);
    poll.wait_end = At(wait);
    poll.hard_end = At(hard);
    poll.done = [](const std::optional<DispatchedTask>&) {};
    polls_.Add(std::move(poll));
  }

  static std::vector<PollId> Ids(const std::vector<WaitingPoll>& polls) {
    std::vector<PollId> ids;
    ids.reserve(polls.size());
    for (const WaitingPoll& poll : polls) ids.push_back(poll.id);
    return ids;
  }

  WaitingPolls polls_{/*max_claims_per_queue=*/3};
};

TEST_F(WaitingPollsTest, NewPollGetsOneClaimForTheOldestPoll) {
  Add(1, "q");
  Add(2, "q");
  std::vector<ClaimTicket> tickets = polls_.TakeClaims("q");
  ASSERT_THAT(tickets, SizeIs(1));  // One at a time until a claim finds a task.
  EXPECT_EQ(tickets[0].for_poll, 1u);
  EXPECT_EQ(tickets[0].worker_name, "w1");
  EXPECT_EQ(tickets[0].covers_up_to, 2u);
  EXPECT_THAT(polls_.TakeClaims("q"), IsEmpty());  // Already in flight.
  EXPECT_THAT(polls_.TakeClaims("other"), IsEmpty());
}

TEST_F(WaitingPollsTest, TaskGoesToTheReservedPollAndClaimsWidenWhileTasksCome) {
  Add(1, "q");
  Add(2, "q");
  Add(3, "q");
  Add(4, "q");
  ClaimTicket first = polls_.TakeClaims("q").at(0);
  ClaimResolution got = polls_.OnClaimResult(first, ClaimOutcome::kTask, At(0));
  ASSERT_TRUE(got.deliver_to.has_value());
  EXPECT_EQ(got.deliver_to->id, 1u);
  EXPECT_EQ(polls_.size(), 3u);
  // A backlog: two claims at once now, for the two oldest polls.
  std::vector<ClaimTicket> next = polls_.TakeClaims("q");
  ASSERT_THAT(next, SizeIs(2));
  EXPECT_EQ(next[0].for_poll, 2u);
  EXPECT_EQ(next[1].for_poll, 3u);
}

TEST_F(WaitingPollsTest, EmptyClaimClearsTheQueueUnlessNotifiedMeanwhile) {
  Add(1, "q");
  ClaimTicket ticket = polls_.TakeClaims("q").at(0);
  polls_.MarkDirty("q");  // A commit during the claim: it may not have seen the task.
  polls_.OnClaimResult(ticket, ClaimOutcome::kEmpty, At(0));
  std::vector<ClaimTicket> again = polls_.TakeClaims("q");
  ASSERT_THAT(again, SizeIs(1));
  polls_.OnClaimResult(again[0], ClaimOutcome::kEmpty, At(0));
  EXPECT_THAT(polls_.TakeClaims("q"), IsEmpty());  // Clean until the next notification.
  polls_.MarkDirty("q");
  EXPECT_THAT(polls_.TakeClaims("q"), SizeIs(1));
}

TEST_F(WaitingPollsTest, ErrorsWaitForTheSweep) {
  Add(1, "q");
  ClaimTicket ticket = polls_.TakeClaims("q").at(0);
  polls_.MarkDirty("q");
  polls_.OnClaimResult(ticket, ClaimOutcome::kError, At(0));
  EXPECT_THAT(polls_.TakeClaims("q"), IsEmpty());
  polls_.MarkAllDirty();
  EXPECT_THAT(polls_.TakeAllClaims(), SizeIs(1));
}

TEST_F(WaitingPollsTest, NotificationsForQueuesNobodyWaitsOnAreIgnored) {
  polls_.MarkDirty("q");
  polls_.MarkAllDirty();
  EXPECT_THAT(polls_.TakeAllClaims(), IsEmpty());
}

TEST_F(WaitingPollsTest, ZeroWaitIsAnsweredOnlyAfterAClaimTriedForIt) {
  Add(1, "q", /*wait=*/0, /*hard=*/5);
  ClaimTicket ticket = polls_.TakeClaims("q").at(0);
  EXPECT_THAT(polls_.Expire(At(0)), IsEmpty());  // Overdue, but not tried yet.
  EXPECT_EQ(polls_.NextDeadline(), At(5));
  ClaimResolution r = polls_.OnClaimResult(ticket, ClaimOutcome::kEmpty, At(0));
  EXPECT_THAT(Ids(r.answer_empty), ElementsAre(1u));
  EXPECT_EQ(polls_.size(), 0u);
  EXPECT_EQ(polls_.NextDeadline(), SteadyTime::max());
}

TEST_F(WaitingPollsTest, HardEndAnswersEvenWithoutAClaim) {
  Add(1, "q", /*wait=*/0, /*hard=*/5);
  EXPECT_THAT(polls_.Expire(At(1)), IsEmpty());
  EXPECT_THAT(Ids(polls_.Expire(At(5))), ElementsAre(1u));
}

TEST_F(WaitingPollsTest, CoveredPollsExpireAtTheirWaitEnd) {
  Add(1, "q", /*wait=*/10);
  Add(2, "q", /*wait=*/20);
  ClaimTicket ticket = polls_.TakeClaims("q").at(0);
  polls_.OnClaimResult(ticket, ClaimOutcome::kEmpty, At(0));
  EXPECT_EQ(polls_.NextDeadline(), At(10));
  EXPECT_THAT(polls_.Expire(At(9)), IsEmpty());
  EXPECT_THAT(Ids(polls_.Expire(At(10))), ElementsAre(1u));
  EXPECT_THAT(Ids(polls_.Expire(At(20))), ElementsAre(2u));
}

TEST_F(WaitingPollsTest, TaskOfACancelledPollGoesToTheNextOneElseIsReleased) {
  Add(1, "q");
  Add(2, "q");
  ClaimTicket ticket = polls_.TakeClaims("q").at(0);
  ASSERT_TRUE(polls_.Remove(1).has_value());
  EXPECT_FALSE(polls_.Remove(1).has_value());
  ClaimResolution r = polls_.OnClaimResult(ticket, ClaimOutcome::kTask, At(0));
  ASSERT_TRUE(r.deliver_to.has_value());
  EXPECT_EQ(r.deliver_to->id, 2u);

  Add(3, "q");
  ClaimTicket lonely = polls_.TakeClaims("q").at(0);
  ASSERT_TRUE(polls_.Remove(3).has_value());
  EXPECT_FALSE(polls_.OnClaimResult(lonely, ClaimOutcome::kTask, At(0)).deliver_to.has_value());
  EXPECT_EQ(polls_.size(), 0u);
}

TEST_F(WaitingPollsTest, KeysFindWaitingPollsOnlyAndAreFreedWhenThePollLeaves) {
  Add(1, "q", 60, 65, "k1");
  Add(2, "q", 60, 65, "k2");
  Add(3, "q");  // No key.
  EXPECT_TRUE(polls_.HasKey("k1"));
  EXPECT_FALSE(polls_.HasKey(""));
  EXPECT_FALSE(polls_.RemoveByKey("").has_value());
  EXPECT_FALSE(polls_.RemoveByKey("nobody").has_value());

  // A withdrawn poll with a claim in flight: its task goes to the next poll.
  ClaimTicket ticket = polls_.TakeClaims("q").at(0);
  ASSERT_EQ(ticket.for_poll, 1u);
  std::optional<WaitingPoll> withdrawn = polls_.RemoveByKey("k1");
  ASSERT_TRUE(withdrawn.has_value());
  EXPECT_EQ(withdrawn->id, 1u);
  EXPECT_FALSE(polls_.HasKey("k1"));
  ClaimResolution r = polls_.OnClaimResult(ticket, ClaimOutcome::kTask, At(0));
  ASSERT_TRUE(r.deliver_to.has_value());
  EXPECT_EQ(r.deliver_to->id, 2u);
  // Delivered: k2 no longer names a waiting poll and may be used again.
  EXPECT_FALSE(polls_.HasKey("k2"));
  EXPECT_FALSE(polls_.RemoveByKey("k2").has_value());
  Add(4, "q", 60, 65, "k2");
  EXPECT_TRUE(polls_.HasKey("k2"));

  // Expired and shut-down polls free their keys too.
  Add(5, "q", 1, 2, "k5");
  EXPECT_THAT(Ids(polls_.Expire(At(2))), ElementsAre(5));
  EXPECT_FALSE(polls_.HasKey("k5"));
  EXPECT_THAT(polls_.TakeAll(), SizeIs(2));
  EXPECT_FALSE(polls_.HasKey("k2"));
}

TEST_F(WaitingPollsTest, VanishedTaskKeepsTheQueueDirty) {
  Add(1, "q");
  ClaimTicket ticket = polls_.TakeClaims("q").at(0);
  ClaimResolution r = polls_.OnClaimResult(ticket, ClaimOutcome::kGone, At(0));
  EXPECT_FALSE(r.deliver_to.has_value());
  std::vector<ClaimTicket> again = polls_.TakeClaims("q");
  ASSERT_THAT(again, SizeIs(1));
  EXPECT_EQ(again[0].for_poll, 1u);  // Its reservation was given back.
}

TEST_F(WaitingPollsTest, QueuesAreIndependent) {
  Add(1, "a");
  Add(2, "b");
  std::vector<ClaimTicket> tickets = polls_.TakeAllClaims();
  ASSERT_THAT(tickets, SizeIs(2));
  for (const ClaimTicket& t : tickets) {
    ClaimResolution r = polls_.OnClaimResult(t, ClaimOutcome::kTask, At(0));
    ASSERT_TRUE(r.deliver_to.has_value());
    EXPECT_EQ(r.deliver_to->queue, t.queue);
  }
}

TEST_F(WaitingPollsTest, TakeAllEmptiesEverythingAndLateResultsFindNobody) {
  Add(1, "a");
  Add(2, "b");
  ClaimTicket ticket = polls_.TakeClaims("a").at(0);
  EXPECT_THAT(polls_.TakeAll(), SizeIs(2));
  EXPECT_EQ(polls_.size(), 0u);
  EXPECT_FALSE(polls_.OnClaimResult(ticket, ClaimOutcome::kTask, At(0)).deliver_to.has_value());
  EXPECT_EQ(polls_.NextDeadline(), SteadyTime::max());
}

// Held polls (a task being committed for them, TaskDispatcher::BeforeCommit).
TEST_F(WaitingPollsTest, HeldPollGetsNoClaimNoOtherTaskAndOutlivesItsWait) {
  Add(1, "q", /*wait=*/10, /*hard=*/15);
  Add(2, "q", /*wait=*/20, /*hard=*/25);
  ClaimTicket first = polls_.TakeClaims("q").at(0);  // For poll 1.
  polls_.OnClaimResult(first, ClaimOutcome::kEmpty, At(0));
  std::optional<HeldPoll> held = polls_.Hold("q");
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->id, 1u);  // The oldest unreserved poll.
  EXPECT_EQ(held->worker_name, "w1");
  // Claims and their tasks go to poll 2 only; a second hold too.
  polls_.MarkDirty("q");
  std::vector<ClaimTicket> tickets = polls_.TakeClaims("q");
  ASSERT_THAT(tickets, SizeIs(1));
  EXPECT_EQ(tickets[0].for_poll, 2u);
  EXPECT_FALSE(polls_.Hold("q").has_value()) << "every poll is reserved";
  // Past its wait (covered by a claim) it still waits, until hard_end.
  EXPECT_THAT(polls_.Expire(At(11)), IsEmpty());
  ClaimResolution other = polls_.OnClaimResult(tickets[0], ClaimOutcome::kTask, At(11));
  ASSERT_TRUE(other.deliver_to.has_value());
  EXPECT_EQ(other.deliver_to->id, 2u);
  // The commit succeeded: the held poll takes its task.
  std::optional<WaitingPoll> to = polls_.TakeHeld(held->id, "q");
  ASSERT_TRUE(to.has_value());
  EXPECT_EQ(to->id, 1u);
  EXPECT_EQ(polls_.size(), 0u);
  EXPECT_FALSE(polls_.TakeHeld(held->id, "q").has_value()) << "nobody left: release it";
}

TEST_F(WaitingPollsTest, UnheldPollWaitsAsBeforeAndTakeHeldFallsBackToTheNextPoll) {
  Add(1, "q", /*wait=*/10, /*hard=*/15);
  polls_.OnClaimResult(polls_.TakeClaims("q").at(0), ClaimOutcome::kEmpty, At(0));
  std::optional<HeldPoll> held = polls_.Hold("q");
  ASSERT_TRUE(held.has_value());
  EXPECT_THAT(polls_.Expire(At(11)), IsEmpty());
  polls_.Unhold(held->id);  // The commit failed: answered at its wait_end again.
  EXPECT_THAT(Ids(polls_.Expire(At(11))), ElementsAre(1u));

  // The held poll left (cancelled): the next waiting poll gets its task.
  Add(2, "q");
  Add(3, "q");
  held = polls_.Hold("q");  // Poll 2, the oldest unreserved.
  ASSERT_TRUE(held.has_value());
  ASSERT_TRUE(polls_.Remove(held->id).has_value());
  std::optional<WaitingPoll> to = polls_.TakeHeld(held->id, "q");
  ASSERT_TRUE(to.has_value());
  EXPECT_NE(to->id, held->id);
  EXPECT_EQ(polls_.size(), 0u);
}

}  // namespace
}  // namespace stepwise::dispatch
