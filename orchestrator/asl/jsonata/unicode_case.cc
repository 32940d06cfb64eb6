#include "orchestrator/asl/jsonata/unicode_case.h"

#include <algorithm>

#include "orchestrator/asl/jsonata/helpers.h"

namespace stepwise::jsonata::internal {
namespace {

using unicode_case_data::CaseExpansion;
using unicode_case_data::CaseRun;

// The simple mapping of `c` by the runs, or `c`.
char32_t MapSimple(char32_t c, const CaseRun* runs, size_t count) {
  const CaseRun* end = runs + count;
  const CaseRun* it =
      std::upper_bound(runs, end, c, [](char32_t v, const CaseRun& r) { return v < r.first; });
  if (it == runs) return c;
  --it;
  if (c > it->last || (c - it->first) % static_cast<char32_t>(it->stride) != 0) return c;
  return static_cast<char32_t>(static_cast<int>(c) + it->delta);
}

const char32_t* Expansion(char32_t c, const CaseExpansion* table, size_t count) {
  const CaseExpansion* end = table + count;
  const CaseExpansion* it = std::lower_bound(
      table, end, c, [](const CaseExpansion& e, char32_t v) { return e.from < v; });
  return it != end && it->from == c ? it->to : nullptr;
}

bool IsCased(char32_t c) {
  using namespace unicode_case_data;  // NOLINT: the generated tables
  return MapSimple(c, kUpperRuns, kUpperRunCount) != c ||
         MapSimple(c, kLowerRuns, kLowerRunCount) != c ||
         Expansion(c, kUpperExpansions, kUpperExpansionCount) != nullptr;
}

// The common case-ignorable characters (Unicode's Case_Ignorable, abridged):
// apostrophes, the middle dot, soft hyphen, modifier letters and
// combining marks.
bool IsCaseIgnorable(char32_t c) {
  return c == U'\'' || c == 0xAD || c == 0xB7 || c == 0x2019 || (c >= 0x2B0 && c <= 0x36F) ||
         (c >= 0x483 && c <= 0x489) || (c >= 0x1DC0 && c <= 0x1DFF) ||
         (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE20 && c <= 0xFE2F);
}

// Unicode's Final_Sigma condition for the sigma at `i`.
bool IsFinalSigma(const std::u32string& s, size_t i) {
  size_t j = i;
  while (j > 0 && IsCaseIgnorable(s[j - 1])) --j;
  if (j == 0 || !IsCased(s[j - 1])) return false;
  size_t k = i + 1;
  while (k < s.size() && IsCaseIgnorable(s[k])) ++k;
  return k == s.size() || !IsCased(s[k]);
}

}  // namespace

std::string ToUpperUnicode(const std::string& s) {
  using namespace unicode_case_data;  // NOLINT: the generated tables
  std::u32string in = ToUtf32(s), out;
  out.reserve(in.size());
  for (char32_t c : in) {
    if (const char32_t* e = Expansion(c, kUpperExpansions, kUpperExpansionCount)) {
      out += e;
    } else {
      out.push_back(MapSimple(c, kUpperRuns, kUpperRunCount));
    }
  }
  return FromUtf32(out);
}

std::string ToLowerUnicode(const std::string& s) {
  using namespace unicode_case_data;  // NOLINT: the generated tables
  std::u32string in = ToUtf32(s), out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char32_t c = in[i];
    if (c == 0x3A3 && IsFinalSigma(in, i)) {
      out.push_back(0x3C2);
    } else if (const char32_t* e = Expansion(c, kLowerExpansions, kLowerExpansionCount)) {
      out += e;
    } else {
      out.push_back(MapSimple(c, kLowerRuns, kLowerRunCount));
    }
  }
  return FromUtf32(out);
}

char32_t ToUpperSingle(char32_t c) {
  using namespace unicode_case_data;  // NOLINT: the generated tables
  if (const char32_t* e = Expansion(c, kUpperExpansions, kUpperExpansionCount)) {
    return e[0] != 0 && e[1] == 0 ? e[0] : c;
  }
  return MapSimple(c, kUpperRuns, kUpperRunCount);
}

char32_t ToLowerSingle(char32_t c) {
  using namespace unicode_case_data;  // NOLINT: the generated tables
  if (const char32_t* e = Expansion(c, kLowerExpansions, kLowerExpansionCount)) {
    return e[0] != 0 && e[1] == 0 ? e[0] : c;
  }
  return MapSimple(c, kLowerRuns, kLowerRunCount);
}

}  // namespace stepwise::jsonata::internal
