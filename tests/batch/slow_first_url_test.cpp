// A host whose first URL never answers must not hold back the host's other URLs: each download has its
// own 3 s per attempt (SPEC §5), so URLs submitted while a stalled one is in flight are fetched and
// accepted, not timed out.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/batch/batch_support.h"
#include "tests/fetch/test_server.h"
#include "tests/support/jsonl.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

using nlohmann::json;
using namespace preflight::testing;
using namespace std::chrono_literals;

constexpr int kPhotos = 20;
constexpr auto kLimit = 30s;
constexpr std::int64_t kAttemptTimeoutUs = 3'000'000;  // SPEC §5

TEST(BatchSlowFirstUrl, UrlsAfterAStalledFirstOneOnTheSameHostAreStillFetched) {
  const TestServer server(default_url_cap());
  // The list comes on stdin: the stalled URL alone first, the others once the server has its request, so
  // the stalled request is the first one the host ever got.
  ChildProcess child(check_command(server, {"--urls", "-"}), true);
  ASSERT_TRUE(child.write_stdin(server.url("/stall?first") + "\n"));
  const auto deadline = std::chrono::steady_clock::now() + kLimit;
  while (server.hits("/stall?first") == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  ASSERT_EQ(server.hits("/stall?first"), 1);
  std::string rest;
  for (int i = 0; i < kPhotos; ++i) rest += server.url("/photo?after-stall-" + std::to_string(i)) + "\n";
  ASSERT_TRUE(child.write_stdin(rest));
  child.close_stdin();

  const std::optional<CommandResult> result = child.wait_for(kLimit);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->exit_status, 1) << result->err;
  const std::vector<json> records = parse_jsonl(result->out);
  ASSERT_EQ(records.size(), kPhotos + 1u);
  EXPECT_EQ(records[0]["reason"], "timeout");
  for (int i = 1; i <= kPhotos; ++i) {
    SCOPED_TRACE(records[i].dump());
    EXPECT_EQ(records[i]["verdict"], "accepted");
    // The server answers at once: one attempt, well inside its 3 s (a retry after a timeout may succeed).
    EXPECT_EQ(records[i]["timing_us"]["fetch_attempts"].size(), 1u);
    EXPECT_LT(records[i]["timing_us"]["fetch"], kAttemptTimeoutUs);
  }
}

}  // namespace
}  // namespace preflight
