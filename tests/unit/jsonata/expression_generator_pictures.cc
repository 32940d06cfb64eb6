// ExpressionGenerator::Picture: picture strings ($formatInteger,
// $parseInteger, $formatNumber exponents, $fromMillis/$toMillis pictures
// and timezones), $eval, the transform operator and Unicode case mapping.
// Split from expression_generator.cc to keep each file small.
#include "tests/unit/jsonata/expression_generator.h"

namespace stepwise::jsonata::testing {
namespace {

std::string Choose(std::initializer_list<const char*> options, int index) {
  return options.begin()[index % static_cast<int>(options.size())];
}

}  // namespace

std::string ExpressionGenerator::Picture(int depth) {
  int d = depth + 1;
  switch (Pick(15)) {
    case 0:
      return "$formatInteger(" + Number(d) + ", " +
             Choose({"'0'", "'000'", "'#,##0'", "'w'", "'W'", "'Ww'", "'i'", "'I'", "'a'", "'A'",
                     "'0;o'", "'w;o'", "'#,##,##0'", "'# ##0'", "'٠٠'", "'x'"},
                    Pick(16)) +
             ")";
    case 1:
      return "$parseInteger(" +
             Choose({"'12,345'", "'twenty-one'", "'MMXXIV'", "'xlii'", "'ab'", "'21st'", "'007'",
                     "'one hundred and one'", "''"},
                    Pick(9)) +
             ", " +
             Choose({"'#,##0'", "'w'", "'I'", "'i'", "'a'", "'0;o'", "'000'", "'0'"}, Pick(8)) +
             ")";
    case 2:
      return "$formatNumber(" + Choose({"n", "m", "big", "0.000123", "-98765", "0"}, Pick(6)) +
             ", " +
             Choose({"'0.00e0'", "'#.##e0'", "'00.0e00'", "'0e0'", "'.00e0'", "'0.0e'"}, Pick(6)) +
             ")";
    case 3:
      return "$fromMillis(" + std::to_string(Pick(4000000) * 1000000LL - 1000000000000LL) + ", " +
             Choose({"'[Y0001]-[M01]-[D01]'", "'[D1o] [MNn] [Y]'", "'[FNn], [D] [MNn,3-3]'",
                     "'[h]:[m01] [P]'", "'[H01]:[m01]:[s01].[f001] [Z]'", "'[YI] [Mi] [Dw]'",
                     "'[d] [W] [w] [X] [x] [F1]'", "'[Y,2]/[M,2]'", "'[z]'", "'[q]'", "'[Y'"},
                    Pick(11)) +
             (Pick(2) ? std::string(", ") + Choose({"'+0530'", "'-0800'", "'0000'"}, Pick(3))
                      : "") +
             ")";
    case 4:
      return "$toMillis(" +
             Choose({"'2018-03-23', '[Y]-[M]-[D]'", "'23 March 2018', '[D] [MNn] [Y]'",
                     "'2018-082', '[Y]-[d]'", "'2018-03-23 4:05 pm', '[Y]-[M]-[D] [h]:[m] [P]'",
                     "'MMXVIII', '[YI]'",
                     "'2018-03-23T10:33:36.617+05:30', "
                     "'[Y]-[M]-[D]T[H]:[m]:[s].[f][Z]'",
                     "'2018 10', '[Y] [H]'", "'x', '[Y]'"},
                    Pick(8)) +
             ")";
    case 5:
      return "$eval(" +
             Choose({"'n + 1'", "'$sum(arr)'", "'objs.k'", "'1 +'", "'s & 1'"}, Pick(5)) +
             (Pick(2) ? ", " + Gen(Kind::kAny, d) : "") + ")";
    case 6:
      return "$string($ ~> |" + Choose({"objs", "nested.a", "nested.list", "$"}, Pick(4)) + "|" +
             Choose({"{'added': 1}", "{}", "5", "{'k': k & '!'}"}, Pick(4)) +
             (Pick(2) ? std::string(", ") + Choose({"'k'", "['v', 'tags']", "5"}, Pick(3)) : "") +
             "|)";
    case 7:
      return std::string(Choose({"$uppercase(", "$lowercase("}, Pick(2))) +
             Choose({"'straße'", "'ΟΔΟΣ'", "'İi'", "'ǆ ﬁ'", "'Привет'", "'😀a'"}, Pick(6)) + ")";
    case 8:
      // Non-ASCII subjects (UTF-16 offsets, case folding, classes); no
      // pattern here can cut an emoji in half (a lone surrogate differs).
      return "$string($match(" +
             Choose({"'é😀a'", "'€a€a'", "s", "'ÉcoLE école'", "'日本 語'"}, Pick(5)) + ", " +
             Choose({"/a/", "/é/i", "/[^a]+/", "/\\w+/", "/\\s|€/", "/(é)|(a)/", "/[à-ÿ]/i"},
                    Pick(7)) +
             "))";
    case 9:
      return "$formatInteger($parseInteger(" + String(d) + ", 'w'), 'w')";
    case 10:
      return "$string($clone(" + Object(d) + "))";
    case 11:
      return "$formatNumber(" + Number(d) + ", '#,##0.0##e0')";
    case 12:
      return "$string(" +
             Choose({"objs#$i", "objs[v > 1]#$i", "arr^($)#$i", "strs#$i", "objs.tags#$i"},
                    Pick(5)) +
             Choose({"[$i > 0]", "[$i = 1]", "", "[0]"}, Pick(4)) + ".{'i': $i, 'v': $}" + ")";
    case 13:
      return "$string(" +
             Choose(
                 {"objs@$o.strs@$s.($o.k & $s)", "objs@$o.arr@$a[$a = $o.v].{'k': $o.k, 'a': $a}",
                  "objs@$o#$i.{'i': $i, 'k': $o.k}", "arr@$x^(>$x).($x * 2)", "objs@$o[0]"},
                 Pick(5)) +
             ")";
    default:
      return "$string(" +
             Choose({"objs.tags.{'t': $, 'k': %.k}", "nested.list.p.{'p': $, 'q': %.q}",
                     "nested.a.b.c.{'c': $, 'up': %.%.b}", "objs.tags[%.v > 1]", "objs^(%.k).v",
                     "%.x", "objs{%.k: v}", "nested.list.p.%.%"},
                    Pick(8)) +
             ")";
  }
}

}  // namespace stepwise::jsonata::testing
