#include "orchestrator/engine/randomness.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <initializer_list>
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

// SHA-256 of a, a zero byte, then the parts of b. The usual message (an
// entropy and a task's id, ~100 bytes) goes in with one update: each
// EVP_DigestUpdate dispatches through the provider.
Digest Sha256(std::string_view a, std::initializer_list<std::string_view> b) {
  struct ContextDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  thread_local std::unique_ptr<EVP_MD_CTX, ContextDeleter> context(EVP_MD_CTX_new());
  EVP_MD_CTX* ctx = context.get();
  Digest digest{};
  unsigned int length = 0;
  EVP_DigestInit_ex(ctx, Sha256Md(), nullptr);
  size_t size = a.size() + 1;
  for (std::string_view part : b) size += part.size();
  std::array<char, 256> buffer;
  if (size <= buffer.size()) {
    char* out = std::copy(a.begin(), a.end(), buffer.data());
    // A separator, so that ("ab", "c") and ("a", "bc") differ.
    *out++ = '\0';
    for (std::string_view part : b) out = std::copy(part.begin(), part.end(), out);
    EVP_DigestUpdate(ctx, buffer.data(), size);
  } else {
    EVP_DigestUpdate(ctx, a.data(), a.size());
    const unsigned char zero = 0;
    EVP_DigestUpdate(ctx, &zero, 1);
    for (std::string_view part : b) EVP_DigestUpdate(ctx, part.data(), part.size());
  }
  EVP_DigestFinal_ex(ctx, digest.data(), &length);
  return digest;
}

std::string Hex(const Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token(2 * digest.size(), '\0');
  for (size_t i = 0; i < digest.size(); ++i) {
    token[2 * i] = kHex[digest[i] >> 4];
    token[2 * i + 1] = kHex[digest[i] & 15];
  }
  return token;
}

}  // namespace

std::string DeriveToken(std::string_view entropy, std::string_view id) {
  return Hex(Sha256(entropy, {id}));
}

std::string DeriveTaskToken(std::string_view entropy, std::string_view execution_arn,
                            std::string_view task_id) {
  return Hex(Sha256(entropy, {execution_arn, "/", task_id}));
}

uint64_t DeriveSeed(std::string_view entropy) {
  Digest digest = Sha256(entropy, {"seed"});
  uint64_t seed = 0;
  for (int i = 0; i < 8; ++i) seed = (seed << 8) | digest[i];
  return seed;
}

}  // namespace stepwise::engine
