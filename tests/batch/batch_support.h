#pragma once

// Shared by the end-to-end batch tests (tests/batch/): the `preflight check` command line against the
// fault-injecting server, mixed URL lists with the record each line must get, and run folders read back.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/fetch/test_server.h"
#include "tests/support/run_command.h"

namespace preflight::testing {

// The default profile's URL size cap: what the server's oversized routes must exceed.
std::uint64_t default_url_cap();

// `preflight check ARGS... --resolve images.test:PORT:127.0.0.1 ... --allow-loopback`.
std::vector<std::string> check_command(const TestServer& server, const std::vector<std::string>& args);

// check_command(ARGS... --out OUT [--resume]): a run into a run folder, or its resumption.
std::vector<std::string> run_folder_command(const TestServer& server, std::vector<std::string> args,
                                            const std::filesystem::path& out, bool resume);

// What one URL-list line is, and so what its record must say.
enum class UrlKind {
  kGood,         // /photo: accepted
  kGoodDataId,   // /photo, TAB, a valid DataId: accepted, data_id kept
  kNotFound,     // /status/404: not retried
  kServerError,  // /status/500: retried, fails twice
  kOversized,    // /declared-oversized: Content-Length over the cap
  kFlaky,        // /flaky?N: 500, then (on the retry) the 16×16 image: too small
  kChain,        // /chain/2: two redirects to the 16×16 image: too small, warning redirected
  kStall,        // /stall: never answers: timeout
  kDrip,         // /drip: one byte every 500 ms: timeout
  kFtp,          // ftp://
  kIpLiteral,    // http://127.0.0.1:PORT/…
  kGarbage,      // words, no scheme
  kOverlong,     // a line over 8 KiB
  kNulByte,      // a NUL byte inside the URL
  kBadUtf8,      // bytes that are not UTF-8
  kBadDataId,    // /photo, TAB, a DataId with a space and a '!'
};

const char* kind_name(UrlKind kind);

struct ExpectedRecord {
  std::string verdict;                // accepted / rejected
  std::string code;                   // the service's code
  std::optional<std::string> reason;  // nullopt: JSON null
  bool redirected = false;            // warnings include "redirected"
};
ExpectedRecord expected_record(UrlKind kind);

struct UrlList {
  std::string text;            // the list file's content (with comments and blank lines)
  std::vector<UrlKind> kinds;  // per input, in input order
  std::vector<std::string>
      inputs;  // per input: the URL as the record's `input` shows it; empty for bad lines
  std::vector<std::optional<std::string>> data_ids;  // per input: the DataId after the TAB
};

struct MixOptions {
  std::size_t count = 0;    // inputs
  std::size_t slow = 0;     // /stall and /drip lines (alternating), placed together from slow_at
  std::size_t slow_at = 0;  // where the slow lines start (each followed by a few fast ones)
  bool bad_lines = true;    // include the lines that are not usable URLs
  std::uint32_t seed = 1;   // shuffles the kinds; every URL is unique whatever the seed
  std::string tag = "u";    // goes into every query string: lists with different tags share no URL
};
// Mixed inputs in a shuffled order. Every input is unique, so every event id must be too.
UrlList mixed_url_list(const TestServer& server, const MixOptions& options);

// A run folder read back.
struct RunFolderContent {
  std::vector<nlohmann::json> verdicts;
  std::vector<nlohmann::json> events;
  nlohmann::json summary;  // null when summary.json is missing
  nlohmann::json manifest;
};
RunFolderContent read_run_folder(const std::filesystem::path& dir);

// Records without timing_us, events without time, a summary without elapsed_s: what must be identical
// between an interrupted-and-resumed run and an uninterrupted one.
std::vector<nlohmann::json> comparable_verdicts(std::vector<nlohmann::json> verdicts);
std::vector<nlohmann::json> comparable_events(std::vector<nlohmann::json> events);
nlohmann::json comparable_summary(nlohmann::json summary);

// Polls `dir`/verdicts.jsonl until it has at least `records` complete lines (true), or `child` exits or
// `limit` passes (false).
bool wait_for_records(ChildProcess& child, const std::filesystem::path& dir, std::uint64_t records,
                      std::chrono::milliseconds limit);

// The `seq` of each record, and the `data.seq` of each event.
std::vector<std::uint64_t> record_seqs(const std::vector<nlohmann::json>& verdicts);
std::vector<std::uint64_t> event_seqs(const std::vector<nlohmann::json>& events);

// The ids that occur more than once.
std::vector<std::string> duplicate_event_ids(const std::vector<nlohmann::json>& events);

// Empty when the two lists are equal; otherwise where they first differ (and their sizes), short enough
// for a failure message.
std::string first_difference(const std::vector<nlohmann::json>& expected,
                             const std::vector<nlohmann::json>& actual);

// A resumed run ended as the uninterrupted `expected` one: the same records (timings aside), events (times
// aside) and summary, no event id twice, and marked complete. Reports through gtest.
void expect_same_finished_run(const RunFolderContent& expected, const RunFolderContent& after);

// Lower-case hex SHA-256 of `bytes`, computed here independently of the product.
std::string sha256_of(const std::vector<std::uint8_t>& bytes);

}  // namespace preflight::testing
