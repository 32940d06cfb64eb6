#include "tests/e2e/workshop_cases.h"

#include <algorithm>

#include "common/str_cat.h"

namespace stepwise::e2e {
namespace {

using Groups = std::vector<std::vector<std::string>>;
using Fields = std::vector<std::pair<std::string, std::string>>;

// The applications of WORKSHOP.md's table.
struct Applicant {
  const char* name;
  const char* address;
};
constexpr Applicant kSpock = {"Spock", "123 Enterprise Street"};
constexpr Applicant kEvilSpock = {"evil Spock", "123 Enterprise Street"};
constexpr Applicant kBadAddress = {"Spock", "ABadAddress"};
constexpr Applicant kUnprocessable = {"UNPROCESSABLE_DATA", "123 Street"};

WorkshopCase Case(int version, std::string label, Applicant applicant, Outcome outcome) {
  WorkshopCase c;
  c.version = version;
  c.label = std::move(label);
  c.name = applicant.name;
  c.address = applicant.address;
  c.outcome = std::move(outcome);
  return c;
}

Groups Concat(Groups groups, const Groups& more) {
  groups.insert(groups.end(), more.begin(), more.end());
  return groups;
}

}  // namespace

std::vector<WorkshopCase> WorkshopCases() {
  std::vector<WorkshopCase> cases;
  constexpr auto kSucceeded = v1::EXECUTION_STATUS_SUCCEEDED;
  constexpr auto kRunning = v1::EXECUTION_STATUS_RUNNING;

  // Version 1: Check Name has no ResultPath, so its result replaces the
  // input and Check Address cannot find $.application.address; nothing
  // catches the data check's own error either.
  cases.push_back(Case(1, "SpockFailsAtCheckAddress", kSpock,
                       {.status = v1::EXECUTION_STATUS_FAILED,
                        .application_state = "SUBMITTED",
                        .entered = {{"Check Name"}, {"Check Address"}},
                        .error = "States.Runtime",
                        .cause_part = "Check Address"}));
  cases.push_back(Case(1, "UnprocessableDataFailsAtCheckName", kUnprocessable,
                       {.status = v1::EXECUTION_STATUS_FAILED,
                        .application_state = "SUBMITTED",
                        .entered = {{"Check Name"}},
                        .error = "UnprocessableDataException",
                        .cause_part = kUnprocessableReason}));

  for (int n = 2; n <= 8; ++n) {
    const std::string checks_name = n == 8 ? "/checks/0/flagged" : "/checks/name/flagged";
    const std::string checks_address = n == 8 ? "/checks/1/flagged" : "/checks/address/flagged";
    const Groups checks = n == 8 ? Groups{{"Check Applicant Data"}, {"Check Name", "Check Address"}}
                                 : Groups{{"Check Name"}, {"Check Address"}};
    const Groups decided = n >= 3 ? Concat(checks, {{"Review Required?"}}) : checks;
    // From version 5 on Approve/Reject are Tasks of the Account Applications
    // service, whose result (the application) is the execution's output.
    const auto approved = [&](const Fields& before_v5) {
      return n >= 5 ? Fields{{"/state", R"("APPROVED")"}} : before_v5;
    };

    cases.push_back(
        Case(n, "SpockApproved", kSpock,
             {.status = kSucceeded,
              .application_state = n >= 5 ? "APPROVED" : "SUBMITTED",
              .entered = Concat(decided, {{"Approve Application"}}),
              .output = approved({{checks_name, "false"}, {checks_address, "false"}})}));
    if (n == 2) {
      cases.push_back(Case(n, "EvilSpockApprovedWithoutReview", kEvilSpock,
                           {.status = kSucceeded,
                            .application_state = "SUBMITTED",
                            .entered = Concat(decided, {{"Approve Application"}}),
                            .output = {{checks_name, "true"}}}));
      continue;
    }
    if (n == 3) {
      // Pending Review is still a Pass state.
      cases.push_back(Case(n, "EvilSpockFlaggedForReview", kEvilSpock,
                           {.status = kSucceeded,
                            .application_state = "SUBMITTED",
                            .entered = Concat(decided, {{"Pending Review"}}),
                            .output = {{checks_name, "true"}, {checks_address, "false"}}}));
      cases.push_back(Case(n, "BadAddressFlaggedForReview", kBadAddress,
                           {.status = kSucceeded,
                            .application_state = "SUBMITTED",
                            .entered = Concat(decided, {{"Pending Review"}}),
                            .output = {{checks_name, "false"}, {checks_address, "true"}}}));
      continue;
    }
    const Groups reviewed = Concat(decided, {{"Pending Review"}, {"Review Approved?"}});
    WorkshopCase approve =
        Case(n, "EvilSpockApprovedAfterReview", kEvilSpock,
             {.status = kSucceeded,
              .application_state = n >= 5 ? "APPROVED" : "REVIEW_APPROVED",
              .entered = Concat(reviewed, {{"Approve Application"}}),
              .output = approved({{"/review/decision", R"("APPROVE")"}, {checks_name, "true"}})});
    approve.waits_for_review = true;
    approve.review = Review::kApprove;
    cases.push_back(approve);
    WorkshopCase reject = Case(
        n, "EvilSpockRejectedAfterReview", kEvilSpock,
        {.status = kSucceeded,
         .application_state = n >= 5 ? "REJECTED" : "REVIEW_REJECTED",
         .entered = Concat(reviewed, {{"Reject Application"}}),
         .output = n >= 5 ? Fields{{"/state", R"("REJECTED")"}}
                          : Fields{{"/review/decision", R"("REJECT")"}, {checks_name, "true"}}});
    reject.waits_for_review = true;
    reject.review = Review::kReject;
    cases.push_back(reject);
    WorkshopCase bad_address = Case(n, "BadAddressWaitsForReview", kBadAddress,
                                    {.status = kRunning,
                                     .application_state = "FLAGGED_FOR_REVIEW",
                                     .entered = Concat(decided, {{"Pending Review"}})});
    bad_address.waits_for_review = true;
    cases.push_back(bad_address);
    if (n >= 7) {
      // The Catch sends the Lambda-style error to the flag step, a plain
      // lambda:invoke whose result AWS wraps as {"Payload": ...}.
      const Groups caught = n == 8 ? Groups{{"Check Applicant Data"},
                                            {"Check Name", "Check Address"},
                                            {"Flag Application As Unprocessable"}}
                                   : Groups{{"Check Name"}, {"Flag Application As Unprocessable"}};
      cases.push_back(
          Case(n, "UnprocessableData", kUnprocessable,
               {.status = kSucceeded,
                .application_state = "FLAGGED_WITH_UNPROCESSABLE_DATA",
                .reason = kUnprocessableReason,
                .entered = caught,
                .output = {{"/error-info/Error", R"("UnprocessableDataException")"},
                           {"/review/Payload/state", R"("FLAGGED_WITH_UNPROCESSABLE_DATA")"}}}));
    }
  }
  return cases;
}

bool MatchesGroups(std::vector<std::string> names,
                   const std::vector<std::vector<std::string>>& groups) {
  size_t at = 0;
  for (std::vector<std::string> group : groups) {
    if (at + group.size() > names.size()) return false;
    const auto begin = names.begin() + static_cast<std::ptrdiff_t>(at);
    const auto end = begin + static_cast<std::ptrdiff_t>(group.size());
    std::sort(group.begin(), group.end());
    std::sort(begin, end);
    if (!std::equal(group.begin(), group.end(), begin)) return false;
    at += group.size();
  }
  return at == names.size();
}

std::string GroupsToString(const std::vector<std::vector<std::string>>& groups) {
  std::string text;
  for (const std::vector<std::string>& group : groups) {
    StrAppend(&text, text.empty() ? "" : " ", "[", StrJoin(group, " | "), "]");
  }
  return text;
}

std::vector<std::vector<std::string>> UpToPendingReview(
    const std::vector<std::vector<std::string>>& groups) {
  std::vector<std::vector<std::string>> before;
  for (const std::vector<std::string>& group : groups) {
    before.push_back(group);
    if (group == std::vector<std::string>{"Pending Review"}) break;
  }
  return before;
}

}  // namespace stepwise::e2e
