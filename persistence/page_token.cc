#include "persistence/page_token.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "common/str_cat.h"

namespace stepwise::persistence {
namespace {

absl::Status BadToken() { return absl::InvalidArgumentError("Invalid page token"); }

}  // namespace

std::string EncodePageToken(const std::vector<std::string>& parts) {
  std::string raw;
  for (const std::string& part : parts) StrAppend(&raw, part.size(), ":", part);
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::vector<std::string>> DecodePageToken(std::string_view token,
                                                         size_t expected_parts) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(absl::string_view(token.data(), token.size()), &raw)) {
    return BadToken();
  }
  std::vector<std::string> parts;
  std::string_view rest = raw;
  while (!rest.empty()) {
    size_t colon = rest.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 9) return BadToken();
    size_t length = 0;
    if (!absl::SimpleAtoi(absl::string_view(rest.data(), colon), &length)) return BadToken();
    rest.remove_prefix(colon + 1);
    if (length > rest.size()) return BadToken();
    parts.emplace_back(rest.substr(0, length));
    rest.remove_prefix(length);
  }
  if (parts.size() != expected_parts) return BadToken();
  return parts;
}

}  // namespace stepwise::persistence
