// libjpeg-turbo's side of bench/compare.sh: a full decode with libjpeg defaults, as djpeg does, but
// in-process (djpeg itself adds a process start per image). Usage: jpeg_loop SECONDS FRAMES FILE...
#include <vector>

#include "bench/peers/jpeg_full_decode.h"
#include "bench/tools/timed_loop.h"

int main(int argc, char** argv) {
  using namespace preflight::bench;
  const PeerArgs args = parse_peer_args(argc, argv);
  const auto files = load_files(args.paths);
  std::vector<unsigned char> row;
  print_result(timed_loop(files, args.seconds,
                          [&](const LoadedFile& file) { return decode_jpeg_fully(file.bytes, row); }),
               files.size());
  return 0;
}
