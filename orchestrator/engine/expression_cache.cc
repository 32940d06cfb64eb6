#include "orchestrator/engine/expression_cache.h"

#include "orchestrator/asl/payload_template.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;

}  // namespace

ExpressionCache::ExpressionCache(const asl::StateMachine& machine) {
  AddMachine(machine);
  IndexAddresses();
}

void ExpressionCache::IndexAddresses() {
  for (std::string_view text : added_) {
    const absl::string_view key(text.data(), text.size());
    ByAddress entry;
    entry.size = text.size();
    if (auto it = paths_.find(key); it != paths_.end()) entry.path = &it->second;
    if (auto it = intrinsics_.find(key); it != intrinsics_.end()) entry.intrinsic = &it->second;
    if (entry.path != nullptr || entry.intrinsic != nullptr) by_address_[text.data()] = entry;
  }
  added_.clear();
  added_.shrink_to_fit();
}

const asl::JsonPath* ExpressionCache::Path(std::string_view text) const {
  if (auto it = by_address_.find(text.data());
      it != by_address_.end() && it->second.size == text.size() && it->second.path != nullptr) {
    return it->second.path;
  }
  auto it = paths_.find(absl::string_view(text.data(), text.size()));
  return it == paths_.end() ? nullptr : &it->second;
}

const asl::IntrinsicCall* ExpressionCache::Intrinsic(std::string_view text) const {
  if (auto it = by_address_.find(text.data()); it != by_address_.end() &&
                                               it->second.size == text.size() &&
                                               it->second.intrinsic != nullptr) {
    return it->second.intrinsic;
  }
  auto it = intrinsics_.find(absl::string_view(text.data(), text.size()));
  return it == intrinsics_.end() ? nullptr : &it->second;
}

const jsonata::Expression* ExpressionCache::Jsonata(std::string_view text) const {
  auto it = jsonata_.find(absl::string_view(text.data(), text.size()));
  return it == jsonata_.end() ? nullptr : it->second.get();
}

void ExpressionCache::AddJsonataText(const std::optional<std::string>& text) {
  if (!text || jsonata_.contains(*text) || !asl::IsJsonataExpression(*text)) return;
  // A text that does not parse stays out: evaluation reports the error.
  absl::StatusOr<std::shared_ptr<const jsonata::Expression>> parsed =
      jsonata::Parse(std::string_view(*text).substr(2, text->size() - 4));
  if (parsed.ok()) jsonata_.emplace(*text, std::move(*parsed));
}

void ExpressionCache::AddJsonata(const json::value& value) {
  if (const json::string* text = value.if_string()) {
    AddJsonataText(std::string(text->data(), text->size()));
  } else if (const json::array* array = value.if_array()) {
    for (const json::value& element : *array) AddJsonata(element);
  } else if (const json::object* object = value.if_object()) {
    for (const auto& member : *object) AddJsonata(member.value());
  }
}

void ExpressionCache::AddPath(std::string_view text) {
  if (text.empty()) return;
  added_.push_back(text);
  const absl::string_view key(text.data(), text.size());
  if (paths_.contains(key) || intrinsics_.contains(key)) return;
  if (asl::LooksLikeIntrinsicCall(text)) {
    absl::StatusOr<asl::IntrinsicCall> call = asl::ParseIntrinsicCall(text);
    if (call.ok()) intrinsics_.emplace(std::string(text), std::move(*call));
    return;
  }
  absl::StatusOr<asl::JsonPath> path = asl::ParseJsonPath(text);
  if (path.ok()) paths_.emplace(std::string(text), std::move(*path));
}

void ExpressionCache::AddTemplate(const json::value& value) {
  if (const json::array* array = value.if_array()) {
    for (const json::value& element : *array) AddTemplate(element);
  } else if (const json::object* object = value.if_object()) {
    for (const auto& member : *object) {
      std::string_view key(member.key().data(), member.key().size());
      if (key.ends_with(".$") && member.value().is_string()) {
        const json::string& text = member.value().get_string();
        AddPath(std::string_view(text.data(), text.size()));
      } else {
        AddTemplate(member.value());
      }
    }
  }
}

void ExpressionCache::AddRule(const asl::ChoiceRule& rule) {
  if (rule.assign) AddTemplate(*rule.assign);
  AddPath(rule.variable);
  if (rule.operand_is_path && rule.operand.is_string()) {
    const json::string& text = rule.operand.get_string();
    AddPath(std::string_view(text.data(), text.size()));
  }
  for (const asl::ChoiceRule& child : rule.children) AddRule(child);
}

void ExpressionCache::AddMachine(const asl::StateMachine& machine) {
  auto add_field = [this](const std::optional<asl::PathField>& field) {
    if (field && !field->is_null) AddPath(field->path);
  };
  auto add_optional = [this](const std::optional<std::string>& text) {
    if (text) AddPath(*text);
  };
  auto add_jsonata = [this](const std::optional<json::value>& value) {
    if (value) AddJsonata(*value);
  };
  for (const asl::State& state : machine.states) {
    if (state.query_language == asl::QueryLanguage::kJsonata) {
      add_jsonata(state.arguments);
      add_jsonata(state.output);
      add_jsonata(state.assign);
      for (const asl::Catcher& catcher : state.catch_) {
        add_jsonata(catcher.output);
        add_jsonata(catcher.assign);
      }
      if (const auto* task = std::get_if<asl::TaskFields>(&state.fields)) {
        AddJsonataText(task->timeout_seconds.expression);
        AddJsonataText(task->heartbeat_seconds.expression);
      } else if (const auto* choice = std::get_if<asl::ChoiceFields>(&state.fields)) {
        for (const asl::ChoiceRule& rule : choice->choices) {
          AddJsonata(rule.condition);
          add_jsonata(rule.assign);
          add_jsonata(rule.output);
        }
      } else if (const auto* wait = std::get_if<asl::WaitFields>(&state.fields)) {
        AddJsonataText(wait->seconds.expression);
        AddJsonataText(wait->timestamp.expression);
      } else if (const auto* fail = std::get_if<asl::FailFields>(&state.fields)) {
        AddJsonataText(fail->error.expression);
        AddJsonataText(fail->cause.expression);
      } else if (const auto* map = std::get_if<asl::MapFields>(&state.fields)) {
        add_jsonata(map->items);
        add_jsonata(map->item_selector);
        AddJsonataText(map->max_concurrency.expression);
        AddJsonataText(map->tolerated_failure_count_expression);
        AddJsonataText(map->tolerated_failure_percentage_expression);
      }
    }
    add_field(state.input_path);
    add_field(state.output_path);
    add_field(state.result_path);
    for (const asl::Catcher& catcher : state.catch_) add_field(catcher.result_path);
    if (state.parameters) AddTemplate(*state.parameters);
    if (state.result_selector) AddTemplate(*state.result_selector);
    if (state.query_language == asl::QueryLanguage::kJsonPath) {
      if (state.assign) AddTemplate(*state.assign);
      for (const asl::Catcher& catcher : state.catch_) {
        if (catcher.assign) AddTemplate(*catcher.assign);
      }
    }
    if (const auto* task = std::get_if<asl::TaskFields>(&state.fields)) {
      add_optional(task->timeout_seconds.path);
      add_optional(task->heartbeat_seconds.path);
    } else if (const auto* choice = std::get_if<asl::ChoiceFields>(&state.fields)) {
      for (const asl::ChoiceRule& rule : choice->choices) AddRule(rule);
    } else if (const auto* wait = std::get_if<asl::WaitFields>(&state.fields)) {
      add_optional(wait->seconds.path);
      add_optional(wait->timestamp.path);
    } else if (const auto* fail = std::get_if<asl::FailFields>(&state.fields)) {
      add_optional(fail->error.path);
      add_optional(fail->cause.path);
    } else if (const auto* parallel = std::get_if<asl::ParallelFields>(&state.fields)) {
      for (const auto& branch : parallel->branches) AddMachine(*branch);
    } else if (const auto* map = std::get_if<asl::MapFields>(&state.fields)) {
      add_optional(map->items_path);
      add_optional(map->max_concurrency.path);
      add_optional(map->tolerated_failure_count_path);
      add_optional(map->tolerated_failure_percentage_path);
      if (map->item_selector) AddTemplate(*map->item_selector);
      if (map->processor) AddMachine(*map->processor);
    }
  }
}

}  // namespace stepwise::engine
