#pragma once

#include <string>
#include <vector>

namespace preflight {

// Where a batch's records and events go, one input at a time, in input order.
class RecordOutput {
 public:
  virtual ~RecordOutput() = default;
  // False when append() drops the events: the sink then does not build them.
  virtual bool writes_events() const { return true; }
  // The events of one input, then its record (lines without newlines). A run folder has written them
  // through to its files before returning, so a crash never loses what was appended.
  virtual void append(const std::string& record, const std::vector<std::string>& events) = 0;
};

}  // namespace preflight
