// GoogleTest matchers for absl::Status / absl::StatusOr (Abseil 20220623 has
// none public):
//   EXPECT_THAT(store.Commit(u, 3), StatusIs(absl::StatusCode::kAborted));
//   ASSERT_THAT(ParseFoo(text), IsOk());
#ifndef STEPWISE_TESTS_TESTING_STATUS_MATCHERS_H_
#define STEPWISE_TESTS_TESTING_STATUS_MATCHERS_H_

#include <ostream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace stepwise::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& s = GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s;
  return s.ok();
}

MATCHER_P(StatusIs, code, "has status code " + absl::StatusCodeToString(code)) {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code;
}

}  // namespace stepwise::testing

#endif  // STEPWISE_TESTS_TESTING_STATUS_MATCHERS_H_
