#include "orchestrator/engine/internal/history_text.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include "boost/json/detail/format.hpp"
#include "boost/json/serializer.hpp"

namespace stepwise::engine::internal {

namespace json = ::boost::json;

namespace {

// The extra bytes json::serialize writes for each byte in a string: 1 for
// \" \\ \b \t \n \f \r, 5 for other control characters (\u00xx).
constexpr std::array<uint8_t, 256> kEscapeExtra = [] {
  std::array<uint8_t, 256> extra{};
  for (int c = 0; c < 0x20; ++c) extra[static_cast<size_t>(c)] = 5;
  for (unsigned char c : {'"', '\\', '\b', '\t', '\n', '\f', '\r'}) extra[c] = 1;
  return extra;
}();

// Deeper values are written by json::serializer, which keeps its own stack
// (a payload parsed with default options is at most 32 deep).
constexpr int kMaxRecursion = 64;

void AppendSerialized(const json::value& value, std::string& out) {
  // One serializer per thread: its stack is allocated on the first nested
  // value and kept, instead of once per payload.
  thread_local json::serializer serializer;
  serializer.reset(&value);
  char buffer[4096];
  while (!serializer.done()) out.append(serializer.read(buffer, sizeof(buffer)));
}

// Escapes one byte that needs it (kEscapeExtra), as json::serialize does.
char* EscapeByte(unsigned char c, char* p) {
  static constexpr char kHex[] = "0123456789abcdef";
  *p++ = '\\';
  switch (c) {
    case '"':
      *p++ = '"';
      break;
    case '\\':
      *p++ = '\\';
      break;
    case '\b':
      *p++ = 'b';
      break;
    case '\t':
      *p++ = 't';
      break;
    case '\n':
      *p++ = 'n';
      break;
    case '\f':
      *p++ = 'f';
      break;
    case '\r':
      *p++ = 'r';
      break;
    default:
      *p++ = 'u';
      *p++ = '0';
      *p++ = '0';
      *p++ = kHex[c >> 4];
      *p++ = kHex[c & 15];
  }
  return p;
}

// Whether any of the 8 bytes of `w` needs an escape: below 0x20, '"' or
// '\\' (the classic "has zero byte" / "has byte less than" bit tricks).
[[gnu::always_inline]] inline bool NeedsEscape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const uint64_t quote = w ^ (kOnes * '"');
  const uint64_t backslash = w ^ (kOnes * '\\');
  const uint64_t found =
      ((w - kOnes * 0x20) & ~w) | ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash);
  return (found & kHigh) != 0;
}

// Writes `text` quoted at `p` (room for 6 bytes per byte and 2 quotes).
// Inlined: called per key and string, most of them a few bytes long.
[[gnu::always_inline]] inline char* QuoteInto(std::string_view text, char* p) {
  const char* s = text.data();
  size_t n = text.size();
  *p++ = '"';
  // Eight bytes at a time while none needs an escape (most text).
  while (n >= 8) {
    uint64_t w = 0;
    std::memcpy(&w, s, 8);
    if (NeedsEscape(w)) break;
    std::memcpy(p, &w, 8);
    p += 8;
    s += 8;
    n -= 8;
  }
  for (; n > 0; --n, ++s) {
    const auto c = static_cast<unsigned char>(*s);
    if (kEscapeExtra[c] == 0) {
      *p++ = *s;
    } else {
      p = EscapeByte(c, p);
    }
  }
  *p++ = '"';
  return p;
}

// Writes JSON text into a std::string at `pos`, growing it ahead of the
// writes (its size, not only its capacity, so bytes go through a pointer
// without a check per byte); the caller cuts it to pos() at the end.
class Writer {
 public:
  Writer(std::string& out, size_t pos) : out_(out), pos_(pos) {}

  // Room for `n` more bytes, at the returned pointer; then Advance(end).
  [[gnu::always_inline]] char* Room(size_t n) {
    if (out_.size() - pos_ < n) [[unlikely]]
      Grow(n);
    return out_.data() + pos_;
  }
  void Advance(const char* end) { pos_ = static_cast<size_t>(end - out_.data()); }
  [[gnu::always_inline]] void Put(char c) {
    *Room(1) = c;
    ++pos_;
  }
  [[gnu::always_inline]] void Put(std::string_view text) {
    std::memcpy(Room(text.size()), text.data(), text.size());
    pos_ += text.size();
  }
  size_t pos() const { return pos_; }

  void Double(double d);
  void Value(const json::value& value, int depth);

 private:
  [[gnu::noinline]] void Grow(size_t n) { out_.resize(std::max(pos_ + n, 2 * out_.size())); }
  // Past kMaxRecursion: json::serializer, at pos_.
  void Serialized(const json::value& value) {
    out_.resize(pos_);
    AppendSerialized(value, out_);
    pos_ = out_.size();
  }

  std::string& out_;
  size_t pos_;
};

// json::serialize's text of a double is ryu's shortest form (1.5E0,
// 4.25E1), ~700 instructions; a payload's numbers repeat from state to
// state (an order's amount in every state's input and output), so the last
// texts are kept per thread, by bit pattern. The text depends only on the
// bits, so the cache changes no output.
void Writer::Double(double d) {
  struct Entry {
    uint64_t bits = 0;
    uint8_t size = 0;  // 0: empty.
    char text[json::detail::max_number_chars + 1];
  };
  thread_local std::array<Entry, 64> cache;
  uint64_t bits = 0;
  std::memcpy(&bits, &d, sizeof(bits));
  Entry& entry = cache[(bits * 0x9E3779B97F4A7C15ULL) >> 58];
  if (entry.size == 0 || entry.bits != bits) {
    entry.bits = bits;
    entry.size = static_cast<uint8_t>(json::detail::format_double(entry.text, d));
  }
  Put(std::string_view(entry.text, entry.size));
}

void Writer::Value(const json::value& value, int depth) {
  switch (value.kind()) {
    case json::kind::object: {
      if (depth >= kMaxRecursion) return Serialized(value);
      const json::object& object = value.get_object();
      if (object.empty()) return Put(std::string_view("{}"));
      char separator = '{';
      for (const json::key_value_pair& member : object) {
        const json::string_view key = member.key();
        char* p = Room(key.size() * 6 + 4);
        *p++ = separator;
        p = QuoteInto(std::string_view(key.data(), key.size()), p);
        *p++ = ':';
        Advance(p);
        Value(member.value(), depth + 1);
        separator = ',';
      }
      return Put('}');
    }
    case json::kind::array: {
      if (depth >= kMaxRecursion) return Serialized(value);
      const json::array& array = value.get_array();
      if (array.empty()) return Put(std::string_view("[]"));
      char separator = '[';
      for (const json::value& element : array) {
        Put(separator);
        Value(element, depth + 1);
        separator = ',';
      }
      return Put(']');
    }
    case json::kind::string: {
      const json::string& string = value.get_string();
      return Advance(
          QuoteInto(std::string_view(string.data(), string.size()), Room(string.size() * 6 + 2)));
    }
    case json::kind::int64: {
      char* p = Room(24);
      return Advance(std::to_chars(p, p + 24, value.get_int64()).ptr);
    }
    case json::kind::uint64: {
      char* p = Room(24);
      return Advance(std::to_chars(p, p + 24, value.get_uint64()).ptr);
    }
    case json::kind::double_:
      return Double(value.get_double());
    case json::kind::bool_:
      return Put(value.get_bool() ? std::string_view("true") : std::string_view("false"));
    case json::kind::null:
      return Put(std::string_view("null"));
  }
}

}  // namespace

void AppendQuoted(std::string_view text, std::string& out) {
  // Two passes: count the escapes, then write into the string at its final
  // size (a payload's text is full of quotes; appending each piece cost more).
  size_t extra = 0;
  for (const char c : text) extra += kEscapeExtra[static_cast<unsigned char>(c)];
  const size_t at = out.size();
  out.resize(at + text.size() + extra + 2);
  char* p = out.data() + at;
  *p++ = '"';
  if (extra == 0) {
    std::memcpy(p, text.data(), text.size());
    p += text.size();
  } else {
    for (const char ch : text) {
      const auto c = static_cast<unsigned char>(ch);
      if (kEscapeExtra[c] == 0) {
        *p++ = ch;
      } else {
        p = EscapeByte(c, p);
      }
    }
  }
  *p = '"';
}

void AppendJson(const json::value& value, std::string& out) {
  // Written directly, member by member (json::serializer is resumable: it
  // copies through a buffer and checks for room at every byte); the same
  // text (history_text_test.cc).
  Writer writer(out, out.size());
  writer.Value(value, 0);
  out.resize(writer.pos());
}

namespace {

// The text of `value` in a per-thread buffer that keeps its size (growing
// a string zero-fills the new bytes: done once, not per payload).
std::string_view ScratchText(const json::value& value) {
  thread_local std::string buffer;
  Writer writer(buffer, 0);
  writer.Value(value, 0);
  return std::string_view(buffer.data(), writer.pos());
}

}  // namespace

std::string PayloadText(const json::value& value) {
  return std::string(ScratchText(value));  // One allocation of the exact size.
}

SharedJsonText SharedPayloadText(const json::value& value) {
  return SharedJsonText(ScratchText(value));
}

SharedJsonText AppendedMemberText(std::string_view object_text, std::string_view key,
                                  const json::value& value) {
  if (object_text.size() < 2 || object_text.front() != '{' || object_text.back() != '}') {
    return SharedJsonText();
  }
  // ,"key":<value>} replaces the closing brace (no comma after "{").
  thread_local std::string member;
  member.clear();
  if (object_text.size() > 2) member.push_back(',');
  AppendQuoted(key, member);
  member.push_back(':');
  AppendJson(value, member);
  member.push_back('}');
  const size_t kept = object_text.size() - 1;
  char* data = nullptr;
  SharedJsonText text = SharedJsonText::Uninitialized(kept + member.size(), &data);
  std::memcpy(data, object_text.data(), kept);
  std::memcpy(data + kept, member.data(), member.size());
  return text;
}

namespace {

// {"name":<name>,"<key>":,"<key>Details":{"truncated":false}} and the
// payload's offset (after "<key>":).
SharedJsonText NamedPayloadText(std::string_view name, std::string_view key, size_t& at) {
  size_t extra = 0;
  for (const char c : name) extra += kEscapeExtra[static_cast<unsigned char>(c)];
  constexpr std::string_view kName = R"({"name":)";
  constexpr std::string_view kDetails = R"(Details":)";
  at = kName.size() + name.size() + extra + 2 + 2 + key.size() + 2;
  const size_t size = at + 2 + key.size() + kDetails.size() + kNotTruncated.size() + 1;
  char* p = nullptr;
  SharedJsonText text = SharedJsonText::Uninitialized(size, &p, at);
  auto put = [&p](std::string_view piece) {
    std::memcpy(p, piece.data(), piece.size());
    p += piece.size();
  };
  put(kName);
  std::string quoted;
  AppendQuoted(name, quoted);
  put(quoted);
  put(",\"");
  put(key);
  put("\":");
  put(",\"");
  put(key);
  put(kDetails);
  put(kNotTruncated);
  *p = '}';
  return text;
}

}  // namespace

HistoryDetails NameAndPayload(std::string_view name, std::string_view key, SharedJsonText payload) {
  // The text around the payload depends only on the state's name and the
  // key, and every StateEntered/StateExited has one: it is made once per
  // state and shared by its events (no allocation per event). The last
  // ones are kept per thread, found by the address of the name (a state's
  // name stays where the machine keeps it) and checked by its content, so
  // the text is the same whether it comes from here or is made again.
  struct Entry {
    std::string name;
    std::string key;
    SharedJsonText text;
    size_t at = 0;
  };
  thread_local std::array<Entry, 256> cache;
  const uint64_t hash =
      (reinterpret_cast<uintptr_t>(name.data()) + key.size()) * 0x9E3779B97F4A7C15ULL;
  Entry& entry = cache[hash >> 56];
  if (!entry.text || entry.name != name || entry.key != key) {
    entry.text = NamedPayloadText(name, key, entry.at);
    entry.name.assign(name);
    entry.key.assign(key);
  }
  return HistoryDetails::WithPayload(entry.text, entry.at, std::move(payload));
}

DetailsText& DetailsText::String(std::string_view key, std::string_view value) {
  Key(key);
  size_ = static_cast<size_t>(QuoteInto(value, Room(value.size() * 6 + 2)) - data_);
  return *this;
}

DetailsText& DetailsText::Int(std::string_view key, int64_t value) {
  Key(key);
  char* p = Room(24);
  size_ = static_cast<size_t>(std::to_chars(p, p + 24, value).ptr - data_);
  return *this;
}

DetailsText& DetailsText::Members(std::string_view object_text) {
  // "{}" adds nothing; "{...}" adds what is between the braces.
  if (object_text.size() <= 2) return *this;
  if (size_ > 1) Put(',');
  Put(object_text.substr(1, object_text.size() - 2));
  return *this;
}

void DetailsText::Grow(size_t at_least) {
  const size_t capacity = std::max(at_least, 2 * capacity_);
  std::string grown(capacity, '\0');
  std::memcpy(grown.data(), data_, size_);
  heap_ = std::move(grown);
  data_ = heap_.data();
  capacity_ = capacity;
}

HistoryDetails DetailsText::Finish() {
  Put('}');
  if (size_ == 2 && payload_at_ == std::string::npos) {
    size_ = 0;
    return HistoryDetails();  // {} without an allocation.
  }
  char* text = nullptr;
  HistoryDetails details =
      HistoryDetails::Uninitialized(size_, payload_at_, std::move(payload_), &text);
  std::memcpy(text, data_, size_);
  size_ = 0;
  payload_at_ = std::string::npos;
  return details;
}

}  // namespace stepwise::engine::internal
