#include "cli/validate_command.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "CLI/App.hpp"
#include "CLI/Validators.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "cli/command_io.h"
#include "orchestrator/asl/diagnostic.h"
#include "orchestrator/asl/substitutions.h"
#include "orchestrator/asl/validator.h"

namespace stepwise::cli {
namespace {

using asl::Substitutions;

// One file's outcome.
struct FileReport {
  std::string file;
  std::vector<asl::Diagnostic> diagnostics;
};

std::string Plural(size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

void PrintText(const FileReport& report, std::ostream& out) {
  size_t errors = 0;
  size_t warnings = 0;
  for (const asl::Diagnostic& d : report.diagnostics) {
    (d.severity == asl::Severity::kError ? errors : warnings)++;
    out << report.file << ": " << asl::SeverityName(d.severity) << " "
        << asl::DiagnosticCodeName(d.code);
    if (!d.location.empty()) out << " at " << d.location;
    out << ": " << d.message << "\n";
  }
  if (errors > 0) {
    out << report.file << ": FAIL (" << Plural(errors, "error");
    if (warnings > 0) out << ", " << Plural(warnings, "warning");
    out << ")\n";
  } else if (warnings > 0) {
    out << report.file << ": OK (" << Plural(warnings, "warning") << ")\n";
  } else {
    out << report.file << ": OK\n";
  }
}

boost::json::object ToJson(const FileReport& report) {
  boost::json::array diagnostics;
  for (const asl::Diagnostic& d : report.diagnostics) {
    diagnostics.push_back(boost::json::object{
        {"severity", asl::SeverityName(d.severity)},
        {"code", asl::DiagnosticCodeName(d.code)},
        {"message", d.message},
        {"location", d.location},
    });
  }
  return boost::json::object{
      {"file", report.file},
      {"result", asl::HasErrors(report.diagnostics) ? "FAIL" : "OK"},
      {"diagnostics", std::move(diagnostics)},
  };
}

}  // namespace

CLI::App* AddValidateCommand(CLI::App& app, ValidateFlags& flags) {
  CLI::App* cmd = app.add_subcommand(
      "validate", "Validate state machine definitions (as AWS ValidateStateMachineDefinition)");
  cmd->add_option("--output,-o", flags.output, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--substitution,-s", flags.substitutions,
                  "DefinitionSubstitution KEY=VALUE for ${KEY} placeholders (repeatable)")
      ->allow_extra_args(false);  // One KEY=VALUE per flag: the files follow.
  cmd->add_option("--substitutions-file", flags.substitutions_file,
                  "JSON object of DefinitionSubstitutions ({\"KEY\": \"VALUE\", ...})");
  cmd->add_flag("--no-placeholders", flags.no_placeholders,
                "Treat ${...} placeholders left in a Resource as errors");
  cmd->add_option("files", flags.files, "Definition files ('-' reads stdin)")->required();
  return cmd;
}

int RunValidate(const ValidateFlags& flags, std::istream& in, std::ostream& out,
                std::ostream& err) {
  absl::StatusOr<Substitutions> substitutions =
      CollectSubstitutions(flags.substitutions_file, flags.substitutions);
  if (!substitutions.ok()) {
    err << "stepwise validate: " << substitutions.status().message() << "\n";
    return kExitUsage;
  }
  asl::ValidateOptions options;
  options.allow_placeholders = !flags.no_placeholders;

  int exit_code = kExitValid;
  boost::json::array json_files;
  for (const std::string& file : flags.files) {
    absl::StatusOr<std::string> text = file == "-" ? ReadStream(in, "stdin") : ReadFile(file);
    if (!text.ok()) {
      err << "stepwise validate: " << text.status().message() << "\n";
      exit_code = kExitUsage;
      continue;
    }
    FileReport report{.file = file == "-" ? "<stdin>" : file, .diagnostics = {}};
    if (!substitutions->empty()) {
      absl::StatusOr<std::string> substituted = asl::ApplySubstitutions(*text, *substitutions);
      if (substituted.ok()) {
        *text = *std::move(substituted);
      } else {
        // Typically a definition that is not JSON: validate it unsubstituted
        // so the user gets the usual diagnostic for that.
        report.diagnostics = asl::ValidateDefinition(*text, options).diagnostics;
        if (!asl::HasErrors(report.diagnostics)) {
          err << "stepwise validate: " << report.file
              << ": cannot apply substitutions: " << substituted.status().message() << "\n";
          exit_code = kExitUsage;
          continue;
        }
      }
    }
    if (report.diagnostics.empty()) {
      report.diagnostics = asl::ValidateDefinition(*text, options).diagnostics;
    }
    if (asl::HasErrors(report.diagnostics) && exit_code == kExitValid) exit_code = kExitInvalid;
    if (flags.output == "json") {
      json_files.push_back(ToJson(report));
    } else {
      PrintText(report, out);
    }
  }
  if (flags.output == "json") {
    out << boost::json::serialize(boost::json::object{{"files", std::move(json_files)}}) << "\n";
  }
  out.flush();
  return exit_code;
}

}  // namespace stepwise::cli
