#include "pipeline/run_merge.h"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <queue>
#include <set>

#include "pipeline/billable_event.h"
#include "pipeline/duplicate_content.h"
#include "pipeline/jsonl_reader.h"
#include "pipeline/run_folder.h"
#include "pipeline/shard.h"
#include "pipeline/verdict_json.h"

namespace preflight {
namespace {

// One shard's records and events, read in step.
struct ShardReader {
  std::string dir;
  std::unique_ptr<JsonlReader> verdicts;
  std::unique_ptr<JsonlReader> events;
  std::optional<Verdict> record;     // the next record, if any
  std::optional<std::string> event;  // the next event line, if any

  void advance_record() { record = next_record(*verdicts); }
  void advance_event() {
    const auto line = events->next();
    event = line ? std::optional<std::string>(*line) : std::nullopt;
  }
  // The events this shard wrote for record `seq` (they precede the next record's).
  std::vector<std::string> take_events(std::uint64_t seq) {
    std::vector<std::string> lines;
    while (event && billable_event_seq(*event) == seq) {
      lines.push_back(std::move(*event));
      advance_event();
    }
    return lines;
  }
};

Shard manifest_shard(const nlohmann::json& manifest, const std::string& dir) {
  const auto parsed = parse_shard(manifest["batch"].value("shard", std::string("1/1")));
  if (const auto* message = std::get_if<std::string>(&parsed))
    throw RunFolderError(fmt::format("{}: run.json: {}", dir, *message));
  return std::get<Shard>(parsed);
}

// Every folder is a complete run of the same batch, and together they are each shard 1..N exactly once.
nlohmann::json check_shards(const std::vector<std::string>& dirs) {
  nlohmann::json batch;
  std::set<std::uint32_t> seen;
  std::uint32_t count = 0;
  for (const std::string& dir : dirs) {
    const nlohmann::json manifest = read_run_manifest(dir);
    if (!manifest.value("complete", false))
      throw RunFolderError(
          fmt::format("{}: the run is not complete; finish it with `preflight check … --out {} "
                      "--resume` first",
                      dir, dir));
    const Shard shard = manifest_shard(manifest, dir);
    nlohmann::json this_batch = manifest["batch"];
    this_batch["shard"] = "1/1";
    if (batch.is_null()) {
      batch = this_batch;
      count = shard.count;
    } else if (this_batch != batch || shard.count != count) {
      throw RunFolderError(
          fmt::format("{}: not a shard of the same batch as {} (run.json differs)", dir, dirs[0]));
    }
    if (!seen.insert(shard.index).second)
      throw RunFolderError(fmt::format("{}: shard {} is given twice", dir, shard.text()));
  }
  if (seen.size() != count) {
    std::string missing;
    for (std::uint32_t k = 1; k <= count; ++k)
      if (!seen.contains(k)) missing += fmt::format("{}{}/{}", missing.empty() ? "" : ", ", k, count);
    throw RunFolderError(fmt::format("shards missing: {}; give the run folder of every shard", missing));
  }
  return batch;
}

EventOptions batch_event_options(const nlohmann::json& batch) {
  return EventOptions{
      batch.value("services", std::vector<std::string>{"ims"}),
      batch.value("units", std::string("image")) == "frame" ? BillingUnit::Frame : BillingUnit::Image,
      batch.value("profile", std::string())};
}

// What the first shard's summary says about submission and time, carried into the merged summary.
std::uint32_t summary_qps(const std::string& dir) {
  std::ifstream file(run_file(dir, RunFolder::kSummaryFile));
  const nlohmann::json summary = nlohmann::json::parse(file, nullptr, false);
  if (summary.is_discarded()) return 100;
  return summary.value("/submit/qps"_json_pointer, 100u);
}

}  // namespace

Summary merge_runs(const std::vector<std::string>& shard_dirs, const std::string& out_dir) {
  const nlohmann::json batch = check_shards(shard_dirs);
  const EventOptions options = batch_event_options(batch);
  const bool dedupe = batch.value("dedupe", false);
  std::vector<ShardReader> shards;
  for (const std::string& dir : shard_dirs) {
    ShardReader shard{dir, std::make_unique<JsonlReader>(run_file(dir, RunFolder::kVerdictsFile)),
                      std::make_unique<JsonlReader>(run_file(dir, RunFolder::kEventsFile), true)};
    shard.advance_record();
    shard.advance_event();
    shards.push_back(std::move(shard));
  }
  const auto out = RunFolder::open(out_dir, batch, false);

  // Each shard's records are in seq order: a heap over the shards' next records merges them.
  const auto later = [&](std::size_t a, std::size_t b) {
    return shards[a].record->seq > shards[b].record->seq;
  };
  std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> next(later);
  for (std::size_t i = 0; i < shards.size(); ++i)
    if (shards[i].record) next.push(i);

  Summary summary;
  DuplicateContent seen;
  const auto start = std::chrono::steady_clock::now();
  while (!next.empty()) {
    ShardReader& shard = shards[next.top()];
    next.pop();
    Verdict verdict = std::move(*shard.record);
    std::vector<std::string> events = shard.take_events(verdict.seq);
    if (dedupe) {  // a shard saw only its own inputs: settle duplicates over the whole batch again
      const std::uint32_t shard_units = verdict.billable_units;
      clear_duplicate_warning(verdict);
      settle_billing(verdict, options.unit, &seen);
      if (verdict.billable_units != shard_units)
        events = billable_event_lines(verdict, options, utc_timestamp(std::chrono::system_clock::now()));
    }
    out->append(verdict_to_json_line(verdict), events);
    summary.add(verdict);
    shard.advance_record();
    if (shard.record) next.push(static_cast<std::size_t>(&shard - shards.data()));
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out->finish(summary.to_json(elapsed, options.services.size(), summary_qps(shard_dirs[0])), true);
  return summary;
}

}  // namespace preflight
