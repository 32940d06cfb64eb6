// Randomness as an input. The engine never calls a random device: whatever
// needs randomness (States.MathRandom, States.UUID, retry jitter) draws from
// an Entropy the caller provides, seeded so that re-applying the same event
// to the same state gives the same result.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_ENTROPY_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_ENTROPY_H_

#include <cstdint>

namespace stepwise::engine {

class Entropy {
 public:
  virtual ~Entropy() = default;
  // Uniformly distributed 64 bits.
  virtual uint64_t NextUint64() = 0;
};

// SplitMix64: small, fast, and good enough for ids and jitter (not crypto).
class SeededEntropy final : public Entropy {
 public:
  explicit SeededEntropy(uint64_t seed) : state_(seed) {}
  uint64_t NextUint64() override {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_ENTROPY_H_
