// Translates a JavaScript regular expression (RegExp syntax without the `u`
// flag, with the web-compatibility grammar of ECMAScript Annex B) into an
// equivalent PCRE2 pattern for PCRE2's 16-bit library in non-UTF mode, where
// one code unit is one character, as it is for such a JavaScript RegExp.
//
// Everything whose meaning differs between the two is spelled out rather
// than left to PCRE2: `.`, `\d` `\w` `\s` and their negations and every
// `[...]` become explicit code unit classes; `i` is applied by the
// translation (each literal and class gets its JavaScript Canonicalize
// equivalents) instead of PCRE2_CASELESS; `^`/`$` under `m` become
// lookarounds on JavaScript's line terminators (\n \r U+2028 U+2029) and a
// plain `$` is `\z`; named groups become numbered ones; `\N` is a
// back-reference only when there are N groups, otherwise a legacy octal
// escape. Constructs only PCRE2 has are JavaScript syntax errors here too
// (`a++`, `(?>`, `(?i)`) or mean what they mean in JavaScript (`\Q` is "Q").
//
//   std::optional<std::u16string> p = TranslateJsPattern(u"é\\d$", "i");
//   // *p == u"[\\x{c9}\\x{e9}][0-9]\\z": "É" or "é", an ASCII digit, the end
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_JS_PATTERN_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_JS_PATTERN_H_

#include <optional>
#include <string>
#include <string_view>

namespace stepwise::jsonata::internal {

// `pattern` is the regex source as UTF-16 code units; `flags` may hold 'i'
// and 'm' (others are ignored). nullopt when JavaScript would reject the
// pattern (a SyntaxError: unbalanced parentheses or brackets, nothing to
// repeat, a range out of order, an unknown or duplicate group name, ...).
// The result may still be rejected by PCRE2 for its own limits (a
// lookbehind of variable length, a repeat count above 65535).
std::optional<std::u16string> TranslateJsPattern(std::u16string_view pattern,
                                                 std::string_view flags);

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_JS_PATTERN_H_
