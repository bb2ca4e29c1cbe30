#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/batch_input.h"
#include "pipeline/input_walker.h"
#include "pipeline/shard.h"
#include "pipeline/url_list.h"

namespace preflight {

// Where a batch's URL list comes from: a file, or standard input ("-").
struct UrlListSource {
  int fd = -1;       // read, not closed
  std::string name;  // the path or "stdin", for messages
};

// The inputs of one batch, in order, read lazily: the paths (folders walked) first, then the URL list.
// It numbers every input (`seq`) and keeps those of this run's shard.
class InputSource final {
 public:
  InputSource(std::vector<std::string> paths, std::optional<UrlListSource> urls, Shard shard);

  // Passes over the next `count` inputs of the shard (what an interrupted run already recorded); returns
  // how many there were.
  std::uint64_t skip(std::uint64_t count);

  // The next input of this run, or nullopt at the end or once stop() was called.
  std::optional<BatchInput> next();
  // Makes next() return nullopt from now on; safe from any thread.
  void stop() { stopped_.store(true, std::memory_order_relaxed); }

  // The name of the last input skipped (to check a resumed run sees the inputs it saw before).
  const std::optional<std::string>& last_skipped() const { return last_skipped_; }

 private:
  std::optional<std::variant<InputEntry, UrlListEntry>> next_any();
  std::optional<BatchInput> next_of_shard();

  InputWalker walker_;
  std::unique_ptr<UrlListReader> url_reader_;
  Shard shard_;
  std::optional<std::string> last_skipped_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t next_ordinal_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace preflight
