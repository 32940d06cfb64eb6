// PostgresStore: the durable ExecutionStore on PostgreSQL (libpqxx), the one
// the orchestrator runs on. Schema: persistence/schema/*.sql.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<PostgresStore> store,
//                    PostgresStore::Connect({.url = "postgresql://..."}));
//
// Each operation is one READ COMMITTED transaction on a pooled connection.
// CommitStep's version guard is the row's `UPDATE ... WHERE version = $v`,
// which serializes concurrent steps of one execution on the row lock; task
// and timer claims use FOR UPDATE SKIP LOCKED so claimers never block each
// other. A step that schedules tasks also runs `NOTIFY stepwise_tasks,
// '<queue>'`, delivered to listeners when (and only if) it commits.
// libpqxx exceptions never leave this class (FromPqxx). Thread-safe.
#ifndef STEPWISE_PERSISTENCE_POSTGRES_POSTGRES_STORE_H_
#define STEPWISE_PERSISTENCE_POSTGRES_POSTGRES_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "persistence/execution_store.h"

namespace stepwise::persistence {

class CommitBatcher;
class ConnectionPool;
struct StepCommit;

// The pool size when none is given: one connection per core of this
// machine plus one (so that a core is not left idle while a commit waits for
// its WAL flush), at least 3 and at most 16. Connections beyond what the
// database's cores run at once add no commits per second; their statements
// queue inside PostgreSQL instead, where every backend competes for the CPUs
// and locks, instead of in the pool's first-come-first-served queue, and
// steps that wait for a connection share the next one's commit (batches,
// max_commit_batch). With the embedded server those cores are this
// machine's: on 2 cores, 4 connections cut the commit -> worker latency at
// 64 executions in flight from ~9 ms to ~1.3 ms (p50) against 16, and 3 with
// batches of up to 8 commit ~20% more steps per second than 4 without
// (bench/README.md). A remote database may warrant more.
int DefaultMaxConnections();

struct PostgresStoreOptions {
  std::string url;  // libpq connection string or URI.
  int max_connections = DefaultMaxConnections();
  absl::Duration acquire_timeout = absl::Seconds(10);
  // Most engine steps committed in one transaction when steps of several
  // executions wait for a connection at once (CommitBatcher); 1: every step
  // in its own, no batcher. Below saturation a step finds a free connection
  // and commits alone, at once; under load batches save CPU and WAL flushes
  // per step (each step still commits or fails on its own). Larger batches
  // add little throughput and deliver their steps' tasks in larger bursts
  // (bench/README.md, "Batches").
  int max_commit_batch = 8;
  bool apply_migrations = true;  // Run ApplyMigrations(url) before connecting.
};

class PostgresStore final : public ExecutionStore {
 public:
  // Migrates (unless told not to) and checks that the database answers.
  // kUnavailable when it cannot be reached.
  static absl::StatusOr<std::unique_ptr<PostgresStore>> Connect(
      const PostgresStoreOptions& options);
  ~PostgresStore() override;

  absl::StatusOr<StateMachineRecord> CreateStateMachine(const StateMachineRecord& record) override;
  absl::StatusOr<StateMachineRecord> GetStateMachine(std::string_view arn) override;
  absl::StatusOr<StateMachineRevision> GetStateMachineRevision(
      std::string_view revision_id) override;
  absl::StatusOr<StateMachinePage> ListStateMachines(int page_size,
                                                     std::string_view page_token) override;
  absl::StatusOr<StateMachineRecord> UpdateStateMachine(const StateMachineUpdate& update) override;
  absl::Status DeleteStateMachine(std::string_view arn) override;

  // Activities: postgres_store_activities.cc.
  absl::StatusOr<ActivityRecord> CreateActivity(const ActivityRecord& record) override;
  absl::StatusOr<ActivityRecord> GetActivity(std::string_view arn) override;
  absl::Status DeleteActivity(std::string_view arn) override;
  absl::StatusOr<ActivityPage> ListActivities(int page_size, std::string_view page_token) override;

  absl::StatusOr<CreateExecutionResult> CreateExecution(const NewExecution& execution) override;
  absl::StatusOr<ExecutionRecord> GetExecution(std::string_view execution_arn) override;
  absl::StatusOr<ExecutionSnapshot> LoadExecution(std::string_view execution_arn) override;
  absl::StatusOr<ExecutionPage> ListExecutions(const ExecutionFilter& filter, int page_size,
                                               std::string_view page_token) override;
  // Concurrent calls may share one transaction (CommitBatcher,
  // commit_batcher.h; schema 0011): each step still commits or fails alone.
  absl::StatusOr<int64_t> CommitStep(const StepUpdate& update, int64_t expected_version) override;
  // Several steps in one round trip and one transaction, each in its own
  // subtransaction; one result per step, in order, each as CommitStep would
  // give it. (CommitStep's batches; public for tests.)
  std::vector<absl::StatusOr<int64_t>> CommitSteps(const std::vector<StepCommit>& steps);
  absl::StatusOr<std::vector<HistoryRecord>> ReadHistory(std::string_view execution_arn,
                                                         const HistoryQuery& query) override;

  using ExecutionStore::ClaimTask;
  absl::StatusOr<std::optional<TaskRecord>> ClaimTask(std::string_view queue,
                                                      std::string_view worker_id,
                                                      const TaskLeaseRule& rule,
                                                      absl::Time now) override;
  absl::StatusOr<TaskRecord> FindTaskByToken(std::string_view task_token) override;
  absl::StatusOr<TaskRecord> RecordHeartbeat(std::string_view task_token, absl::Time now,
                                             absl::Time lease_until) override;
  absl::StatusOr<TaskRecord> AcknowledgeInvocation(std::string_view invocation_token) override;

  absl::StatusOr<std::vector<TimerRecord>> ClaimDueTimers(absl::Time now, int limit,
                                                          std::string_view owner,
                                                          absl::Time lease_until) override;
  absl::Status RescheduleTimer(std::string_view execution_arn, std::string_view timer_id,
                               std::string_view owner, absl::Time fire_at) override;
  absl::Status DeleteTimer(std::string_view execution_arn, std::string_view timer_id,
                           std::string_view owner) override;

 private:
  PostgresStore(std::unique_ptr<ConnectionPool> pool, const PostgresStoreOptions& options);

  absl::StatusOr<int64_t> CommitOneStep(const StepUpdate& update, int64_t expected_version);

  std::unique_ptr<ConnectionPool> pool_;
  std::unique_ptr<CommitBatcher> batcher_;  // Runs CommitSteps; null: max_commit_batch 1.
};

}  // namespace stepwise::persistence

#endif  // STEPWISE_PERSISTENCE_POSTGRES_POSTGRES_STORE_H_
