// Reads the fields of one JSON object of a definition, reporting wrong types,
// out-of-range values, missing required fields and, at the end, every field
// nobody asked for (AWS rejects unknown fields). Each typed getter returns
// nullopt/nullptr when the field is absent or invalid; in the invalid case
// it has already reported a SCHEMA_VALIDATION_FAILED diagnostic at the
// field's location.
//
//   FieldReader fields(object, "/States/A", diagnostics);
//   std::optional<std::string> next = fields.String("Next");
//   std::optional<int64_t> timeout = fields.Int("TimeoutSeconds", 1, kMaxSeconds);
//   fields.ReportUnknown("Task state");
#ifndef STEPWISE_ORCHESTRATOR_ASL_FIELD_READER_H_
#define STEPWISE_ORCHESTRATOR_ASL_FIELD_READER_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "orchestrator/asl/diagnostic.h"

namespace stepwise::asl {

// AWS's upper bound for second-valued fields.
inline constexpr int64_t kMaxSeconds = 99999999;

enum class Presence { kOptional, kRequired };

class FieldReader {
 public:
  FieldReader(const boost::json::object& object, std::string location, DiagnosticList& diagnostics)
      : object_(object), location_(std::move(location)), diagnostics_(diagnostics) {}

  const std::string& location() const { return location_; }
  std::string At(std::string_view key) const { return ChildLocation(location_, key); }
  bool Has(std::string_view key) const { return object_.contains(key); }

  // The raw field (any JSON type), marking it as known.
  const boost::json::value* Value(std::string_view key, Presence presence = Presence::kOptional);
  std::optional<std::string> String(std::string_view key, Presence presence = Presence::kOptional);
  std::optional<bool> Bool(std::string_view key, Presence presence = Presence::kOptional);
  // An integer in [min, max]; 3.0 is not an integer here, as in AWS.
  std::optional<int64_t> Int(std::string_view key, int64_t min, int64_t max,
                             Presence presence = Presence::kOptional);
  std::optional<double> Number(std::string_view key, double min, double max,
                               Presence presence = Presence::kOptional);
  const boost::json::object* Object(std::string_view key, Presence presence = Presence::kOptional);
  const boost::json::array* Array(std::string_view key, Presence presence = Presence::kOptional);

  // Reports `key`, if present, as not allowed (`why` completes "Field 'X' ...")
  // and marks it so ReportUnknown does not report it again.
  void Reject(std::string_view key, std::string_view why);

  // Reports every field that no getter or Reject touched.
  void ReportUnknown(std::string_view object_description);

  // Reports a type error for `key` (for callers that accept several types).
  void TypeError(std::string_view key, std::string_view expected);

 private:
  void Missing(std::string_view key);

  const boost::json::object& object_;
  std::string location_;
  DiagnosticList& diagnostics_;
  std::set<std::string, std::less<>> seen_;
};

// "string", "number", "object", ... for messages.
std::string_view JsonTypeName(const boost::json::value& value);

// The integer value of a JSON number, if it is an integer representable in int64.
std::optional<int64_t> AsInt64(const boost::json::value& value);

}  // namespace stepwise::asl

#endif  // STEPWISE_ORCHESTRATOR_ASL_FIELD_READER_H_
