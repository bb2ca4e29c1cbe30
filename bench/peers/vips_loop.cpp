// libvips' side of bench/compare.sh: vips_image_new_from_buffer, then vips_avg to decode every pixel of
// frames 0..last sampled (libvips loads a run of pages, it cannot pick single ones). One thread, the
// operation cache off, sequential access as libvips advises for one pass over the pixels.
// Usage: vips_loop SECONDS FRAMES FILE...
#include <vips/vips.h>

#include <string>

#include "bench/tools/timed_loop.h"

namespace preflight::bench {
namespace {

std::string take_vips_error() {
  std::string message = vips_error_buffer();
  vips_error_clear();
  return message.empty() ? "unknown libvips error" : message;
}

VipsImage* load(const FileBytes& bytes, int pages) {
  // "n" exists only on multi-page loaders, so a still is loaded without it.
  if (pages == 1) {
    return vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "access", VIPS_ACCESS_SEQUENTIAL,
                                      nullptr);
  }
  return vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "access", VIPS_ACCESS_SEQUENTIAL, "n",
                                    pages, nullptr);
}

std::string decode(const FileBytes& bytes, int pages) {
  VipsImage* image = load(bytes, pages);
  if (image == nullptr) return take_vips_error();
  double average = 0;
  const int status = vips_avg(image, &average, nullptr);
  g_object_unref(image);
  return status == 0 ? std::string() : take_vips_error();
}

}  // namespace
}  // namespace preflight::bench

int main(int argc, char** argv) {
  using namespace preflight::bench;
  if (VIPS_INIT(argv[0]) != 0) return 2;
  vips_cache_set_max(0);
  vips_concurrency_set(1);
  const PeerArgs args = parse_peer_args(argc, argv);
  const int pages = static_cast<int>(args.frames.back()) + 1;
  const auto files = load_files(args.paths);
  print_result(
      timed_loop(files, args.seconds, [&](const LoadedFile& file) { return decode(file.bytes, pages); }),
      files.size());
  return 0;
}
