// A run folder left by a crash in the middle of a write: part of a record at the end of verdicts.jsonl,
// and an event for that record (whole or cut) at the end of events.jsonl, since events go first. --resume
// must cut both and end with the folder an uninterrupted run leaves.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/batch/batch_support.h"
#include "tests/fetch/test_server.h"
#include "tests/support/jsonl.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace preflight::testing;

constexpr std::size_t kUrls = 400;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (std::size_t begin = 0; begin < text.size();) {
    const std::size_t end = text.find('\n', begin);
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

struct Tear {
  const char* name;
  std::size_t record_bytes_kept;  // of the torn record, 0 = half
  bool whole_event;               // the torn record's event is whole (an orphan), or cut in half
};

TEST(BatchTornLine, ResumeCutsATornRecordAndItsOrphanEventAndEndsAsAnUninterruptedRun) {
  const TestServer server(default_url_cap());
  const TempDir dir;
  const UrlList list = mixed_url_list(server, {.count = kUrls, .seed = 99, .tag = "t"});
  const std::string list_path = dir.write("urls.txt", list.text).string();
  const auto command = [&](const fs::path& out, bool resume) {
    return run_folder_command(server, {"--urls", list_path}, out, resume);
  };
  const fs::path reference_dir = dir.path() / "uninterrupted";
  const CommandResult reference = run_command(command(reference_dir, false));
  ASSERT_EQ(reference.exit_status, 1) << reference.err;
  const RunFolderContent expected = read_run_folder(reference_dir);
  const std::vector<std::string> record_lines = lines_of(read_text(reference_dir / "verdicts.jsonl"));
  const std::vector<std::string> event_lines = lines_of(read_text(reference_dir / "events.jsonl"));
  ASSERT_EQ(record_lines.size(), kUrls);
  ASSERT_EQ(event_lines.size(), expected.events.size());

  // The record to tear: an accepted one half-way through, so that it has an event.
  std::size_t torn = kUrls / 2;
  while (torn < kUrls && expected.verdicts[torn]["verdict"] != "accepted") ++torn;
  ASSERT_LT(torn, kUrls);
  std::size_t events_before = 0;
  while (expected.events[events_before]["data"]["seq"] < torn) ++events_before;
  ASSERT_EQ(expected.events[events_before]["data"]["seq"], torn);

  json manifest = expected.manifest;
  manifest["complete"] = false;  // as a crashed run leaves it
  for (const Tear& tear :
       {Tear{"half a record, whole orphan event", 0, true}, Tear{"half a record, half an event", 0, false},
        Tear{"a whole record but its newline, whole event", record_lines[torn].size(), true}}) {
    SCOPED_TRACE(tear.name);
    const fs::path out = dir.path() / tear.name;
    fs::create_directories(out);
    std::ofstream(out / "run.json") << manifest.dump(2) << "\n";
    {
      std::ofstream verdicts(out / "verdicts.jsonl", std::ios::binary);
      for (std::size_t i = 0; i < torn; ++i) verdicts << record_lines[i] << "\n";
      const std::size_t kept =
          tear.record_bytes_kept ? tear.record_bytes_kept : record_lines[torn].size() / 2;
      verdicts << record_lines[torn].substr(0, kept);
      std::ofstream events(out / "events.jsonl", std::ios::binary);
      for (std::size_t i = 0; i < events_before; ++i) events << event_lines[i] << "\n";
      const std::string& orphan = event_lines[events_before];
      events << (tear.whole_event ? orphan + "\n" : orphan.substr(0, orphan.size() / 2));
    }

    const CommandResult resumed = run_command(command(out, true));
    EXPECT_EQ(resumed.exit_status, reference.exit_status) << resumed.err;
    const RunFolderContent after = read_run_folder(out);
    expect_same_finished_run(expected, after);
  }
}

}  // namespace
}  // namespace preflight
