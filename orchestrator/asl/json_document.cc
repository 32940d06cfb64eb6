#include "orchestrator/asl/json_document.h"

#include <algorithm>
#include <cstdint>
#include <set>

#include "boost/json/basic_parser_impl.hpp"
#include "boost/json/parse.hpp"
#include "common/str_cat.h"
#include "orchestrator/asl/diagnostic.h"

namespace stepwise::asl {
namespace {

namespace json = ::boost::json;

// SAX handler for json::basic_parser that only tracks where it is, to find
// duplicate keys. The DOM is built by json::parse afterwards.
class DuplicateKeyFinder {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  std::map<std::string, std::vector<std::string>, std::less<>>& duplicates() { return duplicates_; }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return Open(/*is_object=*/true); }
  bool on_object_end(std::size_t, json::error_code&) { return Close(); }
  bool on_array_begin(json::error_code&) { return Open(/*is_object=*/false); }
  bool on_array_end(std::size_t, json::error_code&) { return Close(); }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    key_.append(s.data(), s.size());
    Frame& frame = frames_.back();
    if (!frame.keys.insert(key_).second) {
      std::vector<std::string>& keys = duplicates_[Location()];
      if (std::find(keys.begin(), keys.end(), key_) == keys.end()) keys.push_back(key_);
    }
    frame.pending_key = std::move(key_);
    key_.clear();
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return Scalar(); }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return Scalar(); }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return Scalar(); }
  bool on_double(double, json::string_view, json::error_code&) { return Scalar(); }
  bool on_bool(bool, json::error_code&) { return Scalar(); }
  bool on_null(json::error_code&) { return Scalar(); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  struct Frame {
    bool is_object = false;
    std::string name;  // Key or index in the parent.
    size_t next_index = 0;
    std::string pending_key;
    std::set<std::string, std::less<>> keys;
  };

  std::string NameInParent() {
    if (frames_.empty()) return "";
    Frame& parent = frames_.back();
    return parent.is_object ? parent.pending_key : StrCat(parent.next_index++);
  }
  bool Open(bool is_object) {
    Frame frame;
    frame.is_object = is_object;
    frame.name = NameInParent();
    frames_.push_back(std::move(frame));
    return true;
  }
  bool Close() {
    frames_.pop_back();
    return true;
  }
  bool Scalar() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().next_index;
    return true;
  }
  std::string Location() const {
    std::string location;
    // frames_[0] is the root, whose name is empty.
    for (size_t i = 1; i < frames_.size(); ++i) location = ChildLocation(location, frames_[i].name);
    return location;
  }

  std::vector<Frame> frames_;
  std::string key_;
  std::map<std::string, std::vector<std::string>, std::less<>> duplicates_;
};

json::parse_options StrictOptions() {
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  return options;
}

std::string DescribePosition(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return StrCat("line ", line, ", column ", offset - line_start + 1);
}

bool IsJsonWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

JsonDocument ParseJsonDocument(std::string_view text) {
  JsonDocument document;
  json::basic_parser<DuplicateKeyFinder> parser(StrictOptions());
  json::error_code ec;
  size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  if (ec) {
    document.error = StrCat(DescribePosition(text, consumed), ": ", ec.message());
    return document;
  }
  size_t rest = consumed;
  while (rest < text.size() && IsJsonWhitespace(text[rest])) ++rest;
  if (rest < text.size()) {
    document.error =
        StrCat(DescribePosition(text, rest), ": unexpected content after the JSON value");
    return document;
  }
  document.root = json::parse(json::string_view(text.data(), text.size()), ec, json::storage_ptr(),
                              StrictOptions());
  if (ec) {  // Not expected after the SAX pass accepted the text; kept defensive.
    document.error = StrCat("line 1, column 1: ", ec.message());
    return document;
  }
  document.duplicate_keys = std::move(parser.handler().duplicates());
  document.ok = true;
  return document;
}

}  // namespace stepwise::asl
