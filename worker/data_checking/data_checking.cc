#include "worker/data_checking/data_checking.h"

#include <string>
#include <string_view>

#include "boost/json/object.hpp"
#include "boost/json/string.hpp"
#include "common/str_cat.h"

namespace stepwise::data_checking {
namespace {

std::string_view KindName(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return "a number";
    case boost::json::kind::string:
      return "a string";
    case boost::json::kind::array:
      return "an array";
    case boost::json::kind::object:
      return "an object";
  }
  return "an unknown value";
}

// ASCII lower-casing is exact here: JavaScript's toLowerCase maps no
// non-ASCII character onto the ASCII letters of "evil" or
// "unprocessable_data" (U+0130 becomes "i" + U+0307, never a bare "i" next
// to the following letter; the Kelvin sign becomes "k", which neither has).
std::string AsciiLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

// Echoes untrusted text in an error message, cut to a readable length.
std::string Excerpt(std::string_view text) {
  constexpr size_t kMax = 64;
  if (text.size() <= kMax) return std::string(text);
  return StrCat(text.substr(0, kMax), "...");
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsWordChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// The string member `field` of `data`, or InvalidInputException naming it.
std::string_view RequireString(const boost::json::object& data, std::string_view command,
                               std::string_view field) {
  const boost::json::value* value = data.if_contains(field);
  if (value == nullptr) {
    throw InvalidInputException(
        StrCat(command, " needs data.", field, " (a string); the task input has none"));
  }
  if (!value->is_string()) {
    throw InvalidInputException(
        StrCat(command, " needs data.", field, " to be a string, not ", KindName(*value)));
  }
  const boost::json::string& text = value->get_string();
  return std::string_view(text.data(), text.size());
}

}  // namespace

boost::json::value CheckName(std::string_view name) {
  const std::string lower = AsciiLower(name);
  if (lower.find("unprocessable_data") != std::string::npos) {
    throw UnprocessableDataException(
        StrCat("Simulated error: Name '", name, "' is not possible to check."));
  }
  return boost::json::object{{"flagged", lower.find("evil") != std::string::npos}};
}

// (\d+ \w+) matches somewhere iff some space has a digit right before it and
// a word character right after it: the shortest match of \d+ \w+ is exactly
// those three characters, and any longer match contains such a triple.
// Likewise (\w+ \d+) iff a word character, a space, a digit. Bytes of UTF-8
// sequences are never \d or \w, as non-ASCII characters are not in
// JavaScript's (non-Unicode-mode) \d and \w.
bool AddressLooksValid(std::string_view address) {
  for (size_t i = 1; i + 1 < address.size(); ++i) {
    if (address[i] != ' ') continue;
    const char before = address[i - 1];
    const char after = address[i + 1];
    if ((IsDigit(before) && IsWordChar(after)) || (IsWordChar(before) && IsDigit(after))) {
      return true;
    }
  }
  return false;
}

boost::json::value CheckAddress(std::string_view address) {
  return boost::json::object{{"flagged", !AddressLooksValid(address)}};
}

boost::json::value HandleDataCheckingTask(const boost::json::value& input) {
  if (!input.is_object()) {
    throw InvalidInputException(
        StrCat("The task input must be an object {\"command\": ..., \"data\": {...}}, not ",
               KindName(input)));
  }
  const boost::json::object& task = input.get_object();
  const boost::json::value* command_value = task.if_contains("command");
  if (command_value == nullptr || !command_value->is_string()) {
    throw InvalidInputException(
        StrCat("The task input needs \"command\": \"CHECK_NAME\" or \"CHECK_ADDRESS\"; found ",
               command_value == nullptr ? std::string_view("none") : KindName(*command_value)));
  }
  const boost::json::string& command_text = command_value->get_string();
  const std::string_view command(command_text.data(), command_text.size());
  if (command != "CHECK_NAME" && command != "CHECK_ADDRESS") {
    throw InvalidInputException(
        StrCat("Unknown command '", Excerpt(command), "': expected CHECK_NAME or CHECK_ADDRESS"));
  }
  const boost::json::value* data = task.if_contains("data");
  if (data == nullptr || !data->is_object()) {
    throw InvalidInputException(
        StrCat(command, " needs \"data\" to be an object; found ",
               data == nullptr ? std::string_view("none") : KindName(*data)));
  }
  if (command == "CHECK_NAME") {
    return CheckName(RequireString(data->get_object(), command, "name"));
  }
  return CheckAddress(RequireString(data->get_object(), command, "address"));
}

}  // namespace stepwise::data_checking
