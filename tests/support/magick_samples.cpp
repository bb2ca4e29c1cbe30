#include "tests/support/magick_samples.h"

#include <magick/MagickCore.h>

#include <memory>
#include <stdexcept>

namespace preflight::testing {
namespace {

struct ImageInfoDeleter {
  void operator()(ImageInfo* info) const { DestroyImageInfo(info); }
};
struct ExceptionDeleter {
  void operator()(ExceptionInfo* exception) const { DestroyExceptionInfo(exception); }
};
struct ImageListDeleter {
  void operator()(Image* images) const { DestroyImageList(images); }
};
struct BlobDeleter {
  void operator()(void* blob) const { RelinquishMagickMemory(blob); }
};

void ensure_magick() {
  static const bool ready = (MagickCoreGenesis(nullptr, MagickFalse), true);
  (void)ready;
}

// A gradient rather than a flat colour, so that every codec has real data to compress.
Image* gradient(SampleSize size, ExceptionInfo* exception) {
  constexpr std::size_t kChannels = 3;
  std::vector<unsigned char> pixels(size.width * size.height * kChannels);
  for (std::size_t y = 0; y < size.height; ++y) {
    for (std::size_t x = 0; x < size.width; ++x) {
      unsigned char* pixel = &pixels[(y * size.width + x) * kChannels];
      pixel[0] = static_cast<unsigned char>(x * 255 / size.width);
      pixel[1] = static_cast<unsigned char>(y * 255 / size.height);
      pixel[2] = static_cast<unsigned char>((x + y) & 0xFF);
    }
  }
  return ConstituteImage(size.width, size.height, "RGB", CharPixel, pixels.data(), exception);
}

}  // namespace

std::string magick_sample(const std::string& magick, const std::vector<SampleSize>& sizes) {
  ensure_magick();
  const std::unique_ptr<ExceptionInfo, ExceptionDeleter> exception{AcquireExceptionInfo()};
  std::unique_ptr<Image, ImageListDeleter> images{NewImageList()};
  for (const SampleSize& size : sizes) {
    Image* image = gradient(size, exception.get());
    if (image == nullptr) throw std::runtime_error("ConstituteImage failed");
    Image* list = images.release();
    AppendImageToList(&list, image);
    images.reset(list);
  }
  const std::unique_ptr<ImageInfo, ImageInfoDeleter> info{AcquireImageInfo()};
  CopyMagickString(info->magick, magick.c_str(), MaxTextExtent);
  CopyMagickString(info->filename, (magick + ":").c_str(), MaxTextExtent);
  std::size_t length = 0;
  const std::unique_ptr<void, BlobDeleter> blob{
      ImagesToBlob(info.get(), images.get(), &length, exception.get())};
  if (!blob)
    throw std::runtime_error("ImagesToBlob " + magick +
                             " failed: " + (exception->reason ? exception->reason : ""));
  return {static_cast<const char*>(blob.get()), length};
}

}  // namespace preflight::testing
