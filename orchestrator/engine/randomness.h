// Deterministic derivations from an event's entropy (events.h): task tokens
// and the seed of the step's Entropy. SHA-256 based, so a token reveals
// nothing about the entropy or about other tokens.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_RANDOMNESS_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_RANDOMNESS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace stepwise::engine {

// 64 lowercase hex characters, unique per (entropy, id).
std::string DeriveToken(std::string_view entropy, std::string_view id);

// A Task's token: the same as DeriveToken(entropy, execution_arn + "/" +
// task_id), without building that string.
std::string DeriveTaskToken(std::string_view entropy, std::string_view execution_arn,
                            std::string_view task_id);

// A seed for SeededEntropy.
uint64_t DeriveSeed(std::string_view entropy);

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_RANDOMNESS_H_
