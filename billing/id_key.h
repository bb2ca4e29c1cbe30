#pragma once

#include <string>
#include <string_view>

namespace preflight::billing {

// The exact, compact de-duplication key of an event id. Deterministic ids are usually lowercase hex
// digests: those are packed two digits per byte behind a marker byte; any other id is kept verbatim
// behind another marker. The mapping is one-to-one, so equal keys mean equal ids — no hashing, no false
// positives — and a SHA-256 id costs 33 bytes instead of 64 in memory and in spilled runs.
void encode_id_key(std::string_view id, std::string& key);

}  // namespace preflight::billing
