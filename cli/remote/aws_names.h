// AWS's strings for the stepwise.v1 enums (proto/stepwise/v1/README.md,
// "Naming"): the value's name without the enum's prefix, and for
// HistoryEventType each word capitalized.
//
//   AwsEnumName(*v1::ExecutionStatus_descriptor()->FindValueByNumber(4))  // "TIMED_OUT"
//   AwsEnumName(*v1::HistoryEventType_descriptor()->FindValueByNumber(47))
//       // "TaskStateEntered"
//   AwsEnumNumber(*v1::StateMachineType_descriptor(), "EXPRESS")  // 2
#ifndef STEPWISE_CLI_REMOTE_AWS_NAMES_H_
#define STEPWISE_CLI_REMOTE_AWS_NAMES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "google/protobuf/descriptor.h"

namespace stepwise::cli {

// AWS's name of `value`.
std::string AwsEnumName(const google::protobuf::EnumValueDescriptor& value);

// AWS's names of every value of `type` except *_UNSPECIFIED, in proto order.
std::vector<std::string> AwsEnumNames(const google::protobuf::EnumDescriptor& type);

// The number whose AWS name is `aws_name` (exact case); nullopt if none is
// (*_UNSPECIFIED has no AWS name).
std::optional<int> AwsEnumNumber(const google::protobuf::EnumDescriptor& type,
                                 std::string_view aws_name);

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_REMOTE_AWS_NAMES_H_
