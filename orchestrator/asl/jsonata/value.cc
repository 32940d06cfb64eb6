#include "orchestrator/asl/jsonata/value.h"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "orchestrator/asl/jsonata/error.h"

namespace stepwise::jsonata::internal {

Value Value::Null() {
  Value v;
  v.kind_ = Kind::kNull;
  return v;
}
Value Value::Bool(bool b) {
  Value v;
  v.kind_ = Kind::kBool;
  v.bool_ = b;
  return v;
}
Value Value::Number(double d) {
  Value v;
  v.kind_ = Kind::kNumber;
  v.number_ = d;
  return v;
}
Value Value::String(std::string s) {
  Value v;
  v.kind_ = Kind::kString;
  v.string_ = std::make_shared<const std::string>(std::move(s));
  return v;
}
Value Value::Of(std::shared_ptr<Array> a) {
  Value v;
  v.kind_ = Kind::kArray;
  v.array_ = std::move(a);
  return v;
}
Value Value::Of(std::shared_ptr<Object> o) {
  Value v;
  v.kind_ = Kind::kObject;
  v.object_ = std::move(o);
  return v;
}
Value Value::Of(std::shared_ptr<const Function> f) {
  Value v;
  v.kind_ = Kind::kFunction;
  v.function_ = std::move(f);
  return v;
}

bool Value::IsSequence() const { return kind_ == Kind::kArray && array_->sequence; }

const Value* Object::Find(std::string_view key) const {
  for (const auto& [k, v] : members) {
    if (k == key) return &v;
  }
  return nullptr;
}

namespace {

// An ECMAScript array index: a canonical decimal below 2^32 - 1.
std::optional<uint64_t> ArrayIndex(std::string_view key) {
  if (key.empty() || key.size() > 10 || (key.size() > 1 && key[0] == '0')) return std::nullopt;
  uint64_t v = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v >= 4294967295ULL) return std::nullopt;
  return v;
}

}  // namespace

void Object::Set(std::string key, Value value) {
  for (auto& [k, v] : members) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  Add(std::move(key), std::move(value));
}

void Object::Add(std::string key, Value value) {
  std::optional<uint64_t> index = ArrayIndex(key);
  if (!index) {
    members.emplace_back(std::move(key), std::move(value));
    return;
  }
  auto pos = members.begin();
  while (pos != members.end()) {
    std::optional<uint64_t> other = ArrayIndex(pos->first);
    if (!other || *other > *index) break;
    ++pos;
  }
  members.emplace(pos, std::move(key), std::move(value));
}

namespace {

// The values queued for release on this thread, and whether a ReleaseScope
// owns (drains) the queue. Kept between releases: no allocation per value.
// (Values destroyed after the thread's queue, e.g. in static objects at
// exit, are freed recursively as usual.)
thread_local bool release_queue_gone = false;
struct ReleaseQueue {
  ~ReleaseQueue() { release_queue_gone = true; }
  std::vector<std::shared_ptr<const void>> items;
};
thread_local ReleaseQueue release_queue;
thread_local bool release_active = false;
// Levels of nested-value walks active on this thread (NestingGuard).
thread_local int walk_depth = 0;

}  // namespace

NestingGuard::NestingGuard() {
  if (walk_depth >= kMaxValueNesting) Fail("U1001", -1);
  ++walk_depth;
}

NestingGuard::~NestingGuard() { --walk_depth; }

void ReleaseScope::Queue(std::shared_ptr<const void> p) {
  if (release_queue_gone) return;
  if (!release_active) {
    release_active = true;
    owner_ = true;
  }
  release_queue.items.push_back(std::move(p));
}

void ReleaseScope::Hold(const Value& v) {
  if (v.IsArray()) Hold(v.array_ptr());
  if (v.IsObject()) Hold(v.object_ptr());
  if (v.IsFunction()) Hold(v.function_ptr());
}

ReleaseScope::~ReleaseScope() {
  if (!owner_) return;
  std::vector<std::shared_ptr<const void>>& queue = release_queue.items;
  while (!queue.empty()) {
    std::shared_ptr<const void> last = std::move(queue.back());
    queue.pop_back();
    last.reset();  // its destructor may queue what it held
  }
  release_active = false;
  if (queue.capacity() > 4096) queue = {};  // after a huge release
}

Array::~Array() {
  ReleaseScope scope;
  for (const Value& v : items) scope.Hold(v);
  items.clear();
}

Object::~Object() {
  ReleaseScope scope;
  for (const auto& [key, v] : members) scope.Hold(v);
  members.clear();
}

std::shared_ptr<Array> NewArray() { return std::make_shared<Array>(); }

Value NewSequence() {
  auto a = NewArray();
  a->sequence = true;
  return Value::Of(std::move(a));
}

Value NewSequence(Value first) {
  Value s = NewSequence();
  s.array().items.push_back(std::move(first));
  return s;
}

Value FromJson(const boost::json::value& json) {
  NestingGuard nesting;
  switch (json.kind()) {
    case boost::json::kind::null:
      return Value::Null();
    case boost::json::kind::bool_:
      return Value::Bool(json.get_bool());
    case boost::json::kind::int64:
      return Value::Number(static_cast<double>(json.get_int64()));
    case boost::json::kind::uint64:
      return Value::Number(static_cast<double>(json.get_uint64()));
    case boost::json::kind::double_:
      return Value::Number(json.get_double());
    case boost::json::kind::string:
      return Value::String(std::string(json.get_string()));
    case boost::json::kind::array: {
      auto a = NewArray();
      a->items.reserve(json.get_array().size());
      for (const auto& item : json.get_array()) a->items.push_back(FromJson(item));
      return Value::Of(std::move(a));
    }
    case boost::json::kind::object: {
      auto o = std::make_shared<Object>();
      o->members.reserve(json.get_object().size());
      for (const auto& member : json.get_object()) {
        o->Add(std::string(member.key()), FromJson(member.value()));
      }
      return Value::Of(std::move(o));
    }
  }
  return Value();
}

std::optional<boost::json::value> ToJson(const Value& value) {
  NestingGuard nesting;
  switch (value.kind()) {
    case Value::Kind::kUndefined:
      return std::nullopt;
    case Value::Kind::kNull:
      return boost::json::value(nullptr);
    case Value::Kind::kBool:
      return boost::json::value(value.bool_value());
    case Value::Kind::kNumber: {
      double d = value.number();
      // Integral numbers in the exactly-representable range print as
      // integers, as JSON.stringify does.
      if (std::trunc(d) == d && std::fabs(d) <= 9007199254740992.0) {
        return boost::json::value(static_cast<std::int64_t>(d));
      }
      if (!std::isfinite(d)) return boost::json::value(nullptr);
      return boost::json::value(d);
    }
    case Value::Kind::kString:
      return boost::json::value(value.str());
    case Value::Kind::kArray: {
      boost::json::array out;
      for (const auto& item : value.array().items) {
        std::optional<boost::json::value> j = ToJson(item);
        // JSON.stringify writes undefined array items as null.
        out.push_back(j ? std::move(*j) : boost::json::value(nullptr));
      }
      return boost::json::value(std::move(out));
    }
    case Value::Kind::kObject: {
      boost::json::object out;
      for (const auto& [k, v] : value.object().members) {
        if (v.IsFunction()) continue;
        std::optional<boost::json::value> j = ToJson(v);
        if (j) out[k] = std::move(*j);
      }
      return boost::json::value(std::move(out));
    }
    case Value::Kind::kFunction:
      return boost::json::value("");
  }
  return std::nullopt;
}

std::string NumberToString(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return "0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  std::string sign;
  if (sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  size_t e = sci.find('e');
  std::string mantissa = sci.substr(0, e);
  int exp10 = std::stoi(sci.substr(e + 1));
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  int k = static_cast<int>(digits.size());
  int n = exp10 + 1;
  std::string out;
  if (k <= n && n <= 21) {
    out = digits + std::string(n - k, '0');
  } else if (0 < n && n <= 21) {
    out = digits.substr(0, n) + "." + digits.substr(n);
  } else if (-6 < n && n <= 0) {
    out = "0." + std::string(-n, '0') + digits;
  } else {
    out = digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    out += (n - 1 >= 0 ? "e+" : "e-") + std::to_string(std::abs(n - 1));
  }
  return sign + out;
}

bool DeepEqual(const Value& a, const Value& b) {
  NestingGuard nesting;
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::kUndefined:
    case Value::Kind::kNull:
      return true;
    case Value::Kind::kBool:
      return a.bool_value() == b.bool_value();
    case Value::Kind::kNumber:
      return a.number() == b.number();
    case Value::Kind::kString:
      return a.str() == b.str();
    case Value::Kind::kArray: {
      const auto& x = a.array().items;
      const auto& y = b.array().items;
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!DeepEqual(x[i], y[i])) return false;
      }
      return true;
    }
    case Value::Kind::kObject: {
      const auto& x = a.object().members;
      const auto& y = b.object().members;
      if (x.size() != y.size()) return false;
      for (const auto& [k, v] : x) {
        const Value* other = b.object().Find(k);
        if (other == nullptr || !DeepEqual(v, *other)) return false;
      }
      return true;
    }
    case Value::Kind::kFunction:
      return a.function_ptr() == b.function_ptr();
  }
  return false;
}

}  // namespace stepwise::jsonata::internal
