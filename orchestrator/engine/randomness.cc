#include "orchestrator/engine/randomness.h"

#include <openssl/evp.h>

#include <array>
#include <memory>

namespace stepwise::engine {
namespace {

using Digest = std::array<unsigned char, 32>;

// OpenSSL 3's EVP_sha256() makes EVP_DigestInit_ex fetch the
// implementation from the provider registry on every call (a lock and a
// lookup, ~10% of a task-heavy step): fetch it once. A context per thread is
// reset and reused instead of allocated per digest (no shared state; Apply
// may run concurrently on other threads).
const EVP_MD* Sha256Md() {
  static const EVP_MD* const md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return md;
}

Digest Sha256(std::string_view a, std::string_view b) {
  struct ContextDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  thread_local std::unique_ptr<EVP_MD_CTX, ContextDeleter> context(EVP_MD_CTX_new());
  EVP_MD_CTX* ctx = context.get();
  Digest digest{};
  unsigned int length = 0;
  EVP_DigestInit_ex(ctx, Sha256Md(), nullptr);
  EVP_DigestUpdate(ctx, a.data(), a.size());
  // A separator, so that ("ab", "c") and ("a", "bc") differ.
  const unsigned char zero = 0;
  EVP_DigestUpdate(ctx, &zero, 1);
  EVP_DigestUpdate(ctx, b.data(), b.size());
  EVP_DigestFinal_ex(ctx, digest.data(), &length);
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
