#include "orchestrator/asl/json_path.h"

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/payload_template.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::asl {
namespace {

using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Kind = PathSegment::Kind;
using FKind = FilterExpression::Kind;
using OKind = FilterExpression::Operand::Kind;

std::vector<Kind> KindsOf(const JsonPath& path) {
  std::vector<Kind> kinds;
  for (const PathSegment& seg : path.segments) kinds.push_back(seg.kind);
  return kinds;
}

// ---------------------------------------------------------------------------
// Valid paths and the segment kinds they parse into.

struct ValidCase {
  std::string text;
  bool context_object;
  std::vector<Kind> kinds;
};

void PrintTo(const ValidCase& c, std::ostream* os) { *os << c.text; }

class JsonPathValidTest : public ::testing::TestWithParam<ValidCase> {};

TEST_P(JsonPathValidTest, Parses) {
  const ValidCase& c = GetParam();
  absl::StatusOr<JsonPath> path = ParseJsonPath(c.text);
  ASSERT_THAT(path, IsOk()) << c.text;
  EXPECT_EQ(path->text, c.text);
  EXPECT_EQ(path->context_object, c.context_object) << c.text;
  EXPECT_EQ(KindsOf(*path), c.kinds) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    JsonPathValid, JsonPathValidTest,
    ::testing::Values(
        ValidCase{"$", false, {}}, ValidCase{"$$", true, {}},
        ValidCase{"$.a", false, {Kind::kField}},
        ValidCase{"$.a.b.c", false, {Kind::kField, Kind::kField, Kind::kField}},
        ValidCase{"$$.Execution.Id", true, {Kind::kField, Kind::kField}},
        ValidCase{"$.error-info", false, {Kind::kField}}, ValidCase{"$.a_b", false, {Kind::kField}},
        ValidCase{"$.\xCE\x9A", false, {Kind::kField}},  // $.Κ
        ValidCase{"$.a$b@c", false, {Kind::kField}}, ValidCase{"$['a b']", false, {Kind::kField}},
        ValidCase{"$[\"a b\"]", false, {Kind::kField}},
        ValidCase{"$['it\\'s']", false, {Kind::kField}}, ValidCase{"$['']", false, {Kind::kField}},
        ValidCase{"$[3]", false, {Kind::kIndex}},
        ValidCase{"$.a[-1]", false, {Kind::kField, Kind::kIndex}},
        ValidCase{"$.a[ 2 ]", false, {Kind::kField, Kind::kIndex}},
        ValidCase{"$.a[0][1]", false, {Kind::kField, Kind::kIndex, Kind::kIndex}},
        ValidCase{"$.*", false, {Kind::kWildcard}}, ValidCase{"$[*]", false, {Kind::kWildcard}},
        ValidCase{"$.a[*].b", false, {Kind::kField, Kind::kWildcard, Kind::kField}},
        ValidCase{"$..name", false, {Kind::kRecursiveDescent}},
        ValidCase{"$..*", false, {Kind::kRecursiveDescent}},
        ValidCase{"$..['a b']", false, {Kind::kRecursiveDescent}},
        ValidCase{"$..[*]", false, {Kind::kRecursiveDescent}},
        ValidCase{"$.a..b.c", false, {Kind::kField, Kind::kRecursiveDescent, Kind::kField}},
        ValidCase{"$..book[2]", false, {Kind::kRecursiveDescent, Kind::kIndex}},
        ValidCase{"$.a[0,2]", false, {Kind::kField, Kind::kUnion}},
        ValidCase{"$.a[0, -1 ,2]", false, {Kind::kField, Kind::kUnion}},
        ValidCase{"$['a','b']", false, {Kind::kUnion}},
        ValidCase{"$.a[1:3]", false, {Kind::kField, Kind::kSlice}},
        ValidCase{"$.a[:2]", false, {Kind::kField, Kind::kSlice}},
        ValidCase{"$.a[::2]", false, {Kind::kField, Kind::kSlice}},
        ValidCase{"$.a[-2:]", false, {Kind::kField, Kind::kSlice}},
        ValidCase{"$.a[:]", false, {Kind::kField, Kind::kSlice}},
        ValidCase{"$.a[5:1:-1]", false, {Kind::kField, Kind::kSlice}},
        ValidCase{"$.a[?(@.price < 10)]", false, {Kind::kField, Kind::kFilter}},
        ValidCase{"$.a[?(@.a == 'x' && @.b)]", false, {Kind::kField, Kind::kFilter}},
        ValidCase{"$.a[?(@.a > 1 || !(@.b))]", false, {Kind::kField, Kind::kFilter}},
        ValidCase{"$.a[?(@.a>1)].b", false, {Kind::kField, Kind::kFilter, Kind::kField}},
        ValidCase{"$[?(@ == null)]", false, {Kind::kFilter}},
        ValidCase{"$[?(@.x == $.y)]", false, {Kind::kFilter}},
        ValidCase{"$[?(@['a b'] != \"q\")]", false, {Kind::kFilter}},
        ValidCase{"$[?(@.a[0] >= -1.5e3)]", false, {Kind::kFilter}},
        ValidCase{"$[?(@.a[?(@.b)])]", false, {Kind::kFilter}},
        ValidCase{"$[?( ( @.a <= 2 ) && ( true == @.b ) )]", false, {Kind::kFilter}},
        ValidCase{"$[?(!!@.a)]", false, {Kind::kFilter}},
        ValidCase{"$[?(@.a==false||@.b!=null)]", false, {Kind::kFilter}},
        ValidCase{"$[?(@..x)]", false, {Kind::kFilter}}));

TEST(JsonPathSegments, FieldsAndIndices) {
  absl::StatusOr<JsonPath> p = ParseJsonPath("$.a['b c'][\"d\\\"e\"][-3][0]");
  ASSERT_THAT(p, IsOk());
  ASSERT_EQ(p->segments.size(), 5u);
  EXPECT_EQ(p->segments[0].field, "a");
  EXPECT_EQ(p->segments[1].field, "b c");
  EXPECT_EQ(p->segments[2].field, "d\"e");
  EXPECT_EQ(p->segments[3].index, -3);
  EXPECT_EQ(p->segments[4].index, 0);
  EXPECT_EQ(p->segments[0].offset, 1u);
  EXPECT_EQ(p->segments[1].offset, 3u);
}

TEST(JsonPathSegments, QuotedEscapes) {
  absl::StatusOr<JsonPath> p = ParseJsonPath("$['\\\\ \\n \\u00e9 \\ud83d\\ude00 \\/']");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->segments[0].field, "\\ \n \xC3\xA9 \xF0\x9F\x98\x80 /");
}

TEST(JsonPathSegments, Utf8DotName) {
  absl::StatusOr<JsonPath> p = ParseJsonPath("$.\xCE\x9A\xCE\xB1.x");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->segments[0].field, "\xCE\x9A\xCE\xB1");
}

TEST(JsonPathSegments, Unions) {
  absl::StatusOr<JsonPath> p = ParseJsonPath("$[0,-1, 2]['x', \"y\"]");
  ASSERT_THAT(p, IsOk());
  EXPECT_THAT(p->segments[0].union_indices, ElementsAre(0, -1, 2));
  EXPECT_THAT(p->segments[1].union_fields, ElementsAre("x", "y"));
}

TEST(JsonPathSegments, Slices) {
  absl::StatusOr<JsonPath> p = ParseJsonPath("$[1:3][:2][::2][-2:][5:1:-2]");
  ASSERT_THAT(p, IsOk());
  const auto& s = p->segments;
  EXPECT_EQ(s[0].slice_start, 1);
  EXPECT_EQ(s[0].slice_end, 3);
  EXPECT_EQ(s[0].slice_step, std::nullopt);
  EXPECT_EQ(s[1].slice_start, std::nullopt);
  EXPECT_EQ(s[1].slice_end, 2);
  EXPECT_EQ(s[2].slice_step, 2);
  EXPECT_EQ(s[2].slice_start, std::nullopt);
  EXPECT_EQ(s[3].slice_start, -2);
  EXPECT_EQ(s[3].slice_end, std::nullopt);
  EXPECT_EQ(s[4].slice_step, -2);
}

TEST(JsonPathSegments, RecursiveDescentName) {
  absl::StatusOr<JsonPath> p = ParseJsonPath("$..a..*..['b c']");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->segments[0].field, "a");
  EXPECT_EQ(p->segments[1].field, "");
  EXPECT_EQ(p->segments[2].field, "b c");
}

TEST(JsonPathFilter, ComparisonAst) {
  absl::StatusOr<JsonPath> p = ParseJsonPath("$.book[?(@.price < 10)]");
  ASSERT_THAT(p, IsOk());
  const PathSegment& seg = p->segments[1];
  EXPECT_EQ(seg.filter_text, "@.price < 10");
  ASSERT_NE(seg.filter, nullptr);
  EXPECT_EQ(seg.filter->kind, FKind::kCompare);
  EXPECT_EQ(seg.filter->op, FilterExpression::Op::kLt);
  EXPECT_EQ(seg.filter->lhs.kind, OKind::kCurrent);
  EXPECT_EQ(seg.filter->lhs.path.text, "@.price");
  EXPECT_EQ(KindsOf(seg.filter->lhs.path), std::vector<Kind>{Kind::kField});
  EXPECT_EQ(seg.filter->rhs.kind, OKind::kLiteral);
  EXPECT_EQ(seg.filter->rhs.literal, boost::json::value(10));
}

TEST(JsonPathFilter, PrecedenceAndNot) {
  // && binds tighter than ||: a || (b && !c).
  absl::StatusOr<JsonPath> p = ParseJsonPath("$[?(@.a || @.b == 'x' && !(@.c))]");
  ASSERT_THAT(p, IsOk());
  const FilterExpression& f = *p->segments[0].filter;
  ASSERT_EQ(f.kind, FKind::kOr);
  ASSERT_EQ(f.children.size(), 2u);
  EXPECT_EQ(f.children[0]->kind, FKind::kExists);
  const FilterExpression& conj = *f.children[1];
  ASSERT_EQ(conj.kind, FKind::kAnd);
  ASSERT_EQ(conj.children.size(), 2u);
  EXPECT_EQ(conj.children[0]->kind, FKind::kCompare);
  EXPECT_EQ(conj.children[0]->rhs.literal, boost::json::value("x"));
  ASSERT_EQ(conj.children[1]->kind, FKind::kNot);
  EXPECT_EQ(conj.children[1]->children[0]->kind, FKind::kExists);
}

TEST(JsonPathFilter, Literals) {
  absl::StatusOr<JsonPath> p = ParseJsonPath(
      "$[?(@.a == true || @.b == false || @.c == null || @.d == -2.5 || "
      "@.e == \"s\" || $.f == 7)]");
  ASSERT_THAT(p, IsOk());
  const FilterExpression& f = *p->segments[0].filter;
  ASSERT_EQ(f.children.size(), 6u);
  EXPECT_EQ(f.children[0]->rhs.literal, boost::json::value(true));
  EXPECT_EQ(f.children[1]->rhs.literal, boost::json::value(false));
  EXPECT_TRUE(f.children[2]->rhs.literal.is_null());
  EXPECT_EQ(f.children[3]->rhs.literal, boost::json::value(-2.5));
  EXPECT_EQ(f.children[4]->rhs.literal, boost::json::value("s"));
  EXPECT_EQ(f.children[5]->lhs.kind, OKind::kRoot);
}

// ---------------------------------------------------------------------------
// Workflow variables: `$name` roots.

struct VariableCase {
  std::string text;
  std::string variable;
  std::vector<Kind> kinds;
};

void PrintTo(const VariableCase& c, std::ostream* os) { *os << c.text; }

class JsonPathVariableTest : public ::testing::TestWithParam<VariableCase> {};

TEST_P(JsonPathVariableTest, ParsesTheNameThenTheSegments) {
  const VariableCase& c = GetParam();
  absl::StatusOr<JsonPath> path = ParseJsonPath(c.text);
  ASSERT_THAT(path, IsOk()) << c.text;
  EXPECT_EQ(path->variable, c.variable);
  EXPECT_FALSE(path->context_object);
  EXPECT_EQ(KindsOf(*path), c.kinds);
}

INSTANTIATE_TEST_SUITE_P(
    JsonPathVariables, JsonPathVariableTest,
    ::testing::Values(VariableCase{"$x", "x", {}}, VariableCase{"$_x9", "_x9", {}},
                      VariableCase{"$order.numItems", "order", {Kind::kField}},
                      VariableCase{"$v[0]", "v", {Kind::kIndex}},
                      VariableCase{
                          "$v['a b'].c[-1]", "v", {Kind::kField, Kind::kField, Kind::kIndex}},
                      VariableCase{"$v..name", "v", {Kind::kRecursiveDescent}},
                      VariableCase{"$v[?(@.n > 1)]", "v", {Kind::kFilter}},
                      VariableCase{"$states.input", "states", {Kind::kField}}));

TEST(JsonPathVariables, DollarAndContextRootsAreUnchanged) {
  for (std::string_view text : {"$", "$.a", "$[0]", "$$", "$$.Execution.Id"}) {
    absl::StatusOr<JsonPath> path = ParseJsonPath(text);
    ASSERT_THAT(path, IsOk()) << text;
    EXPECT_EQ(path->variable, "") << text;
  }
  EXPECT_TRUE(ParseJsonPath("$$.a")->context_object);
}

TEST(JsonPathVariables, ReferencePathsMayStartAtAVariable) {
  EXPECT_THAT(ParseReferencePath("$v.a[0]"), IsOk());
  EXPECT_THAT(ParseReferencePath("$v[*]"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(JsonPathVariables, FilterRootStaysTheDocument) {
  // Inside a filter `$` is the document the path started from; `$x` there is
  // not a variable (AWS documents variables only as path roots).
  EXPECT_THAT(ParseJsonPath("$v[?(@.a == $.b)]"), IsOk());
  EXPECT_THAT(ParseJsonPath("$.a[?(@.b == $x)]"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(JsonPathVariables, ResultPathMayNotNameAVariable) {
  EXPECT_EQ(PathProblem("$v", PathKind::kPath), "");
  EXPECT_EQ(PathProblem("$v.a", PathKind::kReferencePath), "");
  EXPECT_EQ(PathProblem("$v.a", PathKind::kResultPath), "'$v.a' must not refer to a variable ($v)");
}

TEST(JsonPathVariables, EvaluatesAgainstTheValueTheCallerPicks) {
  absl::StatusOr<JsonPath> path = ParseJsonPath("$v.list[1]");
  ASSERT_THAT(path, IsOk());
  boost::json::value value = boost::json::parse(R"({"list": [10, 20]})");
  std::vector<const boost::json::value*> nodes = EvaluateJsonPath(*path, value);
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(*nodes[0], boost::json::value(20));
}

// ---------------------------------------------------------------------------
// Invalid paths.

class JsonPathInvalidTest : public ::testing::TestWithParam<std::string> {};

TEST_P(JsonPathInvalidTest, IsRejected) {
  absl::StatusOr<JsonPath> path = ParseJsonPath(GetParam());
  EXPECT_THAT(path, StatusIs(absl::StatusCode::kInvalidArgument)) << GetParam();
  if (!path.ok()) {
    EXPECT_THAT(path.status().message(), HasSubstr("position")) << GetParam();
  }
}

INSTANTIATE_TEST_SUITE_P(
    JsonPathInvalid, JsonPathInvalidTest,
    ::testing::Values("", "a", " $", "$ ", "$\n", "@.a", "$$$", "$1", "$-a", "$a b", "$a.", "$é",
                      "$.", "$.a.", "$.a b", "$.a]", "$[", "$.a[", "$.a[0", "$.a['x", "$.a['x']x",
                      "$['a' 'b']", "$...a", "$..", "$..[0]", "$..['']", "$.a[?()]", "$.a[?( )]",
                      "$.a[?(@.b ==)]", "$.a[?(@.b = 1)]", "$.a[?(@.b === 1)]", "$.a[?(@.b)",
                      "$.a[?(@.b)x]", "$.a[?@.b]", "$.a[1:2:0]", "$.a[99999999999999999999]",
                      "$.a[-]", "$.a[0,]", "$.a['x',]", "$.a['x',0]", "$.a[0,'x']", "$.a[*",
                      "$.a[**]", "$.a[?(1)]", "$.a[?('x')]", "$.a[?($$.x == 1)]", "$['\\q']",
                      "$['\\u12']", "$['\\ud800']", "$.a[?((@.b)]", "$.a[?(@.b && )]",
                      "$.a[?(@.b || || @.c)]", "$.a[?(@.b == 'x)]", "$.a[?(@.b == tru)]",
                      "$.a[?(@.b == 1.)]", "$.a[?(@.b == 1e)]", "$.a[?(@.)]", "$.a[?(@.b < 1e999)]",
                      "$.a.*b", "$.a[1 2]", "$['a'"));

TEST(JsonPathErrors, MessageNamesPositionAndExpectation) {
  absl::StatusOr<JsonPath> p = ParseJsonPath("$.a[");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(),
            "invalid JSONPath '$.a[': expected index, '*', quoted name or filter at position 4");
  EXPECT_THAT(ParseJsonPath("$.a.").status().message(), HasSubstr("at position 4"));
  EXPECT_THAT(ParseJsonPath("x").status().message(), HasSubstr("expected '$' at position 0"));
}

TEST(JsonPathErrors, DeepFilterNestingIsRejectedNotCrashing) {
  std::string parens = "$[?(" + std::string(100000, '(') + "@.a" + std::string(100000, ')') + ")]";
  EXPECT_THAT(ParseJsonPath(parens), StatusIs(absl::StatusCode::kInvalidArgument));
  std::string nots = "$[?(" + std::string(100000, '!') + "@.a)]";
  EXPECT_THAT(ParseJsonPath(nots), StatusIs(absl::StatusCode::kInvalidArgument));
  std::string filters = "$";
  for (int i = 0; i < 200; ++i) filters += "[?(@";
  EXPECT_THAT(ParseJsonPath(filters), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(JsonPathErrors, NestingUpToTheLimitParses) {
  std::string ok = "$[?(" + std::string(kMaxJsonPathNesting - 2, '(') + "@.a" +
                   std::string(kMaxJsonPathNesting - 2, ')') + ")]";
  EXPECT_THAT(ParseJsonPath(ok), IsOk());
}

TEST(JsonPathErrors, LongInputsAreLinear) {
  std::string many;
  many.reserve(400001);
  many += "$";
  for (int i = 0; i < 100000; ++i) many += "[0]";
  absl::StatusOr<JsonPath> p = ParseJsonPath(many);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->segments.size(), 100000u);
  EXPECT_THAT(ParseJsonPath("$" + std::string(500000, '.')),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseJsonPath("$" + std::string(500000, '[')),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseJsonPath("$['" + std::string(500000, '\\')),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(JsonPathErrors, EmbeddedNulIsRejected) {
  EXPECT_THAT(ParseJsonPath(std::string_view("$.a\0b", 5)), IsOk());  // NUL is a name char.
  EXPECT_THAT(ParseJsonPath(std::string_view("$[\0]", 4)),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// ---------------------------------------------------------------------------
// Reference paths.

struct ReferenceCase {
  std::string text;
  bool is_reference;
  std::string why;  // Expected in the error when not a reference path.
};

void PrintTo(const ReferenceCase& c, std::ostream* os) { *os << c.text; }

class JsonPathReferenceTest : public ::testing::TestWithParam<ReferenceCase> {};

TEST_P(JsonPathReferenceTest, Classifies) {
  const ReferenceCase& c = GetParam();
  absl::StatusOr<JsonPath> any = ParseJsonPath(c.text);
  ASSERT_THAT(any, IsOk());
  EXPECT_EQ(any->IsReferencePath(), c.is_reference) << c.text;
  absl::StatusOr<JsonPath> ref = ParseReferencePath(c.text);
  if (c.is_reference) {
    EXPECT_THAT(ref, IsOk());
  } else {
    ASSERT_THAT(ref, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(ref.status().message(), HasSubstr("is not a reference path"));
    EXPECT_THAT(ref.status().message(), HasSubstr(c.why));
  }
}

INSTANTIATE_TEST_SUITE_P(
    JsonPathReference, JsonPathReferenceTest,
    ::testing::Values(ReferenceCase{"$", true, ""}, ReferenceCase{"$.a.b", true, ""},
                      ReferenceCase{"$.a[0]", true, ""}, ReferenceCase{"$$.Execution.Id", true, ""},
                      ReferenceCase{"$$", true, ""}, ReferenceCase{"$['a b'][2].c", true, ""},
                      ReferenceCase{"$.a[-1]", false, "negative index"},
                      ReferenceCase{"$.a[*]", false, "wildcard"},
                      ReferenceCase{"$.*", false, "wildcard"},
                      ReferenceCase{"$..a", false, "recursive descent"},
                      ReferenceCase{"$.a[0:1]", false, "slice"},
                      ReferenceCase{"$.a[0,1]", false, "union"},
                      ReferenceCase{"$['x','y']", false, "union"},
                      ReferenceCase{"$.a[?(@.b)]", false, "filter"}));

TEST(JsonPathReferenceErrors, InvalidSyntaxStaysInvalidSyntax) {
  absl::StatusOr<JsonPath> p = ParseReferencePath("$.a[");
  ASSERT_THAT(p, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(p.status().message(), HasSubstr("invalid JSONPath"));
}

// ---------------------------------------------------------------------------
// Evaluation.

constexpr std::string_view kStore = R"({
  "store": {
    "book": [
      {"category": "reference", "author": "Nigel Rees", "title": "Sayings", "price": 8.95},
      {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword", "price": 12.99},
      {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick",
       "isbn": "0-553-21311-3", "price": 8.99},
      {"category": "fiction", "author": "J. R. R. Tolkien", "title": "LOTR",
       "isbn": "0-395-19395-8", "price": 22.99}
    ],
    "bicycle": {"color": "red", "price": 19.95}
  },
  "expensive": 10,
  "nums": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  "mixed": [1, 1.0, "1", true, 2, null, {"a": 1}, [1]],
  "wanted": {"a": 1},
  "agelist": [12, 15],
  "map": {"x": {"on": true, "n": 1}, "y": {"on": false, "n": 2}, "z": {"on": true, "n": 3}},
  "people": [{"name": "ann", "age": 31, "kids": [{"age": 3}]},
             {"name": "bob", "age": 25, "kids": []},
             {"name": "cy", "age": 40, "kids": [{"age": 12}, {"age": 15}]}],
  "odd keys": {"a.b": 1, "Κ": 2, "error-info": 3, "it's": 4}
})";

struct EvalCase {
  std::string path;
  std::string expected;  // JSON array of the selected nodes, in order.
};

void PrintTo(const EvalCase& c, std::ostream* os) { *os << c.path; }

class JsonPathEvalTest : public ::testing::TestWithParam<EvalCase> {};

TEST_P(JsonPathEvalTest, Selects) {
  const EvalCase& c = GetParam();
  const boost::json::value doc = boost::json::parse(kStore);
  absl::StatusOr<JsonPath> path = ParseJsonPath(c.path);
  ASSERT_THAT(path, IsOk()) << c.path;
  boost::json::array got;
  for (const boost::json::value* v : EvaluateJsonPath(*path, doc)) got.push_back(*v);
  EXPECT_EQ(boost::json::serialize(got), boost::json::serialize(boost::json::parse(c.expected)))
      << c.path;
}

INSTANTIATE_TEST_SUITE_P(
    JsonPathEval, JsonPathEvalTest,
    ::testing::Values(
        EvalCase{"$.expensive", "[10]"}, EvalCase{"$.nope", "[]"},
        EvalCase{"$.nope.deeper[0]", "[]"}, EvalCase{"$.store.book[0].author", R"(["Nigel Rees"])"},
        EvalCase{"$['store']['book'][1]['title']", R"(["Sword"])"},
        EvalCase{"$.store.book[-1].title", R"(["LOTR"])"},
        EvalCase{"$.store.book[-4].title", R"(["Sayings"])"},
        EvalCase{"$.store.book[-5].title", "[]"}, EvalCase{"$.store.book[4]", "[]"},
        EvalCase{"$.store.book[*].author",
                 R"(["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"])"},
        EvalCase{"$..author",
                 R"(["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"])"},
        EvalCase{"$.store..price", "[8.95,12.99,8.99,22.99,19.95]"},
        EvalCase{"$.store.bicycle.*", R"(["red",19.95])"},
        EvalCase{"$.store.bicycle[*]", R"(["red",19.95])"}, EvalCase{"$.expensive.*", "[]"},
        EvalCase{"$.expensive[0]", "[]"}, EvalCase{"$.nums.a", "[]"},
        EvalCase{"$..book[2].title", R"(["Moby Dick"])"},
        EvalCase{"$..book[-2:].title", R"(["Moby Dick","LOTR"])"},
        EvalCase{"$..book[0,1].title", R"(["Sayings","Sword"])"},
        EvalCase{"$..book[3,0,9,-1].title", R"(["LOTR","Sayings","LOTR"])"},
        EvalCase{"$..book[:2].title", R"(["Sayings","Sword"])"},
        EvalCase{"$.store.bicycle['price','color','nope']", R"([19.95,"red"])"},
        EvalCase{"$..book[?(@.isbn)].title", R"(["Moby Dick","LOTR"])"},
        EvalCase{"$..book[?(!@.isbn)].title", R"(["Sayings","Sword"])"},
        EvalCase{"$.store.book[?(@.price < 10)].title", R"(["Sayings","Moby Dick"])"},
        EvalCase{"$..book[?(@.price <= $.expensive)].title", R"(["Sayings","Moby Dick"])"},
        EvalCase{"$.store.book[?(@.category == 'fiction' && @.price > 20)].title", R"(["LOTR"])"},
        EvalCase{"$.store.book[?(@.price > 20 || !(@.isbn))].title",
                 R"(["Sayings","Sword","LOTR"])"},
        EvalCase{"$.store.book[?(@.category != 'fiction')].title", R"(["Sayings"])"},
        EvalCase{"$.store.book[?(@.missing != 1)]", "[]"},
        EvalCase{"$.store.book[?(@.missing == null)]", "[]"},
        EvalCase{"$.store.book[?(@.author >= 'J')].author", R"(["Nigel Rees","J. R. R. Tolkien"])"},
        EvalCase{"$.store.book[?(@.price > 'a')]", "[]"},
        EvalCase{"$.store.book[?(@.price >= 22.99)].title", R"(["LOTR"])"},
        EvalCase{"$.mixed[?(@ == 1)]", "[1,1.0]"}, EvalCase{"$.mixed[?(@ == '1')]", R"(["1"])"},
        EvalCase{"$.mixed[?(@ == true)]", "[true]"}, EvalCase{"$.mixed[?(@ == null)]", "[null]"},
        EvalCase{"$.mixed[?(@ == $.wanted)]", R"([{"a":1}])"},
        EvalCase{"$.mixed[?(@.a)]", R"([{"a":1}])"}, EvalCase{"$.mixed[?(@[0])]", "[[1]]"},
        EvalCase{"$.mixed[?(@ > 1)]", "[2]"},
        EvalCase{"$.mixed[?(@ != 1)]", R"(["1",true,2,null,{"a":1},[1]])"},
        EvalCase{"$.map[?(@.on == true)].n", "[1,3]"}, EvalCase{"$.map.*.n", "[1,2,3]"},
        EvalCase{"$.people[?(@.kids[?(@.age > 10)])].name", R"(["cy"])"},
        EvalCase{"$.people[?(@.age > 30 && @.kids[0])].name", R"(["ann","cy"])"},
        EvalCase{"$.people[?(@.kids[*].age == 3)].name", R"(["ann"])"},
        EvalCase{"$.people[?(@.kids[*].age == $.agelist)].name", R"(["cy"])"},
        EvalCase{"$.people[?(@.kids[*].age == $.people[2].kids[*].age)].name", R"(["cy"])"},
        EvalCase{"$.people[?(@.kids[*].age > 1)].name", R"(["ann"])"},
        EvalCase{"$.people..age", "[31,3,25,40,12,15]"},
        EvalCase{"$.people[?(@.name == $.people[1].name)].age", "[25]"},
        EvalCase{"$.nums[1:3]", "[1,2]"}, EvalCase{"$.nums[:2]", "[0,1]"},
        EvalCase{"$.nums[::2]", "[0,2,4,6,8]"}, EvalCase{"$.nums[-2:]", "[8,9]"},
        EvalCase{"$.nums[::-1]", "[9,8,7,6,5,4,3,2,1,0]"}, EvalCase{"$.nums[5:1:-2]", "[5,3]"},
        EvalCase{"$.nums[::-3]", "[9,6,3,0]"}, EvalCase{"$.nums[1:-1:4]", "[1,5]"},
        EvalCase{"$.nums[100:]", "[]"}, EvalCase{"$.nums[-100:2]", "[0,1]"},
        EvalCase{"$.nums[3:1]", "[]"}, EvalCase{"$.nums[-1:-100:-4]", "[9,5,1]"},
        EvalCase{"$.nums[-9223372036854775808:9223372036854775807:9223372036854775807]", "[0]"},
        EvalCase{"$.nums[9223372036854775807::-9223372036854775807]", "[9]"},
        EvalCase{"$.nums[-9223372036854775808]", "[]"}, EvalCase{"$.nums[?(@ > 7)]", "[8,9]"},
        EvalCase{"$.nums[?(@ > 2 && @ < 5 || @ == 0)]", "[0,3,4]"},
        EvalCase{"$['odd keys']['a.b']", "[1]"}, EvalCase{"$['odd keys'].\xCE\x9A", "[2]"},
        EvalCase{"$['odd keys'].error-info", "[3]"}, EvalCase{"$['odd keys']['it\\'s']", "[4]"},
        EvalCase{"$..['a.b']", "[1]"}, EvalCase{"$..[*].on", "[true,false,true]"}));

TEST(JsonPathEvalOrder, RecursiveWildcardFollowsJayway) {
  const boost::json::value doc = boost::json::parse(R"({"a":{"b":1},"c":2})");
  absl::StatusOr<JsonPath> p = ParseJsonPath("$..*");
  ASSERT_THAT(p, IsOk());
  boost::json::array got;
  for (const boost::json::value* v : EvaluateJsonPath(*p, doc)) got.push_back(*v);
  EXPECT_EQ(boost::json::serialize(got), R"([{"b":1},2,1])");
}

TEST(JsonPathEvalOrder, RecursiveNameIncludesNestedMatchesPreOrder) {
  const boost::json::value doc = boost::json::parse(R"({"a":{"a":1},"b":[{"a":2}]})");
  absl::StatusOr<JsonPath> p = ParseJsonPath("$..a");
  ASSERT_THAT(p, IsOk());
  boost::json::array got;
  for (const boost::json::value* v : EvaluateJsonPath(*p, doc)) got.push_back(*v);
  EXPECT_EQ(boost::json::serialize(got), R"([{"a":1},1,2])");
}

TEST(JsonPathEval, RootAndPointersIntoDocument) {
  const boost::json::value doc = boost::json::parse(R"({"a":[1,2]})");
  absl::StatusOr<JsonPath> p = ParseJsonPath("$");
  ASSERT_THAT(p, IsOk());
  std::vector<const boost::json::value*> got = EvaluateJsonPath(*p, doc);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], &doc);
  absl::StatusOr<JsonPath> q = ParseJsonPath("$.a[1]");
  ASSERT_THAT(q, IsOk());
  got = EvaluateJsonPath(*q, doc);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], &doc.at("a").at(1));
}

TEST(JsonPathEval, ContextObjectPathAgainstContext) {
  const boost::json::value context = boost::json::parse(
      R"({"Execution":{"Id":"arn:x","Input":{"k":1}},"Map":{"Item":{"Index":2}}})");
  absl::StatusOr<JsonPath> p = ParseJsonPath("$$.Execution.Id");
  ASSERT_THAT(p, IsOk());
  ASSERT_TRUE(p->context_object);
  std::vector<const boost::json::value*> got = EvaluateJsonPath(*p, context);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(*got[0], boost::json::value("arn:x"));
}

TEST(JsonPathEval, ScalarsAndNullRoots) {
  absl::StatusOr<JsonPath> p = ParseJsonPath("$..*");
  ASSERT_THAT(p, IsOk());
  EXPECT_TRUE(EvaluateJsonPath(*p, boost::json::value(nullptr)).empty());
  EXPECT_TRUE(EvaluateJsonPath(*p, boost::json::value(3)).empty());
  absl::StatusOr<JsonPath> f = ParseJsonPath("$[?(@)]");
  ASSERT_THAT(f, IsOk());
  EXPECT_TRUE(EvaluateJsonPath(*f, boost::json::value("s")).empty());
}

TEST(JsonPathEval, DeepDocumentDoesNotOverflowTheStack) {
  // 100000 nested arrays, built directly (the parser would stop at its depth limit).
  boost::json::value doc = boost::json::array();
  boost::json::value* inner = &doc;
  for (int i = 0; i < 100000; ++i) {
    inner->as_array().emplace_back(boost::json::array());
    inner = &inner->as_array()[0];
  }
  inner->as_array().emplace_back(7);
  absl::StatusOr<JsonPath> p = ParseJsonPath("$..[*]");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(EvaluateJsonPath(*p, doc).size(), 100001u);
  // Deep equality of two deep documents is iterative too.
  absl::StatusOr<JsonPath> eq = ParseJsonPath("$[?(@ == $[0])]");
  ASSERT_THAT(eq, IsOk());
  EXPECT_EQ(EvaluateJsonPath(*eq, doc).size(), 1u);
  // Tear down iteratively so the test itself does not recurse 100000 deep.
  while (!doc.as_array().empty() && doc.as_array()[0].is_array()) {
    boost::json::value next = std::move(doc.as_array()[0]);
    doc = std::move(next);
  }
}

}  // namespace
}  // namespace stepwise::asl
