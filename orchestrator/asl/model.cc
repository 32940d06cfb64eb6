#include "orchestrator/asl/model.h"

namespace stepwise::asl {

std::string_view StateTypeName(StateType type) {
  switch (type) {
    case StateType::kPass:
      return "Pass";
    case StateType::kTask:
      return "Task";
    case StateType::kChoice:
      return "Choice";
    case StateType::kWait:
      return "Wait";
    case StateType::kSucceed:
      return "Succeed";
    case StateType::kFail:
      return "Fail";
    case StateType::kParallel:
      return "Parallel";
    case StateType::kMap:
      return "Map";
  }
  return "Unknown";
}

std::string_view ComparisonOperatorName(ComparisonOperator op) {
  switch (op) {
    case ComparisonOperator::kStringEquals:
      return "StringEquals";
    case ComparisonOperator::kStringLessThan:
      return "StringLessThan";
    case ComparisonOperator::kStringGreaterThan:
      return "StringGreaterThan";
    case ComparisonOperator::kStringLessThanEquals:
      return "StringLessThanEquals";
    case ComparisonOperator::kStringGreaterThanEquals:
      return "StringGreaterThanEquals";
    case ComparisonOperator::kStringMatches:
      return "StringMatches";
    case ComparisonOperator::kNumericEquals:
      return "NumericEquals";
    case ComparisonOperator::kNumericLessThan:
      return "NumericLessThan";
    case ComparisonOperator::kNumericGreaterThan:
      return "NumericGreaterThan";
    case ComparisonOperator::kNumericLessThanEquals:
      return "NumericLessThanEquals";
    case ComparisonOperator::kNumericGreaterThanEquals:
      return "NumericGreaterThanEquals";
    case ComparisonOperator::kBooleanEquals:
      return "BooleanEquals";
    case ComparisonOperator::kTimestampEquals:
      return "TimestampEquals";
    case ComparisonOperator::kTimestampLessThan:
      return "TimestampLessThan";
    case ComparisonOperator::kTimestampGreaterThan:
      return "TimestampGreaterThan";
    case ComparisonOperator::kTimestampLessThanEquals:
      return "TimestampLessThanEquals";
    case ComparisonOperator::kTimestampGreaterThanEquals:
      return "TimestampGreaterThanEquals";
    case ComparisonOperator::kIsNull:
      return "IsNull";
    case ComparisonOperator::kIsPresent:
      return "IsPresent";
    case ComparisonOperator::kIsNumeric:
      return "IsNumeric";
    case ComparisonOperator::kIsString:
      return "IsString";
    case ComparisonOperator::kIsBoolean:
      return "IsBoolean";
    case ComparisonOperator::kIsTimestamp:
      return "IsTimestamp";
  }
  return "Unknown";
}

}  // namespace stepwise::asl
