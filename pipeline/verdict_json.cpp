#include "pipeline/verdict_json.h"

#include <nlohmann/json.hpp>

namespace preflight {
namespace {

using nlohmann::ordered_json;

template <typename T>
ordered_json optional_value(const std::optional<T>& value) {
  return value ? ordered_json(*value) : ordered_json(nullptr);
}

ordered_json timing_json(const StageTimings& timing) {
  ordered_json json = ordered_json::object();
  if (timing.fetch_us) json["fetch"] = *timing.fetch_us;
  json["probe"] = timing.probe_us;
  json["decode"] = timing.decode_us;
  return json;
}

}  // namespace

std::string verdict_to_json_line(const Verdict& verdict) {
  ordered_json json;
  json["seq"] = verdict.seq;
  json["input"] = verdict.input;
  json["mode"] = input_mode_name(verdict.mode);
  json["verdict"] = outcome_name(verdict.outcome);
  json["code"] = verdict.code;
  json["reason"] = optional_value(verdict.reason);
  if (verdict.message) json["message"] = *verdict.message;
  json["warnings"] = verdict.warnings;
  json["format"] = verdict.format ? ordered_json(format_name(*verdict.format)) : ordered_json(nullptr);
  json["width"] = optional_value(verdict.width);
  json["height"] = optional_value(verdict.height);
  json["frames_total"] = optional_value(verdict.frames_total);
  json["frames_sampled"] = optional_value(verdict.frames_sampled);
  json["bytes"] = optional_value(verdict.bytes);
  json["inline_ok"] = optional_value(verdict.inline_ok);
  json["sha256"] = optional_value(verdict.sha256);
  json["billable_units"] = verdict.billable_units;
  json["timing_us"] = timing_json(verdict.timing);
  // Input names come from file systems and URL lists: never let a stray byte abort serialisation.
  return json.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace preflight
