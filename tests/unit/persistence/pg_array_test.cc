#include "persistence/postgres/pg_array.h"

#include "gtest/gtest.h"

namespace stepwise::persistence {
namespace {

TEST(PgArrayTest, QuotesTextAndWritesNulls) {
  PgArray array;
  array.Add(std::string_view("plain")).Add(std::string_view(R"(a "quoted" \ back)"));
  array.Add(std::string_view("")).Add(std::string_view("{,}")).Add(std::string_view("NULL"));
  EXPECT_EQ(array.Literal(), R"({"plain","a \"quoted\" \\ back","","{,}","NULL"})");

  PgArray numbers;
  numbers.Add(int64_t{-5}).Add(std::optional<int64_t>()).Add(std::optional<int64_t>(7));
  EXPECT_EQ(numbers.Literal(), "{-5,NULL,7}");
  EXPECT_EQ(PgArray().Literal(), "{}");
  EXPECT_EQ(PgTextArray({"x", "y"}), R"({"x","y"})");
}

}  // namespace
}  // namespace stepwise::persistence
