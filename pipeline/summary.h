#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "pipeline/verdict.h"

namespace preflight {

// Running totals over a batch's verdicts: what the human summary and the exit status are made of.
class Summary {
 public:
  void add(const Verdict& verdict);

  std::uint64_t inputs() const { return inputs_; }
  std::uint64_t accepted() const { return accepted_; }
  std::uint64_t rejected() const { return rejected_; }
  std::uint64_t errors() const { return errors_; }
  std::uint64_t billable_units() const { return billable_units_; }
  std::uint64_t billed_images() const { return billed_images_; }  // accepted, not a --dedupe duplicate
  const std::map<std::string, std::uint64_t>& by_code() const { return by_code_; }
  const std::map<std::string, std::uint64_t>& by_reason() const { return by_reason_; }
  const std::map<std::string, std::uint64_t>& by_format() const { return by_format_; }

  // SPEC §10: 0 when every input was accepted, 1 when any was rejected or could not be processed.
  int exit_status() const { return accepted_ == inputs_ ? 0 : 1; }

  // SPEC §9: seconds to submit the billed images, one request per image and service, at `qps`.
  std::uint64_t submit_seconds(std::size_t services, std::uint32_t qps) const;

  // The multi-line human summary printed on stderr.
  std::string human_text(double elapsed_seconds, std::size_t services, std::uint32_t qps) const;
  // summary.json: the same facts for programs.
  nlohmann::ordered_json to_json(double elapsed_seconds, std::size_t services, std::uint32_t qps) const;

 private:
  std::uint64_t inputs_ = 0;
  std::uint64_t accepted_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t errors_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t billable_units_ = 0;
  std::uint64_t billed_images_ = 0;
  std::map<std::string, std::uint64_t> by_code_;
  std::map<std::string, std::uint64_t> by_reason_;
  std::map<std::string, std::uint64_t> by_format_;
};

}  // namespace preflight
