// String concatenation for std::string_view-based code.
//
// Debian 12's Abseil is built with ABSL_OPTION_USE_STD_STRING_VIEW=0, so
// absl::StrCat / absl::StrJoin / absl::StartsWith take absl::string_view and
// reject std::string_view. Stepwise uses std::string_view throughout (and
// C++20's starts_with/ends_with members), and these helpers instead:
//
//   std::string m = StrCat("Field '", key, "' must be an integer from ", min);
//   std::string list = StrJoin(names, ", ");
#ifndef STEPWISE_COMMON_STR_CAT_H_
#define STEPWISE_COMMON_STR_CAT_H_

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"

namespace stepwise {
namespace str_cat_internal {

inline void Append(std::string& out, std::string_view piece) { out.append(piece); }
inline void Append(std::string& out, const char* piece) { out.append(piece); }
inline void Append(std::string& out, const std::string& piece) { out.append(piece); }
inline void Append(std::string& out, char c) { out.push_back(c); }
template <typename T>
requires(std::is_arithmetic_v<T> && !std::is_same_v<T, char> &&
         !std::is_same_v<T, bool>) void Append(std::string& out, T number) {
  absl::StrAppend(&out, number);  // Abseil's shortest round-trip formatting.
}

}  // namespace str_cat_internal

template <typename... Pieces>
std::string StrCat(const Pieces&... pieces) {
  std::string out;
  (str_cat_internal::Append(out, pieces), ...);
  return out;
}

template <typename... Pieces>
void StrAppend(std::string* out, const Pieces&... pieces) {
  (str_cat_internal::Append(*out, pieces), ...);
}

template <typename Range>
std::string StrJoin(const Range& range, std::string_view separator) {
  std::string out;
  bool first = true;
  for (const auto& piece : range) {
    if (!first) out.append(separator);
    first = false;
    str_cat_internal::Append(out, piece);
  }
  return out;
}

}  // namespace stepwise

#endif  // STEPWISE_COMMON_STR_CAT_H_
