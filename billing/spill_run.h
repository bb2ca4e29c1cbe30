#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "billing/usage.h"

namespace preflight::billing {

// Closes a stdio file owned by a unique_ptr.
struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// A sorted run of de-duplication entries on disk: records of (hash, key length, key, usage), in ascending
// (hash, key) order, each key at most once. Written by RunWriter, streamed back by RunReader with a fixed
// buffer.
class RunWriter {
 public:
  explicit RunWriter(const std::filesystem::path& path);
  void write(std::uint64_t hash, std::string_view key, const Usage& usage);
  // Flushes and closes; throws std::runtime_error naming the file if the disk refused a write.
  void close();

 private:
  std::filesystem::path path_;
  std::unique_ptr<char[]> buffer_;  // declared before file_: it must outlive the fclose that flushes it
  std::unique_ptr<std::FILE, FileCloser> file_;
};

class RunReader {
 public:
  explicit RunReader(const std::filesystem::path& path);
  // Advances to the next record; false at the end. Throws std::runtime_error on a truncated file.
  bool next();
  std::uint64_t hash() const { return hash_; }
  const std::string& key() const { return key_; }
  const Usage& usage() const { return usage_; }

 private:
  std::filesystem::path path_;
  std::unique_ptr<char[]> buffer_;  // declared before file_: it must outlive the fclose that flushes it
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::uint64_t hash_ = 0;
  std::string key_;
  Usage usage_;
};

}  // namespace preflight::billing
