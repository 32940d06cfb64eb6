// A seeded generator of pure state machines (no Task states) for the
// differential test: Pass chains with Result/Parameters/InputPath/ResultPath/
// OutputPath, payload templates with definite and indefinite paths, nested
// intrinsic functions, Choice rules with every operator, Map (ItemsPath,
// ItemSelector, MaxConcurrency), Parallel, Wait and Fail states.
//
//   Generator generator(seed);
//   for (int i = 0; i < 300; ++i) {
//     GeneratedCase c = generator.Next();
//     Run(c.definition, c.input);
//   }
//
// Deterministic: the same seed gives the same cases on every platform (its own
// PRNG, no std distributions). Each case carries `tags`, the names of the
// constructs it uses on which aws-local-stepfunctions is known to deviate
// from AWS (keys of known_differences.json), so a disagreement can be traced
// to a documented category. Not thread-safe.
#ifndef STEPWISE_TESTS_DIFFERENTIAL_GENERATOR_H_
#define STEPWISE_TESTS_DIFFERENTIAL_GENERATOR_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "boost/json/value.hpp"

namespace stepwise::differential {

struct GeneratedCase {
  std::string id;
  boost::json::value definition;
  boost::json::value input;
  std::set<std::string> tags;
};

class Generator {
 public:
  explicit Generator(uint64_t seed) : state_(seed) {}

  GeneratedCase Next();

 private:
  // The JSON types the generator builds expressions for.
  enum class Type { kString, kNumber, kBool, kArray, kObject, kAny };
  // What a chain of states works on: the case's input document (whose
  // fields are known), a Map item that is an object with known keys, or a
  // scalar Map item.
  enum class Scope { kDocument, kObjectItem, kScalarItem };

  uint64_t NextRandom();
  int Uniform(int n);  // [0, n)
  bool Chance(int percent);
  template <typename T>
  const T& Pick(const std::vector<T>& values) {
    return values[static_cast<size_t>(Uniform(static_cast<int>(values.size())))];
  }
  std::string Word();
  void Tag(std::string_view tag);

  boost::json::value Input();
  boost::json::value RandomJson(int depth);
  std::string Path(Type type, Scope scope);
  std::string StringLiteral();
  void SplitTags(const std::string& subject, const std::string& delimiters);
  std::string Intrinsic(Type type, Scope scope, int depth);
  std::string Argument(Type type, Scope scope, int depth);
  boost::json::value PayloadTemplate(Scope scope, int depth);
  boost::json::value ChoiceRule(Scope scope, int depth);
  boost::json::value Comparison(Scope scope);

  // Adds a chain of states to `states`, starting at `first` and continuing at
  // `next` (or ending when `next` is empty). `depth` bounds Map/Parallel
  // nesting.
  void Chain(boost::json::object& states, const std::string& first, const std::string& next,
             Scope scope, int depth);
  boost::json::object SubMachine(Scope scope, int depth);
  boost::json::object PassState(Scope scope, bool last);
  boost::json::object MapState(int depth);
  boost::json::object ParallelState(int depth);
  boost::json::object FailState(Scope scope);
  std::string NewName(std::string_view prefix);

  uint64_t state_;
  int case_index_ = 0;
  int name_counter_ = 0;
  int result_counter_ = 0;
  bool csv_has_empty_field_ = false;
  bool a_has_falsy_item_ = false;
  std::set<std::string>* tags_ = nullptr;
};

}  // namespace stepwise::differential

#endif  // STEPWISE_TESTS_DIFFERENTIAL_GENERATOR_H_
