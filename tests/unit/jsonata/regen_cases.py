#!/usr/bin/env python3
"""Regenerates cases/*.json: runs every expression below through the
reference implementation (npm jsonata, via run_jsonata.mjs) and records its
result or error code. Review the diff before committing.

  python3 tests/unit/jsonata/regen_cases.py   # needs node + npm ci --prefix tests/differential
"""
import json
import os
import subprocess
import tempfile

import cases_pictures  # noqa: E402  (picture strings and $eval)
import cases_regex  # noqa: E402  (non-ASCII regexes, regex closures, custom matchers)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

ACCOUNT = {
    "Account": {
        "Account Name": "Firefly",
        "Order": [
            {"OrderID": "order103", "Product": [
                {"Product Name": "Bowler Hat", "ProductID": 858383, "SKU": "0406654608",
                 "Description": {"Colour": "Purple", "Width": 300, "Height": 200, "Depth": 210, "Weight": 0.75},
                 "Price": 34.45, "Quantity": 2},
                {"Product Name": "Trilby hat", "ProductID": 858236, "SKU": "0406634348",
                 "Description": {"Colour": "Orange", "Width": 300, "Height": 200, "Depth": 210, "Weight": 0.6},
                 "Price": 21.67, "Quantity": 1}]},
            {"OrderID": "order104", "Product": [
                {"Product Name": "Bowler Hat", "ProductID": 858383, "SKU": "040657863",
                 "Description": {"Colour": "Purple", "Width": 300, "Height": 200, "Depth": 210, "Weight": 0.75},
                 "Price": 34.45, "Quantity": 4},
                {"ProductID": 345664, "SKU": "0406654603", "Product Name": "Cloak",
                 "Description": {"Colour": "Black", "Width": 30, "Height": 20, "Depth": 210, "Weight": 2},
                 "Price": 107.99, "Quantity": 1}]}]}}

PERSON = {
    "FirstName": "Fred", "Surname": "Smith", "Age": 28,
    "Address": {"Street": "Hursley Park", "City": "Winchester", "Postcode": "SO21 2JN"},
    "Phone": [{"type": "home", "number": "0203 544 1234"},
              {"type": "office", "number": "01962 001234"},
              {"type": "office", "number": "01962 001235"},
              {"type": "mobile", "number": "077 7700 1234"}],
    "Email": [{"type": "work", "address": ["fred.smith@my-work.com", "fsmith@my-work.com"]},
              {"type": "home", "address": ["freddy@my-social.com", "frederic.smith@very-serious.com"]}],
    "Other": {"Over 18 ?": True, "Misc": None, "Alternative.Address": {"Street": "Brick Lane", "City": "London", "Postcode": "E1 6RF"}}}

NUMS = {"a": 5, "b": 2, "c": [1, 2, 3, 4], "d": [{"x": 1}, {"x": 2}, {"x": 3}], "s": "Hello World", "n": None, "t": True, "e": [], "o": {}}

# category -> list of (expression, input or None for no input, bindings or None)
CASES = {
    "literals": [
        ("1", None), ("-1", None), ("1.5e3", None), ("'single'", None), ('"double\\n"', None),
        ('"\\u00e9t\\u00e9"', None), ("true", None), ("false", None), ("null", None),
        ("[]", None), ("{}", None), ("[1, 'a', true, null]", None), ("{'a': 1, 'b': [2]}", None),
        ("/* comment */ 42", None), ("0.1 + 0.2", None), ("1e21", None), ("123456789012345678", None),
    ],
    "paths": [
        ("Account.`Account Name`", ACCOUNT), ("Account.Order.OrderID", ACCOUNT),
        ("Account.Order[0].OrderID", ACCOUNT), ("Account.Order[-1].OrderID", ACCOUNT),
        ("Account.Order[1].Product[0].Price", ACCOUNT), ("Account.Order.Product.Price", ACCOUNT),
        ("Account.Order.Product[0].Price", ACCOUNT), ("(Account.Order.Product)[0].Price", ACCOUNT),
        ("Account.Order.Product.`Product Name`", ACCOUNT), ("Account.Order[2]", ACCOUNT),
        ("Account.Order[0].Product.Description.Colour", ACCOUNT), ("Account.Nothing.Here", ACCOUNT),
        ("Account.Order[OrderID='order104'].Product.SKU", ACCOUNT),
        ("Account.Order.Product[Price > 30].`Product Name`", ACCOUNT),
        ("Account.Order.Product[Quantity = 1][0].ProductID", ACCOUNT),
        ("Account.Order[0].Product[[0,1]].Price", ACCOUNT), ("Account.Order[[0..1]].OrderID", ACCOUNT),
        ("Account.Order.Product.Price[0]", ACCOUNT), ("Account.Order.Product[].Price", ACCOUNT),
        ("Account.Order[0].Product[0].Description.*", ACCOUNT), ("Account.*.OrderID", ACCOUNT),
        ("**.Colour", ACCOUNT), ("Account.Order[1].**.Weight", ACCOUNT), ("*", NUMS), ("*.x", NUMS),
        ("$", NUMS), ("$.a", NUMS), ("$$.b", NUMS), ("d.x", NUMS), ("d[x>1].x", NUMS), ("d[1]", NUMS),
        ("c[0]", NUMS), ("c[-1]", NUMS), ("c[5]", NUMS), ("c[1.7]", NUMS), ("c[[0, 2]]", NUMS), ("c[$ > 2]", NUMS),
        ("e", NUMS), ("e[0]", NUMS), ("o", NUMS), ("n", NUMS), ("missing", NUMS), ("missing.deeper", NUMS),
        ("Phone[type='office'].number", PERSON), ("Phone[0]", PERSON), ("Phone[-1].type", PERSON),
        ("Email.address", PERSON), ("Email[type='home'].address[0]", PERSON), ("Email.address[0]", PERSON),
        ("Other.`Over 18 ?`", PERSON), ("Other.Misc", PERSON), ("Other.`Alternative.Address`.City", PERSON),
        ("Address.(Street & ', ' & City)", PERSON), ("Phone.{type: number}", PERSON),
        ("Phone{type: number}", PERSON), ("Phone{type: number[]}", PERSON),
        ("Phone.[type, number]", PERSON), ("[Phone.type]", PERSON), ("Phone[type='mobile'][]", PERSON),
        ("$[0]", [1, 2, 3]), ("$[-1]", [1, 2, 3]), ("$", [1, 2, 3]), ("$.x", [{"x": 1}, {"x": 2}]),
        ("x", [{"x": 1}, {"x": [2, 3]}]), ("[1,2,3][1]", None), ("[[1,2],[3]][0]", None),
        ("[[1,2],[3]][0][1]", None), ("[1,2,3][$ > 1]", None), ("a.b.c", {"a": {"b": {"c": [1]}}}),
        ("a.b.c", {"a": [{"b": {"c": 1}}, {"b": {"c": 2}}]}), ("a[0].b", {"a": [{"b": [1, 2]}]}),
        ("foo.bar", {"foo": [{"bar": [1, 2]}, {"bar": 3}]}), ("foo.bar[0]", {"foo": [{"bar": [1, 2]}, {"bar": 3}]}),
        ("$count(foo.bar)", {"foo": [{"bar": [1, 2]}, {"bar": 3}]}), ("a.(b + 1)", {"a": [{"b": 1}, {"b": 2}]}),
        ("and", {"and": 1}), ("or.in", {"or": {"in": 2}}), ("`a b`.c", {"a b": {"c": 3}}),
    ],
    "operators": [
        ("1 + 2", None), ("7 - 10", None), ("3 * 4", None), ("7 / 2", None), ("7 % 3", None), ("-7 % 3", None),
        ("2 + 3 * 4", None), ("(2 + 3) * 4", None), ("-a", NUMS), ("a + b", NUMS), ("a * missing", NUMS),
        ("missing + 1", NUMS), ("'x' + 1", None), ("1 + 'x'", None), ("true + 1", None), ("-'x'", None),
        ("1 / 0", None), ("a = 5", NUMS), ("a != 5", NUMS), ("s = 'Hello World'", NUMS), ("a < b", NUMS),
        ("a >= 5", NUMS), ("'a' < 'b'", None), ("'B' < 'a'", None), ("1 < 'a'", None), ("missing < 1", NUMS),
        ("true < false", None), ("[1] = [1]", None), ("{'a':1} = {'a':1}", None), ("missing = missing", NUMS),
        ("1 = '1'", None), ("null = null", None), ("true and false", None), ("true or false", None),
        ("a > 1 and b > 1", NUMS), ("missing or true", NUMS), ("e and true", NUMS), ("'' or 0", None),
        ("3 in c", NUMS), ("9 in c", NUMS), ("'a' in 'a'", None), ("'a' in ['b', 'a']", None),
        ("s & '!'", NUMS), ("1 & 2", None), ("true & null", None), ("missing & 'x'", NUMS), ("c & ''", NUMS),
        ("{'a': 1} & ''", None), ("0.1 + 0.2 & ''", None), ("[1..5]", None), ("[5..1]", None), ("[1..1]", None),
        ("[0..2, 5]", None), ("[1.5..3]", None), ("['a'..3]", None), ("[1..missing]", None),
        ("a > 3 ? 'big' : 'small'", NUMS), ("a < 3 ? 'big'", NUMS), ("missing ? 1 : 2", NUMS),
        ("c ? 'yes' : 'no'", NUMS), ("e ? 'yes' : 'no'", NUMS), ("o ? 'yes' : 'no'", NUMS),
        ("s ?: 'default'", NUMS), ("missing ?: 'default'", NUMS), ("missing ?? 'default'", NUMS),
        ("n ?? 'default'", NUMS), ("missing ?? 1 + 2", NUMS), ("0 ?: 1 + 2", None), ("a ?: b = 2", NUMS),
        ("(1/0) + 1", None), ("-(1/0)", None), ("$boolean(1/0)", None), ("$string(1/0)", None), ("$string([1/0])", None), ("$type(0/0)", None), ("$string(1e20/3)", None),
        ("$string(2e20/3 * 3)", None), ("$string({'a': 0.1 + 0.2})", None), ("c[0] + c[1] * c[2]", NUMS), ("$sum(c) / $count(c)", NUMS),
        ("2 * -3", None), ("--3", None), ("1 - -1", None),
    ],
    "constructors": [
        ("[a, b]", NUMS), ("[c, 5]", NUMS), ("[[c], 5]", NUMS), ("[missing, 1]", NUMS), ("[d.x]", NUMS),
        ("{'sum': a + b, 'list': c}", NUMS), ("{'k': missing}", NUMS), ("{s: a}", NUMS),
        ("d.{'v': x}", NUMS), ("d{'all': x}", NUMS), ("d.[x]", NUMS), ("d.[x, x * 2]", NUMS),
        ("{'a': 1, 'a': 2}", None), ("{1: 2}", None),
        ("Account.Order.Product{`Product Name`: Price}", ACCOUNT),
        ("Account.Order.Product{`Product Name`: $sum(Price)}", ACCOUNT),
        ("Account.Order.Product{`Product Name`: Price[]}", ACCOUNT),
        ("Account.Order{OrderID: $sum(Product.(Price * Quantity))}", ACCOUNT),
        ("Account.Order.{'id': OrderID, 'total': $sum(Product.(Price * Quantity))}", ACCOUNT),
        ("Account.Order.Product.{'name': `Product Name`, 'colour': Description.Colour}", ACCOUNT),
        ("{'nested': {'deeper': [1, {'x': a}]}}", NUMS), ("{'b': 1, '2': 2, '10': 3, '1': 4}", None),
        ("$keys($)", {"z": 1, "3": 2, "a": 3, "01": 4, "1": 5}), ("$string({'x': 1, '0': 2})", None), ("[{}, []]", None), ("[[]]", None),
    ],
    "variables": [
        ("$x := 5", None), ("($x := 5; $x * 2)", None), ("($x := 1; $y := $x + 1; [$x, $y])", None),
        ("$unbound", None), ("$v", None, {"v": [1, 2]}), ("$v.k", None, {"v": {"k": "val"}}),
        ("$states.input.a", None, {"states": {"input": {"a": 1}}}),
        ("$sum($states.input.items)", None, {"states": {"input": {"items": [1, 2, 3]}}}),
        ("($a := 1; ($a := 2); $a)", None), ("(a; b)", NUMS), ("()", None), ("( )", NUMS),
        ("$a := $b := 3", None), ("[1,2,3].($x := $; $x * 10)", None), ("$.($ := 1)", NUMS),
        ("(5 := 1)", None), ("$string := 1", None), ("$", None), ("$$", None),
    ],
    "lambdas": [
        ("function($x){$x * 2}(21)", None), ("($f := function($x, $y){$x + $y}; $f(1, 2))", None),
        ("($f := λ($x){$x * $x}; $f(4))", None), ("($f := function($x){$x}; $f())", None),
        ("($fact := function($n){$n <= 1 ? 1 : $n * $fact($n - 1)}; $fact(10))", None),
        ("($fib := function($n){$n < 2 ? $n : $fib($n-1) + $fib($n-2)}; $fib(15))", None),
        ("($add := function($a){function($b){$a + $b}}; $add(2)(3))", None),
        ("($twice := function($f, $x){$f($f($x))}; $twice(function($v){$v * 3}, 2))", None),
        ("($f := function($x)<n:n>{$x + 1}; $f(1))", None), ("($f := function($x)<n:n>{$x + 1}; $f('a'))", None),
        ("($y := 10; $f := function($x){$x + $y}; $y := 20; $f(1))", None),
        ("a ~> function($v){$v * 10}", NUMS), ("c ~> $sum()", NUMS), ("c ~> $map(function($v){$v+1})", NUMS),
        ("s ~> $uppercase ~> $substring(0, 5)", NUMS), ("($f := $uppercase ~> $trim; $f('  ab  '))", None),
        ("a ~> 5", NUMS), ("$notafunction(1)", None), ("uppercase('x')", None), ("5()", None),
        ("($s := $substring(?, 0, 3); $s('abcdef'))", None), ("($f := function($a, $b){$a - $b}; $g := $f(?, 1); $g(10))", None),
        ("($f := function($a, $b){$a - $b}; $g := $f(10, ?); $map([1, 2], $g))", None), ("$x(?)", None), ("($p := $power(2, ?); $p(10))", None),
        ("function($x){$x}", None), ("$map(c, function($v, $i){$v * $i})", NUMS),
        ("$map(c, function($v, $i, $a){$count($a)})", NUMS), ("$map(['1','2'], $number)", None),
        ("$map([1, 2], $string)", None), ("function(x){1}", None),
    ],
    "strings": [
        ("$string(5)", None), ("$string('x')", None), ("$string(true)", None), ("$string(null)", None),
        ("$string([1, 'a', {'b': null}])", None), ("$string({'a': [1, 2]}, true)", None), ("$string(1/3)", None),
        ("$string(1e21)", None), ("$string(0.000001)", None), ("$string(1e-7)", None), ("$string(missing)", None),
        ("$string(100000000000000000000)", None), ("$string(-0.5)", None), ("$string(function(){1})", None),
        ("$length('hello')", None), ("$length('')", None), ("$length('héllo')", None), ("$length(5)", None),
        ("$length()", {"x": 1}), ("s.$length()", NUMS),
        ("$substring('hello world', 3)", None), ("$substring('hello world', 3, 5)", None),
        ("$substring('hello world', -5)", None), ("$substring('hello world', -5, 2)", None),
        ("$substring('hello', 0, -1)", None), ("$substring('hello', 10)", None), ("$substring('hello', -10, 3)", None),
        ("$substringBefore('hello world', ' ')", None), ("$substringBefore('hello', 'x')", None),
        ("$substringAfter('hello world', 'o')", None), ("$substringAfter('hello', 'x')", None),
        ("$uppercase('Hello')", None), ("$lowercase('Hello')", None), ("$uppercase(missing)", NUMS),
        ("$trim('  a   b\\n c  ')", None), ("$pad('x', 5)", None), ("$pad('x', -5)", None), ("$pad('x', 5, '#')", None),
        ("$pad('abc', 2)", None), ("$pad('x', -6, 'ab')", None), ("$contains('hello', 'ell')", None),
        ("$contains('hello', 'xyz')", None), ("$contains('hello', /l+/)", None), ("$contains('hello', /L/i)", None),
        ("$split('a,b,c', ',')", None), ("$split('a,b,c', ',', 2)", None), ("$split('abc', '')", None),
        ("$split('a, b;c', /[,;] ?/)", None), ("$split('a,b', ',', -1)", None), ("$split('', ',')", None),
        ("$join(['a', 'b', 'c'], '-')", None), ("$join(['a', 'b'])", None), ("$join('a', ',')", None),
        ("$join([1, 2], ',')", None), ("$replace('hello', 'l', 'L')", None), ("$replace('hello', 'l', 'L', 1)", None),
        ("$replace('hello', /l(l)?/, '[$0|$1]')", None), ("$replace('John Smith', /(\\w+)\\s(\\w+)/, '$2, $1')", None),
        ("$replace('abc', /b/, function($m){$uppercase($m.match)})", None), ("$replace('abc', '', 'x')", None),
        ("$replace('a$b', '$', 'S')", None), ("$replace('cost 10', /(\\d+)/, '$$$1')", None),
        ("$match('ababbabbcc', /a(b+)/)", None), ("$match('ababbabbcc', /a(b+)/, 1)", None),
        ("$match('xyz', /a/)", None), ("$contains('abc', missing)", None), ("$replace('aaa', /a*/, 'b')", None),
        ("$match('aaa', /a/)", None), ("$split('a1b2c', /\\d/, 2)", None), ("$replace('abc', /x*/, '-')", None), ("$base64encode('Hello, World!')", None), ("$base64decode('SGVsbG8sIFdvcmxkIQ==')", None),
        ("$base64encode('é')", None), ("$encodeUrlComponent('a b&c=d/é')", None), ("$encodeUrl('https://x.com/a b?q=1&r=é')", None),
        ("$decodeUrlComponent('a%20b%26')", None), ("$decodeUrl('https://x.com/a%20b')", None),
        ("$uppercase(1)", None), ("$substring('abc')", None), ("$join(['a'], 1)", None), ("$contains(1, 'a')", None),
        ("'Hello' & ' ' & 'World'", None), ("$string([1,2][0])", None),
    ],
    "numeric": [
        ("$number('42')", None), ("$number('-3.5e2')", None), ("$number('0x1F')", None), ("$number(true)", None),
        ("$number('abc')", None), ("$number('')", None), ("$number(' 1')", None), ("$number(null)", None),
        ("$number(missing)", NUMS), ("$abs(-5.5)", None), ("$floor(-2.5)", None), ("$ceil(2.1)", None),
        ("$round(2.5)", None), ("$round(3.5)", None), ("$round(-2.5)", None), ("$round(1.2345, 2)", None),
        ("$round(1.005, 2)", None), ("$round(1234.5, -2)", None), ("$round(0.5)", None), ("$round(-0.4)", None),
        ("$power(2, 10)", None), ("$power(2, -1)", None), ("$power(10, 400)", None), ("$sqrt(16)", None),
        ("$sqrt(-1)", None), ("$formatBase(255, 16)", None), ("$formatBase(-10, 2)", None), ("$formatBase(10)", None),
        ("$formatBase(10, 1)", None), ("$formatNumber(1234.5678, '#,##0.00')", None), ("$formatNumber(0.5, '0%')", None),
        ("$formatNumber(12, '000')", None), ("$formatNumber(-1234.5, '#,##0.0')", None), ("$formatNumber(3.14159, '0.00')", None),
        ("$formatNumber(1234567.891, '#,###.##')", None), ("$sum([1, 2, 3])", None), ("$sum([])", None), ("$sum(missing)", NUMS),
        ("$sum(5)", None), ("$sum(['a'])", None), ("$max([1, 5, 3])", None), ("$min([4, -1])", None), ("$max([])", None),
        ("$average([1, 2, 3, 4])", None), ("$average([])", None), ("$count([1, 2])", None), ("$count([])", None),
        ("$count(missing)", NUMS), ("$count(5)", None), ("$count(d)", NUMS), ("$sum(d.x)", NUMS),
        ("$sum(Account.Order.Product.(Price * Quantity))", ACCOUNT), ("$max(Account.Order.Product.Price)", ACCOUNT),
    ],
    "boolean": [
        ("$boolean(0)", None), ("$boolean(1)", None), ("$boolean('')", None), ("$boolean('a')", None),
        ("$boolean([])", None), ("$boolean([0])", None), ("$boolean([0, 1])", None), ("$boolean({})", None),
        ("$boolean({'a': 1})", None), ("$boolean(null)", None), ("$boolean(missing)", NUMS),
        ("$boolean(function(){1})", None), ("$not(true)", None), ("$not('')", None), ("$not(missing)", NUMS),
        ("$exists(a)", NUMS), ("$exists(missing)", NUMS), ("$exists(n)", NUMS), ("$exists(e)", NUMS),
    ],
    "arrays": [
        ("$append([1, 2], [3])", None), ("$append(1, 2)", None), ("$append([1], missing)", NUMS),
        ("$sort([3, 1, 2])", None), ("$sort(['b', 'a', 'C'])", None), ("$sort([1, 'a'])", None),
        ("$sort(d, function($l, $r){$l.x < $r.x})", NUMS), ("$sort([{'a': 2}, {'a': 1}], function($l, $r){$l.a > $r.a})", None),
        ("$reverse([1, 2, 3])", None), ("$reverse([])", None), ("$distinct([1, 2, 1, 3, 2])", None),
        ("$distinct([{'a': 1}, {'a': 1}, [1], [1]])", None), ("$distinct(Account.Order.Product.Description.Colour)", ACCOUNT),
        ("$zip([1, 2, 3], [4, 5], [7, 8, 9])", None), ("$zip([1, 2])", None), ("$zip(1, 2)", None),
        ("$filter(c, function($v){$v % 2 = 0})", NUMS), ("$filter(c, function($v, $i){$i < 2})", NUMS),
        ("$filter(c, function($v){$v > 3})", NUMS), ("$map(c, function($v){$v * 2})", NUMS), ("$map(missing, $string)", NUMS),
        ("$map(c, function($v){$v > 2 ? $v})", NUMS), ("$reduce(c, function($a, $b){$a + $b})", NUMS),
        ("$reduce(c, function($a, $b){$a + $b}, 100)", NUMS), ("$reduce(c, function($a){$a})", NUMS),
        ("$reduce([], function($a, $b){$a + $b})", None), ("$reduce(c, function($a, $b, $i){$a + $b * $i})", NUMS),
        ("$single([1, 2, 3], function($v){$v = 2})", None), ("$single([1, 2, 3], function($v){$v > 1})", None),
        ("$single([1, 2, 3], function($v){$v > 5})", None), ("$single([7])", None), ("$count([1,2,3][$ > 1])", None),
        ("Account.Order.Product^(Price).`Product Name`", ACCOUNT), ("Account.Order.Product^(>Price).Price", ACCOUNT),
        ("Account.Order.Product^(>Quantity, Price).SKU", ACCOUNT), ("d^(>x).x", NUMS), ("c^($)", NUMS),
        ("[3, 1, 2]^($)", None), ("[{'k': 'b'}, {'k': 'a'}, {}]^(k).k", None), ("[1, 'a']^($)", None),
        ("$sort(Account.Order.Product.Price)", ACCOUNT), ("$append(c, d.x)", NUMS), ("$distinct(5)", None),
    ],
    "objects": [
        ("$keys({'a': 1, 'b': 2})", None), ("$keys([{'a': 1}, {'b': 2, 'a': 3}])", None), ("$keys(5)", None),
        ("$keys({})", None), ("$keys(Address)", PERSON), ("$lookup({'a': 1}, 'a')", None), ("$lookup({'a': 1}, 'b')", None),
        ("$lookup([{'a': 1}, {'a': [2, 3]}], 'a')", None), ("$spread({'a': 1, 'b': 2})", None),
        ("$spread([{'a': 1}, {'b': 2}])", None), ("$spread(5)", None), ("$merge([{'a': 1}, {'b': 2}, {'a': 3}])", None),
        ("$merge([])", None), ("$merge({'a': 1})", None), ("$each({'a': 1, 'b': 2}, function($v, $k){$k & '=' & $v})", None),
        ("$each(Address, function($v){$uppercase($v)})", PERSON), ("$sift({'a': 1, 'b': 2, 'c': 3}, function($v){$v > 1})", None),
        ("$sift({'a': 1, 'b': 2}, function($v, $k){$k = 'a'})", None), ("$sift({'a': 1}, function($v){$v > 5})", None),
        ("$type(1)", None), ("$type('a')", None), ("$type(null)", None), ("$type(true)", None), ("$type([])", None),
        ("$type({})", None), ("$type(missing)", NUMS), ("$type($type)", None), ("$type(function(){1})", None),
        ("$error('boom')", None), ("$error()", None), ("$assert(1 = 1, 'fine')", None), ("$assert(1 = 2, 'not equal')", None),
        ("$assert(false)", None), ("$assert('x')", None),
    ],
    "dates": [
        ("$fromMillis(0)", None), ("$fromMillis(1700000000123)", None), ("$fromMillis(-1)", None),
        ("$toMillis('1970-01-01T00:00:00.000Z')", None), ("$toMillis('2023-11-14T22:13:20.123Z')", None),
        ("$toMillis('2024-02-29')", None), ("$toMillis('2024-02-29T12:00:00+02:00')", None),
        ("$toMillis('not a date')", None), ("$toMillis('2024-13-01')", None), ("$toMillis('2024-06-30T23:59:59.5Z')", None), ("$toMillis(missing)", NUMS), ("$fromMillis($toMillis('2020-05-06T07:08:09.010Z'))", None),
    ],
    "errors": [
        ("(", None), (")", None), ("1 +", None), ("[1, 2", None), ("{'a' 1}", None), ("'unterminated", None),
        ("`name", None), ("/* open", None), ("$f(", None), ("a.5", None), ("a.true", None), ("1 ! 2", None),
        ("function(1){1}", None), ("'\\q'", None), ("'\\u00g1'", None), ("a[]", NUMS), ("1 2", None),
        ("a b", None), ("*", None), ("a ~> ", None), ("c[", NUMS), ("{}{}", None),
    ],
}

for _entries in cases_pictures.CASES.values():  # named documents
    for _i, _e in enumerate(_entries):
        if _e[1] in ("ACCOUNT", "PERSON", "NUMS"):
            _entries[_i] = (_e[0], globals()[_e[1]]) + tuple(_e[2:])
CASES.update(cases_pictures.CASES)
CASES.update(cases_regex.CASES)

# Not portable to the reference run: $now/$millis/$random/$uuid depend on the clock or RNG.


def main():
    cases = []
    for category, entries in CASES.items():
        for i, entry in enumerate(entries):
            expr, data = entry[0], entry[1]
            c = {"id": f"{category}:{i}", "expr": expr}
            if data is not None:
                c["input"] = data
            if len(entry) > 2 and entry[2]:
                c["bindings"] = entry[2]
            cases.append(c)
    with tempfile.TemporaryDirectory() as tmp:
        cases_path = os.path.join(tmp, "cases.json")
        results_path = os.path.join(tmp, "results.json")
        with open(cases_path, "w") as f:
            json.dump(cases, f)
        subprocess.run(["node", os.path.join(HERE, "run_jsonata.mjs"), cases_path, results_path,
                        os.path.join(ROOT, "tests", "differential")], check=True)
        with open(results_path) as f:
            results = {r["id"]: r for r in json.load(f)}
    by_category = {}
    for c in cases:
        r = results[c["id"]]
        out = {"expr": c["expr"]}
        for k in ("input", "bindings"):
            if k in c:
                out[k] = c[k]
        if r["status"] == "value":
            out["result"] = r["value"]
        elif r["status"] == "undefined":
            out["undefined"] = True
        elif r["status"] == "error":
            out["error"] = r["code"]
        else:
            continue  # functions are not JSON results
        by_category.setdefault(c["id"].split(":")[0], []).append(out)
    os.makedirs(os.path.join(HERE, "cases"), exist_ok=True)
    for category, entries in by_category.items():
        with open(os.path.join(HERE, "cases", category + ".json"), "w") as f:
            f.write("[\n")
            f.write(",\n".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in entries))
            f.write("\n]\n")
        print(category, len(entries))


if __name__ == "__main__":
    main()
