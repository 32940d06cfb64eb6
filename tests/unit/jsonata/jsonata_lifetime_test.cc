// Lifetimes and limits of the evaluator's runtime values: every closure,
// partial application, composition, transformer, regex closure and frame an
// evaluation makes is freed when it ends, even when the expression ties them
// into a cycle of shared pointers (the evaluator cuts what they hold; see
// ~Evaluator); runaway recursion, huge ranges and catastrophic regexes end
// with a JSONata error, not a crash or an exhausted heap. Run under
// -DSTEPWISE_SANITIZE=address,undefined, LeakSanitizer checks the same.
#include <memory>
#include <ostream>
#include <string>
#include <unordered_set>
#include <vector>

#include "gtest/gtest.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/function.h"
#include "orchestrator/asl/jsonata/jsonata.h"
#include "orchestrator/asl/jsonata/parser.h"

namespace stepwise::jsonata {
namespace {

struct LifetimeCase {
  const char* name;
  const char* expr;
  const char* input;     // JSON, or nullptr for no input
  const char* expected;  // compact JSON, "undefined", or an error code
};

void PrintTo(const LifetimeCase& c, std::ostream* os) { *os << c.expr; }

// What the public API returns, in the form of LifetimeCase::expected.
std::string Outcome(const LifetimeCase& c) {
  auto parsed = Parse(c.expr);
  if (!parsed.ok()) return ErrorCode(parsed.status());
  boost::json::value input;
  if (c.input != nullptr) input = boost::json::parse(c.input);
  auto result = Evaluate(**parsed, c.input == nullptr ? nullptr : &input, {}, {});
  if (!result.ok()) return ErrorCode(result.status());
  if (!result->has_value()) return "undefined";
  return boost::json::serialize(**result);
}

// Weak references to every array, object and function reachable from `v`
// (functions: through what they capture).
void CollectReachable(const internal::Value& v, std::vector<std::weak_ptr<const void>>& out,
                      std::unordered_set<const void*>& seen) {
  std::vector<internal::Value> stack{v};
  while (!stack.empty()) {
    internal::Value cur = std::move(stack.back());
    stack.pop_back();
    if (cur.IsArray()) {
      if (!seen.insert(cur.array_ptr().get()).second) continue;
      out.push_back(cur.array_ptr());
      for (const internal::Value& item : cur.array().items) stack.push_back(item);
    } else if (cur.IsObject()) {
      if (!seen.insert(cur.object_ptr().get()).second) continue;
      out.push_back(cur.object_ptr());
      for (const auto& [key, member] : cur.object().members) stack.push_back(member);
    } else if (cur.IsFunction()) {
      const internal::Function& f = cur.function();
      if (!seen.insert(&f).second) continue;
      // The built-ins live as long as the process.
      if (f.kind == internal::Function::Kind::kBuiltin &&
          internal::FindBuiltin(f.name) == cur.function_ptr()) {
        continue;
      }
      out.push_back(cur.function_ptr());
      if (f.frame) out.push_back(f.frame);
      stack.push_back(f.input);
      stack.push_back(f.first);
      stack.push_back(f.second);
      for (const internal::Value& b : f.bound) stack.push_back(b);
    }
  }
}

// Evaluates `c` with the internal API and returns weak references to all
// the evaluation made (its tracked frames and functions, and all the result
// reaches) — after the evaluator and the result are gone.
std::vector<std::weak_ptr<const void>> EvaluateAndForget(const LifetimeCase& c) {
  std::vector<std::weak_ptr<const void>> made;
  internal::NodePtr ast = internal::ParseExpression(c.expr);
  internal::Evaluator evaluator(0, [] { return 0.5; });
  internal::FramePtr frame = evaluator.NewFrame(nullptr);
  internal::Value input;
  if (c.input != nullptr) input = internal::FromJson(boost::json::parse(c.input));
  frame->Bind("$", input);
  internal::Value result;
  try {
    result = evaluator.Evaluate(ast, input, frame);
  } catch (const internal::JsonataException&) {
    // Whatever an evaluation that failed half-way made is freed as well.
  }
  std::unordered_set<const void*> seen;
  CollectReachable(result, made, seen);
  for (const auto& w : evaluator.tracked_frames()) made.push_back(w);
  for (const auto& w : evaluator.tracked_functions()) made.push_back(w);
  return made;  // `result`, `frame` and then `evaluator` are destroyed here
}

class JsonataLifetimeTest : public ::testing::TestWithParam<LifetimeCase> {};

std::string CaseName(const ::testing::TestParamInfo<LifetimeCase>& param) {
  return param.param.name;
}

TEST_P(JsonataLifetimeTest, ResultAndEverythingMadeIsFreed) {
  const LifetimeCase& c = GetParam();
  SCOPED_TRACE(c.expr);
  EXPECT_EQ(Outcome(c), c.expected);
  std::vector<std::weak_ptr<const void>> made;
  ASSERT_NO_THROW(made = EvaluateAndForget(c));
  size_t alive = 0;
  for (const auto& w : made) alive += w.expired() ? 0 : 1;
  EXPECT_EQ(alive, 0u) << "of " << made.size() << " objects the evaluation made";
}

const LifetimeCase kClosures[] = {
    {"RecursiveLambdaInItsFrame", "($f := function($n){$n <= 1 ? 1 : $n * $f($n - 1)}; $f(5))",
     nullptr, "120"},
    {"MutualRecursion",
     "($even := function($n){$n = 0 ? true : $odd($n - 1)};"
     " $odd := function($n){$n = 0 ? false : $even($n - 1)}; $even(10))",
     nullptr, "true"},
    {"ClosureReturnedFromClosure",
     "($mk := function($x){function(){$x}}; $g := $mk({'a': 1}); $g().a)", nullptr, "1"},
    {"ClosureReturningItself",
     "($c := function(){($self := function(){$self}; $self)}; $type($c()()()))", nullptr,
     "\"function\""},
    {"LambdaInAnObjectInItsFrame", "($o := {'f': function(){$o}}; $type($o.f().f))", nullptr,
     "\"function\""},
    {"LambdaCapturingInputHoldingIt", "{'start': 1} ~> |$|{'next': function(){$}}|", nullptr,
     "{\"start\":1}"},
    {"LambdaIsTheResult", "function($x){$x}", nullptr, "\"\""},
    {"LambdasInTheResult", "($v := {'a': 1}; [function(){$v}, {'g': function(){$v}}])", nullptr,
     "[\"\",{}]"},
    {"LambdaOverInputArray", "$.(function(){$})", "[1,2]", "[\"\",\"\"]"},
};
INSTANTIATE_TEST_SUITE_P(Closures, JsonataLifetimeTest, ::testing::ValuesIn(kClosures), CaseName);

const LifetimeCase kPartials[] = {
    {"PartialOfBuiltin", "($p := $lookup(?, 'a'); $p({'a': 5}))", nullptr, "5"},
    {"PartialOfRecursiveLambda",
     "($f := function($a, $b){$a = 0 ? $b : $f($a - 1, $b + 1)}; $g := $f(?, 10); $g(5))", nullptr,
     "15"},
    {"PartialOfPartial", "($p := $substring(?, 1); $q := $map(?, $p); $q(['abc', 'de']))", nullptr,
     "[\"bc\",\"e\"]"},
    {"PartialBoundToTheObjectHoldingIt", "{'a': 1} ~> |$|{'p': $lookup($, ?)}|", nullptr,
     "{\"a\":1}"},
    {"PartialCalledFromTheObjectHoldingIt", "({'a': 1} ~> |$|{'p': $lookup($, ?)}|).p('a')",
     nullptr, "1"},
    {"PartialInItsOwnFrame", "($p := $append(?, [$p]); $p(1))", nullptr, "[1]"},
    {"PartialOfLambdaReturningThePartial",
     "($f := function($x, $y){$g}; $g := $f(?, 1); $type($g(0)(0)))", nullptr, "\"function\""},
};
INSTANTIATE_TEST_SUITE_P(Partials, JsonataLifetimeTest, ::testing::ValuesIn(kPartials), CaseName);

const LifetimeCase kCompositions[] = {
    {"ComposedBuiltins", "($c := $uppercase ~> $substring(?, 0, 2); $c('hello'))", nullptr,
     "\"HE\""},
    {"CompositionInTheObjectItCaptures", "{'s': 'ab'} ~> |$|{'c': $string ~> $lookup($, ?)}|",
     nullptr, "{\"s\":\"ab\"}"},
    {"CompositionOfSelfReferencingLambdas",
     "($f := function($x){$x + 1} ~> function($y){$g($y)}; $g := function($z){$z * 2}; $f(1))",
     nullptr, "4"},
    {"ShortCompositionChain",
     "($c := $reduce($map([1..100], function($i){$abs}), function($acc, $f){$acc ~> $f}); "
     "$c(-3))",
     nullptr, "3"},
    // A chain nests calls without evaluating anything in between: it must
    // count against the depth limit, not exhaust the native stack.
    {"LongCompositionChain",
     "($c := $reduce($map([1..2000], function($i){$abs}), function($acc, $f){$acc ~> $f}); "
     "$c(-3))",
     nullptr, "U1001"},
    {"LongPartialChain",
     "($p := $reduce($map([1..2000], function($i){$abs}), function($acc, $f){$acc(?)}); "
     "$p(-3))",
     nullptr, "U1001"},
};
INSTANTIATE_TEST_SUITE_P(Compositions, JsonataLifetimeTest, ::testing::ValuesIn(kCompositions),
                         CaseName);

const LifetimeCase kHigherOrder[] = {
    {"MapMakingClosures", "($fs := $map([1, 2, 3], function($v){function(){$v}}); $fs.$())",
     nullptr, "[1,2,3]"},
    {"MapPassingTheArray", "$map([1, 2], function($v, $i, $a){$count($a)})", nullptr, "[2,2]"},
    {"FilterWithClosure", "($a := [1, 2, 3]; $filter($a, function($v, $i, $arr){$arr[$i] >= 2}))",
     nullptr, "[2,3]"},
    {"ReduceChainingClosures",
     "$reduce([function(){0}, 1, 2, 3], function($acc, $v){function(){$acc() + $v}})()", nullptr,
     "6"},
    {"SortWithCapturingComparator",
     "($k := 'n'; $sort([{'n': 2}, {'n': 1}], function($a, $b){$lookup($a, $k) > $lookup($b, "
     "$k)}).n)",
     nullptr, "[1,2]"},
    {"EachMakingClosures", "$each({'a': 1, 'b': 2}, function($v, $k){function(){$k & $v}}).$()",
     nullptr, "[\"a1\",\"b2\"]"},
    {"SiftWithClosure", "($min := 1; $sift({'a': 1, 'b': 2}, function($v){$v > $min}))", nullptr,
     "{\"b\":2}"},
    {"SingleWithClosure", "$single([1, 2, 3], function($v){$v = 2})", nullptr, "2"},
    {"ZipOfClosures", "$count($zip([function(){1}], [function(){2}]))", nullptr, "1"},
};
INSTANTIATE_TEST_SUITE_P(HigherOrder, JsonataLifetimeTest, ::testing::ValuesIn(kHigherOrder),
                         CaseName);

const LifetimeCase kRegexAndTransforms[] = {
    {"RegexInAVariable", "($re := /a(b)/; $match('abab', $re).groups)", nullptr, "[\"b\",\"b\"]"},
    {"RegexNextChain", "($m := /a/('aaa'); $m.next().next().start)", nullptr, "2"},
    {"RegexClosureInAnObject", "($o := {'re': /x/}; $contains('axb', $o.re))", nullptr, "true"},
    {"RegexMatchObjectsKept",
     "($ms := $map(['a', 'b'], function($c){$c = 'a' ? /a/('ab') : /b/('ab')}); $ms.match)",
     nullptr, "[\"a\",\"b\"]"},
    {"CustomMatcher",
     "$match('abc', function($s){{'match': 'a', 'start': 0, 'end': 1, 'groups': [], "
     "'next': function(){()}}}).match",
     nullptr, "\"a\""},
    {"TransformerInAVariable", "($t := |$|{'x': 1}|; {'a': 1} ~> $t)", nullptr,
     "{\"a\":1,\"x\":1}"},
    {"TransformerStoredInItsOutput", "($t := |$|{'t': $t}|; ({'a': 1} ~> $t).a)", nullptr, "1"},
    {"TransformerStoringItselfTwice", "($t := |$|{'t': $t}|; $type(({'a': 1} ~> $t ~> $t).t))",
     nullptr, "\"function\""},
    // jsonata-js builds a circular object too: walks of it fail (U1001),
    // and the evaluator breaks the cycle when the evaluation ends.
    {"TransformMakingAnObjectContainItself", "{'a': 1} ~> |$|{'self': $}|", nullptr, "U1001"},
    {"ObjectContainingItselfUsedWithoutWalkingIt",
     "($o := {'a': 1} ~> |$|{'self': $}|; [$count($keys($o)), $o.self.self.a])", nullptr, "[2,1]"},
    {"ObjectContainingItselfStringified", "$string({'a': 1} ~> |$|{'self': $}|)", nullptr, "U1001"},
    {"TransformMakingAnObjectContainItselfDeeply", "{'a': {'b': 1}} ~> |$|{'x': [{'y': $}]}|",
     nullptr, "U1001"},
    {"TransformSharingAChildIsFine", "{'a': {'b': 1}} ~> |$|{'c': a}|", nullptr,
     "{\"a\":{\"b\":1},\"c\":{\"b\":1}}"},
    // The pattern may select an object outside the copy ($$, a variable):
    // the transform changes it while $each / $sift iterate over it.
    {"EachWhileATransformAddsKeys",
     "$each($, function($v, $k){({} ~> |$$|{'x1': 1, 'x2': 2, 'x3': 3, 'x4': 4, 'x5': 5}|; $k)})",
     "{\"a\":1}", "\"a\""},
    {"EachWhileATransformDeletesKeys",
     "$each($, function($v, $k){({} ~> |$$|{}, ['b', 'c']|; $k)})", "{\"a\":1,\"b\":2,\"c\":3}",
     "\"a\""},
    {"SiftWhileATransformAddsKeys",
     "($o := {'a': 1, 'b': 2}; $sift($o, function($v){({} ~> |$o|{'x1': 1, 'x2': 2, 'x3': 3, "
     "'x4': 4, 'x5': 5, 'x6': 6}|; true)}))",
     nullptr, "{\"a\":1,\"b\":2}"},
    {"EachWithARebindingOfClone",
     "($clone := function($x){$x}; $each($, function($v, $k){($$ ~> |$|{'x1': 1, 'x2': 2, 'x3': 3, "
     "'x4': 4, 'x5': 5}|; $k)}))",
     "{\"a\":1}", "\"a\""},
    {"TransformOfTheInputDocument", "$ ~> |a|{'c': 2}|", "{\"a\":{\"b\":1}}",
     "{\"a\":{\"b\":1,\"c\":2}}"},
};
INSTANTIATE_TEST_SUITE_P(RegexAndTransforms, JsonataLifetimeTest,
                         ::testing::ValuesIn(kRegexAndTransforms), CaseName);

const LifetimeCase kLimits[] = {
    {"RecursionWithoutBaseCase", "($f := function(){$f()}; $f())", nullptr, "U1001"},
    {"RecursionGrowingAnArgument", "($f := function($n){$f($n + 1) + 1}; $f(0))", nullptr, "U1001"},
    {"MutualRecursionWithoutBaseCase", "($a := function(){$b()}; $b := function(){$a()}; $a())",
     nullptr, "U1001"},
    {"RecursionThroughMap", "($f := function($x){$map([$x], $f)}; $f(1))", nullptr, "U1001"},
    {"RecursionThroughEval", "($f := function(){$eval('$f()')}; $f())", nullptr, "D3121"},
    {"RecursionThroughPartial", "($f := function($x, $y){$g($x)}; $g := $f(?, 0); $g(1))", nullptr,
     "U1001"},
    {"RangeOfTenMillion", "[1..10000000]", nullptr, "U1002"},
    {"RangeCountOfTenMillion", "$count([1..10000000])", nullptr, "U1002"},
    {"RangeOverJsonataLimit", "[1..10000001]", nullptr, "D2014"},
    {"RangesAddingUpPastTheBudget", "$count([1..600000]) + $count([1..600000])", nullptr, "U1002"},
    {"RangesInALoopPastTheBudget", "$count($map([1..2000], function($i){[1..1000]}))", nullptr,
     "U1002"},
    {"RangeWithinTheBudget", "$count([1..100000])", nullptr, "100000"},
    {"StatesRangePastTheBudget", "$count($range(1, 10000000, 1))", nullptr, "U1002"},
    {"CatastrophicRegex", "$contains(s, /(x+x+)+[yz]/)",
     "{\"s\":"
     "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
     "U1003"},
};
INSTANTIATE_TEST_SUITE_P(Limits, JsonataLifetimeTest, ::testing::ValuesIn(kLimits), CaseName);

// Deeply nested brackets fail at parse time (U1001), before any recursion
// could reach the native stack.
TEST(JsonataLifetimeLimitsTest, DeepNestingFailsToParse) {
  for (const char* open_close : {"()", "[]"}) {
    std::string expr = std::string(5000, open_close[0]) + "1" + std::string(5000, open_close[1]);
    auto parsed = Parse(expr);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(ErrorCode(parsed.status()), "U1001") << parsed.status();
  }
}

// A $reduce nests values without nesting the evaluation: building and
// freeing 100,000 levels must not exhaust the native stack (the holders free
// what they hold iteratively), and walking them (output, $string, `=`, `**`)
// fails with U1001 past 1,000 levels.
const LifetimeCase kDeepValues[] = {
    {"CountOfDeepArray", "$count($reduce([1..30000], function($acc, $v){[[$acc]]}, []))", nullptr,
     "1"},
    {"DeepArrayOutput", "$reduce([1..3000], function($acc, $v){[[$acc]]}, [])", nullptr, "U1001"},
    {"DeepObjectOutput", "$reduce([1..30000], function($acc, $v){{'a': $acc}}, {})", nullptr,
     "U1001"},
    {"DeepArrayString", "$string($reduce([1..3000], function($acc, $v){[[$acc]]}, []))", nullptr,
     "U1001"},
    {"DeepArrayEquality",
     "($d := function(){$reduce([1..2000], function($acc, $v){[[$acc]]}, [])}; $d() = $d())",
     nullptr, "U1001"},
    {"DeepObjectDescendants", "$count($reduce([1..2000], function($acc, $v){{'a': $acc}}, {}).**)",
     nullptr, "U1001"},
    {"DeepArrayFlattened", "$count($reduce([1..2000], function($acc, $v){[[$acc]]}, []).*)",
     nullptr, "U1001"},
    {"DeepObjectClone", "$reduce([1..2000], function($acc, $v){{'a': $acc}}, {}) ~> |$|{}|",
     nullptr, "U1001"},
    {"ShallowEnoughToWalk", "$string($reduce([1..5], function($acc, $v){[[$acc]]}, []))", nullptr,
     "\"[[[[[[]]]]]]\""},
    {"CloneDeeperThanBoostDefault",
     "($d := $reduce([1..40], function($acc, $v){{'a': $acc}}, {'z': 1}); ($d ~> |$|{'b': 2}|).b)",
     nullptr, "2"},
    {"ParseDeeperThanBoostDefault",
     "$count($parse('[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
     "]]]'))",
     nullptr, "1"},
    {"ClosureChainFreed",
     "$type($reduce($append([function(){0}], [1..30000]), function($acc, $v){function(){$acc}}))",
     nullptr, "\"function\""},
    {"CompositionChainFreed",
     "$type($reduce($map([1..30000], function($i){$abs}), function($acc, $f){$acc ~> $f}))",
     nullptr, "\"function\""},
};
INSTANTIATE_TEST_SUITE_P(DeepValues, JsonataLifetimeTest, ::testing::ValuesIn(kDeepValues),
                         CaseName);

// The evaluator's weak lists of frames and functions drop expired entries
// as they grow: 10,000 lambda calls must not keep 10,000 frames allocated.
TEST(JsonataLifetimeLimitsTest, TrackingListsStayBounded) {
  internal::NodePtr ast = internal::ParseExpression(
      "$count($map([1..5000], function($x){$map([$x], function($y){$y + 1})}))");
  internal::Evaluator evaluator(0, [] { return 0.5; });
  internal::FramePtr frame = evaluator.NewFrame(nullptr);
  internal::Value result = evaluator.Evaluate(ast, internal::Value(), frame);
  ASSERT_TRUE(result.IsNumber());
  EXPECT_EQ(result.number(), 5000);
  EXPECT_LT(evaluator.tracked_frames().size(), 4000u);  // 10,000 made
  EXPECT_LT(evaluator.tracked_functions().size(), 4000u);
}

}  // namespace
}  // namespace stepwise::jsonata
