#include "worker/account_applications/json_fields.h"

#include "boost/json/string.hpp"
#include "common/str_cat.h"
#include "worker/account_applications/task_handlers.h"

namespace stepwise::account_applications {

std::string_view JsonKindName(const boost::json::value& value) {
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

std::string Excerpt(std::string_view text) {
  constexpr size_t kMax = 64;
  if (text.size() <= kMax) return std::string(text);
  return StrCat(text.substr(0, kMax), "...");
}

const boost::json::object& RequireObject(const boost::json::value& value, std::string_view what) {
  if (!value.is_object()) {
    throw InvalidInputException(StrCat(what, " must be an object, not ", JsonKindName(value)));
  }
  return value.get_object();
}

std::string_view RequireString(const boost::json::object& object, std::string_view field,
                               std::string_view path) {
  const std::string_view name = path.empty() ? field : path;
  const boost::json::value* value = object.if_contains(field);
  if (value == nullptr) {
    throw InvalidInputException(StrCat("The task input needs \"", name, "\" (a string)"));
  }
  if (!value->is_string()) {
    throw InvalidInputException(
        StrCat("\"", name, "\" must be a string, not ", JsonKindName(*value)));
  }
  const boost::json::string& text = value->get_string();
  if (text.empty()) throw InvalidInputException(StrCat("\"", name, "\" must not be empty"));
  return std::string_view(text.data(), text.size());
}

std::optional<std::string_view> OptionalString(const boost::json::object& object,
                                               std::string_view field) {
  const boost::json::value* value = object.if_contains(field);
  if (value == nullptr || value->is_null()) return std::nullopt;
  return RequireString(object, field);
}

}  // namespace stepwise::account_applications
