#include "orchestrator/engine/intrinsics.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/parse_options.hpp"
#include "boost/json/string.hpp"
#include "boost/json/value.hpp"
#include "common/digest.h"
#include "common/str_cat.h"
#include "orchestrator/asl/intrinsic_function.h"
#include "orchestrator/asl/json_path.h"
#include "orchestrator/engine/data_flow.h"
#include "orchestrator/engine/entropy.h"
#include "orchestrator/engine/evaluation_context.h"
#include "orchestrator/engine/intrinsics_internal.h"
#include "orchestrator/engine/state_error.h"
#include "orchestrator/engine/uuid.h"

namespace stepwise::engine {
namespace {

namespace json = boost::json;
using asl::IntrinsicArgument;
using asl::IntrinsicCall;
using asl::IntrinsicFunction;
using intrinsics_internal::AppendFormatText;
using intrinsics_internal::AppendJson;
using intrinsics_internal::BoundedJsonSize;
using intrinsics_internal::JsonEqual;
using intrinsics_internal::JsonHash;
using intrinsics_internal::kMaxValueDepth;
using intrinsics_internal::SanitizeUtf8;
using intrinsics_internal::SplitByAnyOf;
using intrinsics_internal::Utf16Length;

using Args = std::vector<json::value>;

// No argument or intermediate value may exceed AWS's 256 KiB payload limit
// (measured as compact JSON); this also bounds the work of every call.
constexpr size_t kMaxValueBytes = size_t{256} * 1024;
// AWS: Base64Encode/Base64Decode/Hash inputs "can't exceed 10,000 characters".
constexpr size_t kMaxCodecChars = 10000;
// AWS: ArrayRange "can't contain more than 1000 items".
constexpr uint64_t kMaxRangeItems = 1000;

std::string_view View(const json::string& s) { return std::string_view(s.data(), s.size()); }

std::string_view TypeName(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

StateError Failure(const IntrinsicCall& call, std::string_view what) {
  return StateError{std::string(errors::kIntrinsicFailure), StrCat(call.name, ": ", what)};
}

// "States.ArrayGetItem argument 2 (index) must be ..."
StateError ArgFailure(const IntrinsicCall& call, size_t index, std::string_view role,
                      std::string_view what) {
  return StateError{std::string(errors::kIntrinsicFailure),
                    StrCat(call.name, " argument ", index + 1, " (", role, ") ", what)};
}

StateError WrongType(const IntrinsicCall& call, const Args& args, size_t index,
                     std::string_view role, std::string_view expected) {
  return ArgFailure(call, index, role,
                    StrCat("must be ", expected, ", got ", TypeName(args[index])));
}

StateError TooLarge(const IntrinsicCall& call) {
  return Failure(call, StrCat("the arguments exceed the ", kMaxValueBytes, "-byte payload limit"));
}

// Java's Math.round: halves round up (towards +infinity), as AWS's runtime
// rounds non-integer arguments ("Step Functions will round it off to the
// nearest integer").
double JavaRound(double x) {
  const double f = std::floor(x);
  return x - f >= 0.5 ? f + 1 : f;
}

// A number argument rounded to an integer in [min, max].
Outcome<int64_t> IntegerArg(const IntrinsicCall& call, const Args& args, size_t index,
                            std::string_view role, int64_t min = INT64_MIN,
                            int64_t max = INT64_MAX) {
  const json::value& v = args[index];
  if (!v.is_number()) return WrongType(call, args, index, role, "an integer");
  std::optional<int64_t> n;
  if (v.is_int64()) {
    n = v.get_int64();
  } else if (v.is_uint64()) {
    if (v.get_uint64() <= static_cast<uint64_t>(INT64_MAX))
      n = static_cast<int64_t>(v.get_uint64());
  } else {
    const double r = JavaRound(v.get_double());
    if (r >= -9223372036854775808.0 && r < 9223372036854775808.0) n = static_cast<int64_t>(r);
  }
  if (!n || *n < min || *n > max) {
    return ArgFailure(call, index, role, StrCat("must be an integer from ", min, " to ", max));
  }
  return *n;
}

Outcome<std::string_view> StringArg(const IntrinsicCall& call, const Args& args, size_t index,
                                    std::string_view role) {
  if (!args[index].is_string()) return WrongType(call, args, index, role, "a string");
  return View(args[index].get_string());
}

Outcome<std::string_view> CodecInput(const IntrinsicCall& call, const Args& args,
                                     std::string_view role) {
  Outcome<std::string_view> s = StringArg(call, args, 0, role);
  if (s.ok() && Utf16Length(s.value()) > kMaxCodecChars) {
    return ArgFailure(call, 0, role, StrCat("exceeds ", kMaxCodecChars, " characters"));
  }
  return s;
}

// --- Functions. `args` are the evaluated arguments, arity checked by the parser.

Outcome<json::value> Format(const IntrinsicCall& call, const Args& args) {
  Outcome<std::string_view> tmpl = StringArg(call, args, 0, "the template");
  if (!tmpl.ok()) return tmpl.error();
  const std::string_view text = tmpl.value();
  // A literal template knows its placeholders (escaped \{\} are plain text);
  // a template read from a path has every "{}" as one.
  std::vector<size_t> positions;
  if (call.arguments[0].kind == IntrinsicArgument::Kind::kLiteral) {
    positions = call.arguments[0].placeholders;
  } else {
    for (size_t p = text.find("{}"); p != std::string_view::npos; p = text.find("{}", p + 2)) {
      positions.push_back(p);
    }
  }
  if (positions.size() != args.size() - 1) {
    return Failure(call, StrCat("the template has ", positions.size(), " '{}' placeholder(s) but ",
                                args.size() - 1, " value argument(s) follow"));
  }
  std::string out;
  size_t last = 0;
  for (size_t i = 0; i < positions.size(); ++i) {
    if (positions[i] < last || positions[i] + 2 > text.size()) {
      return Failure(call, "malformed template placeholders");
    }
    out.append(text.substr(last, positions[i] - last));
    AppendFormatText(out, args[i + 1]);
    last = positions[i] + 2;
  }
  out.append(text.substr(last));
  return json::value(json::string(out));
}

Outcome<json::value> StringToJson(const IntrinsicCall& call, const Args& args) {
  Outcome<std::string_view> s = StringArg(call, args, 0, "the JSON text");
  if (!s.ok()) return s.error();
  const std::string_view text = s.value();
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return json::value(nullptr);
  json::parse_options options;
  options.max_depth = kMaxValueDepth;
  std::error_code ec;
  json::value parsed = json::parse(json::string_view(text.data(), text.size()), ec, {}, options);
  if (ec) {
    return ArgFailure(call, 0, "the JSON text", StrCat("is not valid JSON: ", ec.message()));
  }
  return parsed;
}

Outcome<json::value> JsonToString(const Args& args) {
  std::string out;
  AppendJson(out, args[0]);
  return json::value(json::string(out));
}

Outcome<json::value> Array(Args& args) {
  json::array out;
  out.reserve(args.size());
  for (json::value& v : args) out.push_back(std::move(v));
  return json::value(std::move(out));
}

Outcome<json::value> ArrayPartition(const IntrinsicCall& call, const Args& args) {
  if (!args[0].is_array()) return WrongType(call, args, 0, "the array", "an array");
  Outcome<int64_t> chunk = IntegerArg(call, args, 1, "chunk size", 1);
  if (!chunk.ok()) return chunk.error();
  const json::array& in = args[0].get_array();
  const size_t size = static_cast<size_t>(chunk.value());
  json::array out;
  for (size_t i = 0; i < in.size(); i += size) {
    const size_t end = in.size() - i > size ? i + size : in.size();
    json::array part(in.begin() + static_cast<std::ptrdiff_t>(i),
                     in.begin() + static_cast<std::ptrdiff_t>(end));
    out.push_back(json::value(std::move(part)));
  }
  return json::value(std::move(out));
}

Outcome<json::value> ArrayContains(const IntrinsicCall& call, const Args& args) {
  if (!args[0].is_array()) return WrongType(call, args, 0, "the array", "an array");
  for (const json::value& e : args[0].get_array()) {
    if (JsonEqual(e, args[1])) return json::value(true);
  }
  return json::value(false);
}

Outcome<json::value> ArrayRange(const IntrinsicCall& call, const Args& args) {
  Outcome<int64_t> start = IntegerArg(call, args, 0, "start");
  if (!start.ok()) return start.error();
  Outcome<int64_t> end = IntegerArg(call, args, 1, "end");
  if (!end.ok()) return end.error();
  Outcome<int64_t> step = IntegerArg(call, args, 2, "step");
  if (!step.ok()) return step.error();
  const int64_t first = start.value();
  const int64_t last = end.value();
  const int64_t increment = step.value();
  if (increment == 0) return ArgFailure(call, 2, "step", "must not be 0");
  json::array out;
  if (increment > 0 ? last < first : last > first) return json::value(std::move(out));
  // Unsigned arithmetic: the span of two int64 values always fits in uint64.
  const uint64_t span = increment > 0 ? static_cast<uint64_t>(last) - static_cast<uint64_t>(first)
                                      : static_cast<uint64_t>(first) - static_cast<uint64_t>(last);
  const uint64_t magnitude =
      increment > 0 ? static_cast<uint64_t>(increment) : 0 - static_cast<uint64_t>(increment);
  if (span / magnitude >= kMaxRangeItems) {
    return Failure(call, StrCat("the range would have more than ", kMaxRangeItems, " items"));
  }
  const uint64_t count = span / magnitude + 1;
  out.reserve(count);
  for (uint64_t k = 0; k < count; ++k) {
    // Stays within [first, last], so no overflow.
    out.push_back(
        static_cast<int64_t>(static_cast<uint64_t>(first) + k * static_cast<uint64_t>(increment)));
  }
  return json::value(std::move(out));
}

Outcome<json::value> ArrayGetItem(const IntrinsicCall& call, Args& args) {
  if (!args[0].is_array()) return WrongType(call, args, 0, "the array", "an array");
  Outcome<int64_t> index = IntegerArg(call, args, 1, "index", 0);
  if (!index.ok()) return index.error();
  json::array& in = args[0].get_array();
  if (static_cast<uint64_t>(index.value()) >= in.size()) {
    return ArgFailure(call, 1, "index",
                      StrCat(index.value(), " is out of bounds for an array of ", in.size(),
                             in.size() == 1 ? " item" : " items"));
  }
  return std::move(in[static_cast<size_t>(index.value())]);
}

Outcome<json::value> ArrayLength(const IntrinsicCall& call, const Args& args) {
  if (!args[0].is_array()) return WrongType(call, args, 0, "the array", "an array");
  return json::value(static_cast<int64_t>(args[0].get_array().size()));
}

Outcome<json::value> ArrayUnique(const IntrinsicCall& call, Args& args) {
  if (!args[0].is_array()) return WrongType(call, args, 0, "the array", "an array");
  json::array& in = args[0].get_array();
  json::array out;
  // Hash -> indices into `out` with that hash; keeps the first occurrence.
  std::unordered_map<uint64_t, std::vector<size_t>> seen;
  for (json::value& e : in) {
    std::vector<size_t>& bucket = seen[JsonHash(e)];
    bool duplicate = false;
    for (size_t k : bucket) duplicate = duplicate || JsonEqual(out[k], e);
    if (duplicate) continue;
    bucket.push_back(out.size());
    out.push_back(std::move(e));
  }
  return json::value(std::move(out));
}

Outcome<json::value> Base64Encode(const IntrinsicCall& call, const Args& args) {
  Outcome<std::string_view> s = CodecInput(call, args, "the data");
  if (!s.ok()) return s.error();
  const std::string encoded =
      absl::Base64Escape(absl::string_view(s.value().data(), s.value().size()));
  return json::value(json::string(encoded));
}

Outcome<json::value> Base64Decode(const IntrinsicCall& call, const Args& args) {
  Outcome<std::string_view> s = CodecInput(call, args, "the base64 text");
  if (!s.ok()) return s.error();
  std::optional<std::string> decoded = intrinsics_internal::Base64Decode(s.value());
  if (!decoded) return ArgFailure(call, 0, "the base64 text", "is not valid base64");
  return json::value(json::string(SanitizeUtf8(*decoded)));
}

Outcome<json::value> Hash(const IntrinsicCall& call, const Args& args) {
  Outcome<std::string_view> data = CodecInput(call, args, "the data");
  if (!data.ok()) return data.error();
  Outcome<std::string_view> algorithm = StringArg(call, args, 1, "the algorithm");
  if (!algorithm.ok()) return algorithm.error();
  const std::string_view name = algorithm.value();
  if (name != "MD5" && name != "SHA-1" && name != "SHA-256" && name != "SHA-384" &&
      name != "SHA-512") {
    return ArgFailure(call, 1, "the algorithm",
                      StrCat("must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, got '",
                             name.substr(0, 64), "'"));
  }
  std::optional<std::string> digest = HexDigest(name, data.value());
  if (!digest) return Failure(call, StrCat("the ", name, " digest is unavailable"));
  return json::value(json::string(*digest));
}

Outcome<json::value> JsonMerge(const IntrinsicCall& call, Args& args) {
  if (!args[0].is_object()) return WrongType(call, args, 0, "the first object", "an object");
  if (!args[1].is_object()) return WrongType(call, args, 1, "the second object", "an object");
  if (!args[2].is_bool()) return WrongType(call, args, 2, "deep merge", "a boolean");
  if (args[2].get_bool()) {
    return ArgFailure(call, 2, "deep merge", "must be false (deep merge is not supported)");
  }
  // Shallow: the second object's members replace the first's.
  json::object out = std::move(args[0].get_object());
  for (json::key_value_pair& kv : args[1].get_object()) {
    out.insert_or_assign(kv.key(), std::move(kv.value()));
  }
  return json::value(std::move(out));
}

Outcome<json::value> MathRandom(const IntrinsicCall& call, const Args& args,
                                const EvaluationContext& context) {
  Outcome<int64_t> start = IntegerArg(call, args, 0, "start");
  if (!start.ok()) return start.error();
  Outcome<int64_t> end = IntegerArg(call, args, 1, "end");
  if (!end.ok()) return end.error();
  if (end.value() <= start.value()) {
    return Failure(call, StrCat("the end (", end.value(), ") must be greater than the start (",
                                start.value(), ")"));
  }
  std::optional<SeededEntropy> seeded;
  if (args.size() == 3) {
    Outcome<int64_t> seed = IntegerArg(call, args, 2, "seed");
    if (!seed.ok()) return seed.error();
    seeded.emplace(static_cast<uint64_t>(seed.value()));
  }
  Entropy* entropy = seeded ? &*seeded : context.entropy;
  if (entropy == nullptr) return Failure(call, "no source of randomness was provided");
  // Uniform in [start, end): reject draws from the incomplete top interval.
  const uint64_t range = static_cast<uint64_t>(end.value()) - static_cast<uint64_t>(start.value());
  const uint64_t threshold = (0 - range) % range;
  uint64_t draw = entropy->NextUint64();
  for (int attempt = 0; draw < threshold && attempt < 64; ++attempt) draw = entropy->NextUint64();
  return json::value(static_cast<int64_t>(static_cast<uint64_t>(start.value()) + draw % range));
}

Outcome<json::value> MathAdd(const IntrinsicCall& call, const Args& args) {
  // AWS: "integer values in the range of -2147483648 and 2147483647".
  constexpr int64_t kMin = INT32_MIN;
  constexpr int64_t kMax = INT32_MAX;
  Outcome<int64_t> a = IntegerArg(call, args, 0, "first addend", kMin, kMax);
  if (!a.ok()) return a.error();
  Outcome<int64_t> b = IntegerArg(call, args, 1, "second addend", kMin, kMax);
  if (!b.ok()) return b.error();
  return json::value(a.value() + b.value());
}

Outcome<json::value> StringSplit(const IntrinsicCall& call, const Args& args) {
  Outcome<std::string_view> text = StringArg(call, args, 0, "the string");
  if (!text.ok()) return text.error();
  Outcome<std::string_view> delimiters = StringArg(call, args, 1, "the delimiters");
  if (!delimiters.ok()) return delimiters.error();
  json::array out;
  for (std::string& part : SplitByAnyOf(text.value(), delimiters.value())) {
    out.push_back(json::value(json::string(part)));
  }
  return json::value(std::move(out));
}

Outcome<json::value> Uuid(const IntrinsicCall& call, const EvaluationContext& context) {
  if (context.entropy == nullptr) return Failure(call, "no source of randomness was provided");
  return json::value(json::string(NewUuidV4(*context.entropy)));
}

// --- Argument evaluation.

bool ArityOk(const IntrinsicCall& call) {
  using F = IntrinsicFunction;
  const size_t n = call.arguments.size();
  switch (call.function) {
    case F::kFormat:
      return n >= 1;
    case F::kArray:
      return true;
    case F::kUuid:
      return n == 0;
    case F::kMathRandom:
      return n == 2 || n == 3;
    case F::kStringToJson:
    case F::kJsonToString:
    case F::kArrayLength:
    case F::kArrayUnique:
    case F::kBase64Encode:
    case F::kBase64Decode:
      return n == 1;
    case F::kArrayRange:
    case F::kJsonMerge:
      return n == 3;
    case F::kArrayPartition:
    case F::kArrayContains:
    case F::kArrayGetItem:
    case F::kHash:
    case F::kMathAdd:
    case F::kStringSplit:
      return n == 2;
  }
  return false;
}

class Evaluator {
 public:
  Evaluator(const json::value& input, const EvaluationContext& context)
      : input_(input), context_(context) {}

  Outcome<json::value> Evaluate(const IntrinsicCall& call, int depth = 0) {
    // The parser guarantees both; a hand-built call might not.
    if (depth > asl::kMaxIntrinsicNesting) return Failure(call, "calls nested too deeply");
    if (!ArityOk(call)) return Failure(call, "wrong number of arguments");
    Args args;
    args.reserve(call.arguments.size());
    size_t used = 0;
    for (size_t i = 0; i < call.arguments.size(); ++i) {
      Outcome<json::value> arg = Argument(call, i, depth);
      if (!arg.ok()) return arg.error();
      std::optional<size_t> size = BoundedJsonSize(arg.value(), kMaxValueBytes - used);
      if (!size) return TooLarge(call);
      used += *size;
      args.push_back(std::move(arg).value());
    }
    return Apply(call, args);
  }

 private:
  Outcome<json::value> Argument(const IntrinsicCall& call, size_t index, int depth) {
    const IntrinsicArgument& arg = call.arguments[index];
    switch (arg.kind) {
      case IntrinsicArgument::Kind::kLiteral:
        return arg.literal;
      case IntrinsicArgument::Kind::kPath:
        return Select(call, arg.path);
      case IntrinsicArgument::Kind::kCall:
        if (arg.call == nullptr) return Failure(call, "missing nested call");
        return Evaluate(*arg.call, depth + 1);
    }
    return Failure(call, "unknown argument kind");
  }

  // A definite path (fields and indices) yields its node and fails if it is
  // missing; any other path yields the array of its matches, as Jayway does.
  Outcome<json::value> Select(const IntrinsicCall& call, const asl::JsonPath& path) {
    const json::value* root = PathRoot(path, input_, context_);
    if (root == nullptr) {
      return StateError{
          std::string(errors::kRuntime),
          StrCat("The JSONPath '", path.text, "' in ", call.name, " references the variable '$",
                 path.variable, "', which is not defined")};
    }
    const std::vector<const json::value*> nodes = asl::EvaluateJsonPath(path, *root);
    bool definite = true;
    for (const asl::PathSegment& segment : path.segments) {
      definite = definite && (segment.kind == asl::PathSegment::Kind::kField ||
                              segment.kind == asl::PathSegment::Kind::kIndex);
    }
    if (definite) {
      if (nodes.empty() || nodes[0] == nullptr) {
        return StateError{
            std::string(errors::kRuntime),
            StrCat("The JSONPath '", path.text, "' in ", call.name, " could not be found in the ",
                   path.context_object     ? "context object"
                   : path.variable.empty() ? "input"
                                           : "variable")};
      }
      if (!BoundedJsonSize(*nodes[0], kMaxValueBytes)) return TooLarge(call);
      return *nodes[0];
    }
    json::array matches;
    size_t used = 0;
    for (const json::value* node : nodes) {
      if (node == nullptr) continue;
      std::optional<size_t> size = BoundedJsonSize(*node, kMaxValueBytes - used);
      if (!size) return TooLarge(call);
      used += *size;
      matches.push_back(*node);
    }
    return json::value(std::move(matches));
  }

  Outcome<json::value> Apply(const IntrinsicCall& call, Args& args) {
    using F = IntrinsicFunction;
    switch (call.function) {
      case F::kFormat:
        return Format(call, args);
      case F::kStringToJson:
        return StringToJson(call, args);
      case F::kJsonToString:
        return JsonToString(args);
      case F::kArray:
        return Array(args);
      case F::kArrayPartition:
        return ArrayPartition(call, args);
      case F::kArrayContains:
        return ArrayContains(call, args);
      case F::kArrayRange:
        return ArrayRange(call, args);
      case F::kArrayGetItem:
        return ArrayGetItem(call, args);
      case F::kArrayLength:
        return ArrayLength(call, args);
      case F::kArrayUnique:
        return ArrayUnique(call, args);
      case F::kBase64Encode:
        return Base64Encode(call, args);
      case F::kBase64Decode:
        return Base64Decode(call, args);
      case F::kHash:
        return Hash(call, args);
      case F::kJsonMerge:
        return JsonMerge(call, args);
      case F::kMathRandom:
        return MathRandom(call, args, context_);
      case F::kMathAdd:
        return MathAdd(call, args);
      case F::kStringSplit:
        return StringSplit(call, args);
      case F::kUuid:
        return Uuid(call, context_);
    }
    return Failure(call, "unknown function");
  }

  const json::value& input_;
  const EvaluationContext& context_;
};

}  // namespace

Outcome<json::value> EvaluateIntrinsic(const IntrinsicCall& call, const json::value& input,
                                       const EvaluationContext& context) {
  return Evaluator(input, context).Evaluate(call);
}

}  // namespace stepwise::engine
