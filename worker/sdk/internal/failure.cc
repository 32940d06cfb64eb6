#include "worker/sdk/internal/failure.h"

#include <cxxabi.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include "boost/json/serialize.hpp"
#include "common/str_cat.h"
#include "worker/sdk/worker.h"

namespace stepwise::worker {
namespace internal {
namespace {

// The length of the well-formed UTF-8 sequence starting at text[i], or 0.
// Rejects overlong forms, surrogates and code points past U+10FFFF, as
// protobuf's and Boost.JSON's validators do.
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint32_t code_point = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (text.size() - i < length) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (next & 0x3F);
  }
  static constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < kSmallest[length] || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return 0;
  }
  return length;
}

bool IsValidUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

// The JSON Pointer of the first NaN or infinity in `root`, if any. Iterative:
// a handler's output may be nested deeper than the stack allows recursion.
bool FindNonFiniteNumber(const boost::json::value& root, std::string* pointer) {
  std::vector<std::pair<const boost::json::value*, std::string>> pending;
  pending.emplace_back(&root, "");
  while (!pending.empty()) {
    auto [value, path] = std::move(pending.back());
    pending.pop_back();
    if (value->is_double() && !std::isfinite(value->get_double())) {
      *pointer = path.empty() ? "/" : path;
      return true;
    }
    if (value->is_object()) {
      for (const auto& [key, member] : value->get_object()) {
        pending.emplace_back(&member, StrCat(path, "/", std::string_view(key)));
      }
    } else if (value->is_array()) {
      const boost::json::array& array = value->get_array();
      for (std::size_t i = 0; i < array.size(); ++i) {
        pending.emplace_back(&array[i], StrCat(path, "/", i));
      }
    }
  }
  return false;
}

}  // namespace

std::string ToValidUtf8(std::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      out.append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

std::string_view TruncateUtf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  // text[cut] is the first byte left out; a continuation byte there means the
  // character before the cut would be split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

std::string StripNamespaces(std::string_view qualified_name) {
  std::size_t start = 0;
  int depth = 0;  // Inside <...> or (...), "::" belongs to an argument.
  for (std::size_t i = 0; i < qualified_name.size(); ++i) {
    const char c = qualified_name[i];
    if (c == '<' || c == '(') {
      ++depth;
    } else if (c == '>' || c == ')') {
      --depth;
    } else if (depth == 0 && c == ':' && i + 1 < qualified_name.size() &&
               qualified_name[i + 1] == ':') {
      start = i + 2;
      ++i;
    }
  }
  return std::string(qualified_name.substr(start));
}

std::string TypeNameWithoutNamespaces(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), &std::free);
  return StripNamespaces(status == 0 && demangled != nullptr ? demangled.get() : type.name());
}

TaskOutcome FailedOutcome(std::string_view error, std::string_view message,
                          std::string_view cause) {
  TaskOutcome outcome;
  outcome.error = std::string(TruncateUtf8(ToValidUtf8(error), kMaxErrorLength));
  if (!cause.empty()) {
    outcome.cause = std::string(TruncateUtf8(ToValidUtf8(cause), kMaxCauseLength));
    return outcome;
  }
  // Shorten the message, not the JSON, so that the cause stays valid JSON.
  std::string text = ToValidUtf8(message);
  outcome.cause = LambdaStyleCause(outcome.error, text);
  while (outcome.cause.size() > kMaxCauseLength && !text.empty()) {
    const std::size_t excess = outcome.cause.size() - kMaxCauseLength + 16;
    text = StrCat(TruncateUtf8(text, text.size() > excess ? text.size() - excess : 0), "...");
    outcome.cause = LambdaStyleCause(outcome.error, text);
  }
  return outcome;
}

TaskOutcome OutcomeFromCurrentException() {
  try {
    throw;
  } catch (const TaskFailure& e) {
    const std::string error = e.error().empty() ? TypeNameWithoutNamespaces(typeid(e)) : e.error();
    return FailedOutcome(error, e.what(), e.cause());
  } catch (const std::exception& e) {
    return FailedOutcome(TypeNameWithoutNamespaces(typeid(e)), e.what());
  } catch (...) {
    const std::type_info* type = abi::__cxa_current_exception_type();
    return FailedOutcome(
        kUnknownException,
        StrCat("the handler threw a value that is not a std::exception (type ",
               type != nullptr ? TypeNameWithoutNamespaces(*type) : std::string("unknown"), ")"));
  }
}

TaskOutcome OutcomeFromOutput(const boost::json::value& output) {
  std::string pointer;
  if (FindNonFiniteNumber(output, &pointer)) {
    return FailedOutcome(
        kInvalidTaskOutput,
        StrCat("the handler's output is not JSON: the number at ", pointer, " is NaN or infinite"));
  }
  TaskOutcome outcome;
  outcome.succeeded = true;
  // Boost.JSON writes string bytes as they are; the orchestrator would refuse
  // invalid UTF-8 (InvalidOutput), so replace it here.
  outcome.output = ToValidUtf8(boost::json::serialize(output));
  return outcome;
}

}  // namespace internal

std::string LambdaStyleCause(std::string_view error, std::string_view message) {
  boost::json::object cause;
  cause["errorType"] = internal::ToValidUtf8(error);
  cause["errorMessage"] = internal::ToValidUtf8(message);
  return boost::json::serialize(cause);
}

}  // namespace stepwise::worker
