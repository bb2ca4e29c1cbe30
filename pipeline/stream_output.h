#pragma once

#include <cstdio>

#include "pipeline/record_output.h"

namespace preflight {

// Without `--out`: records to a stream (stdout), buffered; events are not written.
class StreamOutput final : public RecordOutput {
 public:
  explicit StreamOutput(std::FILE* stream) : stream_(stream) {}
  bool writes_events() const override { return false; }
  void append(const std::string& record, const std::vector<std::string>& events) override;

 private:
  std::FILE* stream_;
};

}  // namespace preflight
