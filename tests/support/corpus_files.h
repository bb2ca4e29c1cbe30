#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace preflight::testing {

// The bundled corpus/ folder of the source tree.
std::filesystem::path corpus_dir();

// Every regular file under corpus/ except its documentation and expectations, in sorted order.
std::vector<std::filesystem::path> corpus_images();

std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path);

}  // namespace preflight::testing
