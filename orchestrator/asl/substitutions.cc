#include "orchestrator/asl/substitutions.h"

#include <set>

#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "common/str_cat.h"
#include "orchestrator/asl/json_document.h"

namespace stepwise::asl {
namespace {

namespace json = ::boost::json;

// Calls `on_placeholder(start, end, name)` for each `${Name}` in `text`;
// Name is one or more characters other than `}` and `$`.
template <typename F>
void ForEachPlaceholder(std::string_view text, F on_placeholder) {
  size_t pos = 0;
  while ((pos = text.find("${", pos)) != std::string_view::npos) {
    size_t close = text.find('}', pos + 2);
    if (close == std::string_view::npos) return;
    std::string_view name = text.substr(pos + 2, close - pos - 2);
    if (name.empty() || name.find('$') != std::string_view::npos) {
      pos += 2;
      continue;
    }
    on_placeholder(pos, close + 1, name);
    pos = close + 1;
  }
}

// JSON-escapes `text` for use inside a string literal.
std::string EscapeForJsonString(std::string_view text) {
  std::string quoted = json::serialize(json::string(text));
  return quoted.substr(1, quoted.size() - 2);
}

bool IsJsonWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void CollectPlaceholders(const json::value& value, std::set<std::string>& names) {
  if (value.is_string()) {
    const json::string& s = value.get_string();
    ForEachPlaceholder(std::string_view(s.data(), s.size()),
                       [&](size_t, size_t, std::string_view name) { names.emplace(name); });
  } else if (value.is_object()) {
    for (const auto& member : value.get_object()) CollectPlaceholders(member.value(), names);
  } else if (value.is_array()) {
    for (const auto& element : value.get_array()) CollectPlaceholders(element, names);
  }
}

}  // namespace

bool HasPlaceholder(std::string_view text) {
  bool found = false;
  ForEachPlaceholder(text, [&](size_t, size_t, std::string_view) { found = true; });
  return found;
}

std::string SubstituteString(std::string_view text, const Substitutions& substitutions) {
  std::string out;
  size_t copied = 0;
  ForEachPlaceholder(text, [&](size_t start, size_t end, std::string_view name) {
    auto it = substitutions.find(name);
    if (it == substitutions.end()) return;
    StrAppend(&out, text.substr(copied, start - copied), it->second);
    copied = end;
  });
  StrAppend(&out, text.substr(copied));
  return out;
}

// Works on the text rather than a parsed document so that everything else
// stays byte for byte: formatting, line numbers in later diagnostics, and
// duplicate keys (which a DOM would silently merge).
absl::StatusOr<std::string> ApplySubstitutions(std::string_view definition_text,
                                               const Substitutions& substitutions) {
  JsonDocument document = ParseJsonDocument(definition_text);
  if (!document.ok) {
    return absl::InvalidArgumentError(StrCat("definition is not valid JSON: ", document.error));
  }
  std::string out;
  out.reserve(definition_text.size());
  size_t pos = 0;
  while (pos < definition_text.size()) {
    if (definition_text[pos] != '"') {
      out.push_back(definition_text[pos++]);
      continue;
    }
    size_t end = pos + 1;  // The text is valid JSON: the closing quote exists.
    while (definition_text[end] != '"') end += definition_text[end] == '\\' ? 2 : 1;
    std::string_view literal = definition_text.substr(pos + 1, end - pos - 1);
    size_t after = end + 1;
    while (after < definition_text.size() && IsJsonWhitespace(definition_text[after])) ++after;
    bool is_key = after < definition_text.size() && definition_text[after] == ':';
    out.push_back('"');
    if (is_key || !HasPlaceholder(literal)) {
      out.append(literal);
    } else {
      // Placeholder names never contain escapes, so substituting in the raw
      // literal and escaping only the inserted values is exact.
      size_t copied = 0;
      ForEachPlaceholder(literal, [&](size_t start, size_t stop, std::string_view name) {
        auto it = substitutions.find(name);
        if (it == substitutions.end()) return;
        StrAppend(&out, literal.substr(copied, start - copied), EscapeForJsonString(it->second));
        copied = stop;
      });
      out.append(literal.substr(copied));
    }
    out.push_back('"');
    pos = end + 1;
  }
  return out;
}

std::vector<std::string> FindPlaceholders(std::string_view text) {
  JsonDocument document = ParseJsonDocument(text);
  if (!document.ok) return {};
  std::set<std::string> names;
  CollectPlaceholders(document.root, names);
  return {names.begin(), names.end()};
}

}  // namespace stepwise::asl
