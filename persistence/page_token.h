// Opaque page tokens for the store's List* operations.
//
//   std::string token = EncodePageToken({"executions", Micros(t), arn});
//   ASSIGN_OR_RETURN(std::vector<std::string> parts, DecodePageToken(token, 3));
//
// A token is the web-safe base64 of its length-prefixed parts: clients
// cannot rely on its shape, and every backend encodes the same position the
// same way. Pure; shared by all backends.
#ifndef STEPWISE_PERSISTENCE_PAGE_TOKEN_H_
#define STEPWISE_PERSISTENCE_PAGE_TOKEN_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace stepwise::persistence {

std::string EncodePageToken(const std::vector<std::string>& parts);

// kInvalidArgument unless `token` came from EncodePageToken with exactly
// `expected_parts` parts.
absl::StatusOr<std::vector<std::string>> DecodePageToken(std::string_view token,
                                                         size_t expected_parts);

}  // namespace stepwise::persistence

#endif  // STEPWISE_PERSISTENCE_PAGE_TOKEN_H_
