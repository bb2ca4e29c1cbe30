#include "pipeline/input_source.h"

namespace preflight {

InputSource::InputSource(std::vector<std::string> paths, std::optional<UrlListSource> urls, Shard shard)
    : walker_(std::move(paths)), shard_(shard) {
  if (urls) url_reader_ = std::make_unique<UrlListReader>(urls->fd, urls->name);
}

std::optional<std::variant<InputEntry, UrlListEntry>> InputSource::next_any() {
  if (auto entry = walker_.next()) return std::move(*entry);
  if (url_reader_) {
    if (auto entry = url_reader_->next()) return std::move(*entry);
  }
  return std::nullopt;
}

std::optional<BatchInput> InputSource::next_of_shard() {
  while (auto source = next_any()) {
    BatchInput input{next_seq_++, 0, std::move(*source)};
    if (shard_.selects(input.seq)) return input;
  }
  return std::nullopt;
}

std::uint64_t InputSource::skip(std::uint64_t count) {
  std::uint64_t skipped = 0;
  for (; skipped < count; ++skipped) {
    auto input = next_of_shard();
    if (!input) break;
    last_skipped_ = input->name();
  }
  return skipped;
}

std::optional<BatchInput> InputSource::next() {
  if (stopped_.load(std::memory_order_relaxed)) return std::nullopt;
  auto input = next_of_shard();
  if (input) input->ordinal = next_ordinal_++;
  return input;
}

}  // namespace preflight
