// Message digests as lowercase hex (libcrypto), for the hash functions the
// languages share: the States.Hash intrinsic and JSONata's $hash.
//
//   std::optional<std::string> hex = HexDigest("SHA-256", "abc");  // "ba7816bf..."
#ifndef STEPWISE_COMMON_DIGEST_H_
#define STEPWISE_COMMON_DIGEST_H_

#include <optional>
#include <string>
#include <string_view>

namespace stepwise {

// `algorithm` is one of MD5, SHA-1, SHA-256, SHA-384, SHA-512 (AWS's names);
// nullopt for any other, or when libcrypto fails.
std::optional<std::string> HexDigest(std::string_view algorithm, std::string_view data);

}  // namespace stepwise

#endif  // STEPWISE_COMMON_DIGEST_H_
