// Flag values of the remote commands, read the way the AWS CLI reads them:
// "file://PATH" stands for PATH's contents; JSON parameters are checked
// locally so that bad input fails before anything is sent.
//
//   absl::StatusOr<std::string> input = LoadJsonParam(flags.input);  // "{}" or file://in.json
//   if (!input.ok()) return BadParameter(err, "--input", input.status());  // exit 252
//
// Errors are kInvalidArgument / kNotFound with a message for the user that
// names the file and, for JSON, the line and column.
#ifndef STEPWISE_CLI_REMOTE_REMOTE_INPUT_H_
#define STEPWISE_CLI_REMOTE_REMOTE_INPUT_H_

#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "stepwise/v1/states.pb.h"

namespace stepwise::cli {

// `value` itself, or the contents of PATH when it is "file://PATH".
absl::StatusOr<std::string> LoadParam(const std::string& value);

// LoadParam, and the text must be one JSON value. Returns the text as given
// (AWS sends it unchanged).
absl::StatusOr<std::string> LoadJsonParam(const std::string& value);

// DefinitionSubstitutions: a JSON object (inline or file://) whose values are
// strings, numbers or booleans (numbers and booleans become their JSON text).
absl::StatusOr<std::map<std::string, std::string>> LoadSubstitutions(const std::string& value);

// Tags as the AWS CLI takes them: each value either a JSON list
// '[{"key": "k", "value": "v"}, ...]' (inline or file://) or the shorthand
// "key=k,value=v".
absl::StatusOr<std::vector<v1::Tag>> ParseTags(const std::vector<std::string>& values);

// The enum number of AWS name `value` (e.g. "EXPRESS" for StateMachineType);
// 0 (*_UNSPECIFIED: the server's default) when `value` is empty.
// kInvalidArgument listing the valid names otherwise.
absl::StatusOr<int> ParseEnumParam(const google::protobuf::EnumDescriptor& type,
                                   std::string_view value);

// Prints "Error parsing parameter '<flag>': <message>" to `err` and returns
// kRemoteExitUsage (252), as the AWS CLI does for bad parameter values.
int BadParameter(std::ostream& err, std::string_view flag, const absl::Status& status);

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_REMOTE_REMOTE_INPUT_H_
