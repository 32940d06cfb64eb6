#include "cli/command_io.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "common/str_cat.h"
#include "orchestrator/asl/json_document.h"

namespace stepwise::cli {

absl::StatusOr<std::string> ReadStream(std::istream& in, std::string_view name) {
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return absl::UnavailableError(StrCat("cannot read ", name));
  return text;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::InvalidArgumentError(StrCat("cannot read '", path, "': is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(StrCat("cannot read '", path, "': ", std::strerror(errno)));
  }
  return ReadStream(in, StrCat("'", path, "'"));
}

absl::StatusOr<asl::Substitutions> SubstitutionsFromJson(std::string_view text,
                                                         std::string_view what) {
  absl::StatusOr<boost::json::value> parsed = ParseJsonArgument(text, what);
  if (!parsed.ok()) return parsed.status();
  const boost::json::value& doc = *parsed;
  if (!doc.is_object()) {
    return absl::InvalidArgumentError(StrCat(what, " must hold a JSON object"));
  }
  asl::Substitutions result;
  for (const auto& [key, value] : doc.as_object()) {
    if (value.is_string()) {
      result[std::string(key)] = std::string(value.as_string());
    } else if (value.is_number() || value.is_bool()) {
      result[std::string(key)] = boost::json::serialize(value);
    } else {
      return absl::InvalidArgumentError(StrCat(what, ": value of '", std::string_view(key),
                                               "' must be a string, number or boolean"));
    }
  }
  return result;
}

absl::StatusOr<asl::Substitutions> CollectSubstitutions(const std::string& substitutions_file,
                                                        const std::vector<std::string>& pairs) {
  asl::Substitutions result;
  if (!substitutions_file.empty()) {
    absl::StatusOr<std::string> text = ReadFile(substitutions_file);
    if (!text.ok()) return text.status();
    absl::StatusOr<asl::Substitutions> from_file =
        SubstitutionsFromJson(*text, StrCat("substitutions file '", substitutions_file, "'"));
    if (!from_file.ok()) return from_file.status();
    result = *std::move(from_file);
  }
  for (const std::string& pair : pairs) {
    const size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          StrCat("--substitution '", pair, "' is not of the form KEY=VALUE"));
    }
    result[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return result;
}

absl::StatusOr<boost::json::value> ParseJsonArgument(std::string_view text, std::string_view what) {
  asl::JsonDocument document = asl::ParseJsonDocument(text);
  if (!document.ok) {
    return absl::InvalidArgumentError(StrCat(what, " is not valid JSON: ", document.error));
  }
  return std::move(document.root);
}

}  // namespace stepwise::cli
