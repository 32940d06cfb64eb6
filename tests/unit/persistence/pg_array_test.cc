#include "persistence/postgres/pg_array.h"

#include <string>
#include <utility>

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

TEST(PgArrayTest, EscapesAtTheEdgesAndMovesTheLiteralOut) {
  PgArray array;
  array.Add(std::string_view(R"("")")).Add(std::string_view(R"(\\)")).Add(std::string_view("x\\"));
  array.Add(std::string_view(R"({"a":"b"})"));
  const std::string copied = array.Literal();
  EXPECT_EQ(copied, R"({"\"\"","\\\\","x\\","{\"a\":\"b\"}"})");
  EXPECT_EQ(std::move(array).Literal(), copied);
  EXPECT_EQ(PgArray().Add(int64_t{1}).Literal(), "{1}");
  EXPECT_EQ(std::move(PgArray().Add(int64_t{1})).Literal(), "{1}");
  PgArray empty;
  EXPECT_EQ(std::move(empty).Literal(), "{}");
}

}  // namespace
}  // namespace stepwise::persistence
