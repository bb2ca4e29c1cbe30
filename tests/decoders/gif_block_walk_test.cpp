#include "decoders/gif_block_walk.h"

#include <gif_lib.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <random>

#include "tests/support/raster_samples.h"

namespace preflight {
namespace {

using test::Bytes;

constexpr std::uint32_t kNoFrameLimit = 1'000'000;

struct Reader {
  const Bytes* bytes;
  std::size_t offset = 0;
};

int read_bytes(GifFileType* gif, GifByteType* destination, int length) {
  auto& reader = *static_cast<Reader*>(gif->UserData);
  const std::size_t count =
      std::min<std::size_t>(static_cast<std::size_t>(length), reader.bytes->size() - reader.offset);
  if (count > 0) std::memcpy(destination, reader.bytes->data() + reader.offset, count);
  reader.offset += count;
  return static_cast<int>(count);
}

bool skip_blocks(GifFileType* gif, GifByteType* block, int (*next)(GifFileType*, GifByteType**)) {
  while (block != nullptr) {
    if (next(gif, &block) == GIF_ERROR) return false;
  }
  return true;
}

// The reference: giflib's own record walk to the trailer; nullopt on any giflib error.
std::optional<std::uint32_t> giflib_frame_count(const Bytes& bytes) {
  Reader reader{&bytes};
  int error = 0;
  GifFileType* gif = DGifOpen(&reader, read_bytes, &error);
  if (gif == nullptr) return std::nullopt;
  std::optional<std::uint32_t> frames = 0;
  for (GifRecordType type = UNDEFINED_RECORD_TYPE; frames && type != TERMINATE_RECORD_TYPE;) {
    int code = 0;
    GifByteType* block = nullptr;
    if (DGifGetRecordType(gif, &type) == GIF_ERROR) {
      frames.reset();
    } else if (type == EXTENSION_RECORD_TYPE) {
      if (DGifGetExtension(gif, &code, &block) == GIF_ERROR || !skip_blocks(gif, block, DGifGetExtensionNext))
        frames.reset();
    } else if (type == IMAGE_DESC_RECORD_TYPE) {
      if (DGifGetImageHeader(gif) == GIF_ERROR || DGifGetCode(gif, &code, &block) == GIF_ERROR ||
          !skip_blocks(gif, block, DGifGetCodeNext))
        frames.reset();
      else
        ++*frames;
    }
  }
  DGifCloseFile(gif, nullptr);
  return frames;
}

TEST(GifBlockWalk, CountsEveryFrameOfAnAnimation) {
  for (const std::uint32_t frames : {1u, 5u, 37u}) {
    const Bytes gif = test::encode_gif(64, 48, frames, 3).bytes;
    EXPECT_EQ(count_gif_frames(gif, kNoFrameLimit), frames);
    EXPECT_EQ(giflib_frame_count(gif), frames);
  }
}

TEST(GifBlockWalk, LeavesTooManyFramesToGiflib) {
  const Bytes gif = test::encode_gif(16, 16, 6, 1).bytes;
  EXPECT_EQ(count_gif_frames(gif, 6), 6u);
  EXPECT_EQ(count_gif_frames(gif, 5), std::nullopt);
}

TEST(GifBlockWalk, LeavesCutShortFilesToGiflib) {
  const Bytes gif = test::encode_gif(32, 32, 3, 2).bytes;
  for (std::size_t cut = 0; cut < gif.size(); cut += 7) {
    EXPECT_EQ(
        count_gif_frames(Bytes(gif.begin(), gif.begin() + static_cast<std::ptrdiff_t>(cut)), kNoFrameLimit),
        std::nullopt)
        << "cut at " << cut;
  }
}

// Whatever the walk counts, giflib's walk counts the same without an error. Random damage to an animation;
// some mutants must keep a count (a changed pixel byte) and some lose it, or the test proves nothing.
TEST(GifBlockWalk, WhatItCountsGiflibCountsAlike) {
  constexpr int kMutants = 3000;
  const Bytes original = test::encode_gif(40, 30, 4, 9).bytes;
  std::mt19937 random(1123);
  int counted = 0;
  int left_to_giflib = 0;
  for (int m = 0; m < kMutants; ++m) {
    Bytes mutant = original;
    const std::size_t at = random() % mutant.size();
    if (random() % 2 == 0) {
      mutant[at] = static_cast<std::uint8_t>(random());
    } else {
      mutant.erase(mutant.begin() + static_cast<std::ptrdiff_t>(at));
    }
    const auto walked = count_gif_frames(mutant, kNoFrameLimit);
    if (!walked) {
      ++left_to_giflib;
      continue;
    }
    ++counted;
    EXPECT_EQ(giflib_frame_count(mutant), walked) << "mutant " << m;
  }
  EXPECT_GT(counted, 100);
  EXPECT_GT(left_to_giflib, 100);
}

}  // namespace
}  // namespace preflight
