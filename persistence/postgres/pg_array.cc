#include "persistence/postgres/pg_array.h"

#include "common/str_cat.h"

namespace stepwise::persistence {

void PgArray::Separator() { elements_.push_back(elements_.empty() ? '{' : ','); }

PgArray& PgArray::Add(std::string_view text) {
  Separator();
  // One pass through a buffer sized for the worst case (every character
  // escaped), cut to size after: the texts are JSON documents and events of
  // kilobytes per step, full of quotes, where searching for the next escape
  // (find_first_of) and appending each run between them cost several times
  // more (~9% of a completing thread's CPU in the tasks_3 profile).
  const size_t before = elements_.size();
  elements_.resize(before + 2 * text.size() + 2);
  char* out = elements_.data() + before;
  *out++ = '"';
  for (const char c : text) {
    if (c == '"' || c == '\\') *out++ = '\\';
    *out++ = c;
  }
  *out++ = '"';
  elements_.resize(static_cast<size_t>(out - elements_.data()));
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
