// JavaScript regex semantics over UTF-16 (orchestrator/asl/jsonata/regex.h)
// and the differences from jsonata-js that remain on purpose: a lone
// surrogate becomes U+FFFD, a lookbehind must have a fixed length, JavaScript
// TypeErrors inside jsonata-js (a custom matcher without `next`) are T1010,
// and a search that backtracks too much fails (U1003) rather than running
// for hours or, as with std::regex, overflowing the stack.
// What agrees with jsonata-js is in cases/regex_unicode.json and
// cases/matchers.json.
#include "orchestrator/asl/jsonata/regex.h"

#include <ctime>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/jsonata/js_pattern.h"
#include "orchestrator/asl/jsonata/jsonata.h"
#include "orchestrator/asl/jsonata/utf.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/jsonata/json_compare.h"

namespace stepwise::jsonata {
namespace {

using internal::JsRegex;
using internal::ToUtf16Units;
using internal::TranslateJsPattern;

absl::StatusOr<std::optional<boost::json::value>> Eval(std::string_view expr) {
  auto parsed = Parse(expr);
  if (!parsed.ok()) return parsed.status();
  return Evaluate(**parsed, nullptr, {}, {});
}

std::string ErrorOf(std::string_view expr) {
  auto result = Eval(expr);
  return result.ok() ? "no error" : ErrorCode(result.status());
}

// Search with a fresh budget; nullopt for no match, and a failed test for
// an error.
std::optional<JsRegex::Match> Find(const JsRegex& re, const std::u16string& s, size_t from) {
  JsRegex::Budget budget(s.size());
  absl::StatusOr<std::optional<JsRegex::Match>> m = re.Search(s, from, budget);
  EXPECT_THAT(m, ::stepwise::testing::IsOk());
  return m.ok() ? *m : std::nullopt;
}

TEST(JsRegexTest, OffsetsAreUtf16CodeUnits) {
  auto re = JsRegex::Compile("é+", "i");
  ASSERT_NE(re, nullptr);
  std::u16string s = ToUtf16Units("😀xÉé");
  auto m = Find(*re, s, 0);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->start, 3u);  // the emoji is two units
  EXPECT_EQ(m->end, 5u);
  EXPECT_FALSE(Find(*re, s, 5).has_value());
}

TEST(JsRegexTest, SearchFromAnOffsetSeesThePrecedingText) {
  auto re = JsRegex::Compile("\\bb|^c|(?<=a)c", "");
  ASSERT_NE(re, nullptr);
  std::u16string s = ToUtf16Units("abc");
  // From 1, "b" follows "a": no word boundary; "c" is not at the start nor
  // after an "a".
  EXPECT_FALSE(Find(*re, s, 1).has_value());
}

TEST(JsRegexTest, GroupsThatDidNotTakePartAreEmpty) {
  auto re = JsRegex::Compile("(a)|(b)", "");
  ASSERT_NE(re, nullptr);
  auto m = Find(*re, ToUtf16Units("b"), 0);
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ(m->groups.size(), 2u);
  EXPECT_FALSE(m->groups[0].has_value());
  EXPECT_EQ(m->groups[1], std::optional<std::u16string>(u"b"));
}

TEST(JsPatternTest, SpellsOutJavaScriptSemantics) {
  EXPECT_EQ(TranslateJsPattern(u"é\\d$", "i"),
            std::optional<std::u16string>(u"[\\x{c9}\\x{e9}][0-9]\\z"));
  EXPECT_EQ(TranslateJsPattern(u"(?<y>a)\\k<y>\\2", ""),
            std::optional<std::u16string>(u"(a)(?:\\g{1})\\x{2}"));
  EXPECT_EQ(TranslateJsPattern(u"a{,2}[]", ""),
            std::optional<std::u16string>(u"a\\x{7b}\\x{2c}2\\x{7d}(?!)"));
  EXPECT_EQ(TranslateJsPattern(u"(", ""), std::nullopt);
}

TEST(JsRegexTest, JavaScriptSyntaxErrorsAreRejected) {
  for (const char* pattern : {"(a",
                              "a)",
                              "[a",
                              "\\",
                              "a**",
                              "a++",
                              "a{2}{3}",
                              "{2}",
                              "^*",
                              "\\b+",
                              "(?<=a)*",
                              "a{2,1}",
                              "[b-a]",
                              "(?>a)",
                              "(?i)a",
                              "(*UTF)a",
                              "(?<1a>x)",
                              "(?<x>a)(?<x>b)",
                              "\\k<nope>(?<x>a)",
                              "(?<x>a)\\k"}) {
    EXPECT_EQ(JsRegex::Compile(pattern, ""), nullptr) << pattern;
  }
  EXPECT_NE(JsRegex::Compile("(?<x>a)\\k<x>", ""), nullptr);
  EXPECT_NE(JsRegex::Compile("(?<=a|bc)d", ""), nullptr);
  // PCRE2 10.42 needs each lookbehind alternative to have a fixed length.
  EXPECT_EQ(JsRegex::Compile("(?<=a+)b", ""), nullptr);
}

TEST(JsRegexTest, PcreOnlySyntaxMeansWhatItMeansInJavaScript) {
  // \Q, \E, \A, \z, \h are identity escapes in JavaScript, not PCRE2's.
  auto re = JsRegex::Compile("\\Qa\\E\\A\\z\\h", "");
  ASSERT_NE(re, nullptr);
  auto m = Find(*re, u"xQaEAzh", 0);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->start, 1u);
  EXPECT_EQ(m->end, 7u);
}

TEST(JsonataRegexTest, LoneSurrogateBecomesReplacementCharacter) {
  // jsonata-js returns "\ud83d" and "\ude00": half an emoji each, which
  // UTF-8 cannot hold. Indexes and counts still agree with JavaScript.
  auto result = Eval("$match('😀', /./)");
  ASSERT_THAT(result, ::stepwise::testing::IsOk());
  ASSERT_TRUE(result->has_value());
  EXPECT_TRUE(testing::JsonEquivalent(**result, boost::json::parse(R"([
      {"match": "\ufffd", "index": 0, "groups": []},
      {"match": "\ufffd", "index": 1, "groups": []}])")))
      << boost::json::serialize(**result);
}

TEST(JsonataRegexTest, VariableLengthLookbehindIsAnUnsupportedRegex) {
  EXPECT_EQ(ErrorOf("$match('aab', /(?<=a+)b/)"), "S0303");
  EXPECT_EQ(ErrorOf("$match('aab', /(?<=a{2})b/).index"), "no error");
}

TEST(JsonataRegexTest, MatcherWithoutNextFailsWithT1010) {
  // jsonata-js fails with a JavaScript TypeError (no code) when it asks
  // such a match for the next one; Stepwise names the matcher contract.
  const char* kNoNext = "function($s){ {'match': 'b', 'start': 1, 'end': 2, 'groups': []} }";
  EXPECT_EQ(ErrorOf(std::string("$match('abc', ") + kNoNext + ")"), "T1010");
  EXPECT_EQ(ErrorOf(std::string("$split('abc', ") + kNoNext + ")"), "T1010");
  EXPECT_EQ(ErrorOf(std::string("$replace('abc', ") + kNoNext + ", 'x')"), "T1010");
  EXPECT_EQ(ErrorOf("$split('abc', function($s){ null })"), "T1010");
  // A string replacement needs the match's groups.
  EXPECT_EQ(ErrorOf("$replace('abc', function($s){ {'match': 'b', 'start': 1, 'next': "
                    "function(){()}} }, 'x')"),
            "T1010");
}

// CPU seconds an EvalOn may take: AddressSanitizer builds (Debug, with
// -DSTEPWISE_SANITIZE=address) run this several times slower.
#if defined(__SANITIZE_ADDRESS__)
constexpr double kCpuBudgetSeconds = 5.0;
#else
constexpr double kCpuBudgetSeconds = 1.0;
#endif

// Evaluates `expr` with $s bound to `subject` and checks that it takes well
// under a second of CPU time (process CPU time, so that other processes on
// a busy machine do not count).
absl::StatusOr<std::optional<boost::json::value>> EvalOn(std::string_view expr,
                                                         const std::string& subject) {
  auto parsed = Parse(expr);
  if (!parsed.ok()) return parsed.status();
  std::clock_t start = std::clock();
  auto result = Evaluate(**parsed, nullptr, {{"s", boost::json::value(subject)}}, {});
  EXPECT_LT(static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC, kCpuBudgetSeconds) << expr;
  return result;
}

// The JSON of a result, "undefined", or the error code.
std::string Show(const absl::StatusOr<std::optional<boost::json::value>>& result) {
  if (!result.ok()) return ErrorCode(result.status());
  return result->has_value() ? boost::json::serialize(**result) : "undefined";
}

// libstdc++'s std::regex recursed once per character and overflowed the
// stack on inputs like these, killing the process. PCRE2 backtracks on the
// heap, and the work per subject is bounded.
TEST(JsonataRegexTest, LongInputsMatchWithoutExhaustingTheStack) {
  const std::string a(1'000'000, 'a');
  EXPECT_EQ(Show(EvalOn("$length($match($s, /(a|b)+/).match)", a)), "1000000");
  EXPECT_EQ(Show(EvalOn("$length($match($s, /.*/).match)", a)), "1000000");
  EXPECT_EQ(Show(EvalOn("$count($match($s, /a/, 20000))", a)), "20000");
  EXPECT_EQ(Show(EvalOn("$replace($s, /(?:a|b)*$/, 'x')", a)), "\"x\"");
}

TEST(JsonataRegexTest, CatastrophicBacktrackingFailsWithU1003) {
  const std::string x(1'000'000, 'x');
  // No "y" at all: PCRE2 may see at once that there is no match, or give up.
  EXPECT_THAT(Show(EvalOn("$match($s, /(x+x+)+y/)", x)), ::testing::AnyOf("undefined", "U1003"));
  // Here every start position backtracks exponentially.
  auto result = EvalOn("$match($s, /(x+x+)+[yz]/)", x);
  EXPECT_EQ(ErrorCode(result.status()), "U1003");
  EXPECT_THAT(result.status().message(), ::testing::HasSubstr("1000000 characters"));
  // Short runs keep each start position cheap (PCRE2's own match limit
  // would restart at each of them); the budget is for the whole subject.
  std::string runs;
  while (runs.size() < 100'000) runs += std::string(20, 'x') + "!";
  EXPECT_EQ(ErrorCode(EvalOn("$contains($s, /(x+x+)+[yz]/)", runs).status()), "U1003");
  // The budget is shared by all the matches of one call.
  EXPECT_EQ(ErrorCode(EvalOn("$match($s, /(x+x+)+[yz]|!/)", runs).status()), "U1003");
  // A short subject is not limited by it.
  EXPECT_EQ(Show(EvalOn("$match($s, /(x+x+)+[yz]/).index", "xxxxxxxxxxy")), "0");
}

TEST(JsonataRegexTest, MatcherErrorsPropagate) {
  EXPECT_EQ(ErrorOf("$match('abc', function($s){ $error('boom') })"), "D3137");
}

}  // namespace
}  // namespace stepwise::jsonata
