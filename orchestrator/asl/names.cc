#include "orchestrator/asl/names.h"

#include "common/str_cat.h"

namespace stepwise::asl {
namespace {

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

bool HasControlCharacter(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (IsControl(c)) return true;
    // C1 controls U+0080..U+009F are encoded as C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < text.size()) {
      auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

constexpr std::string_view kForbiddenNameCharacters = " \t\n\r<>{}[]?*\"#%\\^|~`$&,;:/";

bool HasForbiddenNameCharacter(std::string_view name) {
  return name.find_first_of(kForbiddenNameCharacters) != std::string_view::npos ||
         HasControlCharacter(name);
}

}  // namespace

size_t Utf8Length(std::string_view text) {
  size_t length = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++length;
  }
  return length;
}

std::string StateNameProblem(std::string_view name) {
  if (name.empty()) return "State name must not be empty";
  if (Utf8Length(name) > kMaxStateNameLength) {
    return StrCat("State name is longer than ", kMaxStateNameLength, " characters");
  }
  if (HasControlCharacter(name)) return "State name contains a control character";
  return "";
}

ResourceNameProblem CheckResourceName(std::string_view name) {
  if (name.empty()) return ResourceNameProblem::kEmpty;
  if (Utf8Length(name) > kMaxResourceNameLength) return ResourceNameProblem::kTooLong;
  if (HasForbiddenNameCharacter(name)) return ResourceNameProblem::kInvalid;
  return ResourceNameProblem::kNone;
}

std::string LabelProblem(std::string_view label) {
  if (label.empty()) return "Label must not be empty";
  if (Utf8Length(label) > kMaxLabelLength) {
    return StrCat("Label is longer than ", kMaxLabelLength, " characters");
  }
  if (HasForbiddenNameCharacter(label)) {
    return "Label contains whitespace, a bracket, a wildcard, a special or a control character";
  }
  return "";
}

bool IsValidVariableName(std::string_view name) {
  if (name.empty() || name.size() > kMaxStateNameLength) return false;
  auto is_alpha = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  if (!is_alpha(name[0])) return false;
  for (char c : name) {
    if (!is_alpha(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

}  // namespace stepwise::asl
