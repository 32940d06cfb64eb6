// Which history events a Task state's resource gets (internal/step.h):
// Task*, Activity* or LambdaFunction*, and the details they start with.
#include <string>
#include <string_view>
#include <vector>

#include "boost/json/serialize.hpp"
#include "orchestrator/engine/internal/step.h"

namespace stepwise::engine::internal {

namespace json = ::boost::json;

namespace {

ResourceParts SplitParts(std::string_view resource) {
  // arn:aws:states:::lambda:invoke -> ("lambda", "invoke"); other ARNs keep
  // the whole ARN as the resource, with their service as the type.
  constexpr std::string_view kIntegration = "arn:aws:states:::";
  if (resource.starts_with(kIntegration)) {
    std::string_view rest = resource.substr(kIntegration.size());
    size_t colon = rest.find(':');
    if (colon != std::string_view::npos) {
      return {std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1)),
              ResourceParts::Family::kTask};
    }
  }
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t colon = resource.find(':', start);
    parts.push_back(
        resource.substr(start, colon == std::string_view::npos ? colon : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  // arn:PARTITION:SERVICE:... names its service third.
  std::string type = parts.size() >= 4 ? std::string(parts[2]) : "unknown";
  ResourceParts::Family family = ResourceParts::Family::kTask;
  // arn:PARTITION:states:REGION:ACCOUNT:activity:NAME and
  // arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER].
  if (parts.size() == 7 && parts[0] == "arn" && type == "states" && parts[5] == "activity" &&
      !parts[6].empty()) {
    family = ResourceParts::Family::kActivity;
  } else if ((parts.size() == 7 || parts.size() == 8) && parts[0] == "arn" && type == "lambda" &&
             parts[5] == "function" && !parts[6].empty()) {
    family = ResourceParts::Family::kLambdaFunction;
  }
  return {type, std::string(resource), family};
}

}  // namespace

HistoryEventType TaskEventType(ResourceParts::Family family, TaskPhase phase) {
  using Type = HistoryEventType;
  switch (family) {
    case ResourceParts::Family::kActivity:
      switch (phase) {
        case TaskPhase::kScheduled:
          return Type::kActivityScheduled;
        case TaskPhase::kScheduleFailed:
          return Type::kActivityScheduleFailed;
        case TaskPhase::kStarted:
          return Type::kActivityStarted;
        case TaskPhase::kSucceeded:
          return Type::kActivitySucceeded;
        case TaskPhase::kFailed:
          return Type::kActivityFailed;
        case TaskPhase::kTimedOut:
          return Type::kActivityTimedOut;
      }
      break;
    case ResourceParts::Family::kLambdaFunction:
      switch (phase) {
        case TaskPhase::kScheduled:
          return Type::kLambdaFunctionScheduled;
        case TaskPhase::kScheduleFailed:
          return Type::kLambdaFunctionScheduleFailed;
        case TaskPhase::kStarted:
          return Type::kLambdaFunctionStarted;
        case TaskPhase::kSucceeded:
          return Type::kLambdaFunctionSucceeded;
        case TaskPhase::kFailed:
          return Type::kLambdaFunctionFailed;
        case TaskPhase::kTimedOut:
          return Type::kLambdaFunctionTimedOut;
      }
      break;
    case ResourceParts::Family::kTask:
      break;
  }
  switch (phase) {
    case TaskPhase::kScheduled:
      return Type::kTaskScheduled;
    case TaskPhase::kScheduleFailed:
      return Type::kTaskStartFailed;
    case TaskPhase::kStarted:
      return Type::kTaskStarted;
    case TaskPhase::kSucceeded:
      return Type::kTaskSucceeded;
    case TaskPhase::kFailed:
      return Type::kTaskFailed;
    case TaskPhase::kTimedOut:
      return Type::kTaskTimedOut;
  }
  return Type::kTaskFailed;
}

ResourceParts SplitResource(std::string_view resource) {
  ResourceParts parts = SplitParts(resource);
  parts.scheduled_details_text = json::serialize(TaskEventDetails(parts, TaskPhase::kScheduled));
  return parts;
}

std::string_view TaskEventDetailsText(const ResourceParts& parts, TaskPhase phase) {
  // Task* events all start with {resourceType, resource}; of the others only
  // the Scheduled ones have {resource}.
  if (parts.family == ResourceParts::Family::kTask || phase == TaskPhase::kScheduled) {
    return parts.scheduled_details_text;
  }
  return "{}";
}

json::object TaskEventDetails(const ResourceParts& parts, TaskPhase phase) {
  if (parts.family == ResourceParts::Family::kTask) {
    return json::object{{"resourceType", parts.type}, {"resource", parts.resource}};
  }
  if (phase == TaskPhase::kScheduled) return json::object{{"resource", parts.resource}};
  return {};
}

}  // namespace stepwise::engine::internal
