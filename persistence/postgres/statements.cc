#include "persistence/postgres/statements.h"

namespace stepwise::persistence::sql {

void PrepareAll(pqxx::connection& connection) {
  for (const Statement* statement : {&kGetStateMachine,
                                     &kInsertStateMachine,
                                     &kInsertRevision,
                                     &kGetRevision,
                                     &kListStateMachines,
                                     &kUpdateStateMachine,
                                     &kMarkStateMachineDeleting,
                                     &kPurgeStateMachines,
                                     &kGetExecution,
                                     &kLoadExecution,
                                     &kInsertExecution,
                                     &kListExecutions,
                                     &kCommitExecution,
                                     &kExecutionVersion,
                                     &kInsertHistory,
                                     &kHistoryForward,
                                     &kHistoryReverse,
                                     &kInsertTasks,
                                     &kCloseTasks,
                                     &kNotifyQueues,
                                     &kClaimTask,
                                     &kFindTask,
                                     &kHeartbeat,
                                     &kAcknowledgeInvocation,
                                     &kUpsertTimers,
                                     &kDeleteTimers,
                                     &kClaimTimers,
                                     &kRescheduleTimer,
                                     &kDeleteHeldTimer,
                                     &kTimerExists}) {
    connection.prepare(statement->name, statement->sql);
  }
}

}  // namespace stepwise::persistence::sql
