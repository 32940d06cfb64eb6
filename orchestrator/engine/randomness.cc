#include "orchestrator/engine/randomness.h"

#include <openssl/evp.h>

#include <array>

namespace stepwise::engine {
namespace {

using Digest = std::array<unsigned char, 32>;

Digest Sha256(std::string_view a, std::string_view b) {
  Digest digest{};
  unsigned int length = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, a.data(), a.size());
  // A separator, so that ("ab", "c") and ("a", "bc") differ.
  const unsigned char zero = 0;
  EVP_DigestUpdate(ctx, &zero, 1);
  EVP_DigestUpdate(ctx, b.data(), b.size());
  EVP_DigestFinal_ex(ctx, digest.data(), &length);
  EVP_MD_CTX_free(ctx);
  return digest;
}

}  // namespace

std::string DeriveToken(std::string_view entropy, std::string_view id) {
  static constexpr char kHex[] = "0123456789abcdef";
  Digest digest = Sha256(entropy, id);
  std::string token;
  token.reserve(64);
  for (unsigned char byte : digest) {
    token.push_back(kHex[byte >> 4]);
    token.push_back(kHex[byte & 15]);
  }
  return token;
}

uint64_t DeriveSeed(std::string_view entropy) {
  Digest digest = Sha256(entropy, "seed");
  uint64_t seed = 0;
  for (int i = 0; i < 8; ++i) seed = (seed << 8) | digest[i];
  return seed;
}

}  // namespace stepwise::engine
