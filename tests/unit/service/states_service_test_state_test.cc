// StatesService::TestState: one state on one input with the pure engine.
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "boost/json/parse.hpp"
#include "tests/unit/service/states_service_fixture.h"

namespace stepwise::service::testing {
namespace {

namespace json = boost::json;

class TestStateTest : public StatesServiceFixture {
 protected:
  v1::TestStateResponse Run(const std::string& definition, const std::string& input,
                            v1::InspectionLevel level = v1::INSPECTION_LEVEL_INFO) {
    v1::TestStateRequest request;
    request.set_definition(definition);
    request.set_input(input);
    request.set_inspection_level(level);
    v1::TestStateResponse response;
    grpc::Status status = service_->TestState(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
};

constexpr char kPass[] = R"({"Type": "Pass", "InputPath": "$.order",
  "Parameters": {"id.$": "$.id", "fixed": 1}, "ResultPath": "$.copied", "Next": "Ship"})";

TEST_F(TestStateTest, PassReportsOutputNextStateAndEachDataFlowStep) {
  const std::string input = R"({"order": {"id": 7, "x": true}})";
  v1::TestStateResponse response = Run(kPass, input, v1::INSPECTION_LEVEL_DEBUG);
  EXPECT_EQ(response.status(), v1::TEST_EXECUTION_STATUS_SUCCEEDED);
  EXPECT_EQ(response.next_state(), "Ship");
  EXPECT_EQ(json::parse(response.output()),
            json::parse(R"({"order": {"id": 7, "x": true}, "copied": {"id": 7, "fixed": 1}})"));
  const v1::InspectionData& data = response.inspection_data();
  EXPECT_EQ(json::parse(data.input()), json::parse(input));
  EXPECT_EQ(json::parse(data.after_input_path()), json::parse(R"({"id": 7, "x": true})"));
  EXPECT_EQ(json::parse(data.after_parameters()), json::parse(R"({"id": 7, "fixed": 1})"));
  EXPECT_EQ(json::parse(data.result()), json::parse(R"({"id": 7, "fixed": 1})"));
  EXPECT_EQ(json::parse(data.after_result_path()), json::parse(response.output()));

  // INFO: no inspection data.
  v1::TestStateResponse info = Run(kPass, input);
  EXPECT_FALSE(info.has_inspection_data());
  EXPECT_EQ(info.output(), response.output());
}

TEST_F(TestStateTest, ChoiceNamesTheBranchTaken) {
  constexpr char kChoice[] = R"({"Type": "Choice",
    "Choices": [{"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}],
    "Default": "Small"})";
  EXPECT_EQ(Run(kChoice, R"({"n": 11})").next_state(), "Big");
  v1::TestStateResponse small = Run(kChoice, R"({"n": 3})");
  EXPECT_EQ(small.status(), v1::TEST_EXECUTION_STATUS_SUCCEEDED);
  EXPECT_EQ(small.next_state(), "Small");
  EXPECT_EQ(json::parse(small.output()), json::parse(R"({"n": 3})"));
}

TEST_F(TestStateTest, ATargetNamedTestStateDoesNotCollide) {
  v1::TestStateResponse response = Run(R"({"Type": "Pass", "Next": "TestState"})", R"({"a": 1})");
  EXPECT_EQ(response.status(), v1::TEST_EXECUTION_STATUS_SUCCEEDED);
  EXPECT_EQ(response.next_state(), "TestState");
}

TEST_F(TestStateTest, FailWaitAndSucceed) {
  v1::TestStateResponse failed =
      Run(R"({"Type": "Fail", "Error": "Custom.Error", "Cause": "because"})", "{}");
  EXPECT_EQ(failed.status(), v1::TEST_EXECUTION_STATUS_FAILED);
  EXPECT_EQ(failed.error(), "Custom.Error");
  EXPECT_EQ(failed.cause(), "because");
  EXPECT_TRUE(failed.next_state().empty());

  // A Wait does not wait.
  v1::TestStateResponse waited =
      Run(R"({"Type": "Wait", "Seconds": 86400, "End": true})", R"({"k": "v"})");
  EXPECT_EQ(waited.status(), v1::TEST_EXECUTION_STATUS_SUCCEEDED);
  EXPECT_EQ(json::parse(waited.output()), json::parse(R"({"k": "v"})"));

  v1::TestStateResponse succeeded =
      Run(R"({"Type": "Succeed", "OutputPath": "$.k"})", R"({"k": "v"})");
  EXPECT_EQ(json::parse(succeeded.output()), json::parse(R"("v")"));
}

TEST_F(TestStateTest, DataFlowErrorsAreFailuresNotRpcErrors) {
  v1::TestStateResponse response = Run(R"({"Type": "Pass", "InputPath": "$.missing",
    "End": true})",
                                       "{}", v1::INSPECTION_LEVEL_DEBUG);
  EXPECT_EQ(response.status(), v1::TEST_EXECUTION_STATUS_FAILED);
  EXPECT_EQ(response.error(), "States.Runtime");
  EXPECT_FALSE(response.cause().empty());
  EXPECT_EQ(json::parse(response.inspection_data().input()), json::parse("{}"));
  EXPECT_TRUE(response.inspection_data().after_input_path().empty());
}

TEST_F(TestStateTest, OverGrpc) {
  v1::TestStateRequest request;
  request.set_definition(kPass);
  request.set_input(R"({"order": {"id": 1}})");
  v1::TestStateResponse response;
  grpc::ClientContext context;
  grpc::Status status = stub_->TestState(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.next_state(), "Ship");

  request.set_definition(R"({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    "End": true})");
  grpc::ClientContext task_context;
  ExpectError(stub_->TestState(&task_context, request, &response),
              grpc::StatusCode::INVALID_ARGUMENT, "ValidationException", {{"field", "definition"}});
}

struct TestStateErrorCase {
  std::string name;
  std::function<void(v1::TestStateRequest&)> edit;
  grpc::StatusCode code;
  std::string exception;
  std::map<std::string, std::string> metadata;
};

// ctest shows the case's name, not its bytes.
void PrintTo(const TestStateErrorCase& c, std::ostream* os) { *os << c.name; }

class TestStateErrorsTest : public StatesServiceFixture,
                            public ::testing::WithParamInterface<TestStateErrorCase> {};

TEST_P(TestStateErrorsTest, FailsWithTheAwsException) {
  v1::TestStateRequest request;
  request.set_definition(R"({"Type": "Pass", "End": true})");
  request.set_input("{}");
  GetParam().edit(request);
  v1::TestStateResponse response;
  ExpectError(service_->TestState(request, &response), GetParam().code, GetParam().exception,
              GetParam().metadata);
}

using Request = v1::TestStateRequest;

INSTANTIATE_TEST_SUITE_P(
    All, TestStateErrorsTest,
    ::testing::ValuesIn(std::vector<TestStateErrorCase>{
        {"NotJson",
         [](Request& r) { r.set_definition("{"); },
         grpc::StatusCode::INVALID_ARGUMENT,
         "InvalidDefinition",
         {{"field", "definition"}}},
        {"WholeMachine",
         [](Request& r) { r.set_definition(R"({"StartAt": "A", "States": {}})"); },
         grpc::StatusCode::INVALID_ARGUMENT,
         "InvalidDefinition",
         {{"field", "definition"}}},
        {"UnknownType",
         [](Request& r) { r.set_definition(R"({"Type": "Dance", "End": true})"); },
         grpc::StatusCode::INVALID_ARGUMENT,
         "InvalidDefinition",
         {{"field", "definition"}}},
        {"NextAndEnd",
         [](Request& r) { r.set_definition(R"({"Type": "Pass", "Next": "B", "End": true})"); },
         grpc::StatusCode::INVALID_ARGUMENT,
         "InvalidDefinition",
         {{"field", "definition"}}},
        {"Map",
         [](Request& r) {
           r.set_definition(R"({"Type": "Map", "ItemProcessor": {"StartAt": "P", "States":
             {"P": {"Type": "Pass", "End": true}}}, "End": true})");
         },
         grpc::StatusCode::INVALID_ARGUMENT,
         "ValidationException",
         {{"field", "definition"}}},
        {"InputNotJson",
         [](Request& r) { r.set_input("nope"); },
         grpc::StatusCode::INVALID_ARGUMENT,
         "InvalidExecutionInput",
         {{"field", "input"}}},
        {"InputTooLarge",
         [](Request& r) { r.set_input("\"" + std::string(256 * 1024, 'x') + "\""); },
         grpc::StatusCode::INVALID_ARGUMENT,
         "InvalidExecutionInput",
         {{"field", "input"}}},
        {"Variables",
         [](Request& r) { r.set_variables(R"({"x": 1})"); },
         grpc::StatusCode::INVALID_ARGUMENT,
         "ValidationException",
         {{"field", "variables"}}},
        {"UnknownInspectionLevel",
         [](Request& r) { r.set_inspection_level(static_cast<v1::InspectionLevel>(8)); },
         grpc::StatusCode::INVALID_ARGUMENT,
         "ValidationException",
         {{"field", "inspection_level"}}},
    }),
    [](const ::testing::TestParamInfo<TestStateErrorCase>& param) { return param.param.name; });

}  // namespace
}  // namespace stepwise::service::testing
