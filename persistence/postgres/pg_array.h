// PostgreSQL array literals ('{"a","b",NULL}') for passing a whole batch of
// rows as a few array parameters: one `INSERT ... SELECT FROM unnest($2, $3)`
// round trip per step instead of one per row. Pure.
#ifndef STEPWISE_PERSISTENCE_POSTGRES_PG_ARRAY_H_
#define STEPWISE_PERSISTENCE_POSTGRES_PG_ARRAY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stepwise::persistence {

// Builds an array literal element by element.
class PgArray {
 public:
  PgArray& Add(std::string_view text);  // Quoted and escaped: any text.
  PgArray& Add(int64_t number);
  PgArray& Add(std::optional<int64_t> number);  // nullopt -> NULL.
  PgArray& AddBool(bool value);                 // Not an Add overload: ints would be ambiguous.

  // The literal, e.g. {"a","b\"c",NULL,42}; "{}" when empty.
  std::string Literal() const& { return elements_.empty() ? "{}" : elements_ + "}"; }
  // The same without a copy, for a builder that is done.
  std::string Literal() && {
    if (elements_.empty()) return "{}";
    elements_.push_back('}');
    return std::move(elements_);
  }

 private:
  void Separator();
  std::string elements_;  // "{e1,e2" so far.
};

// One text array of `values`.
std::string PgTextArray(const std::vector<std::string>& values);

}  // namespace stepwise::persistence

#endif  // STEPWISE_PERSISTENCE_POSTGRES_PG_ARRAY_H_
