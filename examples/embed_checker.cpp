// How an upload service embeds preflight: build one Checker at start-up, then call check() per upload from
// any thread. Usage: example_embed_checker FILE... (checks each file from its own thread, prints JSON).
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <thread>
#include <vector>

#include "pipeline/checker.h"
#include "pipeline/profile.h"
#include "pipeline/verdict_json.h"

int main(int argc, char** argv) {
  const preflight::Checker checker(preflight::load_profile("tencent-ims"));
  std::mutex print_mutex;
  std::vector<std::thread> uploads;
  for (int i = 1; i < argc; ++i) {
    uploads.emplace_back([&, i] {
      std::ifstream file(argv[i], std::ios::binary);
      const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(file), {}};
      const preflight::Verdict verdict =
          checker.check(bytes, preflight::CheckRequest{static_cast<std::uint64_t>(i - 1), argv[i]});
      const std::lock_guard lock(print_mutex);
      std::printf("%s\n", preflight::verdict_to_json_line(verdict).c_str());
    });
  }
  for (std::thread& upload : uploads) upload.join();
  return 0;
}
