#pragma once

#include <cstdint>

#include "pipeline/checker.h"
#include "pipeline/input_walker.h"
#include "pipeline/verdict.h"

namespace preflight {

// Reads one local input and checks it: files larger than the URL cap are judged by size without being
// read; unreadable paths and walk errors become error records.
Verdict check_local_input(const InputEntry& entry, std::uint64_t seq, const Checker& checker);

}  // namespace preflight
