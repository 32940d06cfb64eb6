#include "orchestrator/engine/uuid.h"

namespace stepwise::engine {

std::string FormatUuidV4(const std::array<uint8_t, 16>& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::array<uint8_t, 16> b = bytes;
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);  // Version 4.
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant.
  std::string out;
  out.reserve(36);
  for (size_t k = 0; k < b.size(); ++k) {
    if (k == 4 || k == 6 || k == 8 || k == 10) out += '-';
    out += kHex[b[k] >> 4];
    out += kHex[b[k] & 0xF];
  }
  return out;
}

std::string NewUuidV4(Entropy& entropy) {
  std::array<uint8_t, 16> bytes;
  for (size_t half = 0; half < 2; ++half) {
    const uint64_t bits = entropy.NextUint64();
    for (size_t k = 0; k < 8; ++k) bytes[half * 8 + k] = static_cast<uint8_t>(bits >> (56 - 8 * k));
  }
  return FormatUuidV4(bytes);
}

}  // namespace stepwise::engine
