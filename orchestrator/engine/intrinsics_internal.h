// Helpers shared by intrinsics.cc and intrinsics_text.cc: value rendering
// (JSON and the Java-style text States.Format uses), JSON value equality and
// hashing, and the string codecs. Not part of the engine's API.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_INTRINSICS_INTERNAL_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_INTRINSICS_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "boost/json/value.hpp"

namespace stepwise::engine::intrinsics_internal {

// Values nested deeper than this are rejected before anything recurses into them.
inline constexpr int kMaxValueDepth = 512;

// Size of `v` as compact JSON (string escapes not counted), or nullopt once it
// exceeds `limit` or nests deeper than kMaxValueDepth. Stops walking early.
std::optional<size_t> BoundedJsonSize(const boost::json::value& v, size_t limit);

// Compact JSON, numbers as Java's Double.toString writes them ("1.5",
// "2.0", "1.0E10"), as AWS's JsonToString does.
void AppendJson(std::string& out, const boost::json::value& v);

// States.Format's rendering of an argument, as AWS's Java runtime produces it:
// strings raw, arrays "[a, b]", objects "{k=v, k2=w}", scalars as JSON.
void AppendFormatText(std::string& out, const boost::json::value& v);

// Java's Double.toString.
std::string JavaDoubleString(double d);

// Deep equality; numbers compare by value (1 == 1.0), objects ignore key order.
bool JsonEqual(const boost::json::value& a, const boost::json::value& b);
// Consistent with JsonEqual: equal values hash equally.
uint64_t JsonHash(const boost::json::value& v);

// Length in UTF-16 code units (Java's String.length()), which AWS's
// 10,000-character limits count.
size_t Utf16Length(std::string_view utf8);

// Invalid UTF-8 sequences replaced by U+FFFD, as Java decodes bytes.
std::string SanitizeUtf8(std::string_view bytes);

// Splits `text` at every occurrence of any character (code point) of
// `delimiters`, dropping empty parts.
std::vector<std::string> SplitByAnyOf(std::string_view text, std::string_view delimiters);

// Standard alphabet; padding optional but, when present, correct (Java's
// Base64.getDecoder()). nullopt on any other character or a dangling sextet.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace stepwise::engine::intrinsics_internal

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_INTRINSICS_INTERNAL_H_
