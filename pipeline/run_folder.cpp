#include "pipeline/run_folder.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "pipeline/billable_event.h"
#include "pipeline/file_writes.h"
#include "pipeline/jsonl_reader.h"
#include "pipeline/verdict_json.h"

namespace preflight {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLockFile = ".lock";
constexpr int kManifestVersion = 1;

// The first field whose value differs between two batch descriptions, for the resume error.
std::string first_difference(const nlohmann::json& recorded, const nlohmann::json& now) {
  for (const auto& [key, value] : now.items()) {
    if (!recorded.contains(key) || recorded[key] != value)
      return fmt::format("{} was {} and is now {}", key,
                         recorded.contains(key) ? recorded[key].dump() : "unset", value.dump());
  }
  return "the batch description changed";
}

int take_lock(const std::string& dir) {
  const std::string path = run_file(dir, kLockFile);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    throw RunFolderError(fmt::format("--out {}: cannot write in the folder: {}", dir, std::strerror(errno)));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    throw RunFolderError(
        fmt::format("--out {}: another preflight is writing to this run folder; wait for it or choose "
                    "another --out",
                    dir));
  }
  return fd;
}

}  // namespace

std::string run_file(const std::string& dir, const char* name) { return (fs::path(dir) / name).string(); }

std::optional<Verdict> next_record(JsonlReader& verdicts) {
  const auto line = verdicts.next();
  if (!line) return std::nullopt;
  try {
    return verdict_from_json(*line);
  } catch (const std::exception& failure) {
    throw RunFolderError(fmt::format("{}:{}: {}; the run folder is damaged, start a new run", verdicts.path(),
                                     verdicts.line_number(), failure.what()));
  }
}

nlohmann::json read_run_manifest(const std::string& dir) {
  const std::string path = run_file(dir, RunFolder::kManifestFile);
  std::ifstream file(path);
  if (!file) throw RunFolderError(fmt::format("{}: missing: {} is not a preflight run folder", path, dir));
  try {
    return nlohmann::json::parse(file);
  } catch (const nlohmann::json::exception& error) {
    throw RunFolderError(fmt::format("{}: not valid JSON: {}", path, error.what()));
  }
}

RunFolder::RunFolder(std::string dir, nlohmann::json batch)
    : dir_(std::move(dir)), batch_(std::move(batch)) {}

RunFolder::~RunFolder() {
  for (const int fd : {verdicts_fd_, events_fd_, lock_fd_})
    if (fd >= 0) ::close(fd);
}

std::unique_ptr<RunFolder> RunFolder::open(const std::string& dir, const nlohmann::json& batch, bool resume) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error)
    throw RunFolderError(fmt::format("--out {}: cannot create the folder: {}", dir, error.message()));
  std::unique_ptr<RunFolder> folder(new RunFolder(dir, batch));
  folder->lock_fd_ = take_lock(dir);
  const bool has_run = fs::exists(run_file(dir, kManifestFile));
  try {
    if (has_run && !resume) {
      throw RunFolderError(fmt::format(
          "--out {}: the folder already holds a run; pass --resume to continue it, or choose another --out",
          dir));
    }
    if (has_run) {
      const nlohmann::json manifest = read_run_manifest(dir);
      if (manifest.value("batch", nlohmann::json()) != batch) {
        throw RunFolderError(fmt::format(
            "--out {} --resume: the run was started with other inputs or options ({}); rerun with the "
            "original ones, or choose another --out",
            dir, first_difference(manifest.value("batch", nlohmann::json::object()), batch)));
      }
      folder->marked_complete_ = manifest.value("complete", false);
    } else {
      for (const char* name : {kVerdictsFile, kEventsFile}) truncate_file(run_file(dir, name), 0);
      folder->write_manifest(false);
    }
    folder->verdicts_fd_ = open_for_append(run_file(dir, kVerdictsFile));
    folder->events_fd_ = open_for_append(run_file(dir, kEventsFile));
  } catch (const RunFolderError&) {
    throw;
  } catch (const std::exception& failure) {
    throw RunFolderError(failure.what());
  }
  return folder;
}

// The descriptors were opened with O_APPEND: writes after the cuts below land at the new end.
void RunFolder::recover(const std::function<void(const Verdict&)>& restore) {
  try {
    recover_records(restore);
    recover_events();
  } catch (const RunFolderError&) {
    throw;
  } catch (const std::exception& failure) {
    throw RunFolderError(failure.what());
  }
}

void RunFolder::recover_records(const std::function<void(const Verdict&)>& restore) {
  const std::string verdicts_path = run_file(dir_, kVerdictsFile);
  JsonlReader verdicts(verdicts_path, true);
  while (const auto verdict = next_record(verdicts)) {
    restore(*verdict);
    ++recorded_;
    last_seq_ = verdict->seq;
    last_input_ = verdict->input;
  }
  truncate_file(verdicts_path, verdicts.offset());
}

void RunFolder::recover_events() {
  const std::string events_path = run_file(dir_, kEventsFile);
  JsonlReader events(events_path, true);
  std::uint64_t keep = 0;
  while (const auto line = events.next()) {
    const auto seq = billable_event_seq(*line);
    if (!seq || !last_seq_ || *seq > *last_seq_) break;
    keep = events.offset();
  }
  truncate_file(events_path, keep);
}

void RunFolder::write_manifest(bool complete) {
  const nlohmann::json manifest = {{"version", kManifestVersion}, {"batch", batch_}, {"complete", complete}};
  replace_file(run_file(dir_, kManifestFile), manifest.dump(2) + "\n");
}

void RunFolder::append(const std::string& record, const std::vector<std::string>& events) {
  if (marked_complete_) {  // a resumed run that grows (a longer list) is incomplete until it finishes
    write_manifest(false);
    marked_complete_ = false;
  }
  if (!events.empty()) {
    std::string lines;
    for (const std::string& event : events) lines.append(event).push_back('\n');
    write_all(events_fd_, lines, run_file(dir_, kEventsFile));
  }
  write_all(verdicts_fd_, record + "\n", run_file(dir_, kVerdictsFile));
}

void RunFolder::finish(const nlohmann::json& summary, bool complete) {
  replace_file(run_file(dir_, kSummaryFile), summary.dump(2) + "\n");
  if (complete && !marked_complete_) write_manifest(true);
}

}  // namespace preflight
