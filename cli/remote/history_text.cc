#include "cli/remote/history_text.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "boost/json/array.hpp"
#include "boost/json/parse.hpp"
#include "cli/remote/aws_json.h"
#include "cli/remote/aws_names.h"
#include "common/str_cat.h"
#include "google/protobuf/timestamp.pb.h"

namespace stepwise::cli {
namespace {

namespace json = ::boost::json;

constexpr size_t kTypeWidth = 8;      // "Parallel"
constexpr size_t kStatusWidth = 9;    // "SUCCEEDED", "CANCELLED", "TIMED_OUT"
constexpr size_t kTimeWidth = 9;      // "+1h02m03s"
constexpr size_t kMaxNameWidth = 40;  // Longer names push their row's columns right.
constexpr size_t kMinPayload = 20;
constexpr size_t kIndentPerLevel = 4;  // A branch's states sit one level under their state.

// Characters (UTF-8 code points) in `text`.
size_t Width(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string PadRight(std::string text, size_t width) {
  const size_t have = Width(text);
  if (have < width) text.append(width - have, ' ');
  return text;
}

std::string PadLeft(const std::string& text, size_t width) {
  const size_t have = Width(text);
  return have < width ? std::string(width - have, ' ') + text : text;
}

std::string TwoDigits(int64_t n) { return n < 10 ? StrCat("0", n) : StrCat(n); }

std::string UtcTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E3S UTC", time, absl::UTCTimeZone());
}

std::string HeaderLine(std::string_view label, std::string_view value) {
  return StrCat(PadRight(std::string(label), 11), value, "\n");
}

// "Greeter" from arn:aws:states:REGION:ACCOUNT:stateMachine:Greeter.
std::string_view LastArnPart(std::string_view arn) {
  const size_t colon = arn.rfind(':');
  return colon == std::string_view::npos ? arn : arn.substr(colon + 1);
}

// Room left for a payload after `used` columns, unless payloads stay whole.
size_t Room(const TextOptions& options, size_t used) {
  if (options.full) return 0;
  const size_t width = static_cast<size_t>(std::max(options.width, 0));
  return std::max(kMinPayload, width > used ? width - used : 0);
}

// "ERROR: CAUSE" (the cause on one line, cut to what is left of `room`).
std::string ErrorText(std::string_view error, std::string_view cause, size_t room) {
  std::string text = error.empty() ? std::string("(no error name)") : std::string(error);
  if (cause.empty()) return text;
  const size_t used = Width(text) + 2;
  const size_t left = room == 0 ? 0 : std::max(kMinPayload, room > used ? room - used : 0);
  return StrCat(text, ": ", OneLine(cause, left));
}

std::string_view AttemptStatus(TaskAttempt::Outcome outcome) {
  switch (outcome) {
    case TaskAttempt::Outcome::kPending:
      return "RUNNING";
    case TaskAttempt::Outcome::kSucceeded:
      return "SUCCEEDED";
    case TaskAttempt::Outcome::kFailed:
      return "FAILED";
    case TaskAttempt::Outcome::kTimedOut:
      return "TIMED_OUT";
  }
  return "RUNNING";
}

std::string IsoTime(absl::Time time) {
  google::protobuf::Timestamp timestamp;
  const absl::Duration since_epoch = time - absl::UnixEpoch();
  timestamp.set_seconds(absl::ToInt64Seconds(since_epoch));
  timestamp.set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(since_epoch % absl::Seconds(1))));
  return FormatAwsTimestamp(timestamp);
}

json::object RunJson(const StateRun& run) {
  json::object out;
  out["name"] = run.name;
  out["type"] = run.type;
  out["status"] = StateStatusName(run.status);
  if (!run.note.empty()) out["note"] = run.note;
  out["enteredDate"] = IsoTime(run.entered);
  if (run.exited) {
    out["exitedDate"] = IsoTime(*run.exited);
    out["durationSeconds"] = absl::ToDoubleSeconds(*run.exited - run.entered);
  }
  if (run.input) out["input"] = *run.input;
  if (run.output) out["output"] = *run.output;
  if (!run.resource.empty()) out["resource"] = run.resource;
  if (!run.attempts.empty()) {
    json::array attempts;
    for (const TaskAttempt& attempt : run.attempts) {
      json::object one;
      one["status"] = AttemptStatus(attempt.outcome);
      if (!attempt.worker.empty()) one["worker"] = attempt.worker;
      if (!attempt.error.empty()) one["error"] = attempt.error;
      if (!attempt.cause.empty()) one["cause"] = attempt.cause;
      attempts.push_back(std::move(one));
    }
    out["attempts"] = std::move(attempts);
  }
  if (!run.error.empty()) out["error"] = run.error;
  if (!run.cause.empty()) out["cause"] = run.cause;
  if (!run.lanes.empty()) {
    json::array branches;
    for (const StateLane& lane : run.lanes) {
      json::object branch;
      branch["label"] = lane.label;
      if (lane.index) branch["index"] = *lane.index;
      json::array states;
      for (const StateRun& child : lane.states) states.push_back(RunJson(child));
      branch["states"] = std::move(states);
      branches.push_back(std::move(branch));
    }
    out["branches"] = std::move(branches);
  }
  return out;
}

size_t NameWidth(const std::vector<StateRun>& runs, int depth) {
  size_t width = 0;
  for (const StateRun& run : runs) {
    width = std::max(width, static_cast<size_t>(depth) * kIndentPerLevel + Width(run.name));
    for (const StateLane& lane : run.lanes) {
      width = std::max(width, NameWidth(lane.states, depth + 1));
    }
  }
  return width;
}

}  // namespace

std::string ShortDuration(absl::Duration duration) {
  const int64_t ms = std::max<int64_t>(0, absl::ToInt64Milliseconds(duration));
  if (ms < 60'000) {
    const int64_t frac = ms % 1000;
    return StrCat(ms / 1000, ".", frac < 100 ? "0" : "", frac < 10 ? "0" : "", frac, "s");
  }
  const int64_t seconds = ms / 1000;
  if (seconds < 3600) return StrCat(seconds / 60, "m", TwoDigits(seconds % 60), "s");
  return StrCat(seconds / 3600, "h", TwoDigits(seconds / 60 % 60), "m", TwoDigits(seconds % 60),
                "s");
}

std::string OneLine(std::string_view text, size_t max_chars) {
  std::string line;
  line.reserve(text.size());
  std::error_code ec;
  json::parse(json::string_view(text.data(), text.size()), ec);
  if (!ec) {
    // Valid JSON: drop the whitespace between tokens. Not parse + serialize,
    // which would print big or long numbers rounded (1.2345678901234567E22).
    bool in_string = false;
    bool escaped = false;
    for (char c : text) {
      if (in_string) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          in_string = false;
        }
      } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        continue;
      } else if (c == '"') {
        in_string = true;
      }
      line.push_back(c);
    }
  } else {
    line.reserve(text.size());
    for (char c : text) line.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  }
  if (max_chars == 0 || Width(line) <= max_chars) return line;
  // Keep max_chars - 3 code points, then "...".
  const size_t keep = max_chars > 3 ? max_chars - 3 : 0;
  size_t chars = 0;
  size_t end = 0;
  for (; end < line.size(); ++end) {
    if ((static_cast<unsigned char>(line[end]) & 0xC0) != 0x80 && chars++ == keep) break;
  }
  line.resize(end);
  return line + "...";
}

HistoryText::HistoryText(const ExecutionView& view, TextOptions options)
    : view_(view), options_(options) {
  name_width_ = std::clamp(NameWidth(view.states, 0), Width("STATE"), kMaxNameWidth);
}

std::string HistoryText::Outcome() const {
  std::string out = HeaderLine(
      "Status",
      view_.status == v1::EXECUTION_STATUS_UNSPECIFIED
          ? "UNKNOWN"
          : AwsEnumName(*v1::ExecutionStatus_descriptor()->FindValueByNumber(view_.status)));
  if (view_.start_date) out += HeaderLine("Started", UtcTime(*view_.start_date));
  if (view_.stop_date) out += HeaderLine("Stopped", UtcTime(*view_.stop_date));
  if (view_.start_date && view_.stop_date) {
    out += HeaderLine("Duration", ShortDuration(*view_.stop_date - *view_.start_date));
  } else if (view_.start_date && options_.now && !view_.closed()) {
    out +=
        HeaderLine("Duration", StrCat(ShortDuration(*options_.now - *view_.start_date), " so far"));
  }
  if (!view_.error.empty()) out += HeaderLine("Error", view_.error);
  if (!view_.cause.empty()) out += HeaderLine("Cause", OneLine(view_.cause, Room(options_, 11)));
  return out;
}

std::string HistoryText::Header() const {
  std::string out = HeaderLine("Execution", view_.name);
  out += HeaderLine("ARN", view_.execution_arn);
  if (!view_.state_machine_arn.empty()) {
    out += HeaderLine("Machine", StrCat(LastArnPart(view_.state_machine_arn), "  (",
                                        view_.state_machine_arn, ")"));
  }
  return out + Outcome();
}

std::string HistoryText::ColumnTitles() const {
  return StrCat(PadRight("STATE", name_width_), "  ", PadRight("TYPE", kTypeWidth), "  ",
                PadRight("STATUS", kStatusWidth), "  ", PadLeft("ENTERED", kTimeWidth), "  ",
                PadLeft("DURATION", kTimeWidth), "\n");
}

std::string HistoryText::RunText(const StateRun& run, int depth, size_t name_width,
                                 std::optional<absl::Time> now) const {
  const size_t indent = static_cast<size_t>(depth) * kIndentPerLevel;
  std::string entered;
  if (view_.start_date) entered = StrCat("+", ShortDuration(run.entered - *view_.start_date));
  std::string duration;
  if (run.exited) {
    duration = ShortDuration(*run.exited - run.entered);
  } else if (now && run.status == StateStatus::kRunning) {
    duration = ShortDuration(*now - run.entered);
  }
  std::string line = StrCat(PadRight(std::string(indent, ' ') + run.name, name_width), "  ",
                            PadRight(run.type, kTypeWidth), "  ",
                            PadRight(std::string(StateStatusName(run.status)), kStatusWidth), "  ",
                            PadLeft(entered, kTimeWidth), "  ", PadLeft(duration, kTimeWidth));
  if (!run.note.empty()) StrAppend(&line, "  ", run.note);
  line.erase(line.find_last_not_of(' ') + 1);
  line += "\n";

  const std::string pad(indent + kIndentPerLevel, ' ');
  auto detail = [&](std::string_view label, std::string_view text) {
    StrAppend(&line, pad, label, text, "\n");
  };
  const size_t label_width = 8;  // "output: "
  if (run.input) detail("input:  ", OneLine(*run.input, Room(options_, pad.size() + label_width)));
  const bool several = run.attempts.size() > 1;
  for (size_t i = 0; i < run.attempts.size(); ++i) {
    const TaskAttempt& attempt = run.attempts[i];
    if (attempt.outcome != TaskAttempt::Outcome::kFailed &&
        attempt.outcome != TaskAttempt::Outcome::kTimedOut) {
      continue;
    }
    const std::string label =
        several ? StrCat("attempt ", i + 1, " of ", run.name,
                         attempt.outcome == TaskAttempt::Outcome::kTimedOut ? " timed out: "
                                                                            : " failed: ")
                : std::string("error:  ");
    detail(label,
           ErrorText(attempt.error, attempt.cause, Room(options_, pad.size() + Width(label))));
  }
  if (!run.error.empty() || !run.cause.empty()) {
    detail("error:  ", ErrorText(run.error, run.cause, Room(options_, pad.size() + label_width)));
  }
  if (run.output) {
    detail("output: ", OneLine(*run.output, Room(options_, pad.size() + label_width)));
  }
  return line;
}

void HistoryText::AddRun(const StateRun& run, int depth, const std::string& key,
                         std::vector<TextBlock>& blocks) const {
  blocks.push_back(
      {key, RunText(run, depth, 0, std::nullopt), RunText(run, depth, name_width_, options_.now)});
  for (size_t i = 0; i < run.lanes.size(); ++i) {
    const StateLane& lane = run.lanes[i];
    const std::string lane_key = StrCat(key, "/", i);
    const std::string label =
        StrCat(std::string(static_cast<size_t>(depth) * kIndentPerLevel + kIndentPerLevel / 2, ' '),
               lane.label, "\n");
    blocks.push_back({lane_key, label, label});
    for (size_t j = 0; j < lane.states.size(); ++j) {
      AddRun(lane.states[j], depth + 1, StrCat(lane_key, "/", j), blocks);
    }
  }
}

std::vector<TextBlock> HistoryText::Blocks() const {
  std::vector<TextBlock> blocks;
  for (size_t i = 0; i < view_.states.size(); ++i) {
    AddRun(view_.states[i], 0, StrCat(i), blocks);
  }
  return blocks;
}

std::string HistoryText::All() const {
  std::string out = Header() + "\n";
  if (view_.states.empty()) return out + "No state has been entered yet.\n";
  out += ColumnTitles();
  for (const TextBlock& block : Blocks()) out += block.text;
  return out;
}

json::object HistoryJson(const ExecutionView& view) {
  json::object out;
  out["executionArn"] = view.execution_arn;
  out["name"] = view.name;
  out["stateMachineArn"] = view.state_machine_arn;
  if (view.status != v1::EXECUTION_STATUS_UNSPECIFIED) {
    out["status"] = AwsEnumName(*v1::ExecutionStatus_descriptor()->FindValueByNumber(view.status));
  }
  if (view.start_date) out["startDate"] = IsoTime(*view.start_date);
  if (view.stop_date) out["stopDate"] = IsoTime(*view.stop_date);
  if (!view.error.empty()) out["error"] = view.error;
  if (!view.cause.empty()) out["cause"] = view.cause;
  json::array states;
  for (const StateRun& run : view.states) states.push_back(RunJson(run));
  out["states"] = std::move(states);
  return out;
}

}  // namespace stepwise::cli
