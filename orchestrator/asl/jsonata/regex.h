// JavaScript regular expressions (RegExp without the `u` flag, as
// jsonata-js builds them) over UTF-16 code units: `.` and character classes
// match one code unit (half of an emoji's surrogate pair), offsets are
// JavaScript string indexes, `i` folds case as JavaScript's Canonicalize
// (toUpperCase of one character) and `\s` includes Unicode spaces while `\w`
// and `\d` stay ASCII. Runs on PCRE2's 16-bit library in non-UTF mode (one
// code unit per character, like JavaScript) with the pattern translated by
// js_pattern.h. PCRE2 backtracks on the heap, never on the machine stack,
// and every search has a work budget, so no pattern or input can overflow
// the stack or run for long: a search that exceeds its budget fails.
//
//   std::shared_ptr<const JsRegex> re = JsRegex::Compile("é+", "i");
//   std::u16string s = ToUtf16Units("xÉé");
//   JsRegex::Budget budget(s.size());
//   absl::StatusOr<std::optional<JsRegex::Match>> m = re->Search(s, 0, budget);
//   // m.ok(), (*m)->start == 1, (*m)->end == 3
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_REGEX_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_REGEX_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

struct pcre2_real_code_16;  // pcre2.h's pcre2_code_16

namespace stepwise::jsonata::internal {

class JsRegex {
 public:
  struct Match {
    size_t start = 0, end = 0;  // UTF-16 code unit offsets into the subject
    // Capture groups 1..n, nullopt for a group that did not participate.
    std::vector<std::optional<std::u16string>> groups;
  };

  // The backtracking work the searches over one subject may do together
  // (all the matches of one $match/$replace/$split/$contains call share
  // one): a base allowance plus a few steps per code unit of the subject, so
  // that linear patterns always finish and exponential ones stop after
  // about a quarter of a second on the largest inputs.
  struct Budget {
    explicit Budget(size_t subject_units);
    uint64_t steps_left;
    size_t last_position = 0;  // where the previous step was, to count scans
  };

  // `pattern` is UTF-8 in JavaScript syntax, `flags` any of "i" and "m".
  // Returns null when the pattern is invalid, or beyond PCRE2's limits (a
  // lookbehind whose alternatives are not of fixed length, a repeat count
  // above 65535).
  static std::shared_ptr<const JsRegex> Compile(std::string_view pattern, std::string_view flags);

  JsRegex(const JsRegex&) = delete;
  JsRegex& operator=(const JsRegex&) = delete;
  ~JsRegex();

  // The first match in `subject` (UTF-16 units) at or after `from`, as
  // JavaScript's exec with lastIndex = from (what precedes `from` is seen by
  // lookbehind and `\b`). `from` <= subject.size(). nullopt: no match.
  // kResourceExhausted when the search would need more than `budget` has
  // left (or more than 64 MiB of backtracking memory); the budget is
  // charged with the work done.
  absl::StatusOr<std::optional<Match>> Search(const std::u16string& subject, size_t from,
                                              Budget& budget) const;

  // The pattern as written (for error messages).
  const std::string& source() const { return source_; }

 private:
  JsRegex() = default;

  pcre2_real_code_16* code_ = nullptr;
  std::string source_;
};

// A match found by SearchText, in UTF-8.
struct TextMatch {
  std::string text;
  std::vector<std::optional<std::string>> groups;  // nullopt: did not participate
};

// `re`'s first match in UTF-8 `subject`, searched with a budget of its own:
// for the library's own patterns (function signatures, ISO 8601 timestamps,
// date/time pictures) applied to strings that may be long. Errors as Search.
absl::StatusOr<std::optional<TextMatch>> SearchText(const JsRegex& re, std::string_view subject);

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_REGEX_H_
