#include "orchestrator/engine/internal/context_usage.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "boost/json/serialize.hpp"
#include "orchestrator/engine/internal/payload_size.h"

namespace stepwise::engine::internal {
namespace {

namespace json = ::boost::json;

using TextTest = std::function<bool(std::string_view)>;

bool MentionsContext(std::string_view text) { return text.find("$$") != std::string_view::npos; }

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Whether `text` at `at` is `.NAME` followed by a character that ends the
// field: then the path reads only that field of the node before it.
bool IsFieldStep(std::string_view text, size_t at, std::string_view name) {
  if (!text.substr(at).starts_with('.') || !text.substr(at + 1).starts_with(name)) return false;
  const size_t end = at + 1 + name.size();
  return end >= text.size() || !IsNameChar(text[end]);
}

// Whether a `.NAME` field step starts at `at` (any name).
bool IsAnyFieldStep(std::string_view text, size_t at) {
  return at + 1 < text.size() && text[at] == '.' && IsNameChar(text[at + 1]);
}

// Every `$$` is followed by `.Field` other than Execution, or by
// `.Execution.Field` other than Input: the path cannot reach the execution
// input. Anything else (`$$` alone, brackets, wildcards, `..`) may.
bool MentionsExecutionInput(std::string_view text) {
  for (size_t i = text.find("$$"); i != std::string_view::npos; i = text.find("$$", i + 2)) {
    const size_t after = i + 2;
    if (!IsAnyFieldStep(text, after)) return true;
    if (!IsFieldStep(text, after, "Execution")) continue;
    const size_t field = after + 1 + std::string_view("Execution").size();
    if (!IsAnyFieldStep(text, field) || IsFieldStep(text, field, "Input")) return true;
  }
  return false;
}

// The once-per-step parts of $$ that `text` may read: `$$.Execution...`,
// `$$.StateMachine...`; both for `$$` followed by anything but a field name.
unsigned ContextSectionsOf(std::string_view text) {
  unsigned sections = 0;
  for (size_t i = text.find("$$"); i != std::string_view::npos; i = text.find("$$", i + 2)) {
    const size_t after = i + 2;
    if (!IsAnyFieldStep(text, after)) return ContextUsage::kExecution | ContextUsage::kStateMachine;
    if (IsFieldStep(text, after, "Execution")) sections |= ContextUsage::kExecution;
    if (IsFieldStep(text, after, "StateMachine")) sections |= ContextUsage::kStateMachine;
  }
  return sections;
}

// `$` followed by a variable name's first character: `$x`, `$x.a`, also
// inside intrinsic calls. May over-report (a literal "$x"), which only costs
// building the variable scope for nothing.
bool MentionsVariable(std::string_view text) {
  for (size_t i = text.find('$'); i != std::string_view::npos; i = text.find('$', i + 1)) {
    if (i + 1 < text.size()) {
      const char c = text[i + 1];
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
    }
  }
  return false;
}

// Whether any expression text of a state passes `test`.
class Scanner {
 public:
  explicit Scanner(TextTest test) : test_(std::move(test)) {}

  bool State(const asl::State& state) const {
    if (Mentions(state.input_path) || Mentions(state.parameters) ||
        Mentions(state.result_selector) || Mentions(state.output_path) || Mentions(state.assign) ||
        Mentions(state.arguments) || Mentions(state.output)) {
      return true;
    }
    for (const asl::Catcher& catcher : state.catch_) {
      if (Mentions(catcher.assign) || Mentions(catcher.output)) return true;
    }
    if (const auto* task = std::get_if<asl::TaskFields>(&state.fields)) {
      return Mentions(task->timeout_seconds.path) || Mentions(task->heartbeat_seconds.path);
    }
    if (const auto* choice = std::get_if<asl::ChoiceFields>(&state.fields)) {
      for (const asl::ChoiceRule& rule : choice->choices) {
        if (Mentions(rule)) return true;
      }
    }
    if (const auto* wait = std::get_if<asl::WaitFields>(&state.fields)) {
      return Mentions(wait->seconds.path) || Mentions(wait->timestamp.path);
    }
    if (const auto* fail = std::get_if<asl::FailFields>(&state.fields)) {
      return Mentions(fail->error.path) || Mentions(fail->cause.path);
    }
    if (const auto* map = std::get_if<asl::MapFields>(&state.fields)) {
      return Mentions(map->items_path) || Mentions(map->item_selector) ||
             Mentions(map->max_concurrency.path) || Mentions(map->tolerated_failure_count_path) ||
             Mentions(map->tolerated_failure_percentage_path);
    }
    return false;
  }

 private:
  bool Mentions(const std::optional<json::value>& value) const {
    return value.has_value() && test_(json::serialize(*value));
  }
  bool Mentions(const std::optional<asl::PathField>& path) const {
    return path.has_value() && test_(path->path);
  }
  bool Mentions(const std::optional<std::string>& text) const {
    return text.has_value() && test_(*text);
  }
  bool Mentions(const asl::ChoiceRule& rule) const {
    if (test_(rule.variable) || test_(json::serialize(rule.operand)) || Mentions(rule.assign) ||
        Mentions(rule.output)) {
      return true;
    }
    for (const asl::ChoiceRule& child : rule.children) {
      if (Mentions(child)) return true;
    }
    return false;
  }

  TextTest test_;
};

// A JSONPath state that assigns variables (its own Assign, a Catcher's or a
// Choice rule's): it needs the scope to check names against enclosing scopes.
bool Assigns(const asl::State& state) {
  if (state.query_language != asl::QueryLanguage::kJsonPath) return false;
  if (state.assign) return true;
  for (const asl::Catcher& catcher : state.catch_) {
    if (catcher.assign) return true;
  }
  if (const auto* choice = std::get_if<asl::ChoiceFields>(&state.fields)) {
    for (const asl::ChoiceRule& rule : choice->choices) {
      if (rule.assign) return true;
    }
  }
  return false;
}

}  // namespace

ContextUsage::ContextUsage(const asl::StateMachine& machine) { Scan(machine); }

void ContextUsage::Scan(const asl::StateMachine& machine) {
  const Scanner context(MentionsContext);
  const Scanner variables(MentionsVariable);
  const Scanner execution_input(MentionsExecutionInput);
  unsigned sections = 0;
  // Sees every text of a state (the test never answers true).
  const Scanner section_scanner([&sections](std::string_view text) {
    sections |= ContextSectionsOf(text);
    return false;
  });
  for (const asl::State& state : machine.states) {
    if (state.next) {
      if (const asl::State* next = machine.Find(*state.next)) next_[&state] = next;
    }
    // JSONata states bind $states.context and every visible variable.
    const bool jsonata = state.query_language == asl::QueryLanguage::kJsonata;
    if (jsonata || context.State(state)) states_.insert(&state);
    if (jsonata || execution_input.State(state)) input_states_.insert(&state);
    sections = jsonata ? kExecution | kStateMachine : 0;
    section_scanner.State(state);
    if (sections != 0) sections_.emplace(&state, sections);
    if (const auto* task = std::get_if<asl::TaskFields>(&state.fields)) {
      resources_.emplace(&state, SplitResource(task->resource));
    }
    if (const auto* pass = std::get_if<asl::PassFields>(&state.fields); pass && pass->result) {
      result_bounds_.emplace(&state, CrudeSizeBound(*pass->result));
    }
    if (jsonata || Assigns(state) || variables.State(state)) variable_states_.insert(&state);
    if (const auto* parallel = std::get_if<asl::ParallelFields>(&state.fields)) {
      for (const auto& branch : parallel->branches) Scan(*branch);
    }
    if (const auto* map = std::get_if<asl::MapFields>(&state.fields)) {
      if (map->processor) Scan(*map->processor);
    }
  }
}

}  // namespace stepwise::engine::internal
