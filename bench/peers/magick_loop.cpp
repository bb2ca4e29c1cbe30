// ImageMagick's side of bench/compare.sh: BlobToImage reads frames 0..last sampled (scene 0,
// number_scenes last + 1: ImageMagick decodes a file's frames in order and cannot skip any) into its
// pixel cache, as `convert FILE null:` does. One thread. Usage: magick_loop SECONDS FRAMES FILE...
#include <magick/MagickCore.h>

#include <string>

#include "bench/tools/timed_loop.h"

namespace preflight::bench {
namespace {

std::string decode(const LoadedFile& file, std::size_t scenes) {
  ImageInfo* info = AcquireImageInfo();
  // The file name, as `convert FILE` has it: formats without a signature (ICO) are known by extension.
  CopyMagickString(info->filename, file.path.c_str(), MaxTextExtent);
  info->scene = 0;
  info->number_scenes = scenes;
  ExceptionInfo* exception = AcquireExceptionInfo();
  Image* images = BlobToImage(info, file.bytes.data(), file.bytes.size(), exception);
  std::string message;
  if (images == nullptr || exception->severity >= ErrorException) {
    message = exception->reason ? exception->reason : "no image";
    if (exception->description) message += std::string(" (") + exception->description + ")";
  }
  if (images != nullptr) DestroyImageList(images);
  DestroyExceptionInfo(exception);
  DestroyImageInfo(info);
  return message;
}

}  // namespace
}  // namespace preflight::bench

int main(int argc, char** argv) {
  using namespace preflight::bench;
  MagickCoreGenesis(argv[0], MagickFalse);
  SetMagickResourceLimit(ThreadResource, 1);
  const PeerArgs args = parse_peer_args(argc, argv);
  const std::size_t scenes = args.frames.back() + 1;
  const auto files = load_files(args.paths);
  print_result(timed_loop(files, args.seconds, [&](const LoadedFile& file) { return decode(file, scenes); }),
               files.size());
  MagickCoreTerminus();
  return 0;
}
