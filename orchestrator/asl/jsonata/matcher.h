// Regex closures and the matcher protocol of $contains, $match, $replace and
// $split, as jsonata-js has them.
//
// A regex literal evaluates to a function: called with a string (and an
// optional start index) it returns the first match as an object
// {match, start, end, groups, next} or undefined; next() returns the
// following match (D1004 if it is empty, as it would never advance). The
// four functions accept any function with that contract in place of a
// regex (a "custom matcher"), and call it the same way:
//
//   MatchIterator it(ev, matcher, "a1b2", "match", position);
//   for (; !it.done(); it.Next()) Use(Member(it.current(), "start"));
//
// Offsets (start, end) are JavaScript string indexes: UTF-16 code units.
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_MATCHER_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_MATCHER_H_

#include <memory>
#include <string>
#include <vector>

#include "orchestrator/asl/jsonata/regex.h"
#include "orchestrator/asl/jsonata/value.h"

namespace stepwise::jsonata::internal {

class Evaluator;

// The value of a regex literal: a new closure each evaluation (its
// lastIndex, which next() continues from, is per closure as jsonata-js's
// per-evaluation RegExp object).
Value MakeRegexClosure(std::shared_ptr<const JsRegex> regex);

// Calls regex closure `closure` (Function::Kind::kRegex) with
// (string [, fromIndex]), the way Evaluator::Apply calls any function. A
// non-string primitive argument is converted as JavaScript's String() does.
Value CallRegexClosure(const Value& closure, const std::vector<Value>& args, int position);

// Member `name` of a match object; undefined if absent or not an object.
// Throws T1010 for null (a JavaScript TypeError in jsonata-js).
Value Member(const Value& match, const char* name);

// Walks the matches of a regex closure or custom matcher over `subject`,
// as jsonata-js's evaluateMatcher + next(). Throws T1010 when the matcher
// returns something that is not a match object, or a match has no
// callable `next` when asked for the following one.
class MatchIterator {
 public:
  MatchIterator(Evaluator& ev, const Value& matcher, const std::string& subject,
                std::string function_name, int position);
  bool done() const { return current_.IsUndefined(); }
  // The current match object (as the matcher returned it). Requires !done().
  const Value& current() const { return current_; }
  // Moves to the match current().next() returns.
  void Next();

 private:
  Value Call(const Value& fn, Value arg);

  Evaluator& ev_;
  std::string function_name_;
  int position_;
  Value current_;
};

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_MATCHER_H_
