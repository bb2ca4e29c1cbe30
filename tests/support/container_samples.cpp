#include "tests/support/container_samples.h"

#include <avif/avif.h>
#include <libheif/heif.h>
#include <tiffio.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace preflight::samples {
namespace {

constexpr std::uint16_t kTypeByte = 1;
constexpr std::uint16_t kTypeAscii = 2;
constexpr std::uint16_t kTypeShort = 3;
constexpr std::uint16_t kTypeLong = 4;
constexpr std::uint16_t kTypeSrational = 10;
constexpr std::size_t kClassicHeaderSize = 8;
constexpr std::size_t kEntrySize = 12;
constexpr std::size_t kInlineValueSize = 4;
constexpr int kAvifFastestSpeed = AVIF_SPEED_FASTEST;
constexpr int kLossyQuality = 60;
constexpr std::uint32_t kAvifTimescale = 30;

void require(bool condition, const char* what) {
  if (!condition) throw std::runtime_error(what);
}

// A smooth gradient with deterministic noise: compresses, but not to nothing.
std::uint8_t sample_at(std::uint32_t x, std::uint32_t y, std::uint32_t seed) {
  std::uint32_t noise = (x * 73856093u) ^ (y * 19349663u) ^ (seed * 83492791u);
  noise ^= noise >> 13;
  noise *= 0x5bd1e995u;
  return static_cast<std::uint8_t>((x * 3 + y * 2 + seed * 40 + (noise >> 27)) & 0xFF);
}

void fill_plane(std::uint8_t* plane, std::size_t stride, Size size, std::uint32_t seed) {
  for (std::uint32_t y = 0; y < size.height; ++y) {
    for (std::uint32_t x = 0; x < size.width; ++x) plane[y * stride + x] = sample_at(x, y, seed);
  }
}

// ---- AVIF ----

struct AvifImageDeleter {
  void operator()(avifImage* image) const { avifImageDestroy(image); }
};
struct AvifEncoderDeleter {
  void operator()(avifEncoder* encoder) const { avifEncoderDestroy(encoder); }
};

std::unique_ptr<avifImage, AvifImageDeleter> avif_frame(Size size, std::uint32_t seed) {
  std::unique_ptr<avifImage, AvifImageDeleter> image(
      avifImageCreate(size.width, size.height, 8, AVIF_PIXEL_FORMAT_YUV420));
  require(image && avifImageAllocatePlanes(image.get(), AVIF_PLANES_YUV) == AVIF_RESULT_OK, "avif image");
  fill_plane(image->yuvPlanes[AVIF_CHAN_Y], image->yuvRowBytes[AVIF_CHAN_Y], size, seed);
  const Size chroma{(size.width + 1) / 2, (size.height + 1) / 2};
  fill_plane(image->yuvPlanes[AVIF_CHAN_U], image->yuvRowBytes[AVIF_CHAN_U], chroma, seed + 1);
  fill_plane(image->yuvPlanes[AVIF_CHAN_V], image->yuvRowBytes[AVIF_CHAN_V], chroma, seed + 2);
  return image;
}

Bytes encode_avif(Size size, std::uint32_t frames, avifAddImageFlags flags) {
  std::unique_ptr<avifEncoder, AvifEncoderDeleter> encoder(avifEncoderCreate());
  require(encoder != nullptr, "avif encoder");
  encoder->codecChoice = AVIF_CODEC_CHOICE_AOM;
  encoder->speed = kAvifFastestSpeed;
  encoder->maxThreads = 1;
  encoder->timescale = kAvifTimescale;
  for (std::uint32_t frame = 0; frame < frames; ++frame) {
    const auto image = avif_frame(size, frame);
    require(avifEncoderAddImage(encoder.get(), image.get(), 1, flags) == AVIF_RESULT_OK, "avif add image");
  }
  avifRWData output = AVIF_DATA_EMPTY;
  require(avifEncoderFinish(encoder.get(), &output) == AVIF_RESULT_OK, "avif finish");
  Bytes bytes(output.data, output.data + output.size);
  avifRWDataFree(&output);
  return bytes;
}

// ---- HEIC ----

struct HeifContextDeleter {
  void operator()(heif_context* context) const { heif_context_free(context); }
};
struct HeifEncoderDeleter {
  void operator()(heif_encoder* encoder) const { heif_encoder_release(encoder); }
};
struct HeifImageDeleter {
  void operator()(heif_image* image) const { heif_image_release(image); }
};
struct HeifHandleDeleter {
  void operator()(heif_image_handle* handle) const { heif_image_handle_release(handle); }
};

void require_ok(const heif_error& error, const char* what) { require(error.code == heif_error_Ok, what); }

heif_compression_format compression_of(HeifCodec codec) {
  return codec == HeifCodec::Av1 ? heif_compression_AV1 : heif_compression_HEVC;
}

std::unique_ptr<heif_image, HeifImageDeleter> heif_frame(Size size, std::uint32_t seed) {
  heif_image* raw = nullptr;
  require_ok(heif_image_create(static_cast<int>(size.width), static_cast<int>(size.height),
                               heif_colorspace_YCbCr, heif_chroma_420, &raw),
             "heif image");
  std::unique_ptr<heif_image, HeifImageDeleter> image(raw);
  const Size chroma{(size.width + 1) / 2, (size.height + 1) / 2};
  const std::pair<heif_channel, Size> planes[] = {
      {heif_channel_Y, size}, {heif_channel_Cb, chroma}, {heif_channel_Cr, chroma}};
  std::uint32_t plane_seed = seed;
  for (const auto& [channel, plane_size] : planes) {
    require_ok(heif_image_add_plane(image.get(), channel, static_cast<int>(plane_size.width),
                                    static_cast<int>(plane_size.height), 8),
               "heif plane");
    int stride = 0;
    std::uint8_t* data = heif_image_get_plane(image.get(), channel, &stride);
    fill_plane(data, static_cast<std::size_t>(stride), plane_size, plane_seed++);
  }
  return image;
}

heif_error append_to_bytes(heif_context*, const void* data, size_t size, void* userdata) {
  auto& bytes = *static_cast<Bytes*>(userdata);
  const auto* first = static_cast<const std::uint8_t*>(data);
  bytes.insert(bytes.end(), first, first + size);
  return heif_error{heif_error_Ok, heif_suberror_Unspecified, "ok"};
}

// ---- TIFF via libtiff, into a growing vector ----

struct GrowingFile {
  Bytes bytes;
  toff_t offset = 0;
};

tmsize_t file_read(thandle_t handle, void* buffer, tmsize_t size) {
  auto& file = *static_cast<GrowingFile*>(handle);
  const std::size_t available = file.offset < file.bytes.size() ? file.bytes.size() - file.offset : 0;
  const std::size_t count = std::min<std::size_t>(available, static_cast<std::size_t>(size));
  std::memcpy(buffer, file.bytes.data() + file.offset, count);
  file.offset += count;
  return static_cast<tmsize_t>(count);
}

tmsize_t file_write(thandle_t handle, void* buffer, tmsize_t size) {
  auto& file = *static_cast<GrowingFile*>(handle);
  const std::size_t end = file.offset + static_cast<std::size_t>(size);
  if (file.bytes.size() < end) file.bytes.resize(end);
  std::memcpy(file.bytes.data() + file.offset, buffer, static_cast<std::size_t>(size));
  file.offset = end;
  return size;
}

toff_t file_seek(thandle_t handle, toff_t offset, int whence) {
  auto& file = *static_cast<GrowingFile*>(handle);
  const toff_t base = whence == SEEK_CUR ? file.offset : whence == SEEK_END ? file.bytes.size() : 0;
  file.offset = base + offset;
  return file.offset;
}

int file_close(thandle_t) { return 0; }
toff_t file_size(thandle_t handle) { return static_cast<GrowingFile*>(handle)->bytes.size(); }
int no_map(thandle_t, void**, toff_t*) { return 0; }
void no_unmap(thandle_t, void*, toff_t) {}

void set_page_fields(TIFF* tiff, Size size, const TiffSpec& spec) {
  TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, size.width);
  TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, size.height);
  TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, 3);
  TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
  TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tiff, TIFFTAG_COMPRESSION, spec.compression);
  if (spec.tiled) {
    TIFFSetField(tiff, TIFFTAG_TILEWIDTH, spec.tile_side);
    TIFFSetField(tiff, TIFFTAG_TILELENGTH, spec.tile_side);
  } else {
    TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, spec.rows_per_strip);
  }
}

Bytes rgb_pixels(Size size, std::uint32_t seed) {
  Bytes pixels(std::size_t{size.width} * size.height * 3);
  for (std::uint32_t y = 0; y < size.height; ++y) {
    for (std::uint32_t x = 0; x < size.width * 3; ++x)
      pixels[std::size_t{y} * size.width * 3 + x] = sample_at(x, y, seed);
  }
  return pixels;
}

void write_strips(TIFF* tiff, Size size, const Bytes& pixels) {
  for (std::uint32_t row = 0; row < size.height; ++row) {
    auto* line = const_cast<std::uint8_t*>(pixels.data() + std::size_t{row} * size.width * 3);
    require(TIFFWriteScanline(tiff, line, row, 0) == 1, "tiff scanline");
  }
}

void write_tiles(TIFF* tiff, Size size, const Bytes& pixels, std::uint32_t side) {
  Bytes tile(std::size_t{side} * side * 3);
  for (std::uint32_t top = 0; top < size.height; top += side) {
    for (std::uint32_t left = 0; left < size.width; left += side) {
      std::fill(tile.begin(), tile.end(), 0);
      for (std::uint32_t y = 0; y < side && top + y < size.height; ++y) {
        const std::uint32_t columns = std::min(side, size.width - left);
        std::memcpy(tile.data() + std::size_t{y} * side * 3,
                    pixels.data() + (std::size_t{top + y} * size.width + left) * 3, std::size_t{columns} * 3);
      }
      const auto index = TIFFComputeTile(tiff, left, top, 0, 0);
      require(TIFFWriteEncodedTile(tiff, index, tile.data(), static_cast<tmsize_t>(tile.size())) >= 0,
              "tiff tile");
    }
  }
}

// ---- hand-built TIFF ----

void put_u16(Bytes& out, std::size_t at, std::uint16_t value) {
  out[at] = static_cast<std::uint8_t>(value);
  out[at + 1] = static_cast<std::uint8_t>(value >> 8);
}

void put_u32(Bytes& out, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

template <typename T>
Bytes little_endian(const std::vector<T>& values) {
  Bytes bytes;
  for (const T value : values) {
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      bytes.push_back(static_cast<std::uint8_t>(static_cast<std::make_unsigned_t<T>>(value) >> (8 * i)));
    }
  }
  return bytes;
}

std::size_t ifd_size(std::size_t entries) { return 2 + entries * kEntrySize + 4; }

std::vector<TiffField> page_fields_with_strips(const HandBuiltPage& page) {
  std::vector<TiffField> fields = page.fields;
  std::vector<std::uint32_t> counts;
  for (const Bytes& strip : page.strips) counts.push_back(static_cast<std::uint32_t>(strip.size()));
  fields.push_back(long_field(TIFFTAG_STRIPOFFSETS, std::vector<std::uint32_t>(counts.size(), 0)));
  fields.push_back(long_field(TIFFTAG_STRIPBYTECOUNTS, counts));
  std::sort(fields.begin(), fields.end(),
            [](const TiffField& a, const TiffField& b) { return a.tag < b.tag; });
  return fields;
}

std::size_t out_of_line_size(const std::vector<TiffField>& fields) {
  std::size_t size = 0;
  for (const TiffField& field : fields) {
    if (field.value.size() > kInlineValueSize) size += (field.value.size() + 1) & ~std::size_t{1};
  }
  return size;
}

}  // namespace

Bytes avif_still(Size size) { return encode_avif(size, 1, AVIF_ADD_IMAGE_FLAG_SINGLE); }

Bytes avif_sequence(Size size, std::uint32_t frames) {
  return encode_avif(size, frames, AVIF_ADD_IMAGE_FLAG_NONE);
}

bool heif_encoder_available(HeifCodec codec) {
  return heif_have_encoder_for_format(compression_of(codec)) != 0;
}

Bytes heif_images(const std::vector<Size>& sizes, std::uint32_t primary, HeifCodec codec) {
  std::unique_ptr<heif_context, HeifContextDeleter> context(heif_context_alloc());
  heif_encoder* raw_encoder = nullptr;
  require_ok(heif_context_get_encoder_for_format(context.get(), compression_of(codec), &raw_encoder),
             "heif encoder");
  std::unique_ptr<heif_encoder, HeifEncoderDeleter> encoder(raw_encoder);
  require_ok(heif_encoder_set_lossy_quality(encoder.get(), kLossyQuality), "heif quality");
  heif_encoder_set_logging_level(encoder.get(), 0);
  for (std::uint32_t index = 0; index < sizes.size(); ++index) {
    const auto image = heif_frame(sizes[index], index);
    heif_image_handle* raw_handle = nullptr;
    require_ok(heif_context_encode_image(context.get(), image.get(), encoder.get(), nullptr, &raw_handle),
               "heif encode");
    const std::unique_ptr<heif_image_handle, HeifHandleDeleter> handle(raw_handle);
    if (index == primary)
      require_ok(heif_context_set_primary_image(context.get(), handle.get()), "heif primary");
  }
  Bytes bytes;
  heif_writer writer{1, append_to_bytes};
  require_ok(heif_context_write(context.get(), &writer, &bytes), "heif write");
  return bytes;
}

Bytes tiff_file(const TiffSpec& spec) {
  GrowingFile file;
  TIFF* tiff = TIFFClientOpen("sample", "w", &file, file_read, file_write, file_seek, file_close, file_size,
                              no_map, no_unmap);
  require(tiff != nullptr, "tiff open");
  for (std::uint32_t page = 0; page < spec.pages; ++page) {
    const Size size =
        page == 0 ? spec.size : Size{std::max(spec.size.width / 2, 1u), std::max(spec.size.height / 2, 1u)};
    set_page_fields(tiff, size, spec);
    const Bytes pixels = rgb_pixels(size, page);
    if (spec.tiled) {
      write_tiles(tiff, size, pixels, spec.tile_side);
    } else {
      write_strips(tiff, size, pixels);
    }
    require(TIFFWriteDirectory(tiff) == 1, "tiff directory");
  }
  TIFFClose(tiff);
  return file.bytes;
}

TiffField short_field(std::uint16_t tag, std::vector<std::uint16_t> values) {
  return {tag, kTypeShort, static_cast<std::uint32_t>(values.size()), little_endian(values)};
}

TiffField long_field(std::uint16_t tag, std::vector<std::uint32_t> values) {
  return {tag, kTypeLong, static_cast<std::uint32_t>(values.size()), little_endian(values)};
}

TiffField byte_field(std::uint16_t tag, std::vector<std::uint8_t> values) {
  return {tag, kTypeByte, static_cast<std::uint32_t>(values.size()), Bytes(values.begin(), values.end())};
}

TiffField ascii_field(std::uint16_t tag, const std::string& text) {
  Bytes value(text.begin(), text.end());
  value.push_back(0);
  return {tag, kTypeAscii, static_cast<std::uint32_t>(value.size()), value};
}

TiffField srational_field(std::uint16_t tag, std::vector<std::int32_t> numerator_denominator_pairs) {
  return {tag, kTypeSrational, static_cast<std::uint32_t>(numerator_denominator_pairs.size() / 2),
          little_endian(numerator_denominator_pairs)};
}

HandBuiltTiff hand_built_tiff(const std::vector<HandBuiltPage>& pages,
                              std::optional<std::size_t> last_points_to) {
  std::vector<std::vector<TiffField>> fields;
  for (const HandBuiltPage& page : pages) fields.push_back(page_fields_with_strips(page));
  std::vector<std::size_t> ifd_offsets;
  std::size_t offset = kClassicHeaderSize;
  for (const auto& page_fields : fields) {
    ifd_offsets.push_back(offset);
    offset += ifd_size(page_fields.size());
  }
  std::size_t value_offset = offset;
  for (const auto& page_fields : fields) offset += out_of_line_size(page_fields);
  const std::size_t data_offset = offset;

  std::size_t strip_offset = data_offset;
  for (std::size_t page = 0; page < pages.size(); ++page) {
    std::vector<std::uint32_t> offsets;
    for (const Bytes& strip : pages[page].strips) {
      offsets.push_back(static_cast<std::uint32_t>(strip_offset));
      strip_offset += strip.size();
    }
    for (TiffField& field : fields[page]) {
      if (field.tag == TIFFTAG_STRIPOFFSETS) field.value = little_endian(offsets);
    }
  }

  Bytes out(strip_offset, 0);
  out[0] = 'I';
  out[1] = 'I';
  put_u16(out, 2, 42);
  put_u32(out, 4, static_cast<std::uint32_t>(kClassicHeaderSize));
  for (std::size_t page = 0; page < pages.size(); ++page) {
    std::size_t at = ifd_offsets[page];
    put_u16(out, at, static_cast<std::uint16_t>(fields[page].size()));
    at += 2;
    for (const TiffField& field : fields[page]) {
      put_u16(out, at, field.tag);
      put_u16(out, at + 2, field.type);
      put_u32(out, at + 4, field.count);
      if (field.value.size() <= kInlineValueSize) {
        std::copy(field.value.begin(), field.value.end(), out.begin() + static_cast<std::ptrdiff_t>(at + 8));
      } else {
        put_u32(out, at + 8, static_cast<std::uint32_t>(value_offset));
        std::copy(field.value.begin(), field.value.end(),
                  out.begin() + static_cast<std::ptrdiff_t>(value_offset));
        value_offset += (field.value.size() + 1) & ~std::size_t{1};
      }
      at += kEntrySize;
    }
    const bool last = page + 1 == pages.size();
    const std::size_t next = !last            ? ifd_offsets[page + 1]
                             : last_points_to ? ifd_offsets[*last_points_to]
                                              : 0;
    put_u32(out, at, static_cast<std::uint32_t>(next));
  }
  std::size_t at = data_offset;
  for (const HandBuiltPage& page : pages) {
    for (const Bytes& strip : page.strips) {
      std::copy(strip.begin(), strip.end(), out.begin() + static_cast<std::ptrdiff_t>(at));
      at += strip.size();
    }
  }
  return {out, data_offset};
}

HandBuiltPage deflate_grey_page(Size size, std::uint32_t rows_per_strip) {
  HandBuiltPage page;
  page.fields = {long_field(TIFFTAG_IMAGEWIDTH, {size.width}),
                 long_field(TIFFTAG_IMAGELENGTH, {size.height}),
                 short_field(TIFFTAG_BITSPERSAMPLE, {8}),
                 short_field(TIFFTAG_COMPRESSION, {COMPRESSION_ADOBE_DEFLATE}),
                 short_field(TIFFTAG_PHOTOMETRIC, {PHOTOMETRIC_MINISBLACK}),
                 short_field(TIFFTAG_SAMPLESPERPIXEL, {1}),
                 long_field(TIFFTAG_ROWSPERSTRIP, {rows_per_strip})};
  for (std::uint32_t top = 0; top < size.height; top += rows_per_strip) {
    const std::uint32_t rows = std::min(rows_per_strip, size.height - top);
    Bytes raw(std::size_t{rows} * size.width);
    for (std::uint32_t y = 0; y < rows; ++y) {
      for (std::uint32_t x = 0; x < size.width; ++x)
        raw[std::size_t{y} * size.width + x] = sample_at(x, top + y, 0);
    }
    uLongf compressed_size = compressBound(static_cast<uLong>(raw.size()));
    Bytes compressed(compressed_size);
    require(compress2(compressed.data(), &compressed_size, raw.data(), static_cast<uLong>(raw.size()),
                      Z_DEFAULT_COMPRESSION) == Z_OK,
            "deflate");
    compressed.resize(compressed_size);
    page.strips.push_back(std::move(compressed));
  }
  return page;
}

HandBuiltTiff minimal_dng(Size size, std::uint16_t orientation) {
  constexpr std::uint16_t kWhiteLevel = 4095;
  Bytes sensor;
  for (std::uint32_t y = 0; y < size.height; ++y) {
    for (std::uint32_t x = 0; x < size.width; ++x) {
      const std::uint16_t value = static_cast<std::uint16_t>(sample_at(x, y, 7) * 16);
      sensor.push_back(static_cast<std::uint8_t>(value));
      sensor.push_back(static_cast<std::uint8_t>(value >> 8));
    }
  }
  HandBuiltPage page;
  page.fields = {long_field(TIFFTAG_SUBFILETYPE, {0}),
                 long_field(TIFFTAG_IMAGEWIDTH, {size.width}),
                 long_field(TIFFTAG_IMAGELENGTH, {size.height}),
                 short_field(TIFFTAG_BITSPERSAMPLE, {16}),
                 short_field(TIFFTAG_COMPRESSION, {COMPRESSION_NONE}),
                 short_field(TIFFTAG_PHOTOMETRIC, {PHOTOMETRIC_CFA}),
                 ascii_field(TIFFTAG_MAKE, "Preflight"),
                 ascii_field(TIFFTAG_MODEL, "Sample DNG"),
                 short_field(TIFFTAG_ORIENTATION, {orientation}),
                 short_field(TIFFTAG_SAMPLESPERPIXEL, {1}),
                 long_field(TIFFTAG_ROWSPERSTRIP, {size.height}),
                 short_field(TIFFTAG_PLANARCONFIG, {PLANARCONFIG_CONTIG}),
                 short_field(TIFFTAG_CFAREPEATPATTERNDIM, {2, 2}),
                 byte_field(TIFFTAG_CFAPATTERN, {0, 1, 1, 2}),
                 byte_field(TIFFTAG_DNGVERSION, {1, 4, 0, 0}),
                 byte_field(TIFFTAG_DNGBACKWARDVERSION, {1, 1, 0, 0}),
                 ascii_field(TIFFTAG_UNIQUECAMERAMODEL, "Preflight Sample DNG"),
                 long_field(TIFFTAG_WHITELEVEL, {kWhiteLevel}),
                 srational_field(TIFFTAG_COLORMATRIX1, {10000, 10000, 0, 10000, 0, 10000, 0, 10000, 10000,
                                                        10000, 0, 10000, 0, 10000, 0, 10000, 10000, 10000}),
                 short_field(TIFFTAG_CALIBRATIONILLUMINANT1, {21})};
  page.strips.push_back(std::move(sensor));
  return hand_built_tiff({page});
}

}  // namespace preflight::samples
