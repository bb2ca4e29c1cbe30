#include "decoders/heic_decoder.h"

#include <libheif/heif.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "decoders/bmff_boxes.h"
#include "decoders/frame_failure.h"

namespace preflight {
namespace {

// Grid tiles are decoded on the calling thread: the pipeline already runs one image per core.
constexpr int kDecodeOnCallingThread = 0;
constexpr int kMaxBytesPerSample = 2;  // 9..16-bit samples are stored in 16 bits

struct ContextDeleter {
  void operator()(heif_context* context) const { heif_context_free(context); }
};
struct HandleDeleter {
  void operator()(heif_image_handle* handle) const { heif_image_handle_release(handle); }
};
struct ImageDeleter {
  void operator()(heif_image* image) const { heif_image_release(image); }
};
struct OptionsDeleter {
  void operator()(heif_decoding_options* options) const { heif_decoding_options_free(options); }
};
using ContextPtr = std::unique_ptr<heif_context, ContextDeleter>;
using HandlePtr = std::unique_ptr<heif_image_handle, HandleDeleter>;
using ImagePtr = std::unique_ptr<heif_image, ImageDeleter>;
using OptionsPtr = std::unique_ptr<heif_decoding_options, OptionsDeleter>;

struct Dimensions {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

// heif_init registers the codec plugins; it is reference-counted, so the process keeps one reference.
void initialise_libheif() {
  static const heif_error result = heif_init(nullptr);
  static_cast<void>(result);
}

// Debian's libheif 1.15.1-1+deb12u3 checks the coded stream before decoding it and reports damage as
// Invalid_input with no suberror: only its message says whether a unit ran past its data.
std::optional<std::string> coded_stream_detail(const heif_error& error) {
  const std::string_view message = error.message ? error.message : "";
  if (error.code != heif_error_Invalid_input || message.find("stream was rejected") == std::string_view::npos)
    return std::nullopt;
  const bool cut_short = message.find("truncated") != std::string_view::npos ||
                         message.find("size is invalid") != std::string_view::npos;
  return cut_short ? "truncated" : "corrupt_data";
}

std::string detail_for(const heif_error& error) {
  if (auto detail = coded_stream_detail(error)) return *detail;
  switch (error.subcode) {
    case heif_suberror_End_of_data:
      return "truncated";
    case heif_suberror_Security_limit_exceeded:
      return "limit_exceeded";
    case heif_suberror_Unsupported_codec:
    case heif_suberror_Unsupported_image_type:
      return "unsupported_codec";
    default:
      break;
  }
  switch (error.code) {
    case heif_error_Unsupported_feature:
      return "unsupported_feature";
    case heif_error_Decoder_plugin_error:
      return "corrupt_data";
    case heif_error_Memory_allocation_error:
      return "out_of_memory";
    default:
      return "corrupt_container";
  }
}

// heif_error::message points into the context or image that reported it: copy it before they are freed.
DecodeFailure failure_from(const heif_error& error) {
  return decode_failure(detail_for(error), error.message ? error.message : "");
}

// Item types of codecs libheif 1.15 cannot decode. It does not even list such items as images, so a file
// whose primary item is one fails to read with a reference error rather than "unsupported codec".
constexpr std::string_view kUndecodableItemTypes[] = {"jpeg", "j2k1", "vvc1", "avc1", "unci"};
constexpr std::string_view kItemInfoEntry = "infe";
constexpr std::size_t kMinInfeVersionWithType = 2;

// Scans the item-info entries (`infe` boxes: 4-byte type, version, flags, item ID, protection index,
// item type) for an item type in kUndecodableItemTypes.
std::optional<std::string> undecodable_item_type(ByteView bytes) {
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  for (auto at = text.find(kItemInfoEntry); at != std::string_view::npos;
       at = text.find(kItemInfoEntry, at + 1)) {
    const std::size_t version_at = at + kItemInfoEntry.size();
    if (version_at >= text.size() || static_cast<std::uint8_t>(text[version_at]) < kMinInfeVersionWithType)
      continue;
    const std::size_t item_id_size = text[version_at] == kMinInfeVersionWithType ? 2 : 4;
    const std::size_t type_at = version_at + 4 + item_id_size + 2;
    if (type_at + 4 > text.size()) continue;
    const std::string_view item_type = text.substr(type_at, 4);
    for (const std::string_view undecodable : kUndecodableItemTypes) {
      if (item_type == undecodable) return std::string(item_type);
    }
  }
  return std::nullopt;
}

DecodeFailure read_failure(const heif_error& error, ByteView bytes) {
  DecodeFailure failure = failure_from(error);
  if (bmff_box_cut_short(bytes)) {
    failure.detail = "truncated";
    return failure;
  }
  if (error.subcode != heif_suberror_Nonexisting_item_referenced) return failure;
  if (const auto item_type = undecodable_item_type(bytes)) {
    failure.detail = "unsupported_codec";
    failure.message += " (item type '" + *item_type + "' is not decodable by libheif " LIBHEIF_VERSION ")";
  }
  return failure;
}

// `largest_side`: libheif refuses a file whose images declare a longer side.
DecodeResult<ContextPtr> read_context(ByteView bytes, std::uint32_t largest_side) {
  initialise_libheif();
  ContextPtr context(heif_context_alloc());
  if (!context) return decode_failure("out_of_memory", "heif_context_alloc failed");
  heif_context_set_maximum_image_size_limit(
      context.get(),
      static_cast<int>(std::min<std::uint32_t>(largest_side, std::numeric_limits<int>::max())));
  heif_context_set_max_decoding_threads(context.get(), kDecodeOnCallingThread);
  const heif_error error =
      heif_context_read_from_memory_without_copy(context.get(), bytes.data(), bytes.size(), nullptr);
  if (error.code != heif_error_Ok) return read_failure(error, bytes);
  return context;
}

// Top-level image IDs in file order: frame i of a multi-image file is the i-th of them.
std::vector<heif_item_id> top_level_ids(heif_context* context) {
  const int count = heif_context_get_number_of_top_level_images(context);
  std::vector<heif_item_id> ids(static_cast<std::size_t>(std::max(count, 0)));
  const int listed = heif_context_get_list_of_top_level_image_IDs(context, ids.data(), count);
  ids.resize(static_cast<std::size_t>(std::max(listed, 0)));
  return ids;
}

DecodeResult<HandlePtr> image_handle(heif_context* context, heif_item_id id) {
  heif_image_handle* handle = nullptr;
  const heif_error error = heif_context_get_image_handle(context, id, &handle);
  if (error.code != heif_error_Ok) return failure_from(error);
  return HandlePtr(handle);
}

DecodeResult<ImageHeader> header_from(heif_context* context, const DecodeLimits& limits) {
  const std::vector<heif_item_id> ids = top_level_ids(context);
  if (ids.empty()) return decode_failure("no_images", "the file holds no top-level image");
  if (ids.size() > limits.max_frames) {
    return decode_failure("too_many_frames", std::to_string(ids.size()) +
                                                 " top-level images exceed max_frames " +
                                                 std::to_string(limits.max_frames));
  }
  heif_item_id primary_id = 0;
  const heif_error error = heif_context_get_primary_image_ID(context, &primary_id);
  if (error.code != heif_error_Ok) return failure_from(error);
  const auto primary = std::find(ids.begin(), ids.end(), primary_id);
  if (primary == ids.end())
    return decode_failure("corrupt_container", "the primary image is not a top-level image");
  auto handle = image_handle(context, primary_id);
  if (!handle.ok()) return handle.failure();
  const int width = heif_image_handle_get_width(handle.value().get());
  const int height = heif_image_handle_get_height(handle.value().get());
  if (width <= 0 || height <= 0) return decode_failure("corrupt_container", "the primary image has no size");

  ImageHeader header;
  header.format = Format::Heic;
  header.width = static_cast<std::uint32_t>(width);
  header.height = static_cast<std::uint32_t>(height);
  header.frames_total = static_cast<std::uint32_t>(ids.size());
  header.primary_frame = static_cast<std::uint32_t>(primary - ids.begin());
  return header;
}

// The stored size (ispe) is what a decode that skips rotation and cropping yields; without one, the
// transformations are applied and the displayed size is expected.
Dimensions stored_size(const heif_image_handle* handle) {
  return {static_cast<std::uint32_t>(std::max(heif_image_handle_get_ispe_width(handle), 0)),
          static_cast<std::uint32_t>(std::max(heif_image_handle_get_ispe_height(handle), 0))};
}

Dimensions displayed_size(const heif_image_handle* handle) {
  return {static_cast<std::uint32_t>(std::max(heif_image_handle_get_width(handle), 0)),
          static_cast<std::uint32_t>(std::max(heif_image_handle_get_height(handle), 0))};
}

std::optional<DecodeFailure> check_frame_limits(const heif_image_handle* handle, Dimensions size,
                                                const DecodeLimits& limits) {
  if (size.width > limits.max_width || size.height > limits.max_height ||
      std::uint64_t{size.width} * size.height > limits.max_pixels) {
    return decode_failure("limit_exceeded", "image " + std::to_string(size.width) + "x" +
                                                std::to_string(size.height) + " exceeds the decode limits");
  }
  const int channels = 3 + (heif_image_handle_has_alpha_channel(handle) ? 1 : 0);
  const int bytes_per_sample = heif_image_handle_get_luma_bits_per_pixel(handle) > 8 ? kMaxBytesPerSample : 1;
  const std::uint64_t frame_bytes = std::uint64_t{size.width} * size.height * channels * bytes_per_sample;
  if (frame_bytes > limits.max_memory_bytes) {
    return decode_failure("limit_exceeded", "decoded frame needs " + std::to_string(frame_bytes) +
                                                " bytes, more than max_memory_bytes " +
                                                std::to_string(limits.max_memory_bytes));
  }
  return std::nullopt;
}

// A decode that succeeded but noted damage (non-strict codec paths) still fails the file.
std::optional<DecodeFailure> decoding_warning(heif_image* image) {
  heif_error warning{};
  if (heif_image_get_decoding_warnings(image, 0, &warning, 1) == 0) return std::nullopt;
  return decode_failure("corrupt_data", warning.message ? warning.message : "");
}

DecodeStatus decode_image(heif_context* context, heif_item_id id, const DecodeLimits& limits) {
  auto handle = image_handle(context, id);
  if (!handle.ok()) return handle.failure();
  const Dimensions stored = stored_size(handle.value().get());
  const bool skip_transformations = stored.width > 0 && stored.height > 0;
  const Dimensions expected = skip_transformations ? stored : displayed_size(handle.value().get());
  if (auto failure = check_frame_limits(handle.value().get(), expected, limits)) return *failure;

  OptionsPtr options(heif_decoding_options_alloc());
  options->ignore_transformations = skip_transformations ? 1 : 0;
  options->strict_decoding = 1;
  heif_image* decoded = nullptr;
  // Undefined colourspace and chroma keep the codec's native planes: no conversion work.
  const heif_error error = heif_decode_image(handle.value().get(), &decoded, heif_colorspace_undefined,
                                             heif_chroma_undefined, options.get());
  if (error.code != heif_error_Ok) return failure_from(error);
  const ImagePtr image(decoded);
  if (auto warning = decoding_warning(image.get())) return *warning;
  const Dimensions actual{
      static_cast<std::uint32_t>(std::max(heif_image_get_primary_width(image.get()), 0)),
      static_cast<std::uint32_t>(std::max(heif_image_get_primary_height(image.get()), 0))};
  if (actual.width != expected.width || actual.height != expected.height) {
    return decode_failure("frame_size_mismatch", "decoded " + std::to_string(actual.width) + "x" +
                                                     std::to_string(actual.height) + ", header says " +
                                                     std::to_string(expected.width) + "x" +
                                                     std::to_string(expected.height));
  }
  return Decoded{};
}

class HeicDecoder final : public Decoder {
 public:
  DecodeResult<ImageHeader> probe(ByteView bytes, const DecodeLimits& limits) const override {
    // Reading the container allocates no pixels: any declared size is read, for the rules to judge (R7).
    auto context = read_context(bytes, std::numeric_limits<std::uint32_t>::max());
    if (!context.ok()) return context.failure();
    return header_from(context.value().get(), limits);
  }

  DecodeStatus decode_frames(ByteView bytes, const ImageHeader& header,
                             std::span<const std::uint32_t> indices,
                             const DecodeLimits& limits) const override {
    auto context = read_context(bytes, std::max(limits.max_width, limits.max_height));
    if (!context.ok()) return context.failure();
    const std::vector<heif_item_id> ids = top_level_ids(context.value().get());
    for (const std::uint32_t index : indices) {
      if (limits.deadline.expired()) return timeout_failure();  // libheif decodes an image in one call
      if (index >= ids.size()) {
        return for_frame(index, header,
                         decode_failure("missing_frame",
                                        "the file has " + std::to_string(ids.size()) + " top-level images"));
      }
      const DecodeStatus status = decode_image(context.value().get(), ids[index], limits);
      if (!status.ok()) return for_frame(index, header, status.failure());
    }
    return Decoded{};
  }
};

}  // namespace

const Decoder& heic_decoder() {
  static const HeicDecoder decoder;
  return decoder;
}

}  // namespace preflight
