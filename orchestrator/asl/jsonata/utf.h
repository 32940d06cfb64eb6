// UTF-8 / UTF-32 / UTF-16 conversions. JSONata strings are UTF-8 here;
// JavaScript (jsonata-js) indexes strings in UTF-16 code units, so regex
// positions and lengths are computed on a UTF-16 copy.
//
//   std::u32string cps = ToUtf32("a😀");           // {'a', U+1F600}
//   std::u16string units = ToUtf16Units("a😀");    // {'a', 0xD83D, 0xDE00}
//   std::string back = FromUtf16Units(units);      // "a😀"
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_UTF_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_UTF_H_

#include <string>
#include <string_view>

namespace stepwise::jsonata::internal {

// Appends code point `cp` (< 0x110000) to `out` as UTF-8.
void AppendUtf8(std::string& out, char32_t cp);

// Code points of UTF-8 `s` (a malformed sequence decodes as far as it goes).
std::u32string ToUtf32(std::string_view s);
std::string FromUtf32(const std::u32string& s);

// UTF-16 code units of UTF-8 `s` (astral code points as surrogate pairs).
std::u16string ToUtf16Units(std::string_view s);
// Back to UTF-8. A lone surrogate (half of a pair cut by a JavaScript
// index) has no UTF-8 form and becomes U+FFFD.
std::string FromUtf16Units(std::u16string_view units);
// The length of UTF-8 `s` in UTF-16 code units (JavaScript's String#length).
size_t Utf16Length(std::string_view s);

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_UTF_H_
