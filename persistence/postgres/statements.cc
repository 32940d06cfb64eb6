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
                                     &kListExecutions,
                                     &kCommitStep,
                                     &kCommitSteps,
                                     &kCreateExecution,
                                     &kExecutionVersion,
                                     &kHistoryForward,
                                     &kHistoryReverse,
                                     &kClaimTask,
                                     &kFindTask,
                                     &kHeartbeat,
                                     &kAcknowledgeInvocation,
                                     &kClaimTimers,
                                     &kRescheduleTimer,
                                     &kDeleteHeldTimer,
                                     &kTimerExists}) {
    connection.prepare(statement->name, statement->sql);
  }
}

}  // namespace stepwise::persistence::sql
