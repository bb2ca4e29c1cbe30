// Runs the checker over ../shared/corpus-realworld/ (real files from other projects) and compares format,
// dimensions, frame count and decodability with what three independent decoders say (manifest.csv).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "pipeline/checker.h"
#include "tests/support/csv.h"
#include "tests/support/run_command.h"

namespace preflight {
namespace {

namespace fs = std::filesystem;
using Row = std::map<std::string, std::string>;

// Files where all voting oracles agree but we do not, each with the reason we differ on purpose.
const std::map<std::string, std::string> kKnownDisagreements = {
    {"librsvg__bug323-nested-use.svg",
     "librsvg 2.54 stops rendering past 500,000 referenced elements (its guard against <use> bombs); we keep "
     "that guard. `vips avg` on this machine fails the same way, so the manifest's vips=yes does not "
     "reproduce."},
};

fs::path realworld_dir() {
  return fs::path(preflight::testing::source_dir()) / ".." / "shared" / "corpus-realworld";
}

// Every rule that is not about decoding is opened wide: this test is about what the decoders see.
Profile permissive_profile() {
  Profile profile;
  profile.name = "realworld-permissive";
  profile.min_bytes = 1;
  profile.max_url_bytes = 1ull << 40;
  profile.max_inline_base64_bytes = 1ull << 40;
  profile.min_width = profile.min_height = 1;
  profile.max_width = profile.max_height = 65535;
  profile.aspect_ratio_limit = 1u << 30;
  profile.formats.insert(std::begin(kAllFormats), std::end(kAllFormats));
  profile.frame_interval = 1;
  profile.max_frames = 1u << 20;
  return profile;
}

std::optional<std::string> expected_format(const std::string& magic) {
  static const std::map<std::string, std::string> kFormats = {
      {"BMP", "bmp"},   {"ICO", "ico"},   {"JPEG", "jpeg"}, {"JNG", "jng"}, {"PNG", "png"},
      {"GIF", "gif"},   {"WEBP", "webp"}, {"TIFF", "tiff"}, {"RAW", "raw"}, {"SVG", "svg"},
      {"HEIC", "heic"}, {"HEIF", "heic"}, {"AVIF", "avif"}};
  const auto it = kFormats.find(magic);
  return it == kFormats.end() ? std::nullopt : std::optional(it->second);
}

int voter_count(const std::string& votes) {
  return votes.empty() ? 0 : 1 + std::count(votes.begin(), votes.end(), ';');
}

// Width and height from the first oracle that decoded the file. For camera RAW, LibRaw's size comes first:
// the general-purpose decoders read the TIFF-structured RAW's embedded thumbnail instead.
std::optional<std::pair<std::string, std::string>> oracle_dims(const Row& row) {
  const bool raw = row.at("format_by_magic") == "RAW";
  const auto oracles = raw ? std::vector<std::string>{"raw", "im", "vips", "pil"}
                           : std::vector<std::string>{"im", "vips", "pil", "avifdec"};
  for (const std::string& oracle : oracles) {
    const std::string w = row.at(oracle + "_w"), h = row.at(oracle + "_h");
    if (row.at(oracle + "_ok") == "yes" && !w.empty() && !h.empty()) return std::pair(w, h);
  }
  return std::nullopt;
}

struct Tally {
  int compared = 0, agreed = 0;
  void count(bool agrees) {
    ++compared;
    agreed += agrees;
  }
  std::string text() const {
    return fmt::format("{}/{} ({:.1f}%)", agreed, compared, compared ? 100.0 * agreed / compared : 100.0);
  }
};

Verdict check_file(const Checker& checker, const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
  return checker.check(bytes, CheckRequest{0, path.filename().string()});
}

TEST(RealWorldCorpus, AgreesWithOracleConsensus) {
  const fs::path manifest = realworld_dir() / "manifest.csv";
  if (!fs::exists(manifest)) GTEST_SKIP() << "no " << manifest;
  const Checker checker(permissive_profile(), CheckOptions{std::nullopt, std::nullopt, DecodeScope::All});
  Tally format_tally, decode_tally, dims_tally, unanimous_tally;
  for (const Row& row : preflight::testing::read_csv(manifest.string())) {
    const std::string& file = row.at("file");
    const Verdict verdict = check_file(checker, realworld_dir() / file);
    ASSERT_NE(verdict.outcome, Outcome::Error) << file << ": " << verdict.message.value_or("");
    const auto format = expected_format(row.at("format_by_magic"));
    const std::string ours_format = verdict.format ? std::string(format_name(*verdict.format)) : "";
    const bool rejected_as_unsupported =
        verdict.reason &&
        (verdict.reason->starts_with("unsupported_format") || *verdict.reason == "empty_content");
    const bool format_agrees = format ? ours_format == *format : rejected_as_unsupported;
    format_tally.count(format_agrees);

    const std::string& consensus = row.at("consensus");
    if (consensus != "yes" && consensus != "no") continue;
    const bool ours_ok = verdict.outcome == Outcome::Accepted;
    const bool decode_agrees = ours_ok == (consensus == "yes");
    decode_tally.count(decode_agrees);
    const auto dims = oracle_dims(row);
    const bool dims_comparable = consensus == "yes" && ours_ok && dims && row.at("dims_disagree") != "yes";
    const bool dims_agree = dims_comparable && std::to_string(*verdict.width) == dims->first &&
                            std::to_string(*verdict.height) == dims->second;
    if (dims_comparable) dims_tally.count(dims_agree);

    const bool unanimous = row.at("verdicts_disagree") == "no" && voter_count(row.at("votes")) >= 2;
    if (!unanimous) continue;
    const bool agrees = format_agrees && decode_agrees && (!dims_comparable || dims_agree);
    unanimous_tally.count(agrees);
    if (!agrees && !kKnownDisagreements.contains(file)) {
      ADD_FAILURE() << file << ": oracles (" << row.at("votes") << ") say " << consensus
                    << (dims ? fmt::format(" {}x{}", dims->first, dims->second) : "") << "; we say "
                    << outcome_name(verdict.outcome) << " " << ours_format << " "
                    << (verdict.width ? fmt::format("{}x{}", *verdict.width, *verdict.height) : "") << " "
                    << verdict.reason.value_or("") << " " << verdict.message.value_or("");
    }
  }
  std::printf("real-world agreement: format %s, decodability %s, dimensions %s, unanimous-oracle files %s\n",
              format_tally.text().c_str(), decode_tally.text().c_str(), dims_tally.text().c_str(),
              unanimous_tally.text().c_str());
  RecordProperty("unanimous_agreement", unanimous_tally.text());
}

}  // namespace
}  // namespace preflight
