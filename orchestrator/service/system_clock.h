// The wall clock and the operating system's randomness: the two environment
// inputs the executor injects into engine events. Only the service uses
// them; the engine never does.
#ifndef STEPWISE_ORCHESTRATOR_SERVICE_SYSTEM_CLOCK_H_
#define STEPWISE_ORCHESTRATOR_SERVICE_SYSTEM_CLOCK_H_

#include <string>

#include "common/clock.h"

namespace stepwise::service {

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override;
};

// 32 bytes from the kernel's CSPRNG (getrandom), for engine::Event::entropy.
// Falls back to /dev/urandom, then std::random_device. Thread-safe.
std::string SystemEntropy();

}  // namespace stepwise::service

#endif  // STEPWISE_ORCHESTRATOR_SERVICE_SYSTEM_CLOCK_H_
