#include "orchestrator/asl/jsonata/error.h"

#include <map>
#include <string_view>

#include "common/str_cat.h"

namespace stepwise::jsonata::internal {
namespace {

// JSONata's message texts (jsonata-js errorCodes); `{}` is the detail.
const std::map<std::string_view, std::string_view>& Messages() {
  static const auto* messages = new std::map<std::string_view, std::string_view>{
      {"S0101", "String literal must be terminated by a matching quote"},
      {"S0102", "Number out of range: {}"},
      {"S0103", "Unsupported escape sequence: \\{}"},
      {"S0104", "The escape sequence \\u must be followed by 4 hex digits"},
      {"S0105", "Quoted property name must be terminated with a backquote (`)"},
      {"S0106", "Comment has no closing tag"},
      {"S0201", "Syntax error: {}"},
      {"S0202", "Expected {}"},
      {"S0203", "Expected {} before end of expression"},
      {"S0204", "Unknown operator: {}"},
      {"S0205", "Unexpected token: {}"},
      {"S0207", "Unexpected end of expression"},
      {"S0208", "Parameter {} of function definition must be a variable name (start with $)"},
      {"S0209", "A predicate cannot follow a grouping expression in a step"},
      {"S0210", "Each step can only have one grouping expression"},
      {"S0211", "The symbol {} cannot be used as a unary operator"},
      {"S0212", "The left side of := must be a variable name (start with $)"},
      {"S0213", "The literal value {} cannot be used as a step within a path expression"},
      {"S0214", "The right side of {} must be a variable name (start with $)"},
      {"S0215", "A context variable binding must precede any predicates on a step"},
      {"S0216", "A context variable binding must precede the 'order-by' clause on a step"},
      {"S0217", "The object representing the 'parent' cannot be derived from this expression"},
      {"S0301", "Empty regular expressions are not allowed"},
      {"S0302", "No terminating / in regular expression"},
      {"S0303", "Unsupported regular expression: {}"},
      {"S0401", "Type parameters can only be applied to functions and arrays"},
      {"S0402", "Choice groups containing parameterized types are not supported"},
      {"S0500", "Not supported by Stepwise's JSONata: {}"},
      {"T0410", "Argument {} does not match function signature"},
      {"T0411", "Context value is not a compatible type with argument {}"},
      {"T0412", "Argument {} must be an array of the type in the function signature"},
      {"D1001", "Number out of range: {}"},
      {"D1002", "Cannot negate a non-numeric value: {}"},
      {"T1003", "Key in object structure must evaluate to a string; got: {}"},
      {"D1004", "Regular expression matches zero length string"},
      {"T1005", "Attempted to invoke a non-function. Did you mean ${}?"},
      {"T1006", "Attempted to invoke a non-function"},
      {"T1007", "Attempted to partially apply a non-function. Did you mean ${}?"},
      {"T1008", "Attempted to partially apply a non-function"},
      {"D1009", "Multiple key definitions evaluate to same key: {}"},
      {"T1010",
       "The matcher function argument passed to function {} does not return the "
       "correct object structure"},
      {"T2001", "The left side of the {} operator must evaluate to a number"},
      {"T2002", "The right side of the {} operator must evaluate to a number"},
      {"T2003", "The left side of the range operator (..) must evaluate to an integer"},
      {"T2004", "The right side of the range operator (..) must evaluate to an integer"},
      {"T2006", "The right side of the function application operator ~> must be a function"},
      {"T2007", "Type mismatch when comparing values in order-by clause: {}"},
      {"T2008",
       "The expressions within an order-by clause must evaluate to numeric or string values"},
      {"T2009", "The values either side of operator {} must be of the same data type"},
      {"T2010",
       "The expressions either side of operator {} must evaluate to numeric or string "
       "values"},
      {"T2011",
       "The insert/update clause of the transform expression must evaluate to an object: {}"},
      {"T2012",
       "The delete clause of the transform expression must evaluate to a string or array of "
       "strings: {}"},
      {"T2013",
       "The transform expression clones the input object using the $clone() function. This has "
       "been overridden in the current scope by a non-function."},
      {"D2014",
       "The size of the sequence allocated by the range operator (..) must not exceed "
       "1e7. Attempted to allocate {}"},
      {"D3001", "Attempting to invoke string function on Infinity or NaN"},
      {"D3010", "Second argument of replace function cannot be an empty string"},
      {"D3011", "Fourth argument of replace function must evaluate to a positive number"},
      {"D3012", "Attempted to replace a matched string with a non-string value"},
      {"D3020", "Third argument of split function must evaluate to a positive number"},
      {"D3030", "Unable to cast value to a number: {}"},
      {"D3040", "Third argument of match function must evaluate to a positive number"},
      {"D3050",
       "The second argument of reduce function must be a function with at least two "
       "arguments"},
      {"D3060", "The sqrt function cannot be applied to a negative number: {}"},
      {"D3061",
       "The power function has resulted in a value that cannot be represented as a "
       "JSON number: {}"},
      {"D3070",
       "The single argument form of the sort function can only be applied to an array "
       "of strings or an array of numbers. Use the second argument to specify a "
       "comparison function"},
      {"D3080", "The picture string must only contain a maximum of two sub-pictures"},
      {"D3100", "The radix of the formatBase function must be between 2 and 36. It was given {}"},
      {"D3110",
       "The argument of the toMillis function must be an ISO 8601 formatted "
       "timestamp. Given {}"},
      {"D3120", "Syntax error in expression passed to function eval: {}"},
      {"D3121", "Dynamic error evaluating the expression passed to function eval: {}"},
      {"D3130",
       "Formatting or parsing an integer as a sequence starting with {} is not supported by "
       "this implementation"},
      {"D3131", "In a decimal digit pattern, all digits must be from the same decimal group"},
      {"D3132", "Unknown component specifier {} in date/time picture string"},
      {"D3133",
       "The 'name' modifier can only be applied to months and days in the date/time picture "
       "string, not {}"},
      {"D3134", "The timezone integer format specifier cannot have more than four digits"},
      {"D3135", "No matching closing bracket ']' in date/time picture string"},
      {"D3136",
       "The date/time picture string is missing specifiers required to parse the timestamp"},
      {"D3137", "{}"},
      {"D3138",
       "The $single() function expected exactly 1 matching result. Instead it matched "
       "more."},
      {"D3139",
       "The $single() function expected exactly 1 matching result. Instead it matched "
       "0."},
      {"D3140", "Malformed URL passed to {}"},
      {"D3141", "{}"},
      {"U1001", "Stack overflow error: expression nested too deeply"},
      {"U1002", "The result is too large: {}"},
      {"U1003", "Regular expression too complex for its input (backtracking limit reached): {}"},
      {"T3001", "{}"},
  };
  return *messages;
}

}  // namespace

[[noreturn]] void Fail(const std::string& code, int position, const std::string& detail) {
  const auto& messages = Messages();
  auto it = messages.find(code);
  std::string message;
  if (it == messages.end()) {
    message = detail;
  } else {
    std::string_view text = it->second;
    size_t hole = text.find("{}");
    message = hole == std::string_view::npos
                  ? std::string(text)
                  : StrCat(text.substr(0, hole), detail, text.substr(hole + 2));
  }
  throw JsonataException(code, position, std::move(message));
}

absl::Status ToStatus(const JsonataException& e) {
  return absl::InvalidArgumentError(
      StrCat(e.code(), " at position ", e.position(), ": ", e.message()));
}

}  // namespace stepwise::jsonata::internal
