#include "bench/tools/timed_loop.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

namespace preflight::bench {
namespace {

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  std::exit(2);
}

}  // namespace

std::vector<LoadedFile> load_files(const std::vector<std::string>& paths) {
  std::vector<LoadedFile> files;
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) die("cannot read " + path);
    files.push_back({path, FileBytes{std::istreambuf_iterator<char>(in), {}}});
  }
  if (files.empty()) die("no files given");
  return files;
}

LoopResult timed_loop(const std::vector<LoadedFile>& files, double seconds, const DecodeFn& decode) {
  using Clock = std::chrono::steady_clock;
  LoopResult result;
  for (const LoadedFile& file : files) {
    const std::string error = decode(file);
    if (error.empty()) continue;
    ++result.failed_files;
    std::fprintf(stderr, "failed: %s: %s\n", file.path.c_str(), error.c_str());
  }
  const Clock::time_point start = Clock::now();
  const Clock::duration budget =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::size_t decoded = 0;
  while (decoded % files.size() != 0 || Clock::now() - start < budget) {
    decode(files[decoded++ % files.size()]);
  }
  result.images_per_second = decoded / std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

void print_result(const LoopResult& result, std::size_t file_count) {
  std::printf("images/s=%.4g failed=%zu/%zu\n", result.images_per_second, result.failed_files, file_count);
}

double parse_seconds(const char* text) {
  char* end = nullptr;
  const double seconds = std::strtod(text, &end);
  if (*end != '\0' || !(seconds > 0)) die(std::string("not a positive number of seconds: ") + text);
  return seconds;
}

std::vector<std::uint32_t> parse_frames(const std::string& text) {
  std::vector<std::uint32_t> frames;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    char* end = nullptr;
    const unsigned long index = std::strtoul(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0') die("bad frame list: " + text);
    frames.push_back(static_cast<std::uint32_t>(index));
  }
  if (frames.empty()) die("empty frame list");
  return frames;
}

PeerArgs parse_peer_args(int argc, char** argv) {
  if (argc < 4) die(std::string("usage: ") + argv[0] + " SECONDS FRAMES FILE...  (FRAMES: e.g. 0 or 0,5,10)");
  return {parse_seconds(argv[1]), parse_frames(argv[2]), std::vector<std::string>(argv + 3, argv + argc)};
}

}  // namespace preflight::bench
