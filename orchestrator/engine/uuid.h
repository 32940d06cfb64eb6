// Version 4 UUIDs (RFC 4122) as text: States.UUID, Map Run names and ARNs,
// express execution ids. The bytes come from the caller (the engine draws
// them from the step's Entropy), so replays give the same UUIDs.
//
//   std::array<uint8_t, 16> bytes = ...;
//   std::string id = FormatUuidV4(bytes);  // "0f8fad5b-d9cb-469f-a165-70867728950e"
//   std::string next = NewUuidV4(entropy);  // Two NextUint64 draws.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_UUID_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_UUID_H_

#include <array>
#include <cstdint>
#include <string>

#include "orchestrator/engine/entropy.h"

namespace stepwise::engine {

// `bytes` as lower-case 8-4-4-4-12 hex text, with the version (4) and
// variant (10xx) bits set over whatever `bytes` has there.
std::string FormatUuidV4(const std::array<uint8_t, 16>& bytes);

// FormatUuidV4 of two draws from `entropy`, each taken big-endian.
std::string NewUuidV4(Entropy& entropy);

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_UUID_H_
