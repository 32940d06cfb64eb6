#include "cli/remote/remote_input.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "boost/json/value.hpp"
#include "cli/command_io.h"
#include "cli/remote/aws_names.h"
#include "cli/remote/rpc_error.h"
#include "common/str_cat.h"
#include "orchestrator/asl/json_document.h"

namespace stepwise::cli {
namespace {

namespace json = ::boost::json;
constexpr std::string_view kFileScheme = "file://";

// How to name the value in a message: "file://in.json" or "the value".
std::string Origin(const std::string& value) {
  return value.starts_with(kFileScheme) ? value : std::string("the value");
}

absl::StatusOr<json::value> ParseJson(const std::string& value, const std::string& text) {
  asl::JsonDocument document = asl::ParseJsonDocument(text);
  if (!document.ok) {
    return absl::InvalidArgumentError(
        StrCat(Origin(value), " is not valid JSON: ", document.error));
  }
  return std::move(document.root);
}

absl::StatusOr<v1::Tag> ShorthandTag(const std::string& value) {
  v1::Tag tag;
  bool has_key = false;
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(',', start);
    if (end == std::string::npos) end = value.size();
    const std::string_view part = std::string_view(value).substr(start, end - start);
    const size_t eq = part.find('=');
    const std::string_view name = part.substr(0, eq);
    if (eq == std::string_view::npos || (name != "key" && name != "value")) {
      return absl::InvalidArgumentError(
          StrCat("'", value, "' is neither a JSON list nor of the form key=K,value=V"));
    }
    if (name == "key") {
      tag.set_key(std::string(part.substr(eq + 1)));
      has_key = true;
    } else {
      tag.set_value(std::string(part.substr(eq + 1)));
    }
    start = end + 1;
  }
  if (!has_key) return absl::InvalidArgumentError(StrCat("'", value, "' has no key=K"));
  return tag;
}

absl::Status AppendJsonTags(const std::string& value, const json::value& list,
                            std::vector<v1::Tag>& tags) {
  const std::string shape =
      StrCat(Origin(value), " must be a JSON list of {\"key\": \"K\", \"value\": \"V\"} objects");
  if (!list.is_array()) return absl::InvalidArgumentError(shape);
  for (const json::value& element : list.as_array()) {
    const json::object* object = element.if_object();
    const json::value* key = object == nullptr ? nullptr : object->if_contains("key");
    const json::value* tag_value = object == nullptr ? nullptr : object->if_contains("value");
    if (key == nullptr || !key->is_string() || (tag_value != nullptr && !tag_value->is_string())) {
      return absl::InvalidArgumentError(shape);
    }
    v1::Tag& tag = tags.emplace_back();
    tag.set_key(std::string(key->as_string()));
    if (tag_value != nullptr) tag.set_value(std::string(tag_value->as_string()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> LoadParam(const std::string& value) {
  if (!value.starts_with(kFileScheme)) return value;
  const std::string path = value.substr(kFileScheme.size());
  if (path.empty()) return absl::InvalidArgumentError("file:// names no file");
  return ReadFile(path);
}

absl::StatusOr<std::string> LoadJsonParam(const std::string& value) {
  absl::StatusOr<std::string> text = LoadParam(value);
  if (!text.ok()) return text.status();
  absl::StatusOr<json::value> parsed = ParseJson(value, *text);
  if (!parsed.ok()) return parsed.status();
  return text;
}

absl::StatusOr<std::map<std::string, std::string>> LoadSubstitutions(const std::string& value) {
  absl::StatusOr<std::string> text = LoadParam(value);
  if (!text.ok()) return text.status();
  absl::StatusOr<asl::Substitutions> substitutions = SubstitutionsFromJson(*text, Origin(value));
  if (!substitutions.ok()) return substitutions.status();
  return std::map<std::string, std::string>(substitutions->begin(), substitutions->end());
}

absl::StatusOr<std::vector<v1::Tag>> ParseTags(const std::vector<std::string>& values) {
  std::vector<v1::Tag> tags;
  for (const std::string& value : values) {
    absl::StatusOr<std::string> text = LoadParam(value);
    if (!text.ok()) return text.status();
    if (value.starts_with(kFileScheme) || text->starts_with('[')) {
      absl::StatusOr<json::value> list = ParseJson(value, *text);
      if (!list.ok()) return list.status();
      if (absl::Status appended = AppendJsonTags(value, *list, tags); !appended.ok()) {
        return appended;
      }
      continue;
    }
    absl::StatusOr<v1::Tag> tag = ShorthandTag(*text);
    if (!tag.ok()) return tag.status();
    tags.push_back(*std::move(tag));
  }
  return tags;
}

absl::StatusOr<int> ParseEnumParam(const google::protobuf::EnumDescriptor& type,
                                   std::string_view value) {
  if (value.empty()) return 0;
  if (std::optional<int> number = AwsEnumNumber(type, value)) return *number;
  return absl::InvalidArgumentError(
      StrCat("'", value, "' is not one of ", StrJoin(AwsEnumNames(type), ", ")));
}

int BadParameter(std::ostream& err, std::string_view flag, const absl::Status& status) {
  err << "Error parsing parameter '" << flag << "': " << status.message() << "\n";
  return kRemoteExitUsage;
}

}  // namespace stepwise::cli
