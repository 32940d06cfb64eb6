#include "cli/remote/aws_names.h"

#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stepwise::cli {
namespace {

// "EXECUTION_STATUS_" for ExecutionStatus: the *_UNSPECIFIED value's name
// without "UNSPECIFIED" (every stepwise.v1 enum has one at 0).
std::string_view Prefix(const google::protobuf::EnumDescriptor& type) {
  const google::protobuf::EnumValueDescriptor* zero = type.FindValueByNumber(0);
  if (zero == nullptr) return {};
  std::string_view name = zero->name();
  constexpr std::string_view kUnspecified = "UNSPECIFIED";
  if (!name.ends_with(kUnspecified)) return {};
  return name.substr(0, name.size() - kUnspecified.size());
}

// "TASK_STATE_ENTERED" -> "TaskStateEntered".
std::string UpperCamel(std::string_view upper_snake) {
  std::string out;
  bool word_start = true;
  for (char c : upper_snake) {
    if (c == '_') {
      word_start = true;
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    out.push_back(static_cast<char>(word_start ? std::toupper(u) : std::tolower(u)));
    word_start = false;
  }
  return out;
}

}  // namespace

std::string AwsEnumName(const google::protobuf::EnumValueDescriptor& value) {
  std::string_view name = value.name();
  const std::string_view prefix = Prefix(*value.type());
  if (!prefix.empty() && name.starts_with(prefix)) name.remove_prefix(prefix.size());
  if (value.type()->name() == "HistoryEventType") return UpperCamel(name);
  return std::string(name);
}

std::vector<std::string> AwsEnumNames(const google::protobuf::EnumDescriptor& type) {
  std::vector<std::string> names;
  for (int i = 0; i < type.value_count(); ++i) {
    if (type.value(i)->number() != 0) names.push_back(AwsEnumName(*type.value(i)));
  }
  return names;
}

std::optional<int> AwsEnumNumber(const google::protobuf::EnumDescriptor& type,
                                 std::string_view aws_name) {
  for (int i = 0; i < type.value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor& value = *type.value(i);
    if (value.number() != 0 && AwsEnumName(value) == aws_name) return value.number();
  }
  return std::nullopt;
}

}  // namespace stepwise::cli
