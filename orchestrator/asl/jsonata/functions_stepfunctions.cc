// The functions AWS Step Functions adds to JSONata: $partition $range
// $hash $random (with an optional seed) $uuid $parse. Unseeded randomness
// comes from the caller's Environment::random.
#include <cmath>
#include <cstdio>

#include "common/digest.h"
#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/function.h"
#include "orchestrator/asl/jsonata/helpers.h"

namespace stepwise::jsonata::internal {
namespace {

using Args = std::vector<Value>;

// splitmix64: the seeded $random's generator (AWS's is unspecified; the
// contract is only "same seed, same number").
double SeededRandom(double seed) {
  uint64_t z = static_cast<uint64_t>(static_cast<int64_t>(seed)) + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) / 9007199254740992.0;
}

std::string Uuid(Evaluator& ev) {
  unsigned char bytes[16];
  for (unsigned char& b : bytes) b = static_cast<unsigned char>(std::floor(ev.Random() * 256));
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    char buf[3];
    std::snprintf(buf, sizeof(buf), "%02x", bytes[i]);
    out += buf;
  }
  return out;
}

}  // namespace

void RegisterStepFunctionsFunctions(std::map<std::string, std::shared_ptr<const Function>>& r) {
  RegisterBuiltin(r, "partition", "<an:a>", 2, [](Evaluator&, Args& a, const Value&, int pos) {
    if (a[0].IsUndefined()) return Value();
    double size = a[1].number();
    if (!IsInteger(size) || size < 1) {
      Fail("T3001", pos, "$partition: the chunk size must be a positive integer");
    }
    std::vector<Value> out;
    const auto& items = a[0].array().items;
    size_t chunk = static_cast<size_t>(std::min(size, static_cast<double>(items.size()) + 1));
    for (size_t i = 0; i < items.size(); i += chunk) {
      size_t end = std::min(items.size(), i + chunk);
      out.push_back(MakeArray(std::vector<Value>(items.begin() + static_cast<long>(i),
                                                 items.begin() + static_cast<long>(end))));
    }
    return MakeArray(std::move(out));
  });
  RegisterBuiltin(r, "range", "<nnn?:a>", 3, [](Evaluator& ev, Args& a, const Value&, int pos) {
    double start = a[0].number(), end = a[1].number();
    double step = a[2].IsUndefined() ? 1 : a[2].number();
    if (!IsInteger(start) || !IsInteger(end) || !IsInteger(step) || step == 0) {
      Fail("T3001", pos, "$range: start, end and a non-zero step must be integers");
    }
    if ((end - start) / step > 1e7) Fail("D2014", pos, NumberToString((end - start) / step));
    if ((end - start) / step >= 0) ev.CountRangeItems(std::floor((end - start) / step) + 1, pos);
    std::vector<Value> out;
    for (double v = start; step > 0 ? v <= end : v >= end; v += step) {
      out.push_back(Value::Number(v));
    }
    return MakeArray(std::move(out));
  });
  RegisterBuiltin(r, "hash", "<s-s:s>", 2, [](Evaluator&, Args& a, const Value&, int pos) {
    if (a[0].IsUndefined()) return Value();
    std::optional<std::string> hex = HexDigest(a[1].str(), a[0].str());
    if (!hex) {
      Fail("T3001", pos,
           StrCat("$hash: unsupported algorithm '", a[1].str(),
                  "' (use MD5, SHA-1, SHA-256, SHA-384 or SHA-512)"));
    }
    return Value::String(*hex);
  });
  RegisterBuiltin(r, "random", "<n?:n>", 1, [](Evaluator& ev, Args& a, const Value&, int) {
    if (a[0].IsUndefined()) return Value::Number(ev.Random());
    return Value::Number(SeededRandom(a[0].number()));
  });
  RegisterBuiltin(r, "uuid", "<:s>", 0,
                  [](Evaluator& ev, Args&, const Value&, int) { return Value::String(Uuid(ev)); });
  RegisterBuiltin(r, "parse", "<s-:j>", 1, [](Evaluator&, Args& a, const Value&, int pos) {
    if (a[0].IsUndefined()) return Value();
    boost::system::error_code ec;
    boost::json::parse_options options;
    options.max_depth = kMaxValueNesting;  // Boost.JSON's default is only 32
    boost::json::value v = boost::json::parse(a[0].str(), ec, {}, options);
    if (ec) Fail("T3001", pos, StrCat("$parse: the string is not valid JSON: ", ec.message()));
    return FromJson(v);
  });
}

}  // namespace stepwise::jsonata::internal
