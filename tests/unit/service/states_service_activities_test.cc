// StatesService: CreateActivity, DescribeActivity, DeleteActivity,
// ListActivities and GetActivityTask's ActivityDoesNotExist check (the
// plain class, and over gRPC with a task dispatcher for GetActivityTask).
#include <memory>
#include <string>
#include <vector>

#include "orchestrator/dispatch/task_dispatcher.h"
#include "tests/unit/service/states_service_fixture.h"

namespace stepwise::service::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kReviewArn[] = "arn:aws:states:us-east-1:123456789012:activity:review";

// One Task on the activity "review".
constexpr char kActivityMachine[] = R"({
  "StartAt": "Review",
  "States": {
    "Review": {"Type": "Task",
               "Resource": "arn:aws:states:us-east-1:123456789012:activity:review", "End": true}
  }
})";

class ActivitiesTest : public StatesServiceFixture {
 protected:
  grpc::Status Create(const std::string& name, v1::CreateActivityResponse* response, int tags = 0) {
    v1::CreateActivityRequest request;
    request.set_name(name);
    for (int i = 0; i < tags; ++i) {
      v1::Tag* tag = request.add_tags();
      tag->set_key("k" + std::to_string(i));
      tag->set_value("v");
    }
    return service_->CreateActivity(request, response);
  }

  std::string CreateOk(const std::string& name) {
    v1::CreateActivityResponse response;
    grpc::Status status = Create(name, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.activity_arn();
  }

  grpc::Status DescribeActivity(const std::string& arn, v1::DescribeActivityResponse* response) {
    v1::DescribeActivityRequest request;
    request.set_activity_arn(arn);
    return service_->DescribeActivity(request, response);
  }

  grpc::Status DeleteActivity(const std::string& arn) {
    v1::DeleteActivityRequest request;
    request.set_activity_arn(arn);
    v1::DeleteActivityResponse response;
    return service_->DeleteActivity(request, &response);
  }

  grpc::Status List(int max_results, const std::string& token, v1::ListActivitiesResponse* out) {
    v1::ListActivitiesRequest request;
    request.set_max_results(max_results);
    request.set_next_token(token);
    return service_->ListActivities(request, out);
  }
};

TEST_F(ActivitiesTest, CreateDescribeDelete) {
  v1::CreateActivityResponse created;
  ASSERT_TRUE(Create("review", &created).ok());
  EXPECT_EQ(created.activity_arn(), kReviewArn);
  EXPECT_EQ(created.creation_date().seconds(), absl::ToUnixSeconds(clock_.Now()));

  v1::DescribeActivityResponse described;
  grpc::Status status = DescribeActivity(kReviewArn, &described);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(described.activity_arn(), kReviewArn);
  EXPECT_EQ(described.name(), "review");
  EXPECT_EQ(described.creation_date().seconds(), created.creation_date().seconds());

  ASSERT_TRUE(DeleteActivity(kReviewArn).ok());
  ExpectError(DescribeActivity(kReviewArn, &described), grpc::StatusCode::NOT_FOUND,
              "ActivityDoesNotExist", {{"resource", kReviewArn}});
  // AWS: deleting a missing activity is not an error.
  EXPECT_TRUE(DeleteActivity(kReviewArn).ok());
}

TEST_F(ActivitiesTest, CreateIsIdempotentByNameAndIgnoresTags) {
  v1::CreateActivityResponse first;
  ASSERT_TRUE(Create("review", &first).ok());
  clock_.Advance(absl::Hours(1));
  v1::CreateActivityResponse repeat;
  grpc::Status status = Create("review", &repeat, /*tags=*/3);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(repeat.activity_arn(), first.activity_arn());
  EXPECT_EQ(repeat.creation_date().seconds(), first.creation_date().seconds());

  v1::ListActivitiesResponse listed;
  ASSERT_TRUE(List(0, "", &listed).ok());
  EXPECT_EQ(listed.activities_size(), 1);
}

TEST_F(ActivitiesTest, CreateChecksNameAndTags) {
  v1::CreateActivityResponse response;
  for (const std::string& bad :
       {std::string(""), std::string(81, 'a'), std::string("a b"), std::string("a:b"),
        std::string("a*"), std::string("a/b"), std::string("tab\there"), std::string("{x}")}) {
    ExpectError(Create(bad, &response), grpc::StatusCode::INVALID_ARGUMENT, "InvalidName",
                {{"field", "name"}});
  }
  EXPECT_THAT(Create("", &response).error_message(), HasSubstr("must not be empty"));
  EXPECT_THAT(Create(std::string(81, 'a'), &response).error_message(), HasSubstr("80 characters"));
  EXPECT_TRUE(Create(std::string(80, 'a'), &response).ok());
  EXPECT_TRUE(Create("Manual-Review_2.0", &response).ok());

  ExpectError(Create("tagged", &response, /*tags=*/51), grpc::StatusCode::INVALID_ARGUMENT,
              "TooManyTags", {{"field", "tags"}});
  EXPECT_TRUE(Create("tagged", &response, /*tags=*/50).ok());
}

TEST_F(ActivitiesTest, ArnsAreCheckedAndScopedToTheRegionAndAccount) {
  CreateOk("review");
  v1::DescribeActivityResponse described;
  for (const std::string& bad :
       {std::string("review"), std::string(""),
        std::string("arn:aws:states:us-east-1:123456789012:stateMachine:review"),
        std::string("arn:aws:states:us-east-1:123456789012:activity:"),
        std::string("arn:aws:states:us-east-1:123456789012:activity:review:extra"),
        std::string("arn:aws:lambda:us-east-1:123456789012:function:review"),
        std::string("arn:aws:states:us-east-1:123456789012:activity:") + std::string(250, 'a')}) {
    ExpectError(DescribeActivity(bad, &described), grpc::StatusCode::INVALID_ARGUMENT,
                "InvalidArn");
    ExpectError(DeleteActivity(bad), grpc::StatusCode::INVALID_ARGUMENT, "InvalidArn");
    ExpectError(service_->CheckActivityExists(bad), grpc::StatusCode::INVALID_ARGUMENT,
                "InvalidArn");
  }
  // A well-formed ARN of another region or account names no activity here.
  ExpectError(DescribeActivity("arn:aws:states:eu-west-1:123456789012:activity:review", &described),
              grpc::StatusCode::NOT_FOUND, "ActivityDoesNotExist");
  ExpectError(DescribeActivity("arn:aws:states:us-east-1:999999999999:activity:review", &described),
              grpc::StatusCode::NOT_FOUND, "ActivityDoesNotExist");
}

TEST_F(ActivitiesTest, ArnsUseTheConfiguredRegionAndAccount) {
  StatesServiceOptions options;
  options.region = "eu-west-1";
  options.account = "111122223333";
  Rebuild(options);
  EXPECT_EQ(CreateOk("review"), "arn:aws:states:eu-west-1:111122223333:activity:review");
  EXPECT_EQ(service_->ActivityArn("x"), "arn:aws:states:eu-west-1:111122223333:activity:x");
}

TEST_F(ActivitiesTest, ListPaginates) {
  for (const char* name : {"e", "b", "d", "a", "c"}) CreateOk(name);
  std::vector<std::string> names;
  std::string token;
  int pages = 0;
  do {
    v1::ListActivitiesResponse page;
    grpc::Status status = List(2, token, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const v1::ActivityListItem& item : page.activities()) {
      names.push_back(item.name());
      EXPECT_EQ(item.activity_arn(), service_->ActivityArn(item.name()));
      EXPECT_EQ(item.creation_date().seconds(), absl::ToUnixSeconds(clock_.Now()));
    }
    token = page.next_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_THAT(names, ::testing::ElementsAre("a", "b", "c", "d", "e"));
  EXPECT_EQ(pages, 3);

  v1::ListActivitiesResponse all;
  ASSERT_TRUE(List(0, "", &all).ok());  // 0: AWS's default page size (100).
  EXPECT_EQ(all.activities_size(), 5);
  EXPECT_EQ(all.next_token(), "");
  ASSERT_TRUE(List(1000, "", &all).ok());
}

TEST_F(ActivitiesTest, ListRejectsBadPageSizesAndTokens) {
  v1::ListActivitiesResponse response;
  ExpectError(List(1001, "", &response), grpc::StatusCode::INVALID_ARGUMENT, "ValidationException",
              {{"field", "max_results"}});
  ExpectError(List(-1, "", &response), grpc::StatusCode::INVALID_ARGUMENT, "ValidationException",
              {{"field", "max_results"}});
  ExpectError(List(2, "forged", &response), grpc::StatusCode::INVALID_ARGUMENT, "InvalidToken",
              {{"field", "next_token"}});
  // A ListStateMachines token is no ListActivities token.
  CreateMachine("m1", kPassMachine);
  CreateMachine("m2", kPassMachine);
  v1::ListStateMachinesRequest machines_request;
  machines_request.set_max_results(1);
  v1::ListStateMachinesResponse machines;
  ASSERT_TRUE(service_->ListStateMachines(machines_request, &machines).ok());
  ASSERT_FALSE(machines.next_token().empty());
  ExpectError(List(2, machines.next_token(), &response), grpc::StatusCode::INVALID_ARGUMENT,
              "InvalidToken");
}

TEST_F(ActivitiesTest, OverGrpcErrorsCarryTheExceptionName) {
  grpc::ClientContext create_context;
  v1::CreateActivityRequest create;
  create.set_name("review");
  v1::CreateActivityResponse created;
  ASSERT_TRUE(stub_->CreateActivity(&create_context, create, &created).ok());
  EXPECT_EQ(created.activity_arn(), kReviewArn);

  grpc::ClientContext describe_context;
  v1::DescribeActivityRequest describe;
  describe.set_activity_arn("arn:aws:states:us-east-1:123456789012:activity:missing");
  v1::DescribeActivityResponse described;
  ExpectError(stub_->DescribeActivity(&describe_context, describe, &described),
              grpc::StatusCode::NOT_FOUND, "ActivityDoesNotExist");
}

TEST_F(ActivitiesTest, ExistenceCheckRemembersFoundActivitiesForTheTtl) {
  ExpectError(service_->CheckActivityExists(kReviewArn), grpc::StatusCode::NOT_FOUND,
              "ActivityDoesNotExist", {{"resource", kReviewArn}});
  CreateOk("review");  // Misses are not remembered: found at once.
  ASSERT_TRUE(service_->CheckActivityExists(kReviewArn).ok());

  // Deleted behind this replica's back (another replica): still found until
  // the remembered hit is activity_cache_ttl (10 s) old.
  ASSERT_TRUE(store_.DeleteActivity(kReviewArn).ok());
  clock_.Advance(absl::Seconds(9));
  EXPECT_TRUE(service_->CheckActivityExists(kReviewArn).ok());
  clock_.Advance(absl::Seconds(1));
  ExpectError(service_->CheckActivityExists(kReviewArn), grpc::StatusCode::NOT_FOUND,
              "ActivityDoesNotExist");

  // Deleted through this replica: forgotten at once.
  CreateOk("review");
  ASSERT_TRUE(service_->CheckActivityExists(kReviewArn).ok());
  ASSERT_TRUE(DeleteActivity(kReviewArn).ok());
  ExpectError(service_->CheckActivityExists(kReviewArn), grpc::StatusCode::NOT_FOUND,
              "ActivityDoesNotExist");
}

// GetActivityTask end to end: a StatesGrpcService with a TaskDispatcher.
class GetActivityTaskTest : public ActivitiesTest {
 protected:
  void SetUp() override {
    dispatch::TaskDispatcherOptions options;
    options.sweep_interval = absl::Milliseconds(20);  // No commit hook here: sweeps find tasks.
    dispatcher_ = std::make_unique<dispatch::TaskDispatcher>(store_, *executor_, clock_, options);
    dispatcher_->Start();
    polling_service_ = std::make_unique<StatesGrpcService>(*service_, dispatcher_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(polling_service_.get());
    polling_server_ = builder.BuildAndStart();
    ASSERT_NE(polling_server_, nullptr);
    polling_stub_ = v1::States::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                            grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    // The order the dispatch README asks for: dispatcher, then the server.
    dispatcher_->Shutdown();
    polling_server_->Shutdown();
    polling_server_->Wait();
  }

  grpc::Status Poll(const std::string& arn, v1::GetActivityTaskResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::GetActivityTaskRequest request;
    request.set_activity_arn(arn);
    request.set_worker_name("reviewer-1");
    return polling_stub_->GetActivityTask(&context, request, response);
  }

  std::unique_ptr<dispatch::TaskDispatcher> dispatcher_;
  std::unique_ptr<StatesGrpcService> polling_service_;
  std::unique_ptr<grpc::Server> polling_server_;
  std::unique_ptr<v1::States::Stub> polling_stub_;
};

TEST_F(GetActivityTaskTest, UnknownOrDeletedActivityIsActivityDoesNotExist) {
  v1::GetActivityTaskResponse response;
  ExpectError(Poll(kReviewArn, &response), grpc::StatusCode::NOT_FOUND, "ActivityDoesNotExist",
              {{"resource", kReviewArn}});
  ExpectError(Poll("arn:aws:states:us-east-1:123456789012:activity:", &response),
              grpc::StatusCode::INVALID_ARGUMENT, "InvalidArn");

  CreateOk("review");
  const std::string execution = Start(CreateMachine("M", kActivityMachine), "run", R"({"doc":1})");
  grpc::Status status = Poll(kReviewArn, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.input(), R"({"doc":1})");
  ASSERT_FALSE(response.task_token().empty());
  absl::StatusOr<persistence::TaskRecord> task = store_.FindTaskByToken(response.task_token());
  ASSERT_TRUE(task.ok()) << task.status();
  EXPECT_EQ(task->execution_arn, execution);
  EXPECT_EQ(task->worker_id, "reviewer-1");

  ASSERT_TRUE(DeleteActivity(kReviewArn).ok());
  ExpectError(Poll(kReviewArn, &response), grpc::StatusCode::NOT_FOUND, "ActivityDoesNotExist");
  // The task handed out before the deletion can still be completed.
  ASSERT_TRUE(Succeed(response.task_token(), R"({"ok":true})").ok());
  EXPECT_TRUE(
      AwaitTrue([&] { return Describe(execution).status() == v1::EXECUTION_STATUS_SUCCEEDED; }));
}

}  // namespace
}  // namespace stepwise::service::testing
