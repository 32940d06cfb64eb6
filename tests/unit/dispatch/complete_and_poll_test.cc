// Worker.CompleteAndPollTask over an in-process gRPC server (memory store,
// FakeClock): the completion is applied as SendTaskSuccess / SendTaskFailure
// would, and committed before the poll starts; a refused completion (or a bad
// poll, checked first) polls nothing and, for a bad poll, completes nothing;
// a service without a completer answers UNIMPLEMENTED.
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "orchestrator/dispatch/worker_grpc_service.h"
#include "persistence/memory/memory_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/dispatch/dispatch_test_util.h"
#include "tests/unit/dispatch/greeter_fixture.h"
#include "tests/unit/service/executor_test_util.h"

namespace stepwise::dispatch {
namespace {

using ::stepwise::dispatch::testing::AsyncCall;
using ::stepwise::dispatch::testing::AwaitTrue;
using ::stepwise::dispatch::testing::DispatchServer;
using ::stepwise::dispatch::testing::ExceptionName;
using ::stepwise::dispatch::testing::GreeterServerTest;
using ::stepwise::dispatch::testing::kGreeterMachine;
using ::stepwise::dispatch::testing::PollCall;
using ::stepwise::testing::IsOk;
using ::testing::HasSubstr;

using CompleteCall = AsyncCall<v1::CompleteAndPollTaskRequest, v1::PollTaskResponse>;

class CompleteAndPollTest : public GreeterServerTest {
 protected:
  // Polls "greeter" without waiting; the task's token ("" when none came).
  std::string TakeTask() {
    std::unique_ptr<PollCall> poll = server_->StartPoll("greeter", 0);
    EXPECT_TRUE(poll->Wait());
    EXPECT_TRUE(poll->status.ok()) << poll->status.error_message();
    return poll->response.has_task() ? poll->response.task().task_token() : "";
  }

  std::unique_ptr<CompleteCall> Start(std::unique_ptr<CompleteCall> call,
                                      const std::string& queue = "greeter",
                                      absl::Duration deadline = absl::Seconds(30)) {
    call->request.mutable_poll()->set_queue(queue);
    call->request.mutable_poll()->set_worker_name("worker-1");
    if (!call->request.poll().has_wait_time_seconds()) {
      call->request.mutable_poll()->set_wait_time_seconds(60);
    }
    call->context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    call->started = absl::Now();
    CompleteCall* raw = call.get();
    server_->worker_stub->async()->CompleteAndPollTask(
        &raw->context, &raw->request, &raw->response,
        [raw](grpc::Status s) { raw->Done(std::move(s)); });
    return call;
  }

  std::unique_ptr<CompleteCall> Succeed(const std::string& token, const std::string& output,
                                        const std::string& queue = "greeter",
                                        absl::Duration deadline = absl::Seconds(30)) {
    auto call = std::make_unique<CompleteCall>();
    call->request.mutable_success()->set_task_token(token);
    call->request.mutable_success()->set_output(output);
    return Start(std::move(call), queue, deadline);
  }

  persistence::ExecutionStatus Status(const std::string& arn) {
    absl::StatusOr<persistence::ExecutionRecord> record = store_.GetExecution(arn);
    EXPECT_THAT(record, IsOk());
    return record.ok() ? record->status : persistence::ExecutionStatus::kRunning;
  }
};

TEST_F(CompleteAndPollTest, CompletesFirstThenWaitsForTheNextTask) {
  const std::string first = StartExecution();
  const std::string token = TakeTask();
  ASSERT_FALSE(token.empty());

  std::unique_ptr<CompleteCall> call = Succeed(token, R"({"hello":"world"})");
  // Committed before the poll waits: the execution is done, the call is not.
  ASSERT_TRUE(AwaitTrue([&] { return server_->dispatcher->waiting_polls() == 1; }));
  EXPECT_EQ(Status(first), persistence::ExecutionStatus::kSucceeded);
  absl::StatusOr<persistence::ExecutionRecord> record = store_.GetExecution(first);
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->output, R"({"hello":"world"})");
  EXPECT_FALSE(call->IsDone());

  const std::string second = StartExecution();
  ASSERT_TRUE(call->Wait());
  ASSERT_TRUE(call->status.ok()) << call->status.error_message();
  ASSERT_TRUE(call->response.has_task());
  EXPECT_EQ(call->response.task().execution_arn(), second);
  EXPECT_EQ(call->response.task().queue(), "greeter");
}

TEST_F(CompleteAndPollTest, FailureIsTheExecutionsError) {
  const std::string arn = StartExecution();
  const std::string token = TakeTask();
  auto call = std::make_unique<CompleteCall>();
  call->request.mutable_failure()->set_task_token(token);
  call->request.mutable_failure()->set_error("UnprocessableDataException");
  call->request.mutable_failure()->set_cause("bad name");
  call->request.mutable_poll()->set_wait_time_seconds(0);
  call = Start(std::move(call));
  ASSERT_TRUE(call->Wait());
  ASSERT_TRUE(call->status.ok()) << call->status.error_message();
  EXPECT_FALSE(call->response.has_task());
  absl::StatusOr<persistence::ExecutionRecord> record = store_.GetExecution(arn);
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->status, persistence::ExecutionStatus::kFailed);
  EXPECT_EQ(record->error, "UnprocessableDataException");
  EXPECT_EQ(record->cause, "bad name");
}

TEST_F(CompleteAndPollTest, RefusedCompletionPollsNothing) {
  const std::string arn = StartExecution();
  const std::string token = TakeTask();

  std::unique_ptr<CompleteCall> bad_token = Succeed("not-a-token", "{}");
  ASSERT_TRUE(bad_token->Wait());
  EXPECT_EQ(ExceptionName(bad_token->status), "InvalidToken");
  std::unique_ptr<CompleteCall> bad_output = Succeed(token, "{not json");
  ASSERT_TRUE(bad_output->Wait());
  EXPECT_EQ(ExceptionName(bad_output->status), "InvalidOutput");
  EXPECT_EQ(server_->dispatcher->waiting_polls(), 0u);
  EXPECT_EQ(Status(arn), persistence::ExecutionStatus::kRunning);

  // Completed once; the same completion again is refused as SendTaskSuccess
  // refuses it, and polls nothing either.
  std::unique_ptr<CompleteCall> once = Succeed(token, "{}");
  ASSERT_TRUE(AwaitTrue([&] { return server_->dispatcher->waiting_polls() == 1; }));
  std::unique_ptr<CompleteCall> twice = Succeed(token, "{}");
  ASSERT_TRUE(twice->Wait());
  EXPECT_FALSE(twice->status.ok());
  EXPECT_EQ(ExceptionName(twice->status), "TaskTimedOut") << twice->status.error_message();
  EXPECT_EQ(server_->dispatcher->waiting_polls(), 1u);
  EXPECT_EQ(Status(arn), persistence::ExecutionStatus::kSucceeded);
}

TEST_F(CompleteAndPollTest, BadPollIsRefusedBeforeTheCompletion) {
  const std::string arn = StartExecution();
  const std::string token = TakeTask();

  std::unique_ptr<CompleteCall> bad_queue = Succeed(token, "{}", "no spaces allowed");
  ASSERT_TRUE(bad_queue->Wait());
  EXPECT_EQ(ExceptionName(bad_queue->status), "InvalidName");
  auto no_completion = std::make_unique<CompleteCall>();
  no_completion = Start(std::move(no_completion));
  ASSERT_TRUE(no_completion->Wait());
  EXPECT_EQ(ExceptionName(no_completion->status), "ValidationException");
  EXPECT_THAT(no_completion->status.error_message(), HasSubstr("no completion"));

  // A poll_key that a waiting poll has: the dispatcher's refusal, checked
  // before the completion too.
  std::unique_ptr<PollCall> waiting =
      server_->StartPoll("greeter", 60, "worker-2", absl::Seconds(30), "key-in-use");
  ASSERT_TRUE(AwaitTrue([&] { return server_->dispatcher->waiting_polls() == 1; }));
  auto reused_key = std::make_unique<CompleteCall>();
  reused_key->request.mutable_success()->set_task_token(token);
  reused_key->request.mutable_success()->set_output("{}");
  reused_key->request.mutable_poll()->set_poll_key("key-in-use");
  reused_key = Start(std::move(reused_key));
  ASSERT_TRUE(reused_key->Wait());
  EXPECT_EQ(ExceptionName(reused_key->status), "ValidationException");
  EXPECT_THAT(reused_key->status.error_message(), HasSubstr("key-in-use"));

  // Nothing was completed: the token still works.
  EXPECT_EQ(Status(arn), persistence::ExecutionStatus::kRunning);
  v1::SendTaskSuccessRequest request;
  request.set_task_token(token);
  request.set_output("{}");
  v1::SendTaskSuccessResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(server_->states_stub->SendTaskSuccess(&context, request, &response).ok());
  EXPECT_EQ(Status(arn), persistence::ExecutionStatus::kSucceeded);
}

// The client gives up while the poll waits: the completion stays applied,
// the poll leaves the dispatcher. Its deadline ends the wait with an empty
// answer just before it.
TEST_F(CompleteAndPollTest, CancellingEndsThePollNotTheCompletion) {
  const std::string arn = StartExecution();
  const std::string token = TakeTask();
  std::unique_ptr<CompleteCall> call = Succeed(token, "{}");
  ASSERT_TRUE(AwaitTrue([&] { return server_->dispatcher->waiting_polls() == 1; }));
  call->context.TryCancel();
  ASSERT_TRUE(call->Wait());
  EXPECT_EQ(call->status.error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(Status(arn), persistence::ExecutionStatus::kSucceeded);
  EXPECT_TRUE(AwaitTrue([&] { return server_->dispatcher->waiting_polls() == 0; }));

  const std::string second = StartExecution();
  const std::string next = TakeTask();
  std::unique_ptr<CompleteCall> short_call =
      Succeed(next, "{}", "greeter", /*deadline=*/absl::Milliseconds(300));
  ASSERT_TRUE(short_call->Wait());
  EXPECT_TRUE(short_call->status.ok()) << short_call->status.error_message();
  EXPECT_FALSE(short_call->response.has_task());
  EXPECT_EQ(Status(second), persistence::ExecutionStatus::kSucceeded);
}

// The poll is refused only after the completion was applied (here the open
// poll limit, 1, is reached while it commits): the call answers OK without
// a task, so that OK still means "completed".
TEST(CompleteAndPollLimitTest, PollRefusedAfterTheCompletionIsAnsweredEmpty) {
  persistence::MemoryStore store;
  FakeClock clock;
  TaskDispatcherOptions options;
  options.max_waiting_polls = 1;
  DispatchServer server(store, clock, options, service::testing::CountingEntropy());
  const std::string machine =
      service::testing::CreateMachine(store, clock.Now(), "greeter", kGreeterMachine);
  ASSERT_THAT(server.executor->StartExecution(machine, "run-1", "{}"), IsOk());
  std::unique_ptr<PollCall> first = server.StartPoll("greeter", 0);
  ASSERT_TRUE(first->Wait());
  ASSERT_TRUE(first->response.has_task());

  // A service whose completion lets another poll take the only place.
  std::unique_ptr<PollCall> rival;
  WorkerGrpcServiceOptions worker_options;
  CompleteTask complete = CompleteThroughStates(*server.states);
  worker_options.complete = [&](const v1::CompleteAndPollTaskRequest& request) {
    grpc::Status status = complete(request);
    rival = server.StartPoll("greeter", 60, "rival");
    EXPECT_TRUE(AwaitTrue([&] { return server.dispatcher->waiting_polls() == 1; }));
    return status;
  };
  WorkerGrpcService service(*server.dispatcher, std::move(worker_options));
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> grpc_server = builder.BuildAndStart();
  ASSERT_NE(grpc_server, nullptr);
  std::unique_ptr<v1::Worker::Stub> stub = v1::Worker::NewStub(
      grpc::CreateChannel(StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));

  v1::CompleteAndPollTaskRequest request;
  request.mutable_success()->set_task_token(first->response.task().task_token());
  request.mutable_success()->set_output("{}");
  request.mutable_poll()->set_queue("greeter");
  request.mutable_poll()->set_wait_time_seconds(60);
  v1::PollTaskResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  const grpc::Status status = stub->CompleteAndPollTask(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(response.has_task());
  absl::StatusOr<persistence::ExecutionRecord> record =
      store.GetExecution(first->response.task().execution_arn());
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->status, persistence::ExecutionStatus::kSucceeded);
  server.dispatcher->Shutdown();  // Answers the rival poll.
  grpc_server->Shutdown();
}

TEST_F(CompleteAndPollTest, WithoutACompleterItIsUnimplemented) {
  WorkerGrpcService bare(*server_->dispatcher);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&bare);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  std::unique_ptr<v1::Worker::Stub> stub = v1::Worker::NewStub(
      grpc::CreateChannel(StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  v1::CompleteAndPollTaskRequest request;
  request.mutable_success()->set_task_token("t");
  request.mutable_poll()->set_queue("greeter");
  v1::PollTaskResponse response;
  grpc::ClientContext context;
  const grpc::Status status = stub->CompleteAndPollTask(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_THAT(status.error_message(), HasSubstr("SendTaskSuccess"));
  server->Shutdown();
}

}  // namespace
}  // namespace stepwise::dispatch
