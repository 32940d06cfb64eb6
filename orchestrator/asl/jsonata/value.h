// The runtime value of the JSONata evaluator: a JavaScript-like handle.
//
// JSONata's semantics (jsonata-js) depend on JavaScript arrays carrying
// flags (a *sequence* is flattened and unwrapped when it has one item, a
// *cons* array built by `[...]` in a path step is not flattened) and on
// `undefined` and functions being values. Value mirrors that: arrays and
// objects are shared, mutable-by-the-evaluator handles, like JS references.
// JSON crosses the boundary only through FromJson/ToJson.
//
//   Value v = FromJson(boost::json::parse(R"({"a": [1, 2]})"));
//   std::optional<boost::json::value> out = ToJson(v);
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_VALUE_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_VALUE_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "boost/json.hpp"

namespace stepwise::jsonata::internal {

struct Array;
struct Object;
struct Function;

class Value {
 public:
  enum class Kind { kUndefined, kNull, kBool, kNumber, kString, kArray, kObject, kFunction };

  Value() = default;  // undefined
  static Value Null();
  static Value Bool(bool b);
  static Value Number(double d);
  static Value String(std::string s);
  static Value Of(std::shared_ptr<Array> a);
  static Value Of(std::shared_ptr<Object> o);
  static Value Of(std::shared_ptr<const Function> f);

  Kind kind() const { return kind_; }
  bool IsUndefined() const { return kind_ == Kind::kUndefined; }
  bool IsNull() const { return kind_ == Kind::kNull; }
  bool IsBool() const { return kind_ == Kind::kBool; }
  bool IsNumber() const { return kind_ == Kind::kNumber; }
  bool IsString() const { return kind_ == Kind::kString; }
  bool IsArray() const { return kind_ == Kind::kArray; }
  bool IsObject() const { return kind_ == Kind::kObject; }
  bool IsFunction() const { return kind_ == Kind::kFunction; }
  // True for a flagged sequence array.
  bool IsSequence() const;

  bool bool_value() const { return bool_; }
  double number() const { return number_; }
  const std::string& str() const { return *string_; }
  Array& array() const { return *array_; }
  Object& object() const { return *object_; }
  const std::shared_ptr<Array>& array_ptr() const { return array_; }
  const std::shared_ptr<Object>& object_ptr() const { return object_; }
  const Function& function() const { return *function_; }
  const std::shared_ptr<const Function>& function_ptr() const { return function_; }

 private:
  Kind kind_ = Kind::kUndefined;
  bool bool_ = false;
  double number_ = 0;
  std::shared_ptr<const std::string> string_;
  std::shared_ptr<Array> array_;
  std::shared_ptr<Object> object_;
  std::shared_ptr<const Function> function_;
};

struct Array {
  Array() = default;
  Array(const Array&) = default;
  Array& operator=(const Array&) = default;
  // Frees nested values iteratively (see ReleaseScope).
  ~Array();

  std::vector<Value> items;
  bool sequence = false;        // a JSONata sequence (flattened, singleton-unwrapped)
  bool keep_singleton = false;  // `[]` in a path: do not unwrap a singleton
  bool cons = false;            // built by an array constructor in a path step
  bool outer_wrapper = false;   // the wrapper around an array input document
  bool tuple_stream = false;    // items are tuples {"@": value, "$var": binding, ...}
};

// Members in JavaScript's property order (observable in JSONata: $keys,
// $each, $string, output): array-index keys ("0", "17") first in numeric
// order, then the others in insertion order.
struct Object {
  Object() = default;
  Object(const Object&) = default;
  Object& operator=(const Object&) = default;
  // Frees nested values iteratively (see ReleaseScope).
  ~Object();

  std::vector<std::pair<std::string, Value>> members;
  const Value* Find(std::string_view key) const;
  // Inserts or overwrites (an overwritten key keeps its position).
  void Set(std::string key, Value value);
  // Inserts a key known to be absent, at its JavaScript position.
  void Add(std::string key, Value value);
};

// Frees what a destructor's members keep alive (arrays, objects,
// functions, frames) without recursing through nested values, so that a
// value nested a million levels deep (`$reduce(.., function($a, $v){[$a]},
// [])` builds one without nesting the evaluation) is freed on a bounded
// native stack. In a holder's destructor: declare a ReleaseScope, Hold()
// each member, then clear the members. The outermost scope on a thread frees
// the held values one at a time, and what their destructors hold joins the
// same queue instead of recursing.
class ReleaseScope {
 public:
  ReleaseScope() = default;
  ~ReleaseScope();
  ReleaseScope(const ReleaseScope&) = delete;
  ReleaseScope& operator=(const ReleaseScope&) = delete;
  // Queues `v`'s array, object or function if `v` is its last owner (shared
  // ones are not freed now).
  void Hold(const Value& v);
  template <typename T>
  void Hold(const std::shared_ptr<T>& p) {
    if (p != nullptr && p.use_count() == 1) Queue(p);
  }

 private:
  void Queue(std::shared_ptr<const void> p);
  bool owner_ = false;
};

// Walks of nested values (JSON conversion, $string, `=`, `**`, flattening)
// recurse once per level: past this many levels they fail with U1001 rather
// than exhaust the native stack ($reduce can nest values a million deep
// without nesting the evaluation).
inline constexpr int kMaxValueNesting = 1000;
// Counts one level of such a walk on this thread for its lifetime; throws
// U1001 past kMaxValueNesting.
class NestingGuard {
 public:
  NestingGuard();
  ~NestingGuard();
  NestingGuard(const NestingGuard&) = delete;
  NestingGuard& operator=(const NestingGuard&) = delete;
};

std::shared_ptr<Array> NewArray();
// An empty sequence, or one holding `first` (even if undefined, as jsonata-js).
Value NewSequence();
Value NewSequence(Value first);

Value FromJson(const boost::json::value& json);
// nullopt for undefined; functions become "" (as JSON.stringify drops them
// inside arrays and objects, jsonata-js's callers see no value).
std::optional<boost::json::value> ToJson(const Value& value);
// Serializes a finite number the way JavaScript's Number#toString does.
std::string NumberToString(double d);

// JSONata's deep equality (`=` and $distinct): numbers by value.
bool DeepEqual(const Value& a, const Value& b);

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_VALUE_H_
