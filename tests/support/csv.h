#pragma once

#include <map>
#include <string>
#include <vector>

namespace preflight::testing {

// Rows of an RFC 4180 CSV file (quoted fields may hold commas, quotes and newlines), keyed by the
// header row's column names. Throws std::runtime_error naming the file if it cannot be read.
std::vector<std::map<std::string, std::string>> read_csv(const std::string& path);

}  // namespace preflight::testing
