#include "cli/remote/aws_json.h"

#include <cstdio>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "boost/json/array.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/string.hpp"
#include "cli/remote/aws_names.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace stepwise::cli {
namespace {

namespace json = ::boost::json;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Numbers that AWS leaves out when zero (see the header).
bool OmittedWhenZero(const FieldDescriptor& field) {
  return field.full_name() == "stepwise.v1.ExecutionListItem.item_count";
}

json::value EnumValue(const FieldDescriptor& field, int number) {
  const google::protobuf::EnumValueDescriptor* value = field.enum_type()->FindValueByNumber(number);
  if (value == nullptr) return number;  // A value newer than this client.
  return json::string(AwsEnumName(*value));
}

json::value MessageValue(const Message& message) {
  if (message.GetDescriptor()->full_name() == "google.protobuf.Timestamp") {
    google::protobuf::Timestamp timestamp;
    timestamp.CopyFrom(message);
    return json::string(FormatAwsTimestamp(timestamp));
  }
  return ToAwsJson(message);
}

json::value SingularValue(const Message& message, const FieldDescriptor& field) {
  const Reflection& r = *message.GetReflection();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return r.GetInt32(message, &field);
    case FieldDescriptor::CPPTYPE_INT64:
      return r.GetInt64(message, &field);
    case FieldDescriptor::CPPTYPE_UINT32:
      return r.GetUInt32(message, &field);
    case FieldDescriptor::CPPTYPE_UINT64:
      return r.GetUInt64(message, &field);
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return r.GetDouble(message, &field);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return r.GetFloat(message, &field);
    case FieldDescriptor::CPPTYPE_BOOL:
      return r.GetBool(message, &field);
    case FieldDescriptor::CPPTYPE_ENUM:
      return EnumValue(field, r.GetEnumValue(message, &field));
    case FieldDescriptor::CPPTYPE_STRING:
      return json::string(r.GetString(message, &field));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return MessageValue(r.GetMessage(message, &field));
  }
  return nullptr;
}

json::value RepeatedValue(const Message& message, const FieldDescriptor& field, int i) {
  const Reflection& r = *message.GetReflection();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return r.GetRepeatedInt32(message, &field, i);
    case FieldDescriptor::CPPTYPE_INT64:
      return r.GetRepeatedInt64(message, &field, i);
    case FieldDescriptor::CPPTYPE_UINT32:
      return r.GetRepeatedUInt32(message, &field, i);
    case FieldDescriptor::CPPTYPE_UINT64:
      return r.GetRepeatedUInt64(message, &field, i);
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return r.GetRepeatedDouble(message, &field, i);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return r.GetRepeatedFloat(message, &field, i);
    case FieldDescriptor::CPPTYPE_BOOL:
      return r.GetRepeatedBool(message, &field, i);
    case FieldDescriptor::CPPTYPE_ENUM:
      return EnumValue(field, r.GetRepeatedEnumValue(message, &field, i));
    case FieldDescriptor::CPPTYPE_STRING:
      return json::string(r.GetRepeatedString(message, &field, i));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return MessageValue(r.GetRepeatedMessage(message, &field, i));
  }
  return nullptr;
}

// A map field (entries with `key` and `value`) as an object; keys as text.
json::object MapValue(const Message& message, const FieldDescriptor& field) {
  const Reflection& r = *message.GetReflection();
  json::object object;
  for (int i = 0; i < r.FieldSize(message, &field); ++i) {
    const Message& entry = r.GetRepeatedMessage(message, &field, i);
    const FieldDescriptor& key_field = *entry.GetDescriptor()->map_key();
    const FieldDescriptor& value_field = *entry.GetDescriptor()->map_value();
    json::value key = SingularValue(entry, key_field);
    const std::string key_text =
        key.is_string() ? std::string(key.as_string()) : json::serialize(key);
    object[key_text] = SingularValue(entry, value_field);
  }
  return object;
}

// Whether a singular field without presence is worth printing (header rules).
bool Printed(const Message& message, const FieldDescriptor& field) {
  const Reflection& r = *message.GetReflection();
  if (field.has_presence()) return r.HasField(message, &field);
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return !r.GetString(message, &field).empty();
    case FieldDescriptor::CPPTYPE_ENUM:
      return r.GetEnumValue(message, &field) != 0;
    case FieldDescriptor::CPPTYPE_BOOL:
      return true;
    default:  // Numbers; HasField is "not zero" for them.
      return !OmittedWhenZero(field) || r.HasField(message, &field);
  }
}

void Pad(int indent, std::string& out) { out.append(static_cast<size_t>(indent), ' '); }

void Write(const json::value& value, int indent, std::string& out) {
  constexpr int kStep = 4;
  if (value.is_object() && !value.as_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& [key, member] : value.as_object()) {
      if (!first) out += ",\n";
      first = false;
      Pad(indent + kStep, out);
      out += json::serialize(json::string(key));
      out += ": ";
      Write(member, indent + kStep, out);
    }
    out += "\n";
    Pad(indent, out);
    out += "}";
  } else if (value.is_array() && !value.as_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const json::value& element : value.as_array()) {
      if (!first) out += ",\n";
      first = false;
      Pad(indent + kStep, out);
      Write(element, indent + kStep, out);
    }
    out += "\n";
    Pad(indent, out);
    out += "]";
  } else {
    out += json::serialize(value);  // Scalars, {} and [].
  }
}

}  // namespace

json::object ToAwsJson(const Message& message) {
  const google::protobuf::Descriptor& descriptor = *message.GetDescriptor();
  const Reflection& r = *message.GetReflection();
  json::object object;
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const FieldDescriptor& field = *descriptor.field(i);
    const std::string& name = field.json_name();
    if (field.is_map()) {
      if (r.FieldSize(message, &field) > 0) object[name] = MapValue(message, field);
    } else if (field.is_repeated()) {
      json::array array;
      for (int j = 0; j < r.FieldSize(message, &field); ++j) {
        array.push_back(RepeatedValue(message, field, j));
      }
      object[name] = std::move(array);
    } else if (Printed(message, field)) {
      object[name] = SingularValue(message, field);
    }
  }
  return object;
}

std::string FormatAwsTimestamp(const google::protobuf::Timestamp& timestamp) {
  const absl::Time time =
      absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
  std::string text = absl::FormatTime("%Y-%m-%dT%H:%M:%S", time, absl::UTCTimeZone());
  const int micros = timestamp.nanos() / 1000;
  if (micros > 0) {
    char fraction[16];
    std::snprintf(fraction, sizeof(fraction), ".%06d", micros);
    text += fraction;
  }
  return text + "+00:00";
}

void WriteIndentedJson(const json::value& value, std::ostream& out) {
  std::string text;
  Write(value, 0, text);
  out << text << "\n";
}

void PrintAwsResponse(const Message& message, std::ostream& out) {
  json::object object = ToAwsJson(message);
  if (object.empty()) return;
  WriteIndentedJson(object, out);
}

}  // namespace stepwise::cli
