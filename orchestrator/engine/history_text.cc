#include "orchestrator/engine/internal/history_text.h"

#include <array>
#include <charconv>
#include <cstring>

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

}  // namespace

void AppendQuoted(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  // Two passes: count the escapes, then write into the string at its final
  // size (payload text is full of quotes; appending each piece cost more).
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
        continue;
      }
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
    }
  }
  *p = '"';
}

void AppendJson(const json::value& value, std::string& out) {
  // One serializer per thread: its stack is allocated on the first nested
  // value and kept, instead of once per payload.
  thread_local json::serializer serializer;
  serializer.reset(&value);
  char buffer[4096];
  while (!serializer.done()) out.append(serializer.read(buffer, sizeof(buffer)));
}

std::string PayloadText(const json::value& value) {
  thread_local std::string buffer;  // Reused: its capacity stays.
  buffer.clear();
  AppendJson(value, buffer);
  return std::string(buffer);  // One allocation of the exact size.
}

DetailsText& DetailsText::Int(std::string_view key, int64_t value) {
  Key(key);
  char digits[24];
  const std::to_chars_result end = std::to_chars(digits, digits + sizeof(digits), value);
  text_.append(digits, end.ptr);
  return *this;
}

DetailsText& DetailsText::Members(std::string_view object_text) {
  // "{}" adds nothing; "{...}" adds what is between the braces.
  if (object_text.size() <= 2) return *this;
  if (text_.size() > 1) text_.push_back(',');
  text_.append(object_text.substr(1, object_text.size() - 2));
  return *this;
}

HistoryDetails DetailsText::Finish() {
  text_.push_back('}');
  if (payload_at_ == std::string::npos) return HistoryDetails::FromText(std::move(text_));
  return HistoryDetails::WithPayload(std::move(text_), payload_at_, std::move(payload_));
}

}  // namespace stepwise::engine::internal
