#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "pipeline/jsonl_reader.h"
#include "pipeline/record_output.h"
#include "pipeline/verdict.h"

namespace preflight {

// A run folder cannot be used; the message names the path and what to do.
class RunFolderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `--out DIR` (SPEC §10): verdicts.jsonl and events.jsonl appended in input order and written through
// per input, summary.json at the end, and run.json — the batch's inputs and options, which --resume and
// `preflight merge` check. A lock file keeps a second process out while a run is writing.
class RunFolder final : public RecordOutput {
 public:
  static constexpr const char* kVerdictsFile = "verdicts.jsonl";
  static constexpr const char* kEventsFile = "events.jsonl";
  static constexpr const char* kSummaryFile = "summary.json";
  static constexpr const char* kManifestFile = "run.json";

  // Opens DIR for a run of `batch` (creating it if missing). A folder that already holds a run is refused
  // unless `resume`, and then only for the same batch; resuming a folder without a run starts one.
  // Throws RunFolderError.
  static std::unique_ptr<RunFolder> open(const std::string& dir, const nlohmann::json& batch, bool resume);
  ~RunFolder() override;

  // Records already in the folder when it was opened, and the input of the last one.
  std::uint64_t recorded() const { return recorded_; }
  const std::optional<std::string>& last_recorded_input() const { return last_input_; }

  // When resuming, before the first append: keeps every complete record, handing each to `restore`, and
  // the events up to the last of them; cuts a torn last line and events written for an input whose record
  // was not (events are written first). Throws RunFolderError.
  void recover(const std::function<void(const Verdict&)>& restore);

  void append(const std::string& record, const std::vector<std::string>& events) override;
  // Writes summary.json and, when the batch is done, marks the run complete in run.json.
  void finish(const nlohmann::json& summary, bool complete);

 private:
  RunFolder(std::string dir, nlohmann::json batch);
  void recover_records(const std::function<void(const Verdict&)>& restore);
  void recover_events();
  void write_manifest(bool complete);

  std::string dir_;
  nlohmann::json batch_;
  int lock_fd_ = -1;
  int verdicts_fd_ = -1;
  int events_fd_ = -1;
  bool marked_complete_ = false;  // run.json says complete: a refused or empty resume leaves it so
  std::uint64_t recorded_ = 0;
  std::optional<std::uint64_t> last_seq_;
  std::optional<std::string> last_input_;
};

// Reads a run folder's run.json; throws RunFolderError naming the file when it is missing or malformed.
nlohmann::json read_run_manifest(const std::string& dir);

// The path of `name` (one of RunFolder's files) in run folder `dir`.
std::string run_file(const std::string& dir, const char* name);

// The next record of a verdicts.jsonl, or nullopt at its end; throws RunFolderError naming the file and
// line of a damaged record.
std::optional<Verdict> next_record(JsonlReader& verdicts);

}  // namespace preflight
