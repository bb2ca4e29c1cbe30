#include "decoders/svg_decoder.h"

#include <cairo.h>
#include <fmt/format.h>
#include <gio/gio.h>
#include <librsvg/rsvg.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "decoders/scratch_buffer.h"
#include "decoders/svg_entities.h"

namespace preflight {
namespace {

constexpr double kVipsDpi = 72.0;          // svgload's default: one CSS px is one pixel
constexpr double kCssFontSize = 12.0;      // librsvg's default font size, which vips assumes for em and ex
constexpr double kMinSide = 0.5;           // a smaller side cannot round to one pixel: vips "bad dimensions"
constexpr double kMaxRenderSide = 1024.0;  // decode renders the whole document, scaled down to fit this
constexpr double kMaxReportedSide = std::numeric_limits<std::uint32_t>::max();

struct GObjectUnref {
  void operator()(gpointer object) const { g_object_unref(object); }
};
struct GErrorFree {
  void operator()(GError* error) const { g_error_free(error); }
};
struct SurfaceDestroy {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct ContextDestroy {
  void operator()(cairo_t* context) const { cairo_destroy(context); }
};
using HandlePtr = std::unique_ptr<RsvgHandle, GObjectUnref>;
using StreamPtr = std::unique_ptr<GInputStream, GObjectUnref>;
using ErrorPtr = std::unique_ptr<GError, GErrorFree>;
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDestroy>;
using ContextPtr = std::unique_ptr<cairo_t, ContextDestroy>;

// librsvg reports every failure in one error domain with one code: its words (and libxml2's, which it
// quotes) are the only signal. Fragments are matched lower-case.
struct MessageRule {
  std::string_view fragment;
  std::string_view detail;
};

constexpr MessageRule kMessageRules[] = {
    {"premature end", "truncated"},
    {"document is empty", "truncated"},
    {"entity reference loop", "entity_expansion"},  // libxml2's guards against billion laughs
    {"amplification", "entity_expansion"},
    {"cannot load more than", "too_many_elements"},
    {"referenced elements", "too_many_references"},  // <use> fan-out caught while rendering
};

constexpr std::string_view kXmlParseError = "XML parse error";
constexpr std::string_view kGzipMagic = "\x1F\x8B";

std::string lower(std::string_view text) {
  std::string lowered(text);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lowered;
}

std::string_view as_text(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// librsvg places libxml2 errors "on line L column C of data"; an error on the last line at or past its
// last character means the document stopped mid-way rather than being malformed.
bool error_at_end(ByteView bytes, const std::string& message) {
  const std::string_view text = as_text(bytes);
  const std::size_t at = message.find(" on line ");
  unsigned line = 0;
  unsigned column = 0;
  if (at == std::string::npos ||
      std::sscanf(message.c_str() + at, " on line %u column %u", &line, &column) != 2) {
    return false;
  }
  const auto lines = static_cast<std::size_t>(1 + std::count(text.begin(), text.end(), '\n'));
  const std::size_t last_line_length = text.size() - (text.rfind('\n') + 1);
  return line == lines && column >= last_line_length;
}

std::string detail_for(ByteView bytes, const std::string& message, std::string_view fallback_detail) {
  const std::string lowered = lower(message);
  for (const MessageRule& rule : kMessageRules) {
    if (lowered.find(rule.fragment) != std::string::npos) return std::string(rule.detail);
  }
  if (message.starts_with(kXmlParseError)) return error_at_end(bytes, message) ? "truncated" : "invalid_xml";
  return std::string(fallback_detail);
}

DecodeFailure failure_from(ByteView bytes, const GError* error, std::string_view fallback_detail) {
  std::string message = error != nullptr ? error->message : "librsvg gave no reason";
  message.erase(message.find_last_not_of(" \n") + 1);
  std::string detail = detail_for(bytes, message, fallback_detail);
  return decode_failure(std::move(detail), std::move(message));
}

// An SVGZ bomb (a few hundred KB inflating to gigabytes of whitespace) would keep libxml2 parsing for
// seconds; a document over three times the largest file the service takes is refused instead.
constexpr std::size_t kMaxInflatedSvgBytes = 32u << 20;
constexpr std::size_t kInflateStepBytes = 256u << 10;

// The SVG text of an SVGZ, inflated here rather than by librsvg so that its size can be bounded.
DecodeResult<std::string> inflate_svgz(ByteView bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return decode_failure("out_of_memory", "inflateInit2");
  stream.next_in = const_cast<Bytef*>(bytes.data());
  stream.avail_in = static_cast<uInt>(std::min<std::size_t>(bytes.size(), UINT_MAX));
  std::string text;
  int status = Z_OK;
  while (status == Z_OK && text.size() < kMaxInflatedSvgBytes) {
    const std::size_t had = text.size();
    text.resize(had + kInflateStepBytes);
    stream.next_out = reinterpret_cast<Bytef*>(text.data() + had);
    stream.avail_out = static_cast<uInt>(kInflateStepBytes);
    status = inflate(&stream, Z_NO_FLUSH);
    text.resize(text.size() - stream.avail_out);
  }
  const std::string message = stream.msg != nullptr ? stream.msg : "";
  inflateEnd(&stream);
  if (status == Z_STREAM_END) return text;
  if (status == Z_OK) {
    return decode_failure(
        "too_large", fmt::format("the SVGZ inflates to more than {} bytes, the limit", kMaxInflatedSvgBytes));
  }
  if (status == Z_BUF_ERROR) return decode_failure("truncated", "the gzip stream ends early");
  return decode_failure("corrupt_data", "gzip: " + message);
}

// Parses the document. No base file or URL is given: librsvg resolves every href, XInclude and external
// entity against the base URL and refuses them all when there is none, so nothing outside these bytes is
// read. No RSVG_HANDLE_FLAG_UNLIMITED either: libxml2 keeps its limits on entity expansion, nesting depth
// and text size, and librsvg its element count limit.
DecodeResult<HandlePtr> load_document(ByteView bytes) {
  std::string rewritten;  // the inflated SVGZ, the document with its entities expanded, or neither
  if (as_text(bytes).starts_with(kGzipMagic)) {
    DecodeResult<std::string> inflated = inflate_svgz(bytes);
    if (!inflated.ok()) return inflated.failure();
    rewritten = std::move(inflated.value());
    bytes = as_bytes(rewritten);
  }
  DecodeResult<std::optional<std::string>> expanded = expand_svg_entities(as_text(bytes));
  if (!expanded.ok()) return expanded.failure();
  if (expanded.value()) {
    rewritten = std::move(*expanded.value());
    bytes = as_bytes(rewritten);
  }
  StreamPtr stream{
      g_memory_input_stream_new_from_data(bytes.data(), static_cast<gssize>(bytes.size()), nullptr)};
  GError* raw_error = nullptr;
  HandlePtr handle{
      rsvg_handle_new_from_stream_sync(stream.get(), nullptr, RSVG_HANDLE_FLAGS_NONE, nullptr, &raw_error)};
  const ErrorPtr error{raw_error};
  if (!handle) return failure_from(bytes, error.get(), "invalid_svg");
  rsvg_handle_set_dpi(handle.get(), kVipsDpi);
  return handle;
}

// CssLength::to_user in librsvg, as libvips 8.14 copies it; percentages are unknown without a viewport.
double css_length_to_pixels(const RsvgLength& length) {
  switch (length.unit) {
    case RSVG_UNIT_PX:
      return length.length;
    case RSVG_UNIT_EM:
      return length.length * kCssFontSize;
    case RSVG_UNIT_EX:
      return length.length * kCssFontSize / 2.0;
    case RSVG_UNIT_IN:
      return length.length * kVipsDpi;
    case RSVG_UNIT_CM:
      return kVipsDpi * length.length / 2.54;
    case RSVG_UNIT_MM:
      return kVipsDpi * length.length / 25.4;
    case RSVG_UNIT_PT:
      return kVipsDpi * length.length / 72.0;
    case RSVG_UNIT_PC:
      return kVipsDpi * length.length / 6.0;
    default:
      return 0.0;
  }
}

struct SizeInPixels {
  double width = 0.0;
  double height = 0.0;
  bool known() const { return width > 0.0 && height > 0.0; }
};

// vips_foreign_load_svg_get_natural_size (libvips 8.14 with librsvg 2.54): the intrinsic size in pixels;
// else width/height completed by the viewBox aspect ratio, or the viewBox itself; else the drawn extent.
SizeInPixels natural_size(RsvgHandle* handle) {
  SizeInPixels size;
  if (rsvg_handle_get_intrinsic_size_in_pixels(handle, &size.width, &size.height)) return size;
  gboolean has_width = FALSE;
  gboolean has_height = FALSE;
  gboolean has_viewbox = FALSE;
  RsvgLength width{};
  RsvgLength height{};
  RsvgRectangle viewbox{};
  rsvg_handle_get_intrinsic_dimensions(handle, &has_width, &width, &has_height, &height, &has_viewbox,
                                       &viewbox);
  size = {css_length_to_pixels(width), css_length_to_pixels(height)};
  if (size.known()) return size;
  if (has_viewbox) {
    if (size.width > 0.0) {
      size.height = size.width * viewbox.height / viewbox.width;
    } else if (size.height > 0.0) {
      size.width = size.height * viewbox.width / viewbox.height;
    } else {
      size = {viewbox.width, viewbox.height};
    }
  }
  if (size.known()) return size;
  RsvgRectangle ink{};
  rsvg_handle_get_geometry_for_element(handle, nullptr, &ink, nullptr, nullptr);
  return {ink.x + ink.width, ink.y + ink.height};
}

// VIPS_ROUND_UINT; a side past 2^32 is reported as the largest representable one, which every profile
// rejects as too large, rather than wrapping around.
std::uint32_t round_side(double side) {
  return static_cast<std::uint32_t>(std::min(side + 0.5, kMaxReportedSide));
}

DecodeResult<ImageHeader> header_of(RsvgHandle* handle) {
  const SizeInPixels size = natural_size(handle);
  if (!(size.width >= kMinSide && size.height >= kMinSide)) {
    return decode_failure("bad_dimensions", fmt::format("document size {}x{} px", size.width, size.height));
  }
  return ImageHeader{
      .format = Format::Svg, .width = round_side(size.width), .height = round_side(size.height)};
}

// Renders the whole document, scaled so the surface is at most kMaxRenderSide on its longer side: every
// element still goes through the render path, in at most 4 MiB of reused per-thread memory.
DecodeStatus render(ByteView bytes, RsvgHandle* handle, const ImageHeader& header) {
  const double scale = std::min(1.0, kMaxRenderSide / std::max(header.width, header.height));
  const int width = std::max(1, static_cast<int>(std::ceil(header.width * scale)));
  const int height = std::max(1, static_cast<int>(std::ceil(header.height * scale)));
  const int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, width);
  const auto pixels = thread_scratch(static_cast<std::size_t>(stride) * height);
  const SurfacePtr surface{
      cairo_image_surface_create_for_data(pixels.data(), CAIRO_FORMAT_ARGB32, width, height, stride)};
  const ContextPtr context{cairo_create(surface.get())};
  const RsvgRectangle viewport{0.0, 0.0, header.width * scale, header.height * scale};
  GError* raw_error = nullptr;
  const bool rendered = rsvg_handle_render_document(handle, context.get(), &viewport, &raw_error);
  const ErrorPtr error{raw_error};
  if (!rendered) return failure_from(bytes, error.get(), "render_failed");
  if (const cairo_status_t status = cairo_status(context.get()); status != CAIRO_STATUS_SUCCESS) {
    return decode_failure("render_failed", cairo_status_to_string(status));
  }
  return Decoded{};
}

template <typename Step>
auto without_exceptions(Step step) -> decltype(step()) {
  try {
    return step();
  } catch (const std::exception& error) {
    return decode_failure("internal_error", error.what());
  }
}

class SvgDecoder final : public Decoder {
 public:
  DecodeResult<ImageHeader> probe(ByteView bytes, const DecodeLimits&) const override {
    return without_exceptions([&]() -> DecodeResult<ImageHeader> {
      DecodeResult<HandlePtr> document = load_document(bytes);
      if (!document.ok()) return document.failure();
      return header_of(document.value().get());
    });
  }

  DecodeStatus decode_frames(ByteView bytes, const ImageHeader& header,
                             std::span<const std::uint32_t> indices,
                             const DecodeLimits& limits) const override {
    return without_exceptions([&]() -> DecodeStatus {
      if (indices.empty()) return Decoded{};
      DecodeResult<HandlePtr> document = load_document(bytes);
      if (!document.ok()) return document.failure();
      if (limits.deadline.expired()) return timeout_failure();  // librsvg renders in one call
      RsvgHandle* handle = document.value().get();
      const DecodeResult<ImageHeader> reloaded = header_of(handle);
      if (!reloaded.ok()) return reloaded.failure();
      if (reloaded.value().width != header.width || reloaded.value().height != header.height) {
        return decode_failure("size_mismatch",
                              fmt::format("document is {}x{}, header said {}x{}", reloaded.value().width,
                                          reloaded.value().height, header.width, header.height));
      }
      return render(bytes, handle, header);
    });
  }
};

}  // namespace

const Decoder& svg_decoder() {
  static const SvgDecoder decoder;
  return decoder;
}

}  // namespace preflight
