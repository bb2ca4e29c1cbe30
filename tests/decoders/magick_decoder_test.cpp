#include "decoders/magick_decoder.h"

#include <gtest/gtest.h>
#include <magick/MagickCore.h>
#include <sys/resource.h>
#include <zlib.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "decoders/svg_decoder.h"
#include "tests/support/magick_samples.h"
#include "tests/support/sanitized_build.h"

namespace preflight {
namespace {

using testing::magick_sample;

// The failure a record would carry for `file`: the probe's, the defect it found, or the decode's.
std::optional<DecodeFailure> first_failure(const Decoder& decoder, const std::string& file) {
  const DecodeLimits limits;
  const DecodeResult<ImageHeader> header = decoder.probe(as_bytes(file), limits);
  if (!header.ok()) return header.failure();
  if (header.value().defect) return DecodeFailure{*header.value().defect, "probe defect"};
  const std::uint32_t frame[] = {header.value().primary_frame};
  const DecodeStatus status = decoder.decode_frames(as_bytes(file), header.value(), frame, limits);
  if (!status.ok()) return status.failure();
  return std::nullopt;
}

std::string failure_detail(const Decoder& decoder, const std::string& file) {
  const std::optional<DecodeFailure> failure = first_failure(decoder, file);
  return failure ? failure->detail : "none";
}

void expect_header(const DecodeResult<ImageHeader>& probed, const ImageHeader& expected) {
  ASSERT_TRUE(probed.ok()) << probed.failure().detail << ": " << probed.failure().message;
  const ImageHeader& header = probed.value();
  EXPECT_EQ(header.format, expected.format);
  EXPECT_EQ(header.width, expected.width);
  EXPECT_EQ(header.height, expected.height);
  EXPECT_EQ(header.frames_total, expected.frames_total);
  EXPECT_EQ(header.primary_frame, expected.primary_frame);
  EXPECT_EQ(header.defect, expected.defect);
}

std::string little_endian(std::uint32_t value, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out += static_cast<char>(value >> (8 * i) & 0xFF);
  return out;
}

struct BitmapSpec {
  std::int32_t width = 3;
  std::int32_t height = 2;
  std::uint16_t planes = 1;
  std::uint16_t bits_per_pixel = 24;
};

// A BITMAPFILEHEADER + BITMAPINFOHEADER whose file size field counts the pixel rows the header implies
// (32-bit arithmetic, as the field is); no pixels follow.
std::string bitmap_header(const BitmapSpec& spec) {
  constexpr std::uint32_t kHeadersSize = 14 + 40;
  const std::uint32_t row_bytes =
      (static_cast<std::uint32_t>(spec.width) * spec.bits_per_pixel + 31) / 32 * 4;
  const std::uint32_t file_size = kHeadersSize + row_bytes * static_cast<std::uint32_t>(spec.height);
  return "BM" + little_endian(file_size, 4) + little_endian(0, 4) + little_endian(kHeadersSize, 4) +
         little_endian(40, 4) + little_endian(spec.width, 4) + little_endian(spec.height, 4) +
         little_endian(spec.planes, 2) + little_endian(spec.bits_per_pixel, 2) + little_endian(0, 4) +
         little_endian(0, 4) + little_endian(2835, 4) + little_endian(2835, 4) + little_endian(0, 4) +
         little_endian(0, 4);
}

// 3x2 pixels, 24 bits: each row is 9 bytes of BGR plus 3 bytes of padding.
std::string hand_built_bitmap() {
  const std::string row = std::string("\x00\x00\xFF\x00\xFF\x00\xFF\x00\x00", 9) + std::string(3, '\0');
  return bitmap_header({}) + row + row;
}

// --- BMP -------------------------------------------------------------------------------------------------

TEST(BmpDecoder, ProbesAndDecodesHandBuiltBitmap) {
  const std::string file = hand_built_bitmap();
  expect_header(bmp_decoder().probe(as_bytes(file), {}), {.format = Format::Bmp, .width = 3, .height = 2});
  EXPECT_EQ(failure_detail(bmp_decoder(), file), "none");
}

TEST(BmpDecoder, ProbesAndDecodesMagickEncodedBitmap) {
  const std::string file = magick_sample("BMP", {{70, 46}});
  expect_header(bmp_decoder().probe(as_bytes(file), {}), {.format = Format::Bmp, .width = 70, .height = 46});
  EXPECT_EQ(failure_detail(bmp_decoder(), file), "none");
}

TEST(BmpDecoder, HugeCanvasInTinyFileReportsDimensionsWithoutPixels) {
  const std::string file = bitmap_header({.width = 100000, .height = 100000}) + std::string(64, '\0');
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  const DecodeResult<ImageHeader> header = bmp_decoder().probe(as_bytes(file), {});
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  expect_header(header, {.format = Format::Bmp, .width = 100000, .height = 100000, .defect = "truncated"});
  constexpr long kNoPixelBufferKiB = 64 * 1024;  // one row of 100000 Q16 pixels would already be 800 KiB
  if (testing::kMemoryFiguresMeaningful) {
    EXPECT_LT(after.ru_maxrss - before.ru_maxrss, kNoPixelBufferKiB);
  }

  const std::uint32_t frame[] = {0};
  const DecodeStatus decoded = bmp_decoder().decode_frames(as_bytes(file), header.value(), frame, {});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.failure().detail, "too_large");
}

TEST(BmpDecoder, TruncationAnywhereIsReportedAsTruncated) {
  const std::string file = magick_sample("BMP", {{70, 46}});
  for (const std::size_t kept :
       {std::size_t{1}, std::size_t{2}, std::size_t{14}, std::size_t{20}, std::size_t{40}, std::size_t{54},
        std::size_t{100}, file.size() / 2, file.size() - 1}) {
    EXPECT_EQ(failure_detail(bmp_decoder(), file.substr(0, kept)), "truncated")
        << "kept " << kept << " bytes";
  }
}

TEST(BmpDecoder, PixelsMissingBehindAZeroFileSizeFieldAreTruncated) {
  std::string file = hand_built_bitmap();
  file.replace(2, 4, little_endian(0, 4));  // writers may leave the field 0; IM then counts the rows itself
  EXPECT_EQ(failure_detail(bmp_decoder(), file.substr(0, file.size() - 5)), "truncated");
}

struct CorruptBitmap {
  std::string name;
  BitmapSpec spec;
  std::string detail;
};

class BmpCorruptHeader : public ::testing::TestWithParam<CorruptBitmap> {};

TEST_P(BmpCorruptHeader, FailsWithDetail) {
  const CorruptBitmap& c = GetParam();
  const std::string file = bitmap_header(c.spec) + std::string(64, '\0');
  EXPECT_EQ(failure_detail(bmp_decoder(), file), c.detail);
}

INSTANTIATE_TEST_SUITE_P(
    BmpHeaders, BmpCorruptHeader,
    ::testing::Values(
        CorruptBitmap{
            "bits_per_pixel_7", {.width = 4, .height = 4, .bits_per_pixel = 7}, "unsupported_bit_depth"},
        CorruptBitmap{"zero_width", {.width = 0, .height = 4, .bits_per_pixel = 8}, "bad_header"},
        CorruptBitmap{
            "two_planes", {.width = 4, .height = 4, .planes = 2, .bits_per_pixel = 8}, "corrupt_data"}),
    [](const ::testing::TestParamInfo<CorruptBitmap>& info) { return info.param.name; });

TEST(BmpDecoder, ForcedCoderNeverReadsAnotherFormat) {
  const std::string svg = R"(<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect/></svg>)";
  const std::string mvg = "viewbox 0 0 64 64\nfill red\nrectangle 0 0 63 63\n";
  const std::string jng = magick_sample("JNG", {{8, 8}});
  for (const std::string& other : {svg, mvg, jng}) {
    const std::optional<DecodeFailure> failure = first_failure(bmp_decoder(), other);
    ASSERT_TRUE(failure.has_value()) << other.substr(0, 20);
    EXPECT_EQ(failure->detail, "bad_header") << failure->message;
  }
}

// --- ICO -------------------------------------------------------------------------------------------------

std::string three_icons() { return magick_sample("ICO", {{16, 16}, {48, 48}, {32, 32}}); }

TEST(IcoDecoder, LargestEntryDecidesAndIsDecoded) {
  const std::string file = three_icons();
  const DecodeResult<ImageHeader> header = ico_decoder().probe(as_bytes(file), {});
  expect_header(header,
                {.format = Format::Ico, .width = 48, .height = 48, .frames_total = 3, .primary_frame = 1});
  const std::uint32_t frame[] = {1};
  EXPECT_TRUE(ico_decoder().decode_frames(as_bytes(file), header.value(), frame, {}).ok());
}

TEST(IcoDecoder, TruncationAnywhereIsReportedAsTruncated) {
  const std::string file = three_icons();
  const std::uint32_t largest_entry_offset =
      static_cast<std::uint8_t>(file[34]) | static_cast<std::uint8_t>(file[35]) << 8;
  for (const std::size_t kept :
       {std::size_t{3}, std::size_t{10}, std::size_t{40}, std::size_t{54}, std::size_t{100},
        std::size_t{largest_entry_offset + 200}, file.size() - 1}) {
    EXPECT_EQ(failure_detail(ico_decoder(), file.substr(0, kept)), "truncated")
        << "kept " << kept << " bytes";
  }
}

TEST(IcoDecoder, EntryWithImpossibleBitDepthFails) {
  std::string file = three_icons();
  constexpr std::size_t kSecondEntryOffsetAt = 6 + 16 + 12;
  constexpr std::size_t kDibBitCountAt = 14;
  const std::size_t entry = static_cast<std::uint8_t>(file[kSecondEntryOffsetAt]) |
                            static_cast<std::uint8_t>(file[kSecondEntryOffsetAt + 1]) << 8;
  file.replace(entry + kDibBitCountAt, 2, little_endian(40, 2));
  EXPECT_EQ(failure_detail(ico_decoder(), file), "bad_header");
}

// --- JNG -------------------------------------------------------------------------------------------------

TEST(JngDecoder, ProbesAndDecodesMagickEncodedJng) {
  const std::string file = magick_sample("JNG", {{70, 46}});
  expect_header(jng_decoder().probe(as_bytes(file), {}), {.format = Format::Jng, .width = 70, .height = 46});
  EXPECT_EQ(failure_detail(jng_decoder(), file), "none");
}

TEST(JngDecoder, TruncationAnywhereIsReportedAsTruncated) {
  const std::string file = magick_sample("JNG", {{70, 46}});
  for (const std::size_t kept : {std::size_t{4}, std::size_t{20}, std::size_t{40}, std::size_t{100},
                                 file.size() / 2, file.size() - 20, file.size() - 1}) {
    EXPECT_EQ(failure_detail(jng_decoder(), file.substr(0, kept)), "truncated")
        << "kept " << kept << " bytes";
  }
}

struct Chunk {
  std::string type;
  std::string data;
};

std::vector<Chunk> jng_chunks(const std::string& file) {
  std::vector<Chunk> chunks;
  for (std::size_t at = 8; at + 8 <= file.size();) {
    const std::uint32_t length =
        static_cast<std::uint8_t>(file[at]) << 24 | static_cast<std::uint8_t>(file[at + 1]) << 16 |
        static_cast<std::uint8_t>(file[at + 2]) << 8 | static_cast<std::uint8_t>(file[at + 3]);
    chunks.push_back({file.substr(at + 4, 4), file.substr(at + 8, length)});
    at += 12 + length;
  }
  return chunks;
}

std::string big_endian(std::uint32_t value) {
  return {static_cast<char>(value >> 24), static_cast<char>(value >> 16), static_cast<char>(value >> 8),
          static_cast<char>(value)};
}

// Rebuilds a JNG with valid lengths and CRCs, so that only the JPEG stream inside is damaged.
std::string jng_file(const std::vector<Chunk>& chunks) {
  std::string file = "\x8BJNG\r\n\x1A\n";
  for (const Chunk& chunk : chunks) {
    const std::string body = chunk.type + chunk.data;
    const auto crc = crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
    file += big_endian(static_cast<std::uint32_t>(chunk.data.size())) + body +
            big_endian(static_cast<std::uint32_t>(crc));
  }
  return file;
}

// IM6's JNG reader drops libjpeg's warnings with the image it decodes the JPEG into; the decoder checks the
// stream itself.
TEST(JngDecoder, CorruptJpegInsideIntactChunksFails) {
  std::vector<Chunk> chunks = jng_chunks(magick_sample("JNG", {{70, 46}}));
  for (Chunk& chunk : chunks) {
    if (chunk.type != "JDAT") continue;
    const std::size_t scan = chunk.data.find("\xFF\xDA");
    ASSERT_NE(scan, std::string::npos);
    constexpr char kHuffmanNonsense[] = {'\xFF', '\x00',
                                         '\xC8'};  // FF 00 is a stuffed FF: data, not a marker
    for (std::size_t i = scan + 20; i < chunk.data.size() - 2; ++i) chunk.data[i] = kHuffmanNonsense[i % 3];
  }
  EXPECT_EQ(failure_detail(jng_decoder(), jng_file(chunks)), "jdat:corrupt_data");
}

TEST(JngDecoder, CutJpegInsideIntactChunksIsATruncatedStream) {
  std::vector<Chunk> chunks = jng_chunks(magick_sample("JNG", {{70, 46}}));
  for (Chunk& chunk : chunks) {
    if (chunk.type != "JDAT") continue;
    const std::size_t scan = chunk.data.find("\xFF\xDA");
    ASSERT_NE(scan, std::string::npos);
    chunk.data.resize(scan + (chunk.data.size() - scan) / 2);  // inside the entropy-coded data
  }
  const std::optional<DecodeFailure> failure = first_failure(jng_decoder(), jng_file(chunks));
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->detail, "jdat:truncated") << failure->message;
}

// --- shared by the three -------------------------------------------------------------------------------

TEST(MagickResourceLimits, AreStrictOnceADecoderRan) {
  ASSERT_TRUE(bmp_decoder().probe(as_bytes(hand_built_bitmap()), {}).ok());
  EXPECT_EQ(GetMagickResourceLimit(DiskResource), 0u);
  EXPECT_EQ(GetMagickResourceLimit(ThreadResource), 1u);
  EXPECT_LE(GetMagickResourceLimit(WidthResource), 16384u);
  EXPECT_LE(GetMagickResourceLimit(HeightResource), 16384u);
  EXPECT_EQ(GetMagickResourceLimit(MemoryResource), 2ull << 30);  // our policy, above Debian's 256 MiB
  EXPECT_EQ(GetMagickResourceLimit(MapResource), 2ull << 30);
  // Left unlimited on purpose: IM6's time limit is process lifetime and ends in exit() (see decoder).
  EXPECT_EQ(GetMagickResourceLimit(TimeResource), MagickResourceInfinity);
}

struct Outcome {
  std::optional<ImageHeader> header;
  std::optional<DecodeFailure> failure;

  bool operator==(const Outcome& other) const {
    const bool same_header =
        header.has_value() == other.header.has_value() &&
        (!header ||
         (header->width == other.header->width && header->height == other.header->height &&
          header->frames_total == other.header->frames_total &&
          header->primary_frame == other.header->primary_frame && header->defect == other.header->defect));
    const bool same_failure = failure.has_value() == other.failure.has_value() &&
                              (!failure || (failure->detail == other.failure->detail &&
                                            failure->message == other.failure->message));
    return same_header && same_failure;
  }
};

Outcome run(const Decoder& decoder, const std::string& file) {
  Outcome outcome;
  const DecodeResult<ImageHeader> header = decoder.probe(as_bytes(file), {});
  if (!header.ok()) {
    outcome.failure = header.failure();
    return outcome;
  }
  outcome.header = header.value();
  const std::uint32_t frame[] = {header.value().primary_frame};
  const DecodeStatus status = decoder.decode_frames(as_bytes(file), header.value(), frame, {});
  if (!status.ok()) outcome.failure = status.failure();
  return outcome;
}

struct Job {
  const Decoder* decoder;
  std::string file;
};

TEST(MagickDecoders, EightThreadsMixingFormatsGetTheSameResultsAsOne) {
  const std::string bmp = magick_sample("BMP", {{120, 80}});
  const std::string ico = three_icons();
  const std::string jng = magick_sample("JNG", {{64, 40}});
  const std::string svg = R"(<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200">
    <circle cx="150" cy="100" r="80" fill="teal"/></svg>)";
  const std::vector<Job> jobs = {{&bmp_decoder(), bmp},
                                 {&ico_decoder(), ico},
                                 {&jng_decoder(), jng},
                                 {&svg_decoder(), svg},
                                 {&bmp_decoder(), bmp.substr(0, bmp.size() / 3)},
                                 {&jng_decoder(), jng.substr(0, jng.size() - 30)},
                                 {&ico_decoder(), ico.substr(0, 500)},
                                 {&svg_decoder(), svg.substr(0, 60)}};
  std::vector<Outcome> expected;
  for (const Job& job : jobs) expected.push_back(run(*job.decoder, job.file));
  ASSERT_FALSE(expected[0].failure.has_value());
  ASSERT_TRUE(expected[4].failure.has_value() || expected[4].header->defect.has_value());

  constexpr int kThreads = 8;
  constexpr int kRounds = 25;
  std::mutex mutex;
  std::vector<std::string> mismatches;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        const std::size_t job = (t + round) % jobs.size();
        if (run(*jobs[job].decoder, jobs[job].file) == expected[job]) continue;
        const std::lock_guard lock(mutex);
        mismatches.push_back("thread " + std::to_string(t) + " job " + std::to_string(job));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " mismatches, first: " << mismatches.front();
}

}  // namespace
}  // namespace preflight
