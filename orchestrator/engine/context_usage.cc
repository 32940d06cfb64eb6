#include "orchestrator/engine/internal/context_usage.h"

#include <string>
#include <string_view>

#include "boost/json/serialize.hpp"

namespace stepwise::engine::internal {
namespace {

namespace json = ::boost::json;

bool MentionsText(std::string_view text) { return text.find("$$") != std::string_view::npos; }

bool Mentions(const std::optional<json::value>& value) {
  return value.has_value() && MentionsText(json::serialize(*value));
}

bool Mentions(const std::optional<asl::PathField>& path) {
  return path.has_value() && MentionsText(path->path);
}

bool Mentions(const std::optional<std::string>& text) {
  return text.has_value() && MentionsText(*text);
}

bool Mentions(const asl::ChoiceRule& rule) {
  if (MentionsText(rule.variable) || MentionsText(json::serialize(rule.operand)) ||
      Mentions(rule.assign) || Mentions(rule.output)) {
    return true;
  }
  for (const asl::ChoiceRule& child : rule.children) {
    if (Mentions(child)) return true;
  }
  return false;
}

bool StateMentions(const asl::State& state) {
  if (Mentions(state.input_path) || Mentions(state.parameters) || Mentions(state.result_selector) ||
      Mentions(state.output_path) || Mentions(state.assign) || Mentions(state.arguments) ||
      Mentions(state.output)) {
    return true;
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
           Mentions(map->max_concurrency.path);
  }
  return false;
}

}  // namespace

ContextUsage::ContextUsage(const asl::StateMachine& machine) { Scan(machine); }

void ContextUsage::Scan(const asl::StateMachine& machine) {
  for (const asl::State& state : machine.states) {
    if (StateMentions(state)) states_.insert(&state);
    if (const auto* parallel = std::get_if<asl::ParallelFields>(&state.fields)) {
      for (const auto& branch : parallel->branches) Scan(*branch);
    }
    if (const auto* map = std::get_if<asl::MapFields>(&state.fields)) {
      if (map->processor) Scan(*map->processor);
    }
  }
}

}  // namespace stepwise::engine::internal
