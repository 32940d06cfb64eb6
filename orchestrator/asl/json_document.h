// Parses a definition's JSON text strictly (RFC 8259, UTF-8, no comments)
// into a Boost.JSON value, reporting what a DOM parse hides: the line and
// column of a syntax error, and keys that appear twice in one object.
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSON_DOCUMENT_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSON_DOCUMENT_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "boost/json/value.hpp"

namespace stepwise::asl {

// Deeper documents are rejected; no definition needs more, and it bounds
// the recursion of everything that walks the document.
inline constexpr int kMaxJsonDepth = 512;

struct JsonDocument {
  bool ok = false;
  // When !ok: "line L, column C: <what>" (1-based).
  std::string error;
  boost::json::value root;
  // Location of an object (diagnostic.h format) -> keys that occur more than
  // once in it (each listed once). Boost.JSON keeps only one of them.
  std::map<std::string, std::vector<std::string>, std::less<>> duplicate_keys;
};

JsonDocument ParseJsonDocument(std::string_view text);

}  // namespace stepwise::asl

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSON_DOCUMENT_H_
