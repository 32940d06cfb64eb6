// ExpressionGenerator::Template: the less common constructs, as templates
// with holes (see expression_generator.h). Split from
// expression_generator.cc to keep each file small.
#include <vector>

#include "tests/unit/jsonata/expression_generator.h"

namespace stepwise::jsonata::testing {
namespace {

std::string Choose(std::initializer_list<const char*> options, int index) {
  return options.begin()[index % static_cast<int>(options.size())];
}

}  // namespace

std::string ExpressionGenerator::Template(int depth) {
  static const std::vector<std::string> kTemplates = {
      "$substring(?, 1, 2)(s)",
      // Numbers only: partial application of a built-in skips argument
      // validation in jsonata-js (see README.md).
      "($f := $power(?, 2); $map(arr, $f))",
      "%a ~> $sort() ~> $reverse()",
      "($f := $uppercase ~> $trim; $f(%s))",
      "($g := function($x){function($y){$x & $y}}; $g(%s)(%s))",
      "($c := 0; $inc := function(){$c + 1}; $c := 10; $inc())",
      "objs^(k, >v).[k, v]",
      "objs^(>k).v",
      "objs{k: $count(tags)}",
      "objs{$string(v > 1): k}",
      "objs{k & '-': v}",
      "objs{v: k}",
      "**.p",
      "**[$type($) = 'number']",
      "objs[v > $$.n].k",
      "arr[[1..3]]",
      "objs[0].tags[]",
      "objs.tags[]",
      "%b ? %x",
      // The left of ?? and ?: is a regex-free operand: jsonata 2.2.2 deep-copies
      // it through JSON, which loses regex literals and loops forever.
      "%v ?? %x",
      "%v ?: %x",
      "missing ?? %x",
      "%s < %s",
      "$sift(%o, function($v, $k){$k != 'a'})",
      "$each(nested.a, function($v, $k){{$k: $v}})",
      "$match(%s, /[aeiou]/, %i)",
      "$match('a1b22c333', /\\d+/)",
      "$replace(%s, /[aeiou]/, function($m){$uppercase($m.match)})",
      "$replace('2024-01-15', /(\\d+)-(\\d+)-(\\d+)/, '$3/$2/$1')",
      "$split(%s, function($s){ {'match': 'x', 'start': %i, 'end': 2, 'groups': [], "
      "'next': function(){()}} })",
      "$replace(%s, /[aeiou]/, '<$0>', %i)",
      "$toMillis(%s)",
      "$toMillis('2024-0' & %i & '-01T00:00:00Z')",
      "$formatNumber(%f, '#,##0.###')",
      "$formatNumber(%f, '0.00;(0.00)')",
      "($a := 1; ($a := 2; $b := $a); [$a, $b])",
      "$zip(%a, %a, %a)",
      "$append(missing, %x)",
      "%s in %a",
      "-%a",
      "$map(%a, function($v, $i, $arr){$i & '/' & $count($arr)})",
      "$string(%x, true)",
      "$round(%n, -1)",
      "$keys(objs)",
      "$distinct(objs.k)",
      "$distinct(objs.{'k': k})",
      "[%x][%i]",
      "%a[-1]",
      "%a[0][0]",
      "(%a)[0]",
      "%a.$string()",
      "%a.($ & '')",
      "objs.$keys()",
      "objs.(k & v)",
      "nested.list.p.$",
      "$.n",
      "$$.objs[1]",
      "objs[k = 'x'][v = 3]",
      "objs[k = 'x'].v[1]",
      "objs[[0, 2]].k",
      "[1, [2, [3, 4]], 5][1]",
      "[[1, 2], [3]].$",
      "[1, 2, 3].[$, $ * 2]",
      "{'x': [1, 2]}.x[]",
      "$count([1, 2, 3][$ > 5])",
      "objs[v > 1]{k: v}",
      "($s := %s; $length($s) > 3 ? $substring($s, 0, 3) : $s)",
      "$reduce(%a, function($acc, $v, $i){$acc + $i}, 0)",
      "$filter(objs, function($o){$o.v % 2 = 1}).k",
      "$sort(%a, function($a, $b){$a < $b})",
      "$single(objs, function($o){$o.k = 'y'}).v",
      "$lookup(nested, 'a').b.c",
      "$spread(objs[0])",
      "$merge(objs)",
      "$type(%x) & ':' & $string(%x)",
      "$number(%s)",
      "$length(%s) = $count($split(%s, ''))",
      "$contains(%s, %s)",
      "$split(%s, %s)",
      "$join($split(%s, ''), '.')",
      "$trim('  ' & %s & '  ')",
      "$pad($string(%n), 8, '0')",
      "$pad($string(%n), -8, '.')",
      "$abs(%n) & ''",
      "%n & ''",
      "$string(%n / 3)",
      "$string(%n * 1e20)",
      "$floor(%n / 7) * 7 + %n % 7",
      "$exists(%x.missing)",
      "[%i..%i]",
      "$count([0..%i])",
      "$sum([1..100])",
  };
  std::string t = kTemplates[static_cast<size_t>(Pick(static_cast<int>(kTemplates.size())))];
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] != '%' || i + 1 >= t.size()) {
      out.push_back(t[i]);
      continue;
    }
    char k = t[++i];
    int d = depth + 1;
    if (k == 'i') {
      out += std::to_string(Pick(12) - 3);
    } else if (k == 'f') {
      out += Choose({"n", "m", "big", "arr[1]", "12.345", "-0.5", "0", "1e6"}, Pick(8));
    } else if (k == 'v') {
      out += Choose({"missing", "z", "n", "objs.w", "arr[9]", "s", "empty", "eo", "b", "''", "0",
                     "objs[k='q']", "$count(arr)", "arr[$ > 2]"},
                    Pick(14));
    } else if (k == 'n')
      out += Number(d);
    else if (k == 's')
      out += String(d);
    else if (k == 'b')
      out += Bool(d);
    else if (k == 'a')
      out += Array(d);
    else if (k == 'o')
      out += Object(d);
    else
      out += Gen(Kind::kAny, d);
  }
  return out;
}

}  // namespace stepwise::jsonata::testing
