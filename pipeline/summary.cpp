#include "pipeline/summary.h"

#include <fmt/format.h>

#include "pipeline/duration_text.h"

namespace preflight {
namespace {

// "decode_failed:truncated" → "decode_failed": the summary groups by reason word, details vary per file.
std::string reason_word(const std::string& reason) { return reason.substr(0, reason.find(':')); }

void append_counts(std::string& text, const char* title, const std::map<std::string, std::uint64_t>& counts) {
  if (counts.empty()) return;
  text += fmt::format("  {}:\n", title);
  for (const auto& [key, count] : counts) text += fmt::format("    {:<48} {:>10}\n", key, count);
}

}  // namespace

void Summary::add(const Verdict& verdict) {
  ++inputs_;
  switch (verdict.outcome) {
    case Outcome::Accepted:
      ++accepted_;
      break;
    case Outcome::Rejected:
      ++rejected_;
      break;
    case Outcome::Error:
      ++errors_;
      break;
  }
  bytes_ += verdict.bytes.value_or(0);
  billable_units_ += verdict.billable_units;
  if (verdict.billable_units > 0) ++billed_images_;
  ++by_code_[verdict.code];
  if (verdict.reason) {
    // Unsupported formats keep their name: which foreign formats a corpus holds is worth seeing.
    const bool keep_detail = verdict.reason->starts_with("unsupported_format");
    ++by_reason_[keep_detail ? *verdict.reason : reason_word(*verdict.reason)];
  }
  ++by_format_[verdict.format ? std::string(format_name(*verdict.format)) : std::string("(none)")];
}

std::uint64_t Summary::submit_seconds(std::size_t services, std::uint32_t qps) const {
  const std::uint64_t requests = billed_images_ * services;
  return qps == 0 ? 0 : (requests + qps - 1) / qps;
}

std::string Summary::human_text(double elapsed_seconds, std::size_t services, std::uint32_t qps) const {
  std::string text = fmt::format(
      "preflight: {} inputs: {} accepted, {} rejected, {} errors; {:.1f} MB; {} billable units; {:.2f} s "
      "({:.0f} inputs/s)\n",
      inputs_, accepted_, rejected_, errors_, static_cast<double>(bytes_) / 1e6, billable_units_,
      elapsed_seconds, elapsed_seconds > 0 ? static_cast<double>(inputs_) / elapsed_seconds : 0.0);
  text += fmt::format("  submitting the {} billed images to {} service(s) takes about {} at {} requests/s\n",
                      billed_images_, services, duration_text(submit_seconds(services, qps)), qps);
  append_counts(text, "by code", by_code_);
  append_counts(text, "by reason", by_reason_);
  append_counts(text, "by format", by_format_);
  return text;
}

nlohmann::ordered_json Summary::to_json(double elapsed_seconds, std::size_t services,
                                        std::uint32_t qps) const {
  nlohmann::ordered_json json;
  json["inputs"] = inputs_;
  json["accepted"] = accepted_;
  json["rejected"] = rejected_;
  json["errors"] = errors_;
  json["bytes"] = bytes_;
  json["billable_units"] = billable_units_;
  json["billed_images"] = billed_images_;
  json["by_code"] = by_code_;
  json["by_reason"] = by_reason_;
  json["by_format"] = by_format_;
  json["submit"] = {{"services", services}, {"qps", qps}, {"seconds", submit_seconds(services, qps)}};
  json["elapsed_s"] = elapsed_seconds;
  return json;
}

}  // namespace preflight
