// Parallel branches and Map iterations: child frames of the state's frame.
#include "common/str_cat.h"
#include "orchestrator/engine/data_flow.h"
#include "orchestrator/engine/internal/step.h"

namespace stepwise::engine::internal {
namespace {

namespace json = ::boost::json;

json::array ToArray(std::vector<json::value>& values) {
  json::array array;
  array.reserve(values.size());
  for (json::value& v : values) array.push_back(std::move(v));
  values.clear();
  return array;
}

}  // namespace

const asl::StateMachine& Step::ChildMachine(const asl::State& state, const Frame& child) {
  if (const auto* parallel = std::get_if<asl::ParallelFields>(&state.fields)) {
    return *parallel->branches[static_cast<size_t>(child.index)];
  }
  return *std::get<asl::MapFields>(state.fields).processor;
}

StateOutcome Step::StartParallel(Frame& frame, const asl::State& state, json::value input) {
  const auto& branches = std::get<asl::ParallelFields>(state.fields).branches;
  Emit(&frame, HistoryEventType::kParallelStateStarted, {});
  frame.blocker = Blocker::kChildren;
  frame.children.clear();
  frame.results.assign(branches.size(), nullptr);
  frame.items.clear();
  frame.next_item = 0;
  frame.finished = 0;
  return StartBranches(frame, state, std::move(input));
}

StateOutcome Step::StartBranches(Frame& frame, const asl::State& state, json::value input) {
  const auto& branches = std::get<asl::ParallelFields>(state.fields).branches;
  while (frame.next_item < static_cast<int64_t>(branches.size())) {
    const size_t i = static_cast<size_t>(frame.next_item++);
    Frame child;
    child.index = static_cast<int64_t>(i);
    child.last_event_id = frame.last_event_id;
    frame.children.push_back(std::move(child));
    Frame& running = frame.children.back();
    StateOutcome first = Enter(running, *branches[i], branches[i]->start_at, input);
    FrameOutcome outcome = Continue(running, *branches[i], std::move(first));
    if (outcome.kind == FrameOutcome::Kind::kBlocked) continue;
    StateOutcome result =
        OnChildFinished(frame, state, frame.children.size() - 1, std::move(outcome));
    if (result.kind == StateOutcome::Kind::kFailed) {
      // The later branches never started: a redrive starts them with this input.
      frame.effective_input = std::move(input);
    }
    if (result.kind != StateOutcome::Kind::kBlocked) return result;
  }
  return StateOutcome::Blocked();
}

StateOutcome Step::StartMap(Frame& frame, const asl::State& state, json::value input) {
  const auto& map = std::get<asl::MapFields>(state.fields);
  // Distributed Map's reading, batching and writing need services this
  // engine does not have yet: refuse clearly rather than run it as an inline
  // Map over different data.
  if (map.item_reader || map.item_batcher || map.result_writer) {
    std::string_view field = map.item_reader    ? "ItemReader"
                             : map.item_batcher ? "ItemBatcher"
                                                : "ResultWriter";
    std::string_view error = map.item_reader     ? errors::kItemReaderFailed
                             : map.result_writer ? errors::kResultWriterFailed
                                                 : errors::kRuntime;
    return StateOutcome::Failed(
        {std::string(error), StrCat("Map state '", state.name, "' uses ", field,
                                    ", which this version of Stepwise cannot run yet")});
  }
  Context context = MakeContext(frame, state);
  json::value items = input;
  const bool jsonata = state.query_language == asl::QueryLanguage::kJsonata;
  if (jsonata && map.items) {
    JsonataFields fields = MakeJsonata(input, context);
    Outcome<json::value> evaluated = fields.Value(*map.items, "Items");
    if (!evaluated.ok()) return StateOutcome::Failed(evaluated.error());
    items = std::move(evaluated).value();
  }
  if (jsonata && !items.is_array()) {
    return StateOutcome::Failed({std::string(errors::kQueryEvaluationError),
                                 StrCat("The field 'Items' must evaluate to a JSON array, but was ",
                                        Serialize(items).substr(0, 200))});
  }
  if (map.items_path) {
    Outcome<json::value> selected =
        SelectPath(*map.items_path, input, context.evaluation(), "ItemsPath");
    if (!selected.ok()) return StateOutcome::Failed(selected.error());
    items = std::move(selected).value();
  }
  if (!items.is_array()) {
    return StateOutcome::Failed(
        {std::string(errors::kRuntime),
         StrCat("Map state '", state.name, "': the items (ItemsPath '",
                map.items_path.value_or("$"), "') must be a JSON array, not ",
                Serialize(items).substr(0, 200))});
  }
  frame.effective_input = std::move(input);
  json::array& array = items.get_array();
  frame.items.assign(std::make_move_iterator(array.begin()), std::make_move_iterator(array.end()));
  frame.results.assign(frame.items.size(), nullptr);
  frame.children.clear();
  frame.next_item = 0;
  frame.finished = 0;
  frame.blocker = Blocker::kChildren;
  Emit(&frame, HistoryEventType::kMapStateStarted,
       json::object{{"length", static_cast<int64_t>(frame.items.size())}});
  // Starting the first iterations is what a finished one does too.
  return OnChildFinished(frame, state, SIZE_MAX, {});
}

StateOutcome Step::OnChildFinished(Frame& frame, const asl::State& state, size_t position,
                                   FrameOutcome outcome) {
  bool is_map = state.type == asl::StateType::kMap;
  if (position != SIZE_MAX) {
    int64_t index = frame.children[position].index;
    json::object iteration{{"name", state.name}, {"index", index}};
    if (outcome.kind == FrameOutcome::Kind::kFailed) {
      if (is_map) Emit(&frame, HistoryEventType::kMapIterationFailed, std::move(iteration));
      // The other branches/iterations are no longer wanted. The failed one,
      // the cancelled ones and the results stay for a redrive (Frame).
      CancelPending(frame);
      Emit(&frame,
           is_map ? HistoryEventType::kMapStateFailed : HistoryEventType::kParallelStateFailed, {});
      return StateOutcome::Failed(std::move(outcome.error));
    }
    frame.children.erase(frame.children.begin() + static_cast<std::ptrdiff_t>(position));
    if (is_map) Emit(&frame, HistoryEventType::kMapIterationSucceeded, std::move(iteration));
    frame.results[static_cast<size_t>(index)] = std::move(outcome.output);
    ++frame.finished;
  }
  if (is_map) {
    const auto& map = std::get<asl::MapFields>(state.fields);
    int64_t limit = map.max_concurrency.value.value_or(0);
    if (map.max_concurrency.expression) {
      Context context = MakeContext(frame, state);
      JsonataFields fields = MakeJsonata(frame.effective_input, context);
      Outcome<int64_t> evaluated = fields.Int(map.max_concurrency, "MaxConcurrency");
      if (!evaluated.ok()) {
        CancelPending(frame);
        Emit(&frame, HistoryEventType::kMapStateFailed, {});
        return StateOutcome::Failed(evaluated.error());
      }
      limit = evaluated.value();
    }
    if (map.max_concurrency.path) {
      Context context = MakeContext(frame, state);
      Outcome<json::value> selected = SelectPath(*map.max_concurrency.path, frame.effective_input,
                                                 context.evaluation(), "MaxConcurrency");
      if (selected.ok() && selected.value().is_int64()) limit = selected.value().get_int64();
    }
    const int64_t total = static_cast<int64_t>(frame.items.size());
    while (frame.next_item < total &&
           (limit <= 0 || static_cast<int64_t>(frame.children.size()) < limit)) {
      int64_t index = frame.next_item;
      json::value item_input = frame.items[static_cast<size_t>(index)];
      if (map.item_selector) {
        Context context = MakeContext(frame, state, &item_input, index);
        Outcome<json::value> selected = json::value();
        if (state.query_language == asl::QueryLanguage::kJsonata) {
          // $states.input is the Map's input; the item is $states.context.Map.Item.Value.
          JsonataFields fields = MakeJsonata(frame.effective_input, context);
          selected = fields.Value(*map.item_selector, "ItemSelector");
        } else {
          selected =
              ApplyPayloadTemplate(*map.item_selector, frame.effective_input, context.evaluation());
        }
        if (!selected.ok()) {
          CancelPending(frame);
          Emit(&frame, HistoryEventType::kMapStateFailed, {});
          return StateOutcome::Failed(selected.error());
        }
        item_input = std::move(selected).value();
      }
      ++frame.next_item;  // Only now: an item whose ItemSelector failed is started by a redrive.
      Emit(&frame, HistoryEventType::kMapIterationStarted,
           json::object{{"name", state.name}, {"index", index}});
      Frame child;
      child.index = index;
      child.last_event_id = frame.last_event_id;
      frame.children.push_back(std::move(child));
      Frame& running = frame.children.back();
      StateOutcome first =
          Enter(running, *map.processor, map.processor->start_at, std::move(item_input));
      FrameOutcome result = Continue(running, *map.processor, std::move(first));
      if (result.kind == FrameOutcome::Kind::kBlocked) continue;
      // Finished at once: record it (this also starts no new iteration, as
      // position != SIZE_MAX recursion is avoided by handling it inline).
      json::object iteration{{"name", state.name}, {"index", index}};
      if (result.kind == FrameOutcome::Kind::kFailed) {
        Emit(&frame, HistoryEventType::kMapIterationFailed, std::move(iteration));
        CancelPending(frame);  // Keeps the children for a redrive, as above.
        Emit(&frame, HistoryEventType::kMapStateFailed, {});
        return StateOutcome::Failed(std::move(result.error));
      }
      frame.children.pop_back();
      Emit(&frame, HistoryEventType::kMapIterationSucceeded, std::move(iteration));
      frame.results[static_cast<size_t>(index)] = std::move(result.output);
      ++frame.finished;
    }
  }
  size_t expected = is_map ? frame.items.size() : frame.results.size();
  if (static_cast<size_t>(frame.finished) < expected) return StateOutcome::Blocked();
  frame.blocker = Blocker::kNone;
  frame.items.clear();
  Emit(&frame,
       is_map ? HistoryEventType::kMapStateSucceeded : HistoryEventType::kParallelStateSucceeded,
       {});
  json::array results = ToArray(frame.results);
  frame.effective_input = nullptr;
  return FinishWithResult(frame, state, std::move(results));
}

}  // namespace stepwise::engine::internal
