"""Cases for regexes on non-ASCII text, JavaScript regex syntax, regex
closures and custom matcher functions (imported by regen_cases.py). JavaScript regexes (no `u` flag)
work on UTF-16 code units, so `.` matches half of an emoji: expressions
here avoid results holding such a lone surrogate (Stepwise's strings are
UTF-8 and turn it into U+FFFD), and count or index them instead."""

# A custom matcher: every "ab" from $from on, without a regex.
FIND_AB = ("$find := function($s, $from) {("
           "  $rest := $substring($s, $from);"
           "  $contains($rest, 'ab') ? ("
           "    $start := $from + $length($substringBefore($rest, 'ab'));"
           "    {'match': 'ab', 'start': $start, 'end': $start + 2, 'groups': [$string($start)],"
           "     'next': function() { $find($s, $start + 2) }}"
           "  )"
           ")}; $ab := function($s) { $find($s, 0) };")

# Always matches once, at UTF-16 offsets 2..3 (after an emoji).
AT_2 = "function($s){ {'match': 'x', 'start': 2, 'end': 3, 'groups': [], 'next': function(){()}} }"

CASES = {
    "regex_unicode": [
        ("$count($match('é😀a', /./))", None), ("$match('é😀a', /./).index", None),
        ("$match('é😀a', /./)[0]", None), ("$match('é😀a', /a/)", None),
        ("$match('xÉé', /é+/i)", None), ("$match('ÉCOLE école', /é/i)", None),
        ("$match('STRASSE straße', /ß/i)", None), ("$match('\u212a k', /k/i)", None),
        ("$match('ſ s', /s/i)", None), ("$match('Ünïcödé', /[à-ÿ]+/i)", None),
        ("$match('ΑΒΓ αβγ', /[α-γ]+/i)", None), ("$match('AbC', /[a-z]+/i)", None),
        ("$match('abc', /[A-Z]+/i)", None), ("$match('éa_1 ', /\\w+/)", None),
        ("$match('é1', /\\W/)", None), ("$match('١٢3', /\\d/)", None),
        ("$match('a\\u00a0b\\u3000c\\ufeffd\\u2028e', /\\s/).index", None),
        ("$match('😀😀', /😀+/)", None), ("$count($match('😀😀', /[😀]/))", None),
        ("$match('😀x', /x/).index", None), ("$split('a😀b', /😀/)", None),
        ("$split('a😀b😀😀c', /[😀]+/)", None), ("$split('a😀b', /./)", None),
        ("$replace('😀', /./, 'x')", None), ("$replace('naïve café', /[éï]/, '_')", None),
        ("$replace('日本語テキスト', /本(.)/, '[$1]')", None), ("$match('日本語', /.$/)", None),
        ("$contains('日本語', /本/)", None), ("$contains('Ünïcödé', /CÖD/i)", None),
        ("$split('一、二、三', /、/)", None), ("$split('一、二、三', /、/, 2)", None),
        ("$match('a\\nb\\nc', /^\\w$/m)", None), ("$match('a\\nb\\nc', /^\\w$/)", None),
        ("$match('a\\rb', /^b/m)", None), ("$match('a\\u2028b', /^b/m)", None),
        ("$match('x\\u2029y', /x$/m)", None), ("$match('a\\u2028b', /a.b/)", None),
        ("$match('a\\nb', /a.b/)", None), ("$match('ab', /(?<first>a)(?<second>b)/)", None),
        ("$match('abab', /(?<x>ab)\\k<x>/)", None),
        ("$replace('2024-01-15', /(?<y>\\d+)-(?<m>\\d+)-(?<d>\\d+)/, '$3/$2/$1')", None),
        ("$match('€100 £200', /[€£](\\d+)/)", None), ("$match('écafé', /\\bcaf/)", None),
        ("$match('éé', /\\Bé/)", None), ("$uppercase($match('straße', /.{2}$/).match)", None),
        ("$length($replace('😀😀', /\\ud83d/, ''))", None),
        ("$replace('😀x😀', /x/, function($m){$string($m.start) & '-' & $string($m.end)})", None),
        ("$match('ÀÉ', /[\\u00c0-\\u00c9]+/)", None), ("$match('😀', /\\ud83d\\ude00/)", None),
        ("$match('Ǆ ǅ ǆ', /ǆ/i).index", None), ("$match('ΣσςΣ', /σ+/i)", None),
    ],
    # JavaScript (non-`u`, Annex B) syntax and semantics that the translation
    # to PCRE2 (orchestrator/asl/jsonata/js_pattern.h) spells out.
    "regex_syntax": [
        ("$match('a\\r\\nb', /^b/m).index", None), ("$match('a\\r\\nb', /a$/m).index", None),
        ("$match('a\\r\\n', /\\r$/m).index", None), ("$match('ab\\n', /b$/)", None),
        ("$contains('a\\nb', /a$/)", None), ("$contains('a\\nb', /^b/)", None),
        ("/^b/('ab', 1)", None), ("$match('x\\u0085y', /x.y/).index", None),
        ("$match('x\\u000by\\fz', /x.y.z/).index", None), ("$match('\\u212a', /k/i)", None),
        ("$match('k', /\\u212a/i)", None), ("$match('\\u00b5\\u03bc', /\\u039c+/i).match", None),
        ("$match('\\u1e9e', /\\u00df/i)", None), ("$match('\\u0130i\\u0131I', /i/i).index", None),
        ("$match('\\u01c5', /[\\u01c6]/i).index", None), ("$match('ABC', /[^a-z]/i)", None),
        ("$match('\\u017f\\u212a', /[a-z]/i)", None), ("$match('\\u00e9', /[^\\u00c9]/i)", None),
        ("$match('xAa', /(a)\\1/i).match", None), ("$match('xaA', /(a)\\1/)", None),
        ("$match('a\\u0002', /(a)\\2/).index", None), ("$match('x\\n', /\\12/).index", None),
        ("$match('8', /\\8/).match", None), ("$match('x\\u0011', /[\\c1]/).index", None),
        ("$match('x\\u0001', /\\cA/).index", None), ("$match('\\\\c1', /\\c1/).match", None),
        ("$match('uuu', /\\u{3}/).match", None), ("$match('a{,5}', /a{,5}/).match", None),
        ("$match('p{L}', /\\p{L}/).match", None), ("$match('x{', /x{/).match", None),
        ("$match('}]', /}]/).match", None), ("$match('a-b c', /[\\w-]+/).match", None),
        ("$match('a-1', /[a\\-1]+/).match", None), ("$match('k', /\\k/).match", None),
        ("$match('A', /\\x41/).match", None), ("$match('xg', /\\xg/).match", None),
        ("$match('\\u00e9', /\\u00E9/).match", None), ("$match('a/b', /a\\/b/).match", None),
        ("$match('ab', /[]/)", None), ("$match('ab', /[^]/).match", None),
        ("$match('a.b', /\\./).index", None), ("$match('aaa', /a{2}/).match", None),
        ("$match('aaa', /a{2,}?/).match", None), ("$match('aaa', /a+?/).match", None),
        ("$match('ab', /a??b/).match", None), ("$match('ab', /(?=a)*a/).match", None),
        ("$match('ab cb', /(?<=a)b/).index", None), ("$match('ab cb', /(?<!a)b/).index", None),
        ("$match('price: $42', /(?<=\\$)\\d+/).match", None),
        ("$match('aab xab', /(?<=a{2})b/).index", None), ("$match('a', /\\1(a)/).match", None),
        ("$match('aa', /(a)\\1/).match", None), ("$match('abc', /(?<x>b)(?<y>c)/).groups", None),
        ("$replace('abc', /(b)/, '[$1]')", None), ("$match('aaaa', /a{1,3}/).match", None),
        ("$match('\\u0085', /\\s/)", None), ("$match('\\u180e', /\\s/)", None),
        ("$match('\\u2000x', /\\S/).index", None), ("$contains('\\u00e9', /\\b/)", None),
        ("$contains('a', /\\b/)", None), ("$match('a\\u00e9b', /[^\\W]/).match", None),
        ("$match('\\u00e9_', /[\\W\\d]/).index", None), ("$match('a1 ', /[\\s\\d]/).index", None),
        ("$match('xyz', /[^\\s\\d]+/).match", None), ("$match('a-z', /[\\d-z]+/).match", None),
        ("$match('(*a', /\\(\\*a/).match", None), ("$match('a+', /a\\+/).match", None),
        ("$match('Ab', /(?:a|B)+/i).match", None), ("$match('abc', /b|$/).index", None),
        ("$split('a1b22c', /\\d+/)", None), ("$replace('aaa', /a*?/, '-')", None),
        ("$match('\\u00c0\\u00e0', /[\\u00c0-\\u00c1]+/i).match", None),
        ("$match('\\u03a3\\u03c3\\u03c2', /[\\u03c2]+/i).match", None),
    ],
    "matchers": [
        ("/b/('abcb')", None), ("/b/('abcb').next()", None), ("/b/('abcb').next().next()", None),
        ("('abc' ~> /c/).end", None), ("/1/(1)", None), ("/b/(1)", None), ("/a/('aba', 1)", None),
        ("/a/('bab', 2)", None), ("/x*/('abc').next()", None), ("$map(['ab', 'ab'], /./).match", None),
        ("$type(/a/)", None), ("/(a)|(b)/('b').groups", None), ("/é/i('É😀é').next().start", None),
        ("$replace('abc', /b/, function($m){ $join($keys($m), ',') })", None),
        ("$contains('abc', function($s){ {'match': 'b', 'start': 1, 'end': 2, 'groups': []} })", None),
        ("$contains('abc', function($s){ () })", None), ("$contains('abc', function($s){ null })", None),
        ("$contains('abc', $uppercase)", None), ("$contains('abc', function($s){ {'foo': 1} })", None),
        ("$contains('abc', function($s){ [1] })", None),
        ("$match('abc', function($s){ {'match': 'b', 'start': 1, 'end': 2, 'groups': [], 'next': function(){()}} })", None),
        ("$match('abc', function($s){ {'start': 1} ~> |$|{'next': function(){()}}| })", None),
        ("$split('abc', function($s){ {'foo': 1} })", None),
        ("$split('😀x😀', " + AT_2 + ")", None), ("$replace('😀x😀', " + AT_2 + ", '-')", None),
        ("$match('😀x😀', " + AT_2 + ")", None),
        ("(" + FIND_AB + " $match('xabyab', $ab))", None),
        ("(" + FIND_AB + " $match('xabyab', $ab, 1))", None),
        ("(" + FIND_AB + " $split('xabyabz', $ab))", None),
        ("(" + FIND_AB + " $split('xabyabz', $ab, 2))", None),
        ("(" + FIND_AB + " $replace('xabyab', $ab, 'Z'))", None),
        ("(" + FIND_AB + " $replace('xabyab', $ab, '<$1>'))", None),
        ("(" + FIND_AB + " $replace('xabyab', $ab, function($m){ $uppercase($m.match) }, 1))", None),
        ("(" + FIND_AB + " $contains('xyz', $ab))", None),
        ("(" + FIND_AB + " $contains('xyab', $ab))", None),
        ("(" + FIND_AB + " $match('xyz', $ab))", None),
        ("(" + FIND_AB + " $split('xyz', $ab))", None),
        ("(" + FIND_AB + " $replace('xyz', $ab, 'Z'))", None),
        ("($m := /a/; [$match('aXa', $m).index, $split('bab', $m)])", None),
    ],
}
