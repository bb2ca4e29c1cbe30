#pragma once

#include <functional>

#include "pipeline/checker.h"
#include "pipeline/input_walker.h"
#include "pipeline/verdict.h"

namespace preflight {

struct BatchOptions {
  unsigned threads = 0;  // 0: every core
};

// Checks every input the walker yields on `threads` workers and hands each verdict to `sink` in input
// order, on one thread at a time. Inputs are read lazily and at most a few per worker are in flight, so
// memory does not grow with the number of inputs.
void run_local_batch(InputWalker& walker, const Checker& checker, const BatchOptions& options,
                     const std::function<void(const Verdict&)>& sink);

}  // namespace preflight
