// A seeded generator of random JSONata expressions over a fixed input
// document, for jsonata_differential_test.cc. Deterministic functions only
// (no $now/$millis/$random/$shuffle/$uuid). Its own splitmix64, so a seed
// gives the same expressions on every platform.
//
//   ExpressionGenerator gen(/*seed=*/7);
//   std::string expr = gen.Next();
#ifndef STEPWISE_TESTS_UNIT_JSONATA_EXPRESSION_GENERATOR_H_
#define STEPWISE_TESTS_UNIT_JSONATA_EXPRESSION_GENERATOR_H_

#include <cstdint>
#include <string>

#include "boost/json.hpp"

namespace stepwise::jsonata::testing {

class ExpressionGenerator {
 public:
  explicit ExpressionGenerator(uint64_t seed) : state_(seed) {}

  // The input document every generated expression is evaluated against.
  static boost::json::value Input();
  std::string Next();

 private:
  enum class Kind { kNumber, kString, kBool, kArray, kObject, kAny };
  std::string Gen(Kind kind, int depth);
  std::string Number(int depth);
  std::string String(int depth);
  std::string Bool(int depth);
  std::string Array(int depth);
  std::string Object(int depth);
  // One of a list of templates for less common constructs, with %n %s %b
  // %a %o %x holes filled by generated numbers, strings, booleans, arrays,
  // objects and anything, %i by a small integer literal, %f by a finite
  // number and %v by a simple operand.
  std::string Template(int depth);
  // Picture strings, $eval, transforms, Unicode case (expression_generator_pictures.cc).
  std::string Picture(int depth);
  uint64_t NextRandom();
  int Pick(int n) { return static_cast<int>(NextRandom() % static_cast<uint64_t>(n)); }
  Kind AnyKind();

  uint64_t state_;
};

}  // namespace stepwise::jsonata::testing

#endif  // STEPWISE_TESTS_UNIT_JSONATA_EXPRESSION_GENERATOR_H_
