// Input handling shared by the `stepwise` subcommands: reading files and
// stdin, DefinitionSubstitutions from flags, and JSON arguments with the
// position of a syntax error. Errors are messages for the user (they name
// the file or flag), returned as absl::Status.
#ifndef STEPWISE_CLI_COMMAND_IO_H_
#define STEPWISE_CLI_COMMAND_IO_H_

#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/value.hpp"
#include "orchestrator/asl/substitutions.h"

namespace stepwise::cli {

// All of `in`; kUnavailable naming `name` on a read error.
absl::StatusOr<std::string> ReadStream(std::istream& in, std::string_view name);

// The whole file. kNotFound (with strerror) when it cannot be opened,
// kInvalidArgument for a directory.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// DefinitionSubstitutions from the JSON object `text`: values may be strings,
// numbers or booleans, as in AWS. kInvalidArgument "<what> is not valid JSON:
// ...", "<what> must hold a JSON object" or naming the offending key.
absl::StatusOr<asl::Substitutions> SubstitutionsFromJson(std::string_view text,
                                                         std::string_view what);

// DefinitionSubstitutions from a JSON object file (may be empty: none), then
// from "KEY=VALUE" pairs (later ones win). Values in the file may be strings,
// numbers or booleans, as in AWS. kInvalidArgument naming the file or pair.
absl::StatusOr<asl::Substitutions> CollectSubstitutions(const std::string& substitutions_file,
                                                        const std::vector<std::string>& pairs);

// Parses `text` as one JSON value. kInvalidArgument "<what> is not valid
// JSON: line L, column C: ..." on a syntax error.
absl::StatusOr<boost::json::value> ParseJsonArgument(std::string_view text, std::string_view what);

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_COMMAND_IO_H_
