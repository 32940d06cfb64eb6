// PostgresStore: the activity operations (execution_store.h, "Activities") on
// the `activities` table (schema 0003). Activities are rare control-plane
// calls, so their SQL is sent with exec_params rather than prepared on every
// pooled connection.
#include <cstdint>
#include <string>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "persistence/activity_rules.h"
#include "persistence/postgres/pool.h"
#include "persistence/postgres/postgres_store.h"
#include "persistence/store_rules.h"
#include "pqxx/nontransaction"
#include "pqxx/result"

namespace stepwise::persistence {
namespace {

#define STEPWISE_ACTIVITY_COLUMNS "arn, name, stepwise_us(creation_date)"

constexpr char kInsertActivity[] =
    "INSERT INTO activities (arn, name, creation_date) VALUES ($1, $2, stepwise_ts($3))"
    " ON CONFLICT DO NOTHING RETURNING " STEPWISE_ACTIVITY_COLUMNS;
constexpr char kGetActivity[] =
    "SELECT " STEPWISE_ACTIVITY_COLUMNS " FROM activities WHERE arn = $1";
constexpr char kDeleteActivity[] = "DELETE FROM activities WHERE arn = $1";
constexpr char kListActivities[] =
    "SELECT " STEPWISE_ACTIVITY_COLUMNS " FROM activities WHERE arn > $1 ORDER BY arn LIMIT $2";

#undef STEPWISE_ACTIVITY_COLUMNS

ActivityRecord ToActivity(const pqxx::row& row) {
  return ActivityRecord{row[0].as<std::string>(), row[1].as<std::string>(),
                        FromMicros(row[2].as<int64_t>())};
}

absl::Status NoActivity(std::string_view arn) {
  return absl::NotFoundError(StrCat("Activity does not exist: '", arn, "'"));
}

}  // namespace

absl::StatusOr<ActivityRecord> PostgresStore::CreateActivity(const ActivityRecord& record) {
  RETURN_IF_ERROR(ValidateActivity(record));
  return pool_->Transact([&](pqxx::work& tx) -> absl::StatusOr<ActivityRecord> {
    pqxx::result inserted =
        tx.exec_params(kInsertActivity, record.arn, record.name, ToMicros(record.creation_date));
    if (!inserted.empty()) return ToActivity(inserted[0]);
    // The arn or the name exists (ON CONFLICT waited for a concurrent insert
    // to commit, so the row is visible now).
    pqxx::result existing = tx.exec_params(kGetActivity, record.arn);
    if (!existing.empty()) {
      ActivityRecord current = ToActivity(existing[0]);
      if (current.name == record.name) return current;
    }
    return absl::AlreadyExistsError(
        StrCat("Activity already exists: '", record.arn, "' / '", record.name, "'"));
  });
}

absl::StatusOr<ActivityRecord> PostgresStore::GetActivity(std::string_view arn) {
  return pool_->Query(ConnectionPool::Rerun::kAlways,
                      [&](pqxx::nontransaction& tx) -> absl::StatusOr<ActivityRecord> {
                        pqxx::result result = tx.exec_params(kGetActivity, std::string(arn));
                        if (result.empty()) return NoActivity(arn);
                        return ToActivity(result[0]);
                      });
}

absl::Status PostgresStore::DeleteActivity(std::string_view arn) {
  return pool_->Transact([&](pqxx::work& tx) -> absl::Status {
    pqxx::result result = tx.exec_params(kDeleteActivity, std::string(arn));
    if (result.affected_rows() == 0) return NoActivity(arn);
    return absl::OkStatus();
  });
}

absl::StatusOr<ActivityPage> PostgresStore::ListActivities(int page_size,
                                                           std::string_view page_token) {
  if (page_size < 1) return absl::InvalidArgumentError("Page size must be at least 1");
  ASSIGN_OR_RETURN(std::string after, ActivityPageStart(page_token));
  return pool_->Query(ConnectionPool::Rerun::kAlways,
                      [&](pqxx::nontransaction& tx) -> absl::StatusOr<ActivityPage> {
                        // One extra row tells whether another page follows.
                        pqxx::result result =
                            tx.exec_params(kListActivities, after, int64_t{page_size} + 1);
                        ActivityPage page;
                        for (const pqxx::row& row : result) {
                          if (static_cast<int>(page.activities.size()) == page_size) {
                            page.next_page_token = ActivityPageToken(page.activities.back());
                            break;
                          }
                          page.activities.push_back(ToActivity(row));
                        }
                        return page;
                      });
}

}  // namespace stepwise::persistence
