// The JSONata tree-walking evaluator (a port of jsonata-js's evaluate()).
// One Evaluator per evaluation; it holds the injected clock and random
// source and a recursion budget.
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_EVALUATOR_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_EVALUATOR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "orchestrator/asl/jsonata/ast.h"
#include "orchestrator/asl/jsonata/function.h"
#include "orchestrator/asl/jsonata/value.h"

namespace stepwise::jsonata::internal {

class Evaluator {
 public:
  Evaluator(int64_t now_millis, std::function<double()> random)
      : now_millis_(now_millis), random_(std::move(random)) {}
  // Clears every frame still alive (see Frame::Clear): no closure outlives
  // the evaluation, results leave as JSON.
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  // A new variable scope; the evaluator tracks it to break cycles later.
  FramePtr NewFrame(FramePtr parent);
  // Records a function value made during this evaluation (a lambda, partial
  // application, composition or transformer), whose references are cut when
  // the evaluation ends (see ~Evaluator). Returns it as a value.
  Value Track(std::shared_ptr<Function> f);
  // Records an object a transform changed, which may now contain itself:
  // its members are dropped when the evaluation ends.
  void TrackChanged(const std::shared_ptr<Object>& object);

  // For tests: what the evaluator tracks (expired entries may be pruned).
  const std::vector<std::weak_ptr<Frame>>& tracked_frames() const { return frames_; }
  const std::vector<std::weak_ptr<Function>>& tracked_functions() const { return functions_; }

  // Throws JsonataException on a runtime error.
  Value Evaluate(const NodePtr& expr, const Value& input, const FramePtr& env);
  // Calls a function value. Throws T1006 if `proc` is not a function.
  Value Apply(const Value& proc, std::vector<Value> args, const Value& input, int position);
  // How many arguments a higher-order function passes to `fn`.
  static int Arity(const Value& fn);
  // The arguments a higher-order built-in passes: value, index, array, cut
  // to `fn`'s arity.
  Value CallWithItem(const Value& fn, const Value& item, int index, const Value& array,
                     int position);

  // Items all the ranges of one evaluation (`a..b`, $range) may build.
  // jsonata-js allows 1e7 per range (D2014), but a value is ~80 bytes here:
  // 1e7 of them would take most of a server's memory, so ranges past this
  // many items in total fail with U1002. (A Step Functions payload is at
  // most 256 KiB.)
  static constexpr double kMaxRangeItems = 1e6;
  // Counts `items` more range items; throws U1002 past kMaxRangeItems.
  void CountRangeItems(double items, int position);

  int64_t now_millis() const { return now_millis_; }
  // The variable scope of the innermost function call being evaluated
  // (jsonata-js's `this.environment`, which $eval evaluates in).
  const FramePtr& call_frame() const { return call_frame_; }
  double Random() { return random_(); }

 private:
  Value EvaluateInner(const NodePtr& expr, const Value& input, const FramePtr& env);
  Value EvaluatePath(const NodePtr& expr, const Value& input, const FramePtr& env);
  Value EvaluateStep(const NodePtr& step, const Value& input, const FramePtr& env, bool last);
  Value EvaluateFilter(const NodePtr& predicate, const Value& input, const FramePtr& env);
  Value EvaluateGroup(const std::vector<std::pair<NodePtr, NodePtr>>& pairs, int position,
                      const Value& input, const FramePtr& env);
  Value EvaluateSort(const NodePtr& expr, const Value& input, const FramePtr& env);
  // Tuple streams (evaluator_tuple.cc).
  Value EvaluateTupleStep(const NodePtr& step, const Value& input, const Value& tuple_bindings,
                          const FramePtr& env);
  Value EvaluateStages(const std::vector<NodePtr>& stages, const Value& input, const FramePtr& env);
  // A scope binding each entry of `tuple` as a variable.
  FramePtr FrameFromTuple(const FramePtr& env, const Value& tuple);
  Value EvaluateBinary(const NodePtr& expr, const Value& input, const FramePtr& env);
  Value EvaluateUnary(const NodePtr& expr, const Value& input, const FramePtr& env);
  Value EvaluateFunction(const NodePtr& expr, const Value& input, const FramePtr& env,
                         const Value* apply_to);
  Value EvaluatePartial(const NodePtr& expr, const Value& input, const FramePtr& env);
  Value EvaluateApply(const NodePtr& expr, const Value& input, const FramePtr& env);

  int64_t now_millis_;
  std::function<double()> random_;
  int depth_ = 0;
  FramePtr call_frame_;
  std::vector<std::weak_ptr<Frame>> frames_;
  // The functions made, which may be reachable from what they hold (a lambda
  // stored by a transform into the object it captured as input, a partial
  // application bound to an object that then holds it): cut when the
  // evaluation is over, as the frames' bindings are.
  std::vector<std::weak_ptr<Function>> functions_;
  // Sizes at which the lists above drop their expired entries next (a
  // weak_ptr keeps a make_shared block allocated: a million lambda calls
  // must not keep a million frames' memory).
  // The objects transforms changed (see TrackChanged).
  std::vector<std::weak_ptr<Object>> changed_;
  size_t frames_prune_at_ = 1024;
  size_t functions_prune_at_ = 1024;
  size_t changed_prune_at_ = 1024;
  // Items built by range operators so far (bounded per evaluation, U1002).
  double range_items_ = 0;
};

// The function a transform expression `| pattern | update, delete |`
// evaluates to (evaluator_transform.cc); tracked by `ev`.
Value MakeTransformer(Evaluator& ev, const NodePtr& expr, const FramePtr& env);

// A tuple's "@" (its context value); undefined for anything else.
Value TupleFocus(const Value& tuple);
// Merges a group's tuples into one, appending the values of each entry.
Value ReduceTupleStream(const Value& stream);

// Wildcard and descendant steps, and field lookup over sequences.
Value LookupField(const Value& input, const std::string& key);
Value Wildcard(const Value& input);
Value Descendants(const Value& input);

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_EVALUATOR_H_
