#include "pipeline/stream_output.h"

namespace preflight {

void StreamOutput::append(const std::string& record, const std::vector<std::string>& /*events*/) {
  std::fwrite(record.data(), 1, record.size(), stream_);
  std::fputc('\n', stream_);
}

}  // namespace preflight
