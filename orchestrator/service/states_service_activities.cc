// StatesService: the activity RPCs (Create/Describe/Delete/ListActivities)
// and GetActivityTask's existence check, as the AWS API reference describes
// them:
// - CreateActivity is idempotent by name: a repeat returns the existing
//   activity (its creationDate) and ignores the repeat's tags.
// - DeleteActivity of a missing activity succeeds (its only error is
//   InvalidArn); tasks already scheduled on it stay in its queue.
// - Describe/GetActivityTask of a missing one: ActivityDoesNotExist.
#include <algorithm>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/str_cat.h"
#include "orchestrator/asl/names.h"
#include "orchestrator/service/grpc_status.h"
#include "orchestrator/service/states_service.h"
#include "orchestrator/service/states_service_internal.h"

namespace stepwise::service {
namespace {

using internal::Error;
using internal::SetTimestamp;
using persistence::ActivityRecord;

constexpr int kMaxTags = 50;     // AWS: at most 50 tags per resource.
constexpr size_t kMaxArn = 256;  // AWS: activityArn is 1 to 256 characters.

// arn:aws:states:REGION:ACCOUNT:activity:NAME, NAME without ':' (activity
// names never contain one), at most 256 characters. InvalidArn otherwise.
grpc::Status CheckActivityArn(const std::string& arn) {
  // Six colons: arn:aws:states:REGION:ACCOUNT:activity:NAME, nothing after NAME.
  if (arn.size() > kMaxArn || !internal::IsArnOfKind(arn, "activity") ||
      std::count(arn.begin(), arn.end(), ':') != 6) {
    return internal::InvalidArn(arn);
  }
  return grpc::Status::OK;
}

// InvalidName unless `name` follows AWS's activity name rules (the same as
// for state machines: 1 to 80 characters; no whitespace, brackets,
// wildcards, special or control characters).
grpc::Status CheckActivityName(std::string_view name) {
  std::string_view problem;
  switch (asl::CheckResourceName(name)) {
    case asl::ResourceNameProblem::kNone:
      return grpc::Status::OK;
    case asl::ResourceNameProblem::kEmpty:
      problem = "the activity name must not be empty";
      break;
    case asl::ResourceNameProblem::kTooLong:
      problem = "the activity name is longer than 80 characters";
      break;
    case asl::ResourceNameProblem::kInvalid:
      problem =
          "the activity name must not contain whitespace, brackets (< > { } [ ]), wildcards "
          "(? *), special characters (\" # % \\ ^ | ~ ` $ & , ; : /) or control characters";
      break;
  }
  return Error(absl::StatusCode::kInvalidArgument, "InvalidName",
               StrCat("Invalid Name: '", name, "': ", problem), {{"field", "name"}});
}

}  // namespace

std::string StatesService::ActivityArn(std::string_view name) const {
  return StrCat("arn:aws:states:", options_.region, ":", options_.account, ":activity:", name);
}

grpc::Status StatesService::CreateActivity(const v1::CreateActivityRequest& request,
                                           v1::CreateActivityResponse* response) {
  if (grpc::Status s = CheckActivityName(request.name()); !s.ok()) return s;
  if (request.tags_size() > kMaxTags) {
    return Error(absl::StatusCode::kInvalidArgument, "TooManyTags",
                 StrCat("Too many tags: ", request.tags_size(), "; the limit is ", kMaxTags),
                 {{"field", "tags"}});
  }
  ActivityRecord record{ActivityArn(request.name()), request.name(), clock_.Now()};
  // Idempotent by name (the arn is made from it): the store returns the
  // existing activity with its creation date. Tags are not stored: AWS
  // ignores a repeat's tags, and Stepwise has no tag RPCs yet.
  absl::StatusOr<ActivityRecord> created = store_.CreateActivity(record);
  if (!created.ok()) {
    // kAlreadyExists: another arn holds the name (the region or account
    // changed between runs on one database).
    std::string_view name =
        created.status().code() == absl::StatusCode::kAlreadyExists ? "ActivityAlreadyExists" : "";
    return ToGrpcStatus(created.status(), name, {{"resource", record.arn}});
  }
  response->set_activity_arn(created->arn);
  SetTimestamp(created->creation_date, response->mutable_creation_date());
  return grpc::Status::OK;
}

grpc::Status StatesService::DescribeActivity(const v1::DescribeActivityRequest& request,
                                             v1::DescribeActivityResponse* response) {
  const std::string& arn = request.activity_arn();
  if (grpc::Status s = CheckActivityArn(arn); !s.ok()) return s;
  absl::StatusOr<ActivityRecord> record = store_.GetActivity(arn);
  if (!record.ok()) return internal::LookupError(record.status(), "ActivityDoesNotExist", arn);
  response->set_activity_arn(record->arn);
  response->set_name(record->name);
  SetTimestamp(record->creation_date, response->mutable_creation_date());
  return grpc::Status::OK;
}

grpc::Status StatesService::DeleteActivity(const v1::DeleteActivityRequest& request,
                                           v1::DeleteActivityResponse* /*response*/) {
  const std::string& arn = request.activity_arn();
  if (grpc::Status s = CheckActivityArn(arn); !s.ok()) return s;
  {
    std::lock_guard<std::mutex> lock(activity_mu_);
    known_activities_.erase(arn);
  }
  absl::Status deleted = store_.DeleteActivity(arn);
  if (deleted.code() == absl::StatusCode::kNotFound) return grpc::Status::OK;  // As AWS.
  return ToGrpcStatus(deleted, "", {{"resource", arn}});
}

grpc::Status StatesService::ListActivities(const v1::ListActivitiesRequest& request,
                                           v1::ListActivitiesResponse* response) {
  absl::StatusOr<int> page_size = internal::PageSize(request.max_results());
  if (!page_size.ok()) return internal::PageSizeError(page_size.status());
  absl::StatusOr<persistence::ActivityPage> page =
      store_.ListActivities(*page_size, request.next_token());
  if (!page.ok()) {
    const bool bad_token =
        page.status().code() == absl::StatusCode::kInvalidArgument && !request.next_token().empty();
    return ToGrpcStatus(page.status(), bad_token ? "InvalidToken" : "", {{"field", "next_token"}});
  }
  for (const ActivityRecord& record : page->activities) {
    v1::ActivityListItem* item = response->add_activities();
    item->set_activity_arn(record.arn);
    item->set_name(record.name);
    SetTimestamp(record.creation_date, item->mutable_creation_date());
  }
  response->set_next_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status StatesService::CheckActivityExists(const std::string& activity_arn) {
  if (grpc::Status s = CheckActivityArn(activity_arn); !s.ok()) return s;
  const absl::Time now = clock_.Now();
  {
    std::lock_guard<std::mutex> lock(activity_mu_);
    auto it = known_activities_.find(activity_arn);
    if (it != known_activities_.end()) {
      if (now - it->second < options_.activity_cache_ttl) return grpc::Status::OK;
      known_activities_.erase(it);
    }
  }
  absl::StatusOr<ActivityRecord> record = store_.GetActivity(activity_arn);
  if (!record.ok()) {
    return internal::LookupError(record.status(), "ActivityDoesNotExist", activity_arn);
  }
  std::lock_guard<std::mutex> lock(activity_mu_);
  known_activities_[activity_arn] = now;
  return grpc::Status::OK;
}

}  // namespace stepwise::service
