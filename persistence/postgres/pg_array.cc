#include "persistence/postgres/pg_array.h"

#include "common/str_cat.h"

namespace stepwise::persistence {

void PgArray::Separator() { elements_.push_back(elements_.empty() ? '{' : ','); }

PgArray& PgArray::Add(std::string_view text) {
  Separator();
  elements_.push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') elements_.push_back('\\');
    elements_.push_back(c);
  }
  elements_.push_back('"');
  return *this;
}

PgArray& PgArray::Add(int64_t number) {
  Separator();
  StrAppend(&elements_, number);
  return *this;
}

PgArray& PgArray::Add(std::optional<int64_t> number) {
  if (number.has_value()) return Add(*number);
  Separator();
  elements_.append("NULL");
  return *this;
}

std::string PgTextArray(const std::vector<std::string>& values) {
  PgArray array;
  for (const std::string& value : values) array.Add(std::string_view(value));
  return array.Literal();
}

}  // namespace stepwise::persistence
