#include "tests/support/raster_samples.h"

// jpeglib.h expects size_t and FILE to be declared before it.
#include <cstdio>
#include <cstdlib>

#include <gif_lib.h>
#include <jpeglib.h>
#include <spng.h>
#include <webp/encode.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <numbers>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

namespace preflight::test {
namespace {

constexpr int kRgbChannels = 3;
constexpr int kRgbaChannels = 4;
constexpr int kLossyQuality = 80;
constexpr std::size_t kPngSignatureBytes = 8;
constexpr std::size_t kPngChunkOverhead = 12;  // length, type, CRC
constexpr std::size_t kRiffHeaderBytes = 12;   // "RIFF", size, "WEBP"
constexpr std::size_t kChunkHeaderBytes = 8;   // fourcc, size
constexpr int kPaletteLevels = 6;              // a 6x6x6 colour cube
constexpr int kPaletteSize = 256;
constexpr int kGifColorResolution = 8;
constexpr int kFrameDurationMs = 100;
constexpr std::size_t kGraphicControlBytes = 8;  // introducer, label, size, 4 bytes, terminator

std::uint8_t clamp_to_byte(double value) { return static_cast<std::uint8_t>(std::clamp(value, 0.0, 255.0)); }

void append(Bytes& out, std::string_view text) { out.insert(out.end(), text.begin(), text.end()); }

void append_be32(Bytes& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

void append_le(Bytes& out, std::uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

void put_le32(Bytes& out, std::size_t offset, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

std::uint32_t read_be32(const Bytes& bytes, std::size_t offset) {
  return std::uint32_t{bytes[offset]} << 24 | std::uint32_t{bytes[offset + 1]} << 16 |
         std::uint32_t{bytes[offset + 2]} << 8 | bytes[offset + 3];
}

std::uint32_t read_le32(const Bytes& bytes, std::size_t offset) {
  return bytes[offset] | std::uint32_t{bytes[offset + 1]} << 8 | std::uint32_t{bytes[offset + 2]} << 16 |
         std::uint32_t{bytes[offset + 3]} << 24;
}

// ---- PNG helpers

struct SpngFree {
  void operator()(spng_ctx* context) const { spng_ctx_free(context); }
};

void check_spng(int error, const char* step) {
  if (error != 0) throw std::runtime_error(std::string(step) + ": " + spng_strerror(error));
}

// ---- GIF helpers

int append_to_bytes(GifFileType* gif, const GifByteType* data, int length) {
  auto& out = *static_cast<Bytes*>(gif->UserData);
  out.insert(out.end(), data, data + length);
  return length;
}

void check_gif(int result, const GifFileType* gif, const char* step) {
  if (result == GIF_ERROR) throw std::runtime_error(std::string(step) + ": " + GifErrorString(gif->Error));
}

std::array<GifColorType, kPaletteSize> colour_cube() {
  std::array<GifColorType, kPaletteSize> colours{};
  constexpr int kStep = 255 / (kPaletteLevels - 1);
  for (int i = 0; i < kPaletteLevels * kPaletteLevels * kPaletteLevels; ++i) {
    colours[i] =
        GifColorType{static_cast<GifByteType>(i / 36 * kStep), static_cast<GifByteType>(i / 6 % 6 * kStep),
                     static_cast<GifByteType>(i % 6 * kStep)};
  }
  return colours;
}

GifPixelType cube_index(const std::uint8_t* rgb) {
  const auto level = [](std::uint8_t value) { return value * kPaletteLevels / 256; };
  return static_cast<GifPixelType>(level(rgb[0]) * 36 + level(rgb[1]) * 6 + level(rgb[2]));
}

void put_gif_frame(GifFileType* gif, const Raster& raster) {
  constexpr GifByteType kDisposeNone = 0x04;
  constexpr GifByteType kDelayCentiseconds = kFrameDurationMs / 10;
  const GifByteType control[4] = {kDisposeNone, kDelayCentiseconds, 0, 0};
  check_gif(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, sizeof control, control), gif, "EGifPutExtension");
  check_gif(EGifPutImageDesc(gif, 0, 0, static_cast<int>(raster.width), static_cast<int>(raster.height),
                             false, nullptr),
            gif, "EGifPutImageDesc");
  std::vector<GifPixelType> row(raster.width);
  for (std::uint32_t y = 0; y < raster.height; ++y) {
    const std::uint8_t* pixels = raster.rgb.data() + std::size_t{y} * raster.width * kRgbChannels;
    for (std::uint32_t x = 0; x < raster.width; ++x) row[x] = cube_index(pixels + x * kRgbChannels);
    check_gif(EGifPutLine(gif, row.data(), static_cast<int>(raster.width)), gif, "EGifPutLine");
  }
}

// ---- WebP helpers

void append_riff_chunk(Bytes& out, std::string_view fourcc, const Bytes& payload) {
  append(out, fourcc);
  append_le(out, static_cast<std::uint32_t>(payload.size()), 4);
  out.insert(out.end(), payload.begin(), payload.end());
  if (payload.size() % 2 != 0) out.push_back(0);
}

// The ALPH, VP8 and VP8L chunks of a still WebP, padding included: what an ANMF chunk carries.
Bytes image_chunks(const Bytes& still) {
  Bytes chunks;
  for (std::size_t offset = kRiffHeaderBytes; offset + kChunkHeaderBytes <= still.size();) {
    const std::string_view fourcc(reinterpret_cast<const char*>(still.data() + offset), 4);
    const std::size_t padded = (read_le32(still, offset + 4) + 1) & ~std::size_t{1};
    const std::size_t end = std::min(still.size(), offset + kChunkHeaderBytes + padded);
    if (fourcc == "ALPH" || fourcc == "VP8 " || fourcc == "VP8L") {
      chunks.insert(chunks.end(), still.begin() + static_cast<std::ptrdiff_t>(offset),
                    still.begin() + static_cast<std::ptrdiff_t>(end));
    }
    offset = end;
  }
  return chunks;
}

std::vector<std::uint8_t> with_alpha(const Raster& raster) {
  std::vector<std::uint8_t> rgba;
  rgba.reserve(std::size_t{raster.width} * raster.height * kRgbaChannels);
  for (std::uint32_t y = 0; y < raster.height; ++y) {
    for (std::uint32_t x = 0; x < raster.width; ++x) {
      const std::uint8_t* pixel = raster.rgb.data() + (std::size_t{y} * raster.width + x) * kRgbChannels;
      rgba.insert(rgba.end(), pixel, pixel + kRgbChannels);
      rgba.push_back(static_cast<std::uint8_t>((x * 255 / std::max(1u, raster.width) + pixel[1]) / 2));
    }
  }
  return rgba;
}

}  // namespace

Raster photo_raster(std::uint32_t width, std::uint32_t height, std::uint32_t seed) {
  constexpr int kNoiseSpan = 25;
  std::mt19937 noise(seed);
  const double phase = (seed % 360) * std::numbers::pi / 180.0;
  Raster raster{width, height, {}};
  raster.rgb.reserve(std::size_t{width} * height * kRgbChannels);
  for (std::uint32_t y = 0; y < height; ++y) {
    for (std::uint32_t x = 0; x < width; ++x) {
      const double gx = static_cast<double>(x) / std::max(1u, width - 1);
      const double gy = static_cast<double>(y) / std::max(1u, height - 1);
      const double wave = std::sin(gx * 7.0 + phase) * std::cos(gy * 5.0 - phase);
      const auto grain = [&noise] { return static_cast<double>(noise() % kNoiseSpan) - kNoiseSpan / 2; };
      raster.rgb.push_back(clamp_to_byte(30 + 170 * gx + 40 * wave + grain()));
      raster.rgb.push_back(clamp_to_byte(50 + 140 * gy - 30 * wave + grain()));
      raster.rgb.push_back(clamp_to_byte(200 - 120 * gx * gy + 50 * wave + grain()));
    }
  }
  return raster;
}

Bytes encode_jpeg(const Raster& raster, JpegOptions options) {
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr errors{};
  cinfo.err = jpeg_std_error(&errors);
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = raster.width;
  cinfo.image_height = raster.height;
  cinfo.input_components = kRgbChannels;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, options.quality, TRUE);
  if (options.grayscale) jpeg_set_colorspace(&cinfo, JCS_GRAYSCALE);
  cinfo.comp_info[0].h_samp_factor = options.luma_h;
  cinfo.comp_info[0].v_samp_factor = options.luma_v;
  cinfo.restart_interval = options.restart_interval;
  cinfo.optimize_coding = options.optimize_coding ? TRUE : FALSE;
  if (options.progressive) jpeg_simple_progression(&cinfo);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPLE*>(raster.rgb.data()) +
                   std::size_t{cinfo.next_scanline} * raster.width * kRgbChannels;
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  Bytes jpeg(buffer, buffer + size);
  jpeg_destroy_compress(&cinfo);
  std::free(buffer);
  return jpeg;
}

Bytes encode_png(const Raster& raster, PngOptions options) {
  std::unique_ptr<spng_ctx, SpngFree> context(spng_ctx_new(SPNG_CTX_ENCODER));
  check_spng(spng_set_option(context.get(), SPNG_ENCODE_TO_BUFFER, 1), "SPNG_ENCODE_TO_BUFFER");
  spng_ihdr ihdr{};
  ihdr.width = raster.width;
  ihdr.height = raster.height;
  ihdr.bit_depth = 8;
  ihdr.color_type = SPNG_COLOR_TYPE_TRUECOLOR;
  ihdr.interlace_method = options.interlaced ? SPNG_INTERLACE_ADAM7 : SPNG_INTERLACE_NONE;
  check_spng(spng_set_ihdr(context.get(), &ihdr), "spng_set_ihdr");
  check_spng(spng_encode_image(context.get(), raster.rgb.data(), raster.rgb.size(), SPNG_FMT_PNG,
                               SPNG_ENCODE_FINALIZE),
             "spng_encode_image");
  std::size_t length = 0;
  int error = 0;
  auto* png = static_cast<std::uint8_t*>(spng_get_png_buffer(context.get(), &length, &error));
  check_spng(error, "spng_get_png_buffer");
  Bytes bytes(png, png + length);
  std::free(png);
  return bytes;
}

Bytes png_chunk(std::string_view type, const Bytes& data) {
  Bytes chunk;
  append_be32(chunk, static_cast<std::uint32_t>(data.size()));
  append(chunk, type);
  chunk.insert(chunk.end(), data.begin(), data.end());
  const auto crc = crc32(0, chunk.data() + 4, static_cast<uInt>(chunk.size() - 4));
  append_be32(chunk, static_cast<std::uint32_t>(crc));
  return chunk;
}

Bytes png_declaring_size(std::uint32_t width, std::uint32_t height) {
  Bytes ihdr;
  append_be32(ihdr, width);
  append_be32(ihdr, height);
  ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});  // 8-bit truecolour, deflate, adaptive filters, no interlace
  const Bytes first_row_start(16, 0);
  Bytes idat(compressBound(first_row_start.size()));
  uLongf idat_size = idat.size();
  if (compress(idat.data(), &idat_size, first_row_start.data(), first_row_start.size()) != Z_OK) {
    throw std::runtime_error("zlib compress failed");
  }
  idat.resize(idat_size);
  Bytes png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  for (const Bytes& chunk : {png_chunk("IHDR", ihdr), png_chunk("IDAT", idat), png_chunk("IEND", {})}) {
    png.insert(png.end(), chunk.begin(), chunk.end());
  }
  return png;
}

std::size_t find_png_chunk(const Bytes& png, std::string_view type) {
  for (std::size_t offset = kPngSignatureBytes; offset + kPngChunkOverhead <= png.size();
       offset += kPngChunkOverhead + read_be32(png, offset)) {
    if (std::string_view(reinterpret_cast<const char*>(png.data() + offset + 4), 4) == type) return offset;
  }
  return png.size();
}

Animation encode_gif(std::uint32_t width, std::uint32_t height, std::uint32_t frames, std::uint32_t seed) {
  Animation animation;
  int error = 0;
  GifFileType* gif = EGifOpen(&animation.bytes, append_to_bytes, &error);
  if (gif == nullptr) throw std::runtime_error(std::string("EGifOpen: ") + GifErrorString(error));
  EGifSetGifVersion(gif, true);
  const auto colours = colour_cube();
  ColorMapObject* palette = GifMakeMapObject(kPaletteSize, colours.data());
  const int screen = EGifPutScreenDesc(gif, static_cast<int>(width), static_cast<int>(height),
                                       kGifColorResolution, 0, palette);
  GifFreeMapObject(palette);
  check_gif(screen, gif, "EGifPutScreenDesc");
  for (std::uint32_t frame = 0; frame < frames; ++frame) {
    animation.frame_starts.push_back(animation.bytes.size() + kGraphicControlBytes);
    put_gif_frame(gif, photo_raster(width, height, seed + frame));
    animation.frame_ends.push_back(animation.bytes.size());
  }
  if (EGifCloseFile(gif, &error) == GIF_ERROR)
    throw std::runtime_error(std::string("EGifCloseFile: ") + GifErrorString(error));
  return animation;
}

Bytes encode_webp(const Raster& raster, WebpCodec codec) {
  const auto width = static_cast<int>(raster.width);
  const auto height = static_cast<int>(raster.height);
  std::uint8_t* output = nullptr;
  std::size_t size = 0;
  switch (codec) {
    case WebpCodec::lossy:
      size = WebPEncodeRGB(raster.rgb.data(), width, height, width * kRgbChannels, kLossyQuality, &output);
      break;
    case WebpCodec::lossy_with_alpha: {
      const std::vector<std::uint8_t> rgba = with_alpha(raster);
      size = WebPEncodeRGBA(rgba.data(), width, height, width * kRgbaChannels, kLossyQuality, &output);
      break;
    }
    case WebpCodec::lossless:
      size = WebPEncodeLosslessRGB(raster.rgb.data(), width, height, width * kRgbChannels, &output);
      break;
  }
  if (size == 0) throw std::runtime_error("WebP encoding failed");
  Bytes webp(output, output + size);
  WebPFree(output);
  return webp;
}

Animation encode_animated_webp(std::uint32_t width, std::uint32_t height, std::uint32_t frames,
                               std::uint32_t seed, WebpCodec codec) {
  constexpr std::uint8_t kAnimationFlag = 0x02;
  constexpr std::uint8_t kAlphaFlag = 0x10;
  constexpr std::uint8_t kNoBlending = 0x02;
  Animation animation;
  Bytes& file = animation.bytes;
  append(file, "RIFF");
  append_le(file, 0, 4);  // patched below
  append(file, "WEBP");

  Bytes vp8x{
      static_cast<std::uint8_t>(kAnimationFlag | (codec == WebpCodec::lossy_with_alpha ? kAlphaFlag : 0)), 0,
      0, 0};
  append_le(vp8x, width - 1, 3);
  append_le(vp8x, height - 1, 3);
  append_riff_chunk(file, "VP8X", vp8x);
  Bytes anim;
  append_le(anim, 0xFFFFFFFF, 4);  // background colour
  append_le(anim, 0, 2);           // loop forever
  append_riff_chunk(file, "ANIM", anim);

  for (std::uint32_t frame = 0; frame < frames; ++frame) {
    Bytes anmf;
    append_le(anmf, 0, 3);  // x offset / 2
    append_le(anmf, 0, 3);  // y offset / 2
    append_le(anmf, width - 1, 3);
    append_le(anmf, height - 1, 3);
    append_le(anmf, kFrameDurationMs, 3);
    anmf.push_back(kNoBlending);
    const Bytes chunks = image_chunks(encode_webp(photo_raster(width, height, seed + frame), codec));
    anmf.insert(anmf.end(), chunks.begin(), chunks.end());
    animation.frame_starts.push_back(file.size());
    append_riff_chunk(file, "ANMF", anmf);
    animation.frame_ends.push_back(file.size());
  }
  put_le32(file, 4, static_cast<std::uint32_t>(file.size() - kChunkHeaderBytes));
  return animation;
}

void scramble_gif_frame_lzw(Animation& animation, std::size_t frame) {
  constexpr std::size_t kImageDescriptorBytes = 10;  // encode_gif writes no local colour table
  constexpr std::size_t kLzwCodeSizeBytes = 1;
  constexpr std::uint8_t kInvalidLzwByte = 0xFF;
  std::size_t block = animation.frame_starts[frame] + kImageDescriptorBytes + kLzwCodeSizeBytes;
  while (animation.bytes[block] != 0) {
    const std::size_t length = animation.bytes[block];
    std::fill_n(animation.bytes.begin() + static_cast<std::ptrdiff_t>(block + 1), length, kInvalidLzwByte);
    block += length + 1;
  }
}

std::vector<std::uint32_t> sampled_frames(std::uint32_t frames) {
  constexpr std::uint32_t kSampleInterval = 5, kMaxSamples = 5;
  std::vector<std::uint32_t> indices;
  for (std::uint32_t index = 0; index < frames && indices.size() < kMaxSamples; index += kSampleInterval) {
    indices.push_back(index);
  }
  return indices;
}

std::vector<std::uint32_t> all_frames(std::uint32_t frames) {
  std::vector<std::uint32_t> indices(frames);
  std::iota(indices.begin(), indices.end(), 0u);
  return indices;
}

Bytes prefix(const Bytes& bytes, std::size_t length) { return Bytes(bytes.begin(), bytes.begin() + length); }

}  // namespace preflight::test
