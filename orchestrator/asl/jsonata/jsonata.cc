#include "orchestrator/asl/jsonata/jsonata.h"

#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/parser.h"

namespace stepwise::jsonata {

absl::StatusOr<std::shared_ptr<const Expression>> Parse(std::string_view source) {
  try {
    internal::NodePtr ast = internal::ParseExpression(source);
    return std::make_shared<const Expression>(std::string(source), ast);
  } catch (const internal::JsonataException& e) {
    return internal::ToStatus(e);
  }
}

absl::StatusOr<std::optional<boost::json::value>> Evaluate(const Expression& expression,
                                                           const boost::json::value* input,
                                                           const Bindings& bindings,
                                                           const Environment& env) {
  std::function<double()> random = env.random;
  if (!random) {
    random = [state = uint64_t{0x853C49E6748FEA9BULL}]() mutable {
      uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      return static_cast<double>((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
    };
  }
  try {
    internal::Evaluator evaluator(env.now_millis, std::move(random));
    internal::FramePtr frame = evaluator.NewFrame(nullptr);
    for (const auto& [name, value] : bindings) frame->Bind(name, internal::FromJson(value));
    internal::Value in = input == nullptr ? internal::Value() : internal::FromJson(*input);
    frame->Bind("$", in);
    if (in.IsArray()) {
      // jsonata-js wraps an array input so that `$` is the whole array.
      internal::Value wrapper = internal::NewSequence(in);
      wrapper.array().outer_wrapper = true;
      in = wrapper;
    }
    auto ast = std::const_pointer_cast<internal::Node>(expression.ast());
    internal::Value result = evaluator.Evaluate(ast, in, frame);
    return internal::ToJson(result);
  } catch (const internal::JsonataException& e) {
    return internal::ToStatus(e);
  }
}

std::string ErrorCode(const absl::Status& status) {
  std::string_view m(status.message().data(), status.message().size());
  size_t space = m.find(' ');
  std::string_view code = m.substr(0, space);
  if (code.size() != 5) return "";
  return std::string(code);
}

}  // namespace stepwise::jsonata
