// stepwise.v1 messages as the AWS CLI prints AWS Step Functions responses:
// AWS's camelCase member names (the proto3 JSON names), enum values as AWS's
// strings ("RUNNING", "TaskStateEntered"), timestamps as ISO-8601 text
// ("2023-11-14T22:13:20.123000+00:00"), int64 as numbers, and 4-space
// indentation like Python's json.dumps(indent=4).
//
//   PrintAwsResponse(describe_execution_response, std::cout);
//   // {
//   //     "executionArn": "arn:aws:states:us-east-1:123456789012:execution:M:run-1",
//   //     "status": "RUNNING",
//   //     "startDate": "2023-11-14T22:13:20+00:00",
//   //     ...
//
// Which members appear: strings when non-empty, enums when not
// *_UNSPECIFIED, messages and `optional` fields when set, repeated fields
// always (an empty list prints []), maps when non-empty, numbers and booleans
// always (AWS prints "redriveCount": 0 and "truncated": false) except
// ExecutionListItem.itemCount, which only Map Run children carry.
#ifndef STEPWISE_CLI_REMOTE_AWS_JSON_H_
#define STEPWISE_CLI_REMOTE_AWS_JSON_H_

#include <ostream>
#include <string>

#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"

namespace stepwise::cli {

// `message` in AWS's JSON shape (rules above).
boost::json::object ToAwsJson(const google::protobuf::Message& message);

// "2023-11-14T22:13:20+00:00", with ".ffffff" microseconds when not zero
// (Python's datetime.isoformat(), which the AWS CLI prints). Always UTC.
std::string FormatAwsTimestamp(const google::protobuf::Timestamp& timestamp);

// `value` as Python's json.dumps(value, indent=4, ensure_ascii=False),
// then a newline.
void WriteIndentedJson(const boost::json::value& value, std::ostream& out);

// ToAwsJson + WriteIndentedJson; prints nothing for an empty object (as the
// AWS CLI does for DeleteStateMachine, SendTaskSuccess, ...).
void PrintAwsResponse(const google::protobuf::Message& message, std::ostream& out);

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_REMOTE_AWS_JSON_H_
