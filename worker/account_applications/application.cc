#include "worker/account_applications/application.h"

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>

namespace stepwise::account_applications {
namespace {

constexpr std::array<std::pair<ApplicationState, std::string_view>, 7> kStateNames = {{
    {ApplicationState::kSubmitted, "SUBMITTED"},
    {ApplicationState::kFlaggedForReview, "FLAGGED_FOR_REVIEW"},
    {ApplicationState::kFlaggedWithUnprocessableData, "FLAGGED_WITH_UNPROCESSABLE_DATA"},
    {ApplicationState::kReviewApproved, "REVIEW_APPROVED"},
    {ApplicationState::kReviewRejected, "REVIEW_REJECTED"},
    {ApplicationState::kApproved, "APPROVED"},
    {ApplicationState::kRejected, "REJECTED"},
}};

}  // namespace

std::string_view ApplicationStateName(ApplicationState state) {
  for (const auto& [value, name] : kStateNames) {
    if (value == state) return name;
  }
  return "UNKNOWN";  // Unreachable: every enumerator is listed.
}

std::optional<ApplicationState> ParseApplicationState(std::string_view name) {
  for (const auto& [value, text] : kStateNames) {
    if (text == name) return value;
  }
  return std::nullopt;
}

boost::json::object ApplicationToJson(const Application& application) {
  boost::json::object json{{"id", application.id},
                           {"name", application.name},
                           {"address", application.address},
                           {"state", ApplicationStateName(application.state)}};
  if (!application.reason.empty()) json["reason"] = application.reason;
  return json;
}

std::string NewApplicationId() {
  // The OS's randomness (getrandom or /dev/urandom) on every call: ids from
  // several replicas must not collide, which one seeded PRNG per process
  // would not promise.
  std::random_device random;
  std::array<uint8_t, 16> bytes;
  for (size_t i = 0; i < bytes.size(); i += 4) {
    const uint32_t word = random();
    for (size_t j = 0; j < 4; ++j) bytes[i + j] = static_cast<uint8_t>(word >> (8 * j));
  }
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);  // Version 4.
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant.
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string id = "application_";
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id.push_back('-');
    id.push_back(kHex[bytes[i] >> 4]);
    id.push_back(kHex[bytes[i] & 0x0f]);
  }
  return id;
}

}  // namespace stepwise::account_applications
