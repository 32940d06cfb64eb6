#include "persistence/postgres/pg_array.h"

#include "common/str_cat.h"

namespace stepwise::persistence {

void PgArray::Separator() { elements_.push_back(elements_.empty() ? '{' : ','); }

PgArray& PgArray::Add(std::string_view text) {
  Separator();
  // Room for the text, its quotes and the closing brace; escapes are rare
  // outside JSON. Runs between escapes are copied whole, not per character:
  // documents and history events are kilobytes per step.
  elements_.reserve(elements_.size() + text.size() + 4);
  elements_.push_back('"');
  size_t start = 0;
  while (true) {
    const size_t at = text.find_first_of("\"\\", start);
    if (at == std::string_view::npos) break;
    elements_.append(text.data() + start, at - start);
    elements_.push_back('\\');
    elements_.push_back(text[at]);
    start = at + 1;
  }
  elements_.append(text.data() + start, text.size() - start);
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

PgArray& PgArray::AddBool(bool value) {
  Separator();
  elements_.append(value ? "t" : "f");
  return *this;
}

std::string PgTextArray(const std::vector<std::string>& values) {
  PgArray array;
  for (const std::string& value : values) array.Add(std::string_view(value));
  return array.Literal();
}

}  // namespace stepwise::persistence
