#include "decoders/magick_decoder.h"

#include <fmt/format.h>
#include <magick/MagickCore.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace preflight {
namespace {

// ---------------------------------------------------------------------------------------------------------
// Process-wide MagickCore setup.

constexpr MagickSizeType kMaxSide = 16384;  // DecodeLimits' default max_width / max_height
constexpr MagickSizeType kMaxArea = kMaxSide * kMaxSide;
constexpr MagickSizeType kMaxMemoryBytes = 2ull << 30;
constexpr MagickSizeType kMaxMapBytes = 2ull << 30;
constexpr MagickSizeType kNoDiskBytes = 0;
constexpr MagickSizeType kSingleThread = 1;

// Strict resource limits, set once before the first decode. ImageMagick's defaults let a hostile header
// grow a pixel cache to gigabytes, page it through a temporary file and fan OpenMP loops over every core.
// - Width, Height, Area: no canvas beyond what any profile accepts gets a pixel cache.
// - Memory, Map: the pixel cache budget. /etc/ImageMagick-6/policy.xml caps them (Debian 12 ships memory
//   256MiB, map 512MiB: a 6000x6000 BMP would fail) and the API can only lower a policy value, so our own
//   policy.xml is put first on MAGICK_CONFIGURE_PATH while MagickCore starts; the effective memory limit
//   is still read back, not assumed.
// - Disk 0: an image that does not fit in memory fails instead of being written to /tmp.
// - Thread 1: our worker pool owns the cores; OpenMP fan-out inside one decode would oversubscribe them.
// - Time is deliberately left unset. In IM6 it is not a per-image budget but wall time since the process
//   first opened any pixel cache (the static cache_epoch in magick/cache.c), and reaching it throws
//   ResourceLimitFatalError, whose default handler calls exit(): it would kill a long batch run.
constexpr std::string_view kResourcePolicyXml = R"(<policymap>
  <policy domain="resource" name="memory" value="2GiB"/>
  <policy domain="resource" name="map" value="2GiB"/>
  <policy domain="resource" name="area" value="268435456"/>
  <policy domain="resource" name="width" value="16384"/>
  <policy domain="resource" name="height" value="16384"/>
</policymap>
)";

// Writes kResourcePolicyXml to a private folder and returns the MAGICK_CONFIGURE_PATH that puts it first
// (ImageMagick reads every policy.xml on the path; the first value of a resource wins).
std::optional<std::string> resource_policy_path(const std::string& folder) {
  FILE* file = std::fopen((folder + "/policy.xml").c_str(), "w");
  if (file == nullptr) return std::nullopt;
  const bool written =
      std::fwrite(kResourcePolicyXml.data(), 1, kResourcePolicyXml.size(), file) == kResourcePolicyXml.size();
  std::fclose(file);
  if (!written) return std::nullopt;
  const char* user_path = std::getenv("MAGICK_CONFIGURE_PATH");
  return user_path ? folder + ":" + user_path : folder;
}

// Starts MagickCore with our policy file first on its configuration path, then restores the caller's
// environment and removes the file: the policy is read once, when the first limit is set.
void start_magick_with_resource_policy() {
  const char* user_value = std::getenv("MAGICK_CONFIGURE_PATH");
  const std::optional<std::string> saved = user_value ? std::optional<std::string>(user_value) : std::nullopt;
  std::string folder = "/tmp/preflight-magick-XXXXXX";
  const bool have_folder = ::mkdtemp(folder.data()) != nullptr;
  const auto policy_path = have_folder ? resource_policy_path(folder) : std::nullopt;
  if (policy_path) ::setenv("MAGICK_CONFIGURE_PATH", policy_path->c_str(), 1);
  MagickCoreGenesis(nullptr, MagickFalse);  // MagickFalse: install no signal handlers in our process
  SetMagickResourceLimit(MemoryResource, kMaxMemoryBytes);  // loads the policy files
  if (saved) ::setenv("MAGICK_CONFIGURE_PATH", saved->c_str(), 1);
  if (!saved) ::unsetenv("MAGICK_CONFIGURE_PATH");
  if (have_folder) {
    std::remove((folder + "/policy.xml").c_str());
    ::rmdir(folder.c_str());
  }
}

void configure_magick() {
  start_magick_with_resource_policy();
  SetMagickResourceLimit(WidthResource, kMaxSide);
  SetMagickResourceLimit(HeightResource, kMaxSide);
  SetMagickResourceLimit(AreaResource, kMaxArea);
  SetMagickResourceLimit(MemoryResource, kMaxMemoryBytes);
  SetMagickResourceLimit(MapResource, kMaxMapBytes);
  SetMagickResourceLimit(DiskResource, kNoDiskBytes);
  SetMagickResourceLimit(ThreadResource, kSingleThread);
}

// ImageMagick counts pixel-cache memory for the whole process: two workers decoding large images at once
// could each fail with "cache resources exhausted" although either fits alone, making a verdict depend
// on timing. Decodes therefore reserve their estimated cache size here first, in arrival order; an image
// larger than the whole budget waits to run alone, so its outcome depends on the image only.
class MemoryBudget {
 public:
  explicit MemoryBudget(std::uint64_t capacity) : capacity_(capacity), available_(capacity) {}

  std::uint64_t acquire(std::uint64_t bytes) {
    const std::uint64_t granted = std::min(bytes, capacity_);
    std::unique_lock lock(mutex_);
    const std::uint64_t ticket = next_ticket_++;
    changed_.wait(lock, [&] { return ticket == now_serving_ && available_ >= granted; });
    ++now_serving_;
    available_ -= granted;
    lock.unlock();
    changed_.notify_all();  // the next ticket may fit as well
    return granted;
  }

  void release(std::uint64_t granted) {
    {
      std::lock_guard lock(mutex_);
      available_ += granted;
    }
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  const std::uint64_t capacity_;
  std::uint64_t available_;
  std::uint64_t next_ticket_ = 0;
  std::uint64_t now_serving_ = 0;
};

class BudgetReservation {
 public:
  BudgetReservation(MemoryBudget& budget, std::uint64_t bytes)
      : budget_(budget), granted_(budget.acquire(bytes)) {}
  ~BudgetReservation() { budget_.release(granted_); }
  BudgetReservation(const BudgetReservation&) = delete;
  BudgetReservation& operator=(const BudgetReservation&) = delete;

 private:
  MemoryBudget& budget_;
  std::uint64_t granted_;
};

// ---------------------------------------------------------------------------------------------------------
// RAII for MagickCore objects.

struct ImageInfoDeleter {
  void operator()(ImageInfo* info) const { DestroyImageInfo(info); }
};
struct ExceptionDeleter {
  void operator()(ExceptionInfo* exception) const { DestroyExceptionInfo(exception); }
};
struct ImageListDeleter {
  void operator()(Image* images) const { DestroyImageList(images); }
};
using ImageInfoPtr = std::unique_ptr<ImageInfo, ImageInfoDeleter>;
using ExceptionPtr = std::unique_ptr<ExceptionInfo, ExceptionDeleter>;
using ImageListPtr = std::unique_ptr<Image, ImageListDeleter>;

// ---------------------------------------------------------------------------------------------------------
// ImageMagick exceptions → DecodeFailure.

struct ReasonRule {
  std::string_view reason_key;  // lower-case letters and digits only, so "InsufficientImageData" (an
                                // untranslated tag) and "insufficient image data in file" both match
  std::string_view detail;
};

constexpr ReasonRule kReasonRules[] = {
    {"insufficientimagedata", "truncated"},
    {"unexpectedendoffile", "truncated"},
    {"prematureend", "truncated"},
    {"improperimageheader", "bad_header"},
    {"negativeorzeroimagesize", "bad_header"},
    {"unsupportedbitsperpixel", "unsupported_bit_depth"},
    {"widthorheightexceedslimit", "resource_limit"},
    {"cacheresourcesexhausted", "resource_limit"},
    {"memoryallocationfailed", "resource_limit"},
};

std::string reason_key(std::string_view reason) {
  std::string key;
  for (const char c : reason) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return key;
}

bool is_severity(ExceptionType severity, ExceptionType warning, ExceptionType error, ExceptionType fatal) {
  return severity == warning || severity == error || severity == fatal;
}

std::string detail_for(const ExceptionInfo& exception) {
  const std::string key = reason_key(exception.reason ? exception.reason : "");
  for (const ReasonRule& rule : kReasonRules) {
    if (key.find(rule.reason_key) != std::string::npos) return std::string(rule.detail);
  }
  const ExceptionType severity = exception.severity;
  if (is_severity(severity, ResourceLimitWarning, ResourceLimitError, ResourceLimitFatalError) ||
      is_severity(severity, CacheWarning, CacheError, CacheFatalError)) {
    return "resource_limit";
  }
  if (is_severity(severity, MissingDelegateWarning, MissingDelegateError, MissingDelegateFatalError)) {
    return "no_decoder";
  }
  return "corrupt_data";
}

// IM appends the file name in quotes (empty for a blob), and to warnings kept on an image the source
// location: only the words are kept, and the description when it says more than the file name.
std::string message_for(const ExceptionInfo& exception) {
  const std::string_view reason = exception.reason ? exception.reason : "ImageMagick returned no image";
  std::string message(reason.substr(0, reason.find(" `")));
  const std::string_view description = exception.description ? exception.description : "";
  if (description.find_first_not_of("`' ") != std::string_view::npos) {
    message += fmt::format(" ({})", description);
  }
  return message;
}

// ---------------------------------------------------------------------------------------------------------
// Container structure, read directly from a file that starts with the format's signature. Headers give
// the dimensions the rules need when ImageMagick's ping rejects a damaged file, and a JNG's outright.
// Declared sizes tell truncation apart from other damage: IM6 calls a BMP shorter than its file-size field
// an "improper image header", and a tiny file declaring 100000x100000 is simply cut short.

std::uint32_t le16(ByteView b, std::size_t at) { return b[at] | b[at + 1] << 8; }
std::uint32_t le32(ByteView b, std::size_t at) {
  return b[at] | b[at + 1] << 8 | b[at + 2] << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
}

bool bytes_equal(ByteView bytes, std::size_t at, std::string_view expected) {
  return bytes.size() >= at + expected.size() &&
         std::equal(expected.begin(), expected.end(), bytes.begin() + at,
                    [](char want, std::uint8_t got) { return static_cast<std::uint8_t>(want) == got; });
}

std::uint32_t magnitude(std::uint32_t twos_complement) {
  const auto value = static_cast<std::int64_t>(static_cast<std::int32_t>(twos_complement));
  return static_cast<std::uint32_t>(std::llabs(value));
}

constexpr std::size_t kBmpFileSizeAt = 2;
constexpr std::size_t kBmpPixelOffsetAt = 10;
constexpr std::size_t kBmpFileHeaderSize = 14;
constexpr std::size_t kBmpDibSizeAt = 14;
constexpr std::size_t kBmpWidthAt = 18;
constexpr std::uint32_t kBmpCoreHeaderSize = 12;
constexpr std::uint32_t kBmpInfoHeaderSize = 40;
constexpr std::uint32_t kBmpLargestDibHeader = 124;
constexpr std::size_t kBmpInfoBitCountAt = 28;
constexpr std::size_t kBmpInfoCompressionAt = 30;
constexpr std::uint32_t kBmpUncompressed[] = {0, 3, 6};  // BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS
constexpr std::uint32_t kBmpBitCounts[] = {1, 4, 8, 16, 24, 32, 64};

template <std::size_t N>
bool is_one_of(std::uint32_t value, const std::uint32_t (&allowed)[N]) {
  return std::find(std::begin(allowed), std::end(allowed), value) != std::end(allowed);
}

// BITMAPCOREHEADER (12 bytes) has 16-bit sizes; every later DIB header has signed 32-bit ones (a negative
// height means top-down rows).
std::optional<ImageHeader> bmp_file_header(ByteView bytes) {
  if (bytes.size() < kBmpWidthAt + 8) return std::nullopt;
  ImageHeader header{.format = Format::Bmp};
  if (le32(bytes, kBmpDibSizeAt) == kBmpCoreHeaderSize) {
    header.width = le16(bytes, kBmpWidthAt);
    header.height = le16(bytes, kBmpWidthAt + 2);
  } else {
    header.width = magnitude(le32(bytes, kBmpWidthAt));
    header.height = magnitude(le32(bytes, kBmpWidthAt + 4));
  }
  return header;
}

// Where uncompressed rows (each padded to 4 bytes) end; compressed rows have no fixed size.
std::uint64_t bmp_pixel_data_end(ByteView bytes) {
  if (bytes.size() < kBmpInfoCompressionAt + 4 || le32(bytes, kBmpDibSizeAt) < kBmpInfoHeaderSize) return 0;
  const std::uint32_t bit_count = le16(bytes, kBmpInfoBitCountAt);
  if (!is_one_of(le32(bytes, kBmpInfoCompressionAt), kBmpUncompressed) ||
      !is_one_of(bit_count, kBmpBitCounts)) {
    return 0;
  }
  const std::optional<ImageHeader> header = bmp_file_header(bytes);  // present: the size was checked above
  const std::uint64_t row_bytes = (std::uint64_t{header->width} * bit_count + 31) / 32 * 4;
  return le32(bytes, kBmpPixelOffsetAt) + row_bytes * header->height;
}

// The furthest of the file-size field, the end of the DIB header (when its size is a plausible one) and
// the end of uncompressed pixel rows.
std::uint64_t bmp_declared_size(ByteView bytes) {
  if (bytes.size() < kBmpDibSizeAt + 4) return kBmpDibSizeAt + 4;
  const std::uint32_t dib_size = le32(bytes, kBmpDibSizeAt);
  const std::uint64_t header_end = dib_size <= kBmpLargestDibHeader ? kBmpFileHeaderSize + dib_size : 0;
  return std::max({std::uint64_t{le32(bytes, kBmpFileSizeAt)}, header_end, bmp_pixel_data_end(bytes)});
}

// ICONDIR: entry count at 4, then 16-byte entries: width and height bytes (0 means 256), then the data
// size at +8 and offset at +12.
constexpr std::size_t kIcoCountAt = 4;
constexpr std::size_t kIcoEntriesAt = 6;
constexpr std::size_t kIcoEntrySize = 16;
constexpr std::size_t kIcoDataSizeAt = 8;
constexpr std::size_t kIcoDataOffsetAt = 12;
constexpr std::uint32_t kIcoSizeZeroMeans = 256;

std::uint32_t ico_side(std::uint8_t stored) { return stored == 0 ? kIcoSizeZeroMeans : stored; }

// An entry's size: a PNG entry's own IHDR (as ImageMagick measures it), else the directory's bytes.
constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1a\n";
constexpr std::size_t kPngWidthAt = 16;  // signature, IHDR length and type
struct IcoEntrySize {
  std::uint32_t width;
  std::uint32_t height;
};
IcoEntrySize ico_entry_size(ByteView bytes, std::size_t entry) {
  const std::uint64_t data = le32(bytes, entry + kIcoDataOffsetAt);
  if (data + kPngWidthAt + 8 <= bytes.size() && bytes_equal(bytes, data, kPngSignature)) {
    return {read_be32(bytes, data + kPngWidthAt), read_be32(bytes, data + kPngWidthAt + 4)};
  }
  return {ico_side(bytes[entry]), ico_side(bytes[entry + 1])};
}

std::uint64_t ico_directory_end(ByteView bytes) {
  return kIcoEntriesAt + std::uint64_t{le16(bytes, kIcoCountAt)} * kIcoEntrySize;
}

std::optional<ImageHeader> ico_file_header(ByteView bytes) {
  if (bytes.size() < kIcoEntriesAt || bytes.size() < ico_directory_end(bytes)) return std::nullopt;
  const std::uint32_t count = le16(bytes, kIcoCountAt);
  if (count == 0) return std::nullopt;
  ImageHeader header{.format = Format::Ico, .frames_total = count};
  for (std::uint32_t i = 0; i < count; ++i) {
    const IcoEntrySize size = ico_entry_size(bytes, kIcoEntriesAt + i * kIcoEntrySize);
    if (std::uint64_t{size.width} * size.height > std::uint64_t{header.width} * header.height) {
      header.width = size.width;
      header.height = size.height;
      header.primary_frame = i;
    }
  }
  return header;
}

// The end of the directory, or of the furthest entry's data once the directory is complete.
std::uint64_t ico_declared_size(ByteView bytes) {
  if (bytes.size() < kIcoEntriesAt) return kIcoEntriesAt;
  const std::uint64_t directory_end = ico_directory_end(bytes);
  if (bytes.size() < directory_end) return directory_end;
  std::uint64_t end = directory_end;
  for (std::size_t entry = kIcoEntriesAt; entry < directory_end; entry += kIcoEntrySize) {
    end = std::max(
        end, std::uint64_t{le32(bytes, entry + kIcoDataOffsetAt)} + le32(bytes, entry + kIcoDataSizeAt));
  }
  return end;
}

// The 8-byte signature, then chunks (length, type, data, CRC) from JHDR to IEND.
constexpr std::size_t kJngSignatureSize = 8;
constexpr std::size_t kChunkHeaderSize = 8;
constexpr std::size_t kChunkCrcSize = 4;
constexpr std::size_t kChunkTypeOffset = 4;
constexpr std::string_view kJhdr = "JHDR";
constexpr std::string_view kJdat = "JDAT";  // colour: a JPEG stream, possibly split over several chunks
constexpr std::string_view kJdaa = "JDAA";  // alpha, when JPEG-compressed
constexpr std::string_view kIend = "IEND";

std::optional<ImageHeader> jng_file_header(ByteView bytes) {
  constexpr std::size_t kWidthAt = kJngSignatureSize + kChunkHeaderSize;
  if (bytes.size() < kWidthAt + 8 || !bytes_equal(bytes, kJngSignatureSize + kChunkTypeOffset, kJhdr)) {
    return std::nullopt;
  }
  return ImageHeader{
      .format = Format::Jng, .width = read_be32(bytes, kWidthAt), .height = read_be32(bytes, kWidthAt + 4)};
}

// Calls visit(chunk offset, data, as much of the data as the file holds) for every chunk whose header is
// present, and returns where the chunks declare the file ends: past IEND, or past the last chunk when the
// walk runs off the end before IEND.
template <typename Visit>
std::uint64_t walk_jng_chunks(ByteView bytes, Visit visit) {
  std::uint64_t chunk = kJngSignatureSize;
  while (chunk + kChunkHeaderSize <= bytes.size()) {
    const std::uint64_t data = chunk + kChunkHeaderSize;
    const std::uint64_t length = read_be32(bytes, chunk);
    visit(chunk, bytes.subspan(data, std::min<std::uint64_t>(length, bytes.size() - data)));
    const std::uint64_t next = data + length + kChunkCrcSize;
    if (bytes_equal(bytes, chunk + kChunkTypeOffset, kIend)) return next;
    chunk = next;
  }
  return chunk + kChunkHeaderSize + kChunkCrcSize;
}

std::uint64_t jng_declared_size(ByteView bytes) {
  return walk_jng_chunks(bytes, [](std::uint64_t, ByteView) {});
}

// A JPEG stream carried inside another container, named for failure details ("jdat:corrupt_data").
struct EmbeddedJpeg {
  std::string_view name;
  std::string data;
};

std::vector<EmbeddedJpeg> jng_jpeg_streams(ByteView bytes) {
  EmbeddedJpeg colour{"jdat", {}};
  EmbeddedJpeg alpha{"jdaa", {}};
  walk_jng_chunks(bytes, [&](std::uint64_t chunk, ByteView data) {
    const std::string_view text{reinterpret_cast<const char*>(data.data()), data.size()};
    if (bytes_equal(bytes, chunk + kChunkTypeOffset, kJdat)) colour.data += text;
    if (bytes_equal(bytes, chunk + kChunkTypeOffset, kJdaa)) alpha.data += text;
  });
  std::vector<EmbeddedJpeg> streams;
  for (EmbeddedJpeg* stream : {&colour, &alpha}) {
    if (!stream->data.empty()) streams.push_back(std::move(*stream));
  }
  return streams;
}

// ---------------------------------------------------------------------------------------------------------
// What differs between the three formats.

using namespace std::string_view_literals;

enum class ProbeMethod {
  kPingFirstImage,  // BMP: pinging one scene stops after the header; pinging all reads every pixel row
  kPingAllImages,   // ICO: every entry is listed; the ping reads entry headers only
  kHeaderOnly,      // JNG: IM6's ping decodes the whole JPEG stream into a pixel cache
};

struct MagickFormat {
  Format format;
  const char* coder;
  std::string_view signature;
  ProbeMethod probe;
  bool primary_is_largest;  // ICO: the largest entry is the one judged
  // Upper bound of ImageMagick memory per decoded pixel: a Q16 pixel cache holds 8 bytes per pixel plus a
  // 2-byte colormap index; BMP and ICO add their raw rows, JNG holds the JPEG, alpha and result images.
  std::uint64_t bytes_per_pixel;
  std::optional<ImageHeader> (*file_header)(ByteView);
  std::uint64_t (*declared_size)(ByteView);
  // An ImageMagick check switched off because the declared-size check replaces it. BMP: IM6 rejects any
  // file whose size field differs from its length, so a zero field or trailing bytes would fail an intact
  // image; a file shorter than its size field is still reported, as truncated.
  const char* replaced_check = nullptr;
  // JPEG streams checked on their own before the whole file. IM6's JNG reader decodes its JPEG into an
  // image it then discards together with libjpeg's warnings, so "bad Huffman code" or a cut stream
  // inside intact chunks would otherwise pass.
  std::vector<EmbeddedJpeg> (*embedded_jpeg_streams)(ByteView) = nullptr;
};

constexpr MagickFormat kBmp{.format = Format::Bmp,
                            .coder = "BMP",
                            .signature = "BM"sv,
                            .probe = ProbeMethod::kPingFirstImage,
                            .primary_is_largest = false,
                            .bytes_per_pixel = 14,
                            .file_header = bmp_file_header,
                            .declared_size = bmp_declared_size,
                            .replaced_check = "bmp:ignore-filesize"};
constexpr MagickFormat kIco{.format = Format::Ico,
                            .coder = "ICO",
                            .signature = "\0\0\x01\0"sv,
                            .probe = ProbeMethod::kPingAllImages,
                            .primary_is_largest = true,
                            .bytes_per_pixel = 14,
                            .file_header = ico_file_header,
                            .declared_size = ico_declared_size};
constexpr MagickFormat kJng{.format = Format::Jng,
                            .coder = "JNG",
                            .signature = "\x8BJNG\r\n\x1A\n"sv,
                            .probe = ProbeMethod::kHeaderOnly,
                            .primary_is_largest = false,
                            .bytes_per_pixel = 30,
                            .file_header = jng_file_header,
                            .declared_size = jng_declared_size,
                            .embedded_jpeg_streams = jng_jpeg_streams};
constexpr const char* kJpegCoder = "JPEG";

// ---------------------------------------------------------------------------------------------------------
// One PingBlob / BlobToImage call, with the coder forced and an ExceptionInfo of its own.

enum class ReadMode { kPing, kDecode };

struct MagickRead {
  ImageListPtr images;
  ExceptionPtr exception;

  // The most severe exception of the call: coders record some warnings (libjpeg's "Corrupt JPEG data")
  // on the image they return rather than in the caller's ExceptionInfo.
  const ExceptionInfo& worst() const {
    const ExceptionInfo* worst = exception.get();
    for (const Image* image = images.get(); image != nullptr; image = image->next) {
      if (image->exception.severity > worst->severity) worst = &image->exception;
    }
    return *worst;
  }

  // Anything of severity warning or above is a failure: a truncated BMP or JPEG is only a warning to IM.
  bool clean() const { return images && worst().severity == UndefinedException; }
};

// MagickCore configured once (a thread-safe function-local static) before its first read; every read
// goes through here so that none can run before the limits are in place.
class MagickRuntime {
 public:
  static MagickRuntime& instance() {
    static MagickRuntime runtime;
    return runtime;
  }

  MemoryBudget& memory_budget() { return budget_; }

  // `scenes` 0 reads every image in the file; n stops after the first n. Coders that report progress
  // (per row, for BMP) stop reading once `deadline` has passed.
  MagickRead read(ByteView bytes, const char* coder, ReadMode mode, std::size_t scenes,
                  const Deadline& deadline, const char* replaced_check = nullptr) const {
    ImageInfoPtr info{AcquireImageInfo()};
    SetImageInfoProgressMonitor(info.get(), continue_until_deadline, const_cast<Deadline*>(&deadline));
    // A set `magick` makes BlobToImage/PingBlob read with exactly this coder ("BMP:" prefix, affirm):
    // ImageMagick never sniffs the blob, so an SVG or PostScript payload cannot reach another coder.
    CopyMagickString(info->magick, coder, MaxTextExtent);
    if (replaced_check != nullptr) SetImageOption(info.get(), replaced_check, "true");
    info->number_scenes = scenes;
    ExceptionPtr exception{AcquireExceptionInfo()};
    Image* images = mode == ReadMode::kPing
                        ? PingBlob(info.get(), bytes.data(), bytes.size(), exception.get())
                        : BlobToImage(info.get(), bytes.data(), bytes.size(), exception.get());
    return {ImageListPtr{images}, std::move(exception)};
  }

 private:
  MagickRuntime() : budget_((configure_magick(), GetMagickResourceLimit(MemoryResource))) {}

  static MagickBooleanType continue_until_deadline(const char*, MagickOffsetType, MagickSizeType,
                                                   void* deadline) {
    return static_cast<const Deadline*>(deadline)->expired() ? MagickFalse : MagickTrue;
  }

  MemoryBudget budget_;
};

// ---------------------------------------------------------------------------------------------------------
// The decoder, one instance per format.

template <typename Step>
auto without_exceptions(Step step) -> decltype(step()) {
  try {
    return step();
  } catch (const std::exception& error) {
    return decode_failure("internal_error", error.what());
  }
}

class MagickDecoder final : public Decoder {
 public:
  explicit MagickDecoder(const MagickFormat& format) : format_(format) {}

  DecodeResult<ImageHeader> probe(ByteView bytes, const DecodeLimits&) const override {
    return without_exceptions([&] { return probe_header(bytes); });
  }

  DecodeStatus decode_frames(ByteView bytes, const ImageHeader& header,
                             std::span<const std::uint32_t> indices,
                             const DecodeLimits& limits) const override {
    return without_exceptions([&] { return decode(bytes, header, indices, limits); });
  }

 private:
  // A container cut short is reported at the probe, as a defect, even where the cut-off part is not needed
  // for the dimensions (the last icon entry, a JNG's final chunks).
  DecodeResult<ImageHeader> probe_header(ByteView bytes) const {
    DecodeResult<ImageHeader> header =
        format_.probe == ProbeMethod::kHeaderOnly ? read_header(bytes) : ping(bytes);
    if (header.ok() && !header.value().defect && truncation(bytes, "")) header.value().defect = "truncated";
    return header;
  }

  DecodeResult<ImageHeader> ping(ByteView bytes) const {
    const std::size_t scenes = format_.probe == ProbeMethod::kPingFirstImage ? 1 : 0;
    const MagickRead ping = MagickRuntime::instance().read(bytes, format_.coder, ReadMode::kPing, scenes,
                                                           Deadline{}, format_.replaced_check);
    const ExceptionInfo& exception = ping.worst();
    std::optional<ImageHeader> header =
        ping.images ? std::optional(header_from(ping.images.get())) : format_.file_header(bytes);
    if (!header) return failure_of(exception, bytes);
    if (header->width == 0 || header->height == 0) {
      // ImageMagick's own complaint (a BMP declaring width 0) says more than our "no image"
      if (!ping.clean()) return failure_of(exception, bytes);
      return decode_failure("no_image", "the file holds no image with a size (an empty ICO directory?)");
    }
    if (!ping.clean()) header->defect = failure_of(exception, bytes).detail;
    return *header;
  }

  DecodeResult<ImageHeader> read_header(ByteView bytes) const {
    const std::optional<ImageHeader> header = format_.file_header(bytes);
    if (header) return *header;
    return truncation(bytes, "header cut short").value_or(decode_failure("bad_header", "no image header"));
  }

  // A failure for input shorter than its own structure declares; none for input of another format.
  std::optional<DecodeFailure> truncation(ByteView bytes, std::string_view context) const {
    const std::string_view signature = format_.signature;
    const std::size_t present = std::min(bytes.size(), signature.size());
    if (!bytes_equal(bytes, 0, signature.substr(0, present))) return std::nullopt;
    const std::uint64_t declared =
        present < signature.size() ? signature.size() : format_.declared_size(bytes);
    if (declared <= bytes.size()) return std::nullopt;
    return decode_failure(
        "truncated", fmt::format("{}; the file has {} of its {} bytes", context, bytes.size(), declared));
  }

  // A file cut short is "truncated" whatever ImageMagick called the damage it ran into there.
  DecodeFailure failure_of(const ExceptionInfo& exception, ByteView bytes) const {
    return truncation(bytes, message_for(exception))
        .value_or(decode_failure(detail_for(exception), message_for(exception)));
  }

  ImageHeader header_from(const Image* images) const {
    ImageHeader header{.format = format_.format,
                       .width = static_cast<std::uint32_t>(images->columns),
                       .height = static_cast<std::uint32_t>(images->rows),
                       .frames_total = static_cast<std::uint32_t>(GetImageListLength(images))};
    if (!format_.primary_is_largest) return header;
    std::uint32_t index = 0;
    for (const Image* image = images; image != nullptr; image = image->next, ++index) {
      if (image->columns * image->rows > std::uint64_t{header.width} * header.height) {
        header.width = static_cast<std::uint32_t>(image->columns);
        header.height = static_cast<std::uint32_t>(image->rows);
        header.primary_frame = index;
      }
    }
    return header;
  }

  DecodeStatus decode(ByteView bytes, const ImageHeader& header, std::span<const std::uint32_t> indices,
                      const DecodeLimits& limits) const {
    if (indices.empty()) return Decoded{};
    if (auto refusal = refuse_oversize(header, limits)) return *refusal;
    const std::size_t frames = indices.back() + std::size_t{1};
    const std::uint64_t estimate =
        std::uint64_t{header.width} * header.height * format_.bytes_per_pixel * frames;
    if (estimate > limits.max_memory_bytes) {
      return decode_failure("too_large",
                            fmt::format("decoding needs about {} bytes, over max_memory_bytes {}", estimate,
                                        limits.max_memory_bytes));
    }
    MagickRuntime& magick = MagickRuntime::instance();
    const BudgetReservation reservation(magick.memory_budget(), estimate);
    if (auto failure = check_embedded_jpegs(bytes, limits.deadline)) return *failure;
    const MagickRead read =
        magick.read(bytes, format_.coder, ReadMode::kDecode, frames, limits.deadline, format_.replaced_check);
    // A coder stopped by the progress monitor raises an error of its own ("corrupt image"): not damage.
    if (limits.deadline.expired()) return timeout_failure();
    if (!read.clean()) return failure_of(read.worst(), bytes);
    return verify_frames(read.images.get(), header, indices);
  }

  std::optional<DecodeFailure> check_embedded_jpegs(ByteView bytes, const Deadline& deadline) const {
    if (format_.embedded_jpeg_streams == nullptr) return std::nullopt;
    for (const EmbeddedJpeg& stream : format_.embedded_jpeg_streams(bytes)) {
      const MagickRead read =
          MagickRuntime::instance().read(as_bytes(stream.data), kJpegCoder, ReadMode::kDecode, 1, deadline);
      if (read.clean()) continue;
      if (deadline.expired()) return timeout_failure();
      return decode_failure(fmt::format("{}:{}", stream.name, detail_for(read.worst())),
                            message_for(read.worst()));
    }
    return std::nullopt;
  }

  static std::optional<DecodeFailure> refuse_oversize(const ImageHeader& header, const DecodeLimits& limits) {
    if (header.width <= limits.max_width && header.height <= limits.max_height &&
        std::uint64_t{header.width} * header.height <= limits.max_pixels) {
      return std::nullopt;
    }
    return decode_failure(
        "too_large", fmt::format("{}x{} exceeds decoder limits {}x{}, {} pixels", header.width, header.height,
                                 limits.max_width, limits.max_height, limits.max_pixels));
  }

  static DecodeStatus verify_frames(const Image* images, const ImageHeader& header,
                                    std::span<const std::uint32_t> indices) {
    const std::size_t decoded = GetImageListLength(images);
    if (indices.back() >= decoded) {
      return decode_failure("missing_frame",
                            fmt::format("frame {} requested, {} decoded", indices.back(), decoded));
    }
    const Image* primary = GetImageFromList(images, header.primary_frame);
    if (primary != nullptr && (primary->columns != header.width || primary->rows != header.height)) {
      return decode_failure("size_mismatch", fmt::format("decoded {}x{}, header said {}x{}", primary->columns,
                                                         primary->rows, header.width, header.height));
    }
    return Decoded{};
  }

  const MagickFormat& format_;
};

}  // namespace

const Decoder& bmp_decoder() {
  static const MagickDecoder decoder(kBmp);
  return decoder;
}

const Decoder& ico_decoder() {
  static const MagickDecoder decoder(kIco);
  return decoder;
}

const Decoder& jng_decoder() {
  static const MagickDecoder decoder(kJng);
  return decoder;
}

}  // namespace preflight
