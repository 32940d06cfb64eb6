#include "orchestrator/service/system_clock.h"

#include <sys/random.h>
#include <sys/types.h>

#include <cstddef>
#include <fstream>
#include <random>
#include <string>

#include "absl/time/clock.h"

namespace stepwise::service {

absl::Time SystemClock::Now() const { return absl::Now(); }

std::string SystemEntropy() {
  constexpr size_t kBytes = 32;
  std::string bytes(kBytes, '\0');
  // One system call (every engine event takes entropy); requests of up to
  // 256 bytes are never cut short once the pool is initialized.
  if (getrandom(bytes.data(), kBytes, 0) == static_cast<ssize_t>(kBytes)) return bytes;
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  if (urandom && urandom.read(bytes.data(), static_cast<std::streamsize>(kBytes))) return bytes;
  std::random_device device;
  for (char& c : bytes) c = static_cast<char>(device() & 0xFF);
  return bytes;
}

}  // namespace stepwise::service
