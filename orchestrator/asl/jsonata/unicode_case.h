// Unicode case mapping as JavaScript's String#toUpperCase/#toLowerCase do
// it (what jsonata-js's $uppercase/$lowercase use): full mappings
// including SpecialCasing expansions ("ß" -> "SS", "İ" -> "i̇") and the Greek
// final sigma. The tables are generated from node (tools/gen_unicode_case.mjs)
// rather than taken from the C library's locale, so results do not depend on
// which locales the host has, and match the reference exactly.
//
//   ToUpperUnicode("straße");  // "STRASSE"
//   ToLowerUnicode("ΟΔΟΣ");    // "οδος" with a final "ς"
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_UNICODE_CASE_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_UNICODE_CASE_H_

#include <cstddef>
#include <string>

namespace stepwise::jsonata::internal {

// `s` is UTF-8 (as every JSONata string here); so is the result.
std::string ToUpperUnicode(const std::string& s);
std::string ToLowerUnicode(const std::string& s);

// `c` mapped as JavaScript's toUpperCase/toLowerCase of that one character,
// or `c` itself when the mapping is not one character ("ß" -> "SS").
char32_t ToUpperSingle(char32_t c);
char32_t ToLowerSingle(char32_t c);

namespace unicode_case_data {
struct CaseRun {
  char32_t first, last;
  int stride, delta;
};
struct CaseExpansion {
  char32_t from;
  const char32_t* to;
};
extern const CaseRun kUpperRuns[];
extern const size_t kUpperRunCount;
extern const CaseRun kLowerRuns[];
extern const size_t kLowerRunCount;
extern const CaseExpansion kUpperExpansions[];
extern const size_t kUpperExpansionCount;
extern const CaseExpansion kLowerExpansions[];
extern const size_t kLowerExpansionCount;
}  // namespace unicode_case_data

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_UNICODE_CASE_H_
