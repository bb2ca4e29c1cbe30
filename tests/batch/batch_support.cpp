#include "tests/batch/batch_support.h"

#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <map>
#include <random>
#include <thread>
#include <utility>

#include "pipeline/profile.h"
#include "tests/support/jsonl.h"
#include "tests/support/run_command.h"

namespace preflight::testing {
namespace {

using nlohmann::json;

constexpr std::size_t kOverlongPadding = 9000;  // past the 8 KiB line limit
constexpr std::size_t kFastAfterSlow = 2;       // fast lines between two slow ones
constexpr std::size_t kCommentEvery = 97;       // a comment line before every 97th input
constexpr std::size_t kBlankEvery = 89;         // and a blank line before every 89th
constexpr auto kRecordPoll = std::chrono::milliseconds(1);

// Shares of each kind in a mixed list, in parts of the pattern below.
constexpr std::array<std::pair<UrlKind, int>, 14> kMix = {{
    {UrlKind::kGood, 50},
    {UrlKind::kGoodDataId, 5},
    {UrlKind::kNotFound, 8},
    {UrlKind::kServerError, 4},
    {UrlKind::kOversized, 2},
    {UrlKind::kFlaky, 4},
    {UrlKind::kChain, 6},
    {UrlKind::kFtp, 3},
    {UrlKind::kIpLiteral, 3},
    {UrlKind::kGarbage, 2},
    {UrlKind::kOverlong, 1},
    {UrlKind::kNulByte, 2},
    {UrlKind::kBadUtf8, 2},
    {UrlKind::kBadDataId, 3},
}};

bool is_bad_line(UrlKind kind) {
  return kind == UrlKind::kGarbage || kind == UrlKind::kOverlong || kind == UrlKind::kNulByte ||
         kind == UrlKind::kBadUtf8;
}

constexpr const char* kDownloadError = "ResourceUnavailable.ImageDownloadError";
constexpr const char* kInvalidContent = "InvalidParameterValue.InvalidImageContent";
constexpr const char* kTooSmall = "InvalidParameter.ImageSizeTooSmall";

}  // namespace

std::uint64_t default_url_cap() { return load_profile(kDefaultProfileName).max_url_bytes; }

std::vector<std::string> check_command(const TestServer& server, const std::vector<std::string>& args) {
  std::vector<std::string> command = {preflight_binary(), "check"};
  command.insert(command.end(), args.begin(), args.end());
  for (const std::string& entry : server.resolve_overrides()) {
    command.push_back("--resolve");
    command.push_back(entry);
  }
  command.push_back("--allow-loopback");
  return command;
}

std::vector<std::string> run_folder_command(const TestServer& server, std::vector<std::string> args,
                                            const std::filesystem::path& out, bool resume) {
  args.insert(args.end(), {"--out", out.string()});
  if (resume) args.push_back("--resume");
  return check_command(server, args);
}

const char* kind_name(UrlKind kind) {
  switch (kind) {
    case UrlKind::kGood:
      return "good";
    case UrlKind::kGoodDataId:
      return "good+data_id";
    case UrlKind::kNotFound:
      return "404";
    case UrlKind::kServerError:
      return "500";
    case UrlKind::kOversized:
      return "oversized";
    case UrlKind::kFlaky:
      return "flaky";
    case UrlKind::kChain:
      return "chain";
    case UrlKind::kStall:
      return "stall";
    case UrlKind::kDrip:
      return "drip";
    case UrlKind::kFtp:
      return "ftp";
    case UrlKind::kIpLiteral:
      return "ip-literal";
    case UrlKind::kGarbage:
      return "garbage";
    case UrlKind::kOverlong:
      return "overlong";
    case UrlKind::kNulByte:
      return "nul";
    case UrlKind::kBadUtf8:
      return "bad-utf8";
    case UrlKind::kBadDataId:
      return "bad-data-id";
  }
  return "?";
}

ExpectedRecord expected_record(UrlKind kind) {
  switch (kind) {
    case UrlKind::kGood:
    case UrlKind::kGoodDataId:
      return {"accepted", "OK", std::nullopt};
    case UrlKind::kNotFound:
      return {"rejected", kDownloadError, "http_404"};
    case UrlKind::kServerError:
      return {"rejected", kDownloadError, "http_500"};
    case UrlKind::kOversized:
      return {"rejected", "InvalidParameterValue.InvalidFileContentSize", "too_large"};
    case UrlKind::kFlaky:
      return {"rejected", kTooSmall, "dimensions_too_small"};
    case UrlKind::kChain:
      return {"rejected", kTooSmall, "dimensions_too_small", true};
    case UrlKind::kStall:
    case UrlKind::kDrip:
      return {"rejected", kDownloadError, "timeout"};
    case UrlKind::kFtp:
      return {"rejected", kInvalidContent, "unsupported_scheme"};
    case UrlKind::kIpLiteral:
      return {"rejected", kDownloadError, "ip_literal_host"};
    case UrlKind::kGarbage:
    case UrlKind::kOverlong:
    case UrlKind::kNulByte:
    case UrlKind::kBadUtf8:
      return {"rejected", kInvalidContent, "bad_url"};
    case UrlKind::kBadDataId:
      return {"rejected", "InvalidParameterValue.InvalidDataId", "invalid_data_id"};
  }
  return {};
}

UrlList mixed_url_list(const TestServer& server, const MixOptions& options) {
  std::vector<UrlKind> pattern;
  for (const auto& [kind, share] : kMix) {
    if (options.bad_lines || (!is_bad_line(kind) && kind != UrlKind::kBadDataId))
      pattern.insert(pattern.end(), static_cast<std::size_t>(share), kind);
  }
  UrlList list;
  for (std::size_t i = 0; i < options.count; ++i) list.kinds.push_back(pattern[i % pattern.size()]);
  std::mt19937 random(options.seed);
  std::shuffle(list.kinds.begin(), list.kinds.end(), random);
  for (std::size_t i = 0; i < options.slow; ++i) {
    const std::size_t at = options.slow_at + i * (kFastAfterSlow + 1);
    if (at < list.kinds.size()) list.kinds[at] = i % 2 == 0 ? UrlKind::kStall : UrlKind::kDrip;
  }

  const std::string ip_base = "http://127.0.0.1:" + std::to_string(server.port());
  for (std::size_t i = 0; i < list.kinds.size(); ++i) {
    const std::string id = options.tag + std::to_string(i);
    std::string url;
    std::string line;
    std::optional<std::string> data_id;
    switch (list.kinds[i]) {
      case UrlKind::kGood:
        url = server.url("/photo?" + id);
        break;
      case UrlKind::kGoodDataId:
        url = server.url("/photo?" + id);
        data_id = "user_" + id + "@x#1-2";
        break;
      case UrlKind::kNotFound:
        url = server.url("/status/404?" + id);
        break;
      case UrlKind::kServerError:
        url = server.url("/status/500?" + id);
        break;
      case UrlKind::kOversized:
        url = server.url("/declared-oversized?" + id);
        break;
      case UrlKind::kFlaky:
        url = server.url("/flaky?" + id);
        break;
      case UrlKind::kChain:
        url = server.url("/chain/2?" + id);
        break;
      case UrlKind::kStall:
        url = server.url("/stall?" + id);
        break;
      case UrlKind::kDrip:
        url = server.url("/drip?" + id);
        break;
      case UrlKind::kFtp:
        url = std::string("ftp://") + kImagesHost + "/photo.png?" + id;
        break;
      case UrlKind::kIpLiteral:
        url = ip_base + "/photo?" + id;
        break;
      case UrlKind::kGarbage:
        line = "not a url at all " + id;
        break;
      case UrlKind::kOverlong:
        line = server.url("/photo?" + id + "&pad=" + std::string(kOverlongPadding, 'a'));
        break;
      case UrlKind::kNulByte:
        line = server.url("/pho") + std::string(1, '\0') + "to?" + id;
        break;
      case UrlKind::kBadUtf8:
        line = server.url("/photo?" + id + "\xff\xfe\xc3");
        break;
      case UrlKind::kBadDataId:
        url = server.url("/photo?" + id);
        data_id = "bad id!";
        break;
    }
    if (line.empty()) line = url + (data_id ? "\t" + *data_id : "");
    if (i % kCommentEvery == 1) list.text += "# comment before input " + std::to_string(i) + "\n";
    if (i % kBlankEvery == 2) list.text += "\n";
    list.text += line + "\n";
    list.inputs.push_back(url);
    list.data_ids.push_back(data_id);
  }
  return list;
}

RunFolderContent read_run_folder(const std::filesystem::path& dir) {
  RunFolderContent content;
  content.verdicts = read_jsonl(dir / "verdicts.jsonl");
  content.events = read_jsonl(dir / "events.jsonl");
  const std::string summary = read_text(dir / "summary.json");
  content.summary = summary.empty() ? json() : json::parse(summary);
  const std::string manifest = read_text(dir / "run.json");
  content.manifest = manifest.empty() ? json() : json::parse(manifest);
  return content;
}

std::vector<json> comparable_verdicts(std::vector<json> verdicts) {
  for (json& verdict : verdicts) verdict.erase("timing_us");
  return verdicts;
}

std::vector<json> comparable_events(std::vector<json> events) {
  for (json& event : events) event.erase("time");
  return events;
}

json comparable_summary(json summary) {
  if (summary.is_object()) summary.erase("elapsed_s");
  return summary;
}

bool wait_for_records(ChildProcess& child, const std::filesystem::path& dir, std::uint64_t records,
                      std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  LineCounter lines(dir / "verdicts.jsonl");
  while (lines.count() < records) {
    if (child.exited()) return lines.count() >= records;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(kRecordPoll);
  }
  return true;
}

std::vector<std::uint64_t> record_seqs(const std::vector<json>& verdicts) {
  std::vector<std::uint64_t> seqs;
  for (const json& verdict : verdicts) seqs.push_back(verdict.at("seq").get<std::uint64_t>());
  return seqs;
}

std::vector<std::uint64_t> event_seqs(const std::vector<json>& events) {
  std::vector<std::uint64_t> seqs;
  for (const json& event : events) seqs.push_back(event.at("data").at("seq").get<std::uint64_t>());
  return seqs;
}

std::vector<std::string> duplicate_event_ids(const std::vector<json>& events) {
  std::map<std::string, int> count;
  for (const json& event : events) ++count[event.at("id").get<std::string>()];
  std::vector<std::string> duplicates;
  for (const auto& [id, times] : count) {
    if (times > 1) duplicates.push_back(id);
  }
  return duplicates;
}

std::string first_difference(const std::vector<json>& expected, const std::vector<json>& actual) {
  const std::size_t common = std::min(expected.size(), actual.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (expected[i] != actual[i]) {
      return "line " + std::to_string(i) + " differs:\n  expected " + expected[i].dump() + "\n  actual   " +
             actual[i].dump();
    }
  }
  if (expected.size() == actual.size()) return "";
  return "expected " + std::to_string(expected.size()) + " lines, got " + std::to_string(actual.size()) +
         (common < expected.size() ? "; first missing: " + expected[common].dump()
                                   : "; first extra: " + actual[common].dump());
}

std::string sha256_of(const std::vector<std::uint8_t>& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

void expect_same_finished_run(const RunFolderContent& expected, const RunFolderContent& after) {
  EXPECT_EQ(first_difference(comparable_verdicts(expected.verdicts), comparable_verdicts(after.verdicts)),
            "");
  EXPECT_EQ(first_difference(comparable_events(expected.events), comparable_events(after.events)), "");
  EXPECT_EQ(duplicate_event_ids(after.events), std::vector<std::string>());
  EXPECT_EQ(comparable_summary(after.summary), comparable_summary(expected.summary));
  EXPECT_EQ(after.manifest["complete"], true);
}

}  // namespace preflight::testing
