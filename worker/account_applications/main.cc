// account-applications: the workshop's Account Applications service
// (`serve`, see serve.h) and a command-line client for its API.
//
//   account-applications serve --database-url postgresql://localhost/stepwise
//       --orchestrator localhost:7400 [--listen localhost:7410] [--state-machine-arn ARN]
//   account-applications submit --name "evil Spock" --address "123 Enterprise Street"
//       [--state-machine-arn ARN]
//   account-applications review --id application_... --decision APPROVE|REJECT
//   account-applications get --id application_...
//   account-applications find --state FLAGGED_FOR_REVIEW
//   (one command line each)
//
// Without a subcommand the arguments are serve's, as before the client
// existed. The client subcommands take --endpoint HOST:PORT (default
// localhost:7410, env ACCOUNT_APPLICATIONS_ENDPOINT) and print JSON to
// stdout: one application {"id", "name", "address", "state", "reason",
// "executionArn"}, or {"applications": [...]} for find. On error they print
// one line to stderr and exit 1 (the service refused or could not be
// reached) or 2 (a bad command line, nothing sent).
#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "boost/json/array.hpp"
#include "boost/json/serialize.hpp"
#include "worker/account_applications/client.h"
#include "worker/account_applications/serve.h"

namespace {

namespace pb = ::workshop::v1;
using stepwise::account_applications::ApplicationsClient;
using stepwise::account_applications::ApplicationToCliJson;

constexpr int kFailed = 1;
constexpr int kBadCommandLine = 2;

// What the client subcommands were given.
struct ClientArgs {
  std::string endpoint = "localhost:7410";
  std::string name;
  std::string address;
  std::string state_machine_arn;
  std::string id;
  std::string decision;
  std::string state;
};

void AddServeOptions(CLI::App& serve, stepwise::account_applications::ServeOptions& options) {
  serve
      .add_option("--orchestrator", options.worker.endpoint, "orchestrator gRPC address HOST:PORT")
      ->capture_default_str();
  serve
      .add_option("--listen", options.listen,
                  "gRPC address of the AccountApplications API (port 0: any)")
      ->capture_default_str();
  // From the environment too, so that a password need not be on the command line.
  serve
      .add_option("--database-url", options.database_url,
                  "PostgreSQL URL (may be the orchestrator's)")
      ->envname("ACCOUNT_APPLICATIONS_DATABASE_URL")
      ->required();
  serve.add_option("--state-machine-arn", options.state_machine_arn,
                   "the workflow SubmitApplication starts when the request names none");
  serve.add_option("--flag-queue", options.flag_queue, "queue of ${FlagApplicationFunctionName}")
      ->capture_default_str();
  serve
      .add_option("--approve-queue", options.approve_queue,
                  "queue of ${ApproveApplicationFunctionArn}")
      ->capture_default_str();
  serve
      .add_option("--reject-queue", options.reject_queue,
                  "queue of ${RejectApplicationFunctionArn}")
      ->capture_default_str();
  serve.add_option("--concurrency", options.worker.concurrency, "tasks handled at once")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  serve.add_option("--max-connections", options.max_connections, "PostgreSQL connections")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  serve.add_option("--identity", options.worker.identity, "worker name shown to operators");
  serve
      .add_option("--shutdown-grace-seconds", options.grace_seconds,
                  "how long calls and tasks in flight may finish on SIGTERM")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
}

void AddEndpoint(CLI::App& command, ClientArgs& args) {
  command.add_option("--endpoint", args.endpoint, "the Account Applications service's HOST:PORT")
      ->envname("ACCOUNT_APPLICATIONS_ENDPOINT")
      ->capture_default_str();
}

// argv with "serve" inserted when no subcommand is named, so that the
// pre-subcommand command lines (`account-applications --database-url ...`)
// keep working.
std::vector<std::string> WithDefaultSubcommand(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  const bool asks_for_help = argc > 1 && (args[1] == "-h" || args[1] == "--help");
  if (argc == 1 || (args[1].starts_with("-") && !asks_for_help)) {
    args.insert(args.begin() + 1, "serve");
  }
  return args;
}

// The JSON on stdout, or the one error line on stderr; the exit code.
int Print(std::string_view command, const absl::StatusOr<boost::json::value>& result) {
  if (!result.ok()) {
    const std::string message(result.status().message());
    std::fprintf(stderr, "account-applications %.*s: %.*s\n", static_cast<int>(command.size()),
                 command.data(), static_cast<int>(message.size()), message.data());
    return kFailed;
  }
  std::printf("%s\n", boost::json::serialize(*result).c_str());
  return 0;
}

absl::StatusOr<boost::json::value> AsJson(const absl::StatusOr<pb::Application>& application) {
  if (!application.ok()) return application.status();
  return ApplicationToCliJson(*application);
}

int RunClient(std::string_view command, const ClientArgs& args) {
  ApplicationsClient client(args.endpoint);
  if (command == "submit") {
    return Print(command, AsJson(client.Submit(args.name, args.address, args.state_machine_arn)));
  }
  if (command == "get") return Print(command, AsJson(client.Get(args.id)));
  if (command == "review") {
    absl::StatusOr<pb::ReviewDecision> decision =
        stepwise::account_applications::ParseReviewDecision(args.decision);
    if (!decision.ok()) {
      Print(command, decision.status());
      return kBadCommandLine;
    }
    return Print(command, AsJson(client.Review(args.id, *decision)));
  }
  // find
  absl::StatusOr<pb::ApplicationState> state =
      stepwise::account_applications::ParseApplicationStateWord(args.state);
  if (!state.ok()) {
    Print(command, state.status());
    return kBadCommandLine;
  }
  absl::StatusOr<std::vector<pb::Application>> found = client.FindAll(*state);
  if (!found.ok()) return Print(command, found.status());
  boost::json::array applications;
  for (const pb::Application& application : *found) {
    applications.push_back(ApplicationToCliJson(application));
  }
  return Print(command, boost::json::value{{"applications", std::move(applications)}});
}

int Main(int argc, char** argv) {
  stepwise::account_applications::ServeOptions serve_options;
  ClientArgs args;

  CLI::App app{
      "account-applications: the workshop's Account Applications service (serve) and its "
      "client (submit, review, get, find)"};
  app.require_subcommand(1);
  CLI::App* serve = app.add_subcommand(
      "serve", "serve the AccountApplications API and the workflow's tasks (the default)");
  AddServeOptions(*serve, serve_options);

  CLI::App* submit = app.add_subcommand("submit", "submit an application (starts its workflow)");
  submit->add_option("--name", args.name, "the applicant's name")->required();
  submit->add_option("--address", args.address, "the applicant's address")->required();
  submit->add_option("--state-machine-arn", args.state_machine_arn,
                     "the workflow to start (default: the service's --state-machine-arn)");
  CLI::App* review = app.add_subcommand("review", "decide on an application FLAGGED_FOR_REVIEW");
  review->add_option("--id", args.id, "the application's id")->required();
  review->add_option("--decision", args.decision, "APPROVE or REJECT")->required();
  CLI::App* get = app.add_subcommand("get", "show one application");
  get->add_option("--id", args.id, "the application's id")->required();
  CLI::App* find = app.add_subcommand("find", "list the applications in one state");
  find->add_option("--state", args.state,
                   "SUBMITTED, FLAGGED_FOR_REVIEW, FLAGGED_WITH_UNPROCESSABLE_DATA, "
                   "REVIEW_APPROVED, REVIEW_REJECTED, APPROVED or REJECTED")
      ->required();
  for (CLI::App* command : {submit, review, get, find}) AddEndpoint(*command, args);

  std::vector<std::string> arg_strings = WithDefaultSubcommand(argc, argv);
  const std::vector<CLI::App*> commands = app.get_subcommands({});
  const bool known = std::any_of(commands.begin(), commands.end(), [&](CLI::App* command) {
    return command->get_name() == arg_strings[1];
  });
  if (!known && !arg_strings[1].starts_with("-")) {
    std::fprintf(stderr,
                 "account-applications: unknown subcommand '%s' (expected serve, submit, review, "
                 "get or find; see account-applications --help)\n",
                 arg_strings[1].c_str());
    return kBadCommandLine;
  }
  std::vector<char*> arg_pointers;
  arg_pointers.reserve(arg_strings.size());
  for (std::string& arg : arg_strings) arg_pointers.push_back(arg.data());
  try {
    app.parse(static_cast<int>(arg_pointers.size()), arg_pointers.data());
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    const std::string command =
        app.get_subcommands().empty() ? "" : " " + app.get_subcommands().front()->get_name();
    std::fprintf(stderr, "account-applications%s: %s (see account-applications%s --help)\n",
                 command.c_str(), e.what(), command.c_str());
    return kBadCommandLine;
  }

  if (*serve) stepwise::account_applications::Serve(serve_options);
  return RunClient(app.get_subcommands().front()->get_name(), args);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    // Nothing here throws by design; say what did rather than abort.
    std::fprintf(stderr, "account-applications: %s\n", e.what());
    return kFailed;
  }
}
