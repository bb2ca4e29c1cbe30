#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "decoders/format.h"

namespace preflight {

// A rule profile (SPEC §2): every limit the rules apply, as data. All min_/max_ bounds are inclusive;
// `aspect_ratio_limit` is exclusive (long side / short side must stay below it).
struct Profile {
  std::string name;
  std::string source;  // the file it was loaded from (or the caller's name for the text), for error messages
  std::uint64_t min_bytes = 0;
  std::uint64_t max_url_bytes = 0;
  std::uint64_t max_inline_base64_bytes = 0;
  std::uint32_t min_width = 0;
  std::uint32_t min_height = 0;
  std::uint32_t max_width = 0;
  std::uint32_t max_height = 0;
  std::uint32_t aspect_ratio_limit = 0;
  std::uint32_t recommended_min_width = 0;
  std::uint32_t recommended_min_height = 0;
  std::set<Format> formats;
  std::uint32_t frame_interval = 0;  // 0: first frame only
  std::uint32_t max_frames = 1;
};

// A profile that could not be loaded: the message names the file, the field and what is expected.
class ProfileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses and validates a profile's JSON text; throws ProfileError naming `source` (the file, or the
// caller's name for the text) and the offending field.
Profile parse_profile(std::string_view text, std::string_view source);

// Reads a profile file and parses it with parse_profile(); throws ProfileError naming the file.
Profile load_profile_file(const std::filesystem::path& path);

// `name_or_path` is a shipped profile name ("tencent-ims") or a path to a JSON file. Shipped profiles are
// looked up in $PREFLIGHT_PROFILE_DIR, then in the source tree's profiles/ folder.
Profile load_profile(const std::string& name_or_path);

inline constexpr const char* kDefaultProfileName = "tencent-ims";

}  // namespace preflight
