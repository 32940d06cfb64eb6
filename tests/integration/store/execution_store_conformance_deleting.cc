// ExecutionStore conformance, asynchronous state machine deletion (AWS's
// DELETING status): a deleted machine stays, DELETING, while one of its
// executions runs; then it is gone and its name is free again.
#include "tests/integration/store/execution_store_conformance.h"

namespace stepwise::persistence::testing {
namespace {

using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;

template <typename Backend>
class DeletingConformance : public ExecutionStoreConformance<Backend> {
 protected:
  // Ends the RUNNING execution `arn` (version 1) with SUCCEEDED.
  void Finish(const std::string& arn) {
    StepUpdate done = MakeStep(arn, 2, 2);
    done.status = ExecutionStatus::kSucceeded;
    done.output = "{}";
    done.stop_time = T(5);
    ASSERT_THAT(this->store().CommitStep(done, 1), IsOk());
  }

  std::vector<std::string> ListedArns() {
    absl::StatusOr<StateMachinePage> page = this->store().ListStateMachines(100, "");
    EXPECT_THAT(page, IsOk());
    std::vector<std::string> arns;
    if (page.ok()) {
      for (const StateMachineRecord& record : page->state_machines) arns.push_back(record.arn);
    }
    return arns;
  }
};

TYPED_TEST_SUITE(DeletingConformance, Backends, BackendNames);

TYPED_TEST(DeletingConformance, NewMachinesAreActive) {
  const StateMachineRecord machine = this->Machine("orders");
  EXPECT_THAT(this->store().GetStateMachine(machine.arn),
              HasValue(Field(&StateMachineRecord::status, StateMachineStatus::kActive)));
}

TYPED_TEST(DeletingConformance, MachineWithARunningExecutionStaysDeletingUntilItEnds) {
  const StateMachineRecord machine = this->Machine("orders");
  const NewExecution run = MakeExecution(machine, "run-1");
  this->Start(run);
  ASSERT_THAT(this->store().DeleteStateMachine(machine.arn), IsOk());
  EXPECT_THAT(this->store().GetStateMachine(machine.arn),
              HasValue(Field(&StateMachineRecord::status, StateMachineStatus::kDeleting)));
  EXPECT_THAT(this->ListedArns(), ElementsAre(machine.arn));
  // Deleting again is fine while it is DELETING.
  EXPECT_THAT(this->store().DeleteStateMachine(machine.arn), IsOk());

  // No new executions, updates or re-creations while DELETING.
  EXPECT_THAT(this->store().CreateExecution(MakeExecution(machine, "run-2")),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  StateMachineUpdate update;
  update.arn = machine.arn;
  update.definition = machine.definition;
  update.revision_id = "orders-rev-2";
  update.update_date = T(3);
  EXPECT_THAT(this->store().UpdateStateMachine(update),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(this->store().CreateStateMachine(machine),
              StatusIs(absl::StatusCode::kFailedPrecondition));

  // The running execution still commits; once it ends the machine is gone.
  this->Finish(run.execution.execution_arn);
  EXPECT_THAT(this->store().GetStateMachine(machine.arn), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->ListedArns(), ElementsAre());
  EXPECT_THAT(this->store().DeleteStateMachine(machine.arn), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->store().UpdateStateMachine(update), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->store().CreateExecution(MakeExecution(machine, "run-3")),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->store().GetExecution(run.execution.execution_arn), IsOk());
  EXPECT_THAT(this->store().GetStateMachineRevision(machine.revision_id), IsOk());
}

// The step path learns of DELETING from LoadExecution, with no extra read.
TYPED_TEST(DeletingConformance, LoadExecutionCarriesTheMachineStatus) {
  const StateMachineRecord machine = this->Machine("orders");
  const NewExecution run = MakeExecution(machine, "run-1");
  this->Start(run);
  const std::string& arn = run.execution.execution_arn;
  absl::StatusOr<ExecutionSnapshot> before = this->store().LoadExecution(arn);
  ASSERT_THAT(before, IsOk());
  EXPECT_EQ(before->machine_status, StateMachineStatus::kActive);
  EXPECT_EQ(before->machine_name, machine.name);
  EXPECT_EQ(before->machine_type, machine.type);
  ASSERT_THAT(this->store().DeleteStateMachine(machine.arn), IsOk());
  EXPECT_THAT(this->store().LoadExecution(arn),
              HasValue(Field(&ExecutionSnapshot::machine_status, StateMachineStatus::kDeleting)));
}

TYPED_TEST(DeletingConformance, NameIsFreeOnceTheDeletionFinished) {
  const StateMachineRecord machine = this->Machine("orders");
  const NewExecution run = MakeExecution(machine, "run-1");
  this->Start(run);
  ASSERT_THAT(this->store().DeleteStateMachine(machine.arn), IsOk());
  this->Finish(run.execution.execution_arn);

  StateMachineRecord again = MakeStateMachine("orders");
  again.revision_id = "orders-rev-new";
  again.definition = R"({"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}})";
  absl::StatusOr<StateMachineRecord> created = this->store().CreateStateMachine(again);
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->status, StateMachineStatus::kActive);
  EXPECT_EQ(created->revision_id, "orders-rev-new");
  EXPECT_THAT(this->store().GetStateMachine(machine.arn),
              HasValue(Field(&StateMachineRecord::definition, again.definition)));
}

TYPED_TEST(DeletingConformance, MachineWithoutRunningExecutionsIsGoneAtOnce) {
  const StateMachineRecord machine = this->Machine("orders");
  const StateMachineRecord other = this->Machine("other");
  const NewExecution elsewhere = MakeExecution(other, "run-1");  // Another machine's run.
  this->Start(elsewhere);
  ASSERT_THAT(this->store().DeleteStateMachine(machine.arn), IsOk());
  EXPECT_THAT(this->store().GetStateMachine(machine.arn), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->ListedArns(), ElementsAre(other.arn));
  StateMachineRecord again = machine;
  again.revision_id = "orders-rev-new";  // Revision ids are never reused.
  EXPECT_THAT(this->store().CreateStateMachine(again), IsOk());
}

}  // namespace
}  // namespace stepwise::persistence::testing
