#include "pipeline/profile.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace preflight {
namespace {

class ProfileFile : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& text) {
    const auto path =
        std::filesystem::temp_directory_path() /
        ("preflight_profile_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++) + ".json");
    std::ofstream(path) << text;
    written_.push_back(path);
    return path;
  }
  void TearDown() override {
    for (const auto& path : written_) std::filesystem::remove(path);
  }

  // A valid profile with `field` replaced by `value` (JSON text); an empty field leaves it unchanged.
  std::string valid_with(const std::string& field, const std::string& value) {
    nlohmann::json doc = {{"name", "t"},
                          {"min_bytes", 16},
                          {"max_url_bytes", 100},
                          {"max_inline_base64_bytes", 100},
                          {"min_width", 51},
                          {"min_height", 51},
                          {"max_width", 9999},
                          {"max_height", 9999},
                          {"aspect_ratio_limit", 90},
                          {"recommended_min_width", 256},
                          {"recommended_min_height", 256},
                          {"formats", {"png"}},
                          {"frame_interval", 5},
                          {"max_frames", 5}};
    if (!field.empty()) doc[field] = nlohmann::json::parse(value);
    return doc.dump();
  }

  std::string load_error(const std::string& text) {
    try {
      load_profile_file(write(text));
    } catch (const ProfileError& error) {
      return error.what();
    }
    return "";
  }

 private:
  int counter_ = 0;
  std::vector<std::filesystem::path> written_;
};

TEST_F(ProfileFile, ShippedProfilesLoad) {
  for (const char* name : {"tencent-ims", "tencent-ims-strict", "tencent-ims-intl"}) {
    const Profile profile = load_profile(name);
    EXPECT_EQ(profile.name, name);
  }
  const Profile ims = load_profile("tencent-ims");
  EXPECT_EQ(ims.min_bytes, 16u);
  EXPECT_EQ(ims.max_url_bytes, 30u * 1024 * 1024 - 1);
  EXPECT_EQ(ims.formats.size(), 12u);
  const Profile intl = load_profile("tencent-ims-intl");
  EXPECT_EQ(intl.frame_interval, 0u);
  EXPECT_EQ(intl.max_frames, 1u);
  EXPECT_EQ(intl.formats.size(), 5u);
}

TEST_F(ProfileFile, ValidFileLoadsByPath) {
  const Profile profile = load_profile(write(valid_with("", "")).string());
  EXPECT_EQ(profile.name, "t");
  EXPECT_EQ(profile.max_url_bytes, 100u);
}

TEST_F(ProfileFile, MissingFileNamesThePath) {
  try {
    load_profile("no-such-profile");
    FAIL() << "expected ProfileError";
  } catch (const ProfileError& error) {
    EXPECT_NE(std::string(error.what()).find("no-such-profile.json"), std::string::npos) << error.what();
  }
}

TEST_F(ProfileFile, BadJsonGivesTheLine) {
  const std::string error = load_error("{\n\"name\": \"x\",\n\"min_bytes\": ,\n}");
  EXPECT_NE(error.find("line 3"), std::string::npos) << error;
}

// nlohmann reports a number beyond a double as out_of_range, not parse_error (found by fuzz_plan).
TEST_F(ProfileFile, NumberBeyondADoubleIsBadJson) {
  const std::string error = load_error(R"({"name": "x", "min_bytes": 1e400})");
  EXPECT_NE(error.find("not valid JSON"), std::string::npos) << error;
}

TEST_F(ProfileFile, EachBadFieldIsNamed) {
  EXPECT_NE(load_error(valid_with("min_bytes", "-1")).find("\"min_bytes\""), std::string::npos);
  EXPECT_NE(load_error(valid_with("max_width", "\"big\"")).find("\"max_width\""), std::string::npos);
  EXPECT_NE(load_error(valid_with("formats", "[\"png\",\"jxl\"]")).find("\"formats\""), std::string::npos);
  EXPECT_NE(load_error(valid_with("max_frames", "0")).find("\"max_frames\""), std::string::npos);
  EXPECT_NE(load_error(valid_with("min_width", "20000")).find("\"min_width\""), std::string::npos);
  EXPECT_NE(load_error(R"({"name":"t","min_byts":1})").find("\"min_byts\""), std::string::npos);
}

TEST_F(ProfileFile, MissingFieldIsNamed) {
  const std::string error = load_error(R"({"name":"t","formats":["png"]})");
  EXPECT_NE(error.find("is missing"), std::string::npos) << error;
}

}  // namespace
}  // namespace preflight
