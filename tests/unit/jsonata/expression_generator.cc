#include "tests/unit/jsonata/expression_generator.h"

#include <vector>

namespace stepwise::jsonata::testing {
namespace {

std::string Choose(std::initializer_list<const char*> options, int index) {
  return options.begin()[index % static_cast<int>(options.size())];
}

}  // namespace

boost::json::value ExpressionGenerator::Input() {
  return boost::json::parse(R"({
    "n": 3, "m": -2.5, "big": 1234567.891, "s": "Hello World", "t": "a,b,,c", "b": true,
    "z": null, "arr": [1, 5, 3, 8, 2], "strs": ["pear", "apple", "fig"],
    "objs": [{"k": "x", "v": 1, "tags": ["a", "b"]}, {"k": "y", "v": 2, "tags": ["c"]},
             {"k": "x", "v": 3, "tags": []}, {"k": "z", "w": 4}],
    "nested": {"a": {"b": {"c": 42}}, "list": [{"p": [1, 2]}, {"p": [3]}, {"q": 1}]},
    "empty": [], "eo": {}, "mixed": [1, "two", true, null, [3], {"four": 4}]
  })");
}

uint64_t ExpressionGenerator::NextRandom() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

ExpressionGenerator::Kind ExpressionGenerator::AnyKind() { return static_cast<Kind>(Pick(5)); }

std::string ExpressionGenerator::Next() {
  std::string e = Pick(3) == 0 ? Template(1) : Gen(AnyKind(), 0);
  switch (Pick(8)) {
    case 0:
      return "($x := " + Gen(AnyKind(), 1) + "; " + e + ")";
    case 1:
      return e + " ~> $string()";
    case 2:
      return Picture(1);
    default:
      return e;
  }
}

std::string ExpressionGenerator::Gen(Kind kind, int depth) {
  // Now and then an operand of the wrong kind, to exercise type errors.
  if (kind == Kind::kAny || Pick(14) == 0) kind = AnyKind();
  switch (kind) {
    case Kind::kNumber:
      return Number(depth);
    case Kind::kString:
      return String(depth);
    case Kind::kBool:
      return Bool(depth);
    case Kind::kArray:
      return Array(depth);
    default:
      return Object(depth);
  }
}

std::string ExpressionGenerator::Number(int depth) {
  if (depth > 3) return Choose({"1", "2.5", "n", "m", "0", "-3", "arr[1]", "objs[0].v"}, Pick(8));
  int d = depth + 1;
  switch (Pick(24)) {
    case 0:
      return Choose({"7", "0.1", "100", "1e3", "-4", "2"}, Pick(6));
    case 1:
      return Choose({"n", "m", "big", "nested.a.b.c", "arr[0]", "arr[-1]", "objs[1].v"}, Pick(7));
    case 2:
      return Number(d) + Choose({" + ", " - ", " * ", " / ", " % "}, Pick(5)) + Number(d);
    case 3:
      return "-" + Number(d);
    case 4:
      return std::string(Choose({"$abs(", "$floor(", "$ceil(", "$sqrt("}, Pick(4))) + Number(d) +
             ")";
    case 5:
      return "$round(" + Number(d) + (Pick(2) ? ", " + std::to_string(Pick(4) - 1) : "") + ")";
    case 6:
      return std::string(Choose({"$sum(", "$max(", "$min(", "$average(", "$count("}, Pick(5))) +
             Array(d) + ")";
    case 7:
      return "$length(" + String(d) + ")";
    case 8:
      return "$number(" + Gen(Kind::kAny, d) + ")";
    case 9:
      return std::string("$number('") + Choose({"12", "-3.5", "1e2", "0x1F", "x1", ""}, Pick(6)) +
             "')";
    case 10:
      return "$power(" + Number(d) + ", " + std::to_string(Pick(5) - 1) + ")";
    case 11:
      return "$reduce(" + Array(d) + ", function($a, $b){$a + $b})";
    case 12:
      return "$reduce(" + Array(d) + ", function($a, $b){$a * $b}, " + Number(d) + ")";
    case 13:
      return Bool(d) + " ? " + Number(d) + " : " + Number(d);
    case 14:
      return "$count(objs[" + Bool(d) + "])";
    case 15:
      return "objs[" + std::to_string(Pick(5) - 1) + "].v";
    case 16:
      return "$sum(objs.v)";
    case 17:
      return "$sum(nested.list.p)";
    case 18:
      return "(" + Number(d) + ")";
    case 19:
      return "$count(" + Gen(Kind::kAny, d) + ")";
    case 20:
      return "arr[" + Number(d) + "]";
    case 21:
      return "$single(arr, function($v){$v = " + Number(d) + "})";
    case 22:
      return "$reduce(objs, function($acc, $o){$acc + $count($o.tags)}, 0)";
    default:
      return "$max(objs.v) - $min(arr)";
  }
}

std::string ExpressionGenerator::String(int depth) {
  if (depth > 3) return Choose({"'abc'", "s", "t", "strs[0]", "objs[0].k", "''"}, Pick(6));
  int d = depth + 1;
  switch (Pick(26)) {
    case 0:
      return Choose({"'abc'", "\"x y\"", "'  pad  '", "'Hello'", "''", "'a-b-c'"}, Pick(6));
    case 1:
      return Choose({"s", "t", "strs[1]", "objs[2].k", "strs[-1]"}, Pick(5));
    case 2:
      return String(d) + " & " + Gen(Kind::kAny, d);
    case 3:
      return "$substring(" + String(d) + ", " + std::to_string(Pick(9) - 4) +
             (Pick(2) ? ", " + std::to_string(Pick(6) - 1) : "") + ")";
    case 4:
      return std::string(Choose({"$uppercase(", "$lowercase(", "$trim("}, Pick(3))) + String(d) +
             ")";
    case 5:
      return "$string(" + Gen(Kind::kAny, d) + ")";
    case 6:
      return "$join(" + Array(d) + (Pick(2) ? ", '-'" : "") + ")";
    case 7:
      return "$pad(" + String(d) + ", " + std::to_string(Pick(13) - 6) + (Pick(2) ? ", '*'" : "") +
             ")";
    case 8:
      return "$replace(" + String(d) + ", " +
             Choose({"'l'", "'o'", "/l+/", "/(o)(r)?/", "'a'"}, Pick(5)) + ", " +
             Choose({"'L'", "'[$1]'", "''", "'$0$0'"}, Pick(4)) + (Pick(3) == 0 ? ", 1" : "") + ")";
    case 9:
      return std::string(Choose({"$substringBefore(", "$substringAfter("}, Pick(2))) + String(d) +
             ", " + Choose({"' '", "'o'", "','", "'zz'"}, Pick(4)) + ")";
    case 10:
      return "$formatBase(" + Number(d) + ", " + Choose({"2", "16", "36", "10"}, Pick(4)) + ")";
    case 11:
      return "$base64encode(" + String(d) + ")";
    case 12:
      return "$encodeUrlComponent(" + String(d) + ")";
    case 13:
      return "$type(" + Gen(Kind::kAny, d) + ")";
    case 14:
      return Bool(d) + " ? " + String(d) + " : " + String(d);
    case 15:
      return "objs[v > " + Number(d) + "][0].k";
    case 16:
      return "$string(" + Number(d) + ")";
    case 17:
      // Finite operands only: jsonata-js leaves $formatNumber of NaN and
      // infinities unspecified (a TODO in its source).
      return "$formatNumber(" +
             Choose({"n", "m", "big", "arr[1]", "12.345", "-0.5", "0"}, Pick(7)) + ", " +
             Choose({"'#,##0.00'", "'0.0'", "'000'", "'#'", "'0%'"}, Pick(5)) + ")";
    case 18:
      return "$fromMillis(" + std::to_string(Pick(2000000) * 1000000LL) + ")";
    case 19:
      return "$join($map(" + Array(d) + ", $string), ',')";
    case 20:
      return "$string(" + Object(d) + ")";
    case 21:
      return "$lookup(" + Object(d) + ", " + Choose({"'k'", "'v'", "'a'"}, Pick(3)) + ")";
    case 22:
      return "nested.list[0] ~> $string()";
    case 23:
      return "$join(objs.k)";
    case 24:
      return "$string(" + Array(d) + ", true)";
    default:
      return "$join(" + Choose({"$split(t, ',')", "$split(s, ' ', 1)", "$split(s, /o/)"}, Pick(3)) +
             ", '|')";
  }
}

std::string ExpressionGenerator::Bool(int depth) {
  if (depth > 3) return Choose({"true", "false", "b", "n > 2", "s = 'x'"}, Pick(5));
  int d = depth + 1;
  switch (Pick(16)) {
    case 0:
      return Choose({"true", "false", "b", "z = null"}, Pick(4));
    case 1:
      return Number(d) + Choose({" < ", " <= ", " > ", " >= ", " = ", " != "}, Pick(6)) + Number(d);
    case 2:
      return String(d) + Choose({" < ", " = ", " != ", " > "}, Pick(4)) + String(d);
    case 3:
      return Bool(d) + Choose({" and ", " or "}, Pick(2)) + Bool(d);
    case 4:
      return "$not(" + Gen(Kind::kAny, d) + ")";
    case 5:
      return "$boolean(" + Gen(Kind::kAny, d) + ")";
    case 6:
      return "$exists(" + Choose({"n", "missing", "z", "objs.w", "nested.a.x"}, Pick(5)) + ")";
    case 7:
      return Number(d) + " in " + Array(d);
    case 8:
      return "$contains(" + String(d) + ", " + Choose({"'o'", "'xyz'", "/l{2}/", "/^H/"}, Pick(4)) +
             ")";
    case 9:
      return Gen(Kind::kAny, d) + " = " + Gen(Kind::kAny, d);
    case 10:
      return "v > " + Number(d);
    case 11:
      return "k = " + Choose({"'x'", "'y'", "'q'"}, Pick(3));
    case 12:
      return "$count(tags) > 0";
    case 13:
      return "(" + Bool(d) + ")";
    case 14:
      return String(d) + " in " + Array(d);
    default:
      return "$boolean(" + Array(d) + ")";
  }
}

std::string ExpressionGenerator::Array(int depth) {
  if (depth > 3) return Choose({"arr", "strs", "empty", "objs.v", "[1, 2]", "mixed"}, Pick(6));
  int d = depth + 1;
  switch (Pick(30)) {
    case 0:
      return Choose({"arr", "strs", "empty", "mixed", "objs.k", "objs.tags"}, Pick(6));
    case 1:
      return "[" + Gen(Kind::kAny, d) + ", " + Gen(Kind::kAny, d) + "]";
    case 2:
      return "[" + std::to_string(Pick(6) - 2) + ".." + std::to_string(Pick(8)) + "]";
    case 3:
      return "$sort(" + Choose({"arr", "strs", "objs.v", "mixed", "[3, 1, 2]"}, Pick(5)) + ")";
    case 4:
      return "$reverse(" + Array(d) + ")";
    case 5:
      return "$append(" + Array(d) + ", " + Gen(Kind::kAny, d) + ")";
    case 6:
      return "$distinct(" + Array(d) + ")";
    case 7:
      return "$map(" + Array(d) + ", function($v){" +
             Choose({"$v * 2", "$string($v)", "$v & '!'", "[$v]", "{'v': $v}"}, Pick(5)) + "})";
    case 8:
      return "$map(" + Array(d) + ", function($v, $i){$i})";
    case 9:
      return "$filter(" + Array(d) + ", function($v){" +
             Choose({"$v > 2", "$type($v) = 'string'", "$boolean($v)"}, Pick(3)) + "})";
    case 10:
      return "objs[" + Bool(d) + "]" + Choose({".v", ".k", "", ".tags"}, Pick(4));
    case 11:
      return "$split(" + String(d) + ", " + Choose({"','", "' '", "''", "/[, ]/"}, Pick(4)) + ")";
    case 12:
      return "$keys(" + Gen(Kind::kAny, d) + ")";
    case 13:
      return "arr[[0, 2]]";
    case 14:
      return "objs^(" + Choose({">v", "k", "k, >v", "w"}, Pick(4)) + ")" +
             Choose({".v", ".k", ""}, Pick(3));
    case 15:
      return "$zip(" + Array(d) + ", " + Array(d) + ")";
    case 16:
      return "$spread(" + Object(d) + ")";
    case 17:
      return "arr[$ > " + Number(d) + "]";
    case 18:
      return "nested.list.p";
    case 19:
      return "nested.list.p[0]";
    case 20:
      return "objs.[k, v]";
    case 21:
      return "objs.tags[0]";
    case 22:
      return "**.v";
    case 23:
      return "nested.*";
    case 24:
      return "$each(" + Object(d) + ", function($v, $k){$k})";
    case 25:
      return "[" + Array(d) + "]";
    case 26:
      return "objs[]." + Choose({"k", "v"}, Pick(2));
    case 27:
      return "$sort(objs, function($l, $r){$l.v < $r.v}).v";
    case 28:
      return "mixed[" + std::to_string(Pick(8) - 3) + "]";
    default:
      return "$match(s, /o(.)/)";
  }
}

std::string ExpressionGenerator::Object(int depth) {
  if (depth > 3) return Choose({"eo", "nested.a", "objs[0]", "{'a': 1}"}, Pick(4));
  int d = depth + 1;
  switch (Pick(12)) {
    case 0:
      return Choose({"eo", "nested", "objs[1]", "nested.a.b", "$"}, Pick(5));
    case 1:
      return "{" + String(d) + ": " + Gen(Kind::kAny, d) + "}";
    case 2:
      return "{'a': " + Gen(Kind::kAny, d) + ", 'b': " + Gen(Kind::kAny, d) + "}";
    case 3:
      return "$merge([" + Object(d) + ", " + Object(d) + "])";
    case 4:
      return "objs{k: v}";
    case 5:
      return "objs{k: $sum(v)}";
    case 6:
      return "objs.{k: v}";
    case 7:
      return "$sift(" + Object(d) + ", function($v){$type($v) = 'number'})";
    case 8:
      return "$lookup(objs, 'k') ~> $count()";
    case 9:
      return "objs{k: tags}";
    case 10:
      return "{'list': " + Array(d) + "}";
    default:
      return "objs[" + Bool(d) + "][0]";
  }
}

}  // namespace stepwise::jsonata::testing
