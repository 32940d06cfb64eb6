#include "tests/differential/generator.h"

#include <string>
#include <utility>
#include <vector>

#include "boost/json/serialize.hpp"
#include "common/str_cat.h"

namespace stepwise::differential {
namespace {

namespace json = ::boost::json;

const std::vector<std::string> kWords = {"alpha", "beta", "gamma", "delta", "omega",
                                         "x",     "yy",   "zeta",  "Alpha", "hello world"};
// base64 of some kWords ("alpha", "beta", "hello world").
const std::vector<std::string> kBase64 = {"YWxwaGE=", "YmV0YQ==", "aGVsbG8gd29ybGQ="};
const std::vector<std::string> kTimestamps = {"2024-01-15T10:00:00Z", "2024-01-15T10:00:00.5Z",
                                              "2023-12-31T23:59:59Z", "2024-06-01T00:00:00+02:00",
                                              "2024-01-15T09:30:00-01:00"};
const std::vector<std::string> kHashes = {"MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"};

}  // namespace

uint64_t Generator::NextRandom() {
  // splitmix64: tiny, and the same sequence everywhere.
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

int Generator::Uniform(int n) { return static_cast<int>(NextRandom() % static_cast<uint64_t>(n)); }

bool Generator::Chance(int percent) { return Uniform(100) < percent; }

std::string Generator::Word() { return Pick(kWords); }

void Generator::Tag(std::string_view tag) { tags_->insert(std::string(tag)); }

std::string Generator::NewName(std::string_view prefix) { return StrCat(prefix, ++name_counter_); }

json::value Generator::RandomJson(int depth) {
  switch (Uniform(depth > 0 ? 7 : 5)) {
    case 0:
      return json::value(Word());
    case 1:
      return json::value(Uniform(50) - 10);
    case 2:
      return json::value(Chance(50));
    case 3:
      return Chance(70) ? json::value(0.5 * (Uniform(20) - 5) + 0.25) : json::value(nullptr);
    case 4:
      return json::value(Uniform(3));
    case 5: {
      json::array a;
      for (int i = Uniform(4); i > 0; --i) a.push_back(RandomJson(depth - 1));
      return a;
    }
    default: {
      json::object o;
      for (int i = Uniform(4); i > 0; --i) o[Word()] = RandomJson(depth - 1);
      return o;
    }
  }
}

json::value Generator::Input() {
  json::object in;
  in["s"] = Word();
  in["n"] = Uniform(26) - 5;
  in["f"] = Pick(std::vector<double>{1.5, -2.25, 0.125, 10.75});
  in["b"] = Chance(50);
  in["z"] = nullptr;
  json::array a, sa, items;
  for (int i = 1 + Uniform(5); i > 0; --i) a.push_back(Uniform(10));
  for (int i = 1 + Uniform(4); i > 0; --i) sa.push_back(json::value(Word()));
  for (int i = Uniform(5), id = 0; id < i; ++id) {
    items.push_back(json::object{{"id", id}, {"v", Uniform(10)}, {"tag", Word()}});
  }
  a_has_falsy_item_ = false;
  for (const json::value& v : a) a_has_falsy_item_ |= v.as_int64() == 0;
  in["a"] = std::move(a);
  in["sa"] = std::move(sa);
  in["items"] = std::move(items);
  in["o"] = json::object{{"k", Word()}, {"n", Uniform(10)}, {"m", {{"deep", Uniform(30) - 10}}}};
  in["ts"] = Pick(kTimestamps);
  in["js"] = StrCat("{\"a\":", Uniform(9), ",\"b\":[1,2],\"c\":\"", Word(), "\"}");
  csv_has_empty_field_ = Chance(15);
  in["csv"] = StrCat(Word(), ",", Word(), csv_has_empty_field_ ? ",," : ",", Word());
  in["b64"] = Pick(kBase64);
  return in;
}

std::string Generator::Path(Type type, Scope scope) {
  std::vector<std::string> paths;
  if (scope == Scope::kScalarItem) {
    if (type == Type::kNumber || type == Type::kAny) paths = {"$"};
  } else if (scope == Scope::kObjectItem) {
    switch (type) {
      case Type::kString:
        paths = {"$.s"};
        break;
      case Type::kNumber:
        paths = {"$.idx", "$.arr[0]"};
        break;
      case Type::kArray:
        paths = {"$.arr"};
        break;
      case Type::kObject:
        paths = {"$"};
        break;
      case Type::kAny:
        paths = {"$.val", "$.s", "$.idx", "$.arr"};
        break;
      case Type::kBool:
        break;
    }
  } else {
    switch (type) {
      case Type::kString:
        paths = {"$.s", "$.o.k", "$.sa[0]", "$['s']", "$.csv", "$.js", "$.ts", "$.b64"};
        if (Chance(5)) paths = {"$.items[0].tag"};  // Fails when items is empty.
        break;
      case Type::kNumber:
        paths = {"$.n", "$.o.m.deep", "$.a[0]", "$.o.n"};
        if (Chance(5)) paths = {"$.items[0].v"};
        if (Chance(10)) paths = {"$.f"};
        if (Chance(5)) {
          paths = {"$.a[-1]"};
          Tag("negative-index");
        }
        break;
      case Type::kBool:
        paths = {"$.b"};
        break;
      case Type::kArray:
        paths = {"$.a", "$.sa", "$.items"};
        if (Chance(25)) {
          // Indefinite paths: AWS always returns a list for these.
          paths = {"$.items[*].v",           "$.items[*].tag", "$..deep",  "$.items[?(@.v > 4)]",
                   "$.items[?(@.v > 4)].id", "$.a[1:3]",       "$.a[0,1]", "$.o.*"};
          Tag("indefinite-path");
        }
        break;
      case Type::kObject:
        paths = {"$.o", "$.o.m"};
        if (Chance(5)) paths = {"$.items[0]"};
        break;
      case Type::kAny:
        paths = {"$.z", "$.s", "$.n", "$.b", "$.a", "$.o", "$.o.m.deep", "$.sa[1]", "$.items"};
        if (Chance(5)) paths = {"$.missing", "$.o.nope"};
        break;
    }
  }
  if (paths.empty()) return "";
  return Pick(paths);
}

void Generator::SplitTags(const std::string& subject, const std::string& delimiters) {
  // Empty tokens (two delimiters in a row, one at either end, an empty
  // string) are where AWS and the package part; only $.csv is known here.
  if (subject != "$.csv" || (csv_has_empty_field_ && delimiters.find(',') != std::string::npos)) {
    Tag("stringsplit-empty-token");
  }
}

std::string Generator::StringLiteral() {
  if (Chance(8)) {
    Tag("intrinsic-escape");
    // Escaped reserved characters: \' \{ \} \\ (ASL intrinsic escapes).
    return Pick(std::vector<std::string>{"'it\\'s'", "'a\\{b\\}'", "'back\\\\slash'"});
  }
  if (Chance(5)) return "''";
  return StrCat("'", Word(), "'");
}

std::string Generator::Argument(Type type, Scope scope, int depth) {
  int roll = Uniform(100);
  if (roll < 45) {
    std::string path = Path(type, scope);
    if (!path.empty()) return path;
  }
  if (roll >= 75 && depth < 3) return Intrinsic(type, scope, depth + 1);
  if (depth >= 3 && type == Type::kArray) return "States.Array(1, 'two', null)";
  if (depth >= 3 && type == Type::kObject) {
    Tag("intrinsic-escape");
    return R"(States.StringToJson('\{"a": 1\}'))";
  }
  switch (type) {
    case Type::kString:
      return StringLiteral();
    case Type::kNumber:
      return Chance(85) ? StrCat(Uniform(30) - 8) : std::string("2.5");
    case Type::kBool:
      return Chance(50) ? "true" : "false";
    case Type::kAny:
      switch (Uniform(depth < 3 ? 4 : 3)) {
        case 0:
          return StringLiteral();
        case 1:
          return StrCat(Uniform(10));
        case 2:
          return "null";
        default:
          return Intrinsic(Type::kAny, scope, depth + 1);
      }
    default:
      return Intrinsic(type, scope, depth + 1);
  }
}

std::string Generator::Intrinsic(Type type, Scope scope, int depth) {
  if (type == Type::kAny) {
    type = Pick(
        std::vector<Type>{Type::kString, Type::kNumber, Type::kBool, Type::kArray, Type::kObject});
  }
  auto arg = [&](Type t) { return Argument(t, scope, depth); };
  switch (type) {
    case Type::kString:
      switch (Uniform(7)) {
        case 0: {
          int holes = Uniform(4);
          std::string format = Word();
          std::string args;
          for (int i = 0; i < holes; ++i) {
            format += Chance(50) ? " {}" : "-{}";
            Type t = Pick(std::vector<Type>{Type::kString, Type::kNumber, Type::kBool});
            std::string value = arg(t);
            // After the first state of a Map iteration "$" may be an object.
            if (scope != Scope::kDocument && value == "$") Tag("format-nonscalar-arg");
            args += StrCat(", ", value);
          }
          return StrCat("States.Format('", format, "'", args, ")");
        }
        case 1: {
          std::string path = Path(Type::kAny, scope);
          if (path.empty()) path = "$";
          // Strings holding quotes come back escaped; the package then strips
          // every backslash from the intrinsic's result.
          if (scope != Scope::kDocument || path == "$" || path == "$.o" || path == "$.js") {
            Tag("intrinsic-result-backslashes");
          }
          return StrCat("States.JsonToString(", path, ")");
        }
        case 2:
          return StrCat("States.Base64Encode(", arg(Type::kString), ")");
        case 3:
          if (Chance(50) && scope == Scope::kDocument) return "States.Base64Decode($.b64)";
          return StrCat("States.Base64Decode(States.Base64Encode(", arg(Type::kString), "))");
        case 4: {
          std::string subject = arg(Type::kString);
          // Nested results can be longer than one hash block (55 bytes).
          if (subject.starts_with("States.")) Tag("hash-multiblock");
          return StrCat("States.Hash(", subject, ", '", Pick(kHashes), "')");
        }
        case 5: {
          int index = Uniform(4);
          if (index > 0) Tag("arraygetitem-index");
          std::string array = scope == Scope::kDocument ? "$.sa" : "States.Array('p', 'q')";
          return StrCat("States.ArrayGetItem(", array, ", ", index, ")");
        }
        default: {
          std::string delimiter = Pick(std::vector<std::string>{",", " "});
          if (Chance(15)) {
            delimiter = ",a";
            Tag("stringsplit-multichar");
          }
          std::string subject =
              scope == Scope::kDocument && Chance(50) ? "$.csv" : arg(Type::kString);
          SplitTags(subject, delimiter);
          return StrCat("States.ArrayGetItem(States.StringSplit(", subject, ", '", delimiter,
                        "'), 0)");
        }
      }
    case Type::kNumber:
      switch (Uniform(3)) {
        case 0: {
          std::string call =
              StrCat("States.MathAdd(", arg(Type::kNumber), ", ", arg(Type::kNumber), ")");
          if (call.find("$.f") != std::string::npos || call.find("2.5") != std::string::npos) {
            Tag("mathadd-non-integer");
          }
          return call;
        }
        case 1:
          return StrCat("States.ArrayLength(", arg(Type::kArray), ")");
        default: {
          int index = Uniform(3);
          if (index > 0) Tag("arraygetitem-index");
          std::string array = scope == Scope::kDocument ? "$.a" : "States.Array(7, 8, 9)";
          return StrCat("States.ArrayGetItem(", array, ", ", index, ")");
        }
      }
    case Type::kBool:
      return StrCat("States.ArrayContains(", arg(Type::kArray), ", ", arg(Type::kAny), ")");
    case Type::kArray:
      switch (Uniform(6)) {
        case 0: {
          std::string args;
          for (int i = Uniform(4); i > 0; --i) {
            args += StrCat(args.empty() ? "" : ", ", arg(Type::kAny));
          }
          return StrCat("States.Array(", args, ")");
        }
        case 1:
          return StrCat("States.ArrayPartition(", arg(Type::kArray), ", ", 1 + Uniform(3), ")");
        case 2: {
          int start = Uniform(10) - 3, step = Chance(80) ? 1 + Uniform(3) : -(1 + Uniform(2));
          int end = start + step * Uniform(6);
          return StrCat("States.ArrayRange(", start, ", ", end, ", ", step, ")");
        }
        case 3:
          return StrCat("States.ArrayUnique(", arg(Type::kArray), ")");
        case 4: {
          std::string subject =
              scope == Scope::kDocument && Chance(60) ? "$.csv" : arg(Type::kString);
          std::string delimiter = Pick(std::vector<std::string>{",", " "});
          if (Chance(15)) {
            delimiter = ", ";
            Tag("stringsplit-multichar");
          }
          SplitTags(subject, delimiter);
          return StrCat("States.StringSplit(", subject, ", '", delimiter, "')");
        }
        default:
          return "States.StringToJson('[1,2,{\"q\":null}]')";
      }
    case Type::kObject:
    case Type::kAny:
      if (Chance(50) && scope == Scope::kDocument) return "States.StringToJson($.js)";
      if (Chance(30)) {
        Tag("intrinsic-result-backslashes");
        return StrCat("States.StringToJson(States.JsonToString(",
                      scope == Scope::kDocument ? "$.o" : "$", "))");
      }
      {
        std::string first = arg(Type::kObject);
        // The package merges into the first object in place: when that is
        // a path into the state input, the input itself changes.
        if (first.starts_with("$")) Tag("jsonmerge-mutates-input");
        return StrCat("States.JsonMerge(", first, ", ", arg(Type::kObject), ", false)");
      }
  }
  return "States.Array()";
}

json::value Generator::PayloadTemplate(Scope scope, int depth) {
  json::object t;
  for (int i = 1 + Uniform(4); i > 0; --i) {
    std::string key = StrCat("k", Uniform(100));
    // "k1" and "k1.$" in one template would name the same output field.
    if (t.contains(key) || t.contains(key + ".$")) continue;
    switch (Uniform(depth < 2 ? 7 : 5)) {
      case 0:
        t[key] = RandomJson(1);
        break;
      case 1:
      case 2: {
        std::string path = Path(Type::kAny, scope);
        if (Chance(30)) path = Path(Type::kArray, scope);
        t[key + ".$"] = path.empty() ? "$" : path;
        break;
      }
      case 3:
      case 4:
        t[key + ".$"] = Intrinsic(Type::kAny, scope, 0);
        break;
      case 5: {
        if (scope == Scope::kDocument) {
          t[key + ".$"] = Pick(std::vector<std::string>{
              "$$.Execution.Id", "$$.Execution.Name", "$$.StateMachine.Name",
              "$$.Execution.Input.s", "$$.Execution.RoleArn"});
        } else {
          t[key + ".$"] = "$$.Execution.Name";
        }
        break;
      }
      default:
        if (Chance(70)) {
          t[key] = PayloadTemplate(scope, depth + 1);
        } else {
          json::array a;
          a.push_back(PayloadTemplate(scope, depth + 1));
          a.push_back(RandomJson(0));
          t[key] = std::move(a);
        }
        break;
    }
  }
  return t;
}

json::value Generator::Comparison(Scope scope) {
  json::object rule;
  if (scope == Scope::kScalarItem) {
    rule["Variable"] = "$";
    switch (Uniform(3)) {
      case 0:
        rule[Pick(std::vector<std::string>{"NumericEquals", "NumericLessThan",
                                           "NumericGreaterThanEquals"})] = Uniform(10);
        break;
      case 1:
        rule["IsNumeric"] = true;
        break;
      default:
        rule["NumericGreaterThan"] = 4.5;
        break;
    }
    return rule;
  }
  bool item = scope == Scope::kObjectItem;
  switch (Uniform(9)) {
    case 0: {  // String comparisons.
      std::string var = item ? "$.s" : Pick(std::vector<std::string>{"$.s", "$.o.k", "$.sa[0]"});
      if (Chance(10)) {
        var = item ? "$.idx" : "$.n";
        Tag("choice-type-mismatch");
      }
      rule["Variable"] = var;
      rule[Pick(std::vector<std::string>{"StringEquals", "StringLessThan", "StringGreaterThan",
                                         "StringLessThanEquals", "StringGreaterThanEquals"})] =
          Word();
      break;
    }
    case 1: {  // StringMatches.
      rule["Variable"] = item ? "$.s" : Pick(std::vector<std::string>{"$.s", "$.o.k", "$.csv"});
      std::string word = Word();
      std::string pattern = Pick(std::vector<std::string>{
          StrCat(word.substr(0, 1), "*"), StrCat("*", word.substr(word.size() - 1)), "*",
          StrCat("*", word.substr(1, 2), "*"), word, "*,*,*"});
      if (Chance(10)) {
        pattern = "a\\*";
        Tag("stringmatches-escape");
      }
      rule["StringMatches"] = pattern;
      break;
    }
    case 2: {  // Numeric comparisons.
      std::string var =
          item ? "$.idx"
               : Pick(std::vector<std::string>{"$.n", "$.f", "$.o.m.deep", "$.a[0]", "$.o.n"});
      if (Chance(10)) {
        var = item ? "$.s" : "$.s";
        Tag("choice-type-mismatch");
      }
      rule["Variable"] = var;
      json::value literal = Chance(80) ? json::value(Uniform(20) - 5) : json::value(1.5);
      rule[Pick(std::vector<std::string>{"NumericEquals", "NumericLessThan", "NumericGreaterThan",
                                         "NumericLessThanEquals", "NumericGreaterThanEquals"})] =
          literal;
      break;
    }
    case 3:
      if (item) return Comparison(Scope::kScalarItem);
      rule["Variable"] = "$.b";
      rule["BooleanEquals"] = Chance(50);
      break;
    case 4: {  // Timestamps.
      if (item) return Comparison(Scope::kScalarItem);
      rule["Variable"] = "$.ts";
      if (Chance(10)) {
        rule["Variable"] = "$.s";
        Tag("choice-type-mismatch");
      }
      rule[Pick(std::vector<std::string>{"TimestampEquals", "TimestampLessThan",
                                         "TimestampGreaterThan", "TimestampLessThanEquals",
                                         "TimestampGreaterThanEquals"})] = Pick(kTimestamps);
      break;
    }
    case 5: {  // *Path variants.
      if (item) {
        rule["Variable"] = "$.idx";
        rule["NumericLessThanPath"] = "$.arr[0]";
        break;
      }
      switch (Uniform(4)) {
        case 0:
          rule["Variable"] = "$.s";
          rule[Pick(std::vector<std::string>{"StringEqualsPath", "StringLessThanPath",
                                             "StringGreaterThanEqualsPath"})] = "$.o.k";
          break;
        case 1:
          rule["Variable"] = "$.n";
          rule[Pick(std::vector<std::string>{"NumericEqualsPath", "NumericLessThanPath",
                                             "NumericGreaterThanPath",
                                             "NumericLessThanEqualsPath"})] = "$.o.n";
          break;
        case 2:
          rule["Variable"] = "$.b";
          rule["BooleanEqualsPath"] = "$.b";
          break;
        default:
          rule["Variable"] = "$.ts";
          rule[Pick(std::vector<std::string>{"TimestampEqualsPath", "TimestampLessThanPath",
                                             "TimestampGreaterThanEqualsPath"})] = "$.ts";
          break;
      }
      break;
    }
    default: {  // Type tests.
      std::string var = item ? Pick(std::vector<std::string>{"$.val", "$.s", "$.idx"})
                             : Pick(std::vector<std::string>{"$.z", "$.s", "$.n", "$.f", "$.b",
                                                             "$.ts", "$.a", "$.o"});
      std::string op = Pick(std::vector<std::string>{"IsNull", "IsPresent", "IsNumeric", "IsString",
                                                     "IsBoolean", "IsTimestamp"});
      if (op == "IsPresent" && Chance(50)) var = item ? "$.nothing" : "$.o.missing";
      bool value = Chance(75);
      if (!value) Tag("choice-type-test-false");
      rule["Variable"] = var;
      rule[op] = value;
      break;
    }
  }
  return rule;
}

json::value Generator::ChoiceRule(Scope scope, int depth) {
  int roll = Uniform(100);
  if (depth < 2 && roll < 12) {
    json::array rules;
    for (int i = 1 + Uniform(3); i > 0; --i) rules.push_back(ChoiceRule(scope, depth + 1));
    return json::object{{"And", std::move(rules)}};
  }
  if (depth < 2 && roll < 24) {
    json::array rules;
    for (int i = 1 + Uniform(3); i > 0; --i) rules.push_back(ChoiceRule(scope, depth + 1));
    return json::object{{"Or", std::move(rules)}};
  }
  if (depth < 2 && roll < 32) return json::object{{"Not", ChoiceRule(scope, depth + 1)}};
  return Comparison(scope);
}

json::object Generator::PassState(Scope scope, bool last) {
  json::object s{{"Type", "Pass"}};
  int kind = Uniform(10);
  if (kind < 3) {
    json::value result = RandomJson(2);
    if (Chance(10)) result = Pick(std::vector<json::value>{0, false, "", nullptr});
    if ((result.is_bool() && !result.get_bool()) ||
        (result.is_int64() && result.get_int64() == 0) ||
        (result.is_double() && result.get_double() == 0) ||
        (result.is_string() && result.get_string().empty()) || result.is_null()) {
      Tag("pass-falsy-result");
    }
    s["Result"] = std::move(result);
  } else if (kind < 8) {
    s["Parameters"] = PayloadTemplate(scope, 0);
  }
  if (scope == Scope::kDocument && Chance(15)) {
    s["InputPath"] = Pick(std::vector<std::string>{"$", "$.o", "$.items"});
  }
  if (scope == Scope::kScalarItem) {
    if (Chance(15)) {
      s["ResultPath"] = "$";
      Tag("resultpath-root");
    }
    return s;
  }
  int roll = Uniform(100);
  if (!last || roll < 60) {
    if (roll < 10) {
      s["ResultPath"] = nullptr;
    } else if (roll < 18 && scope == Scope::kDocument) {
      s["ResultPath"] = StrCat("$.o.r", ++result_counter_);
    } else {
      s["ResultPath"] = StrCat("$.r", ++result_counter_);
    }
  } else if (roll < 70) {
    s["ResultPath"] = "$";
    Tag("resultpath-root");
  }
  if (last && Chance(25)) {
    s["OutputPath"] = Pick(std::vector<std::string>{"$", "$.s", "$.o"});
  }
  return s;
}

json::object Generator::FailState(Scope scope) {
  json::object s{{"Type", "Fail"}};
  int roll = Uniform(100);
  if (roll < 10 && scope == Scope::kDocument) {
    s["ErrorPath"] = "$.s";
    s["CausePath"] = "$.o.k";
  } else {
    s["Error"] = Pick(std::vector<std::string>{"Custom.Error", "MyError", "Oops"});
    if (roll < 90) {
      s["Cause"] = StrCat("because ", Word());
    } else {
      Tag("fail-no-cause");
    }
  }
  return s;
}

json::object Generator::SubMachine(Scope scope, int depth) {
  json::object states;
  std::string start = NewName("S");
  Chain(states, start, "", scope, depth);
  return json::object{{"StartAt", start}, {"States", std::move(states)}};
}

json::object Generator::MapState(int depth) {
  json::object s{{"Type", "Map"}};
  Scope item_scope = Scope::kScalarItem;
  bool legacy = Chance(20);
  if (Chance(65)) {
    item_scope = Scope::kObjectItem;
    s["ItemsPath"] = Pick(std::vector<std::string>{"$.a", "$.sa", "$.items"});
    json::object selector{{"idx.$", "$$.Map.Item.Index"},
                          {"val.$", "$$.Map.Item.Value"},
                          {"s.$", "$.s"},
                          {"arr.$", "$.a"}};
    if (Chance(30)) selector["x.$"] = Intrinsic(Type::kAny, Scope::kDocument, 1);
    s[legacy ? "Parameters" : "ItemSelector"] = std::move(selector);
  } else {
    s["ItemsPath"] = "$.a";
    if (a_has_falsy_item_) Tag("root-path-on-falsy-value");
  }
  if (Chance(50)) s["MaxConcurrency"] = Uniform(4);
  json::object processor = SubMachine(item_scope, depth - 1);
  if (!legacy && Chance(50)) processor["ProcessorConfig"] = json::object{{"Mode", "INLINE"}};
  s[legacy ? "Iterator" : "ItemProcessor"] = std::move(processor);
  if (Chance(20)) {
    s["ResultSelector"] = json::object{{"count.$", "States.ArrayLength($)"}, {"all.$", "$"}};
  }
  return s;
}

json::object Generator::ParallelState(int depth) {
  json::array branches;
  for (int i = 1 + Uniform(3); i > 0; --i) {
    branches.push_back(SubMachine(Scope::kDocument, depth - 1));
  }
  // Another branch may fail too (a path that is not there): then which
  // failure wins is a race.
  if (branches.size() > 1) Tag("parallel-several-branches-fail");
  json::object s{{"Type", "Parallel"}, {"Branches", std::move(branches)}};
  if (Chance(20))
    s["ResultSelector"] = json::object{{"first.$", "$[0]"}, {"n.$", "States.ArrayLength($)"}};
  return s;
}

void Generator::Chain(json::object& states, const std::string& first, const std::string& next,
                      Scope scope, int depth) {
  int count = 1 + Uniform(scope == Scope::kDocument ? 4 : 2);
  std::string name = first;
  for (int i = 0; i < count; ++i) {
    bool last = i == count - 1;
    std::string following = last ? next : NewName("S");
    json::object s;
    int roll = Uniform(100);
    if (roll < 15 && (scope != Scope::kScalarItem || Chance(50))) {
      // Choice: each rule leads to a marker Pass state, then on.
      std::string cont = following;
      if (cont.empty()) {
        cont = NewName("Done");
        states[cont] = json::object{{"Type", "Succeed"}};
      }
      json::array choices;
      for (int c = 1 + Uniform(3); c > 0; --c) {
        json::object rule = ChoiceRule(scope, 0).as_object();
        std::string marker = NewName("Branch");
        json::object m{{"Type", "Pass"}, {"Result", marker}, {"Next", cont}};
        if (scope != Scope::kScalarItem) m["ResultPath"] = "$.branch";
        states[marker] = std::move(m);
        rule["Next"] = marker;
        choices.push_back(std::move(rule));
      }
      s = json::object{{"Type", "Choice"}, {"Choices", std::move(choices)}};
      if (Chance(75)) {
        std::string marker = NewName("Default");
        json::object m{{"Type", "Pass"}, {"Result", "default"}, {"Next", cont}};
        if (scope != Scope::kScalarItem) m["ResultPath"] = "$.branch";
        states[marker] = std::move(m);
        s["Default"] = marker;
      }
      states[name] = std::move(s);
      name = following;
      if (name.empty()) return;
      continue;
    }
    if (roll < 25 && depth > 0 && scope == Scope::kDocument) {
      s = Chance(55) ? MapState(depth) : ParallelState(depth);
      if (!last || Chance(70)) s["ResultPath"] = StrCat("$.r", ++result_counter_);
      if (Chance(15)) {
        std::string target = following;
        if (target.empty()) {
          target = NewName("Caught");
          states[target] = json::object{{"Type", "Succeed"}};
        }
        s["Catch"] = json::array{
            json::object{{"ErrorEquals", json::array{Chance(50) ? "States.ALL" : "Custom.Error"}},
                         {"ResultPath", "$.caught"},
                         {"Next", target}}};
      }
      if (Chance(10)) {
        s["Retry"] = json::array{json::object{{"ErrorEquals", json::array{"Custom.Error"}},
                                              {"MaxAttempts", Uniform(3)},
                                              {"IntervalSeconds", 1}}};
      }
    } else if (roll < 32) {
      s = json::object{{"Type", "Wait"}};
      if (Chance(80)) {
        s["Seconds"] = 1 + Uniform(100);
      } else {
        s["Timestamp"] = "2020-01-01T00:00:00Z";
      }
    } else if (last && roll < 40 && next.empty()) {
      states[name] = FailState(scope);
      return;
    } else {
      s = PassState(scope, last && next.empty());
    }
    if (following.empty()) {
      s["End"] = true;
    } else {
      s["Next"] = following;
    }
    states[name] = std::move(s);
    name = following;
    if (name.empty()) return;
  }
}

GeneratedCase Generator::Next() {
  GeneratedCase c;
  c.id = StrCat("case-", case_index_++);
  tags_ = &c.tags;
  name_counter_ = 0;
  result_counter_ = 0;
  c.input = Input();
  json::object machine = SubMachine(Scope::kDocument, 2);
  if (Chance(10)) machine["Comment"] = "generated";
  c.definition = std::move(machine);
  tags_ = nullptr;
  return c;
}

}  // namespace stepwise::differential
