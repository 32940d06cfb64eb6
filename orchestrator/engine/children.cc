// Parallel branches and Map iterations: child frames of the state's frame.
// A Distributed Map (ProcessorConfig Mode DISTRIBUTED) runs its iterations as
// a Map Run: MapRunStarted/MapRunSucceeded/MapRunFailed/MapRunAborted in the
// parent's history instead of MapIteration* events and the children's own
// events, and failed iterations are tolerated up to ToleratedFailureCount /
// ToleratedFailurePercentage (map_run.cc, ../../docs/distributed-map.md).
#include <optional>

#include "common/str_cat.h"
#include "orchestrator/engine/data_flow.h"
#include "orchestrator/engine/internal/history_text.h"
#include "orchestrator/engine/internal/step.h"

namespace stepwise::engine::internal {
namespace {

namespace json = ::boost::json;

// AWS's cause when a Map Run fails on its failure threshold.
constexpr std::string_view kThresholdExceeded =
    "The specified tolerated failure threshold was exceeded";

json::array ToArray(std::vector<json::value>& values) {
  json::array array;
  array.reserve(values.size());
  for (json::value& v : values) array.push_back(std::move(v));
  values.clear();
  return array;
}

bool IsDistributed(const asl::State& state) {
  const auto* map = std::get_if<asl::MapFields>(&state.fields);
  return map != nullptr && map->mode == asl::MapMode::kDistributed;
}

// AWS (maprun-fail-threshold): the run fails when its failed items exceed
// ToleratedFailureCount, or their share of all items exceeds
// ToleratedFailurePercentage; either one when both are set. With neither
// set, the default (0) fails the run on its first failed item.
bool ThresholdExceeded(const Frame& frame) {
  const bool count_set = frame.tolerated_failure_count >= 0;
  const bool percentage_set = frame.tolerated_failure_percentage >= 0;
  if (!count_set && !percentage_set) return frame.failed > 0;
  if (count_set && frame.failed > frame.tolerated_failure_count) return true;
  const double total = static_cast<double>(frame.items.size());
  return percentage_set && total > 0 &&
         static_cast<double>(frame.failed) * 100.0 > frame.tolerated_failure_percentage * total;
}

// Children still running. A tolerated failed iteration stays in `children`
// for a redrive but takes no MaxConcurrency slot; there are `failed` of them.
int64_t RunningChildren(const Frame& frame) {
  return static_cast<int64_t>(frame.children.size()) - frame.failed;
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
  // Every branch's first StateEntered shows the same input: serialized once.
  SharedJsonText input_text;
  while (frame.next_item < static_cast<int64_t>(branches.size())) {
    const size_t i = static_cast<size_t>(frame.next_item++);
    Frame child;
    child.index = static_cast<int64_t>(i);
    child.last_event_id = frame.last_event_id;
    child.in_map_run = frame.in_map_run;
    frame.children.push_back(std::move(child));
    Frame& running = frame.children.back();
    if (options().record_history && !frame.in_map_run) {
      if (!input_text) input_text = SharedPayloadText(input);
      next_input_text_ = input_text;
    }
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
  const bool distributed = map.mode == asl::MapMode::kDistributed;
  if (distributed) {
    if (std::optional<StateError> problem = ResolveTolerance(frame, state, input)) {
      return StateOutcome::Failed(std::move(*problem));
    }
  }
  frame.effective_input = std::move(input);
  json::array& array = items.get_array();
  frame.items.assign(std::make_move_iterator(array.begin()), std::make_move_iterator(array.end()));
  frame.results.assign(frame.items.size(), nullptr);
  frame.children.clear();
  frame.next_item = 0;
  frame.finished = 0;
  frame.failed = 0;
  frame.blocker = Blocker::kChildren;
  Emit(&frame, HistoryEventType::kMapStateStarted,
       json::object{{"length", static_cast<int64_t>(frame.items.size())}});
  if (distributed) {
    frame.map_run_arn = NewMapRunArn(state);
    Emit(&frame, HistoryEventType::kMapRunStarted, json::object{{"mapRunArn", frame.map_run_arn}});
  }
  // Starting the first iterations is what a finished one does too.
  return OnChildFinished(frame, state, SIZE_MAX, {});
}

StateOutcome Step::FailChildren(Frame& frame, const asl::State& state, StateError error) {
  // The other branches/iterations are no longer wanted. The failed one, the
  // cancelled ones and the results stay for a redrive (Frame).
  for (Frame& child : frame.children) CancelPending(child);
  frame.blocker = Blocker::kNone;
  const bool is_map = state.type == asl::StateType::kMap;
  if (is_map && !frame.map_run_arn.empty()) {
    Emit(&frame, HistoryEventType::kMapRunFailed,
         json::object{{"error", error.error}, {"cause", error.cause}});
  }
  Emit(&frame, is_map ? HistoryEventType::kMapStateFailed : HistoryEventType::kParallelStateFailed,
       {});
  return StateOutcome::Failed(std::move(error));
}

StateOutcome Step::OnChildFinished(Frame& frame, const asl::State& state, size_t position,
                                   FrameOutcome outcome) {
  const bool is_map = state.type == asl::StateType::kMap;
  const bool distributed = is_map && IsDistributed(state);
  // Records a finished branch/iteration at `at` in frame.children. Returns
  // a failed outcome when the state fails because of it.
  auto record = [&](size_t at, FrameOutcome finished) -> std::optional<StateOutcome> {
    int64_t index = frame.children[at].index;
    HistoryDetails iteration;
    if (options().record_history) {
      iteration = DetailsText().String("name", state.name).Int("index", index).Finish();
    }
    if (finished.kind == FrameOutcome::Kind::kFailed) {
      if (distributed) {
        ++frame.failed;
        if (ThresholdExceeded(frame)) {
          return FailChildren(frame, state,
                              {std::string(errors::kExceedToleratedFailureThreshold),
                               std::string(kThresholdExceeded)});
        }
        // Tolerated: the slot holds the failed execution's record; the
        // child stays (stopped) so that a redrive reruns it.
        Frame& child = frame.children[at];
        frame.results[static_cast<size_t>(index)] =
            FailedIterationResult(state, child, finished.error);
        child.iteration_failed = true;
        ++frame.finished;
        return std::nullopt;
      }
      if (is_map) EmitText(&frame, HistoryEventType::kMapIterationFailed, std::move(iteration));
      return FailChildren(frame, state, std::move(finished.error));
    }
    frame.children.erase(frame.children.begin() + static_cast<std::ptrdiff_t>(at));
    if (is_map && !distributed) {
      EmitText(&frame, HistoryEventType::kMapIterationSucceeded, std::move(iteration));
    }
    frame.results[static_cast<size_t>(index)] = std::move(finished.output);
    ++frame.finished;
    return std::nullopt;
  };
  if (position != SIZE_MAX) {
    if (std::optional<StateOutcome> failed = record(position, std::move(outcome))) {
      return std::move(*failed);
    }
  }
  if (is_map) {
    const auto& map = std::get<asl::MapFields>(state.fields);
    int64_t limit = map.max_concurrency.value.value_or(0);
    if (map.max_concurrency.expression) {
      Context context = MakeContext(frame, state);
      JsonataFields fields = MakeJsonata(frame.effective_input, context);
      Outcome<int64_t> evaluated = fields.Int(map.max_concurrency, "MaxConcurrency");
      if (!evaluated.ok()) return FailChildren(frame, state, evaluated.error());
      limit = evaluated.value();
    }
    if (map.max_concurrency.path) {
      Context context = MakeContext(frame, state);
      Outcome<json::value> selected = SelectPath(*map.max_concurrency.path, frame.effective_input,
                                                 context.evaluation(), "MaxConcurrency");
      if (selected.ok() && selected.value().is_int64()) limit = selected.value().get_int64();
    }
    const int64_t total = static_cast<int64_t>(frame.items.size());
    while (frame.next_item < total && (limit <= 0 || RunningChildren(frame) < limit)) {
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
        if (!selected.ok()) return FailChildren(frame, state, selected.error());
        item_input = std::move(selected).value();
      }
      ++frame.next_item;  // Only now: an item whose ItemSelector failed is started by a redrive.
      if (!distributed) {
        HistoryDetails details;
        if (options().record_history) {
          details = DetailsText().String("name", state.name).Int("index", index).Finish();
        }
        EmitText(&frame, HistoryEventType::kMapIterationStarted, std::move(details));
      }
      Frame child;
      child.index = index;
      child.last_event_id = frame.last_event_id;
      child.in_map_run = frame.in_map_run || distributed;
      if (distributed) {
        child.started_at = now();
        child.iteration_input = item_input;
      }
      frame.children.push_back(std::move(child));
      Frame& running = frame.children.back();
      StateOutcome first =
          Enter(running, *map.processor, map.processor->start_at, std::move(item_input));
      FrameOutcome result = Continue(running, *map.processor, std::move(first));
      if (result.kind == FrameOutcome::Kind::kBlocked) continue;
      // Finished at once: record it here rather than by recursion.
      if (std::optional<StateOutcome> failed =
              record(frame.children.size() - 1, std::move(result))) {
        return std::move(*failed);
      }
    }
  }
  size_t expected = is_map ? frame.items.size() : frame.results.size();
  if (static_cast<size_t>(frame.finished) < expected) return StateOutcome::Blocked();
  frame.blocker = Blocker::kNone;
  frame.items.clear();
  frame.children.clear();  // Tolerated failed iterations of a Map Run.
  if (distributed) Emit(&frame, HistoryEventType::kMapRunSucceeded, {});
  Emit(&frame,
       is_map ? HistoryEventType::kMapStateSucceeded : HistoryEventType::kParallelStateSucceeded,
       {});
  json::array results = ToArray(frame.results);
  frame.effective_input = nullptr;
  return FinishWithResult(frame, state, std::move(results));
}

}  // namespace stepwise::engine::internal
