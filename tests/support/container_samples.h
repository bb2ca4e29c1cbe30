#pragma once

// In-memory sample files for the container decoders' tests, written with the formats' own encoders
// (libavif + aom, libheif + x265, libtiff) or, where a test needs exact control of the layout, by a
// small hand-written TIFF builder. Pixel content is a deterministic noisy pattern, so compressed
// payloads are large enough for truncation and bit-flip sweeps.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace preflight::samples {

using Bytes = std::vector<std::uint8_t>;

struct Size {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

// AVIF, 8-bit 4:2:0, encoded with aom at its fastest speed. A sequence (`avis`) has one keyframe.
Bytes avif_still(Size size);
Bytes avif_sequence(Size size, std::uint32_t frames);

// HEIF written by libheif: HEVC (x265) for HEIC, or AV1 (aom) for a generic HEIF with AV1 items.
// libheif may be built without an encoder: tests skip when heif_encoder_available is false.
enum class HeifCodec { Hevc, Av1 };
bool heif_encoder_available(HeifCodec codec);
// `sizes.size()` top-level images in file order; image `primary` is marked primary.
Bytes heif_images(const std::vector<Size>& sizes, std::uint32_t primary, HeifCodec codec = HeifCodec::Hevc);

// TIFF written by libtiff. Pages after the first are half the size of page 0.
struct TiffSpec {
  Size size;
  std::uint32_t pages = 1;
  std::uint16_t compression = 5;  // COMPRESSION_LZW
  bool tiled = false;
  std::uint32_t rows_per_strip = 16;
  std::uint32_t tile_side = 16;
};
Bytes tiff_file(const TiffSpec& spec);

// A TIFF field as written to an IFD entry: tag, field type, value count and the little-endian value.
struct TiffField {
  std::uint16_t tag = 0;
  std::uint16_t type = 0;
  std::uint32_t count = 0;
  Bytes value;
};
TiffField short_field(std::uint16_t tag, std::vector<std::uint16_t> values);
TiffField long_field(std::uint16_t tag, std::vector<std::uint32_t> values);
TiffField byte_field(std::uint16_t tag, std::vector<std::uint8_t> values);
TiffField ascii_field(std::uint16_t tag, const std::string& text);
TiffField srational_field(std::uint16_t tag, std::vector<std::int32_t> numerator_denominator_pairs);

// One page of a hand-built little-endian classic TIFF: its fields (without StripOffsets and
// StripByteCounts, which the builder adds) and its strips, already compressed.
struct HandBuiltPage {
  std::vector<TiffField> fields;
  std::vector<Bytes> strips;
};

// A hand-built file and where its strip data starts (everything before is header and directories).
struct HandBuiltTiff {
  Bytes bytes;
  std::size_t data_offset = 0;
};

// Lays out header, every IFD, out-of-line values and then strip data, so truncating the file cuts
// pixel data while the directories stay intact. `last_points_to` links the last IFD back to an earlier
// page (an IFD loop) instead of ending the chain.
HandBuiltTiff hand_built_tiff(const std::vector<HandBuiltPage>& pages,
                              std::optional<std::size_t> last_points_to = std::nullopt);

// An 8-bit grey page of `size` with deflate-compressed strips of `rows_per_strip` rows.
HandBuiltPage deflate_grey_page(Size size, std::uint32_t rows_per_strip);

// A minimal uncompressed 16-bit Bayer DNG (IFD first) that LibRaw opens and unpacks; `orientation` is
// the TIFF Orientation tag (6 and 8 are portrait).
HandBuiltTiff minimal_dng(Size size, std::uint16_t orientation = 1);

}  // namespace preflight::samples
