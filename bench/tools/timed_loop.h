#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

// The measuring loop every program of bench/compare.sh shares (ours and the C++ peers), so that each is
// timed the same way: files read into memory first, one warm-up pass that also finds the files the
// program cannot decode, then round-robin over all files until the time is up.
namespace preflight::bench {

using FileBytes = std::vector<std::uint8_t>;

struct LoadedFile {
  std::string path;
  FileBytes bytes;
};

// Reads every file whole; exits with a message if one cannot be read.
std::vector<LoadedFile> load_files(const std::vector<std::string>& paths);

// Decodes one file (its path is there for tools that take a format hint from the name); returns an empty
// string on success, else the library's message.
using DecodeFn = std::function<std::string(const LoadedFile&)>;

struct LoopResult {
  double images_per_second = 0;
  std::size_t failed_files = 0;
};

// Runs `decode` over `files` for at least `seconds` (and at least one pass). Each file that fails in the
// warm-up pass is printed to stderr and counted; it stays in the loop, as a real workload would retry it.
LoopResult timed_loop(const std::vector<LoadedFile>& files, double seconds, const DecodeFn& decode);

// The one line bench/compare.sh parses: "images/s=123.4 failed=0/6".
void print_result(const LoopResult& result, std::size_t file_count);

// A positive number of seconds; exits with a message on anything else.
double parse_seconds(const char* text);

// "0,5,10" -> {0, 5, 10}; exits with a message on anything else.
std::vector<std::uint32_t> parse_frames(const std::string& text);

// The common command line of a peer loop: SECONDS FRAMES FILE... (FRAMES: the sampled frame indices).
struct PeerArgs {
  double seconds = 0;
  std::vector<std::uint32_t> frames;
  std::vector<std::string> paths;
};
PeerArgs parse_peer_args(int argc, char** argv);

}  // namespace preflight::bench
