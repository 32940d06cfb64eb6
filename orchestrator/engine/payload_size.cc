#include "orchestrator/engine/internal/payload_size.h"

#include <cstdint>
#include <optional>
#include <string_view>

#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/string.hpp"
#include "orchestrator/engine/internal/step.h"

namespace stepwise::engine::internal {
namespace {

namespace json = ::boost::json;

// The longest text boost::json prints for a double ("-2.2250738585072014E-308").
constexpr size_t kMaxDoubleText = 25;

// A quoted string, each byte counted as its longest escape: `"` and `\` take
// two bytes, control characters (and DEL, to be safe) at most six (\u00XX),
// everything else (including UTF-8 sequences) is copied as is.
size_t StringBound(std::string_view text) {
  size_t size = 2 + text.size();
  for (char c : text) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      size += 5;
    } else if (byte == '"' || byte == '\\') {
      size += 1;
    }
  }
  return size;
}

size_t Digits(uint64_t n) {
  size_t digits = 1;
  while (n >= 10) {
    n /= 10;
    ++digits;
  }
  return digits;
}

// Crude bounds, without looking at characters or digits: a string byte
// escapes to at most 6 bytes, an integer prints in at most 20.
constexpr size_t CrudeStringBound(size_t length) { return 2 + 6 * length; }
constexpr size_t kMaxIntegerText = 20;

// Adds the crude bound of `value` to `size`; returns false once `size`
// exceeds `stop_after` (the walk stops there).
bool AddCrudeBound(const json::value& value, size_t stop_after, size_t& size) {
  switch (value.kind()) {
    case json::kind::null:
    case json::kind::bool_:
      size += 5;
      break;
    case json::kind::int64:
    case json::kind::uint64:
      size += kMaxIntegerText;
      break;
    case json::kind::double_:
      size += kMaxDoubleText;
      break;
    case json::kind::string:
      size += CrudeStringBound(value.get_string().size());
      break;
    case json::kind::array: {
      const json::array& array = value.get_array();
      size += 2 + array.size();
      for (const json::value& element : array) {
        if (!AddCrudeBound(element, stop_after, size)) return false;
      }
      break;
    }
    case json::kind::object: {
      const json::object& object = value.get_object();
      size += 2 + 2 * object.size();
      for (const json::key_value_pair& entry : object) {
        size += CrudeStringBound(entry.key().size());
        if (!AddCrudeBound(entry.value(), stop_after, size)) return false;
      }
      break;
    }
  }
  return size <= stop_after;
}

// Adds the bound of `value` to `size`; returns false once `size` exceeds
// `stop_after` (the walk stops there).
bool AddBound(const json::value& value, size_t stop_after, size_t& size) {
  switch (value.kind()) {
    case json::kind::null:
      size += 4;
      break;
    case json::kind::bool_:
      size += value.get_bool() ? 4 : 5;
      break;
    case json::kind::int64: {
      const int64_t n = value.get_int64();
      size += n < 0 ? 1 + Digits(0 - static_cast<uint64_t>(n)) : Digits(static_cast<uint64_t>(n));
      break;
    }
    case json::kind::uint64:
      size += Digits(value.get_uint64());
      break;
    case json::kind::double_:
      size += kMaxDoubleText;
      break;
    case json::kind::string: {
      const json::string& s = value.get_string();
      size += StringBound({s.data(), s.size()});
      break;
    }
    case json::kind::array: {
      const json::array& array = value.get_array();
      size += array.empty() ? 2 : 1 + array.size();  // Brackets and commas.
      for (const json::value& element : array) {
        if (!AddBound(element, stop_after, size)) return false;
      }
      break;
    }
    case json::kind::object: {
      const json::object& object = value.get_object();
      size += object.empty() ? 2 : 1 + 2 * object.size();  // Braces, colons, commas.
      for (const json::key_value_pair& entry : object) {
        size += StringBound({entry.key().data(), entry.key().size()});
        if (!AddBound(entry.value(), stop_after, size)) return false;
      }
      break;
    }
  }
  return size <= stop_after;
}

}  // namespace

size_t SerializedSizeBound(const json::value& value, size_t stop_after) {
  size_t size = 0;
  AddBound(value, stop_after, size);
  return size;
}

bool FitsIn(const json::value& value, size_t limit) {
  std::optional<size_t> crude_bound;
  return FitsIn(value, limit, crude_bound);
}

bool FitsIn(const json::value& value, size_t limit, std::optional<size_t>& crude_bound) {
  // Payloads are usually far below the limit, which the crude bound shows
  // fastest. Then the closer bound, and only when the text might really be
  // too long, the exact count.
  size_t crude = 0;
  if (AddCrudeBound(value, limit, crude)) {
    crude_bound = crude;
    return true;
  }
  crude_bound.reset();
  return SerializedSizeBound(value, limit) <= limit || SerializedSize(value, limit) <= limit;
}

size_t CrudeSizeBound(const json::value& value) {
  size_t size = 0;
  AddCrudeBound(value, SIZE_MAX, size);
  return size;
}

size_t CrudeKeyBound(size_t key_length) { return CrudeStringBound(key_length); }

}  // namespace stepwise::engine::internal
