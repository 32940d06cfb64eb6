#include "orchestrator/engine/execution_state.h"

#include <utility>

#include "common/str_cat.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;

constexpr std::string_view kBlockerNames[] = {"none", "task", "wait_timer", "retry_timer",
                                              "children"};
constexpr std::string_view kStatusNames[] = {"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT",
                                             "ABORTED"};

// Times are stored as Unix nanoseconds so they round-trip exactly.
json::value TimeToJson(absl::Time t) { return absl::ToUnixNanos(t); }

json::array ToArray(const std::vector<json::value>& values) {
  return json::array(values.begin(), values.end());
}

json::value FrameToJson(const Frame& frame) {
  json::object o;
  o["index"] = frame.index;
  o["state"] = frame.state;
  o["input"] = frame.input;
  o["effective_input"] = frame.effective_input;
  o["entered_at"] = TimeToJson(frame.entered_at);
  o["entered_event_id"] = frame.entered_event_id;
  o["last_event_id"] = frame.last_event_id;
  o["retry_counts"] = json::array(frame.retry_counts.begin(), frame.retry_counts.end());
  o["retry_count"] = frame.retry_count;
  o["blocker"] = kBlockerNames[static_cast<int>(frame.blocker)];
  o["task_id"] = frame.task_id;
  o["task_token"] = frame.task_token;
  o["task_started"] = frame.task_started;
  o["timer_id"] = frame.timer_id;
  o["variables"] = frame.variables;
  json::array children;
  for (const Frame& child : frame.children) children.push_back(FrameToJson(child));
  o["children"] = std::move(children);
  o["results"] = ToArray(frame.results);
  o["items"] = ToArray(frame.items);
  o["next_item"] = frame.next_item;
  o["finished"] = frame.finished;
  // Distributed Map fields (added later): written only when set.
  if (!frame.map_run_arn.empty()) {
    o["map_run"] =
        json::object{{"arn", frame.map_run_arn},
                     {"failed", frame.failed},
                     {"tolerated_failure_count", frame.tolerated_failure_count},
                     {"tolerated_failure_percentage", frame.tolerated_failure_percentage}};
  }
  if (frame.in_map_run) o["in_map_run"] = true;
  if (frame.started_at != absl::Time()) o["started_at"] = TimeToJson(frame.started_at);
  if (!frame.iteration_input.is_null()) o["iteration_input"] = frame.iteration_input;
  if (frame.iteration_failed) o["iteration_failed"] = true;
  return o;
}

// Reads fields of one object, remembering the first problem.
class Reader {
 public:
  Reader(const json::value& value, std::string where, std::string& error)
      : where_(std::move(where)), error_(error) {
    if (value.is_object()) {
      object_ = &value.get_object();
    } else {
      Fail("", "is not an object");
    }
  }
  // For fields added after documents were first stored: absent means default.
  bool Has(std::string_view key) const { return object_ != nullptr && object_->contains(key); }
  const json::value* Get(std::string_view key) {
    if (object_ == nullptr) return nullptr;
    const json::value* v = object_->if_contains(key);
    if (v == nullptr) Fail(key, "is missing");
    return v;
  }
  json::value Value(std::string_view key) {
    const json::value* v = Get(key);
    return v == nullptr ? json::value() : *v;
  }
  int64_t Int(std::string_view key) {
    const json::value* v = Get(key);
    if (v == nullptr) return 0;
    if (!v->is_int64()) {
      Fail(key, "is not an integer");
      return 0;
    }
    return v->get_int64();
  }
  std::string String(std::string_view key) {
    const json::value* v = Get(key);
    if (v == nullptr) return "";
    if (!v->is_string()) {
      Fail(key, "is not a string");
      return "";
    }
    return std::string(v->get_string());
  }
  absl::Time Time(std::string_view key) { return absl::FromUnixNanos(Int(key)); }
  const json::array* Array(std::string_view key) {
    const json::value* v = Get(key);
    if (v == nullptr) return nullptr;
    if (!v->is_array()) {
      Fail(key, "is not an array");
      return nullptr;
    }
    return &v->get_array();
  }
  bool Bool(std::string_view key) {
    const json::value* v = Get(key);
    if (v == nullptr) return false;
    if (!v->is_bool()) {
      Fail(key, "is not a boolean");
      return false;
    }
    return v->get_bool();
  }
  std::vector<json::value> Values(std::string_view key) {
    const json::array* a = Array(key);
    return a == nullptr ? std::vector<json::value>()
                        : std::vector<json::value>(a->begin(), a->end());
  }
  template <size_t N>
  int Enum(std::string_view key, const std::string_view (&names)[N]) {
    std::string name = String(key);
    for (size_t i = 0; i < N; ++i) {
      if (names[i] == name) return static_cast<int>(i);
    }
    Fail(key, StrCat("has unknown value '", name, "'"));
    return 0;
  }
  const std::string& where() const { return where_; }

 private:
  void Fail(std::string_view key, std::string_view problem) {
    if (error_.empty()) error_ = StrCat(where_, key.empty() ? "" : ".", key, " ", problem);
  }
  const json::object* object_ = nullptr;
  std::string where_;
  std::string& error_;
};

Frame FrameFromJson(const json::value& value, const std::string& where, std::string& error,
                    int depth) {
  Frame frame;
  Reader r(value, where, error);
  if (depth > 1000) {
    error = StrCat(where, " is nested too deeply");
    return frame;
  }
  frame.index = r.Int("index");
  frame.state = r.String("state");
  frame.input = r.Value("input");
  frame.effective_input = r.Value("effective_input");
  frame.entered_at = r.Time("entered_at");
  frame.entered_event_id = r.Int("entered_event_id");
  frame.last_event_id = r.Int("last_event_id");
  if (const json::array* counts = r.Array("retry_counts")) {
    for (const json::value& c : *counts) {
      frame.retry_counts.push_back(c.is_int64() ? c.get_int64() : 0);
    }
  }
  frame.retry_count = r.Int("retry_count");
  frame.blocker = static_cast<Blocker>(r.Enum("blocker", kBlockerNames));
  frame.task_id = r.String("task_id");
  frame.task_token = r.String("task_token");
  // Added later: older documents were written when TaskStarted always came
  // before the task could complete.
  frame.task_started =
      r.Has("task_started") ? r.Bool("task_started") : frame.blocker == Blocker::kTask;
  frame.timer_id = r.String("timer_id");
  // Added with workflow variables: older documents have none.
  if (r.Has("variables")) {
    json::value variables = r.Value("variables");
    if (json::object* object = variables.if_object()) {
      frame.variables = std::move(*object);
    } else {
      error = error.empty() ? StrCat(where, ".variables is not an object") : error;
    }
  }
  if (const json::array* children = r.Array("children")) {
    for (size_t i = 0; i < children->size(); ++i) {
      frame.children.push_back(
          FrameFromJson((*children)[i], StrCat(where, ".children[", i, "]"), error, depth + 1));
    }
  }
  frame.results = r.Values("results");
  frame.items = r.Values("items");
  frame.next_item = r.Int("next_item");
  frame.finished = r.Int("finished");
  if (r.Has("map_run")) {
    const json::value map_run = r.Value("map_run");
    Reader run(map_run, StrCat(where, ".map_run"), error);
    frame.map_run_arn = run.String("arn");
    frame.failed = run.Int("failed");
    frame.tolerated_failure_count = run.Int("tolerated_failure_count");
    json::value percentage = run.Value("tolerated_failure_percentage");
    if (percentage.is_number()) {
      frame.tolerated_failure_percentage = percentage.to_number<double>();
    } else if (error.empty()) {
      error = StrCat(where, ".map_run.tolerated_failure_percentage is not a number");
    }
  }
  if (r.Has("in_map_run")) frame.in_map_run = r.Bool("in_map_run");
  if (r.Has("started_at")) frame.started_at = r.Time("started_at");
  if (r.Has("iteration_input")) frame.iteration_input = r.Value("iteration_input");
  if (r.Has("iteration_failed")) frame.iteration_failed = r.Bool("iteration_failed");
  return frame;
}

}  // namespace

std::string_view ExecutionStatusName(ExecutionStatus status) {
  return kStatusNames[static_cast<int>(status)];
}

json::value ToJson(const ExecutionState& state) {
  json::object o;
  o["status"] = ExecutionStatusName(state.status);
  o["execution_arn"] = state.info.execution_arn;
  o["name"] = state.info.name;
  o["state_machine_arn"] = state.info.state_machine_arn;
  o["state_machine_name"] = state.info.state_machine_name;
  o["role_arn"] = state.info.role_arn;
  o["input"] = state.input.get();
  o["start_time"] = TimeToJson(state.start_time);
  o["stop_time"] = TimeToJson(state.stop_time);
  o["redrive_count"] = state.redrive_count;
  o["redrive_time"] = TimeToJson(state.redrive_time);
  json::array redrives;
  for (const RedriveRecord& redrive : state.redrives) {
    redrives.push_back(
        json::object{{"client_token", redrive.client_token}, {"date", TimeToJson(redrive.date)}});
  }
  o["redrives"] = std::move(redrives);
  o["next_event_id"] = state.next_event_id;
  o["next_id"] = state.next_id;
  o["execution_timer_id"] = state.execution_timer_id;
  o["root"] = FrameToJson(state.root);
  o["output"] = state.output;
  o["error"] = state.error;
  o["cause"] = state.cause;
  return o;
}

absl::StatusOr<ExecutionState> ExecutionStateFromJson(const json::value& value) {
  std::string error;
  Reader r(value, "execution state", error);
  ExecutionState state;
  state.status = static_cast<ExecutionStatus>(r.Enum("status", kStatusNames));
  state.info.execution_arn = r.String("execution_arn");
  state.info.name = r.String("name");
  state.info.state_machine_arn = r.String("state_machine_arn");
  state.info.state_machine_name = r.String("state_machine_name");
  state.info.role_arn = r.String("role_arn");
  state.input = r.Value("input");
  state.start_time = r.Time("start_time");
  state.stop_time = r.Time("stop_time");
  state.redrive_count = r.Int("redrive_count");
  if (r.Has("redrive_time")) state.redrive_time = r.Time("redrive_time");
  if (r.Has("redrives")) {
    if (const json::array* redrives = r.Array("redrives")) {
      for (size_t i = 0; i < redrives->size(); ++i) {
        Reader item((*redrives)[i], StrCat("execution state.redrives[", i, "]"), error);
        RedriveRecord redrive;
        redrive.client_token = item.String("client_token");
        redrive.date = item.Time("date");
        state.redrives.push_back(std::move(redrive));
      }
    }
  }
  state.next_event_id = r.Int("next_event_id");
  state.next_id = r.Int("next_id");
  state.execution_timer_id = r.String("execution_timer_id");
  if (const json::value* root = r.Get("root")) {
    state.root = FrameFromJson(*root, "execution state.root", error, 0);
  }
  state.output = r.Value("output");
  state.error = r.String("error");
  state.cause = r.String("cause");
  if (!error.empty()) return absl::InvalidArgumentError(error);
  return state;
}

}  // namespace stepwise::engine
