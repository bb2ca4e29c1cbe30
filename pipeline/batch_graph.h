#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>

#include "fetch/download_policy.h"
#include "pipeline/batch_sink.h"
#include "pipeline/checker.h"
#include "pipeline/input_source.h"

namespace preflight {

struct BatchOptions {
  unsigned threads = 0;  // workers for reading, probing and decoding; 0: every core
  // URL inputs: SPEC §5's policy, max_body_bytes being the profile's max_url_bytes. Its max_in_flight
  // bounds the downloads at once and so, with max_body_bytes, the memory bodies can take.
  DownloadPolicy download;
};

struct BatchResult {
  bool interrupted = false;                 // stopped before every input had its record
  std::optional<std::string> output_error;  // the output could not be written (disk full…): a message
};

// Runs a batch through the flow graph: inputs read lazily from `source`; local files read and checked on
// `threads` workers; URLs handed to the libcurl multi loop and checked when their download ends; every
// verdict put back in input order and handed to `sink`. A limiter bounds the inputs in flight, so memory
// does not grow with the batch. When `stop` becomes true, no more inputs are taken, downloads in flight
// are abandoned and the records written so far stay a gap-free prefix.
BatchResult run_batch(InputSource& source, const Checker& checker, const BatchOptions& options,
                      BatchSink& sink, const std::atomic<bool>& stop);

}  // namespace preflight
