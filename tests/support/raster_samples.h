#pragma once

// In-memory image fixtures for decoder tests, encoded with the same libraries the decoders read them with.
// Content is photo-like (gradients, waves and noise) and fully determined by the seed.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace preflight::test {

using Bytes = std::vector<std::uint8_t>;

// 8-bit RGB, rows top to bottom, 3 bytes per pixel.
struct Raster {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::vector<std::uint8_t> rgb;
};

Raster photo_raster(std::uint32_t width, std::uint32_t height, std::uint32_t seed);

// An encoded animation and the byte range of each frame (GIF: image descriptor through its data
// terminator; WebP: the ANMF chunk), for cutting or damaging chosen frames.
struct Animation {
  Bytes bytes;
  std::vector<std::size_t> frame_starts;
  std::vector<std::size_t> frame_ends;
};

struct JpegOptions {
  int quality = 85;
  bool progressive = false;
  bool grayscale = false;
  int luma_h = 2;  // luma sampling factors; chroma stays 1 x 1 (2 x 2 is libjpeg's default 4:2:0)
  int luma_v = 2;
  unsigned restart_interval = 0;  // in MCUs; 0: no restart markers
  bool optimize_coding = false;   // per-image Huffman tables instead of the standard ones
};
Bytes encode_jpeg(const Raster& raster, JpegOptions options = {});

struct PngOptions {
  bool interlaced = false;
};
Bytes encode_png(const Raster& raster, PngOptions options = {});

// A structurally valid PNG (signature, IHDR, one tiny IDAT, IEND) whose IHDR declares any size.
Bytes png_declaring_size(std::uint32_t width, std::uint32_t height);

// One PNG chunk: length, type, data, CRC.
Bytes png_chunk(std::string_view type, const Bytes& data);

// Offset of the first chunk of `type` (its length field) in a PNG, or bytes.size() when there is none.
std::size_t find_png_chunk(const Bytes& png, std::string_view type);

// Every frame covers the whole logical screen and has its own seed; frames carry a graphic control extension.
Animation encode_gif(std::uint32_t width, std::uint32_t height, std::uint32_t frames, std::uint32_t seed);

// Frames 0, 5, 10, 15, 20 (SPEC §4 defaults) that exist in a file of `frames`, computed here
// independently of pipeline/frame_sampling.
std::vector<std::uint32_t> sampled_frames(std::uint32_t frames);
std::vector<std::uint32_t> all_frames(std::uint32_t frames);

// The first `length` bytes: a file cut short.
Bytes prefix(const Bytes& bytes, std::size_t length);

// Fills every LZW data sub-block of `frame` (of an encode_gif animation) with bytes that decode to codes
// beyond the table: the container stays intact, only decoding that frame fails.
void scramble_gif_frame_lzw(Animation& animation, std::size_t frame);

enum class WebpCodec { lossy, lossy_with_alpha, lossless };
Bytes encode_webp(const Raster& raster, WebpCodec codec);

// An animated WebP (VP8X + ANIM + one full-canvas ANMF per frame) assembled from still encodings.
Animation encode_animated_webp(std::uint32_t width, std::uint32_t height, std::uint32_t frames,
                               std::uint32_t seed, WebpCodec codec);

}  // namespace preflight::test
