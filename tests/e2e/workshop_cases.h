// The workshop scenario's cases for the e2e test: for each of the eight
// versions (examples/workshop/), the applications of WORKSHOP.md it can
// process and what real workers make of them — the application's state,
// the execution's status, the states it entered, key output fields. The
// same outcomes as tests/workshop/ (the mocked `stepwise run`), except where
// a mock stood in for a worker: here the Account Applications service keeps
// the application's state, so versions 2 to 4 leave it SUBMITTED (their
// Approve/Reject are Pass states) or REVIEW_APPROVED / REVIEW_REJECTED.
//
//   for (const WorkshopCase& c : WorkshopCases()) ...
#ifndef STEPWISE_TESTS_E2E_WORKSHOP_CASES_H_
#define STEPWISE_TESTS_E2E_WORKSHOP_CASES_H_

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "stepwise/v1/states.pb.h"

namespace stepwise::e2e {

inline constexpr std::array<const char*, 8> kWorkshopVersions = {
    "1-first-version",       "2-data-checking-result-paths",
    "3-add-review-required", "4-integrate-callback-from-review",
    "5-add-approve-reject",  "6-add-retries",
    "7-add-catch",           "8-parallel-steps"};

inline constexpr char kUnprocessableReason[] =
    "Simulated error: Name 'UNPROCESSABLE_DATA' is not possible to check.";

enum class Review { kNone, kApprove, kReject };

// What an execution and its application look like once it has settled.
struct Outcome {
  v1::ExecutionStatus status = v1::EXECUTION_STATUS_SUCCEEDED;
  std::string application_state{};  // "APPROVED", ...
  std::string reason{};             // The application's reason.
  // The names of the states entered, in order; the names in one group may
  // come in any order (Parallel branches).
  std::vector<std::vector<std::string>> entered{};
  std::string error{};       // When FAILED.
  std::string cause_part{};  // When FAILED: a part of the cause.
  // JSON pointer into the execution output -> the expected JSON text.
  std::vector<std::pair<std::string, std::string>> output{};
};

struct WorkshopCase {
  int version = 0;    // 1..8
  std::string label;  // "EvilSpockApprovedAfterReview"
  std::string name;
  std::string address;
  // Whether the execution stops at Pending Review, waiting for the callback.
  bool waits_for_review = false;
  // The decision sent once it waits (kNone: it keeps waiting).
  Review review = Review::kNone;
  Outcome outcome;  // After the review, if any.
};

std::vector<WorkshopCase> WorkshopCases();

// Whether `names` is `groups` flattened, the names of each group in any order.
bool MatchesGroups(std::vector<std::string> names,
                   const std::vector<std::vector<std::string>>& groups);
// "[a] [b | c] ..." for failure messages.
std::string GroupsToString(const std::vector<std::vector<std::string>>& groups);
// The groups up to and including {"Pending Review"}.
std::vector<std::vector<std::string>> UpToPendingReview(
    const std::vector<std::vector<std::string>>& groups);

}  // namespace stepwise::e2e

#endif  // STEPWISE_TESTS_E2E_WORKSHOP_CASES_H_
